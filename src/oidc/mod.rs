//! OpenID Connect endpoints. For now the JWKS; discovery, authorization, token, userinfo,
//! revocation, introspection, logout and registration join here.

pub mod jwks;
