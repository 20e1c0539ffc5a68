//! For one request: authenticate, answer handshakes, split, discriminate, route and key events.
//!
//! Pure and synchronous: no I/O, and the clock is a parameter. The serving layer calls
//! `Processor::process` and acts on the [`Decision`]: it answers a [`Reply`] at once, or
//! commits the [`Event`]s and only then answers.

pub mod request;

pub use request::{Decision, Event, Reply, WebhookRequest};
