language-name = العربية
language-direction = rtl
number-group-separator = ,

service-name = Civitas
skip-to-content = الانتقال إلى المحتوى الرئيسي
tagline = هويتك الرقمية الوطنية
home-title = سجّل الدخول إلى الخدمات العامة والخاصة بهوية واحدة
home-intro = Civitas هي الهوية الرقمية الوطنية. تسمح لك الجهات الحكومية والبنوك وخدمات أخرى بتسجيل الدخول بها. ولا ترى هذه الخدمات إلا المعلومات التي توافق على مشاركتها.
home-services = تسجّل الدخول بمفتاح المرور: بدلًا من كلمة المرور، يتحقق هاتفك أو حاسوبك من بصمة إصبعك أو وجهك أو رمز PIN. ويمكنك أن ترى كل خدمة حصلت على معلوماتك، ومتى حصلت عليها.
home-help = إذا لم تستطع تسجيل الدخول، فمكتب المساعدة يمكنه مساعدتك.
language = اللغة
change-language = تغيير اللغة
footer-note = تكتب Civitas كل مرة تُشارَك فيها معلوماتك، ويمكنك أن ترى القائمة في حسابك.
error-bad-request = لا يمكن تنفيذ هذا الطلب
error-forbidden = غير مسموح
error-forbidden-detail = غير مسموح لك برؤية هذه الصفحة.
error-sandbox = هذه الخدمة نسخة تجريبية
error-sandbox-detail = هذه نسخة تجريبية من خدمة ما زالت قيد الإنشاء. لا يدخلها إلا أشخاص تجريبيون، ولا يدخلها أي شخص حقيقي. لم تُشارَك معها أي معلومات.
error-production = هذه الخدمة لا تقبل الأشخاص التجريبيين
error-production-detail = أنت مسجّل الدخول بصفتك شخصًا تجريبيًا، وهذه الخدمة لا يدخلها إلا أشخاص حقيقيون. لم تُشارَك معها أي معلومات.
error-cross-site = أُرسل النموذج من موقع آخر، لذلك لم يُقبل. ارجع إلى صفحة Civitas وحاول مرة أخرى.
error-not-found = الصفحة غير موجودة
error-not-found-detail = إذا كتبت عنوان الصفحة بنفسك، فتأكد من أنه صحيح.
error-too-many = محاولات كثيرة جدًا
error-too-many-detail = حفاظًا على أمانك، يُرجى الانتظار { $minutes } ثم المحاولة مرة أخرى.
error-unavailable = عذرًا، الخدمة غير متاحة
error-unavailable-detail = يُرجى المحاولة مرة أخرى بعد بضع دقائق. لم يضِع شيء مما أدخلته.
error-internal = عذرًا، حدث خطأ ما
error-internal-detail = يُرجى المحاولة مرة أخرى. إذا تكرر ذلك، فتواصل مع مكتب المساعدة.
back-home = الذهاب إلى صفحة Civitas الرئيسية
bad-language = هذه اللغة غير متاحة.
logout-confirm-title = هل تريد تسجيل الخروج من Civitas؟
logout-confirm-text = طلبت إحدى الخدمات من Civitas تسجيل خروجك. ستحتاج إلى تسجيل الدخول مرة أخرى لتستخدم أي خدمة عن طريق Civitas.
logout-button = تسجيل الخروج
logout-done-title = لقد سجّلت الخروج
logout-done-text = لم تعد مسجّل الدخول إلى Civitas على هذا الجهاز.
needs-javascript = تحتاج مفاتيح المرور إلى JavaScript، وهي متوقفة في هذا المتصفح. شغّلها، أو سجّل الدخول برمز يصلك بالبريد الإلكتروني.
signin-title = تسجيل الدخول
signin-passkey-heading = بمفتاح المرور
signin-passkey-text = مفتاح المرور يسمح لك بتسجيل الدخول دون كلمة مرور. وهو محفوظ على هاتفك أو حاسوبك أو مفتاح الأمان الخاص بك. ويطلب منك الجهاز بصمة إصبعك أو وجهك أو رمز PIN.
signin-passkey-button = تسجيل الدخول بمفتاح المرور
signin-first-time = هل هذه زيارتك الأولى؟
signin-activate-link = فعّل هويتك الرقمية بالرمز الموجود في الرسالة التي وصلتك بالبريد
activate-title = تفعيل هويتك الرقمية
activate-intro = تحتاج إلى رقم هويتك الوطنية وإلى رمز التفعيل. تجد الرمز في الرسالة التي أرسلناها إليك بالبريد، أو تحصل عليه من مكتب المساعدة.
activate-national-id = رقم الهوية الوطنية
activate-national-id-hint = 10 خانات، مثلًا 123456789X
activate-code = رمز التفعيل
activate-code-hint = 16 حرفًا ورقمًا، مثلًا 7KQ2-M9XD-4TZB-H3WF
activate-button = متابعة
activate-failed = رقم الهوية الوطنية ورمز التفعيل غير متطابقين، أو انتهت صلاحية الرمز. تحقق منهما وحاول مرة أخرى.
passkey-create-title = أنشئ مفتاح المرور الخاص بك
passkey-create-text = مفتاح المرور يسمح لك بتسجيل الدخول ببصمة إصبعك أو وجهك أو رمز PIN لجهازك، بدلًا من كلمة المرور. ويبقى المفتاح على جهازك.
passkey-create-button = إنشاء مفتاح مرور
consent-title = هل تريد مشاركة معلوماتك؟
consent-asks = يطلب أن يرى هذه المعلومات من سجل السكان.
consent-purpose = سبب الطلب
consent-this-time = لتسجيل الدخول هذا، تقول الخدمة:
signin-for = أنت تسجّل الدخول إلى
consent-data = ما الذي سيراه
consent-remember = تذكّر قراري لهذه الخدمة لمدة 12 شهرًا
consent-allow = السماح
consent-deny = عدم المشاركة
consent-history = في حسابك، يمكنك أن ترى كل مرة شُوركت فيها معلوماتك، ويمكنك إيقاف المشاركة في أي وقت.
claim-name = اسمك
claim-birthdate = تاريخ ميلادك
claim-gender = جنسك
claim-email = عنوان بريدك الإلكتروني
claim-phone = رقم هاتفك المحمول
claim-address = عنوان منزلك
claim-national-id = رقم هويتك الوطنية
claim-other = معلومات أخرى
signin-code-heading = برمز يصلك بالبريد الإلكتروني
signin-code-link = احصل على رمز لمرة واحدة بالبريد الإلكتروني (بعض الخدمات تحتاج إلى مفتاح المرور)
otp-title = تسجيل الدخول برمز يصلك بالبريد الإلكتروني
otp-intro = نرسل رمزًا إلى عنوان البريد الإلكتروني المسجّل لك في سجل السكان.
otp-national-id-missing = اكتب رقم هويتك الوطنية، ثم اطلب الرمز.
otp-send = أرسل لي رمزًا
otp-unavailable = الرموز بالبريد الإلكتروني غير متاحة الآن. سجّل الدخول بمفتاح المرور، أو تواصل مع مكتب المساعدة.
otp-verify-title = أدخل الرمز
otp-verify-intro = إذا كان لرقم هويتك الوطنية هوية مفعّلة لها عنوان بريد إلكتروني، فقد أرسلنا إليك رمزًا من 8 أرقام. يعمل الرمز مرة واحدة فقط، لمدة 10 دقائق.
otp-code = الرمز
otp-verify-button = تسجيل الدخول
otp-resend = أرسل رمزًا جديدًا
otp-wrong = هذا الرمز غير صحيح. تحقق منه وحاول مرة أخرى.
otp-expired = لم يعد من الممكن استخدام هذا الرمز. اطلب رمزًا جديدًا.
otp-mail-subject = رمز تسجيل الدخول إلى Civitas
signin-recover-link = هل فقدت كل مفاتيح المرور؟ استخدم رمز استرداد
signin-autofill-label = مفتاح المرور الخاص بك
account-title = حسابك
account-services = الخدمات التي يمكنها رؤية معلوماتك
account-security = الأمان
account-details = معلوماتك في سجل السكان
account-no-services = لا توجد خدمة يمكنها رؤية معلوماتك.
account-sees = يمكنها أن ترى:
account-since = منذ
account-withdraw = إيقاف المشاركة
account-passkeys = مفاتيح المرور الخاصة بك
account-synced = متزامن بين أجهزتك
account-added = أُضيف في
account-last-used = آخر استخدام في
account-new-recovery-codes = إنشاء رموز استرداد جديدة
account-sessions = أين سجّلت الدخول
account-sign-out-everywhere = تسجيل الخروج من كل الأجهزة
account-signed-in-at = سجّلت الدخول في
account-this-device = هذا الجهاز
account-sign-out = تسجيل الخروج
account-history = سجل الأمان
account-details-correction = هذه المعلومات مصدرها سجل السكان. لتصحيحها، تواصل مع مكتب السجل. ستعرض Civitas المعلومات المصحّحة بعد التحديث القادم من السجل.
account-releases = متى شُوركت معلوماتك
account-releases-intro = هنا كل مرة حصلت فيها خدمة على معلوماتك: متى، وأي خدمة، وأي معلومات (نوعها، لا محتواها)، وكيف. لكل سطر إيصال يثبت أنه لم يتغير.
account-when = متى
account-service = الخدمة
account-what = المعلومات
account-how = الطريقة
account-receipt = الإيصال
account-new-name = الاسم
account-rename = تغيير الاسم
account-remove = إزالة
account-confirm-last = نعم، أزل آخر مفتاح مرور لديّ
account-add-passkey = إضافة مفتاح مرور
account-not-me = لم أكن أنا
account-not-me-lock = اقفل هويتي الآن أيضًا (يفتحها مكتب المساعدة بعد أن يتحقق معي)
account-locked-title = هويتك مقفلة
account-locked-text = لا يستطيع أحد الآن تسجيل الدخول بها، وقد سُجّل خروجك من كل الأجهزة. سيتحدث معك مكتب المساعدة ليعرف ما حدث، ثم يفتح هويتك.
passkey-high-text = بعض الخدمات تحتاج إلى أمان إضافي: مفتاح أمان معتمد من الحكومة. ومفتاح المرور الذي عليه لا يغادره أبدًا.
passkey-high-button = استخدم مفتاح أمان معتمدًا بدلًا من ذلك
signin-autofill-hint = اختر هذا الحقل: سيعرض عليك متصفحك مفاتيح المرور التي يحفظها لموقع Civitas.
recovery-title = رموز الاسترداد
recovery-offer = إذا فقدت كل الأجهزة التي عليها مفتاح المرور، فرمز الاسترداد يسمح لك بإنشاء مفتاح جديد. اطبع الرموز واحفظها في مكان آمن. كل رمز يعمل مرة واحدة فقط.
recovery-create = أنشئ رموز الاسترداد الخاصة بي
recovery-skip = ليس الآن، متابعة
recovery-shown-once = اطبع هذه الرموز أو اكتبها الآن: فهي لن تظهر إلا مرة واحدة. أي رموز كانت لديك من قبل لم تعد تعمل.
recovery-done = لقد حفظتها، متابعة
recover-title = استخدام رمز استرداد
recover-intro = أدخل رقم هويتك الوطنية وأحد رموز الاسترداد الخاصة بك. بعد ذلك ستنشئ مفتاح مرور جديدًا.
recover-code = رمز الاسترداد
recover-failed = رقم الهوية الوطنية ورمز الاسترداد غير متطابقين، أو أن الرمز استُخدم من قبل.
account-filter-label = عرض المشاركات مع
account-all-services = كل الخدمات
account-filter-button = عرض
account-older = مشاركات أقدم
account-newest = العودة إلى الأحدث
account-download = تنزيل هذا السجل:
account-no-releases = لم تحصل أي خدمة على معلوماتك حتى الآن.
receipt-title = إيصال مشاركة معلوماتك
receipt-intro = تكتب Civitas كل مرة تُشارَك فيها معلوماتك. كل سطر مرتبط بالسطر الذي قبله، وتوقّع Civitas عليها كلها. احتفظ بهذا الإيصال: إذا غيّر أحد هذا السطر أو حذفه، فلن يتطابق الإيصال معه بعد ذلك.
receipt-number = رقم السطر
receipt-hash = البصمة الرقمية لهذا السطر
receipt-prev = البصمة الرقمية للسطر الذي قبله
receipt-checkpoint = وقّعت عليه Civitas
receipt-pending = لم توقّع Civitas على هذا السطر بعد. يحدث ذلك خلال دقائق: عُد لاحقًا لتراه.
receipt-root = البصمة الرقمية لكل الأسطر
receipt-signature = توقيع Civitas (يمكن للخبراء التحقق منه بالمفاتيح التي تنشرها Civitas)
receipt-back = العودة إلى حسابك
consent-optional = اختياري: أزل العلامة حتى لا تحصل الخدمة على هذه المعلومات
consent-share = مشاركة
consent-logo = شعار
consent-offline-title = أثناء غيابك
consent-offline = يمكنه أن يستمر في الحصول على هذه المعلومات حتى عندما لا تستخدمه، إلى أن توقف المشاركة من حسابك.
otp-mail-body =
    رمز تسجيل الدخول إلى Civitas هو { $code }.

    يعمل الرمز مرة واحدة فقط، لمدة 10 دقائق. إذا لم تطلبه، فتجاهل هذه الرسالة وأخبر مكتب المساعدة.
sign-out = تسجيل الخروج
signed-out-shared-device = إذا كنت تستخدم حاسوبًا مشتركًا أو عامًا، فأغلق أيضًا كل نوافذ المتصفح.
signin-again = تسجيل الدخول مرة أخرى
minutes =
    { $n ->
        [zero] { $n } دقيقة
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $n } دقائق
        [many] { $n } دقيقة
       *[other] { $n } دقيقة
    }
too-many-try-again = محاولات كثيرة جدًا. حاول مرة أخرى بعد { $minutes }.
receipt-chains =
    { $n ->
        [zero] مع { $n } قائمة من الأسطر
        [one] مع قائمة واحدة من الأسطر
        [two] مع قائمتين من الأسطر
        [few] مع { $n } قوائم من الأسطر
        [many] مع { $n } قائمة من الأسطر
       *[other] مع { $n } قائمة من الأسطر
    }
developer-heading = لمطوّري الخدمة
developer-intro = إذا أخبرت الخدمة بهذه المشكلة، فأعطهم هذه المعلومات. لا يوجد فيها أي شيء عنك.
developer-error-code = رمز الخطأ
developer-request-id = مرجع الطلب
wrong-environment-developer = إذا كنت مطوّر هذه الخدمة، فيمكنك المتابعة بصفتك شخصًا تجريبيًا: اختر واحدًا من القائمة أدناه. في هذا المتصفح، سيحل تسجيل دخول الشخص التجريبي محل تسجيل دخولك أنت.
wrong-environment-then = سجّل الخروج هنا، ثم ارجع إلى الخدمة وسجّل الدخول باسمك أنت.
test-persons-heading = أشخاص تجريبيون (هذه الخدمة نسخة تجريبية)
test-persons-intro = الأشخاص التجريبيون ليسوا حقيقيين: لا يوجد شخص حقيقي وراءهم، ولا يمكنهم تسجيل الدخول إلا إلى الخدمات التجريبية. استخدم واحدًا منهم لتجرّب الخدمة.
test-persons-label = شخص تجريبي
test-persons-hint = بعد ذلك يصبح هذا المتصفح مسجّل الدخول باسم الشخص التجريبي، بدلًا من الشخص المسجّل الدخول الآن.
test-persons-button = المتابعة بصفة شخص تجريبي
test-persons-none = لا يوجد أشخاص تجريبيون هنا بعد. الجهة التي تشغّل نسخة Civitas هذه يمكنها أن تضيف بعضهم إلى السجل.
test-persons-other-methods = الأشخاص التجريبيون الذين لديهم مفتاح مرور خاص بهم أو عنوان بريد إلكتروني يمكنهم أيضًا تسجيل الدخول أدناه.
test-persons-no-request = طلب تسجيل الدخول هذا انتهت صلاحيته، أو استُخدم من قبل، أو بدأ في متصفح آخر. ارجع إلى الخدمة وابدأ من جديد.
test-persons-not-sandbox = الأشخاص التجريبيون لا يمكنهم تسجيل الدخول إلا إلى الخدمات التجريبية، وهذه الخدمة ليست منها. سجّل الدخول باسمك أنت.
test-persons-unknown = هذا ليس أحد الأشخاص التجريبيين. ارجع واختر واحدًا من القائمة.
get-help = الحصول على مساعدة
reference-heading = هل تحتاج إلى مساعدة؟
reference-give = إذا اتصلت بمكتب المساعدة، فأعطهم هذا المرجع:
reference-nothing-personal = يساعدهم المرجع على معرفة الخطأ الذي حدث. ولا يقول أي شيء عنك.
reference-contact = كيف تتواصل مع مكتب المساعدة
help-title = الحصول على مساعدة
help-intro = يساعدك مكتب المساعدة في Civitas على إعداد هويتك الرقمية، وعلى تسجيل الدخول، وعلى الدخول من جديد إذا فقدت هاتفك أو مفتاح الأمان.
help-contact-heading = التواصل مع مكتب المساعدة
help-phone = الهاتف
help-hours = ساعات العمل
help-email = البريد الإلكتروني
help-visit = الحضور شخصيًا
help-no-contacts = اسأل في البلدية أو في أي مكتب لخدمة عامة. يمكنهم أن يوصلوك بمكتب المساعدة في Civitas.
help-ready-heading = ما الذي تجهّزه
help-ready-reference = المرجع الذي أعطتك إياه الصفحة، إذا ظهر فيها خطأ (مثلًا 3F2A-91BC). بهذا المرجع يعرف مكتب المساعدة الخطأ الذي حدث.
help-ready-identity = بطاقة هويتك أو جواز سفرك، إذا كنت تحتاج إلى مساعدة في حسابك. يتحقق مكتب المساعدة من شخصيتك قبل أن يغيّر أي شيء.
help-ready-device = الهاتف أو الحاسوب الذي تسجّل الدخول به، إن أمكن.
help-never-ask = لن يطلب منك مكتب المساعدة أبدًا رمزًا أرسلناه إليك، ولا رموز الاسترداد الخاصة بك. لا تعطها لأي أحد.
passkey-working = يطلب منك جهازك أن تؤكد أنك أنت، ببصمة إصبعك أو وجهك أو رمز PIN. اتبع ما يظهر لك.
passkey-done = تم. جارٍ نقلك.
passkey-cancelled = لم يُستخدم مفتاح المرور: إما أنك أوقفته، وإما أن الوقت انتهى. اضغط على الزر لتحاول مرة أخرى.
passkey-unsupported = هذا المتصفح لا يستطيع استخدام مفاتيح المرور. سجّل الدخول برمز يصلك بالبريد الإلكتروني، أو استخدم متصفحًا آخر، أو اطلب المساعدة.
passkey-failed = لم ينجح ذلك. حاول مرة أخرى.
passkey-trouble-heading = إذا لم ينجح الأمر
passkey-trouble = تأكد من أن هاتفك أو حاسوبك غير مقفل، ثم حاول مرة أخرى. يمكنك أيضًا تسجيل الدخول برمز يصلك بالبريد الإلكتروني، أو طلب المساعدة من مكتب المساعدة.
session-warning-title = سيتم تسجيل خروجك قريبًا
session-warning-text = حفاظًا على أمانك، سيتم تسجيل خروجك بعد دقيقتين إذا لم تفعل شيئًا.
session-extend = البقاء مسجّل الدخول
session-extended = ما زلت مسجّل الدخول.
session-ended = تم تسجيل خروجك لأنك لم تفعل شيئًا لفترة من الوقت. سجّل الدخول مرة أخرى للمتابعة.
date-long = { $day } { $month } { $year }
date-time = { $date }، { $time }
date-month =
    { $month ->
        [1] يناير
        [2] فبراير
        [3] مارس
        [4] أبريل
        [5] مايو
        [6] يونيو
        [7] يوليو
        [8] أغسطس
        [9] سبتمبر
        [10] أكتوبر
        [11] نوفمبر
       *[12] ديسمبر
    }
form-post-title = العودة إلى الخدمة
form-post-text = جارٍ إعادتك إلى الخدمة.
form-post-continue = متابعة
outbox-title = صندوق الصادر التجريبي
outbox-intro = في وضع العرض التجريبي لا تُرسل أي رسائل بريد إلكتروني. الرسائل التي كانت Civitas سترسلها تظهر هنا، الأحدث أولًا.
outbox-to = إلى:
outbox-empty = لا توجد رسائل بعد.
account-download-json = JSON
account-download-csv = CSV
release-how-sign-in = عند تسجيل دخولك
release-how-later = عندما طلبتها الخدمة مرة أخرى
event-activated = فُعّلت هويتك الرقمية بمفتاح مرور
event-activation-code-issued = أُنشئ لك رمز تفعيل
event-activation-failed = أُدخل رمز تفعيل غير صحيح
event-activation-refused-locked = رُفض التفعيل لأن هويتك مقفلة
event-consent-withdrawn = أوقفت مشاركة معلوماتك مع إحدى الخدمات
event-locked-after-failures = قُفل تسجيل الدخول بعد محاولات خاطئة كثيرة
event-locked-by-you = قُفلت هويتك بطلب منك
event-otp-failed = أُدخل رمز لمرة واحدة غير صحيح
event-otp-sent = أُرسل رمز لمرة واحدة لتسجيل الدخول بالبريد الإلكتروني
event-passkey-added = أُضيف مفتاح مرور
event-passkey-removed = أُزيل مفتاح مرور
event-reactivation-started = استُخدم رمز تفعيل لإضافة مفتاح مرور
event-recovery-code-used = استُخدم رمز استرداد لإضافة مفتاح مرور
event-recovery-codes-created = أُنشئت رموز استرداد جديدة
event-reported-not-me = أبلغت عن نشاط في حسابك لم يكن منك
event-reported-entry = أبلغت أن السطر { $entry } لم يكن منك
event-session-ended = سُجّل خروج جهاز من صفحة حسابك
event-signed-in-passkey = تسجيل الدخول بمفتاح مرور
event-signed-in-code = تسجيل الدخول برمز لمرة واحدة
event-signed-in-test-person = تسجيل الدخول بصفة شخص تجريبي إلى خدمة تجريبية
event-signed-out-everywhere =
    { $n ->
        [zero] تسجيل الخروج من كل الأجهزة ({ $n } جهاز)
        [one] تسجيل الخروج من كل الأجهزة (جهاز واحد)
        [two] تسجيل الخروج من كل الأجهزة (جهازان)
        [few] تسجيل الخروج من كل الأجهزة ({ $n } أجهزة)
        [many] تسجيل الخروج من كل الأجهزة ({ $n } جهازًا)
       *[other] تسجيل الخروج من كل الأجهزة ({ $n } جهاز)
    }
event-signin-failed = لم ينجح تسجيل دخول بمفتاح مرور
event-signin-refused-locked = رُفض تسجيل الدخول لأن حسابك مقفل
event-staff-open-record = اطّلع مكتب المساعدة على حسابك { $why } (موظف مكتب المساعدة { $agent })
event-staff-unlock = فتح مكتب المساعدة قفل حسابك { $why } (موظف مكتب المساعدة { $agent })
event-staff-lock = قفل مكتب المساعدة حسابك وسجّل خروجك من كل الأجهزة { $why } (موظف مكتب المساعدة { $agent })
event-staff-end-sessions = سجّل مكتب المساعدة خروجك من كل الأجهزة { $why } (موظف مكتب المساعدة { $agent })
event-staff-reactivation-code = أنشأ مكتب المساعدة رمز تفعيل جديدًا لك { $why } (موظف مكتب المساعدة { $agent })
event-staff-revoke-passkey = أبطل مكتب المساعدة أحد مفاتيح المرور الخاصة بك { $why } (موظف مكتب المساعدة { $agent })
event-staff-withdraw-consent = أوقف مكتب المساعدة مشاركة معلوماتك مع إحدى الخدمات { $why } (موظف مكتب المساعدة { $agent })
event-staff-request-reactivate = طلب مكتب المساعدة من مشرف الموافقة على رمز تفعيل جديد لك { $why } (موظف مكتب المساعدة { $agent })
event-staff-request-lift-fraud-lock = طلب مكتب المساعدة من مشرف الموافقة على فتح قفل حسابك { $why } (موظف مكتب المساعدة { $agent })
event-staff-request-other = طلب مكتب المساعدة من مشرف الموافقة على إجراء في حسابك { $why } (موظف مكتب المساعدة { $agent })
event-staff-approved = وافق مشرف على طلب مكتب المساعدة { $why } (موظف مكتب المساعدة { $agent })
event-staff-rejected = رفض مشرف طلب مكتب المساعدة { $why } (موظف مكتب المساعدة { $agent })
event-why-call = بناءً على طلبك عبر الهاتف
event-why-visit = بناءً على طلبك في مكتب خدمة
event-why-letter = ردًا على رسالتك
event-why-fraud = بسبب الاشتباه في احتيال
event-why-other = لسبب آخر
