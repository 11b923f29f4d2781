import type { Catalog } from './en.js';

/** Español. */
export const es: Catalog = {
  // The invitation email.
  'email.subject': '{inviter} te invitó a unirte a {organization}',
  'email.greeting': 'Hola:',
  'email.greetingNamed': 'Hola, {name}:',
  'email.summary': '<b>{inviter}</b> te invitó a unirte a <b>{organization}</b> como <b>{role}</b>.',
  'email.action': 'Ver invitación',
  'email.linkFallback': 'O abre este enlace:',
  'email.textLinkIntro': 'Acepta o rechaza la invitación aquí:',
  'email.expires':
    'La invitación vence el {date} ({days, plural, =0 {en menos de un día} one {en # día} many {en # días} other {en # días}}).',
  'email.messageFrom': '{inviter} escribió:',
  'email.support': '¿Tienes dudas? Escribe a {email}.',
  'email.ignore': 'Si no esperabas esta invitación, puedes ignorar este correo.',

  // The invitee's page: the invitation.
  'page.languages': 'Idioma',
  'page.eyebrow': 'Invitación',
  'page.title': 'Únete a {organization}',
  'page.summary': '<b>{inviter}</b> te invitó a unirte a <b>{organization}</b> como <b>{role}</b>.',
  'page.messageFrom': 'Un mensaje de {inviter}',
  'page.facts.address': 'Enviada a',
  'page.facts.role': 'Rol',
  'page.facts.inviter': 'Enviada por',
  'page.facts.expires': 'Vencimiento',
  'page.signedInAs': 'Sesión iniciada como <b>{email}</b>.',
  'page.signInIntro': 'Ya tienes una cuenta. Inicia sesión para aceptar.',
  'page.forgotPassword': '¿Olvidaste tu contraseña?',
  'page.intro.choosePassword': 'Para aceptar, elige una contraseña para tu cuenta.',
  'page.intro.presetPassword': 'Para aceptar, indica tu nombre. Tu contraseña ya está configurada.',
  'page.intro.choosePasswordOrSignIn':
    'Elige una contraseña para crear tu cuenta. Si ya tienes una cuenta con esta dirección, escribe su contraseña.',
  'page.intro.presetPasswordOrSignIn':
    'Para aceptar, indica tu nombre: tu contraseña ya está configurada. Si ya tienes una cuenta con esta dirección, escribe su contraseña.',
  'page.field.firstName': 'Nombre',
  'page.field.lastName': 'Apellido',
  'page.field.email': 'Correo electrónico',
  'page.field.password': 'Contraseña',
  'page.field.newPassword': 'Elige una contraseña',
  'page.passwordRule': 'Entre 8 y 128 caracteres, con una mayúscula, una minúscula, un número y un carácter especial.',
  'page.accept': 'Aceptar invitación',
  'page.signInAndAccept': 'Iniciar sesión y aceptar',
  'page.decline': 'Rechazar',
  'page.footer': '¿No esperabas esta invitación? Puedes ignorarla: no pasará nada si no la aceptas.',
  'page.support': '¿Tienes dudas? Escribe a {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Usa una sola línea de texto, sin caracteres no imprimibles.',
  'error.name.tooLong': 'Usa {max, number} caracteres como máximo.',
  'error.password.required': 'Elige una contraseña para tu cuenta.',
  'error.password.tooShort': 'La contraseña debe tener al menos {min, number} caracteres.',
  'error.password.tooLong': 'La contraseña debe tener {max, number} caracteres como máximo.',
  'error.password.upper': 'La contraseña debe contener una mayúscula.',
  'error.password.lower': 'La contraseña debe contener una minúscula.',
  'error.password.digit': 'La contraseña debe contener un número.',
  'error.password.special': 'La contraseña debe contener un carácter especial.',
  'error.password.reused': 'Elige una contraseña nueva: la actual la estableció otra persona.',
  'error.signInRequired': 'Escribe tu contraseña para iniciar sesión.',
  'error.invalidCredentials': 'La contraseña no es correcta. Vuelve a intentarlo.',
  'error.emailMismatch': 'Esta invitación se envió a otra dirección.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'Esta invitación es para otra persona',
  'wrongAccount.heading': 'Esta invitación es para otra dirección',
  'wrongAccount.alert':
    'Tienes la sesión iniciada como <b>{signedInAs}</b>, pero esta invitación para unirte a <b>{organization}</b> se envió a <b>{email}</b>.',
  'wrongAccount.hint': 'Cierra sesión para aceptarla como {email}.',
  'wrongAccount.signOut': 'Cerrar sesión',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Enlace de invitación no válido',
  'invalid.heading': 'Este enlace de invitación no es válido',
  'invalid.reason': 'Puede que haya vencido, que ya se haya usado o que se haya retirado.',
  'invalid.hint': 'Pide a la persona que te invitó que te envíe una nueva invitación.',

  // After accepting or declining.
  'accepted.title': 'Ya formas parte de {organization}',
  'accepted.summary': 'Tu rol es <b>{role}</b> y tienes la sesión iniciada como <b>{email}</b>.',
  'accepted.close': 'Ya puedes cerrar esta página.',
  'declined.title': 'Invitación rechazada',
  'declined.summary': 'Rechazaste la invitación para unirte a <b>{organization}</b>. No pasará nada más.',
  'declined.hint': 'Si fue un error, pide una nueva invitación.',

  // Error pages.
  'failure.formExpired.title': 'Este formulario ya no es válido',
  'failure.formExpired.message': 'Vuelve atrás, recarga la página e inténtalo de nuevo.',
  'failure.tooManyAttempts.title': 'Demasiados intentos',
  'failure.tooManyAttempts.message': 'Espera un minuto, vuelve atrás e inténtalo de nuevo.',
  'failure.unavailable.title': 'Volvemos enseguida',
  'failure.unavailable.message':
    'No pudimos acceder a nuestros registros en este momento. Vuelve a intentarlo en unos segundos.',
  'failure.internal.title': 'Algo salió mal',
  'failure.internal.message': 'Vuelve a intentarlo en un momento.',
  'failure.badForm.title': 'No pudimos leer el formulario',
  'failure.badForm.message': 'Vuelve atrás, recarga la página e inténtalo de nuevo.',
  'failure.reference': 'Referencia: {id}',
};
