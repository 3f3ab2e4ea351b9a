//! runbook: keeps operational runbooks honest.
//!
//! The library behind the `runbook` and `runbook-lint` binaries: a document
//! model parsed once per file ([`document`]), the lint engine and its rules
//! ([`lint`]), and the configuration they share ([`config`]).

pub mod authoring;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod duration;
pub mod extract;
pub mod files;
pub mod fix;
pub mod ignored;
pub mod lint;
pub mod review;
pub mod serve;
pub mod site;
pub mod watch;
pub mod workspace;
