import type { Catalog } from './en.js';

/** Nederlands. */
export const nl: Catalog = {
  // The invitation email.
  'email.subject': '{inviter} heeft je uitgenodigd om lid te worden van {organization}',
  'email.greeting': 'Hallo,',
  'email.greetingNamed': 'Hallo {name},',
  'email.summary':
    '<b>{inviter}</b> heeft je uitgenodigd om als <b>{role}</b> lid te worden van <b>{organization}</b>.',
  'email.action': 'Uitnodiging bekijken',
  'email.linkFallback': 'Of open deze link:',
  'email.textLinkIntro': 'Accepteer of weiger de uitnodiging hier:',
  'email.expires':
    'De uitnodiging verloopt op {date} ({days, plural, =0 {over minder dan een dag} one {over # dag} other {over # dagen}}).',
  'email.messageFrom': '{inviter} schreef:',
  'email.support': 'Vragen? Stuur een e-mail naar {email}.',
  'email.ignore': 'Had je deze uitnodiging niet verwacht? Dan kun je deze e-mail negeren.',

  // The invitee's page: the invitation.
  'page.languages': 'Taal',
  'page.eyebrow': 'Uitnodiging',
  'page.title': 'Word lid van {organization}',
  'page.summary': '<b>{inviter}</b> heeft je uitgenodigd om als <b>{role}</b> lid te worden van <b>{organization}</b>.',
  'page.messageFrom': 'Een bericht van {inviter}',
  'page.facts.address': 'Uitgenodigd e-mailadres',
  'page.facts.role': 'Rol',
  'page.facts.inviter': 'Uitgenodigd door',
  'page.facts.expires': 'Verloopt',
  'page.signedInAs': 'Je bent ingelogd als <b>{email}</b>.',
  'page.signInIntro': 'Je hebt al een account. Log in om te accepteren.',
  'page.forgotPassword': 'Wachtwoord vergeten?',
  'page.intro.choosePassword': 'Kies een wachtwoord voor je account om te accepteren.',
  'page.intro.presetPassword': 'Vul je naam in om te accepteren. Je wachtwoord is al voor je ingesteld.',
  'page.intro.choosePasswordOrSignIn':
    'Kies een wachtwoord om je account aan te maken. Heb je al een account met dit adres? Vul dan het wachtwoord van dat account in.',
  'page.intro.presetPasswordOrSignIn':
    'Vul je naam in om te accepteren: je wachtwoord is al voor je ingesteld. Heb je al een account met dit adres? Vul dan het wachtwoord van dat account in.',
  'page.field.firstName': 'Voornaam',
  'page.field.lastName': 'Achternaam',
  'page.field.email': 'E-mailadres',
  'page.field.password': 'Wachtwoord',
  'page.field.newPassword': 'Kies een wachtwoord',
  'page.passwordRule': '8 tot 128 tekens, met een hoofdletter, een kleine letter, een cijfer en een speciaal teken.',
  'page.accept': 'Uitnodiging accepteren',
  'page.signInAndAccept': 'Inloggen en accepteren',
  'page.decline': 'Weigeren',
  'page.footer': 'Had je dit niet verwacht? Dan kun je het negeren: er gebeurt niets zolang je niet accepteert.',
  'page.support': 'Vragen? Stuur een e-mail naar {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Gebruik één regel tekst, zonder stuurtekens.',
  'error.name.tooLong': 'Gebruik maximaal {max, number} tekens.',
  'error.password.required': 'Kies een wachtwoord voor je account.',
  'error.password.tooShort': 'Je wachtwoord moet minimaal {min, number} tekens lang zijn.',
  'error.password.tooLong': 'Je wachtwoord mag maximaal {max, number} tekens lang zijn.',
  'error.password.upper': 'Je wachtwoord moet een hoofdletter bevatten.',
  'error.password.lower': 'Je wachtwoord moet een kleine letter bevatten.',
  'error.password.digit': 'Je wachtwoord moet een cijfer bevatten.',
  'error.password.special': 'Je wachtwoord moet een speciaal teken bevatten.',
  'error.password.reused': 'Kies een nieuw wachtwoord: het huidige is door iemand anders ingesteld.',
  'error.signInRequired': 'Vul je wachtwoord in om in te loggen.',
  'error.invalidCredentials': 'Dat wachtwoord klopt niet. Probeer het opnieuw.',
  'error.emailMismatch': 'Deze uitnodiging is naar een ander adres gestuurd.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'Deze uitnodiging is voor iemand anders',
  'wrongAccount.heading': 'Deze uitnodiging is voor een ander adres',
  'wrongAccount.alert':
    'Je bent ingelogd als <b>{signedInAs}</b>, maar deze uitnodiging voor <b>{organization}</b> is naar <b>{email}</b> gestuurd.',
  'wrongAccount.hint': 'Log uit om de uitnodiging als {email} te accepteren.',
  'wrongAccount.signOut': 'Uitloggen',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Ongeldige uitnodigingslink',
  'invalid.heading': 'Deze uitnodigingslink is niet geldig',
  'invalid.reason': 'Mogelijk is de link verlopen, al gebruikt of ingetrokken.',
  'invalid.hint': 'Vraag degene die je heeft uitgenodigd om een nieuwe uitnodiging te sturen.',

  // After accepting or declining.
  'accepted.title': 'Je bent lid geworden van {organization}',
  'accepted.summary': 'Je bent nu lid met de rol <b>{role}</b> en bent ingelogd als <b>{email}</b>.',
  'accepted.close': 'Je kunt deze pagina sluiten.',
  'declined.title': 'Uitnodiging geweigerd',
  'declined.summary':
    'Je hebt de uitnodiging om lid te worden van <b>{organization}</b> geweigerd. Er gebeurt verder niets.',
  'declined.hint': 'Was dat een vergissing? Vraag dan om een nieuwe uitnodiging.',

  // Error pages.
  'failure.formExpired.title': 'Dit formulier is verlopen',
  'failure.formExpired.message': 'Ga terug, laad de pagina opnieuw en probeer het nog eens.',
  'failure.tooManyAttempts.title': 'Te veel pogingen',
  'failure.tooManyAttempts.message': 'Wacht een minuut, ga dan terug en probeer het opnieuw.',
  'failure.unavailable.title': 'We zijn zo terug',
  'failure.unavailable.message':
    'We konden onze gegevens even niet bereiken. Probeer het over een paar seconden opnieuw.',
  'failure.internal.title': 'Er is iets misgegaan',
  'failure.internal.message': 'Probeer het zo meteen opnieuw.',
  'failure.badForm.title': 'We konden dat formulier niet lezen',
  'failure.badForm.message': 'Ga terug, laad de pagina opnieuw en probeer het nog eens.',
  'failure.reference': 'Referentie: {id}',
};
