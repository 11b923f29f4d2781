import { Redis } from 'ioredis';

/** Where the limits report the shared store's outages (Fastify's or pino's logger fits). */
export interface LimitsLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export const silentLog: LimitsLog = { info: () => undefined, warn: () => undefined };

/** The limits' logger: set once the app's logger exists, read by everything built before that. */
export interface LogRef {
  current: LimitsLog;
}

/**
 * The Redis connection the limits share between processes. It never makes a request wait for
 * Redis: while it is not connected, commands fail at once (no offline queue) and a command that
 * gets no answer fails after `commandTimeout`; either way the limiters fall back to their
 * in-memory counters. It keeps reconnecting in the background and says so in the log once per
 * outage, not once per retry.
 */
export class RedisStore {
  readonly client: Redis;
  private reachable = true;
  private closed = false;

  constructor(
    url: string,
    private readonly log: LogRef,
  ) {
    this.client = new Redis(url, {
      // Processes that never count anything (`tessera worker`, the CLI) never open a socket.
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 2000,
      enableAutoPipelining: true,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    });
    // Without a listener, ioredis prints every failed reconnection to stderr.
    this.client.on('error', (error: Error) => this.unreachable(error));
    this.client.on('close', () => this.unreachable(new Error('connection closed')));
    this.client.on('ready', () => {
      if (!this.reachable)
        this.log.current.info({ component: 'limits' }, 'Redis is reachable again: limits are shared again');
      this.reachable = true;
    });
  }

  /** Connects now and waits until Redis answers or the attempt fails; never throws. */
  async connect(): Promise<void> {
    if (this.client.status !== 'wait') return;
    try {
      await this.client.connect();
    } catch (error) {
      this.unreachable(error as Error);
    }
  }

  /** A limiter is about to count: a connection nobody opened yet is opened (in the background). */
  touch(): void {
    if (this.client.status === 'wait' && !this.closed)
      this.client.connect().catch((error: Error) => this.unreachable(error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }

  private unreachable(error: Error): void {
    if (this.closed || !this.reachable) return;
    this.reachable = false;
    this.log.current.warn(
      { component: 'limits', err: { message: error.message } },
      'Redis is unreachable: each process counts its limits in memory until it is back',
    );
  }
}
