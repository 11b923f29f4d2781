import type { Catalog } from './en.js';

/** 日本語. */
export const ja: Catalog = {
  // The invitation email.
  'email.subject': '{inviter}さんから{organization}への招待が届いています',
  'email.greeting': 'こんにちは。',
  'email.greetingNamed': '{name}さん、こんにちは。',
  'email.summary': '<b>{inviter}</b>さんが、あなたを<b>{role}</b>として<b>{organization}</b>に招待しました。',
  'email.action': '招待を確認',
  'email.linkFallback': 'または、次のリンクを開いてください：',
  'email.textLinkIntro': '招待の承諾・辞退はこちらから：',
  'email.expires': 'この招待の有効期限は{date}です（{days, plural, =0 {残り1日未満} other {残り#日}}）。',
  'email.messageFrom': '{inviter}さんからのメッセージ：',
  'email.support': 'ご不明な点がありましたら、{email}までお問い合わせください。',
  'email.ignore': 'この招待に心当たりがない場合は、このメールを無視してください。',

  // The invitee's page: the invitation.
  'page.languages': '言語',
  'page.eyebrow': '招待',
  'page.title': '{organization}に参加',
  'page.summary': '<b>{inviter}</b>さんが、あなたを<b>{role}</b>として<b>{organization}</b>に招待しました。',
  'page.messageFrom': '{inviter}さんからのメッセージ',
  'page.facts.address': '招待先メールアドレス',
  'page.facts.role': 'ロール',
  'page.facts.inviter': '招待者',
  'page.facts.expires': '有効期限',
  'page.signedInAs': '<b>{email}</b>としてログインしています。',
  'page.signInIntro': 'すでにアカウントをお持ちです。ログインして招待を承諾してください。',
  'page.forgotPassword': 'パスワードをお忘れですか？',
  'page.intro.choosePassword': '招待を承諾するには、アカウントのパスワードを設定してください。',
  'page.intro.presetPassword': '招待を承諾するには、お名前を入力してください。パスワードは設定済みです。',
  'page.intro.choosePasswordOrSignIn':
    'パスワードを設定してアカウントを作成してください。このメールアドレスのアカウントをすでにお持ちの場合は、そのパスワードを入力してください。',
  'page.intro.presetPasswordOrSignIn':
    '招待を承諾するには、お名前を入力してください（パスワードは設定済みです）。このメールアドレスのアカウントをすでにお持ちの場合は、そのパスワードを入力してください。',
  'page.field.firstName': '名',
  'page.field.lastName': '姓',
  'page.field.email': 'メールアドレス',
  'page.field.password': 'パスワード',
  'page.field.newPassword': 'パスワードを設定',
  'page.passwordRule': '8〜128文字で、英大文字・英小文字・数字・記号をそれぞれ1文字以上含めてください。',
  'page.accept': '招待を承諾',
  'page.signInAndAccept': 'ログインして承諾',
  'page.decline': '辞退',
  'page.footer': '心当たりがない場合は、このページを無視してください。承諾しない限り、何も起こりません。',
  'page.support': 'ご不明な点がありましたら、{email}までお問い合わせください。',

  // What a refused accept says on the form.
  'error.name.singleLine': '制御文字を含まない1行のテキストで入力してください。',
  'error.name.tooLong': '{max, number}文字以内で入力してください。',
  'error.password.required': 'アカウントのパスワードを設定してください。',
  'error.password.tooShort': 'パスワードは{min, number}文字以上にしてください。',
  'error.password.tooLong': 'パスワードは{max, number}文字以内にしてください。',
  'error.password.upper': 'パスワードには英大文字を含めてください。',
  'error.password.lower': 'パスワードには英小文字を含めてください。',
  'error.password.digit': 'パスワードには数字を含めてください。',
  'error.password.special': 'パスワードには記号を含めてください。',
  'error.password.reused': '新しいパスワードを設定してください。現在のパスワードは別の方が設定したものです。',
  'error.signInRequired': 'ログインするには、パスワードを入力してください。',
  'error.invalidCredentials': 'パスワードが正しくありません。もう一度お試しください。',
  'error.emailMismatch': 'この招待は別のメールアドレス宛てに送信されています。',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'この招待は別の方宛てです',
  'wrongAccount.heading': 'この招待は別のメールアドレス宛てです',
  'wrongAccount.alert':
    '現在<b>{signedInAs}</b>としてログインしていますが、この<b>{organization}</b>への招待は<b>{email}</b>宛てに送信されています。',
  'wrongAccount.hint': '{email}として承諾するには、ログアウトしてください。',
  'wrongAccount.signOut': 'ログアウト',

  // Unknown, expired, revoked and used links.
  'invalid.title': '無効な招待リンク',
  'invalid.heading': 'この招待リンクは無効です',
  'invalid.reason': '有効期限が切れているか、すでに使用されたか、取り消された可能性があります。',
  'invalid.hint': '招待した方に、新しい招待を送るよう依頼してください。',

  // After accepting or declining.
  'accepted.title': '{organization}に参加しました',
  'accepted.summary': '<b>{role}</b>としてメンバーになりました。<b>{email}</b>でログインしています。',
  'accepted.close': 'このページは閉じてかまいません。',
  'declined.title': '招待を辞退しました',
  'declined.summary': '<b>{organization}</b>への招待を辞退しました。これ以上の手続きは発生しません。',
  'declined.hint': '誤って辞退した場合は、新しい招待を依頼してください。',

  // Error pages.
  'failure.formExpired.title': 'フォームの有効期限が切れました',
  'failure.formExpired.message': '前のページに戻り、ページを再読み込みしてから、もう一度お試しください。',
  'failure.tooManyAttempts.title': '試行回数が多すぎます',
  'failure.tooManyAttempts.message': '1分ほど待ってから、前のページに戻ってもう一度お試しください。',
  'failure.unavailable.title': 'まもなく復旧します',
  'failure.unavailable.message': '現在、データにアクセスできません。数秒後にもう一度お試しください。',
  'failure.internal.title': '問題が発生しました',
  'failure.internal.message': 'しばらくしてから、もう一度お試しください。',
  'failure.badForm.title': 'フォームを読み取れませんでした',
  'failure.badForm.message': '前のページに戻り、ページを再読み込みしてから、もう一度お試しください。',
  'failure.reference': '参照コード：{id}',
};
