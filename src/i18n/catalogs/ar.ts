import type { Catalog } from './en.js';

/** العربية. */
export const ar: Catalog = {
  // The invitation email.
  'email.subject': 'دعوة من {inviter} للانضمام إلى {organization}',
  'email.greeting': 'مرحبًا،',
  'email.greetingNamed': 'مرحبًا {name}،',
  'email.summary': 'تلقيت دعوة من <b>{inviter}</b> للانضمام إلى <b>{organization}</b> بدور <b>{role}</b>.',
  'email.action': 'عرض الدعوة',
  'email.linkFallback': 'أو افتح هذا الرابط:',
  'email.textLinkIntro': 'يمكنك قبول الدعوة أو رفضها من هنا:',
  'email.expires':
    'تنتهي صلاحية الدعوة في {date} ({days, plural, =0 {خلال أقل من يوم} zero {خلال # يوم} one {خلال يوم واحد} two {خلال يومين} few {خلال # أيام} many {خلال # يومًا} other {خلال # يوم}}).',
  'email.messageFrom': 'رسالة من {inviter}:',
  'email.support': 'للاستفسارات، يُرجى المراسلة على {email}.',
  'email.ignore': 'إذا لم تكن تتوقع هذه الدعوة، فيمكنك تجاهل هذه الرسالة.',

  // The invitee's page: the invitation.
  'page.languages': 'اللغة',
  'page.eyebrow': 'دعوة',
  'page.title': 'الانضمام إلى {organization}',
  'page.summary': 'تلقيت دعوة من <b>{inviter}</b> للانضمام إلى <b>{organization}</b> بدور <b>{role}</b>.',
  'page.messageFrom': 'رسالة من {inviter}',
  'page.facts.address': 'البريد الإلكتروني للمدعو',
  'page.facts.role': 'الدور',
  'page.facts.inviter': 'مُرسل الدعوة',
  'page.facts.expires': 'تنتهي الصلاحية في',
  'page.signedInAs': 'لقد سجّلت الدخول باسم <b>{email}</b>.',
  'page.signInIntro': 'لديك حساب بالفعل. سجّل الدخول لقبول الدعوة.',
  'page.forgotPassword': 'هل نسيت كلمة المرور؟',
  'page.intro.choosePassword': 'اختر كلمة مرور لحسابك لقبول الدعوة.',
  'page.intro.presetPassword': 'أدخل اسمك لقبول الدعوة. لقد أُعدّت كلمة المرور لك مسبقًا.',
  'page.intro.choosePasswordOrSignIn':
    'اختر كلمة مرور لإنشاء حسابك. وإذا كان لديك حساب بهذا العنوان بالفعل، فأدخل كلمة مروره بدلًا من ذلك.',
  'page.intro.presetPasswordOrSignIn':
    'أدخل اسمك لقبول الدعوة، فقد أُعدّت كلمة المرور لك مسبقًا. وإذا كان لديك حساب بهذا العنوان بالفعل، فأدخل كلمة مروره.',
  'page.field.firstName': 'الاسم الأول',
  'page.field.lastName': 'اسم العائلة',
  'page.field.email': 'البريد الإلكتروني',
  'page.field.password': 'كلمة المرور',
  'page.field.newPassword': 'اختر كلمة مرور',
  'page.passwordRule': 'من 8 إلى 128 حرفًا، منها حرف لاتيني كبير وحرف لاتيني صغير ورقم ورمز خاص.',
  'page.accept': 'قبول الدعوة',
  'page.signInAndAccept': 'تسجيل الدخول والقبول',
  'page.decline': 'رفض',
  'page.footer': 'لم تكن تتوقع هذه الدعوة؟ يمكنك تجاهلها، فلن يحدث شيء ما لم تقبلها.',
  'page.support': 'للاستفسارات، يُرجى المراسلة على {email}.',

  // What a refused accept says on the form.
  'error.name.singleLine': 'أدخل سطرًا واحدًا من النص دون أحرف تحكم.',
  'error.name.tooLong': 'يجب ألا يتجاوز عدد الأحرف {max, number}.',
  'error.password.required': 'اختر كلمة مرور لحسابك.',
  'error.password.tooShort': 'يجب ألا يقل عدد أحرف كلمة المرور عن {min, number}.',
  'error.password.tooLong': 'يجب ألا يزيد عدد أحرف كلمة المرور على {max, number}.',
  'error.password.upper': 'يجب أن تحتوي كلمة المرور على حرف لاتيني كبير.',
  'error.password.lower': 'يجب أن تحتوي كلمة المرور على حرف لاتيني صغير.',
  'error.password.digit': 'يجب أن تحتوي كلمة المرور على رقم.',
  'error.password.special': 'يجب أن تحتوي كلمة المرور على رمز خاص.',
  'error.password.reused': 'اختر كلمة مرور جديدة، فكلمة المرور الحالية عيّنها شخص آخر.',
  'error.signInRequired': 'أدخل كلمة المرور لتسجيل الدخول.',
  'error.invalidCredentials': 'كلمة المرور غير صحيحة. حاول مرة أخرى.',
  'error.emailMismatch': 'أُرسلت هذه الدعوة إلى عنوان بريد إلكتروني آخر.',

  // A signed-in user whose address is not the invited one.
  'wrongAccount.title': 'هذه الدعوة موجّهة إلى شخص آخر',
  'wrongAccount.heading': 'هذه الدعوة موجّهة إلى عنوان آخر',
  'wrongAccount.alert':
    'لقد سجّلت الدخول باسم <b>{signedInAs}</b>، لكن دعوة الانضمام إلى <b>{organization}</b> هذه أُرسلت إلى <b>{email}</b>.',
  'wrongAccount.hint': 'سجّل الخروج لتقبل الدعوة باسم {email}.',
  'wrongAccount.signOut': 'تسجيل الخروج',

  // Unknown, expired, revoked and used links.
  'invalid.title': 'رابط الدعوة غير صالح',
  'invalid.heading': 'رابط الدعوة هذا غير صالح',
  'invalid.reason': 'ربما انتهت صلاحيته، أو سبق استخدامه، أو أُلغي.',
  'invalid.hint': 'اطلب من الشخص الذي دعاك أن يرسل إليك دعوة جديدة.',

  // After accepting or declining.
  'accepted.title': 'لقد انضممت إلى {organization}',
  'accepted.summary': 'أصبحت الآن عضوًا بدور <b>{role}</b>، وقد سجّلت الدخول باسم <b>{email}</b>.',
  'accepted.close': 'يمكنك إغلاق هذه الصفحة.',
  'declined.title': 'تم رفض الدعوة',
  'declined.summary': 'لقد رفضت دعوة الانضمام إلى <b>{organization}</b>. لن يترتب على ذلك أي شيء آخر.',
  'declined.hint': 'إذا كان ذلك عن طريق الخطأ، فاطلب دعوة جديدة.',

  // Error pages.
  'failure.formExpired.title': 'انتهت صلاحية هذا النموذج',
  'failure.formExpired.message': 'ارجع إلى الصفحة السابقة، وأعد تحميلها، ثم حاول مرة أخرى.',
  'failure.tooManyAttempts.title': 'محاولات كثيرة جدًا',
  'failure.tooManyAttempts.message': 'انتظر دقيقة، ثم ارجع وحاول مرة أخرى.',
  'failure.unavailable.title': 'سنعود بعد قليل',
  'failure.unavailable.message': 'تعذّر علينا الوصول إلى سجلاتنا الآن. يُرجى المحاولة مرة أخرى بعد بضع ثوانٍ.',
  'failure.internal.title': 'حدث خطأ ما',
  'failure.internal.message': 'يُرجى المحاولة مرة أخرى بعد قليل.',
  'failure.badForm.title': 'تعذّرت قراءة هذا النموذج',
  'failure.badForm.message': 'ارجع إلى الصفحة السابقة، وأعد تحميلها، ثم حاول مرة أخرى.',
  'failure.reference': 'رقم المرجع: {id}',
};
