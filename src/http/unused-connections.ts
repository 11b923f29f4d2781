import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * At shutdown, closes the connections that have not sent a byte. Closing the server ends the
 * keep-alive connections waiting between requests, but a connection that never sent a request
 * counts as one whose request is still to come: it held the shutdown until Node's headersTimeout
 * (a minute), past the grace period, and the process was killed instead of closing its database
 * (seen at the end of `npm run bench`, from a load generator's spare connection). Nothing was
 * asked on such a connection, so nothing is lost by closing it.
 */
export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const open = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  app.addHook('preClose', (done) => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
    done();
  });
}
