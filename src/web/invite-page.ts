import type { InvitationLookup } from '../modules/invitations/invitation.invitee.js';
import type { Messages } from '../i18n/messages.js';
import { Markup } from '../i18n/messages.js';
import { escapeHtml } from '../email/templates/layout.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, field, layout, type PageLook, say } from './page-layout.js';

/** What a rendered page needs beyond the invitation itself. */
export interface FormContext {
  token: string;
  csrf: string;
  /** The page's language and brand. */
  look: PageLook;
  /** The address of a signed-in user, when there is one. */
  signedInAs?: string | undefined;
  error?: { message: string; field?: 'password' | 'firstName' | 'lastName' } | undefined;
  values?: { firstName?: string | undefined; lastName?: string | undefined };
}

/** Where a form posts: the page's language goes along, so that the answer speaks it too. */
function formAction(context: FormContext, action: string): string {
  return `/invite/${context.token}/${action}?lang=${encodeURIComponent(context.look.messages.locale)}`;
}

function facts(m: Messages, invitation: InvitationLookup): SafeHtml {
  return html`<dl class="facts">
  <div><dt>${m.text('page.facts.address')}</dt><dd><bdi>${invitation.email}</bdi></dd></div>
  <div><dt>${m.text('page.facts.role')}</dt><dd><bdi>${invitation.role.name}</bdi></dd></div>
  <div><dt>${m.text('page.facts.inviter')}</dt><dd><bdi>${invitation.inviter.name}</bdi></dd></div>
  <div><dt>${m.text('page.facts.expires')}</dt><dd><time datetime="${invitation.expiresAt}">${m.dateTime(
    invitation.expiresAt,
    invitation.look.timeZone,
  )}</time></dd></div>
</dl>`;
}

/** The inviter's personal message, quoted as they wrote it (escaped; line breaks kept by the stylesheet). */
function personalMessage(m: Messages, invitation: InvitationLookup): SafeHtml | '' {
  if (!invitation.message) return '';
  return html`<figure class="message">
  <figcaption>${m.text('page.messageFrom', { inviter: invitation.inviter.name })}</figcaption>
  <blockquote dir="auto">${invitation.message}</blockquote>
</figure>`;
}

function supportLine(m: Messages, invitation: InvitationLookup): SafeHtml | '' {
  const address = invitation.look.branding.supportEmail;
  if (!address) return '';
  const link = new Markup(`<a href="mailto:${escapeHtml(address)}" dir="ltr">${escapeHtml(address)}</a>`);
  return html`<p class="support">${say(m, 'page.support', { email: link })}</p>`;
}

function declineForm(context: FormContext): SafeHtml {
  return html`<form method="post" action="${formAction(context, 'decline')}">
  ${csrfField(context.csrf)}
  <button type="submit" class="secondary">${context.look.messages.text('page.decline')}</button>
</form>`;
}

/**
 * What the form asks for. A link that Tessera did not email may be in the inviter's hands, so its
 * page reads the same whether or not the address has an account, and says what to do in either case.
 */
function intro(m: Messages, invitation: InvitationLookup): string {
  if (invitation.accountMayExist) {
    return invitation.passwordRequired
      ? m.text('page.intro.choosePasswordOrSignIn')
      : m.text('page.intro.presetPasswordOrSignIn');
  }
  return invitation.passwordRequired ? m.text('page.intro.choosePassword') : m.text('page.intro.presetPassword');
}

/** The invitation, and what the invitee needs to give to accept it. */
export function invitationPage(invitation: InvitationLookup, context: FormContext): string {
  const m = context.look.messages;
  const error = context.error;
  const values = context.values ?? {};
  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  const organization = invitation.look.displayName;
  const summary = { inviter: invitation.inviter.name, organization, role: invitation.role.name };
  let fields: SafeHtml;
  let acceptLabel = m.text('page.accept');

  if (context.signedInAs) {
    fields = html`<p class="notice">${say(m, 'page.signedInAs', { email: context.signedInAs })}</p>`;
  } else if (invitation.signInRequired) {
    acceptLabel = m.text('page.signInAndAccept');
    fields = html`<p class="muted">${m.text('page.signInIntro')} <a href="/password-setup">${m.text('page.forgotPassword')}</a></p>
${field({ name: 'email', label: m.text('page.field.email'), type: 'email', value: invitation.email, autocomplete: 'username', readonly: true, ltr: true })}
${field({
  name: 'password',
  label: m.text('page.field.password'),
  type: 'password',
  autocomplete: 'current-password',
  required: true,
  autofocus: error?.field === 'password',
  error: fieldError('password'),
  maxlength: 1024,
  ltr: true,
})}`;
  } else {
    fields = html`<p class="muted">${intro(m, invitation)}</p>
<div class="row">
${field({ name: 'firstName', label: m.text('page.field.firstName'), value: values.firstName ?? invitation.firstName ?? '', autocomplete: 'given-name', maxlength: 250, error: fieldError('firstName'), autofocus: error?.field === 'firstName' })}
${field({ name: 'lastName', label: m.text('page.field.lastName'), value: values.lastName ?? invitation.lastName ?? '', autocomplete: 'family-name', maxlength: 250, error: fieldError('lastName'), autofocus: error?.field === 'lastName' })}
</div>
${field({ name: 'email', label: m.text('page.field.email'), type: 'email', value: invitation.email, autocomplete: 'username', readonly: true, ltr: true })}
${
  invitation.passwordRequired || invitation.accountMayExist
    ? field({
        name: 'password',
        label: invitation.accountMayExist ? m.text('page.field.password') : m.text('page.field.newPassword'),
        type: 'password',
        autocomplete: 'new-password',
        required: invitation.passwordRequired,
        minlength: 8,
        maxlength: 128,
        hint: m.text('page.passwordRule'),
        error: fieldError('password'),
        autofocus: error?.field === 'password',
        ltr: true,
      })
    : ''
}`;
  }

  return layout(
    m.text('page.title', { organization }),
    html`<p class="eyebrow">${m.text('page.eyebrow')}</p>
<h1 id="title">${say(m, 'page.title', { organization })}</h1>
<p class="lead">${say(m, 'page.summary', summary)}</p>
${personalMessage(m, invitation)}
${facts(m, invitation)}
${error && !error.field ? html`<p class="alert" role="alert">${error.message}</p>` : ''}
<form method="post" action="${formAction(context, 'accept')}">
  ${csrfField(context.csrf)}
  ${fields}
  <div class="actions"><button type="submit" class="primary">${acceptLabel}</button></div>
</form>
<div class="actions">${declineForm(context)}</div>
<footer>${m.text('page.footer')}</footer>
${supportLine(m, invitation)}`,
    context.look,
  );
}

/** A signed-in user whose address is not the invited one: they cannot accept it. */
export function wrongAccountPage(invitation: InvitationLookup, context: FormContext & { signedInAs: string }): string {
  const m = context.look.messages;
  return layout(
    m.text('wrongAccount.title'),
    html`<p class="eyebrow">${m.text('page.eyebrow')}</p>
<h1 id="title">${m.text('wrongAccount.heading')}</h1>
<p class="alert" role="alert">${say(m, 'wrongAccount.alert', {
      signedInAs: context.signedInAs,
      organization: invitation.look.displayName,
      email: invitation.email,
    })}</p>
<p>${say(m, 'wrongAccount.hint', { email: invitation.email })}</p>
<form method="post" action="${formAction(context, 'sign-out')}">
  ${csrfField(context.csrf)}
  <div class="actions"><button type="submit" class="primary">${m.text('wrongAccount.signOut')}</button></div>
</form>`,
    context.look,
  );
}

/** Unknown, expired, revoked and used links all get this same page. */
export function invalidLinkPage(look: PageLook): string {
  const m = look.messages;
  return layout(
    m.text('invalid.title'),
    html`<p class="eyebrow">${m.text('page.eyebrow')}</p>
<h1 id="title">${m.text('invalid.heading')}</h1>
<p>${m.text('invalid.reason')}</p>
<p class="muted">${m.text('invalid.hint')}</p>`,
    look,
  );
}

export function acceptedPage(
  result: { organization: string; role: { name: string }; email: string },
  look: PageLook,
): string {
  const m = look.messages;
  return layout(
    m.text('accepted.title', { organization: result.organization }),
    html`<div class="done-mark" aria-hidden="true">✓</div>
<h1 id="title">${say(m, 'accepted.title', { organization: result.organization })}</h1>
<p class="lead">${say(m, 'accepted.summary', { role: result.role.name, email: result.email })}</p>
<p class="muted">${m.text('accepted.close')}</p>`,
    look,
  );
}

export function declinedPage(organization: string, look: PageLook): string {
  const m = look.messages;
  return layout(
    m.text('declined.title'),
    html`<h1 id="title">${m.text('declined.title')}</h1>
<p class="lead">${say(m, 'declined.summary', { organization })}</p>
<p class="muted">${m.text('declined.hint')}</p>`,
    look,
  );
}
