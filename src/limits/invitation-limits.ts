import { createHash } from 'node:crypto';
import { AppError } from '../http/errors.js';
import type { PendingInvitationsCap } from './pending-cap.js';
import type { Grant, WindowCounter } from './window-counter.js';

export interface AdmissionRequest {
  organizationId: string;
  /** Who is inviting, as the caller names them (a user and an API client must never share a key). */
  inviterKey: string;
  /**
   * One entry per invitation about to be written, in request order: the recipient's canonical
   * address when an email goes with it, null when none does.
   */
  emailRecipients: ReadonlyArray<string | null>;
  /** All or nothing: refuse the whole request rather than admit the first invitations that fit. */
  atomic: boolean;
}

export function rateLimited(detail: string, retryAfterSeconds: number): AppError {
  return new AppError('RATE_LIMITED', `${detail} Retry after ${retryAfterSeconds} seconds.`, {
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

/**
 * The mailbox a canonical address reaches, for counting only: `a+x@ex.com`, `a+y@ex.com` and
 * `a@ex.com` land in one mailbox wherever subaddressing is on (RFC 5233), so without this each new
 * tag would be a fresh daily budget for flooding it. A `+` that starts the local part tags nothing
 * and stays. Everything else (invitations, uniqueness, sending) keeps the address as it is.
 */
function mailboxOf(canonicalEmail: string): string {
  const at = canonicalEmail.lastIndexOf('@');
  const plus = canonicalEmail.indexOf('+');
  return plus > 0 && plus < at ? canonicalEmail.slice(0, plus) + canonicalEmail.slice(at) : canonicalEmail;
}

function recipientKey(canonicalEmail: string): string {
  // Counters in Redis hold a digest, not the address.
  return createHash('sha256').update(mailboxOf(canonicalEmail)).digest('base64url');
}

/** What the limits let through of one request to create invitations. */
export class Admission {
  private settled = false;

  constructor(
    /** How many invitations, from the first, may be written. */
    readonly admitted: number,
    /** Why the others may not (only when `admitted` is less than asked for). */
    readonly refusal: AppError | undefined,
    private readonly suppressedRecipients: ReadonlySet<string>,
    private readonly onSettle: (written: readonly string[]) => void,
  ) {}

  /** Whether this recipient is over their daily limit: the email is then recorded but not sent. */
  isSuppressed(recipient: string): boolean {
    return this.suppressedRecipients.has(recipient);
  }

  /**
   * The request is over: `written` holds the canonical addresses of the invitations that exist now
   * (none if it was rolled back). Whatever was counted for the others is given back.
   */
  settle(written: readonly string[]): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettle(written);
  }
}

/**
 * The invitation rules' limits: invitations per organization and per inviter per hour, emails per
 * recipient per day, and the cap on an organization's pending invitations. The invitations service
 * asks once per request; no surface knows about them.
 */
export class InvitationLimits {
  constructor(
    private readonly perOrganization: WindowCounter | undefined,
    private readonly perInviter: WindowCounter | undefined,
    private readonly perRecipient: WindowCounter | undefined,
    private readonly pendingCap: PendingInvitationsCap,
  ) {}

  /**
   * Counts a request's invitations. All or nothing, a request that does not fit whole is refused
   * (thrown, with Retry-After); otherwise the first invitations that fit are admitted and the rest
   * get `refusal`, and a request of which none fits is refused whole. Recipients over their daily
   * limit are marked (`isSuppressed`).
   */
  async admit(request: AdmissionRequest): Promise<Admission> {
    const { organizationId, atomic } = request;
    const wanted = request.emailRecipients.length;
    if (wanted === 0) return new Admission(0, undefined, new Set(), () => undefined);
    const organizationKey = `org:${organizationId}`;
    const personKey = request.inviterKey;
    const everything: Grant = { granted: wanted, retryAfterSeconds: 0 };
    const [byOrganization, byInviter] = await Promise.all([
      this.perOrganization?.take(organizationKey, wanted) ?? everything,
      this.perInviter?.take(personKey, wanted) ?? everything,
    ]);

    let admitted = Math.min(byOrganization.granted, byInviter.granted);
    let refusal: AppError | undefined;
    if (admitted < wanted) {
      const [limit, scope, grant] =
        byOrganization.granted <= byInviter.granted
          ? [this.perOrganization!.limit, 'per organization', byOrganization]
          : [this.perInviter!.limit, 'per inviter', byInviter];
      refusal = rateLimited(
        `At most ${limit} invitations an hour ${scope}: ${grant.granted} more fit now, and this request has ${wanted}.`,
        grant.retryAfterSeconds,
      );
      if (atomic) admitted = 0;
    }
    if (admitted > 0) {
      let reserved: number;
      try {
        reserved = await this.pendingCap.reserve(organizationId, admitted, atomic);
      } catch (error) {
        this.perOrganization?.giveBack(organizationKey, wanted);
        this.perInviter?.giveBack(personKey, wanted);
        throw error;
      }
      if (reserved < admitted) {
        refusal = new AppError(
          'PENDING_INVITATION_LIMIT',
          `An organization may have at most ${this.pendingCap.cap} pending invitations: revoke some, or wait until they are answered or expire.`,
        );
        admitted = reserved;
      }
    }
    // Each counter counted all it was asked for, granted or not: what is not admitted goes back.
    this.perOrganization?.giveBack(organizationKey, wanted - admitted);
    this.perInviter?.giveBack(personKey, wanted - admitted);
    if (admitted === 0) throw refusal!;

    const recipients = request.emailRecipients
      .slice(0, admitted)
      .filter((recipient): recipient is string => recipient !== null);
    const suppressedRecipients = new Set<string>();
    if (this.perRecipient) {
      const grants = await Promise.all(
        recipients.map((recipient) => this.perRecipient!.take(recipientKey(recipient), 1)),
      );
      grants.forEach((grant, index) => {
        if (grant.granted === 0) suppressedRecipients.add(recipients[index]!);
      });
    }

    return new Admission(admitted, refusal, suppressedRecipients, (written) => {
      const unused = admitted - written.length;
      this.perOrganization?.giveBack(organizationKey, unused);
      this.perInviter?.giveBack(personKey, unused);
      this.pendingCap.release(organizationId, admitted, written.length);
      if (this.perRecipient && unused > 0) {
        const writtenSet = new Set(written);
        for (const recipient of recipients) {
          if (!writtenSet.has(recipient)) this.perRecipient.giveBack(recipientKey(recipient), 1);
        }
      }
    });
  }

  /** For a resend: counts one email to the recipient, and says whether they are over their daily limit. */
  async isRecipientOverLimit(recipient: string): Promise<boolean> {
    if (!this.perRecipient) return false;
    const grant = await this.perRecipient.take(recipientKey(recipient), 1);
    return grant.granted === 0;
  }

  /** A resend that was counted but wrote nothing (the invitation stopped being pending) gives its email back. */
  giveBackRecipientEmail(recipient: string): void {
    this.perRecipient?.giveBack(recipientKey(recipient), 1);
  }
}
