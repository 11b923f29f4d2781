import { INVITATION_EMAIL, prepareInvitationEmails } from '../invitations/invitation.email.js';
import { PASSWORD_SETUP_EMAIL, preparePasswordSetupEmails } from '../password-setup/password-setup.email.js';
import type { MessageHandler } from './outbox.message.js';

/** Every kind of message the outbox carries, and what prepares it for sending. */
export const MESSAGE_HANDLERS: Readonly<Record<string, MessageHandler>> = {
  [INVITATION_EMAIL]: prepareInvitationEmails,
  [PASSWORD_SETUP_EMAIL]: preparePasswordSetupEmails,
};
