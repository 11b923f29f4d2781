import type { Catalog } from './en.js';

/** Italiano. */
export const it: Catalog = {
  // The invitation email.
  'email.subject': '{inviter} ti invita a unirti a {organization}',
  'email.greeting': 'Ciao,',
  'email.greetingNamed': 'Ciao {name},',
  'email.summary': '<b>{inviter}</b> ti invita a unirti a <b>{organization}</b> come <b>{role}</b>.',
  'email.action': 'Visualizza l’invito',
  'email.linkFallback': 'Oppure apri questo link:',
  'email.textLinkIntro': 'Accetta o rifiuta l’invito qui:',
  'email.expires':
    'L’invito scade {date} ({days, plural, =0 {tra meno di un giorno} one {tra # giorno} many {tra # giorni} other {tra # giorni}}).',
  'email.messageFrom': '{inviter} ha scritto:',
  'email.support': 'Domande? Scrivi a {email}.',
  'email.ignore': 'Se non ti aspettavi questo invito, puoi ignorare questa e-mail.',

  // The invitee's page: the invitation.
  'page.languages': 'Lingua',
  'page.eyebrow': 'Invito',
  'page.title': 'Unisciti a {organization}',
  'page.summary': '<b>{inviter}</b> ti invita a unirti a <b>{organization}</b> come <b>{role}</b>.',
  'page.messageFrom': 'Un messaggio di {inviter}',
  'page.facts.address': 'Inviato a',
  'page.facts.role': 'Ruolo',
  'page.facts.inviter': 'Inviato da',
  'page.facts.expires': 'Scadenza',
  'page.signedInAs': 'Hai effettuato l’accesso come <b>{email}</b>.',
  'page.signInIntro': 'Hai già un account. Accedi per accettare.',
  'page.forgotPassword': 'Password dimenticata?',
  'page.intro.choosePassword': 'Per accettare, scegli una password per il tuo account.',
  'page.intro.presetPassword': 'Per accettare, inserisci il tuo nome. La password è già stata impostata per te.',
  'page.intro.choosePasswordOrSignIn':
    'Scegli una password per creare il tuo account. Se hai già un account con questo indirizzo, inserisci invece la sua password.',
  'page.intro.presetPasswordOrSignIn':
    'Per accettare, inserisci il tuo nome: la password è già stata impostata per te. Se hai già un account con questo indirizzo, inserisci la sua password.',
  'page.field.firstName': 'Nome',
  'page.field.lastName': 'Cognome',
  'page.field.email': 'E-mail',
  'page.field.password': 'Password',
  'page.field.newPassword': 'Scegli una password',
  'page.passwordRule':
    'Da 8 a 128 caratteri, con almeno una lettera maiuscola, una minuscola, un numero e un carattere speciale.',
  'page.accept': 'Accetta l’invito',
  'page.signInAndAccept': 'Accedi e accetta',
  'page.decline': 'Rifiuta',
  'page.footer': 'Non te lo aspettavi? Puoi ignorare questo invito: non succede nulla finché non accetti.',
  'page.support': 'Domande? Scrivi a {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Usa una sola riga di testo, senza caratteri di controllo.',
  'error.name.tooLong': 'Usa al massimo {max, number} caratteri.',
  'error.password.required': 'Scegli una password per il tuo account.',
  'error.password.tooShort': 'La password deve contenere almeno {min, number} caratteri.',
  'error.password.tooLong': 'La password può contenere al massimo {max, number} caratteri.',
  'error.password.upper': 'La password deve contenere una lettera maiuscola.',
  'error.password.lower': 'La password deve contenere una lettera minuscola.',
  'error.password.digit': 'La password deve contenere un numero.',
  'error.password.special': 'La password deve contenere un carattere speciale.',
  'error.password.reused': 'Scegli una nuova password: quella attuale è stata impostata da qualcun altro.',
  'error.signInRequired': 'Inserisci la password per accedere.',
  'error.invalidCredentials': 'La password non è corretta. Riprova.',
  'error.emailMismatch': 'Questo invito è stato inviato a un altro indirizzo.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'Questo invito è per qualcun altro',
  'wrongAccount.heading': 'Questo invito è per un altro indirizzo',
  'wrongAccount.alert':
    'Hai effettuato l’accesso come <b>{signedInAs}</b>, ma questo invito a unirti a <b>{organization}</b> è stato inviato a <b>{email}</b>.',
  'wrongAccount.hint': 'Esci per accettarlo come {email}.',
  'wrongAccount.signOut': 'Esci',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Link di invito non valido',
  'invalid.heading': 'Questo link di invito non è valido',
  'invalid.reason': 'Potrebbe essere scaduto, essere già stato usato o essere stato revocato.',
  'invalid.hint': 'Chiedi a chi ti ha mandato l’invito di inviartene uno nuovo.',

  // After accepting or declining.
  'accepted.title': 'Ora fai parte di {organization}',
  'accepted.summary': 'Il tuo ruolo è <b>{role}</b> e hai effettuato l’accesso come <b>{email}</b>.',
  'accepted.close': 'Ora puoi chiudere questa pagina.',
  'declined.title': 'Invito rifiutato',
  'declined.summary': 'Hai rifiutato l’invito a unirti a <b>{organization}</b>. Non succederà nient’altro.',
  'declined.hint': 'Se è stato un errore, chiedi un nuovo invito.',

  // Error pages.
  'failure.formExpired.title': 'Questo modulo è scaduto',
  'failure.formExpired.message': 'Torna indietro, ricarica la pagina e riprova.',
  'failure.tooManyAttempts.title': 'Troppi tentativi',
  'failure.tooManyAttempts.message': 'Attendi un minuto, poi torna indietro e riprova.',
  'failure.unavailable.title': 'Torniamo subito',
  'failure.unavailable.message': 'Al momento non riusciamo ad accedere ai nostri dati. Riprova tra qualche secondo.',
  'failure.internal.title': 'Qualcosa è andato storto',
  'failure.internal.message': 'Riprova tra qualche istante.',
  'failure.badForm.title': 'Non siamo riusciti a leggere il modulo',
  'failure.badForm.message': 'Torna indietro, ricarica la pagina e riprova.',
  'failure.reference': 'Riferimento: {id}',
};
