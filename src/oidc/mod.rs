//! OpenID Connect provider: discovery, the authorization and token endpoints, ID tokens with
//! pairwise subjects, userinfo, revocation, introspection, logout (RP-initiated and
//! back-channel), and relying-party registration.

pub mod authorize;
pub mod authorize_request;
pub mod backchannel;
pub mod claims;
pub mod client_auth;
pub mod client_failures;
pub mod client_keys;
pub mod clients;
pub mod discovery;
pub mod dpop;
pub mod dpop_proofs;
pub mod error;
pub mod jwks;
pub mod logout;
pub mod outbound;
pub mod par;
pub mod redirect_uri;
pub mod registration;
pub mod request_object;
pub mod revocation;
pub mod subject;
pub mod token;
pub mod tokens;
pub mod userinfo;
pub mod wrong_environment;
