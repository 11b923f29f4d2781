import type { Catalog } from './en.js';

/** 简体中文. */
export const zhCN: Catalog = {
  // The invitation email.
  'email.subject': '{inviter}邀请你加入{organization}',
  'email.greeting': '你好：',
  'email.greetingNamed': '{name}，你好：',
  'email.summary': '<b>{inviter}</b>邀请你以<b>{role}</b>身份加入<b>{organization}</b>。',
  'email.action': '查看邀请',
  'email.linkFallback': '或打开此链接：',
  'email.textLinkIntro': '在此接受或拒绝邀请：',
  'email.expires': '邀请将于{date}过期（{days, plural, =0 {剩余不到一天} other {剩余#天}}）。',
  'email.messageFrom': '{inviter}留言：',
  'email.support': '如有疑问，请发送邮件至{email}。',
  'email.ignore': '如果你不清楚为何收到此邀请，可以忽略这封邮件。',

  // The invitee's page: the invitation.
  'page.languages': '语言',
  'page.eyebrow': '邀请',
  'page.title': '加入{organization}',
  'page.summary': '<b>{inviter}</b>邀请你以<b>{role}</b>身份加入<b>{organization}</b>。',
  'page.messageFrom': '来自{inviter}的留言',
  'page.facts.address': '受邀邮箱',
  'page.facts.role': '角色',
  'page.facts.inviter': '邀请人',
  'page.facts.expires': '有效期至',
  'page.signedInAs': '你已使用<b>{email}</b>登录。',
  'page.signInIntro': '你已有账号，请登录以接受邀请。',
  'page.forgotPassword': '忘记密码？',
  'page.intro.choosePassword': '请为你的账号设置密码，以接受邀请。',
  'page.intro.presetPassword': '请填写你的姓名以接受邀请。你的密码已设置好。',
  'page.intro.choosePasswordOrSignIn': '请设置密码以创建账号。如果你已有使用此邮箱的账号，请改为输入该账号的密码。',
  'page.intro.presetPasswordOrSignIn':
    '请填写你的姓名以接受邀请（你的密码已设置好）。如果你已有使用此邮箱的账号，请输入该账号的密码。',
  'page.field.firstName': '名字',
  'page.field.lastName': '姓氏',
  'page.field.email': '邮箱',
  'page.field.password': '密码',
  'page.field.newPassword': '设置密码',
  'page.passwordRule': '8至128个字符，须包含大写字母、小写字母、数字和特殊字符。',
  'page.accept': '接受邀请',
  'page.signInAndAccept': '登录并接受',
  'page.decline': '拒绝',
  'page.footer': '不清楚为何收到此邀请？直接忽略即可。只要你不接受，就不会产生任何影响。',
  'page.support': '如有疑问，请发送邮件至{email}。',

  // What a refused accept says on the form.
  'error.name.singleLine': '请输入单行文本，且不要包含控制字符。',
  'error.name.tooLong': '最多可输入{max, number}个字符。',
  'error.password.required': '请为你的账号设置密码。',
  'error.password.tooShort': '密码长度至少为{min, number}个字符。',
  'error.password.tooLong': '密码长度不能超过{max, number}个字符。',
  'error.password.upper': '密码必须包含大写字母。',
  'error.password.lower': '密码必须包含小写字母。',
  'error.password.digit': '密码必须包含数字。',
  'error.password.special': '密码必须包含特殊字符。',
  'error.password.reused': '请设置新密码：当前密码是由他人设置的。',
  'error.signInRequired': '请输入密码以登录。',
  'error.invalidCredentials': '密码不正确，请重试。',
  'error.emailMismatch': '此邀请已发送至其他邮箱。',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': '此邀请是发给其他人的',
  'wrongAccount.heading': '此邀请是发给其他邮箱的',
  'wrongAccount.alert':
    '你已使用<b>{signedInAs}</b>登录，但这份加入<b>{organization}</b>的邀请是发送至<b>{email}</b>的。',
  'wrongAccount.hint': '请退出登录，再以{email}身份接受邀请。',
  'wrongAccount.signOut': '退出登录',

  // Unknown, expired, revoked and used links.
  'invalid.title': '邀请链接无效',
  'invalid.heading': '此邀请链接无效',
  'invalid.reason': '该链接可能已过期、已被使用或已被撤回。',
  'invalid.hint': '请联系邀请你的人，让对方重新发送邀请。',

  // After accepting or declining.
  'accepted.title': '你已加入{organization}',
  'accepted.summary': '你已以<b>{role}</b>身份成为成员，当前登录账号为<b>{email}</b>。',
  'accepted.close': '你可以关闭此页面了。',
  'declined.title': '已拒绝邀请',
  'declined.summary': '你已拒绝加入<b>{organization}</b>的邀请，不会再有其他后续操作。',
  'declined.hint': '如果是误操作，请向对方重新索取邀请。',

  // Error pages.
  'failure.formExpired.title': '表单已过期',
  'failure.formExpired.message': '请返回并刷新页面，然后重试。',
  'failure.tooManyAttempts.title': '尝试次数过多',
  'failure.tooManyAttempts.message': '请等待一分钟，然后返回重试。',
  'failure.unavailable.title': '服务即将恢复',
  'failure.unavailable.message': '暂时无法访问我们的数据，请几秒钟后重试。',
  'failure.internal.title': '出错了',
  'failure.internal.message': '请稍后重试。',
  'failure.badForm.title': '无法读取该表单',
  'failure.badForm.message': '请返回并刷新页面，然后重试。',
  'failure.reference': '参考编号：{id}',
};
