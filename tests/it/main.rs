//! Integration tests: the real server on 127.0.0.1:0 over a fresh database, driven over HTTP,
//! once on SQLite and once on PostgreSQL.

mod support;

mod account;
mod admin;
mod admin_clients;
mod admin_ops;
mod browser;
mod browser_portal;
mod clients;
mod config;
mod consent;
mod discovery;
mod fapi;
mod fapi_node;
mod fuzz;
mod instances;
mod keys;
mod ledger;
mod migrations;
mod offline;
mod oidc_flow;
mod oidc_rules;
mod otp;
mod page_weight;
mod passkeys;
mod portal;
mod portal_integration;
mod portal_keys;
mod portal_rules;
mod portal_test_signin;
mod portal_testing;
mod readiness;
mod registration;
mod registry;
mod saml_attacks;
mod saml_e2e;
mod saml_keys;
mod saml_python;
mod saml_sp;
mod saml_xmlsec;
mod scale_out;
mod shutdown;
mod sigkill;
mod soak;
mod web;
