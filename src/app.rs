//! The one startup path (`build`, used by `main` and by the tests), the shared state, and
//! THE route table: the whole attack surface on one screen.

use std::{future::Future, sync::Arc};

use axum::extract::{ConnectInfo, MatchedPath};
use axum::{
    Router,
    http::Request,
    middleware,
    routing::{get, post},
};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use tokio::net::TcpListener;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{
    account, admin, authn,
    clock::{SharedClock, SystemClock},
    config::Config,
    consent,
    crypto::{KeyDir, Keyring, keyring, secrets::random_token},
    oidc::{
        self,
        subject::{self, PairwiseKey},
    },
    saml,
    store::{self, Db, oauth},
    web::{
        assets, compression, edge, health, metrics, pages, security,
        sessions::{self, DbSessionStore},
    },
};

pub use crate::state::AppState;

/// A built application: its state and its router, ready to serve.
pub struct App {
    pub state: AppState,
    pub router: Router,
}

/// Builds the application with the system clock.
pub async fn build(config: Config) -> anyhow::Result<App> {
    build_with_clock(config, Arc::new(SystemClock)).await
}

/// Connects to the database, applies pending migrations, creates signing keys on first start,
/// loads them, and assembles the router.
pub async fn build_with_clock(config: Config, clock: SharedClock) -> anyhow::Result<App> {
    // Outgoing TLS (relying parties' jwks_uri) uses ring, as the database driver does. A second
    // call finds it installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    crate::crypto::jws::install_verifier();
    let db = Db::connect(&config.database)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database (database.url): {e}"))?;
    let applied = db.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, database = db.kind(), "database migrated");
    }
    let dir = KeyDir::open(&config.keys.dir)?;
    let short_secrets = crate::crypto::secrets::ShortSecretKey::new(dir.secret("short-secrets")?)
        .ok_or_else(|| anyhow::anyhow!("the short-secrets key is too short"))?;
    // SAML certificates name the service's host.
    let subject = crate::crypto::certificate::Subject::new(config.issuer.host());
    for kid in keyring::ensure_keys(&db, &dir, &subject, clock.now()).await? {
        tracing::info!(kid, "signing key created");
    }
    let keys = Arc::new(Keyring::load(db.clone(), dir, clock.clone()).await?);
    keys.spawn_refresh(config.keys.refresh);
    let pairwise =
        oauth::ensure_server_secret(&db, subject::SECRET_NAME, &random_token(32), clock.now())
            .await?;
    let pairwise = Arc::new(PairwiseKey::from_stored(&pairwise)?);
    let dpop_nonces = oauth::ensure_server_secret(
        &db,
        oidc::dpop_proofs::SECRET_NAME,
        &random_token(32),
        clock.now(),
    )
    .await?;
    let dpop_nonces = Arc::new(oidc::dpop_proofs::NonceKey::from_stored(&dpop_nonces)?);
    spawn_housekeeping(db.clone(), clock.clone());
    spawn_ledger_checkpoints(
        db.clone(),
        keys.clone(),
        clock.clone(),
        config.issuer.as_str().to_owned(),
        config.ledger.clone(),
    );

    let portal_secret =
        crate::portal::signin::ensure_client(&db, &config.issuer, config.mail.outbox, clock.now())
            .await?;

    assets::prepare();
    let state = AppState::new(crate::state::Shared {
        portal_secret: portal_secret.into(),
        origin: config.issuer.origin().into(),
        security_headers: security::default_headers(config.issuer.is_https()).into(),
        jwks_cache_control: oidc::jwks::cache_control(&config.keys),
        discovery: oidc::discovery::metadata(&config),
        webauthn: authn::webauthn(&config.issuer),
        attestation_cas: authn::high_assurance_cas(&config.passkeys)?,
        high_assurance_aaguids: config
            .passkeys
            .high_assurance
            .iter()
            .map(|d| d.aaguid)
            .collect(),
        mailer: crate::mail::from_config(&config.mail)?,
        short_secrets: Arc::new(short_secrets),
        client_failures: Arc::default(),
        error_references: Arc::default(),
        saml_metadata: Arc::default(),
        pairwise,
        dpop_nonces,
        client_keys: Arc::new(oidc::client_keys::ClientKeys::new(
            clock.clone(),
            config.http.allow_private_outbound,
        )?),
        backchannel: Arc::new(oidc::backchannel::Deliveries::new(
            config.http.allow_private_outbound,
        )?),
        config: Arc::new(config),
        writer: store::writer::Writer::new(db.clone()),
        reads: Arc::new(store::cache::ReadCache::new(db.clone())),
        db,
        keys,
        clock,
        metrics: Arc::new(metrics::Metrics::new()),
    });
    spawn_failure_counts(
        Arc::downgrade(&state.client_failures),
        state.writer.clone(),
        state.clock.clone(),
    );
    // Back-channel logout deliveries (`oidc::backchannel::worker`): ends in `serve`, or with
    // the state.
    oidc::backchannel::worker::spawn(&state);
    // Error references (`help::references`): written a moment after they are queued.
    crate::help::references::spawn(&state.error_references, state.writer.clone());
    Ok(App {
        router: routes(state.clone()),
        state,
    })
}

/// Deletes expired sessions, codes and assertion ids every ten minutes.
fn spawn_housekeeping(db: Db, clock: SharedClock) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match housekeeping(&db, clock.now()).await {
                Ok(n) if n > 0 => tracing::debug!(rows = n, "expired rows deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
}

/// One round of housekeeping: expired sessions, codes, pushed requests and seen ids, clients' failures
/// past 24 hours and their daily counts past 31 days, error references past 30 days. Returns
/// the rows deleted.
pub async fn housekeeping(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    use oidc::client_failures::{DAYS_KEPT, KEPT_FOR, day_of};
    Ok(store::sessions::delete_expired_sessions(db, now).await?
        + oauth::delete_expired(db, now).await?
        + store::pushed::delete_expired(db, now).await?
        + store::client_failures::delete_client_failures_before(db, now - KEPT_FOR).await?
        + store::client_failures::delete_daily_failures_before(db, day_of(now) - DAYS_KEPT * 86400)
            .await?
        + store::error_references::delete_error_references_before(
            db,
            now - crate::help::references::KEPT_FOR,
        )
        .await?)
}

/// Writes the failure counts this instance holds in memory every minute (see
/// `oidc::client_failures`); ends with the application.
fn spawn_failure_counts(
    failures: std::sync::Weak<oidc::client_failures::Failures>,
    writer: store::writer::Writer,
    clock: SharedClock,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(failures) = failures.upgrade() else {
                break;
            };
            if let Err(e) = failures.flush(&writer, clock.now()).await {
                tracing::warn!(error = %e, "clients' failure counts could not be written");
            }
        }
    });
}

/// Signs a ledger checkpoint once in every `checkpoint_interval` of the clock (when a chain
/// changed) and, when a retention period is configured, prunes older records. Several
/// instances run this: each wakes just after an interval begins (at a random moment in its
/// first tenth, so they do not all queue on the lock at once), the lock admits one at a time,
/// and whoever comes second finds the interval's checkpoint made.
fn spawn_ledger_checkpoints(
    db: Db,
    keys: Arc<Keyring>,
    clock: SharedClock,
    issuer: String,
    config: crate::config::LedgerConfig,
) {
    let keys = Arc::downgrade(&keys);
    tokio::spawn(async move {
        let interval = config.checkpoint_interval.as_millis().max(1) as u64;
        loop {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let spread = getrandom::u64().unwrap_or(0) % (interval / 10).max(1);
            let wait = interval - now_ms % interval + spread;
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            let Some(keys) = keys.upgrade() else { break };
            let now = clock.now();
            if let Some(keep) = config.retention {
                let before = now - keep.as_secs() as i64;
                match crate::ledger::prune(&db, before, now).await {
                    Ok((chains, removed)) if removed > 0 => {
                        tracing::info!(chains, removed, "ledger records past retention pruned");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "ledger pruning failed"),
                }
            }
            let once_per = config.checkpoint_interval.as_secs() as i64;
            match crate::ledger::checkpoint(&db, &keys, &issuer, now, Some(once_per)).await {
                Ok(Some(c)) => {
                    tracing::info!(seq = c.seq, chains = c.chains, "ledger checkpoint signed")
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "ledger checkpoint failed"),
            }
        }
    });
}

/// THE admin route table: every `/admin` route and the permission it needs. The console's
/// router is built from these lists alone, each route behind `admin::guard` with its
/// permission, so an admin route cannot exist without a check; the integration tests walk
/// `ADMIN_ROUTES` with every role.
macro_rules! admin_routes {
    (
        open { $( $omethod:ident $opath:literal => $ohandler:expr; )* }
        guarded { $( $method:ident $path:literal => $handler:expr, $perm:ident; )* }
    ) => {
        /// Admin routes anyone may call: signing in and enrolling (method, path).
        pub const ADMIN_OPEN_ROUTES: &[(&str, &str)] = &[ $( (stringify!($omethod), $opath) ),* ];
        /// Admin routes behind a permission (method, path, permission).
        pub const ADMIN_ROUTES: &[(&str, &str, admin::Permission)] =
            &[ $( (stringify!($method), $path, admin::Permission::$perm) ),* ];

        fn admin_router(state: &AppState) -> Router<AppState> {
            Router::new()
                $( .route($opath, $omethod($ohandler)) )*
                $( .route(
                    $path,
                    $method($handler).route_layer(middleware::from_fn_with_state(
                        (state.clone(), admin::Permission::$perm),
                        admin::guard,
                    )),
                ) )*
        }
    };
}

admin_routes! {
    open {
        get "/admin/signin" => admin::signin::signin_page;
        post "/admin/passkeys/signin/start" => admin::signin::signin_start;
        post "/admin/passkeys/signin/finish" => admin::signin::signin_finish;
        get "/admin/enrol" => admin::signin::enrol_page;
        post "/admin/passkeys/register/start" => admin::signin::register_start;
        post "/admin/passkeys/register/finish" => admin::signin::register_finish;
        post "/admin/signout" => admin::signin::signout;
    }
    guarded {
        get "/admin" => admin::signin::home, Console;
        get "/admin/citizens" => admin::citizens::find_page, FindCitizen;
        post "/admin/citizens" => admin::citizens::find, FindCitizen;
        post "/admin/citizens/open" => admin::citizens::open, FindCitizen;
        get "/admin/citizens/{id}" => admin::citizens::record, FindCitizen;
        get "/admin/references" => admin::references::lookup_page, FindCitizen;
        post "/admin/references" => admin::references::lookup, FindCitizen;
        post "/admin/citizens/{id}/unlock" => admin::actions::unlock, ActOnCitizen;
        post "/admin/citizens/{id}/lock" => admin::actions::lock, ActOnCitizen;
        post "/admin/citizens/{id}/sessions/end" => admin::actions::end_sessions, ActOnCitizen;
        post "/admin/citizens/{id}/reactivate" => admin::actions::reactivate, ActOnCitizen;
        post "/admin/citizens/{id}/passkeys/revoke" => admin::actions::revoke_passkey, ActOnCitizen;
        post "/admin/citizens/{id}/consents/withdraw" => admin::actions::withdraw_consent, ActOnCitizen;
        get "/admin/requests" => admin::requests::list, ApproveRequests;
        post "/admin/requests/{id}/{decision}" => admin::requests::decide, ApproveRequests;
        get "/admin/clients" => admin::clients::list, ReviewClients;
        get "/admin/clients/{id}" => admin::clients::show, ReviewClients;
        post "/admin/clients/{id}/suspend" => admin::clients::suspend, ManageClients;
        post "/admin/clients/{id}/resume" => admin::clients::resume, ManageClients;
        post "/admin/clients/{id}/national-id" => admin::clients::request_national_id, ReviewClients;
        get "/admin/review" => admin::review::queue, ReviewClients;
        post "/admin/review/{id}/{decision}" => admin::review::decide, ReviewClients;
        get "/admin/operator" => admin::operator::operator, Operate;
        post "/admin/keys/rotate" => admin::operator::rotate, Operate;
        get "/admin/ledger" => admin::audit::ledger, Audit;
        post "/admin/ledger/verify" => admin::audit::verify, Audit;
        get "/admin/log" => admin::audit::log, Audit;
        get "/admin/log.csv" => admin::audit::log_csv, Audit;
        get "/admin/staff" => admin::staff_accounts::list, Operate;
        post "/admin/staff/{id}/{change}" => admin::staff_accounts::set_status, Operate;
    }
}

/// The relying-party portal's routes. Open: the landing page, sign-in and its callback, an
/// invitation's page. Everything else passes `portal::guard` (a signed-in developer); each
/// handler then checks the developer's role in the organisation (`portal::authorise`).
fn portal_router(state: &AppState) -> Router<AppState> {
    use crate::portal::{
        clients as pc, failures as pf, integration as pi, keys as pk, organisations as po,
        signin as ps, usage as pu,
    };
    let guarded = Router::new()
        .route("/portal/organisations", post(po::create))
        .route("/portal/organisations/{id}", get(po::show))
        .route("/portal/organisations/{id}/invitations", post(po::invite))
        .route("/portal/invitations/{token}/accept", post(po::accept))
        .route("/portal/organisations/{id}/clients/new", get(pc::new_page))
        .route("/portal/organisations/{id}/clients", post(pc::create))
        .route("/portal/clients/{id}", get(pc::show))
        .route(
            "/portal/clients/{id}/edit",
            get(pc::edit_page).post(pc::edit),
        )
        .route(
            "/portal/clients/{id}/submit",
            get(pc::submit_page).post(pc::submit),
        )
        .route(
            "/portal/clients/{id}/redirect-uris",
            post(pc::production_redirect_uris),
        )
        .route("/portal/clients/{id}/test", get(pf::test_page))
        .route("/portal/clients/{id}/usage", get(pu::usage))
        .route(
            "/portal/clients/{id}/test-signin",
            get(crate::portal::test_signin::test_signin_page),
        )
        .route(
            "/portal/clients/{id}/keys",
            get(pk::keys).post(pk::change_keys),
        )
        .route("/portal/clients/{id}/secret", post(pk::rotate_secret))
        .route("/portal/clients/{id}/integration", get(pi::integration))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::portal::guard,
        ));
    Router::new()
        .route("/portal", get(ps::home))
        .route("/portal/signin", post(ps::signin))
        .route("/portal/callback", get(ps::callback))
        .route("/portal/signout", post(ps::signout))
        .route("/portal/invitations/{token}", get(po::invitation_page))
        .merge(guarded)
}

/// THE route table.
fn routes(state: AppState) -> Router {
    // Pages people use in a browser: cross-site form posts are refused.
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/help", get(crate::help::help))
        .route("/language", post(pages::language))
        .route("/session/extend", post(pages::extend_session))
        .route("/authorize/resume", get(oidc::authorize::resume))
        .route("/consent", get(consent::consent_page).post(consent::decide))
        .route("/account", get(account::account))
        .route(
            "/account/releases.json",
            get(account::history::download_json),
        )
        .route("/account/releases.csv", get(account::history::download_csv))
        .route("/account/releases/{id}", get(account::history::receipt))
        .route("/account/services/withdraw", post(account::withdraw))
        .route("/account/sessions/end", post(account::end_session))
        .route("/account/sessions/end-all", post(account::end_all_sessions))
        .route("/account/passkeys/rename", post(account::rename_passkey))
        .route("/account/passkeys/remove", post(account::remove_passkey))
        .route(
            "/account/passkeys/add",
            get(authn::activation::add_passkey_page),
        )
        .route("/account/report", post(account::report))
        .route("/signin", get(authn::signin::signin_page))
        .route("/signin/test-person", post(authn::test_persons::signin))
        .route("/signout", post(authn::signin::signout))
        .route("/signed-out", get(pages::signed_out))
        .route(
            "/signin/code",
            get(authn::otp::request_page).post(authn::otp::request),
        )
        .route(
            "/signin/code/verify",
            get(authn::otp::verify_page).post(authn::otp::verify),
        )
        .route("/demo/outbox", get(authn::otp::outbox))
        .route(
            "/activate",
            get(authn::activation::activate_page).post(authn::activation::activate),
        )
        .route("/activate/passkey", get(authn::activation::passkey_page))
        .route(
            "/recovery-codes",
            get(authn::recovery::offer).post(authn::recovery::create),
        )
        .route(
            "/recover",
            get(authn::recovery::recover_page).post(authn::recovery::recover),
        )
        .route(
            "/passkeys/register/start",
            post(authn::passkeys::register_start),
        )
        .route(
            "/passkeys/register/finish",
            post(authn::passkeys::register_finish),
        )
        .route(
            "/passkeys/signin/start",
            post(authn::passkeys::signin_start),
        )
        .route(
            "/passkeys/signin/finish",
            post(authn::passkeys::signin_finish),
        )
        .route("/logout/confirm", post(oidc::logout::logout_confirm))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            security::same_origin,
        ));

    // Protocol endpoints: relying parties call them (or send the browser) from their own
    // sites; and the machine endpoints for load balancers and monitoring.
    let protocol = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(oidc::discovery::discovery),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(oidc::discovery::discovery),
        )
        .route("/token", post(oidc::token::token))
        .route("/par", post(oidc::par::par))
        .route(
            "/userinfo",
            get(oidc::userinfo::userinfo).post(oidc::userinfo::userinfo),
        )
        .route("/revoke", post(oidc::revocation::revoke))
        .route("/introspect", post(oidc::revocation::introspect))
        .route("/register", post(oidc::registration::register))
        .route(
            "/register/{client_id}",
            get(oidc::registration::read)
                .put(oidc::registration::update)
                .delete(oidc::registration::delete),
        )
        .route("/jwks", get(oidc::jwks::jwks))
        .route("/saml/metadata", get(saml::metadata::metadata))
        .route("/clients/{id}/logo", get(consent::logo))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics));

    let http = &state.config.http;
    // Browser sessions only where a browser's session is used: the pages, authorization and
    // logout. Protocol endpoints called by relying parties' servers pay nothing for them.
    // Here error pages are rendered inside the session (their header knows the person is
    // signed in), and pages are compressed (`web::compression` says what and why).
    let browser = Router::new()
        .merge(pages)
        .route(
            "/authorize",
            get(oidc::authorize::authorize).post(oidc::authorize::authorize),
        )
        .route(
            "/logout",
            get(oidc::logout::logout).post(oidc::logout::logout),
        )
        .route("/saml/sso", get(saml::sso::sso).post(saml::sso::sso))
        .route("/saml/slo", get(saml::slo::slo).post(saml::slo::slo))
        .fallback(pages::not_found)
        .layer(middleware::from_fn(pages::render_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::page_context,
        ))
        .layer(sessions::layer(
            &state.config,
            DbSessionStore::new(
                state.db.clone(),
                state.writer.clone(),
                state.clock.clone(),
                state.config.sessions.idle_timeout,
            ),
        ))
        .layer(compression::pages_layer());
    // The console: its own cookie and idle limit, the same-origin check on every form.
    let console = admin_router(&state)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            security::same_origin,
        ))
        .layer(middleware::from_fn(pages::render_errors))
        .layer(admin::session_layer(&state))
        .layer(compression::pages_layer());
    // The relying-party portal: its own cookie, the same-origin check on every form.
    let portal = portal_router(&state)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            security::same_origin,
        ))
        .layer(middleware::from_fn(pages::render_errors))
        .layer(crate::portal::session_layer(&state))
        .layer(compression::pages_layer());
    // Protocol and machine endpoints, and the static files (compressed ahead of time).
    let machines = protocol
        .route("/static/{name}", get(assets::asset))
        .layer(middleware::from_fn(pages::render_errors));
    Router::new()
        .merge(browser)
        .merge(console)
        .merge(portal)
        .merge(machines)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(drop_client_request_id))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(middleware::from_fn_with_state(state.clone(), edge::edge))
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    http.request_timeout,
                ))
                .layer(RequestBodyLimitLayer::new(http.body_limit)),
        )
        .with_state(state)
}

/// The span of one request: method, route pattern and request id. Never the path itself
/// (identifiers may travel there), the query string (codes and tokens do) or the client's
/// address.
fn request_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!("request", method = %req.method(), route, request_id = %id)
}

/// Request ids are ours: one sent by the client would put its text into our logs.
async fn drop_client_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    req.headers_mut().remove("x-request-id");
    req
}

/// Serves until `shutdown` resolves, then stops accepting, lets in-flight requests finish
/// and closes the database. A client gets `http.header_read_timeout_secs` to send its request
/// headers (slow-header attacks hold no connection for long).
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let App { state, router } = app;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(state.config.http.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(req)
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    // No request can queue a logout notice any more: the deliveries under way finish (a few
    // seconds at most), the rest wait in the database for the next start.
    state.backchannel.stop().await;
    if let Err(e) = state
        .client_failures
        .flush(&state.writer, state.clock.now())
        .await
    {
        tracing::warn!(error = %e, "clients' failure counts could not be written");
    }
    if let Err(e) = state.error_references.flush(&state.writer).await {
        tracing::warn!(error = %e, "error references could not be written");
    }
    state.db.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested: finishing requests in flight");
}
