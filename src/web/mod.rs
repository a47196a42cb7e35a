//! HTTP glue shared by every capability.

pub mod assets;
pub mod client_ip;
pub mod compression;
pub mod device;
pub mod edge;
pub mod forms;
pub mod health;
pub mod i18n;
pub mod metrics;
pub mod pages;
pub mod security;
pub mod sessions;

#[cfg(test)]
mod fuzz;
