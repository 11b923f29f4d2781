/**
 * English: the source catalog. Every other catalog has exactly these keys (the type checker and
 * `test/unit/i18n-catalogs.test.ts` both say so). Messages are ICU MessageFormat; `<b>…</b>`
 * marks what the HTML shows in bold, and plain text shows as is.
 */
export const en = {
  // The invitation email.
  'email.subject': '{inviter} invited you to join {organization}',
  'email.greeting': 'Hi,',
  'email.greetingNamed': 'Hi {name},',
  'email.summary': '<b>{inviter}</b> invited you to join <b>{organization}</b> as <b>{role}</b>.',
  'email.action': 'View invitation',
  'email.linkFallback': 'Or open this link:',
  'email.textLinkIntro': 'Accept or decline the invitation here:',
  'email.expires':
    'The invitation expires on {date} ({days, plural, =0 {in less than a day} one {in # day} other {in # days}}).',
  'email.messageFrom': '{inviter} wrote:',
  'email.support': 'Questions? Write to {email}.',
  'email.ignore': "If you weren't expecting this invitation, you can ignore this email.",

  // The invitee's page: the invitation.
  'page.languages': 'Language',
  'page.eyebrow': 'Invitation',
  'page.title': 'Join {organization}',
  'page.summary': '<b>{inviter}</b> invited you to join <b>{organization}</b> as <b>{role}</b>.',
  'page.messageFrom': 'A message from {inviter}',
  'page.facts.address': 'Invited address',
  'page.facts.role': 'Role',
  'page.facts.inviter': 'Invited by',
  'page.facts.expires': 'Expires',
  'page.signedInAs': "You're signed in as <b>{email}</b>.",
  'page.signInIntro': 'You already have an account. Sign in to accept.',
  'page.forgotPassword': 'Forgot your password?',
  'page.intro.choosePassword': 'Choose a password for your account to accept.',
  'page.intro.presetPassword': 'Tell us your name to accept. Your password has been set up for you.',
  'page.intro.choosePasswordOrSignIn':
    'Choose a password to create your account. If you already have an account with this address, enter its password instead.',
  'page.intro.presetPasswordOrSignIn':
    'Tell us your name to accept: your password has been set up for you. If you already have an account with this address, enter its password.',
  'page.field.firstName': 'First name',
  'page.field.lastName': 'Last name',
  'page.field.email': 'Email',
  'page.field.password': 'Password',
  'page.field.newPassword': 'Choose a password',
  'page.passwordRule':
    '8 to 128 characters, with an upper-case letter, a lower-case letter, a digit and a special character.',
  'page.accept': 'Accept invitation',
  'page.signInAndAccept': 'Sign in and accept',
  'page.decline': 'Decline',
  'page.footer': 'Not expecting this? You can ignore it: nothing happens unless you accept.',
  'page.support': 'Questions? Write to {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Use one line of text, without control characters.',
  'error.name.tooLong': 'Use at most {max, number} characters.',
  'error.password.required': 'Choose a password for your account.',
  'error.password.tooShort': 'Your password must be at least {min, number} characters long.',
  'error.password.tooLong': 'Your password must be at most {max, number} characters long.',
  'error.password.upper': 'Your password must contain an upper-case letter.',
  'error.password.lower': 'Your password must contain a lower-case letter.',
  'error.password.digit': 'Your password must contain a digit.',
  'error.password.special': 'Your password must contain a special character.',
  'error.password.reused': 'Choose a new password: the current one was set by someone else.',
  'error.signInRequired': 'Enter your password to sign in.',
  'error.invalidCredentials': "That password isn't right. Try again.",
  'error.emailMismatch': 'This invitation was sent to another address.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'This invitation is for someone else',
  'wrongAccount.heading': 'This invitation is for another address',
  'wrongAccount.alert':
    "You're signed in as <b>{signedInAs}</b>, but this invitation to join <b>{organization}</b> was sent to <b>{email}</b>.",
  'wrongAccount.hint': 'Sign out to accept it as {email}.',
  'wrongAccount.signOut': 'Sign out',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Invitation link not valid',
  'invalid.heading': "This invitation link isn't valid",
  'invalid.reason': 'It may have expired, already been used, or been withdrawn.',
  'invalid.hint': 'Ask the person who invited you to send a new invitation.',

  // After accepting or declining.
  'accepted.title': "You've joined {organization}",
  'accepted.summary': "You're now a member as <b>{role}</b>, signed in as <b>{email}</b>.",
  'accepted.close': 'You can close this page.',
  'declined.title': 'Invitation declined',
  'declined.summary': 'You declined the invitation to join <b>{organization}</b>. Nothing else will happen.',
  'declined.hint': 'If that was a mistake, ask for a new invitation.',

  // Error pages.
  'failure.formExpired.title': 'This form has expired',
  'failure.formExpired.message': 'Go back, reload the page and try again.',
  'failure.tooManyAttempts.title': 'Too many attempts',
  'failure.tooManyAttempts.message': 'Wait a minute, then go back and try again.',
  'failure.unavailable.title': 'Back in a moment',
  'failure.unavailable.message': 'We could not reach our records just now. Please try again in a few seconds.',
  'failure.internal.title': 'Something went wrong',
  'failure.internal.message': 'Please try again in a moment.',
  'failure.badForm.title': "We couldn't read that form",
  'failure.badForm.message': 'Go back, reload the page and try again.',
  'failure.reference': 'Reference: {id}',
} as const;

export type MessageKey = keyof typeof en;
/** A catalog: a message for every key of the English one, and no other. */
export type Catalog = { readonly [key in MessageKey]: string };
