//! `webhook-runtime`: everything a generated webhook connector does at run time.
//!
//! A generated connector is a definition (see [`webhook_definition`]) plus a router; this crate
//! does the rest, once, for every vendor:
//!
//! - [`core`]: for one request, decide whether it is authentic, whether it is a handshake, and
//!   which events it carries, where each goes and under which key;
//! - the HTTP server, Flow's capture protocol and the embedded SQLite store (serving).
#![deny(missing_docs)]

pub use webhook_definition as definition;

pub mod core;
pub mod testing;

mod cli;
pub mod flow;
pub mod limits;
mod logging;
pub mod metrics;
pub mod server;
mod shutdown;
pub mod sink;
pub mod store;

pub use cli::main;

/// What a generated connector provides: its definition and a compiled router.
pub trait Vendor: Send + Sync + 'static {
    /// The vendor definition the connector was generated from.
    fn definition(&self) -> &'static definition::Definition;

    /// The index in `definition().events.types` of the event type a discriminator value belongs
    /// to, or `None` for a type the definition does not know. Generated as a `match`; must agree
    /// with [`core::route::route_by_definition`].
    fn route(&self, event_type: &str) -> Option<usize>;
}
