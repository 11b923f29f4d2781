import type { Catalog } from './en.js';

/** Português (Brasil). */
export const ptBR: Catalog = {
  // The invitation email.
  'email.subject': '{inviter} convidou você para participar de {organization}',
  'email.greeting': 'Olá,',
  'email.greetingNamed': 'Olá, {name},',
  'email.summary': '<b>{inviter}</b> convidou você para participar de <b>{organization}</b> como <b>{role}</b>.',
  'email.action': 'Ver convite',
  'email.linkFallback': 'Ou abra este link:',
  'email.textLinkIntro': 'Aceite ou recuse o convite aqui:',
  'email.expires':
    'O convite é válido até {date} ({days, plural, =0 {expira em menos de um dia} one {falta # dia} many {faltam # dias} other {faltam # dias}}).',
  'email.messageFrom': '{inviter} escreveu:',
  'email.support': 'Dúvidas? Escreva para {email}.',
  'email.ignore': 'Se você não esperava este convite, pode ignorar este e-mail.',

  // The invitee's page: the invitation.
  'page.languages': 'Idioma',
  'page.eyebrow': 'Convite',
  'page.title': 'Participe de {organization}',
  'page.summary': '<b>{inviter}</b> convidou você para participar de <b>{organization}</b> como <b>{role}</b>.',
  'page.messageFrom': 'Uma mensagem de {inviter}',
  'page.facts.address': 'Enviado para',
  'page.facts.role': 'Função',
  'page.facts.inviter': 'Enviado por',
  'page.facts.expires': 'Expira em',
  'page.signedInAs': 'Você entrou como <b>{email}</b>.',
  'page.signInIntro': 'Você já tem uma conta. Faça login para aceitar.',
  'page.forgotPassword': 'Esqueceu sua senha?',
  'page.intro.choosePassword': 'Para aceitar, escolha uma senha para sua conta.',
  'page.intro.presetPassword': 'Para aceitar, informe seu nome. Sua senha já foi definida.',
  'page.intro.choosePasswordOrSignIn':
    'Escolha uma senha para criar sua conta. Se você já tem uma conta com este endereço, digite a senha dela.',
  'page.intro.presetPasswordOrSignIn':
    'Para aceitar, informe seu nome: sua senha já foi definida. Se você já tem uma conta com este endereço, digite a senha dela.',
  'page.field.firstName': 'Nome',
  'page.field.lastName': 'Sobrenome',
  'page.field.email': 'E-mail',
  'page.field.password': 'Senha',
  'page.field.newPassword': 'Escolha uma senha',
  'page.passwordRule':
    'De 8 a 128 caracteres, com uma letra maiúscula, uma letra minúscula, um número e um caractere especial.',
  'page.accept': 'Aceitar convite',
  'page.signInAndAccept': 'Fazer login e aceitar',
  'page.decline': 'Recusar',
  'page.footer': 'Não esperava este convite? Pode ignorá-lo: nada acontece se você não aceitar.',
  'page.support': 'Dúvidas? Escreva para {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'Escreva em uma única linha, sem caracteres de controle.',
  'error.name.tooLong': 'Digite no máximo {max, number} caracteres.',
  'error.password.required': 'Escolha uma senha para sua conta.',
  'error.password.tooShort': 'Sua senha precisa ter pelo menos {min, number} caracteres.',
  'error.password.tooLong': 'Sua senha pode ter no máximo {max, number} caracteres.',
  'error.password.upper': 'Sua senha precisa ter uma letra maiúscula.',
  'error.password.lower': 'Sua senha precisa ter uma letra minúscula.',
  'error.password.digit': 'Sua senha precisa ter um número.',
  'error.password.special': 'Sua senha precisa ter um caractere especial.',
  'error.password.reused': 'Escolha uma nova senha: a atual foi definida por outra pessoa.',
  'error.signInRequired': 'Digite sua senha para fazer login.',
  'error.invalidCredentials': 'Senha incorreta. Tente novamente.',
  'error.emailMismatch': 'Este convite foi enviado para outro endereço.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'Este convite é para outra pessoa',
  'wrongAccount.heading': 'Este convite é para outro endereço',
  'wrongAccount.alert':
    'Você entrou como <b>{signedInAs}</b>, mas este convite para participar de <b>{organization}</b> foi enviado para <b>{email}</b>.',
  'wrongAccount.hint': 'Saia da conta para aceitá-lo como {email}.',
  'wrongAccount.signOut': 'Sair',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'Link de convite inválido',
  'invalid.heading': 'Este link de convite não é válido',
  'invalid.reason': 'Ele pode ter expirado, já ter sido usado ou ter sido cancelado.',
  'invalid.hint': 'Peça à pessoa que convidou você para enviar um novo convite.',

  // After accepting or declining.
  'accepted.title': 'Agora você faz parte de {organization}',
  'accepted.summary': 'Sua função é <b>{role}</b> e você entrou com a conta <b>{email}</b>.',
  'accepted.close': 'Você já pode fechar esta página.',
  'declined.title': 'Convite recusado',
  'declined.summary': 'Você recusou o convite para participar de <b>{organization}</b>. Nada mais vai acontecer.',
  'declined.hint': 'Se foi um engano, peça um novo convite.',

  // Error pages.
  'failure.formExpired.title': 'Este formulário expirou',
  'failure.formExpired.message': 'Volte, recarregue a página e tente novamente.',
  'failure.tooManyAttempts.title': 'Muitas tentativas',
  'failure.tooManyAttempts.message': 'Aguarde um minuto, volte e tente novamente.',
  'failure.unavailable.title': 'Já voltamos',
  'failure.unavailable.message': 'Não conseguimos acessar nossos registros agora. Tente novamente em alguns segundos.',
  'failure.internal.title': 'Algo deu errado',
  'failure.internal.message': 'Tente novamente daqui a pouco.',
  'failure.badForm.title': 'Não conseguimos ler o formulário',
  'failure.badForm.message': 'Volte, recarregue a página e tente novamente.',
  'failure.reference': 'Referência: {id}',
};
