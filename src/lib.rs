//! Civitas: a national digital identity provider (OpenID Connect and SAML 2.0).
//!
//! This file is the map of the crate; `docs/ARCHITECTURE.md` says how the parts fit.

/// The citizen's own pages: services and consent withdrawal, passkeys, sessions, history, details.
pub mod account;
/// The helpdesk and operator console: staff, roles, permissions, four eyes, the staff log.
pub mod admin;
/// The route table and the one startup path: `build(config)` and `serve`.
pub mod app;
/// Who the citizen is: activation, passkeys, attempt throttling, security events.
pub mod authn;
/// The command line: `serve`, `migrate`, `keys`, `registry`.
pub mod cli;
/// Time as the service sees it (a trait, so tests can move it forward).
pub mod clock;
/// Configuration: defaults, then `civitas.toml`, then `CIVITAS_*` environment variables.
pub mod config;
/// The consent step: what a service asks for, with the citizen's values; allow or decline.
pub mod consent;
/// Signing keys (ES256, RS256, SAML's RSA with its certificate), JWK thumbprints, random
/// values and constant-time comparison.
pub mod crypto;
/// The synthetic population that `serve --demo` seeds.
pub mod demo;
/// The page error type and how it renders.
pub mod error;
/// What the property-based fuzz tests share: case counts and input mutations (tests only).
#[cfg(test)]
mod fuzzing;
/// Assisted access: the help page, and the reference on every error page that the console
/// looks up.
pub mod help;
/// The tamper-evident data-release ledger: a hash chain per citizen.
pub mod ledger;
/// Mail delivery: SMTP, or the demo outbox.
pub mod mail;
/// OpenID Connect provider: endpoints, tokens, registration, RP-initiated and back-channel logout.
pub mod oidc;
/// The relying-party portal: developers, organisations, sandbox and production clients.
pub mod portal;
/// The population registry: person records, the CSV format and its import.
pub mod registry;
/// SAML 2.0 identity provider: metadata, single sign-on and logout, service providers.
pub mod saml;
/// The shared state handlers receive: database, keys, configuration, clock, WebAuthn.
pub mod state;
/// All SQL: the connection pool, migrations and one function per statement.
pub mod store;
/// Logging setup.
pub mod telemetry;
/// HTTP glue: security headers, client address, CSRF origin check, language, pages, health, metrics.
pub mod web;
