/**
 * A webhook receiver on 127.0.0.1, as a customer would write one: it verifies each request's
 * signature with the `standardwebhooks` package, answers 204, and counts what it received by
 * `webhook-id`. Each endpoint delivers to a path of its own, verified with that endpoint's secret.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedAt {
  /** Copies received with a valid signature, by `webhook-id`. */
  received: Map<string, number>;
  /** Requests answered 400: no valid signature by the path's secret. */
  refused: number;
  /** performance.now() of the first request and of the latest `webhook-id` not seen before. */
  first: number;
  lastNew: number;
}

export interface WebhookReceiver {
  /** The URL of a path, e.g. url('/delivery'). */
  url(path: string): string;
  /** Starts accepting at `path`, verified with `secret` (shown when its endpoint is created). */
  accept(path: string, secret: string): ReceivedAt;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const paths = new Map<string, { verifier: Webhook; counts: ReceivedAt }>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = paths.get(request.url ?? '');
      if (!path || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      const { verifier, counts } = path;
      const now = performance.now();
      counts.first ||= now;
      const id = request.headers['webhook-id'];
      try {
        verifier.verify(Buffer.concat(chunks), request.headers as Record<string, string>);
      } catch {
        counts.refused++;
        response.writeHead(400).end();
        return;
      }
      const copies = counts.received.get(id as string) ?? 0;
      counts.received.set(id as string, copies + 1);
      if (copies === 0) counts.lastNew = now;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A run that fails midway must still end: the receiver alone does not keep the process alive.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    accept(path, secret) {
      const counts: ReceivedAt = { received: new Map(), refused: 0, first: 0, lastNew: 0 };
      paths.set(path, { verifier: new Webhook(secret), counts });
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // The worker's connections are kept alive; closing should not wait for them.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
