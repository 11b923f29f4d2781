import type { Catalog } from './en.js';

/** Deutsch. */
export const de: Catalog = {
  // The invitation email.
  'email.subject': '{inviter} hat Sie eingeladen, {organization} beizutreten',
  'email.greeting': 'Hallo,',
  'email.greetingNamed': 'Hallo {name},',
  'email.summary': '<b>{inviter}</b> hat Sie eingeladen, <b>{organization}</b> als <b>{role}</b> beizutreten.',
  'email.action': 'Einladung ansehen',
  'email.linkFallback': 'Oder öffnen Sie diesen Link:',
  'email.textLinkIntro': 'Hier können Sie die Einladung annehmen oder ablehnen:',
  'email.expires':
    'Die Einladung läuft am {date} ab ({days, plural, =0 {in weniger als einem Tag} one {in # Tag} other {in # Tagen}}).',
  'email.messageFrom': '{inviter} schreibt:',
  'email.support': 'Fragen? Schreiben Sie an {email}.',
  'email.ignore': 'Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.',

  // The invitee's page: the invitation.
  'page.languages': 'Sprache',
  'page.eyebrow': 'Einladung',
  'page.title': '{organization} beitreten',
  'page.summary': '<b>{inviter}</b> hat Sie eingeladen, <b>{organization}</b> als <b>{role}</b> beizutreten.',
  'page.messageFrom': 'Eine Nachricht von {inviter}',
  'page.facts.address': 'Eingeladene Adresse',
  'page.facts.role': 'Rolle',
  'page.facts.inviter': 'Eingeladen von',
  'page.facts.expires': 'Gültig bis',
  'page.signedInAs': 'Sie sind als <b>{email}</b> angemeldet.',
  'page.signInIntro': 'Sie haben bereits ein Konto. Melden Sie sich an, um die Einladung anzunehmen.',
  'page.forgotPassword': 'Passwort vergessen?',
  'page.intro.choosePassword': 'Legen Sie ein Passwort für Ihr Konto fest, um die Einladung anzunehmen.',
  'page.intro.presetPassword':
    'Geben Sie Ihren Namen ein, um die Einladung anzunehmen. Ihr Passwort wurde bereits für Sie eingerichtet.',
  'page.intro.choosePasswordOrSignIn':
    'Legen Sie ein Passwort fest, um Ihr Konto zu erstellen. Falls Sie mit dieser Adresse bereits ein Konto haben, geben Sie stattdessen dessen Passwort ein.',
  'page.intro.presetPasswordOrSignIn':
    'Geben Sie Ihren Namen ein, um die Einladung anzunehmen. Ihr Passwort wurde bereits für Sie eingerichtet. Falls Sie mit dieser Adresse bereits ein Konto haben, geben Sie dessen Passwort ein.',
  'page.field.firstName': 'Vorname',
  'page.field.lastName': 'Nachname',
  'page.field.email': 'E-Mail-Adresse',
  'page.field.password': 'Passwort',
  'page.field.newPassword': 'Passwort festlegen',
  'page.passwordRule':
    '8 bis 128 Zeichen, mit mindestens einem Großbuchstaben, einem Kleinbuchstaben, einer Ziffer und einem Sonderzeichen.',
  'page.accept': 'Einladung annehmen',
  'page.signInAndAccept': 'Anmelden und annehmen',
  'page.decline': 'Ablehnen',
  'page.footer':
    'Nicht erwartet? Dann ignorieren Sie diese Einladung einfach. Solange Sie sie nicht annehmen, passiert nichts.',
  'page.support': 'Fragen? Schreiben Sie an {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Verwenden Sie nur eine Zeile, ohne Steuerzeichen.',
  'error.name.tooLong': 'Verwenden Sie höchstens {max, number} Zeichen.',
  'error.password.required': 'Legen Sie ein Passwort für Ihr Konto fest.',
  'error.password.tooShort': 'Ihr Passwort muss mindestens {min, number} Zeichen lang sein.',
  'error.password.tooLong': 'Ihr Passwort darf höchstens {max, number} Zeichen lang sein.',
  'error.password.upper': 'Ihr Passwort muss einen Großbuchstaben enthalten.',
  'error.password.lower': 'Ihr Passwort muss einen Kleinbuchstaben enthalten.',
  'error.password.digit': 'Ihr Passwort muss eine Ziffer enthalten.',
  'error.password.special': 'Ihr Passwort muss ein Sonderzeichen enthalten.',
  'error.password.reused': 'Wählen Sie ein neues Passwort: Das aktuelle hat jemand anderes festgelegt.',
  'error.signInRequired': 'Geben Sie Ihr Passwort ein, um sich anzumelden.',
  'error.invalidCredentials': 'Das Passwort ist falsch. Bitte versuchen Sie es erneut.',
  'error.emailMismatch': 'Diese Einladung wurde an eine andere Adresse gesendet.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'Diese Einladung ist für jemand anderen',
  'wrongAccount.heading': 'Diese Einladung ist für eine andere Adresse',
  'wrongAccount.alert':
    'Sie sind als <b>{signedInAs}</b> angemeldet, aber diese Einladung zu <b>{organization}</b> wurde an <b>{email}</b> gesendet.',
  'wrongAccount.hint': 'Melden Sie sich ab, um sie als {email} anzunehmen.',
  'wrongAccount.signOut': 'Abmelden',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Ungültiger Einladungslink',
  'invalid.heading': 'Dieser Einladungslink ist ungültig',
  'invalid.reason': 'Möglicherweise ist er abgelaufen, wurde bereits verwendet oder wurde zurückgezogen.',
  'invalid.hint': 'Wer Sie eingeladen hat, kann Ihnen eine neue Einladung senden.',

  // After accepting or declining.
  'accepted.title': 'Sie sind {organization} beigetreten',
  'accepted.summary': 'Sie sind jetzt Mitglied mit der Rolle <b>{role}</b> und als <b>{email}</b> angemeldet.',
  'accepted.close': 'Sie können diese Seite jetzt schließen.',
  'declined.title': 'Einladung abgelehnt',
  'declined.summary': 'Sie haben die Einladung zu <b>{organization}</b> abgelehnt. Es passiert nichts weiter.',
  'declined.hint': 'War das ein Versehen? Dann bitten Sie um eine neue Einladung.',

  // Error pages.
  'failure.formExpired.title': 'Dieses Formular ist abgelaufen',
  'failure.formExpired.message': 'Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.',
  'failure.tooManyAttempts.title': 'Zu viele Versuche',
  'failure.tooManyAttempts.message': 'Warten Sie eine Minute, gehen Sie dann zurück und versuchen Sie es erneut.',
  'failure.unavailable.title': 'Gleich wieder da',
  'failure.unavailable.message':
    'Wir konnten unsere Daten gerade nicht abrufen. Bitte versuchen Sie es in ein paar Sekunden erneut.',
  'failure.internal.title': 'Etwas ist schiefgelaufen',
  'failure.internal.message': 'Bitte versuchen Sie es gleich noch einmal.',
  'failure.badForm.title': 'Das Formular konnte nicht gelesen werden',
  'failure.badForm.message': 'Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.',
  'failure.reference': 'Referenz: {id}',
};
