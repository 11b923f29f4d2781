import { Resolver } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a webhook may be sent to: public ones only (SPEC "Events and webhooks", Safety).
 * The same rule is applied twice: to an endpoint's URL when it is saved (checkEndpointUrl), and to
 * the address each delivery's socket connects to (webhook.sender.ts), so that DNS rebinding gains
 * nothing.
 */

export interface EndpointAddressOptions {
  /** Accept `http:` as well as `https:` (WEBHOOK_ALLOW_HTTP; development and tests). */
  allowHttp: boolean;
  /** Accept loopback, private and every other non-public address (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
}

/** Every address a host name resolves to (A and AAAA). */
export type ResolveHost = (hostname: string) => Promise<readonly string[]>;

export type EndpointUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const refused = new BlockList();
// IPv4
refused.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network" (RFC 791)
refused.addSubnet('10.0.0.0', 8, 'ipv4'); // private (RFC 1918)
refused.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT (RFC 6598)
refused.addSubnet('127.0.0.0', 8, 'ipv4'); // loopback
refused.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, with cloud metadata at 169.254.169.254 (RFC 3927)
refused.addSubnet('172.16.0.0', 12, 'ipv4'); // private (RFC 1918)
refused.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments (RFC 6890)
refused.addSubnet('192.0.2.0', 24, 'ipv4'); // documentation TEST-NET-1 (RFC 5737)
refused.addSubnet('192.88.99.0', 24, 'ipv4'); // 6to4 relay anycast, deprecated (RFC 7526)
refused.addSubnet('192.168.0.0', 16, 'ipv4'); // private (RFC 1918)
refused.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking (RFC 2544)
refused.addSubnet('198.51.100.0', 24, 'ipv4'); // documentation TEST-NET-2 (RFC 5737)
refused.addSubnet('203.0.113.0', 24, 'ipv4'); // documentation TEST-NET-3 (RFC 5737)
refused.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast (RFC 5771)
refused.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved (RFC 1112), with the limited broadcast 255.255.255.255
refused.addAddress('255.255.255.255', 'ipv4'); // limited broadcast (RFC 919), named although 240/4 holds it
// IPv6 (::ffff:0:0/96, 64:ff9b::/96 and 2002::/16 carry an IPv4 address, judged in embeddedIPv4 below)
refused.addSubnet('::', 96, 'ipv6'); // unspecified (::), loopback (::1) and the deprecated IPv4-compatible ::/96
refused.addSubnet('64:ff9b:1::', 48, 'ipv6'); // NAT64 for local use (RFC 8215)
refused.addSubnet('100::', 64, 'ipv6'); // discard-only (RFC 6666)
refused.addSubnet('2001::', 23, 'ipv6'); // IETF protocol assignments, Teredo 2001::/32 among them (RFC 2928, 4380)
refused.addSubnet('2001:db8::', 32, 'ipv6'); // documentation (RFC 3849)
refused.addSubnet('3fff::', 20, 'ipv6'); // documentation (RFC 9637)
refused.addSubnet('fc00::', 7, 'ipv6'); // unique local, with AWS metadata fd00:ec2::254 (RFC 4193)
refused.addSubnet('fe80::', 10, 'ipv6'); // link-local (RFC 4291)
refused.addSubnet('fec0::', 10, 'ipv6'); // site-local, deprecated (RFC 3879)
refused.addSubnet('ff00::', 8, 'ipv6'); // multicast (RFC 4291)

/** Only global unicast (2000::/3) is public IPv6; everything outside it is some special range. */
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/**
 * Whether `ip` is a public address a webhook may reach. Anything that is not an IP address is not
 * public. An IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64, 6to4) is as public as the
 * IPv4 address it carries.
 */
export function isPublicAddress(ip: string): boolean {
  const address = ip.split('%')[0]!; // a zone (fe80::1%eth0) names an interface; the address decides
  const version = isIP(address);
  if (version === 4) return !refused.check(address, 'ipv4');
  if (version !== 6) return false;
  const groups = ipv6Groups(address);
  const carried = embeddedIPv4(groups);
  if (carried !== undefined) return isPublicAddress(carried);
  return globalUnicast.check(address, 'ipv6') && !refused.check(address, 'ipv6');
}

/** The IPv4 address inside ::ffff:0:0/96 (IPv4-mapped), 64:ff9b::/96 (NAT64) or 2002::/16 (6to4). */
function embeddedIPv4(groups: number[]): string | undefined {
  const dotted = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return dotted(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return dotted(g6, g7);
  if (g0 === 0x2002) return dotted(g1, g2);
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded dotted IPv4 tail included). */
function ipv6Groups(address: string): number[] {
  const toGroups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [Number.parseInt(group, 16)];
      const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const [head = '', tail] = address.split('::');
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Every address `hostname` resolves to in DNS, IPv4 and IPv6. Asked of the DNS servers directly
 * (c-ares), with a timeout: `dns.lookup` runs in libuv's small thread pool with none, so a name whose
 * DNS never answers, saved again and again, would hold every other lookup of the process behind it.
 */
export const resolveHost: ResolveHost = async (hostname) => {
  // RFC 6761: `localhost` and the names under it are loopback, whatever a DNS server says of them.
  if (/(^|\.)localhost\.?$/i.test(hostname)) return ['127.0.0.1', '::1'];
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (addresses.length === 0 && v4.status === 'rejected') throw v4.reason;
  return addresses;
};

/** A URL's host without the brackets an IPv6 literal is written in. */
export function urlHostAddress(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * The parts of the rule that need no DNS: the URL parses, is `https:` (or `http:` when allowed),
 * carries no credentials and has a host.
 */
export function checkEndpointUrlSyntax(
  input: string,
  options: Pick<EndpointAddressOptions, 'allowHttp'>,
): EndpointUrlCheck {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: 'the URL is not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) {
    return { ok: false, reason: options.allowHttp ? 'the URL must be https or http' : 'the URL must be https' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'the URL must not carry credentials' };
  if (url.hostname === '') return { ok: false, reason: 'the URL has no host' };
  return { ok: true, url };
}

/**
 * Whether a webhook endpoint's URL may be saved: checkEndpointUrlSyntax, and every address its host
 * resolves to (or the address it is) is public, unless private networks are allowed.
 */
export async function checkEndpointUrl(
  input: string,
  options: EndpointAddressOptions,
  resolve: ResolveHost = resolveHost,
): Promise<EndpointUrlCheck> {
  const syntax = checkEndpointUrlSyntax(input, options);
  if (!syntax.ok || options.allowPrivateNetworks) return syntax;
  const host = urlHostAddress(syntax.url);
  if (isIP(host) !== 0) {
    return isPublicAddress(host) ? syntax : { ok: false, reason: `${host} is not a public address` };
  }
  let addresses: readonly string[];
  try {
    addresses = await resolve(host);
  } catch {
    return { ok: false, reason: `${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} does not resolve` };
  // The reason does not name the address: an organization's admin learns nothing of the network inside.
  if (!addresses.every(isPublicAddress)) return { ok: false, reason: `${host} must resolve to public addresses only` };
  return syntax;
}
