import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LookupOptions } from 'node:dns';
import { checkEndpointUrl, isPublicAddress, type ResolveHost } from '../../src/modules/webhooks/webhook.address.js';
import { publicOnlyLookup } from '../../src/modules/webhooks/webhook.sender.js';

const strict = { allowHttp: false, allowPrivateNetworks: false };

/** A resolver that answers from a table, as DNS would; a name it does not know does not resolve. */
function resolverOf(table: Record<string, string[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };
  return Object.assign(resolve, { asked });
}

describe('webhook addresses: isPublicAddress', () => {
  test('every refused IPv4 range, at its first address, inside and at its last', () => {
    const ranges: [string, string[]][] = [
      ['0.0.0.0/8', ['0.0.0.0', '0.1.2.3', '0.255.255.255']],
      ['10.0.0.0/8', ['10.0.0.0', '10.0.0.1', '10.255.255.255']],
      ['100.64.0.0/10', ['100.64.0.0', '100.100.100.100', '100.127.255.255']],
      ['127.0.0.0/8', ['127.0.0.1', '127.1.2.3', '127.255.255.255']],
      ['169.254.0.0/16', ['169.254.0.0', '169.254.169.254', '169.254.255.255']],
      ['172.16.0.0/12', ['172.16.0.0', '172.20.1.1', '172.31.255.255']],
      ['192.0.0.0/24', ['192.0.0.0', '192.0.0.8', '192.0.0.255']],
      ['192.0.2.0/24', ['192.0.2.0', '192.0.2.1', '192.0.2.255']],
      ['192.88.99.0/24', ['192.88.99.0', '192.88.99.1', '192.88.99.255']],
      ['192.168.0.0/16', ['192.168.0.0', '192.168.1.1', '192.168.255.255']],
      ['198.18.0.0/15', ['198.18.0.0', '198.18.5.5', '198.19.255.255']],
      ['198.51.100.0/24', ['198.51.100.0', '198.51.100.7', '198.51.100.255']],
      ['203.0.113.0/24', ['203.0.113.0', '203.0.113.9', '203.0.113.255']],
      ['224.0.0.0/4', ['224.0.0.0', '224.0.0.251', '239.255.255.255']],
      ['240.0.0.0/4', ['240.0.0.0', '250.1.2.3', '255.255.255.254']],
      ['255.255.255.255', ['255.255.255.255']],
    ];
    for (const [range, addresses] of ranges) {
      for (const address of addresses) assert.equal(isPublicAddress(address), false, `${address} (${range})`);
    }
  });

  test('the neighbours just outside the IPv4 ranges are public', () => {
    for (const address of [
      '1.0.0.0',
      '9.255.255.255',
      '11.0.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '126.255.255.255',
      '128.0.0.0',
      '169.253.255.255',
      '169.255.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '192.0.1.255',
      '192.0.3.0',
      '192.167.255.255',
      '192.169.0.0',
      '198.17.255.255',
      '198.20.0.0',
      '223.255.255.255',
    ]) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });

  test('every refused IPv6 range', () => {
    const ranges: [string, string[]][] = [
      ['::', ['::', '0:0:0:0:0:0:0:0']],
      ['::1', ['::1', '0000:0000:0000:0000:0000:0000:0000:0001']],
      ['::/96 (IPv4-compatible, deprecated)', ['::7f00:1', '::8.8.8.8']],
      [
        '::ffff:0:0/96 carrying a refused IPv4',
        ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:0:0'],
      ],
      ['64:ff9b::/96 carrying a refused IPv4', ['64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:ff9b::192.168.0.1']],
      ['64:ff9b:1::/48', ['64:ff9b:1::1', '64:ff9b:1::8.8.8.8']],
      ['100::/64', ['100::', '100::1', '100::ffff:ffff:ffff:ffff']],
      ['2001::/23', ['2001::', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:2::1', '2001:1ff:ffff::1']],
      ['2001:db8::/32', ['2001:db8::', '2001:db8::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']],
      ['2002::/16 carrying a refused IPv4', ['2002:7f00:1::', '2002:a00:1::1', '2002:c0a8:101::1', '2002::']],
      ['fc00::/7', ['fc00::', 'fc00::1', 'fd00::1', 'fd12:3456:789a::1', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
      ['AWS metadata', ['fd00:ec2::254']],
      ['fe80::/10', ['fe80::', 'fe80::1', 'fe80::1%eth0', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
      ['fec0::/10', ['fec0::', 'fec0::1', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
      ['ff00::/8', ['ff00::', 'ff02::1', 'ff05::1:3', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
      ['outside 2000::/3 (not global unicast)', ['1::1', '4000::1', 'e000::1']],
    ];
    for (const [range, addresses] of ranges) {
      for (const address of addresses) assert.equal(isPublicAddress(address), false, `${address} (${range})`);
    }
  });

  test('public examples, IPv4 and IPv6, and IPv6 forms that carry a public IPv4', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.215.14',
      '2606:4700:4700::1111',
      '2001:4860:4860::8888',
      '2a00:1450:4001:80b::200e',
      '2001:200::1', // just past 2001::/23
      '::ffff:8.8.8.8',
      '::ffff:808:808',
      '64:ff9b::1.1.1.1',
      '2002:808:808::1',
    ]) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });

  test('what is not an IP address is not public', () => {
    for (const value of ['', 'localhost', 'example.com', '256.0.0.1', '1.2.3', '::g', '[::1]', '8.8.8.8/32']) {
      assert.equal(isPublicAddress(value), false, JSON.stringify(value));
    }
  });
});

describe('webhook addresses: checkEndpointUrl', () => {
  const publicName = resolverOf({ 'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });

  test('an https URL whose host resolves to public addresses only is accepted, its URL parsed', async () => {
    const checked = await checkEndpointUrl('https://hooks.example.com/tessera?x=1', strict, publicName);
    assert.equal(checked.ok, true);
    assert.equal(checked.ok && checked.url.href, 'https://hooks.example.com/tessera?x=1');
    for (const literal of ['https://8.8.8.8/hook', 'https://[2606:4700:4700::1111]/hook']) {
      assert.equal((await checkEndpointUrl(literal, strict, publicName)).ok, true, literal);
    }
  });

  test('IP literals that are not public are refused with a reason, without asking DNS', async () => {
    const resolve = resolverOf({});
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/hook',
      'https://[fc00::1]/hook',
      'https://[fd00:ec2::254]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://0.0.0.0/hook',
      'https://2130706433/hook', // 127.0.0.1 written as one number: URL parsing makes it 127.0.0.1
      'https://0x7f.1/hook',
    ]) {
      const checked = await checkEndpointUrl(url, strict, resolve);
      assert.equal(checked.ok, false, url);
      assert.match(!checked.ok ? checked.reason : '', /not a public address/, url);
    }
    assert.deepEqual(resolve.asked, []);
  });

  test('a name that resolves to loopback, or to one private address among public ones, is refused', async () => {
    const resolve = resolverOf({
      'rebind.example': ['127.0.0.1'],
      'mixed.example': ['93.184.215.14', '10.1.2.3'],
      'v6.example': ['::1'],
    });
    for (const [url, address] of [
      ['https://rebind.example/hook', '127.0.0.1'],
      ['https://mixed.example/hook', '10.1.2.3'],
      ['https://v6.example/hook', '::1'],
    ] as const) {
      const checked = await checkEndpointUrl(url, strict, resolve);
      assert.equal(checked.ok, false, url);
      const reason = !checked.ok ? checked.reason : '';
      assert.match(reason, /must resolve to public addresses only/, url);
      assert.ok(!reason.includes(address), `${url}: the reason does not name the address inside`);
    }
  });

  test('localhost, through the real resolver, is refused', async () => {
    const checked = await checkEndpointUrl('https://localhost:8443/hook', strict);
    assert.equal(checked.ok, false);
    // RFC 6761: localhost and the names under it are loopback, whatever DNS says.
    assert.deepEqual(checked, { ok: false, reason: 'localhost must resolve to public addresses only' });
    const under = await checkEndpointUrl('https://hooks.LOCALHOST./hook', strict);
    assert.equal(under.ok, false);
  });

  test('a name that does not resolve is refused', async () => {
    const checked = await checkEndpointUrl('https://nowhere.invalid/hook', strict, resolverOf({}));
    assert.deepEqual(checked, { ok: false, reason: 'nowhere.invalid does not resolve' });
    const empty = await checkEndpointUrl('https://empty.example/hook', strict, resolverOf({ 'empty.example': [] }));
    assert.equal(empty.ok, false);
  });

  test('http without WEBHOOK_ALLOW_HTTP, other schemes, credentials and garbage are refused with a reason', async () => {
    const cases: [string, RegExp][] = [
      ['http://hooks.example.com/hook', /must be https/],
      ['ftp://hooks.example.com/hook', /must be https/],
      ['file:///etc/passwd', /must be https/],
      ['javascript:alert(1)', /must be https/],
      ['https://user:pass@hooks.example.com/hook', /credentials/],
      ['https://user@hooks.example.com/hook', /credentials/],
      ['not a url', /not a valid absolute URL/],
      ['', /not a valid absolute URL/],
      ['/relative/path', /not a valid absolute URL/],
      ['https://', /not a valid absolute URL/],
      ['https://[::1/hook', /not a valid absolute URL/],
    ];
    for (const [url, reason] of cases) {
      const checked = await checkEndpointUrl(url, strict, publicName);
      assert.equal(checked.ok, false, url);
      assert.match(!checked.ok ? checked.reason : '', reason, url);
    }
    const withHttp = await checkEndpointUrl(
      'http://hooks.example.com/hook',
      { ...strict, allowHttp: true },
      publicName,
    );
    assert.equal(withHttp.ok, true);
    const ftp = await checkEndpointUrl('ftp://hooks.example.com/', { ...strict, allowHttp: true }, publicName);
    assert.deepEqual(ftp, { ok: false, reason: 'the URL must be https or http' });
  });

  test('with WEBHOOK_ALLOW_PRIVATE_NETWORKS and WEBHOOK_ALLOW_HTTP, http://127.0.0.1:port is accepted', async () => {
    const relaxed = { allowHttp: true, allowPrivateNetworks: true };
    const resolve = resolverOf({});
    const checked = await checkEndpointUrl('http://127.0.0.1:4567/hook', relaxed, resolve);
    assert.equal(checked.ok, true);
    assert.equal(checked.ok && checked.url.port, '4567');
    assert.equal((await checkEndpointUrl('https://[::1]:8443/', relaxed, resolve)).ok, true);
    // Private networks allowed does not mean any URL: the scheme and credential rules still hold.
    assert.equal((await checkEndpointUrl('http://u:p@127.0.0.1/', relaxed, resolve)).ok, false);
    assert.equal((await checkEndpointUrl('http://127.0.0.1/', { ...relaxed, allowHttp: false }, resolve)).ok, false);
  });
});

describe('webhook addresses: the lookup at connect time', () => {
  /** Runs the connect-time lookup as net.connect would, and returns what it answered. */
  function lookUp(resolve: ResolveHost, hostname: string, options: { all?: boolean; family?: number } = {}) {
    return new Promise<{ error: (Error & { code?: string }) | null; result: unknown }>((done) => {
      publicOnlyLookup(resolve)(hostname, options as LookupOptions, (error, address, family) =>
        done({ error, result: options.all ? address : { address, family } }),
      );
    });
  }

  test('a name that was public when saved and resolves inside now (DNS rebinding) is refused', async () => {
    const { error } = await lookUp(resolverOf({ 'hooks.example': ['93.184.216.34', '10.0.0.7'] }), 'hooks.example');
    assert.equal(error?.code, 'WEBHOOK_ADDRESS_REFUSED');
    assert.equal(error?.message, 'address refused: hooks.example resolves to an address that is not public');
    const metadata = await lookUp(resolverOf({ 'meta.example': ['169.254.169.254'] }), 'meta.example', { all: true });
    assert.equal(metadata.error?.code, 'WEBHOOK_ADDRESS_REFUSED');
  });

  test('a public name: every address when all are asked, else the first of the family asked', async () => {
    const resolve = resolverOf({ 'hooks.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] });
    assert.deepEqual((await lookUp(resolve, 'hooks.example', { all: true })).result, [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
    assert.deepEqual((await lookUp(resolve, 'hooks.example', { family: 6 })).result, {
      address: '2606:2800:220:1:248:1893:25c8:1946',
      family: 6,
    });
    const v4only = await lookUp(resolverOf({ 'v4.example': ['93.184.216.34'] }), 'v4.example', { family: 6 });
    assert.equal(v4only.error?.code, 'ENOTFOUND');
  });

  test('a name that does not resolve is a lookup error, not a refusal', async () => {
    const { error } = await lookUp(resolverOf({}), 'nowhere.invalid');
    assert.equal(error?.code, 'ENOTFOUND');
  });
});
