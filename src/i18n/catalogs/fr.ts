import type { Catalog } from './en.js';

/** Français. */
export const fr: Catalog = {
  // The invitation email.
  'email.subject': '{inviter} vous invite à rejoindre {organization}',
  'email.greeting': 'Bonjour,',
  'email.greetingNamed': 'Bonjour {name},',
  'email.summary': '<b>{inviter}</b> vous invite à rejoindre <b>{organization}</b> en tant que <b>{role}</b>.',
  'email.action': 'Voir l’invitation',
  'email.linkFallback': 'Ou ouvrez ce lien :',
  'email.textLinkIntro': 'Acceptez ou refusez l’invitation ici :',
  'email.expires':
    'L’invitation expire le {date} ({days, plural, =0 {dans moins d’un jour} one {dans # jour} many {dans # jours} other {dans # jours}}).',
  'email.messageFrom': '{inviter} a écrit :',
  'email.support': 'Besoin d’aide ? Écrivez à {email}.',
  'email.ignore': 'Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.',

  // The invitee's page: the invitation.
  'page.languages': 'Langue',
  'page.eyebrow': 'Invitation',
  'page.title': 'Rejoindre {organization}',
  'page.summary': '<b>{inviter}</b> vous invite à rejoindre <b>{organization}</b> en tant que <b>{role}</b>.',
  'page.messageFrom': 'Un mot de {inviter}',
  'page.facts.address': 'Adresse invitée',
  'page.facts.role': 'Rôle',
  'page.facts.inviter': 'Invitation de',
  'page.facts.expires': 'Expire le',
  'page.signedInAs': 'Vous êtes connecté en tant que <b>{email}</b>.',
  'page.signInIntro': 'Vous avez déjà un compte. Connectez-vous pour accepter.',
  'page.forgotPassword': 'Mot de passe oublié ?',
  'page.intro.choosePassword': 'Pour accepter, choisissez un mot de passe pour votre compte.',
  'page.intro.presetPassword': 'Pour accepter, indiquez votre nom. Votre mot de passe a déjà été défini.',
  'page.intro.choosePasswordOrSignIn':
    'Choisissez un mot de passe pour créer votre compte. Si vous avez déjà un compte avec cette adresse, saisissez plutôt son mot de passe.',
  'page.intro.presetPasswordOrSignIn':
    'Pour accepter, indiquez votre nom : votre mot de passe a déjà été défini. Si vous avez déjà un compte avec cette adresse, saisissez son mot de passe.',
  'page.field.firstName': 'Prénom',
  'page.field.lastName': 'Nom',
  'page.field.email': 'Adresse e-mail',
  'page.field.password': 'Mot de passe',
  'page.field.newPassword': 'Choisissez un mot de passe',
  'page.passwordRule': 'De 8 à 128 caractères, avec une majuscule, une minuscule, un chiffre et un caractère spécial.',
  'page.accept': 'Accepter l’invitation',
  'page.signInAndAccept': 'Se connecter et accepter',
  'page.decline': 'Refuser',
  'page.footer':
    'Vous ne vous attendiez pas à cette invitation ? Vous pouvez l’ignorer : rien ne se passera si vous ne l’acceptez pas.',
  'page.support': 'Besoin d’aide ? Écrivez à {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Saisissez une seule ligne de texte, sans caractères de contrôle.',
  'error.name.tooLong': 'Saisissez au maximum {max, number} caractères.',
  'error.password.required': 'Choisissez un mot de passe pour votre compte.',
  'error.password.tooShort': 'Votre mot de passe doit contenir au moins {min, number} caractères.',
  'error.password.tooLong': 'Votre mot de passe ne doit pas dépasser {max, number} caractères.',
  'error.password.upper': 'Votre mot de passe doit contenir une majuscule.',
  'error.password.lower': 'Votre mot de passe doit contenir une minuscule.',
  'error.password.digit': 'Votre mot de passe doit contenir un chiffre.',
  'error.password.special': 'Votre mot de passe doit contenir un caractère spécial.',
  'error.password.reused': 'Choisissez un nouveau mot de passe : l’actuel a été défini par quelqu’un d’autre.',
  'error.signInRequired': 'Saisissez votre mot de passe pour vous connecter.',
  'error.invalidCredentials': 'Mot de passe incorrect. Veuillez réessayer.',
  'error.emailMismatch': 'Cette invitation a été envoyée à une autre adresse.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'Cette invitation est destinée à quelqu’un d’autre',
  'wrongAccount.heading': 'Cette invitation est destinée à une autre adresse',
  'wrongAccount.alert':
    'Vous êtes connecté en tant que <b>{signedInAs}</b>, mais cette invitation à rejoindre <b>{organization}</b> a été envoyée à <b>{email}</b>.',
  'wrongAccount.hint': 'Déconnectez-vous pour l’accepter avec l’adresse {email}.',
  'wrongAccount.signOut': 'Se déconnecter',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Lien d’invitation non valide',
  'invalid.heading': 'Ce lien d’invitation n’est pas valide',
  'invalid.reason': 'Il a peut-être expiré, déjà été utilisé ou été révoqué.',
  'invalid.hint': 'Demandez à la personne qui vous a envoyé cette invitation de vous en envoyer une nouvelle.',

  // After accepting or declining.
  'accepted.title': 'Vous avez rejoint {organization}',
  'accepted.summary':
    'Vous en êtes désormais membre avec le rôle <b>{role}</b> et êtes connecté en tant que <b>{email}</b>.',
  'accepted.close': 'Vous pouvez fermer cet onglet.',
  'declined.title': 'Invitation refusée',
  'declined.summary': 'Vous avez refusé l’invitation à rejoindre <b>{organization}</b>. Il ne se passera rien d’autre.',
  'declined.hint': 'S’il s’agit d’une erreur, demandez une nouvelle invitation.',

  // Error pages.
  'failure.formExpired.title': 'Ce formulaire a expiré',
  'failure.formExpired.message': 'Revenez en arrière, actualisez, puis réessayez.',
  'failure.tooManyAttempts.title': 'Trop de tentatives',
  'failure.tooManyAttempts.message': 'Patientez une minute, puis revenez en arrière et réessayez.',
  'failure.unavailable.title': 'De retour dans un instant',
  'failure.unavailable.message':
    'Nous ne parvenons pas à accéder à nos données pour le moment. Réessayez dans quelques secondes.',
  'failure.internal.title': 'Une erreur s’est produite',
  'failure.internal.message': 'Veuillez réessayer dans un instant.',
  'failure.badForm.title': 'Nous n’avons pas pu lire ce formulaire',
  'failure.badForm.message': 'Revenez en arrière, actualisez, puis réessayez.',
  'failure.reference': 'Référence : {id}',
};
