import { formatExpiry } from '../email/templates/invitation.js';
import type { InvitationLookup } from '../modules/invitations/invitation.invitee.js';
import { html, type SafeHtml } from './html.js';

/** What a rendered page needs beyond the invitation itself. */
export interface FormContext {
  token: string;
  csrf: string;
  /** The address of a signed-in user, when there is one. */
  signedInAs?: string | undefined;
  error?: { message: string; field?: 'password' | 'firstName' | 'lastName' } | undefined;
  values?: { firstName?: string | undefined; lastName?: string | undefined };
}

export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="/assets/tessera.css">
</head>
<body>
<main aria-labelledby="title">
${body}
</main>
</body>
</html>
`.value;
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

function facts(invitation: InvitationLookup): SafeHtml {
  return html`<dl class="facts">
  <div><dt>Invited address</dt><dd>${invitation.email}</dd></div>
  <div><dt>Role</dt><dd>${invitation.role.name}</dd></div>
  <div><dt>Invited by</dt><dd>${invitation.inviter.name}</dd></div>
  <div><dt>Expires</dt><dd><time datetime="${invitation.expiresAt}">${formatExpiry(invitation.expiresAt)}</time></dd></div>
</dl>`;
}

interface FieldOptions {
  name: string;
  label: string;
  type?: string;
  value?: string | undefined;
  autocomplete: string;
  required?: boolean;
  readonly?: boolean;
  hint?: string;
  error?: string | undefined;
  autofocus?: boolean;
  maxlength?: number;
  minlength?: number;
}

export function field(options: FieldOptions): SafeHtml {
  const id = `field-${options.name}`;
  const described = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${id}">${options.label}</label>
  <input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" autocomplete="${options.autocomplete}"${
    options.value !== undefined ? html` value="${options.value}"` : ''
  }${options.required ? html` required` : ''}${options.readonly ? html` readonly` : ''}${
    options.maxlength ? html` maxlength="${options.maxlength}"` : ''
  }${options.minlength ? html` minlength="${options.minlength}"` : ''}${options.autofocus ? html` autofocus` : ''}${
    options.error ? html` aria-invalid="true"` : ''
  }${described ? html` aria-describedby="${described}"` : ''}>
  ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
  ${options.error ? html`<p class="field-error" id="${id}-error">${options.error}</p>` : ''}
</div>`;
}

function declineForm(context: FormContext): SafeHtml {
  return html`<form method="post" action="/invite/${context.token}/decline">
  ${csrfField(context.csrf)}
  <button type="submit" class="secondary">Decline</button>
</form>`;
}

/**
 * What the form asks for. A link that Tessera did not email may be in the inviter's hands, so its
 * page reads the same whether or not the address has an account, and says what to do in either case.
 */
function intro(invitation: InvitationLookup): string {
  if (invitation.accountMayExist) {
    return invitation.passwordRequired
      ? 'Choose a password to create your account. If you already have an account with this address, enter its password instead.'
      : 'Tell us your name to accept: your password has been set up for you. If you already have an account with this address, enter its password.';
  }
  return invitation.passwordRequired
    ? 'Choose a password for your account to accept.'
    : 'Tell us your name to accept. Your password has been set up for you.';
}

/** The invitation, and what the invitee needs to give to accept it. */
export function invitationPage(invitation: InvitationLookup, context: FormContext): string {
  const error = context.error;
  const values = context.values ?? {};
  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  let fields: SafeHtml;
  let acceptLabel = 'Accept invitation';

  if (context.signedInAs) {
    fields = html`<p class="notice">You're signed in as <strong>${context.signedInAs}</strong>.</p>`;
  } else if (invitation.signInRequired) {
    acceptLabel = 'Sign in and accept';
    fields = html`<p class="muted">You already have an account. Sign in to accept. <a href="/password-setup">Forgot your password?</a></p>
${field({ name: 'email', label: 'Email', type: 'email', value: invitation.email, autocomplete: 'username', readonly: true })}
${field({
  name: 'password',
  label: 'Password',
  type: 'password',
  autocomplete: 'current-password',
  required: true,
  autofocus: error?.field === 'password',
  error: fieldError('password'),
  maxlength: 1024,
})}`;
  } else {
    fields = html`<p class="muted">${intro(invitation)}</p>
<div class="row">
${field({ name: 'firstName', label: 'First name', value: values.firstName ?? invitation.firstName ?? '', autocomplete: 'given-name', maxlength: 250, error: fieldError('firstName'), autofocus: error?.field === 'firstName' })}
${field({ name: 'lastName', label: 'Last name', value: values.lastName ?? invitation.lastName ?? '', autocomplete: 'family-name', maxlength: 250, error: fieldError('lastName'), autofocus: error?.field === 'lastName' })}
</div>
${field({ name: 'email', label: 'Email', type: 'email', value: invitation.email, autocomplete: 'username', readonly: true })}
${
  invitation.passwordRequired || invitation.accountMayExist
    ? field({
        name: 'password',
        label: invitation.accountMayExist ? 'Password' : 'Choose a password',
        type: 'password',
        autocomplete: 'new-password',
        required: invitation.passwordRequired,
        minlength: 8,
        maxlength: 128,
        hint: 'At least 8 characters, with an upper-case letter, a lower-case letter, a digit and a special character.',
        error: fieldError('password'),
        autofocus: error?.field === 'password',
      })
    : ''
}`;
  }

  return layout(
    `Join ${invitation.organization.name}`,
    html`<p class="eyebrow">Invitation</p>
<h1 id="title">Join ${invitation.organization.name}</h1>
<p class="lead"><strong>${invitation.inviter.name}</strong> invited you to join <strong>${invitation.organization.name}</strong> as <strong>${invitation.role.name}</strong>.</p>
${facts(invitation)}
${error && !error.field ? html`<p class="alert" role="alert">${error.message}</p>` : ''}
<form method="post" action="/invite/${context.token}/accept">
  ${csrfField(context.csrf)}
  ${fields}
  <div class="actions"><button type="submit" class="primary">${acceptLabel}</button></div>
</form>
<div class="actions">${declineForm(context)}</div>
<footer>Not expecting this? You can ignore it: nothing happens unless you accept.</footer>`,
  );
}

/** A signed-in user whose address is not the invited one: they cannot accept it. */
export function wrongAccountPage(invitation: InvitationLookup, context: FormContext & { signedInAs: string }): string {
  return layout(
    'This invitation is for someone else',
    html`<p class="eyebrow">Invitation</p>
<h1 id="title">This invitation is for another address</h1>
<p class="alert" role="alert">You're signed in as <strong>${context.signedInAs}</strong>, but this invitation to join <strong>${invitation.organization.name}</strong> was sent to <strong>${invitation.email}</strong>.</p>
<p>Sign out to accept it as ${invitation.email}.</p>
<form method="post" action="/invite/${context.token}/sign-out">
  ${csrfField(context.csrf)}
  <div class="actions"><button type="submit" class="primary">Sign out</button></div>
</form>`,
  );
}

/** Unknown, expired, revoked and used links all get this same page. */
export function invalidLinkPage(): string {
  return layout(
    'Invitation link not valid',
    html`<p class="eyebrow">Invitation</p>
<h1 id="title">This invitation link isn't valid</h1>
<p>It may have expired, already been used, or been withdrawn.</p>
<p class="muted">Ask the person who invited you to send a new invitation.</p>`,
  );
}

export function acceptedPage(result: {
  organization: { name: string };
  role: { name: string };
  email: string;
}): string {
  return layout(
    `You've joined ${result.organization.name}`,
    html`<div class="done-mark" aria-hidden="true">✓</div>
<h1 id="title">You've joined ${result.organization.name}</h1>
<p class="lead">You're now a member as <strong>${result.role.name}</strong>, signed in as <strong>${result.email}</strong>.</p>
<p class="muted">You can close this page.</p>`,
  );
}

export function declinedPage(organizationName: string): string {
  return layout(
    'Invitation declined',
    html`<h1 id="title">Invitation declined</h1>
<p class="lead">You declined the invitation to join <strong>${organizationName}</strong>. Nothing else will happen.</p>
<p class="muted">If that was a mistake, ask for a new invitation.</p>`,
  );
}

export function errorPage(title: string, message: string, requestId?: string): string {
  return layout(
    title,
    html`<h1 id="title">${title}</h1>
<p>${message}</p>
${requestId ? html`<p class="muted">Reference: ${requestId}</p>` : ''}`,
  );
}
