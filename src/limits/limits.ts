import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AttemptLimits } from './attempt-limits.js';
import { InvitationLimits } from './invitation-limits.js';
import { PendingInvitationsCap, type CountPending } from './pending-cap.js';
import { RedisStore, silentLog, type LimitsLog, type LogRef } from './redis-store.js';
import { createWindowCounter } from './window-counter.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/**
 * Every limit Tessera enforces. Counters live in Redis when REDIS_URL is set, so that every
 * process shares them, and in memory otherwise. While Redis is unreachable each process counts in
 * memory (rate-limiter-flexible's insurance limiter): limits stay enforced, per process, and no
 * request fails or waits because of Redis.
 */
export class Limits {
  constructor(
    readonly invitations: InvitationLimits,
    readonly attempts: AttemptLimits,
    private readonly store: RedisStore | undefined,
    private readonly log: LogRef,
  ) {}

  /** Connects to Redis (if configured) and reports its outages to `log`; never throws. */
  async connect(log: LimitsLog): Promise<void> {
    this.log.current = log;
    await this.store?.connect();
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}

export function createLimits(config: Config, options: { countPending: CountPending; clock: Clock }): Limits {
  const log: LogRef = { current: silentLog };
  const store = config.redisUrl ? new RedisStore(config.redisUrl, log) : undefined;
  const counter = (name: string, limit: number, windowSeconds: number) =>
    createWindowCounter({ name, limit, windowSeconds, keyPrefix: config.redisKeyPrefix, store, log });
  const { limits } = config;
  return new Limits(
    new InvitationLimits(
      counter('invitations-org', limits.orgInvitationsPerHour, HOUR),
      counter('invitations-inviter', limits.inviterInvitationsPerHour, HOUR),
      counter('emails-recipient', limits.recipientEmailsPerDay, DAY),
      new PendingInvitationsCap(limits.pendingInvitationsPerOrg, options.countPending, options.clock),
    ),
    new AttemptLimits({
      token: counter('attempts-token', limits.tokenAttemptsPerMinute, MINUTE),
      signIn: counter('attempts-sign-in', limits.signInAttemptsPerMinute, MINUTE),
      accept: counter('attempts-accept', limits.acceptAttemptsPerMinute, MINUTE),
    }),
    store,
    log,
  );
}
