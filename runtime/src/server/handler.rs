//! One HTTP request, start to finish: operational routes, method check, in-flight budget, body
//! limits, the core's decision, the commit, the answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::Semaphore;

use super::body::{self, BodyError, ByteBudget, Charge};
use crate::core::{Decision, Reply, WebhookRequest};
use crate::definition::Definition;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::sink::Sink;

/// What the server asks of the core: a decision for one request. Implemented by
/// [`crate::core::Processor`]; tests of the serving layer may supply their own.
pub trait Decide: Send + Sync + 'static {
    /// Decides what to do with `request` at time `now`.
    fn decide(&self, request: &WebhookRequest, now: SystemTime) -> Decision;
}

impl<F> Decide for F
where
    F: Fn(&WebhookRequest, SystemTime) -> Decision + Send + Sync + 'static,
{
    fn decide(&self, request: &WebhookRequest, now: SystemTime) -> Decision {
        self(request, now)
    }
}

/// Everything a request needs: the decision, the sink, the limits and the metrics.
pub struct App {
    decide: Arc<dyn Decide>,
    sink: Sink,
    limits: Limits,
    metrics: Arc<Metrics>,
    methods: Vec<Method>,
    in_flight: Semaphore,
    body_budget: ByteBudget,
    draining: AtomicBool,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("limits", &self.limits).field("methods", &self.methods).finish()
    }
}

type Answer = Response<Full<Bytes>>;

/// Bodies up to this size are decided on the connection's own task; larger ones on the
/// blocking pool.
const INLINE_DECISION_BYTES: usize = 256 * 1024;

impl App {
    /// An application for `definition`'s vendor. Webhooks are accepted with the definition's
    /// event methods and its handshakes' methods, on any path (a path may carry the event type).
    pub fn new(
        definition: &Definition,
        decide: Arc<dyn Decide>,
        sink: Sink,
        limits: Limits,
        metrics: Arc<Metrics>,
    ) -> App {
        let mut methods: Vec<Method> = Vec::new();
        let declared = definition.request.methods.iter().chain(definition.handshakes.iter().flat_map(|h| &h.methods));
        for m in declared {
            let m = Method::from_bytes(m.as_str().as_bytes()).expect("definition methods are valid HTTP methods");
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
        App {
            decide,
            sink,
            in_flight: Semaphore::new(limits.max_in_flight),
            body_budget: ByteBudget::new(limits.max_in_flight_bytes),
            limits,
            metrics,
            methods,
            draining: AtomicBool::new(false),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The metrics.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Marks the server as draining: `/healthz` answers 503 from now on.
    pub fn begin_shutdown(&self) {
        self.draining.store(true, Ordering::Release);
    }

    /// Answers one request.
    pub async fn handle(&self, request: Request<Incoming>) -> Answer {
        let path = request.uri().path();
        if path == "/healthz" && (request.method() == Method::GET || request.method() == Method::HEAD) {
            return self.health();
        }
        if path == "/metrics" && request.method() == Method::GET {
            return text(StatusCode::OK, "text/plain; version=0.0.4", self.metrics.render());
        }
        if !self.methods.contains(request.method()) {
            self.metrics.request("method_not_allowed");
            let allow: Vec<&str> = self.methods.iter().map(Method::as_str).collect();
            let mut answer = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
            if let Ok(v) = HeaderValue::from_str(&allow.join(", ")) {
                answer.headers_mut().insert(ALLOW, v);
            }
            return answer;
        }
        // The budget is taken before the body is read, so an overload costs us nothing.
        let Ok(_permit) = self.in_flight.try_acquire() else {
            self.metrics.request("overloaded");
            return self.retry_later("too many requests in flight; retry shortly");
        };
        let _gauge = self.metrics.in_flight();
        let (outcome, answer) = self.webhook(request).await;
        self.metrics.request(&outcome);
        answer
    }

    async fn webhook(&self, request: Request<Incoming>) -> (String, Answer) {
        let (parts, incoming) = request.into_parts();
        let mut charge = Charge::new(&self.body_budget);
        let declared = body::declared_length(&parts.headers);
        if declared.is_some_and(|n| n > self.limits.max_body_bytes as u64) {
            return ("too_large".into(), error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"));
        }
        let read = match charge.cover(declared.unwrap_or(0) as usize) {
            Ok(()) => {
                body::read(
                    &parts.headers,
                    incoming,
                    self.limits.max_body_bytes,
                    self.limits.body_read_timeout,
                    &mut charge,
                )
                .await
            }
            Err(e) => Err(e),
        };
        let body = match read {
            Ok(body) => body,
            Err(BodyError::Overloaded) => {
                return ("overloaded".into(), self.retry_later("too many request bytes in flight; retry shortly"));
            }
            Err(e) => return body_error(e),
        };
        let started = Instant::now();
        let webhook = WebhookRequest {
            method: parts.method.as_str().to_string(),
            path_and_query: parts.uri.path_and_query().map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| (name.as_str().to_string(), Bytes::copy_from_slice(value.as_bytes())))
                .collect(),
            body,
        };
        let decision = if webhook.body.len() > INLINE_DECISION_BYTES {
            // Verifying and splitting a large body takes milliseconds: keep it off the workers
            // that serve every other connection.
            let decide = self.decide.clone();
            match tokio::task::spawn_blocking(move || decide.decide(&webhook, SystemTime::now())).await {
                Ok(decision) => decision,
                Err(e) => {
                    tracing::error!(error = %e, "deciding on a request failed");
                    return ("internal_error".into(), error(StatusCode::INTERNAL_SERVER_ERROR, "internal error"));
                }
            }
        } else {
            self.decide.decide(&webhook, SystemTime::now())
        };
        match decision {
            Decision::Reply(reply) => {
                if let Some(notice) = &reply.notice {
                    // Meant for the user: a value only the vendor's request carries.
                    tracing::warn!(outcome = reply.outcome.as_str(), "{notice}");
                }
                (reply.outcome.clone(), reply_answer(reply))
            }
            Decision::Capture { events, success } => {
                let remaining = self.limits.handler_deadline.saturating_sub(started.elapsed());
                let committing = Instant::now();
                match tokio::time::timeout(remaining, self.sink.commit(events)).await {
                    Ok(Ok(report)) => {
                        self.metrics.commit_latency(committing.elapsed());
                        for binding in report.committed {
                            self.metrics.event(binding);
                        }
                        self.metrics.dedup_hits(report.duplicates as u64);
                        (success.outcome.clone(), reply_answer(success))
                    }
                    Ok(Err(e)) => {
                        // The sink logs the cause once per failure, not once per request.
                        tracing::debug!(error = %e, "commit failed; answered 503 so the vendor retries");
                        ("commit_failed".into(), self.retry_later("the events could not be committed; retry"))
                    }
                    Err(_) => {
                        tracing::warn!(
                            deadline_ms = self.limits.handler_deadline.as_millis() as u64,
                            "commit not confirmed before the handler deadline; answered 503 so the vendor retries"
                        );
                        ("deadline".into(), self.retry_later("the commit took too long; retry"))
                    }
                }
            }
        }
    }

    fn health(&self) -> Answer {
        if self.sink.is_ready() && !self.draining.load(Ordering::Acquire) {
            text(StatusCode::OK, "text/plain", "ok\n".into())
        } else {
            text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", "not ready\n".into())
        }
    }

    fn retry_later(&self, message: &str) -> Answer {
        let mut answer = error(StatusCode::SERVICE_UNAVAILABLE, message);
        answer.headers_mut().insert(RETRY_AFTER, HeaderValue::from(self.limits.retry_after_seconds));
        answer
    }
}

fn body_error(e: BodyError) -> (String, Answer) {
    match e {
        BodyError::TooLarge => ("too_large".into(), error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")),
        BodyError::Timeout => {
            ("body_timeout".into(), error(StatusCode::REQUEST_TIMEOUT, "request body not received in time"))
        }
        BodyError::Broken => ("broken".into(), error(StatusCode::BAD_REQUEST, "the request body could not be read")),
        BodyError::UnsupportedEncoding(enc) => (
            "unsupported_encoding".into(),
            error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("unsupported Content-Encoding {enc:?}; use gzip, deflate, br or zstd"),
            ),
        ),
        BodyError::Undecodable(why) => {
            ("undecodable".into(), error(StatusCode::BAD_REQUEST, &format!("the body does not decode: {why}")))
        }
        BodyError::Overloaded => unreachable!("answered with Retry-After by the caller"),
    }
}

fn reply_answer(reply: Reply) -> Answer {
    let mut answer = Response::new(Full::new(reply.body));
    *answer.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
            answer.headers_mut().append(n, v);
        }
    }
    answer
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() = status;
    answer.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    answer
}

fn error(status: StatusCode, message: &str) -> Answer {
    let body = serde_json::json!({ "error": message }).to_string();
    text(status, "application/json", body)
}
