portal-title = Portal para desarrolladores
nav-organisations = Sus organizaciones
nav-sign-out = Cerrar sesión en el portal
colon = :{ " " }
sign-in-with-civitas = Iniciar sesión con Civitas
role-owner = propietario
role-developer = desarrollador
role-viewer = lector
environment-sandbox = versión de prueba
environment-production = producción
status-active = activo
status-suspended = suspendido
application-pending = pendiente
application-approved = aprobada
application-rejected = rechazada
application-changes-requested = cambios solicitados
none = ninguno
or = o
and = y
label-discovery-url = URL de descubrimiento
label-issuer = Emisor
label-purpose = Finalidad
label-redirect-uris = URI de redirección
label-logout-uris = Después de cerrar sesión
label-client-authentication = Autenticación del cliente
label-id-token-alg = Algoritmo del ID token
label-scopes = Ámbitos (scopes)
label-minimum-assurance = Nivel de garantía mínimo
label-environment = Entorno
label-legal-name = Razón social
label-registration-number = Número de registro
label-contact-email = Correo electrónico de contacto
label-email = Correo electrónico
label-role = Rol
label-name = Nombre
label-status = Estado
redirect-uris-per-line = URI de redirección, una por línea
logout-uris-per-line = Después de cerrar sesión, una por línea (opcional)
secret-and-keys = Secreto y claves
test-my-integration = Probar mi integración
copy-paste-integration = Integración para copiar y pegar
usage = Uso
submit-for-production = Enviar a producción
authenticates-with = Este cliente se autentica con
client-keys-page = la página de claves del cliente
assertion-jti = nuevo cada vez
form-field-unknown = campo de formulario desconocido { $field }
form-field-twice = el campo de formulario { $field } se envió dos veces
form-field-unexpected = campo de formulario inesperado { $field }
signed-in-as = Sesión iniciada como { $name }.
no-organisations = Todavía no es miembro de ninguna organización. Cree una a continuación o abra el enlace de invitación que le envió un colega.
create-organisation = Crear una organización
registration-number-hint = Tal como figura en el registro mercantil o de organismos públicos, p. ej.
contact-email-hint = Donde Civitas le escribe sobre sus integraciones (lo mejor es la dirección de un equipo).
create-organisation-button = Crear la organización
landing-intro = Registre su servicio en Civitas: un cliente de prueba funciona de inmediato con personas de prueba; la producción llega tras una revisión.
landing-identity = Usted inicia sesión con su propia identidad de Civitas. Su organización y sus miembros quedan registrados con cada cambio.
notice-signed-out = Ha cerrado sesión en el portal.
notice-joined = Se ha unido a la organización.
sign-in-expired = Este inicio de sesión en el portal ha caducado o no se inició aquí. Vaya al portal y vuelva a iniciar sesión.
legal-name-invalid = Razón social: obligatoria, { $max } caracteres como máximo, p. ej. «Northbank plc».
registration-number-invalid = Número de registro: de 2 a 40 letras, cifras, espacios, - / o ., p. ej. «GOV-000123».
contact-email-invalid = Correo electrónico de contacto: una dirección de correo electrónico, p. ej. «identity-team@northbank.example».
organisation-exists = Ya está registrada una organización con el número de registro { $number }. Pida a uno de sus propietarios que le invite.
your-role = Su rol
clients = Clientes
no-clients = Todavía no hay clientes.
clients-caption = Los clientes de la organización
register-sandbox-client = Registrar un cliente de prueba
members = Miembros
members-caption = Miembros y sus roles
roles-explain = Los propietarios invitan a miembros, rotan secretos y claves y envían clientes a producción. Los desarrolladores registran y modifican clientes de prueba y hacen inicios de sesión de prueba. Los lectores solo consultan.
invite-colleague = Invitar a un colega
send-invitation = Enviar la invitación
invitations-caption = Invitaciones todavía no aceptadas
col-expires = Caduca
changes = Cambios
no-changes = Todavía no hay cambios.
changes-caption = Todos los cambios de la organización y de sus clientes, los más recientes primero
col-when = Cuándo (UTC)
col-who = Quién
col-what = Qué
col-subject = Objeto
col-detail = Detalle
notice-invited =
    { $days ->
        [one] La invitación se ha enviado. Sirve una sola vez, durante { $days } día.
       *[other] La invitación se ha enviado. Sirve una sola vez, durante { $days } días.
    }
former-member = un antiguo miembro
civitas-reviewer = Revisor de Civitas { $pseudonym }
log-create-organisation = crear organización
log-invite-member = invitar a un miembro
log-join = unirse
log-create-sandbox-client = crear cliente de prueba
log-change-sandbox-client = modificar cliente de prueba
log-submit-for-production = enviar a producción
log-approve-change = aprobar cambio
log-approve-production-client = aprobar cliente de producción
log-reject-application = rechazar solicitud
log-request-changes = pedir cambios
log-change-redirect-uris = modificar URI de redirección
log-rotate-secret = rotar secreto
log-change-keys = modificar claves
email-invalid = Correo electrónico: una dirección de correo electrónico, p. ej. «dev@northbank.example».
role-invalid = Rol: propietario, desarrollador o lector.
no-mail-server = Civitas no puede enviar correo electrónico aquí (no hay ningún servidor de correo configurado), así que no puede enviar invitaciones.
invitation-mail-subject = { $organisation } le invita a su portal para desarrolladores de Civitas
invitation-mail-body =
    { $inviter } le invita a unirse a { $organisation } en el portal para desarrolladores de Civitas como { $role }.

    Para aceptar, abra este enlace e inicie sesión con su propia identidad de Civitas (sirve una sola vez, durante { $days } días):
    { $link }

    Si no esperaba este mensaje, ignórelo.
invitation = Invitación
join-organisation = Unirse a { $organisation }
invited-as = Se le invita como
invitation-sent-to = (invitación enviada a { $email }).
accept-and-join = Aceptar y unirse
invitation-sign-in-first = Inicie sesión en el portal para desarrolladores con su propia identidad de Civitas y después acepte.
invitation-gone = Esta invitación ha caducado o ya se usó. Pida a un propietario de la organización que vuelva a invitarle.
invitation-used = Esta invitación ha caducado o ya se usó.
already-member = Ya es miembro de esta organización.
sandbox-signs-in = Un cliente de prueba admite
test-persons-only = solo personas de prueba
sandbox-works-now = , nunca personas reales. Ya funciona.
production-signs-in = Un cliente de producción admite
real-persons-only = solo personas reales
production-changes = . Su configuración cambia mediante una revisión de su cliente de prueba; sus claves, su secreto y las URI de redirección en hosts ya aprobados cambian aquí de inmediato.
client-is = Este cliente está { $status }
your-client-secret = Su secreto de cliente
copy-secret-now = Cópielo ahora: Civitas solo guarda su hash y no puede volver a mostrarlo.
optional-scopes = opcionales: { $scopes }
change-settings = Modificar la configuración
production = Producción
production-client = Cliente de producción:
production-changes-here = Para modificar su configuración, modifique este cliente de prueba y vuelva a enviarlo.
no-production-client = Todavía no hay ningún cliente de producción. Al enviarlo, esta configuración, con sus URI de redirección de producción, se envía a Civitas para su revisión.
uris-on-approved-hosts = URI de redirección en hosts aprobados
save-redirect-uris = Guardar las URI de redirección
reviews = Revisiones
reviews-caption = Solicitudes de paso a producción, las más recientes primero
col-submitted = Enviada (UTC)
col-by = Por
col-reviewer-message = Mensaje del revisor
production-is-reviewed = Un cliente de producción solo cambia mediante una revisión: modifique su cliente de prueba, pruébelo y vuelva a enviarlo a producción. Sus claves, su secreto y las URI de redirección en hosts ya aprobados cambian de inmediato en su página.
not-absolute-uri = { $uri } no es una URI absoluta
host-not-approved = redirect_uris: { $host } no es un host para el que se aprobó este cliente. Añádalo al cliente de prueba y vuelva a enviarlo a producción.
change-client = Modificar { $name }
client-not-saved = El cliente no se guardó
legend-citizens-see = Lo que ven los ciudadanos
service-name = Nombre del servicio
service-name-hint = Se muestra al iniciar sesión y al dar el consentimiento, p. ej. «Banca en línea de Northbank».
purpose-hint = Por qué el servicio pide datos, en una frase que los ciudadanos leen al dar el consentimiento.
logo-address = Dirección del logotipo (opcional)
logo-address-hint = Una dirección https de un PNG o un JPEG; el personal de Civitas lo revisa antes de mostrarlo.
legend-redirects = A dónde devuelve Civitas a las personas
application-type = Tipo de aplicación
application-type-web = web: una aplicación del lado del servidor
application-type-native = native: una aplicación en el dispositivo de la persona
redirect-uris-hint = Deben coincidir exactamente. https, o http en 127.0.0.1 o localhost durante el desarrollo.
legend-authentication = Cómo se autentica su servidor
jwks-address = La dirección de su JWKS
jwks-address-hint = Publique allí una clave nueva y funcionará de inmediato; quite una y dejará de funcionar. O bien pegue las claves más abajo.
jwks-or-inline = O sus claves públicas como JWKS
legend-fapi = FAPI 2.0, cifrado y cierre de sesión
fapi-profile = Perfil de seguridad FAPI 2.0
fapi-hint = Solo solicitudes de autorización enviadas previamente (PAR), tokens vinculados con DPoP y private_key_jwt. Obligatorio para national_id.
encrypt-id-tokens = Cifrar los ID tokens con su clave
encryption-hint = Contenido A256GCM; publique en su JWKS una clave con use enc.
no-signed-only = No: solo firmados
userinfo-signed = Userinfo como JWT firmado
no-plain-json = No: JSON sin más
encrypt-userinfo = Cifrar userinfo con su clave
no = No
backchannel-address = Dirección de cierre de sesión por canal secundario (back-channel) (opcional)
backchannel-hint = Civitas envía aquí por POST un logout token firmado cuando termina la sesión de un ciudadano.
legend-scopes = Datos que pide el servicio (openid se incluye siempre)
scope-restricted = (restringido: la producción necesita una base legal y dos revisores)
refresh-tokens = Tokens de actualización (necesarios para offline_access)
legend-optional-scopes = Datos que el ciudadano puede excluir al dar el consentimiento
scope-is-optional = { $scope } es opcional
assurance-none = Ninguno, aparte de lo que pida cada solicitud
assurance-low = Bajo (basta un código de un solo uso por correo electrónico)
assurance-substantial = Sustancial (una llave de acceso)
assurance-high = Alto (una llave de acceso en un dispositivo aprobado)
save = Guardar
submit-client = Enviar { $name } a producción
not-submitted = No se envió
submit-intro = Civitas revisa la configuración del cliente de prueba (nombre, finalidad, logotipo, ámbitos, autenticación, nivel de garantía) junto con las URI de redirección de producción indicadas más abajo. El cliente de producción es un cliente distinto, con su propio
submit-intro-end = y su propio secreto, y solo admite personas reales.
production-redirect-uris = URI de redirección de producción, una por línea
production-redirect-uris-hint = https en sus propios hosts, p. ej. https://www.northbank.example/callback.
legal-basis-for = Base legal para
legal-basis-hint = La ley o la obligación que permite a su servicio tratar números de identidad nacional, y por qué los necesita. La leen dos revisores de Civitas.
submit-for-review = Enviar a revisión
already-waiting = Ya hay una solicitud de este cliente pendiente de revisión.
legal-basis-required = legal_basis: national_id necesita la base legal que permite a su servicio tratar números de identidad nacional ({ $max } caracteres como máximo). Ejemplo: «Ley de prevención del blanqueo de capitales, artículo 12: diligencia debida con los clientes».
keys-change-at-once = Los cambios que haga aquí tienen efecto de inmediato, tanto para clientes de prueba como de producción: no se necesita ninguna revisión.
nothing-changed = No se modificó nada
client-secret = Secreto de cliente
unseen-secret = Civitas creó este cliente de producción al aprobarlo, con un secreto que nadie ha visto. Cree el secreto que usará su servidor: se muestra una sola vez, en la página del cliente.
create-secret = Crear el secreto
owner-creates-secret = Lo crea un propietario de la organización.
last-changed = Última modificación (UTC)
previous-secret = Secreto anterior
previous-works-until = sigue funcionando hasta el { $until } (UTC)
previous-none = ninguno: solo funciona el secreto actual
rotate-secret = Rotar el secreto
rotate-explain = Civitas crea un secreto nuevo y lo muestra una sola vez. Sus servidores pueden pasar a usarlo mientras el actual sigue funcionando durante el tiempo que usted elija.
rotate-again-notice = Ahora mismo todavía funciona un secreto anterior: si vuelve a rotar, deja de funcionar de inmediato y el secreto actual pasa a ser el anterior.
overlap-legend = Durante cuánto tiempo sigue funcionando el secreto actual
overlap-none = Nada: el secreto actual deja de funcionar de inmediato
overlap-hours =
    { $n ->
        [one] { $n } hora
       *[other] { $n } horas
    }
overlap-longest = { $days } días (el máximo)
owners-rotate = Los propietarios de la organización rotan el secreto.
keys = Claves
keys-fetched-from = Civitas obtiene las claves públicas de este cliente de
keys-rotate-at-address = Para rotar una clave, publique la clave nueva en esa dirección y firme con ella: nada más, ni aquí ni en ningún otro sitio. Una aserción con un
keys-fetched-again = que Civitas no ha visto hace que vuelva a obtener las claves (como máximo una vez cada { $seconds } segundos). Una clave que quite de esa dirección deja de funcionar en un plazo de { $minutes } minutos, el tiempo que Civitas conserva un conjunto de claves obtenido.
keys-registered-here = Las claves públicas de este cliente están registradas aquí. Para rotarlas, sustitúyalas más abajo y conserve la clave antigua junto a la nueva hasta que sus servidores firmen con la nueva; después quite la antigua.
keys-cannot-be-listed = Ahora no se pueden mostrar las claves: { $problem }.
keys-caption = Claves tal como Civitas las leyó por última vez. «Último uso» es cuándo una clave firmó por última vez una aserción de cliente aceptada, con una precisión de { $minutes } minutos.
key-type = Tipo
last-used-utc = Último uso (UTC)
last-used = Último uso
thumbprint = huella
not-given = no indicado
never = nunca
key-rsa-bits = RSA de { $bits } bits
key-rsa-unreadable = RSA (no se puede leer su módulo)
key-oct = oct (un secreto compartido; aquí nunca se usa)
key-unknown = un tipo de clave desconocido
register-keys-instead = Registrar las claves aquí en su lugar
replace-keys = Sustituir las claves
public-keys-jwks = Claves públicas como JWKS
public-keys-jwks-hint = Claves públicas EC P-256 o RSA, cada una con un kid; nunca una clave privada. Las claves que guarde aquí sustituyen a las actuales de inmediato.
save-keys = Guardar las claves
change-address = Cambiar la dirección
fetch-from-address = Obtener las claves de una dirección en su lugar
jwks-uri-hint = Una dirección https donde publica sus claves públicas, p. ej. https://www.northbank.example/.well-known/jwks.json (http solo en 127.0.0.1 o localhost, para el desarrollo).
use-address = Usar esta dirección
owners-change-keys = Los propietarios de la organización modifican las claves.
no-secret-private-key-jwt = Este cliente se autentica con private_key_jwt: tiene claves, no un secreto.
no-keys-secret-client = Este cliente se autentica con un secreto: rote el secreto en su lugar; las claves son para los clientes private_key_jwt.
overlap-unknown-field = campo de formulario desconocido { $field }: este formulario solo envía overlap_hours
overlap-twice = overlap_hours: se envió dos veces; envíelo una sola vez. Ejemplo: 24.
overlap-required = overlap_hours: es obligatorio: cuántas horas sigue funcionando el secreto actual, un número entero de 0 a { $max } ({ $days } días). Ejemplo: 24.
overlap-invalid = overlap_hours: debe ser cuántas horas sigue funcionando el secreto actual, un número entero de 0 a { $max } ({ $days } días). Ejemplo: 24.
overlap-too-long = overlap_hours: el secreto anterior sigue funcionando como máximo { $days } días ({ $max } horas), no { $hours } horas. Ejemplo: 24.
overlap-first-secret = overlap_hours: debe ser 0 para el primer secreto de este cliente: el secreto al que sustituye nunca se mostró a nadie, así que nada tiene que seguir funcionando. Ejemplo: 0.
keys-unknown-field = campo de formulario desconocido { $field }: este formulario envía jwks o jwks_uri
keys-twice = jwks, jwks_uri: envíe uno de los dos, una sola vez: las propias claves públicas o la dirección donde las publica. Ejemplo: jwks_uri=https://www.northbank.example/.well-known/jwks.json
keys-required = jwks, jwks_uri: uno de los dos es obligatorio. Ejemplo: jwks_uri=https://www.northbank.example/.well-known/jwks.json
failures-intro = Todas las solicitudes de autorización y de token de este cliente que fallaron en las últimas 24 horas, y todos los logout tokens por canal secundario que Civitas dejó de intentar entregarle, los más recientes primero, con la regla que incumplieron y cómo corregirlo. Pruebe su integración y después recargue esta página: los fallos aparecen en pocos segundos. Los textos son de Civitas: no se guardan datos personales, códigos, tokens ni secretos.
run-test-sign-in = Hacer un inicio de sesión de prueba
failed-requests = Solicitudes fallidas
no-failed-requests = Ninguna solicitud fallida en las últimas 24 horas.
failures-caption = Solicitudes fallidas de las últimas 24 horas, las más recientes primero ({ $keep } como máximo)
col-time = Hora (UTC)
col-error-and-endpoint = Error y endpoint
col-rule = Regla
col-fix = Cómo corregirlo
cell-error = Error
error-at = en
failures-limits = Cuando hay muchos fallos a la vez, se cuentan pero no se muestran todos: la lista de cada cliente conserva los { $keep } más recientes, y cada servidor muestra como máximo { $per_minute } por minuto.
usage-counts-every-one = los cuenta todos.
test-sign-in = Inicio de sesión de prueba
test-sign-in-intro = Esto ejecuta un flujo de código de autorización real con su cliente de prueba. Civitas envía el código a su propia URI de redirección, y usted lo canjea en el endpoint de token como lo hará su servicio.
test-sign-in-as-yourself = : usted ha iniciado sesión en Civitas con su propia identidad, así que Civitas le ofrecerá las personas de prueba. Elija una y acepte compartir los datos; su navegador queda entonces con la sesión de Civitas iniciada como esa persona de prueba (en el portal sigue con su propia sesión).
nothing-stored = No se guarda nada: esta página contiene la única copia del
keep-page-open = . Manténgala abierta hasta que haya canjeado el código; si la recarga, se crea una solicitud nueva.
step-start = 1. Iniciar el inicio de sesión
start-test-sign-in = Iniciar el inicio de sesión de prueba
step-callback = 2. Su callback recibe el código
callback-redirect = Civitas redirige a
callback-with = con:
callback-code =
    { $seconds ->
        [one] el código, que sirve una sola vez, en un plazo de { $seconds } segundo
       *[other] el código, que sirve una sola vez, en un plazo de { $seconds } segundos
    }
must-be = debe ser
step-redeem = 3. Canjear el código
redeem-sign-assertion = : firme con su clave privada una aserción de cliente, un JWT con:
assertion-exp-minutes-ahead = unos minutos después
redeem-put-assertion = Ponga la aserción en
redeem-put-secret = Ponga su secreto de cliente en
redeem-and-the-code = y el código en
redeem-then-run = , y después ejecute:
answer-holds = La respuesta contiene un ID token con:
amr-test-person = (una persona de prueba, que inició sesión sin credencial)
no-redirect-uri = Este cliente no tiene ninguna URI de redirección: añada primero una en su configuración.
integrate = Integrar { $name }
back-to-client = Volver al cliente
integration-intro = Civitas es un proveedor OpenID Connect estándar: cualquier biblioteca certificada funciona solo con la URL de descubrimiento. El flujo de código de autorización con PKCE (S256) es el único flujo; state y nonce se comprueban en cada inicio de sesión.
sandbox-signs-in-test-persons = versión de prueba: solo admite personas de prueba
production-signs-in-real-persons = producción: solo admite personas reales
snippets-sign-assertion = : los fragmentos de código firman una aserción de cliente con la clave privada de
snippets-key-registered = (PEM PKCS#8), cuya clave pública está registrada en
snippets-assertion-holds = Cada aserción contiene:
assertion-aud = el emisor
assertion-exp-at-most = 5 minutos después como máximo
snippets-read-secret = Los fragmentos de código leen el secreto de cliente de la variable de entorno
secret-shown-once = Civitas muestra un secreto una sola vez, cuando lo crea; se crea uno nuevo en
keep-secret-out-of-code = No lo incluya en su código fuente.
code = Código
snippets-intro = Cada fragmento es el flujo completo, desde la redirección a Civitas hasta un ID token validado, con los valores de este cliente.
snippets-run-test-person = Ejecute uno, abra la dirección que muestra, inicie sesión como una persona de prueba y pegue la dirección a la que se devolvió su navegador (su URI de redirección todavía no tiene que responder).
snippets-run = Ejecute uno, abra la dirección que muestra, inicie sesión y pegue la dirección a la que se devolvió su navegador (su URI de redirección todavía no tiene que responder).
snippets = Fragmentos de código
snippet-rust-intro = Un pequeño programa con el crate openidconnect: muestra la dirección que hay que abrir, lee la dirección a la que se le devolvió y muestra los claims validados. Traslade cada paso a sus propios controladores de solicitudes.
snippet-node-intro = El mismo flujo con openid-client, un módulo ES para Node.js 20 o posterior.
snippet-python-intro = El mismo flujo con el cliente requests de Authlib; el ID token se comprueba con las claves publicadas de Civitas (JWKS).
claims = Claims
claims-intro = Lo que Civitas entrega, por ámbito, y de dónde procede cada valor. El ciudadano ve cada entrega al dar el consentimiento y en su historial.
claims-registry = Los datos de las personas proceden del registro de población (tabla
claims-registry-import = , importada con
claims-civitas-adds = ); Civitas añade lo que sabe del inicio de sesión.
claims-userinfo = Los claims de los ámbitos también están disponibles en
claims-by-name = Un claim pedido por su nombre en el parámetro
claims-by-name-alone = se entrega solo, sin el resto de su ámbito.
claims-caption = Todos los claims que entrega Civitas
col-claim = Claim
col-scope = Ámbito
col-source = Origen
col-notes = Notas
every-id-token = (todos los ID tokens)
registry = registro
id-token-also-carries = Todo ID token incluye además
and-your = y su
usage-intro = Los últimos { $days } días, por día UTC. Los inicios de sesión son los ID tokens que Civitas emitió para este cliente (una renovación con un token de actualización también emite uno): { $sign_ins } en total. Los fallos son sus solicitudes de autorización y de token fallidas: { $failures } en total;
usage-intro-end = muestra las de las últimas 24 horas con la forma de corregirlas.
the-figures = Las cifras
figures-caption = Inicios de sesión y fallos por día UTC, los más recientes primero
col-day = Día (UTC)
col-sign-ins = Inicios de sesión
col-failures = Fallos
chart-sign-ins-title = Inicios de sesión por día, últimos { $days } días (UTC)
chart-failures-title = Fallos por día, últimos { $days } días (UTC)
sign-ins =
    { $n ->
        [one] { $n } inicio de sesión
       *[other] { $n } inicios de sesión
    }
failures =
    { $n ->
        [one] { $n } fallo
       *[other] { $n } fallos
    }
chart-summary = { $total } del { $from } al { $to }; el máximo, { $most }, el { $day }.
chart-no-sign-ins = Ningún inicio de sesión del { $from } al { $to }.
chart-no-failures = Ningún fallo del { $from } al { $to }.
chart-bar = { $day }: { $count }
chart-day =
    { $day } { $month ->
        [1] ene
        [2] feb
        [3] mar
        [4] abr
        [5] may
        [6] jun
        [7] jul
        [8] ago
        [9] sept
        [10] oct
        [11] nov
       *[12] dic
    }
