//! The route table as this test reads it, and what each route is: a page, a form, an action
//! or not a page. A route added to `src/app.rs` and not listed here fails.

use std::collections::BTreeSet;

use civitas::app::{ADMIN_OPEN_ROUTES, ADMIN_ROUTES};

use super::states::State;

/// What a route of the table is, for this test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    /// A page people read: at least one normal state.
    Page,
    /// A page with a form: a normal state and an error state.
    Form,
    /// Something a form or link does, answering with a redirect: its error state.
    Action,
    /// Not a page, and why.
    Other(&'static str),
}

use Kind::*;

/// Every route of `src/app.rs` and what it is. A route added there and not here fails
/// `every_route_of_the_table_is_listed`.
pub(super) const ROUTES: &[(&str, Kind)] = &[
    // The citizen's pages.
    ("/", Page),
    // Any path no route has: its page is the 404 page (an error state).
    (FALLBACK, Action),
    ("/help", Page),
    ("/language", Action),
    (
        "/session/extend",
        Other("answers the session-timeout warning's script with JSON"),
    ),
    ("/authorize/resume", Action),
    ("/consent", Page),
    ("/account", Page),
    ("/account/releases.json", Other("a download (JSON)")),
    ("/account/releases.csv", Other("a download (CSV)")),
    ("/account/releases/{id}", Page),
    ("/account/services/withdraw", Action),
    ("/account/sessions/end", Action),
    ("/account/sessions/end-all", Action),
    ("/account/passkeys/rename", Action),
    ("/account/passkeys/remove", Action),
    ("/account/passkeys/add", Page),
    ("/account/report", Action),
    ("/signin", Page),
    ("/signin/test-person", Action),
    ("/signout", Action),
    ("/signed-out", Page),
    ("/signin/code", Form),
    ("/signin/code/verify", Form),
    ("/demo/outbox", Page),
    ("/activate", Form),
    ("/activate/passkey", Page),
    ("/recovery-codes", Page),
    ("/recover", Form),
    (
        "/passkeys/register/start",
        Other("the passkey script's JSON"),
    ),
    (
        "/passkeys/register/finish",
        Other("the passkey script's JSON"),
    ),
    ("/passkeys/signin/start", Other("the passkey script's JSON")),
    (
        "/passkeys/signin/finish",
        Other("the passkey script's JSON"),
    ),
    ("/logout/confirm", Action),
    ("/authorize", Action),
    ("/logout", Page),
    ("/saml/sso", Action),
    ("/saml/slo", Action),
    // Protocol and machine endpoints.
    (
        "/.well-known/openid-configuration",
        Other("OpenID Connect discovery (JSON)"),
    ),
    (
        "/.well-known/oauth-authorization-server",
        Other("OAuth metadata (JSON)"),
    ),
    ("/token", Other("token endpoint (JSON)")),
    ("/par", Other("pushed authorization requests (JSON)")),
    ("/userinfo", Other("UserInfo (JSON or JWT)")),
    ("/revoke", Other("token revocation")),
    ("/introspect", Other("token introspection (JSON)")),
    ("/register", Other("dynamic client registration (JSON)")),
    (
        "/register/{client_id}",
        Other("client configuration (JSON)"),
    ),
    ("/jwks", Other("the public keys (JSON)")),
    ("/saml/metadata", Other("SAML metadata (XML)")),
    ("/clients/{id}/logo", Other("an image")),
    ("/healthz", Other("for load balancers")),
    ("/readyz", Other("for load balancers")),
    ("/metrics", Other("for monitoring")),
    ("/static/{name}", Other("style sheet, scripts and icons")),
    // The helpdesk console.
    ("/admin/signin", Page),
    (
        "/admin/passkeys/signin/start",
        Other("the passkey script's JSON"),
    ),
    (
        "/admin/passkeys/signin/finish",
        Other("the passkey script's JSON"),
    ),
    ("/admin/enrol", Page),
    (
        "/admin/passkeys/register/start",
        Other("the passkey script's JSON"),
    ),
    (
        "/admin/passkeys/register/finish",
        Other("the passkey script's JSON"),
    ),
    ("/admin/signout", Action),
    ("/admin", Page),
    ("/admin/citizens", Form),
    ("/admin/citizens/open", Action),
    ("/admin/citizens/{id}", Page),
    ("/admin/references", Form),
    ("/admin/citizens/{id}/unlock", Action),
    ("/admin/citizens/{id}/lock", Action),
    ("/admin/citizens/{id}/sessions/end", Action),
    ("/admin/citizens/{id}/reactivate", Action),
    ("/admin/citizens/{id}/passkeys/revoke", Action),
    ("/admin/citizens/{id}/consents/withdraw", Action),
    ("/admin/requests", Page),
    ("/admin/requests/{id}/{decision}", Action),
    ("/admin/clients", Page),
    ("/admin/clients/{id}", Page),
    ("/admin/clients/{id}/suspend", Action),
    ("/admin/clients/{id}/resume", Action),
    ("/admin/clients/{id}/national-id", Action),
    ("/admin/review", Page),
    ("/admin/review/{id}/{decision}", Action),
    ("/admin/operator", Page),
    ("/admin/keys/rotate", Action),
    ("/admin/ledger", Page),
    ("/admin/ledger/verify", Action),
    ("/admin/log", Page),
    ("/admin/log.csv", Other("a download (CSV)")),
    ("/admin/staff", Page),
    ("/admin/staff/{id}/{change}", Action),
    // The relying-party portal.
    ("/portal", Page),
    ("/portal/signin", Action),
    ("/portal/callback", Action),
    ("/portal/signout", Action),
    ("/portal/invitations/{token}", Page),
    ("/portal/organisations", Action),
    ("/portal/organisations/{id}", Page),
    ("/portal/organisations/{id}/invitations", Action),
    ("/portal/invitations/{token}/accept", Action),
    ("/portal/organisations/{id}/clients/new", Page),
    ("/portal/organisations/{id}/clients", Action),
    ("/portal/clients/{id}", Page),
    ("/portal/clients/{id}/edit", Form),
    ("/portal/clients/{id}/submit", Form),
    ("/portal/clients/{id}/redirect-uris", Action),
    ("/portal/clients/{id}/test", Page),
    ("/portal/clients/{id}/usage", Page),
    ("/portal/clients/{id}/test-signin", Page),
    ("/portal/clients/{id}/keys", Form),
    ("/portal/clients/{id}/secret", Action),
    ("/portal/clients/{id}/integration", Page),
];

/// The page for paths no route has (`.fallback(…)`).
pub(super) const FALLBACK: &str = "(fallback)";

/// The paths `src/app.rs` routes: each `.route("…"` and the console's two lists, and the
/// fallback. Routes this reading cannot see (nested routers, services) are refused.
fn routes_of_the_table() -> BTreeSet<String> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/app.rs"))
        .expect("src/app.rs");
    for unseen in [".nest(", ".nest_service(", ".route_service("] {
        assert!(
            !source.contains(unseen),
            "src/app.rs uses {unseen}: teach tests/it/accessibility/routes.rs to read its routes"
        );
    }
    let mut paths = BTreeSet::new();
    if source.contains(".fallback(") {
        paths.insert(FALLBACK.to_owned());
    }
    let mut rest = source.as_str();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        if let Some(literal) = rest.trim_start().strip_prefix('"') {
            let end = literal.find('"').expect("a closed string");
            paths.insert(literal[..end].to_owned());
        }
    }
    paths.extend(ADMIN_OPEN_ROUTES.iter().map(|(_, p)| p.to_string()));
    paths.extend(ADMIN_ROUTES.iter().map(|(_, p, _)| p.to_string()));
    paths
}

#[test]
fn every_route_of_the_table_is_listed() {
    let table = routes_of_the_table();
    assert!(table.len() > 100, "read {} routes", table.len());
    let listed: BTreeSet<String> = ROUTES.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        ROUTES.len(),
        listed.len(),
        "a route is listed twice in ROUTES"
    );
    let missing: Vec<_> = table.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes of src/app.rs missing from tests/it/accessibility.rs ROUTES (say whether each \
         is a page, a form, an action or not a page, and give its states): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "ROUTES lists paths src/app.rs no longer has: {stale:?}"
    );
}

/// Whether `path` (a request's, with its query) is one of route `pattern`'s (`{x}` matches one
/// segment).
fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (p, q): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len()
        && p.iter()
            .zip(&q)
            .all(|(p, q)| p == q || (p.starts_with('{') && p.ends_with('}') && !q.is_empty()))
}

/// The states cover the table: each page a normal state, each form also an error state where
/// the form itself is refused (a same-site post), each action an error state; and each state
/// asks for a path of its route.
pub(super) fn check_coverage(states: &[State]) {
    let mut normal = BTreeSet::new();
    let mut error = BTreeSet::new();
    let mut refused = BTreeSet::new();
    for s in states {
        let kind = kind_of(s.route)
            .unwrap_or_else(|| panic!("{}: route {} is not in ROUTES", s.name(), s.route));
        assert!(
            !matches!(kind, Other(_)),
            "{}: {} is listed as not a page",
            s.name(),
            s.route
        );
        assert!(
            s.route == FALLBACK || matches(s.route, &s.path),
            "{}: the path is not one of route {}",
            s.name(),
            s.route
        );
        if s.error {
            error.insert(s.route);
            if s.method == reqwest::Method::POST && s.origin.is_none() {
                refused.insert(s.route);
            }
        } else {
            normal.insert(s.route);
        }
    }
    for (route, kind) in ROUTES {
        let (needs_normal, needs_error, needs_refusal) = match kind {
            Page => (true, false, false),
            Form => (true, true, true),
            Action => (false, true, false),
            Other(_) => (false, false, false),
        };
        assert!(
            !needs_normal || normal.contains(route),
            "{route} ({kind:?}) has no normal state in states()"
        );
        assert!(
            !needs_error || error.contains(route),
            "{route} ({kind:?}) has no error state in states()"
        );
        assert!(
            !needs_refusal || refused.contains(route),
            "{route} ({kind:?}) has no state where its form is refused (a same-site post)"
        );
    }
}

/// What `route` is, by the table.
pub(super) fn kind_of(route: &str) -> Option<Kind> {
    ROUTES.iter().find(|(p, _)| *p == route).map(|(_, k)| *k)
}

/// Without a browser: the states the accessibility test shows cover the route table.
#[tokio::test]
async fn every_route_has_its_states() {
    let db = crate::support::TestDb::sqlite();
    let app = crate::support::TestApp::spawn_with_outbox(&db).await;
    let states = super::states::states(&app).await;
    check_coverage(&states);
    app.stop().await;
}
