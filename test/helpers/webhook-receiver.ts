import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A customer's receiver on 127.0.0.1: records each request and answers as `answer` says. */
export class Receiver {
  readonly received: Received[] = [];
  answer: (request: Received, response: ServerResponse) => void = (_request, response) => response.end('ok');
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(received);
        this.answer(received, response);
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Verifies as a customer would, with the standardwebhooks package: throws when the signature is wrong. */
  verify(received: Received, secret: string): { type: string; timestamp: string; data: any } {
    const headers = {
      'webhook-id': String(received.headers['webhook-id']),
      'webhook-timestamp': String(received.headers['webhook-timestamp']),
      'webhook-signature': String(received.headers['webhook-signature']),
    };
    return new Webhook(secret).verify(received.body, headers) as { type: string; timestamp: string; data: any };
  }
}
