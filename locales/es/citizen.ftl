language-name = Español
language-direction = ltr
number-group-separator = .

service-name = Civitas
skip-to-content = Ir al contenido principal
tagline = Su identidad digital nacional
home-title = Inicie sesión en servicios públicos y privados con una sola identidad
home-intro = Civitas es la identidad digital nacional. Los organismos públicos, los bancos y otros servicios le permiten iniciar sesión con ella, y solo ven los datos que usted acepta compartir.
home-services = Usted inicia sesión con una llave de acceso: en lugar de una contraseña, su teléfono o su computadora comprueba su huella dactilar, su cara o su PIN. Puede ver cada servicio que recibió sus datos, y cuándo.
home-help = Si no puede iniciar sesión, el servicio de ayuda puede ayudarle.
language = Idioma
change-language = Cambiar de idioma
footer-note = Civitas anota cada vez que se comparten sus datos, y usted puede ver la lista en su cuenta.
error-bad-request = No se puede atender esta solicitud
error-forbidden = No permitido
error-forbidden-detail = No tiene permiso para ver esta página.
error-sandbox = Este servicio es una versión de prueba
error-sandbox-detail = Es la versión de prueba de un servicio que todavía se está construyendo. Solo deja entrar a personas de prueba, nunca a personas reales. No se compartió nada con él.
error-production = Este servicio no acepta personas de prueba
error-production-detail = Usted ha iniciado sesión como persona de prueba, y este servicio solo deja entrar a personas reales. No se compartió nada con él.
error-cross-site = El formulario se envió desde otro sitio web, por eso no se aceptó. Vuelva a la página de Civitas e inténtelo de nuevo.
error-not-found = Página no encontrada
error-not-found-detail = Si escribió la dirección web, compruebe que es correcta.
error-too-many = Demasiados intentos
error-too-many-detail = Por su seguridad, espere { $minutes } y vuelva a intentarlo.
error-unavailable = Lo sentimos, el servicio no está disponible
error-unavailable-detail = Vuelva a intentarlo dentro de unos minutos. No se ha perdido nada de lo que escribió.
error-internal = Lo sentimos, algo salió mal
error-internal-detail = Vuelva a intentarlo. Si sigue pasando, contacte con el servicio de ayuda.
back-home = Ir a la página de inicio de Civitas
bad-language = Ese idioma no está disponible.
logout-confirm-title = ¿Cerrar la sesión de Civitas?
logout-confirm-text = Un servicio pidió a Civitas que cierre su sesión. Tendrá que volver a iniciar sesión para usar cualquier servicio con Civitas.
logout-button = Cerrar sesión
logout-done-title = Ha cerrado la sesión
logout-done-text = Ya no tiene la sesión de Civitas abierta en este dispositivo.
needs-javascript = Las llaves de acceso necesitan JavaScript, que está desactivado en este navegador. Actívelo, o inicie sesión con un código por correo electrónico.
signin-title = Iniciar sesión
signin-passkey-heading = Con una llave de acceso
signin-passkey-text = Una llave de acceso le permite iniciar sesión sin contraseña. Se guarda en su teléfono, su computadora o su llave de seguridad, que le pide su huella dactilar, su cara o su PIN.
signin-passkey-button = Iniciar sesión con una llave de acceso
signin-first-time = ¿Es la primera vez?
signin-activate-link = Active su identidad digital con el código de su carta
activate-title = Activar su identidad digital
activate-intro = Necesita su número de identidad nacional y el código de activación de la carta que le enviamos, o el que le dio el servicio de ayuda.
activate-national-id = Número de identidad nacional
activate-national-id-hint = 10 caracteres, por ejemplo 123456789X
activate-code = Código de activación
activate-code-hint = 16 letras y números, por ejemplo 7KQ2-M9XD-4TZB-H3WF
activate-button = Continuar
activate-failed = El número de identidad nacional y el código de activación no coinciden, o el código ha caducado. Revíselos y vuelva a intentarlo.
passkey-create-title = Cree su llave de acceso
passkey-create-text = Una llave de acceso le permite iniciar sesión con su huella dactilar, su cara o el PIN de su dispositivo, en lugar de una contraseña. Se queda en su dispositivo.
passkey-create-button = Crear una llave de acceso
consent-title = ¿Compartir sus datos?
consent-asks = pide ver estos datos del registro de población.
consent-purpose = Para qué los pide
consent-this-time = Para este inicio de sesión, el servicio dice:
signin-for = Está iniciando sesión en
consent-data = Qué datos verá
consent-remember = Recordar mi decisión para este servicio durante 12 meses
consent-allow = Permitir
consent-deny = No compartir
consent-history = En su cuenta puede ver cada vez que se compartieron sus datos, y dejar de compartirlos cuando quiera.
claim-name = Su nombre
claim-birthdate = Su fecha de nacimiento
claim-gender = Su género
claim-email = Su dirección de correo electrónico
claim-phone = Su número de teléfono móvil
claim-address = Su dirección de domicilio
claim-national-id = Su número de identidad nacional
claim-other = Otros datos
signin-code-heading = Con un código por correo electrónico
signin-code-link = Recibir un código de un solo uso por correo electrónico (algunos servicios piden una llave de acceso)
otp-title = Iniciar sesión con un código por correo electrónico
otp-intro = Le enviamos un código a la dirección de correo electrónico que el registro de población tiene de usted.
otp-national-id-missing = Escriba su número de identidad nacional y luego pida el código.
otp-send = Enviarme un código
otp-unavailable = Los códigos por correo electrónico no están disponibles en este momento. Inicie sesión con una llave de acceso o contacte con el servicio de ayuda.
otp-verify-title = Escriba su código
otp-verify-intro = Si su número de identidad nacional tiene una identidad activada con una dirección de correo electrónico, le hemos enviado un código de 8 cifras. Sirve una sola vez, durante 10 minutos.
otp-code = Código
otp-verify-button = Iniciar sesión
otp-resend = Enviar un código nuevo
otp-wrong = Ese código no es correcto. Revíselo y vuelva a intentarlo.
otp-expired = Ese código ya no se puede usar. Pida uno nuevo.
otp-mail-subject = Su código para iniciar sesión en Civitas
signin-recover-link = ¿Perdió todas sus llaves de acceso? Use un código de recuperación
signin-autofill-label = Su llave de acceso
account-title = Su cuenta
account-services = Servicios que pueden ver sus datos
account-security = Seguridad
account-details = Sus datos en el registro de población
account-no-services = Ningún servicio puede ver sus datos.
account-sees = Puede ver:
account-since = Desde el
account-withdraw = Dejar de compartir
account-passkeys = Sus llaves de acceso
account-synced = sincronizada entre sus dispositivos
account-added = añadida el
account-last-used = último uso
account-new-recovery-codes = Crear nuevos códigos de recuperación
account-sessions = Dónde tiene la sesión iniciada
account-sign-out-everywhere = Cerrar la sesión en todas partes
account-signed-in-at = Sesión iniciada el
account-this-device = este dispositivo
account-sign-out = Cerrar sesión
account-history = Historial de seguridad
account-details-correction = Estos datos vienen del registro de población. Para corregirlos, contacte con la oficina del registro. Civitas mostrará los datos corregidos cuando reciba la siguiente actualización del registro.
account-releases = Cuándo se compartieron sus datos
account-releases-intro = Cada vez que un servicio recibió sus datos: cuándo, qué servicio, qué datos (qué tipo de datos, no lo que dicen) y cómo. Cada anotación tiene un comprobante que muestra que no se ha cambiado.
account-when = Cuándo
account-service = Servicio
account-what = Datos
account-how = Cómo
account-receipt = Comprobante
account-new-name = Nombre
account-rename = Cambiar el nombre
account-remove = Quitar
account-confirm-last = Sí, quitar mi última llave de acceso
account-add-passkey = Añadir una llave de acceso
account-not-me = No fui yo
account-not-me-lock = Bloquear también mi identidad ahora (el servicio de ayuda la desbloquea después de hablar conmigo)
account-locked-title = Su identidad está bloqueada
account-locked-text = Ahora nadie puede iniciar sesión con ella, y su sesión se ha cerrado en todas partes. El servicio de ayuda revisará con usted lo que pasó y la desbloqueará.
passkey-high-text = Algunos servicios necesitan más seguridad: una llave de seguridad aprobada por el Gobierno, que nunca sale del dispositivo.
passkey-high-button = Usar una llave de seguridad certificada
signin-autofill-hint = Seleccione este campo: su navegador le muestra las llaves de acceso que tiene para Civitas.
recovery-title = Códigos de recuperación
recovery-offer = Si pierde todos los dispositivos que tienen su llave de acceso, un código de recuperación le permite crear una nueva. Imprima los códigos y guárdelos en un lugar seguro. Cada uno sirve una sola vez.
recovery-create = Crear mis códigos de recuperación
recovery-skip = Ahora no, continuar
recovery-shown-once = Imprima o anote estos códigos ahora: solo se muestran una vez. Los códigos que tenía antes ya no sirven.
recovery-done = Ya los guardé, continuar
recover-title = Usar un código de recuperación
recover-intro = Escriba su número de identidad nacional y uno de sus códigos de recuperación. Después creará una llave de acceso nueva.
recover-code = Código de recuperación
recover-failed = El número de identidad nacional y el código de recuperación no coinciden, o el código ya se usó.
account-filter-label = Mostrar los datos compartidos con
account-all-services = Todos los servicios
account-filter-button = Mostrar
account-older = Anotaciones anteriores
account-newest = Volver a las más recientes
account-download = Descargar este historial:
account-no-releases = Ningún servicio ha recibido sus datos todavía.
receipt-title = Comprobante de que se compartieron sus datos
receipt-intro = Civitas anota cada vez que se comparten sus datos. Cada anotación está unida a la anterior, y Civitas las firma todas. Guarde este comprobante: si alguien cambiara o borrara la anotación, ya no coincidiría.
receipt-number = Número de anotación
receipt-hash = Huella de esta anotación
receipt-prev = Huella de la anotación anterior
receipt-checkpoint = Firmado por Civitas
receipt-pending = Civitas todavía no ha firmado esta anotación. Lo hace en pocos minutos: vuelva más tarde para verlo.
receipt-root = Huella de todas las anotaciones
receipt-signature = Firma de Civitas (los expertos pueden comprobarla con las claves que publica Civitas)
receipt-back = Volver a su cuenta
consent-optional = Opcional: quite la marca para no compartir este dato con el servicio
consent-share = Compartir
consent-logo = Logotipo de
consent-offline-title = Mientras usted no lo usa
consent-offline = puede seguir recibiendo estos datos aunque usted no lo esté usando, hasta que deje de compartirlos en su cuenta.
otp-mail-body =
    Su código para iniciar sesión en Civitas es { $code }.

    Sirve una sola vez, durante 10 minutos. Si usted no lo pidió, no haga caso de este mensaje y avise al servicio de ayuda.
sign-out = Cerrar sesión
signed-out-shared-device = Si usa una computadora compartida o pública, cierre también todas las ventanas del navegador.
signin-again = Volver a iniciar sesión
minutes =
    { $n ->
        [one] { $n } minuto
       *[other] { $n } minutos
    }
too-many-try-again = Demasiados intentos. Vuelva a intentarlo dentro de { $minutes }.
receipt-chains =
    { $n ->
        [one] con { $n } lista de anotaciones
       *[other] con { $n } listas de anotaciones
    }
developer-heading = Para los desarrolladores del servicio
developer-intro = Si informa de este problema al servicio, deles estos datos. No contienen nada sobre usted.
developer-error-code = Código de error
developer-request-id = Referencia de la solicitud
wrong-environment-developer = Si usted es su desarrollador, puede continuar como persona de prueba: elija una abajo. En este navegador, su propia sesión se cambia entonces por la de la persona de prueba.
wrong-environment-then = Cierre la sesión aquí. Después vuelva al servicio e inicie sesión con su propia identidad.
test-persons-heading = Personas de prueba (este servicio es una versión de prueba)
test-persons-intro = Las personas de prueba son inventadas: no hay ninguna persona real detrás, y solo las versiones de prueba de los servicios las dejan entrar. Use una para probar el servicio.
test-persons-label = Persona de prueba
test-persons-hint = Este navegador tendrá entonces la sesión iniciada como la persona de prueba, en lugar de quien la tenga iniciada ahora.
test-persons-button = Continuar como persona de prueba
test-persons-none = Aquí todavía no hay personas de prueba. El operador de este Civitas puede importar algunas al registro.
test-persons-other-methods = Las personas de prueba que tienen su propia llave de acceso o dirección de correo electrónico también pueden iniciar sesión abajo.
test-persons-no-request = Esta solicitud de inicio de sesión ha caducado, ya se usó o se empezó en otro navegador. Vuelva al servicio y empiece de nuevo.
test-persons-not-sandbox = Las personas de prueba solo pueden iniciar sesión en versiones de prueba de los servicios, y este servicio no lo es. Inicie sesión con su propia identidad.
test-persons-unknown = Esa no es una de las personas de prueba. Vuelva atrás y elija una de la lista.
get-help = Obtener ayuda
reference-heading = ¿Necesita ayuda?
reference-give = Si llama al servicio de ayuda, deles esta referencia:
reference-nothing-personal = Con ella pueden ver qué salió mal. No dice nada sobre usted.
reference-contact = Cómo contactar con el servicio de ayuda
help-title = Obtener ayuda
help-intro = El servicio de ayuda de Civitas le ayuda a activar su identidad digital, a iniciar sesión y a volver a entrar si perdió su teléfono o su llave de seguridad.
help-contact-heading = Contactar con el servicio de ayuda
help-phone = Teléfono
help-hours = Horario de atención
help-email = Correo electrónico
help-visit = En persona
help-no-contacts = Pregunte en la oficina de su municipio o en cualquier oficina de atención al público. Allí pueden ponerle en contacto con el servicio de ayuda de Civitas.
help-ready-heading = Qué debe tener a mano
help-ready-reference = Si una página mostró un error, la referencia que le dio (por ejemplo 3F2A-91BC). Con ella, el servicio de ayuda puede ver qué salió mal.
help-ready-identity = Su documento de identidad o su pasaporte, si necesita ayuda con su cuenta. El servicio de ayuda comprueba quién es usted antes de cambiar nada.
help-ready-device = Si puede, el teléfono o la computadora que usa para iniciar sesión.
help-never-ask = El servicio de ayuda nunca le pedirá un código que le hayamos enviado ni sus códigos de recuperación. No se los dé a nadie.
passkey-working = Su dispositivo le pide que confirme que es usted, con su huella dactilar, su cara o su PIN. Siga lo que le indica.
passkey-done = Listo. Le llevamos al siguiente paso.
passkey-cancelled = No se usó la llave de acceso: usted lo canceló o se acabó el tiempo. Pulse el botón para volver a intentarlo.
passkey-unsupported = Este navegador no puede usar llaves de acceso. Inicie sesión con un código por correo electrónico, use otro navegador o pida ayuda.
passkey-failed = No funcionó. Vuelva a intentarlo.
passkey-trouble-heading = Si no funciona
passkey-trouble = Compruebe que su teléfono o su computadora está desbloqueado y vuelva a intentarlo. También puede iniciar sesión con un código por correo electrónico o consultar al servicio de ayuda.
session-warning-title = Su sesión se cerrará pronto
session-warning-text = Por su seguridad, su sesión se cerrará dentro de 2 minutos si no hace nada.
session-extend = Mantener la sesión abierta
session-extended = Su sesión sigue abierta.
session-ended = Su sesión se cerró porque no hizo nada durante un rato. Vuelva a iniciar sesión para continuar.
date-long = { $day } de { $month } de { $year }
date-time = { $date }, { $time }
date-month =
    { $month ->
        [1] enero
        [2] febrero
        [3] marzo
        [4] abril
        [5] mayo
        [6] junio
        [7] julio
        [8] agosto
        [9] septiembre
        [10] octubre
        [11] noviembre
       *[12] diciembre
    }
form-post-title = Volviendo al servicio
form-post-text = Le estamos llevando de vuelta al servicio.
form-post-continue = Continuar
outbox-title = Buzón de salida de demostración
outbox-intro = El modo de demostración no envía correos. Los mensajes que Civitas habría enviado aparecen aquí, del más reciente al más antiguo.
outbox-to = Para:
outbox-empty = Todavía no hay mensajes.
account-download-json = JSON
account-download-csv = CSV
release-how-sign-in = Cuando usted inició sesión
release-how-later = Cuando el servicio los volvió a pedir
event-activated = Su identidad digital se activó con una llave de acceso
event-activation-code-issued = Se creó un código de activación para usted
event-activation-failed = Se escribió un código de activación incorrecto
event-activation-refused-locked = Se rechazó la activación porque su identidad está bloqueada
event-consent-withdrawn = Usted dejó de compartir sus datos con un servicio
event-locked-after-failures = Se bloqueó el inicio de sesión después de demasiados intentos fallidos
event-locked-by-you = Usted bloqueó su identidad
event-otp-failed = Se escribió un código de un solo uso incorrecto
event-otp-sent = Se envió por correo electrónico un código de un solo uso para iniciar sesión
event-passkey-added = Se añadió una llave de acceso
event-passkey-removed = Se quitó una llave de acceso
event-reactivation-started = Se usó un código de activación para añadir una llave de acceso
event-recovery-code-used = Se usó un código de recuperación para añadir una llave de acceso
event-recovery-codes-created = Se crearon nuevos códigos de recuperación
event-reported-not-me = Usted avisó de que algo en su cuenta no lo hizo usted
event-reported-entry = Usted avisó de que la anotación { $entry } no la hizo usted
event-session-ended = Se cerró la sesión de un dispositivo desde la página de su cuenta
event-signed-in-passkey = Inicio de sesión con una llave de acceso
event-signed-in-code = Inicio de sesión con un código de un solo uso
event-signed-in-test-person = Inicio de sesión como persona de prueba en una versión de prueba de un servicio
event-signed-out-everywhere =
    { $n ->
        [one] Sesión cerrada en todas partes ({ $n } dispositivo)
       *[other] Sesión cerrada en todas partes ({ $n } dispositivos)
    }
event-signin-failed = Un inicio de sesión con una llave de acceso no funcionó
event-signin-refused-locked = Se rechazó el inicio de sesión porque su cuenta está bloqueada
event-staff-open-record = El servicio de ayuda consultó su cuenta { $why } (agente del servicio de ayuda { $agent })
event-staff-unlock = El servicio de ayuda desbloqueó su cuenta { $why } (agente del servicio de ayuda { $agent })
event-staff-lock = El servicio de ayuda bloqueó su cuenta y cerró su sesión en todas partes { $why } (agente del servicio de ayuda { $agent })
event-staff-end-sessions = El servicio de ayuda cerró su sesión en todas partes { $why } (agente del servicio de ayuda { $agent })
event-staff-reactivation-code = El servicio de ayuda creó un nuevo código de activación para usted { $why } (agente del servicio de ayuda { $agent })
event-staff-revoke-passkey = El servicio de ayuda desactivó una de sus llaves de acceso { $why } (agente del servicio de ayuda { $agent })
event-staff-withdraw-consent = El servicio de ayuda retiró su consentimiento para un servicio { $why } (agente del servicio de ayuda { $agent })
event-staff-request-reactivate = El servicio de ayuda pidió a un supervisor que aprobara un nuevo código de activación para usted { $why } (agente del servicio de ayuda { $agent })
event-staff-request-lift-fraud-lock = El servicio de ayuda pidió a un supervisor que aprobara desbloquear su cuenta { $why } (agente del servicio de ayuda { $agent })
event-staff-request-other = El servicio de ayuda pidió a un supervisor que aprobara un cambio en su cuenta { $why } (agente del servicio de ayuda { $agent })
event-staff-approved = Un supervisor aprobó la solicitud del servicio de ayuda { $why } (agente del servicio de ayuda { $agent })
event-staff-rejected = Un supervisor rechazó la solicitud del servicio de ayuda { $why } (agente del servicio de ayuda { $agent })
event-why-call = a petición suya por teléfono
event-why-visit = a petición suya en una oficina de atención
event-why-letter = en respuesta a su carta
event-why-fraud = por sospecha de fraude
event-why-other = por otro motivo
