import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, request } from 'undici';
import { checkEndpointUrlSyntax, isPublicAddress, type ResolveHost, resolveHost } from './webhook.address.js';

/**
 * Sends one webhook request: a POST that follows no redirect, ends within a total timeout, reads at
 * most RESPONSE_READ_LIMIT bytes of the answer and keeps RESPONSE_KEEP_LIMIT of them. Its sockets
 * open only to public addresses (unless private networks are allowed): the address is checked where
 * the socket is opened, after DNS, so a name that resolved to a public address when its endpoint
 * was saved and to a private one now (DNS rebinding) is refused.
 */

/** The default total time for connect, request, headers and body (SPEC: success is a 2xx within 15 s). */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/** A response body is read up to this many bytes; a longer one is cut off and its connection closed. */
export const RESPONSE_READ_LIMIT = 64 * 1024;
/** The part of a response body that is kept (as text) for the delivery's record. */
export const RESPONSE_KEEP_LIMIT = 1024;

export interface WebhookSenderOptions {
  /** Send over `http:` as well as `https:` (WEBHOOK_ALLOW_HTTP). */
  allowHttp: boolean;
  /** Connect to loopback, private and other non-public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
  /** Total time for the whole exchange; WEBHOOK_TIMEOUT_MS unless a test wants less. */
  timeoutMs?: number;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Why a request has no status: its URL or address was refused (not https when http is not allowed,
 * credentials, an address that is not public), the time ran out, or the connection failed (DNS,
 * refused, reset, TLS).
 */
export type WebhookFailure = 'address_refused' | 'timeout' | 'network';

export interface WebhookResponse {
  /** The response status (a 3xx too: redirects are not followed); null when there was no complete response. */
  status: number | null;
  durationMs: number;
  /** The first RESPONSE_KEEP_LIMIT bytes of the response body, as UTF-8 text; '' without a response. */
  body: string;
  /** From `Retry-After` (delta-seconds or an HTTP date) on a 429 or 503, in whole seconds from now. */
  retryAfterSeconds?: number;
  /** What went wrong, for the delivery's record; present exactly when status is null. */
  error?: string;
  failure?: WebhookFailure;
}

/** The connect-time guard refused an address: delivery records it as "address refused". */
export class WebhookAddressRefused extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(
      hostname === address
        ? `address refused: ${address} is not a public address`
        : // The address inside is not named: an endpoint's owner reads this error, and should not
          // learn the internal addresses its name was pointed at.
          `address refused: ${hostname} resolves to an address that is not public`,
    );
    this.name = 'WebhookAddressRefused';
  }
}

class WebhookTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
    this.name = 'WebhookTimeout';
  }
}

/**
 * A DNS lookup for net.connect that refuses a name when any address it resolves to is not public.
 * It asks for every address even when net wants one, so no address the name has goes unchecked,
 * and asks the DNS servers directly, with a timeout (resolveHost): `dns.lookup` would wait in libuv's
 * thread pool, where a name whose DNS never answers holds the password hashing up behind it.
 */
export function publicOnlyLookup(resolve: ResolveHost = resolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const notPublic = found.find((address) => !isPublicAddress(address));
        if (notPublic !== undefined || found.length === 0) {
          return callback(new WebhookAddressRefused(hostname, notPublic ?? '(none)'), '', 0);
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses: LookupAddress[] = found
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => wanted === undefined || entry.family === wanted);
        const first = addresses[0];
        if (!first)
          return callback(
            Object.assign(new Error(`${hostname} has no IPv${wanted} address`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        if (options.all) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * undici's connector with the address guard: an IP literal is judged before connecting (net.connect
 * does no lookup for one), a name through publicOnlyLookup, and the connected socket's peer address
 * once more before a byte of the request is written.
 */
function guardedConnector(): buildConnector.connector {
  const connect = buildConnector({ timeout: CONNECT_TIMEOUT_MS, lookup: publicOnlyLookup() });
  return (options, callback) => {
    if (isIP(options.hostname) !== 0 && !isPublicAddress(options.hostname)) {
      callback(new WebhookAddressRefused(options.hostname, options.hostname), null);
      return;
    }
    connect(options, (error, socket) => {
      if (error) return callback(error, null);
      const peer = (socket as Socket).remoteAddress;
      if (peer === undefined || !isPublicAddress(peer)) {
        socket.destroy();
        return callback(new WebhookAddressRefused(options.hostname, peer ?? '(unknown)'), null);
      }
      return callback(null, socket);
    });
  };
}

const agents = new Map<boolean, Agent>();

/**
 * The process's Agent for webhooks (one per allowPrivateNetworks setting, so in practice one):
 * a few keep-alive connections per origin, so one slow origin holds only its own.
 */
export function webhookAgent(options: Pick<WebhookSenderOptions, 'allowPrivateNetworks'>): Agent {
  let agent = agents.get(options.allowPrivateNetworks);
  if (agent === undefined) {
    agent = new Agent({
      connections: 8,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      connect: options.allowPrivateNetworks ? { timeout: CONNECT_TIMEOUT_MS } : guardedConnector(),
    });
    agents.set(options.allowPrivateNetworks, agent);
  }
  return agent;
}

/** Closes the webhook Agents (shutdown, tests); the next send makes a new one. */
export async function closeWebhookAgents(): Promise<void> {
  const open = [...agents.values()];
  agents.clear();
  await Promise.all(open.map((agent) => agent.destroy()));
}

/**
 * POSTs a webhook and reports what came back. It never throws: an address refused, a timeout or a
 * failed connection is `status: null` with `error` and `failure`.
 */
export async function sendWebhook(webhook: WebhookRequest, options: WebhookSenderOptions): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const syntax = checkEndpointUrlSyntax(webhook.url, options);
  if (!syntax.ok) {
    const error = `address refused: ${syntax.reason}`;
    return { status: null, durationMs: elapsed(), body: '', error, failure: 'address_refused' };
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new WebhookTimeout(timeoutMs)), timeoutMs);
  try {
    const response = await request(syntax.url, {
      dispatcher: webhookAgent(options),
      method: 'POST',
      headers: { 'user-agent': 'Tessera-Webhooks', ...webhook.headers },
      body: webhook.body,
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await readLimited(response.body);
    const result: WebhookResponse = { status: response.statusCode, durationMs: elapsed(), body };
    if (response.statusCode === 429 || response.statusCode === 503) {
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      if (retryAfter !== undefined) result.retryAfterSeconds = retryAfter;
    }
    return result;
  } catch (error) {
    const failure = classify(error, controller.signal);
    // undici's own header or body timeout may fire before the abort: then the signal has no reason.
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    return { status: null, durationMs: elapsed(), body: '', error: describe(reason), failure };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads a body up to RESPONSE_READ_LIMIT bytes, keeping the first RESPONSE_KEEP_LIMIT; past the
 * limit the body is destroyed, which aborts the request and closes its connection.
 */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let readBytes = 0;
  for await (const chunk of body) {
    readBytes += chunk.length;
    if (keptBytes < RESPONSE_KEEP_LIMIT) {
      const part = chunk.subarray(0, RESPONSE_KEEP_LIMIT - keptBytes);
      kept.push(Buffer.from(part)); // a copy: the chunk itself may be a view of a larger buffer
      keptBytes += part.length;
    }
    if (readBytes >= RESPONSE_READ_LIMIT) {
      body.destroy();
      break;
    }
  }
  // stream: true holds back a character cut in half at the end, rather than making it U+FFFD.
  return new TextDecoder().decode(Buffer.concat(kept), { stream: true });
}

/** `Retry-After` as whole seconds from now: delta-seconds, or an HTTP date (a past one is 0). */
/** A Retry-After longer than the retry schedule's longest wait (24 h) waits that long. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value), MAX_RETRY_AFTER_SECONDS);
  if (!/^[A-Za-z]{3}/.test(value)) return undefined; // every HTTP-date form starts with the day's name
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - now) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

function classify(error: unknown, signal: AbortSignal): WebhookFailure {
  if (signal.aborted) return 'timeout';
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof WebhookAddressRefused) return 'address_refused';
    const code = (cause as { code?: unknown }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return 'timeout';
    }
  }
  return 'network';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error ?? 'the request failed');
  if (error instanceof WebhookAddressRefused) return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
