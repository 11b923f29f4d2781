import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import {
  closeWebhookAgents,
  parseRetryAfter,
  RESPONSE_KEEP_LIMIT,
  sendWebhook,
  type WebhookSenderOptions,
} from '../../src/modules/webhooks/webhook.sender.js';

/** What a test receiver saw: every connection and every request (method, path, headers, body). */
interface Receiver {
  port: number;
  url: (path?: string) => string;
  connections: number;
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  close: () => Promise<void>;
}

async function startReceiver(
  respond: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  host = '127.0.0.1',
): Promise<Receiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      respond(req, res, body);
    });
  });
  server.on('connection', () => receiver.connections++);
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    port,
    url: (path = '/hook') => `http://${host}:${port}${path}`,
    connections: 0,
    requests: [],
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return receiver;
}

const local: WebhookSenderOptions = { allowHttp: true, allowPrivateNetworks: true, timeoutMs: 5_000 };
const guarded: WebhookSenderOptions = { allowHttp: true, allowPrivateNetworks: false, timeoutMs: 5_000 };
const payload = (url: string) => ({
  url,
  headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' },
  body: '{"type":"invitation.created"}',
});

describe('webhook sender', () => {
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const started = await startReceiver(...args);
    receivers.push(started);
    return started;
  };
  after(async () => {
    await closeWebhookAgents();
    await Promise.all(receivers.map((r) => r.close()));
  });

  test('a 2xx: the POST arrives with its headers and body; the status and the body come back', async () => {
    const r = await receiver((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks'));
    const result = await sendWebhook(payload(r.url()), local);
    assert.equal(result.status, 200);
    assert.equal(result.body, 'thanks');
    assert.equal(result.error, undefined);
    assert.equal(result.failure, undefined);
    assert.ok(result.durationMs >= 0 && result.durationMs < 5_000);
    assert.equal(r.requests.length, 1);
    const [request] = r.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/hook');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.equal(request?.headers['webhook-id'], 'evt_1');
    assert.equal(request?.body, '{"type":"invitation.created"}');
  });

  test('a 500 is a status, not an error; Retry-After is not read on it', async () => {
    const r = await receiver((_req, res) => res.writeHead(500, { 'retry-after': '30' }).end('boom'));
    const result = await sendWebhook(payload(r.url()), local);
    assert.deepEqual({ ...result, durationMs: 0 }, { status: 500, durationMs: 0, body: 'boom' });
  });

  test('Retry-After on a 429 (seconds) and a 503 (an HTTP date) comes back in seconds', async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const r = await receiver((req, res) => {
      if (req.url === '/busy') res.writeHead(429, { 'retry-after': '2' }).end();
      else if (req.url === '/down') res.writeHead(503, { 'retry-after': inTenSeconds }).end();
      else res.writeHead(429).end();
    });
    const busy = await sendWebhook(payload(r.url('/busy')), local);
    assert.equal(busy.status, 429);
    assert.equal(busy.retryAfterSeconds, 2);
    const down = await sendWebhook(payload(r.url('/down')), local);
    assert.equal(down.status, 503);
    assert.ok(down.retryAfterSeconds !== undefined && down.retryAfterSeconds >= 8 && down.retryAfterSeconds <= 10);
    const without = await sendWebhook(payload(r.url('/plain')), local);
    assert.equal(without.status, 429);
    assert.equal(without.retryAfterSeconds, undefined);

    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now), 90);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    // A receiver asking for years waits as long as the schedule's longest wait, and is recorded.
    assert.equal(parseRetryAfter('99999999999999999999', now), 86_400);
    assert.equal(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now), 86_400);
  });

  test('a redirect is not followed: the 302 is the status, and its target is never asked', async () => {
    const r = await receiver((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/target' }).end();
      else res.writeHead(200).end('followed');
    });
    const result = await sendWebhook(payload(r.url('/start')), local);
    assert.equal(result.status, 302);
    assert.equal(result.body, '');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      r.requests.map((request) => request.path),
      ['/start'],
    );
  });

  test('a 1 MiB body: 1 KiB is kept, the read stops at 64 KiB and the connection is closed before the rest is sent', async () => {
    const size = 1024 * 1024;
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let written = 0;
    let closedEarly: Promise<boolean> = Promise.resolve(false);
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(size) });
      closedEarly = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
      // A chunk a millisecond, so that the client's stop is seen long before 1 MiB would have gone.
      const next = () => {
        if (res.destroyed || written >= size) return void res.end();
        written += chunk.length;
        res.write(chunk);
        setTimeout(next, 1);
      };
      next();
    });
    const result = await sendWebhook(payload(r.url()), local);
    assert.equal(result.status, 200);
    assert.equal(result.error, undefined);
    assert.equal(result.body, 'a'.repeat(RESPONSE_KEEP_LIMIT));
    assert.equal(await closedEarly, true, 'the server saw the connection closed before its response was finished');
    assert.ok(written < size / 2, `the server wrote ${written} bytes before the connection closed`);
  });

  test('a kept body cut inside a multi-byte character ends before that character', async () => {
    const text = `${'a'.repeat(RESPONSE_KEEP_LIMIT - 1)}é and more`;
    const r = await receiver((_req, res) => res.writeHead(400).end(text));
    const result = await sendWebhook(payload(r.url()), local);
    assert.equal(result.status, 400);
    assert.equal(result.body, 'a'.repeat(RESPONSE_KEEP_LIMIT - 1));
  });

  test('a receiver that never answers: null status and a timeout error after the timeout, while another is served', async () => {
    const silent = await receiver(() => {});
    const prompt = await receiver((_req, res) => res.writeHead(204).end());
    const started = Date.now();
    const slow = sendWebhook(payload(silent.url()), { ...local, timeoutMs: 500 }).then((result) => ({
      result,
      at: Date.now() - started,
    }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fast = await sendWebhook(payload(prompt.url()), local);
    const fastAt = Date.now() - started;
    assert.equal(fast.status, 204);
    const { result, at } = await slow;
    assert.ok(fastAt < at, `the prompt receiver answered at ${fastAt} ms, before the silent one timed out at ${at} ms`);
    assert.equal(result.status, null);
    assert.equal(result.failure, 'timeout');
    assert.match(result.error ?? '', /no complete response within 500 ms/);
    assert.ok(result.durationMs >= 450 && result.durationMs < 3_000, `durationMs ${result.durationMs}`);
    assert.equal(silent.requests.length, 1);
  });

  test('a receiver that sends headers and then stalls the body also times out', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const result = await sendWebhook(payload(r.url()), { ...local, timeoutMs: 400 });
    assert.equal(result.status, null);
    assert.equal(result.failure, 'timeout');
  });

  test('nothing listening: a network error, null status, not thrown', async () => {
    const r = await receiver(() => {});
    const url = r.url();
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const result = await sendWebhook(payload(url), local);
    assert.equal(result.status, null);
    assert.equal(result.failure, 'network');
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  test('the connect-time guard refuses 127.0.0.1, [::1] and localhost, and the receiver sees no connection', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end());
    const refusals: [string, RegExp][] = [
      [r.url(), /^address refused: 127\.0\.0\.1 is not a public address$/],
      [`http://[::1]:${r.port}/hook`, /^address refused: ::1 is not a public address$/],
      // A name: refused after DNS, where the socket would open (the URL check was never made here).
      [`http://localhost:${r.port}/hook`, /^address refused: localhost resolves to an address that is not public$/],
    ];
    for (const [url, error] of refusals) {
      const result = await sendWebhook(payload(url), guarded);
      assert.equal(result.status, null, url);
      assert.equal(result.failure, 'address_refused', url);
      assert.match(result.error ?? '', error, url);
    }
    assert.equal(r.connections, 0);
    assert.equal(r.requests.length, 0);
    // The same receiver, with private networks allowed, is reached: the refusal was the guard's.
    assert.equal((await sendWebhook(payload(r.url()), local)).status, 200);
  });

  test('http without WEBHOOK_ALLOW_HTTP, and a URL with credentials, are not sent', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end());
    const http = await sendWebhook(payload(r.url()), { ...local, allowHttp: false });
    assert.equal(http.status, null);
    assert.equal(http.failure, 'address_refused');
    assert.match(http.error ?? '', /^address refused: the URL must be https$/);
    const credentials = await sendWebhook(payload(`http://u:p@127.0.0.1:${r.port}/hook`), local);
    assert.equal(credentials.status, null);
    assert.equal(credentials.failure, 'address_refused');
    assert.match(credentials.error ?? '', /credentials/);
    assert.equal(r.connections, 0);
  });
});
