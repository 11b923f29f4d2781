import { html } from './html.js';
import { csrfField, field, layout } from './page-layout.js';

/** Asks for the address whose password to set. The answer to it never says whether it has an account. */
export function requestPasswordSetupPage(context: { csrf: string; error?: string | undefined }): string {
  return layout(
    'Set your password',
    html`<p class="eyebrow">Account</p>
<h1 id="title">Set your password</h1>
<p class="lead">Enter your email address. If it has an account, we'll email you a link to choose its password.</p>
<form method="post" action="/password-setup">
  ${csrfField(context.csrf)}
  ${field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true, autofocus: true, maxlength: 254, error: context.error })}
  <div class="actions"><button type="submit" class="primary">Email me a link</button></div>
</form>`,
  );
}

export function passwordSetupRequestedPage(message: string): string {
  return layout(
    'Check your email',
    html`<h1 id="title">Check your email</h1>
<p class="lead">${message}</p>
<p class="muted">The link works once, for an hour. Nothing arrived? Check your spam folder, or ask again in a few minutes.</p>`,
  );
}

/** The emailed link's page: choose the account's password. */
export function choosePasswordPage(context: {
  email: string;
  token: string;
  csrf: string;
  error?: string | undefined;
}): string {
  return layout(
    'Choose your password',
    html`<p class="eyebrow">Account</p>
<h1 id="title">Choose your password</h1>
<p class="lead">For <strong>${context.email}</strong>. Choosing it signs you out everywhere else.</p>
<form method="post" action="/password-setup/${context.token}">
  ${csrfField(context.csrf)}
  ${field({ name: 'email', label: 'Email', type: 'email', value: context.email, autocomplete: 'username', readonly: true })}
  ${field({
    name: 'password',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 8,
    maxlength: 128,
    autofocus: true,
    hint: 'At least 8 characters, with an upper-case letter, a lower-case letter, a digit and a special character.',
    error: context.error,
  })}
  <div class="actions"><button type="submit" class="primary">Set password</button></div>
</form>`,
  );
}

export function passwordSetPage(email: string): string {
  return layout(
    'Password set',
    html`<div class="done-mark" aria-hidden="true">✓</div>
<h1 id="title">Your password is set</h1>
<p class="lead">You're signed in as <strong>${email}</strong>. Every other session of your account was signed out.</p>
<p class="muted">You can close this page.</p>`,
  );
}

/** Unknown, expired and used links all get this same page. */
export function invalidSetupLinkPage(): string {
  return layout(
    'Link not valid',
    html`<h1 id="title">This link isn't valid</h1>
<p>It may have expired, already been used, or been replaced by a newer one.</p>
<p class="muted"><a href="/password-setup">Ask for a new link</a>.</p>`,
  );
}
