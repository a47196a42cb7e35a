portal-title = بوابة المطوّرين
nav-organisations = مؤسساتك
nav-sign-out = تسجيل الخروج من البوابة
colon = :{ " " }
sign-in-with-civitas = تسجيل الدخول عبر Civitas
role-owner = مالك
role-developer = مطوّر
role-viewer = مُطّلع
environment-sandbox = تجريبي
environment-production = إنتاج
status-active = نشط
status-suspended = معلّق
application-pending = بانتظار المراجعة
application-approved = تمت الموافقة عليه
application-rejected = مرفوض
application-changes-requested = طُلبت تعديلات
none = لا يوجد
or = أو
and = و
label-discovery-url = عنوان URL للاكتشاف (Discovery)
label-issuer = المُصدِر (Issuer)
label-purpose = الغرض
label-redirect-uris = عناوين URI لإعادة التوجيه
label-logout-uris = بعد تسجيل الخروج
label-client-authentication = مصادقة العميل
label-id-token-alg = خوارزمية رمز الهوية (ID token)
label-scopes = النطاقات
label-minimum-assurance = الحد الأدنى لمستوى الضمان
label-environment = البيئة
label-legal-name = الاسم القانوني
label-registration-number = رقم التسجيل
label-contact-email = البريد الإلكتروني للتواصل
label-email = البريد الإلكتروني
label-role = الدور
label-name = الاسم
label-status = الحالة
redirect-uris-per-line = عناوين URI لإعادة التوجيه، عنوان واحد في كل سطر
logout-uris-per-line = بعد تسجيل الخروج، عنوان واحد في كل سطر (اختياري)
secret-and-keys = السر والمفاتيح
test-my-integration = اختبار تكاملي
copy-paste-integration = تكامل جاهز للنسخ واللصق
usage = الاستخدام
submit-for-production = التقديم للإنتاج
authenticates-with = يُصادِق هذا العميل باستخدام
client-keys-page = صفحة مفاتيح العميل
assertion-jti = جديد في كل مرة
form-field-unknown = حقل النموذج { $field } غير معروف
form-field-twice = حقل النموذج { $field } مُرسَل مرتين
form-field-unexpected = حقل النموذج { $field } غير متوقع
signed-in-as = مسجّل الدخول باسم { $name }.
no-organisations = لست عضوًا في أي مؤسسة بعد. أنشئ مؤسسة أدناه، أو افتح رابط الدعوة الذي أرسله إليك أحد زملائك.
create-organisation = إنشاء مؤسسة
registration-number-hint = كما في سجل الشركات أو سجل الهيئات العامة، مثلًا
contact-email-hint = العنوان الذي تراسلك عليه Civitas بشأن عمليات التكامل الخاصة بك (يُفضَّل عنوان فريق).
create-organisation-button = إنشاء المؤسسة
landing-intro = سجّل خدمتك لدى Civitas: يعمل العميل التجريبي فورًا مع أشخاص تجريبيين، وينتقل إلى الإنتاج بعد مراجعة واحدة.
landing-identity = تسجّل الدخول بهويتك الخاصة في Civitas. وتُسجَّل مؤسستك وأعضاؤها مع كل تغيير.
notice-signed-out = لقد سجّلت الخروج من البوابة.
notice-joined = انضممت إلى المؤسسة.
sign-in-expired = انتهت صلاحية تسجيل الدخول هذا إلى البوابة، أو لم يبدأ من هنا. انتقل إلى البوابة وسجّل الدخول مرة أخرى.
legal-name-invalid = الاسم القانوني: مطلوب، و{ $max } حرف على الأكثر، مثلًا «Northbank plc».
registration-number-invalid = رقم التسجيل: من 2 إلى 40 من الأحرف والأرقام والمسافات والرموز - أو / أو .، مثلًا «GOV-000123».
contact-email-invalid = البريد الإلكتروني للتواصل: عنوان بريد إلكتروني، مثلًا «identity-team@northbank.example».
organisation-exists = هناك مؤسسة مسجّلة بالفعل برقم التسجيل { $number }. اطلب من أحد مالكيها أن يدعوك.
your-role = دورك
clients = العملاء
no-clients = لا يوجد عملاء بعد.
clients-caption = عملاء المؤسسة
register-sandbox-client = تسجيل عميل تجريبي
members = الأعضاء
members-caption = الأعضاء وأدوارهم
roles-explain = يدعو المالكون الأعضاء، ويدوّرون الأسرار والمفاتيح، ويقدّمون الطلبات للإنتاج. ويسجّل المطوّرون العملاء التجريبيين ويعدّلونها، ويُجرون عمليات تسجيل دخول تجريبية. أما المُطّلعون فيقرؤون فقط.
invite-colleague = دعوة زميل
send-invitation = إرسال الدعوة
invitations-caption = دعوات لم تُقبل بعد
col-expires = تنتهي صلاحيتها في
changes = التغييرات
no-changes = لا توجد تغييرات بعد.
changes-caption = كل تغيير على المؤسسة وعملائها، الأحدث أولًا
col-when = الوقت (UTC)
col-who = مَن
col-what = ماذا
col-subject = المعنيّ
col-detail = التفاصيل
notice-invited =
    { $days ->
        [zero] أُرسلت الدعوة. تعمل مرة واحدة، لمدة { $days } يوم.
        [one] أُرسلت الدعوة. تعمل مرة واحدة، لمدة يوم واحد.
        [two] أُرسلت الدعوة. تعمل مرة واحدة، لمدة يومين.
        [few] أُرسلت الدعوة. تعمل مرة واحدة، لمدة { $days } أيام.
        [many] أُرسلت الدعوة. تعمل مرة واحدة، لمدة { $days } يومًا.
       *[other] أُرسلت الدعوة. تعمل مرة واحدة، لمدة { $days } يوم.
    }
former-member = عضو سابق
civitas-reviewer = مراجِع Civitas { $pseudonym }
log-create-organisation = إنشاء المؤسسة
log-invite-member = دعوة عضو
log-join = انضمام
log-create-sandbox-client = إنشاء عميل تجريبي
log-change-sandbox-client = تعديل عميل تجريبي
log-submit-for-production = التقديم للإنتاج
log-approve-change = الموافقة على تعديل
log-approve-production-client = الموافقة على عميل إنتاج
log-reject-application = رفض الطلب
log-request-changes = طلب تعديلات
log-change-redirect-uris = تغيير عناوين URI لإعادة التوجيه
log-rotate-secret = تدوير السر
log-change-keys = تغيير المفاتيح
email-invalid = البريد الإلكتروني: عنوان بريد إلكتروني، مثلًا «dev@northbank.example».
role-invalid = الدور: مالك أو مطوّر أو مُطّلع.
no-mail-server = لا تستطيع Civitas إرسال بريد إلكتروني هنا (لم يُضبط أي خادم بريد)، لذلك لا تستطيع إرسال الدعوات.
invitation-mail-subject = تدعوك { $organisation } إلى بوابة المطوّرين الخاصة بها في Civitas
invitation-mail-body =
    يدعوك { $inviter } إلى الانضمام إلى { $organisation } في بوابة مطوّري Civitas بصفة { $role }.

    افتح هذا الرابط وسجّل الدخول بهويتك الخاصة في Civitas لقبول الدعوة (يعمل الرابط مرة واحدة فقط، لمدة { $days } أيام):
    { $link }

    إذا لم تكن تتوقع هذه الرسالة، فتجاهلها.
invitation = دعوة
join-organisation = الانضمام إلى { $organisation }
invited-as = أنت مدعوّ بصفة
invitation-sent-to = (أُرسلت الدعوة إلى { $email }).
accept-and-join = القبول والانضمام
invitation-sign-in-first = سجّل الدخول إلى بوابة المطوّرين بهويتك الخاصة في Civitas، ثم اقبل الدعوة.
invitation-gone = انتهت صلاحية هذه الدعوة أو استُخدمت من قبل. اطلب من أحد مالكي المؤسسة أن يدعوك مرة أخرى.
invitation-used = انتهت صلاحية هذه الدعوة أو استُخدمت من قبل.
already-member = أنت عضو في هذه المؤسسة بالفعل.
sandbox-signs-in = يسجّل العميل التجريبي دخول
test-persons-only = أشخاص تجريبيين فقط
sandbox-works-now = ، ولا يسجّل دخول أشخاص حقيقيين أبدًا. وهو يعمل الآن.
production-signs-in = يسجّل عميل الإنتاج دخول
real-persons-only = أشخاص حقيقيين فقط
production-changes = . تتغيّر إعداداته عبر مراجعة لعميله التجريبي؛ أما مفاتيحه وسرّه وعناوين URI لإعادة التوجيه على مضيفين سبقت الموافقة عليهم فتتغيّر هنا فورًا.
client-is = هذا العميل { $status }
your-client-secret = سر العميل الخاص بك
copy-secret-now = انسخه الآن: لا تحتفظ Civitas إلا ببصمته (hash)، ولا تستطيع عرضه مرة أخرى.
optional-scopes = اختيارية: { $scopes }
change-settings = تغيير الإعدادات
production = الإنتاج
production-client = عميل الإنتاج:
production-changes-here = لتغيير إعداداته، عدّل هذا العميل التجريبي وقدّمه مرة أخرى.
no-production-client = لا يوجد عميل إنتاج بعد. التقديم يرسل هذه الإعدادات، مع عناوين URI لإعادة التوجيه الخاصة بالإنتاج، إلى Civitas لمراجعتها.
uris-on-approved-hosts = عناوين URI لإعادة التوجيه على المضيفين الموافَق عليهم
save-redirect-uris = حفظ عناوين URI لإعادة التوجيه
reviews = المراجعات
reviews-caption = طلبات الانتقال إلى الإنتاج، الأحدث أولًا
col-submitted = وقت التقديم (UTC)
col-by = مقدّم الطلب
col-reviewer-message = رسالة المراجِع
production-is-reviewed = لا يتغيّر عميل الإنتاج إلا عبر مراجعة: عدّل عميله التجريبي، واختبره، وقدّمه للإنتاج مرة أخرى. أما مفاتيحه وسرّه وعناوين URI لإعادة التوجيه على مضيفين سبقت الموافقة عليهم فتتغيّر فورًا في صفحته.
not-absolute-uri = { $uri } ليس عنوان URI مطلقًا
host-not-approved = redirect_uris: { $host } ليس مضيفًا تمت الموافقة عليه لهذا العميل. أضفه إلى العميل التجريبي وقدّمه للإنتاج مرة أخرى.
change-client = تعديل { $name }
client-not-saved = لم يُحفظ العميل
legend-citizens-see = ما يراه المواطنون
service-name = اسم الخدمة
service-name-hint = يظهر عند تسجيل الدخول وعند الموافقة، مثلًا «الخدمات المصرفية عبر الإنترنت من Northbank».
purpose-hint = سبب طلب الخدمة للبيانات، في جملة واحدة يقرؤها المواطنون عند الموافقة.
logo-address = عنوان الشعار (اختياري)
logo-address-hint = عنوان https لصورة PNG أو JPEG؛ يتحقق منه موظفو Civitas قبل عرضه.
legend-redirects = إلى أين تعيد Civitas الأشخاص
application-type = نوع التطبيق
application-type-web = web: تطبيق يعمل على الخادم
application-type-native = native: تطبيق على جهاز الشخص
redirect-uris-hint = تُطابَق تمامًا. https، أو http على 127.0.0.1 أو localhost أثناء التطوير.
legend-authentication = كيف يُصادِق خادمك
jwks-address = عنوان JWKS الخاص بك
jwks-address-hint = انشر مفتاحًا جديدًا هناك فيعمل فورًا، واحذف مفتاحًا فيتوقف. أو الصق المفاتيح أدناه.
jwks-or-inline = أو مفاتيحك العامة بصيغة JWKS
legend-fapi = FAPI 2.0 والتشفير وتسجيل الخروج
fapi-profile = ملف الأمان FAPI 2.0 Security Profile
fapi-hint = طلبات التفويض المُرسلة مسبقًا، والرموز المميزة المربوطة بـ DPoP، وprivate_key_jwt فقط. مطلوب للنطاق national_id.
encrypt-id-tokens = تشفير رموز الهوية (ID tokens) بمفتاحك
encryption-hint = المحتوى A256GCM؛ انشر في JWKS الخاص بك مفتاحًا قيمة use فيه enc.
no-signed-only = لا: موقّعة فقط
userinfo-signed = userinfo بصيغة JWT موقّع
no-plain-json = لا: JSON عادي
encrypt-userinfo = تشفير userinfo بمفتاحك
no = لا
backchannel-address = عنوان تسجيل الخروج عبر القناة الخلفية (back-channel logout) (اختياري)
backchannel-hint = ترسل Civitas بطلب POST رمز تسجيل خروج موقّعًا (logout token) إلى هذا العنوان عندما تنتهي جلسة المواطن.
legend-scopes = البيانات التي تطلبها الخدمة (openid مُضمَّن دائمًا)
scope-restricted = (مقيّد: يحتاج الإنتاج إلى أساس قانوني وإلى مراجِعَين اثنين)
refresh-tokens = رموز التحديث (refresh tokens) (مطلوبة لـ offline_access)
legend-optional-scopes = البيانات التي يمكن للمواطن أن يستبعدها عند الموافقة
scope-is-optional = { $scope } اختياري
assurance-none = لا شيء غير ما يطلبه كل طلب
assurance-low = منخفض (يكفي رمز لمرة واحدة بالبريد الإلكتروني)
assurance-substantial = كبير (مفتاح مرور)
assurance-high = عالٍ (مفتاح مرور على جهاز معتمد)
save = حفظ
submit-client = تقديم { $name } للإنتاج
not-submitted = لم يُقدَّم
submit-intro = تراجع Civitas إعدادات العميل التجريبي (الاسم، والغرض، والشعار، والنطاقات، والمصادقة، ومستوى الضمان) مع عناوين URI لإعادة التوجيه الخاصة بالإنتاج أدناه. عميل الإنتاج عميل منفصل، له
submit-intro-end = وسرّ خاصان به، ولا يسجّل دخول إلا أشخاص حقيقيين.
production-redirect-uris = عناوين URI لإعادة التوجيه الخاصة بالإنتاج، عنوان واحد في كل سطر
production-redirect-uris-hint = https على مضيفيك أنت، مثلًا https://www.northbank.example/callback.
legal-basis-for = الأساس القانوني للنطاق
legal-basis-hint = القانون أو الالتزام الذي يسمح لخدمتك بمعالجة أرقام الهوية الوطنية، وسبب حاجتك إليها. يقرؤه مراجِعان اثنان من Civitas.
submit-for-review = التقديم للمراجعة
already-waiting = هناك طلب لهذا العميل بانتظار المراجعة بالفعل.
legal-basis-required = legal_basis: يحتاج national_id إلى الأساس القانوني الذي يسمح لخدمتك بمعالجة أرقام الهوية الوطنية ({ $max } حرف على الأكثر). مثال: «قانون مكافحة غسل الأموال، المادة 12: العناية الواجبة تجاه العملاء».
keys-change-at-once = تسري التغييرات هنا فورًا، على العملاء التجريبيين وعملاء الإنتاج على حد سواء: لا حاجة إلى مراجعة.
nothing-changed = لم يتغيّر شيء
client-secret = سر العميل
unseen-secret = أنشأت Civitas عميل الإنتاج هذا عندما وافقت عليه، بسرّ لم يره أحد. أنشئ السر الذي سيستخدمه خادمك: يُعرض مرة واحدة، في صفحة العميل.
create-secret = إنشاء السر
owner-creates-secret = ينشئه أحد مالكي المؤسسة.
last-changed = آخر تغيير (UTC)
previous-secret = السر السابق
previous-works-until = ما زال يعمل حتى { $until } (UTC)
previous-none = لا يوجد: لا يعمل إلا السر الحالي
rotate-secret = تدوير السر
rotate-explain = تنشئ Civitas سرًّا جديدًا وتعرضه مرة واحدة. يمكن لخوادمك الانتقال إليه بينما يستمر السر الحالي في العمل طوال المدة التي تختارها.
rotate-again-notice = ما زال سر سابق يعمل الآن: التدوير مرة أخرى يوقفه فورًا، ويصبح السر الحالي هو السر السابق.
overlap-legend = المدة التي يستمر فيها السر الحالي في العمل
overlap-none = لا شيء: يتوقف السر الحالي عن العمل فورًا
overlap-hours =
    { $n ->
        [zero] { $n } ساعة
        [one] ساعة واحدة
        [two] ساعتان
        [few] { $n } ساعات
        [many] { $n } ساعة
       *[other] { $n } ساعة
    }
overlap-longest = { $days } أيام (الحد الأقصى)
owners-rotate = يدوّر مالكو المؤسسة السر.
keys = المفاتيح
keys-fetched-from = تجلب Civitas المفاتيح العامة لهذا العميل من
keys-rotate-at-address = لتدوير مفتاح، انشر المفتاح الجديد على ذلك العنوان ووقّع به: لا شيء غير ذلك، لا هنا ولا في أي مكان آخر. أي تأكيد عميل (client assertion) يحمل
keys-fetched-again = لم تره Civitas من قبل يجعلها تجلب المفاتيح من جديد (مرة واحدة كل { $seconds } ثانية على الأكثر). والمفتاح الذي تحذفه من ذلك العنوان يتوقف عن العمل خلال { $minutes } دقائق، وهي المدة التي تحتفظ فيها Civitas بمجموعة المفاتيح التي جلبتها.
keys-registered-here = المفاتيح العامة لهذا العميل مسجّلة هنا. للتدوير، استبدلها أدناه، مع إبقاء المفتاح القديم بجانب الجديد حتى تبدأ خوادمك التوقيع بالمفتاح الجديد؛ ثم احذف القديم.
keys-cannot-be-listed = لا يمكن عرض المفاتيح الآن: { $problem }.
keys-caption = المفاتيح كما قرأتها Civitas آخر مرة. «آخر استخدام» هو آخر مرة وقّع فيها المفتاح تأكيد عميل (client assertion) مقبولًا، بدقة { $minutes } دقائق.
key-type = النوع
last-used-utc = آخر استخدام (UTC)
last-used = آخر استخدام
thumbprint = البصمة (thumbprint)
not-given = غير محدد
never = لم يُستخدم قط
key-rsa-bits = RSA { $bits } بت
key-rsa-unreadable = RSA (تتعذّر قراءة المعامل modulus)
key-oct = oct (سر مشترك؛ لا يُستخدم هنا أبدًا)
key-unknown = نوع مفتاح غير معروف
register-keys-instead = تسجيل المفاتيح هنا بدلًا من ذلك
replace-keys = استبدال المفاتيح
public-keys-jwks = المفاتيح العامة بصيغة JWKS
public-keys-jwks-hint = مفاتيح عامة EC P-256 أو RSA، لكل منها kid؛ ولا مفتاح خاصًّا أبدًا. المفاتيح المحفوظة هنا تحل محل المفاتيح الحالية فورًا.
save-keys = حفظ المفاتيح
change-address = تغيير العنوان
fetch-from-address = جلب المفاتيح من عنوان بدلًا من ذلك
jwks-uri-hint = عنوان https تنشر عليه مفاتيحك العامة، مثلًا https://www.northbank.example/.well-known/jwks.json (وhttp على 127.0.0.1 أو localhost فقط، للتطوير).
use-address = استخدام هذا العنوان
owners-change-keys = يغيّر مالكو المؤسسة المفاتيح.
no-secret-private-key-jwt = يُصادِق هذا العميل بـ private_key_jwt: لديه مفاتيح، لا سر.
no-keys-secret-client = يُصادِق هذا العميل بسر: دوّر السر بدلًا من ذلك؛ المفاتيح مخصصة لعملاء private_key_jwt.
overlap-unknown-field = حقل النموذج { $field } غير معروف: هذا النموذج يرسل overlap_hours فقط
overlap-twice = overlap_hours: أُرسل مرتين؛ أرسله مرة واحدة. مثال: 24.
overlap-required = overlap_hours: مطلوب: عدد الساعات التي يستمر فيها السر الحالي في العمل، عدد صحيح من 0 إلى { $max } ({ $days } أيام). مثال: 24.
overlap-invalid = overlap_hours: يجب أن يكون عدد الساعات التي يستمر فيها السر الحالي في العمل، عددًا صحيحًا من 0 إلى { $max } ({ $days } أيام). مثال: 24.
overlap-too-long = overlap_hours: يستمر السر السابق في العمل { $days } أيام على الأكثر ({ $max } ساعة)، لا { $hours } ساعة. مثال: 24.
overlap-first-secret = overlap_hours: يجب أن يكون 0 لأول سر لهذا العميل: السر الذي يحل محله لم يُعرض على أحد قط، فلا شيء يحتاج إلى الاستمرار في العمل. مثال: 0.
keys-unknown-field = حقل النموذج { $field } غير معروف: هذا النموذج يرسل jwks أو jwks_uri
keys-twice = jwks, jwks_uri: أرسل واحدًا منهما، مرة واحدة: المفاتيح العامة نفسها، أو العنوان الذي تنشرها عليه. مثال: jwks_uri=https://www.northbank.example/.well-known/jwks.json
keys-required = jwks, jwks_uri: أحدهما مطلوب. مثال: jwks_uri=https://www.northbank.example/.well-known/jwks.json
failures-intro = كل طلب تفويض وكل طلب رمز لهذا العميل فشل خلال آخر 24 ساعة، وكل رمز تسجيل خروج عبر القناة الخلفية (back-channel logout token) توقفت Civitas عن محاولة توصيله إليه، الأحدث أولًا، مع القاعدة التي خالفها وطريقة إصلاحه. جرّب تكاملك، ثم أعد تحميل هذه الصفحة: تظهر الإخفاقات خلال ثوانٍ. النصوص من Civitas نفسها: لا تُحفظ أي بيانات شخصية ولا رموز (codes أو tokens) ولا أسرار.
run-test-sign-in = إجراء تسجيل دخول تجريبي
failed-requests = الطلبات الفاشلة
no-failed-requests = لا توجد طلبات فاشلة خلال آخر 24 ساعة.
failures-caption = الطلبات الفاشلة خلال آخر 24 ساعة، الأحدث أولًا ({ $keep } على الأكثر)
col-time = الوقت (UTC)
col-error-and-endpoint = الخطأ ونقطة النهاية
col-rule = القاعدة
col-fix = طريقة الإصلاح
cell-error = الخطأ
error-at = في
failures-limits = عندما تحدث إخفاقات كثيرة في وقت واحد، تُحصى كلها لكن لا تُعرض كلها: تحتفظ قائمة كل عميل بأحدث { $keep } منها، ولا يعرض كل خادم أكثر من { $per_minute } في الدقيقة.
usage-counts-every-one = يُحصيها كلها.
test-sign-in = تسجيل دخول تجريبي
test-sign-in-intro = يُجري هذا تدفق رمز تفويض (authorization code flow) حقيقيًا بعميلك التجريبي. ترسل Civitas الرمز إلى عنوان URI لإعادة التوجيه الخاص بك، وتستبدله أنت عند نقطة نهاية الرموز (token endpoint) كما ستفعل خدمتك.
test-sign-in-as-yourself = : أنت مسجّل الدخول إلى Civitas بهويتك أنت، لذلك ستعرض عليك Civitas الأشخاص التجريبيين بدلًا من ذلك. اختر أحدهم ووافق على المشاركة؛ عندها يصبح متصفحك مسجّل الدخول إلى Civitas بصفة ذلك الشخص التجريبي (وتُبقيك البوابة مسجّل الدخول بهويتك أنت).
nothing-stored = لا يُحفظ أي شيء: هذه الصفحة تحمل النسخة الوحيدة من
keep-page-open = . أبقها مفتوحة حتى تستبدل الرمز؛ إعادة تحميلها تُنشئ طلبًا جديدًا.
step-start = 1. ابدأ تسجيل الدخول
start-test-sign-in = بدء تسجيل الدخول التجريبي
step-callback = 2. يستقبل عنوان الاستدعاء (callback) الخاص بك الرمز
callback-redirect = تعيد Civitas التوجيه إلى
callback-with = مع:
callback-code =
    { $seconds ->
        [zero] الرمز (code)، ويعمل مرة واحدة، خلال { $seconds } ثانية
        [one] الرمز (code)، ويعمل مرة واحدة، خلال ثانية واحدة
        [two] الرمز (code)، ويعمل مرة واحدة، خلال ثانيتين
        [few] الرمز (code)، ويعمل مرة واحدة، خلال { $seconds } ثوانٍ
        [many] الرمز (code)، ويعمل مرة واحدة، خلال { $seconds } ثانية
       *[other] الرمز (code)، ويعمل مرة واحدة، خلال { $seconds } ثانية
    }
must-be = يجب أن يكون
step-redeem = 3. استبدل الرمز
redeem-sign-assertion = : وقّع تأكيد عميل (client assertion) بمفتاحك الخاص، وهو JWT يحتوي على:
assertion-exp-minutes-ahead = بعد بضع دقائق من الآن
redeem-put-assertion = ضع التأكيد في
redeem-put-secret = ضع سر العميل الخاص بك في
redeem-and-the-code = والرمز في
redeem-then-run = ، ثم شغّل:
answer-holds = يحتوي الرد على رمز هوية (ID token) فيه:
amr-test-person = (شخص تجريبي، سجّل الدخول دون بيانات اعتماد)
no-redirect-uri = ليس لهذا العميل أي عنوان URI لإعادة التوجيه: أضف عنوانًا في إعداداته أولًا.
integrate = دمج { $name }
back-to-client = العودة إلى العميل
integration-intro = Civitas مزوّد OpenID Connect قياسي: أي مكتبة معتمدة تعمل انطلاقًا من عنوان URL للاكتشاف وحده. تدفق رمز التفويض مع PKCE (S256) هو التدفق الوحيد، ويُتحقق من state وnonce في كل تسجيل دخول.
sandbox-signs-in-test-persons = تجريبي: يسجّل دخول أشخاص تجريبيين فقط
production-signs-in-real-persons = إنتاج: يسجّل دخول أشخاص حقيقيين فقط
snippets-sign-assertion = : توقّع المقتطفات البرمجية تأكيد عميل (client assertion) بالمفتاح الخاص الموجود في
snippets-key-registered = (PKCS#8 PEM)، والمسجّل مفتاحه العام في
snippets-assertion-holds = يحتوي كل تأكيد على:
assertion-aud = المُصدِر (issuer)
assertion-exp-at-most = بعد 5 دقائق على الأكثر
snippets-read-secret = تقرأ المقتطفات البرمجية سر العميل من متغير البيئة
secret-shown-once = تعرض Civitas السر مرة واحدة، عند إنشائه؛ ويُنشأ سر جديد في
keep-secret-out-of-code = أبقه خارج الشيفرة المصدرية.
code = الشيفرة
snippets-intro = كل مقتطف هو التدفق كاملًا، من إعادة التوجيه إلى Civitas حتى رمز هوية (ID token) تم التحقق منه، معبّأ بقيم هذا العميل.
snippets-run-test-person = شغّل أحدها، وافتح العنوان الذي يطبعه، وسجّل الدخول بصفة شخص تجريبي، والصق العنوان الذي أُعيد إليه متصفحك (لا يلزم أن يستجيب عنوان URI لإعادة التوجيه الخاص بك بعد).
snippets-run = شغّل أحدها، وافتح العنوان الذي يطبعه، وسجّل الدخول، والصق العنوان الذي أُعيد إليه متصفحك (لا يلزم أن يستجيب عنوان URI لإعادة التوجيه الخاص بك بعد).
snippets = المقتطفات البرمجية
snippet-rust-intro = برنامج صغير يستخدم الحزمة (crate) openidconnect: يطبع العنوان الذي يجب فتحه، ويقرأ العنوان الذي أُعدت إليه، ويطبع المطالبات (claims) بعد التحقق منها. انقل كل خطوة إلى معالجات الطلبات الخاصة بك.
snippet-node-intro = التدفق نفسه باستخدام openid-client، وهو وحدة ES لـ Node.js 20 أو أحدث.
snippet-python-intro = التدفق نفسه باستخدام عميل requests من Authlib؛ ويُتحقق من رمز الهوية مقابل المفاتيح التي تنشرها Civitas (JWKS).
claims = المطالبات (claims)
claims-intro = ما تشاركه Civitas، حسب النطاق، ومن أين تأتي كل قيمة. يرى المواطن كل مشاركة عند الموافقة وفي سجله.
claims-registry = تأتي بيانات الأشخاص من سجل السكان (الجدول
claims-registry-import = ، المستورد بالأمر
claims-civitas-adds = )؛ وتضيف Civitas ما تعرفه عن تسجيل الدخول.
claims-userinfo = المطالبات الخاصة بالنطاقات متاحة أيضًا عند
claims-by-name = المطالبة التي تُطلب باسمها في المعامل
claims-by-name-alone = تأتي وحدها، دون بقية نطاقها.
claims-caption = كل مطالبة تشاركها Civitas
col-claim = المطالبة
col-scope = النطاق
col-source = المصدر
col-notes = ملاحظات
every-id-token = (كل رمز هوية)
registry = السجل
id-token-also-carries = يحمل كل رمز هوية أيضًا
and-your = وقيمة
usage-intro = آخر { $days } يومًا، حسب اليوم بتوقيت UTC. عمليات تسجيل الدخول هي رموز الهوية (ID tokens) التي أصدرتها Civitas لهذا العميل (والتحديث يُصدر رمزًا أيضًا): { $sign_ins } إجمالًا. والإخفاقات هي طلبات التفويض وطلبات الرموز الفاشلة الخاصة به: { $failures } إجمالًا؛
usage-intro-end = يعرض ما وقع منها خلال آخر 24 ساعة مع طريقة إصلاحه.
the-figures = الأرقام
figures-caption = عمليات تسجيل الدخول والإخفاقات لكل يوم بتوقيت UTC، الأحدث أولًا
col-day = اليوم (UTC)
col-sign-ins = عمليات تسجيل الدخول
col-failures = الإخفاقات
chart-sign-ins-title = عمليات تسجيل الدخول يوميًا، آخر { $days } يومًا (UTC)
chart-failures-title = الإخفاقات يوميًا، آخر { $days } يومًا (UTC)
sign-ins =
    { $n ->
        [zero] { $n } عملية تسجيل دخول
        [one] عملية تسجيل دخول واحدة
        [two] عمليتا تسجيل دخول
        [few] { $n } عمليات تسجيل دخول
        [many] { $n } عملية تسجيل دخول
       *[other] { $n } عملية تسجيل دخول
    }
failures =
    { $n ->
        [zero] { $n } إخفاق
        [one] إخفاق واحد
        [two] إخفاقان
        [few] { $n } إخفاقات
        [many] { $n } إخفاقًا
       *[other] { $n } إخفاق
    }
chart-summary = { $total } من { $from } إلى { $to }؛ والأعلى، { $most }، في { $day }.
chart-no-sign-ins = لا توجد عمليات تسجيل دخول من { $from } إلى { $to }.
chart-no-failures = لا توجد إخفاقات من { $from } إلى { $to }.
chart-bar = { $day }: { $count }
chart-day =
    { $day } { $month ->
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
