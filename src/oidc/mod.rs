//! OpenID Connect: the JWKS, relying-party registration and redirect-URI rules. Discovery,
//! authorization, token, userinfo, revocation, introspection and logout join here.

pub mod authorize_request;
pub mod clients;
pub mod jwks;
pub mod redirect_uri;
