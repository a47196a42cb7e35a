recent-errors = الأخطاء الأخيرة
recent-errors-explain = ما ردّت به نقطتا نهاية التفويض والرموز المميزة على هذا العميل عندما فشلت طلباته خلال آخر 24 ساعة (الأحدث أولًا، و20 على الأكثر). يرى مطوّروه القائمة نفسها في البوابة، مع طريقة إصلاح كل خطأ.
recent-errors-none = لا شيء خلال آخر 24 ساعة.
console-home = الصفحة الرئيسية للوحة التحكم
colon = :{ " " }
reason = السبب
reason-detail = رقم التذكرة أو ملاحظة (تُحفظ في سجل الموظفين)
category-call = مكالمة هاتفية
category-visit = زيارة أو اجتماع
category-letter = رسالة بريدية أو بريد إلكتروني
category-fraud = اشتباه في احتيال أو إساءة استخدام
category-other = سبب آخر
role-helpdesk = مكتب المساعدة
role-supervisor = مشرف
role-operator = مشغّل
role-auditor = مدقّق
action-reactivate = رمز إعادة تفعيل لحساب لديه مفاتيح مرور
action-lift-fraud-lock = رفع قفل بسبب احتيال
action-suspend-client = تعليق جهة معتمِدة في بيئة الإنتاج
action-grant-national-id = منح النطاق national_id لجهة معتمِدة
action-approve-application = الموافقة على طلب يطلب national_id
action-other = إجراء آخر
clients-title = الجهات المعتمِدة
clients-search-label = الاسم أو معرّف العميل يحتوي على
search = بحث
clients-none = لا توجد جهة معتمِدة.
clients-none-matching = لا توجد جهة معتمِدة تطابق «{ $q }».
clients-caption-matching = الجهات المعتمِدة المطابقة لـ «{ $q }»
name = الاسم
client-id = معرّف العميل
status = الحالة
holds-national-id = لديه national_id (إنتاج)
status-active = نشط
status-suspended = معلّق
clients-capped = تظهر أول { $n } فقط: ابحث لتضييق القائمة.
all-clients = كل الجهات المعتمِدة
suspended = معلّق
suspended-effect = رموزه المميزة لا تعمل، ولا يستطيع المواطنون تسجيل الدخول إليه.
registration = التسجيل
purpose = الغرض المعروض على المواطنين
scopes = النطاقات
restricted-production = (لديه نطاق مقيّد: يُعامَل كعميل إنتاج)
optional-scopes = النطاقات الاختيارية
grant-types = أنواع المنح
min-acr = الحد الأدنى لمستوى الضمان
none-registered = لم يُسجَّل شيء
client-auth = مصادقة العميل
keys = المفاتيح
fetched-from = مجلوبة من
keys-none-secret = لا يوجد (سر العميل)
key-invalid-json = (ليس JSON صالحًا)
key-no-kid = بلا kid
id-token-alg = توقيع رمز الهوية (ID token)
application-type = نوع التطبيق
sector = القطاع (معرّفات pairwise لكل قطاع)
registered = سُجّل في
changed = ، عُدّل في{ " " }
redirect-uris = عناوين URI لإعادة التوجيه
after-signout = بعد تسجيل الخروج
waiting-supervisor = بانتظار مشرف
waiting-item = { $label } (طُلب في { $when })
actions = الإجراءات
suspend = تعليق
supervisor-must-approve = (يجب أن يوافق مشرف)
suspend-effect = تتوقف رموز الوصول ورموز التحديث الخاصة به عن العمل عند استخدامها التالي، ولا يستطيع المواطنون تسجيل الدخول إليه حتى يُستأنف.
resume = استئناف
resume-effect = تعمل من جديد الرموز التي لم تنتهِ صلاحيتها.
grant-national-id = منح النطاق national_id (يجب أن يوافق مشرف)
national-id-explain = رقم الهوية الوطنية مطالبة (claim) مقيّدة: لا يحصل عليها إلا العملاء الذين لديهم أساس قانوني لمعالجتها.
ask-approval = طلب الموافقة
done-suspended = تم تعليق العميل: رموزه المميزة لم تعد تعمل.
done-resumed = العميل نشط من جديد.
done-requested = يجب أن يوافق مشرف غيرك على هذا قبل أن يسري (خلال 24 ساعة).
done-waiting = الطلب نفسه بانتظار مشرف بالفعل.
change-reason-required = كل تغيير يحتاج إلى سبب: اختر فئته واكتب رقم التذكرة أو ملاحظة.
already-suspended = هذا العميل معلّق بالفعل.
already-active = هذا العميل نشط بالفعل.
already-national-id = لدى هذا العميل النطاق national_id بالفعل.
national-id-needs-fapi = لا يُمنح النطاق national_id إلا للعملاء الذين يعملون وفق ملف FAPI 2.0 (private_key_jwt، والطلبات المُرسلة مسبقًا، وDPoP). اطلب من أصحاب العميل أن يسجّلوا عميل FAPI 2.0 أولًا.
client-gone = هذا العميل لم يعد موجودًا.
review-title = طلبات الجهات المعتمِدة
review-empty = لا يوجد طلب بانتظار المراجعة.
organisation = المؤسسة
filed-by = قدّمه
scopes-asked = النطاقات المطلوبة
restricted-second = (مقيّد: الموافقة تحتاج إلى مشرف ثانٍ)
changes-client = يعدّل العميل
legal-basis = الأساس القانوني المذكور
logo-proposed = الشعار المقترح
logo-check = (لا يرى المواطنون أي شعار إلا بعد أن يتحقق منه مشغّل ويضبطه بالأمر civitas client logo)
environment = البيئة
environment-sandbox = تجريبية (sandbox): تسجّل دخول أشخاص تجريبيين فقط
environment-production = إنتاج: تسجّل دخول أشخاص حقيقيين فقط
sandbox-client = جُرّب كعميل تجريبي
approval-waits = هناك موافقة بانتظار مشرف
see-requests = عرض الطلبات
approve = موافقة
ask-changes = طلب تعديلات
reject = رفض
note-to-applicant = ملاحظة لمقدّم الطلب
note-optional = (اختيارية)
done-approved = تمت الموافقة على الطلب.
done-rejected = تم رفض الطلب، وسيقرأ مقدّم الطلب ملاحظتك.
done-changes = طُلب من مقدّم الطلب إجراء تعديلات، وسيقرأ ملاحظتك.
done-review-requested = هذا الطلب يطلب national_id: يجب أن يوافق عليه مشرف غيرك (خلال 24 ساعة).
done-review-waiting = هناك موافقة على هذا الطلب بانتظار مشرف بالفعل.
decision-reason-required = القرار يحتاج إلى سبب: اختر فئته واكتب رقم التذكرة أو ملاحظة.
note-required = أخبر مقدّم الطلب بما يجب أن يغيّره أو بسبب الرفض (2000 حرف على الأكثر).
application-decided = تم البتّ في هذا الطلب من قبل.
operations-title = العمليات
alerts =
    { $n ->
        [zero] الحماية من التهديد الداخلي: تم قفل { $n } حساب موظف
        [one] الحماية من التهديد الداخلي: تم قفل حساب موظف واحد
        [two] الحماية من التهديد الداخلي: تم قفل حسابَي موظفَين
        [few] الحماية من التهديد الداخلي: تم قفل { $n } حسابات موظفين
        [many] الحماية من التهديد الداخلي: تم قفل { $n } حساب موظف
       *[other] الحماية من التهديد الداخلي: تم قفل { $n } حساب موظف
    }
alerts-advice = اعرف السبب قبل أن يفتح أي أحد قفل هذه الحسابات. يوضح سجل الموظفين ما فتحه أصحابها.
readiness-heading = الجاهزية (كما يجيب /readyz)
database = قاعدة البيانات
reachable = يمكن الوصول إليها
unreachable = يتعذّر الوصول إليها
signing-keys = مفاتيح التوقيع
keys-usable = مفتاح صالح للاستخدام لكل خوارزمية
key-cannot-sign = أحد المفاتيح لا يستطيع التوقيع
key-cannot-sign-why = (ملف مفقود أو غير قابل للقراءة)
this-instance = هذا المثيل
ready = جاهز لاستقبال الطلبات
not-ready = غير جاهز
not-ready-why = موازنات التحميل لا ترسل إليه أي شيء
keys-caption = مفاتيح التوقيع وأوقاتها (UTC)
col-key = المفتاح
col-state = الحالة
col-created = أُنشئ في
col-signs-from = يوقّع ابتداءً من
col-retires = يتوقف عن التوقيع في
col-leaves = يخرج من JWKS في
cell-state = الحالة:{ " " }
cell-created = أُنشئ في{ " " }
cell-signs-from = يوقّع ابتداءً من{ " " }
cell-retires = يتوقف عن التوقيع في{ " " }
cell-leaves = يخرج من JWKS في{ " " }
key-next = التالي
key-active = نشط
key-retired = متوقف عن التوقيع
key-expired = منتهي الصلاحية
rotate-legend = التدوير
rotate-explain = يُنشر المفتاح الجديد فورًا، ويبدأ التوقيع بعد keys.prepublish_secs، وعندها يتوقف المفتاح الذي يحل محله. يُكتب ملف مفتاحه الخاص في مجلد المفاتيح لهذا المثيل، ويجب أن تتشارك كل المثيلات هذا المجلد (كما هو الحال مع
alg-all = ES256 وRS256 وSAML
alg-es256 = ES256 فقط
alg-rs256 = RS256 فقط
alg-saml = SAML فقط
rotate-button = تدوير
requests-waiting = طلبات الموافقة المزدوجة المنتظرة: { $n }
request-asked = ، طلبه { $who } في { $when }، وتنتهي صلاحيته في { $expires }
decide-requests = البتّ في الطلبات
supervisor-decides = يبتّ فيها مشرف.
rotated-notice = نُشرت المفاتيح الجديدة (الحالة: التالي) الآن، وستوقّع ابتداءً من { $when } (keys.prepublish_secs). عندها تتوقف المفاتيح التي تحل محلها عن التوقيع، ثم تخرج من JWKS بعد keys.retire_grace_secs.
choose-keys = اختر المفاتيح التي تريد تدويرها.
rotate-reason-required = تدوير المفاتيح يحتاج إلى سبب: اختر فئته واكتب رقم التذكرة أو ملاحظة.
next-key-waits = هناك مفتاح { $alg } تالٍ ينتظر بالفعل ليوقّع ابتداءً من { $when }: أعد التدوير بعد ذلك.
ledger-title = حالة دفتر القيود
verification-failed = فشل التحقق
last-checkpoint = آخر نقطة تحقق موقّعة
cp-number = الرقم
cp-signed = وُقّعت في
cp-chains = السلاسل المشمولة
cp-chains-note = (سلاسل المواطنين وسجل الموظفين)
cp-root = جذر Merkle
no-checkpoint = لم تُوقَّع أي نقطة تحقق بعد: توقّع الخوادم نقطة تحقق كل ledger.checkpoint_interval_secs بمجرد أن تحتوي إحدى السلاسل على قيود.
ledger-holds = يحتوي دفتر القيود على { $records } في سلاسل المواطنين.
verify-explain = يتحقق من توقيع كل نقطة تحقق ومن جذرها، ومن كل سلسلة ومن سجل الموظفين، ومن أن شيئًا مما شملته نقطة تحقق لم يُغيَّر ولم يُحذف. وهو يقرأ فقط.
verify-now = التحقق الآن
verify-timeout = لم ينتهِ التحقق في الوقت المحدد: دفتر القيود أكبر من أن يُتحقق منه هنا. شغّل `civitas ledger verify` على أحد الخوادم.
verify-intact = سليم: تم التحقق من { $records } في { $chains }، ومن { $checkpoints }، ومن { $staff_records }.
verify-broken = يوجد خلل عند { $why }. استعد جداول دفتر القيود وسجل الموظفين من نسخة احتياطية، وأبلغ عن الحادث.
records =
    { $n ->
        [zero] { $n } قيد
        [one] قيد واحد
        [two] قيدين
        [few] { $n } قيود
        [many] { $n } قيدًا
       *[other] { $n } قيد
    }
chains =
    { $n ->
        [zero] { $n } سلسلة
        [one] سلسلة واحدة
        [two] سلسلتين
        [few] { $n } سلاسل
        [many] { $n } سلسلة
       *[other] { $n } سلسلة
    }
checkpoints =
    { $n ->
        [zero] { $n } نقطة تحقق موقّعة
        [one] نقطة تحقق موقّعة واحدة
        [two] نقطتَي تحقق موقّعتين
        [few] { $n } نقاط تحقق موقّعة
        [many] { $n } نقطة تحقق موقّعة
       *[other] { $n } نقطة تحقق موقّعة
    }
staff-records =
    { $n ->
        [zero] { $n } قيد في سجل الموظفين
        [one] قيد واحد في سجل الموظفين
        [two] قيدين في سجل الموظفين
        [few] { $n } قيود في سجل الموظفين
        [many] { $n } قيدًا في سجل الموظفين
       *[other] { $n } قيد في سجل الموظفين
    }
log-title = سجل الموظفين
log-intro = كل إجراء قام به الموظفون مع سببه، الأحدث أولًا. السجل سلسلة تجزئة (hash chain) تشملها نقاط التحقق الموقّعة في دفتر القيود.
staff-member = الموظف
everyone = الجميع
action = الإجراء
every-action = كل الإجراءات
date-from = من (YYYY-MM-DD، UTC)
date-to = إلى (YYYY-MM-DD، UTC)
show = عرض
log-none = لا يوجد إجراء للموظفين يطابق البحث.
log-none-before = لا يوجد إجراء للموظفين يطابق البحث قبل هذه الإجراءات.
log-caption = إجراءات الموظفين، الأحدث أولًا
col-no = الرقم
col-when = الوقت (UTC)
col-on = الهدف
cell-no = رقم{ " " }
cell-action = الإجراء:{ " " }
cell-on = الهدف:{ " " }
cell-reason = السبب:{ " " }
newest = الأحدث
older = الأقدم
download-csv = تنزيل بصيغة CSV
csv-note = (هذه المرشحات، كل الصفحات، حتى 100 000 قيد)
dates-format = التواريخ: استخدم الصيغة YYYY-MM-DD.
