//! SAML 2.0 identity provider (Web Browser SSO profile): IdP metadata, SP-initiated single
//! sign-on over the HTTP-Redirect and HTTP-POST bindings, single logout, and the service
//! providers registered from their metadata. A SAML sign-in goes through the same sign-in and
//! consent pages as OpenID Connect, and each release is recorded in the ledger with channel
//! `saml`.
//!
//! The XML layer is strict and small: `xml` parses (no DTD, bounded size and depth) and
//! canonicalises, `dsig` signs and verifies the one XML-Signature profile SAML uses here
//! (enveloped, exclusive C14N, RSA-SHA256, SHA-256), `xmlenc` encrypts assertions.

pub mod attributes;
pub mod binding;
pub mod cert;
pub mod dsig;
pub mod metadata;
pub mod request;
pub mod response;
pub mod slo;
pub mod sp;
pub mod sso;
pub mod store;
pub mod xml;
pub mod xmlenc;

#[cfg(test)]
mod fuzz;
