import { sha256 } from '../../auth/secrets.js';
import type { ServiceDeps } from '../../deps.js';
import { renderPasswordSetupEmail } from '../../email/templates/password-setup.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';
import { newOutboxMessage, type PreparedMessage } from '../outbox/outbox.message.js';
import { openPasswordSetupIds } from './password-setup.repository.js';

export const PASSWORD_SETUP_EMAIL = 'password_setup_email';

/** How long a password-setup link works. */
export const PASSWORD_SETUP_MINUTES = 60;

interface PasswordSetupPayload {
  setupId: string;
  to: string;
}

export function passwordSetupLink(publicUrl: string, token: string): string {
  return `${publicUrl}/password-setup/${token}`;
}

/** The outbox row for a setup link's email; the token travels sealed, as an invitation's does. */
export function passwordSetupEmailMessage(
  deps: Pick<ServiceDeps, 'secrets' | 'config'>,
  payload: PasswordSetupPayload,
  token: string,
  now: string,
): OutboxRow {
  return newOutboxMessage(
    deps,
    { kind: PASSWORD_SETUP_EMAIL, organizationId: null, invitationId: null, payload, token },
    now,
  );
}

/** Turns leased rows into emails; a link used, replaced or expired meanwhile is not sent. */
export async function preparePasswordSetupEmails(
  deps: ServiceDeps,
  rows: OutboxRow[],
): Promise<Map<string, PreparedMessage>> {
  const prepared = new Map<string, PreparedMessage>();
  const payloads = new Map(rows.map((row) => [row.id, JSON.parse(row.payload) as PasswordSetupPayload]));
  const open = await openPasswordSetupIds(
    deps.db,
    [...payloads.values()].map((payload) => payload.setupId),
    deps.clock.now().toISOString(),
  );
  const host = new URL(deps.config.publicUrl).hostname;
  for (const row of rows) {
    const payload = payloads.get(row.id)!;
    const token = row.secret ? deps.secrets.open('outbox-seal', row.secret) : undefined;
    const tokenHash = open.get(payload.setupId);
    if (!tokenHash) prepared.set(row.id, { cancel: 'the password-setup link was used, replaced or expired' });
    else if (!token)
      prepared.set(row.id, { cancel: 'the sealed link token cannot be opened (was SECRET_KEY changed?)' });
    else if (tokenHash !== sha256(token))
      prepared.set(row.id, { cancel: 'the sealed link token does not match its link' });
    else {
      const link = passwordSetupLink(deps.config.publicUrl, token);
      prepared.set(row.id, {
        mail: {
          messageId: `<${row.id}@${host}>`,
          to: payload.to,
          link,
          ...renderPasswordSetupEmail({ link, validMinutes: PASSWORD_SETUP_MINUTES }),
        },
      });
    }
  }
  return prepared;
}
