//! The core's hot path against raw HMAC-SHA256 of the same bytes, measured in the same run.
//!
//! `cargo bench -p webhook-runtime --bench core`: criterion measures each case, then a table
//! prints interleaved medians side by side with their ratio to raw HMAC:
//!
//! - verify + discriminate + route (`Processor::route`: the decision of where the event goes
//!   and under which key), the figure issue 3 sets a goal for: ≤ 1.5× raw HMAC for
//!   body-pointer vendors such as Stripe;
//! - the full `Processor::process` (the body validated, the document built with `_meta`);
//! - for reading the gap: authentication alone, the skip scan alone, one validating JSON pass.
//!
//! `cargo bench -p webhook-runtime --bench core -- --summary-only` skips criterion and prints
//! the table only.

#![recursion_limit = "256"]

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use criterion::Criterion;
use hmac::{KeyInit, Mac};
use serde_json::json;
use webhook_runtime::core::{Decision, Processor, RoutedEvent, Routing, WebhookRequest, sign};
use webhook_runtime::definition::Definition;
use webhook_runtime::testing::leak_vendor;

const SECRET: &str = "whsec_benchmark_secret_0123456789";
const NOW: u64 = 1_700_000_000;

fn stripe_definition() -> Definition {
    serde_json::from_value(json!({
        "spec_version": 1,
        "vendor": {"id": "stripe-bench", "name": "Stripe-like", "documentation_url": "https://example.com"},
        "config": [{"name": "signing_secret", "title": "Secret", "description": "x", "secret": true, "multiple": true}],
        "authentication": {"type": "hmac", "algorithm": "sha256",
            "secret": {"config_field": "signing_secret", "decoding": "verbatim"},
            "signature": {"header": "Stripe-Signature", "format": {"type": "key_value_list", "separator": ",", "signature_key": "v1", "timestamp_key": "t"}, "encoding": "hex"},
            "signed_message": "{timestamp}.{body}",
            "timestamp": {"source": {"type": "signature_field"}, "format": "unix_seconds"},
            "tolerance": {"past_seconds": 300}},
        "events": {"discriminator": {"type": "body_pointer", "pointer": "/type"}, "document_key": {"type": "body_pointer", "pointer": "/id"},
            "types": [
                {"collection": "payment_intent_succeeded", "values": ["payment_intent.succeeded"], "description": "x"},
                {"collection": "charge_any", "values": ["charge.*"], "description": "x"},
                {"collection": "invoice_paid", "values": ["invoice.paid"], "description": "x"}
            ]},
        "delivery": {"retries": "x", "retry_horizon_hours": 72}
    }))
    .expect("the bench definition deserializes")
}

/// A Stripe `payment_intent.succeeded` event of about 1.5 KB, `type` last as Stripe sends it.
fn stripe_body() -> String {
    let body = json!({
        "id": "evt_3NG8Du2eZvKYlo2C1zjb8Ynd",
        "object": "event",
        "api_version": "2023-10-16",
        "created": 1686089970,
        "data": {"object": {
            "id": "pi_3NG8Du2eZvKYlo2C1Q3bJ8xv", "object": "payment_intent", "amount": 2000, "amount_capturable": 0,
            "amount_details": {"tip": {}}, "amount_received": 2000, "application": null, "application_fee_amount": null,
            "automatic_payment_methods": {"allow_redirects": "always", "enabled": true}, "canceled_at": null,
            "cancellation_reason": null, "capture_method": "automatic", "client_secret": "pi_3NG8Du2eZvKYlo2C1Q3bJ8xv_secret_redacted",
            "confirmation_method": "automatic", "created": 1686089969, "currency": "usd", "customer": "cus_O4GxQ1bYtq5XGn",
            "description": "Subscription creation", "invoice": "in_1NG8Dt2eZvKYlo2CxgJz2yCp", "last_payment_error": null,
            "latest_charge": "ch_3NG8Du2eZvKYlo2C1iZ1pJq0", "livemode": false,
            "metadata": {"order_id": "6735", "customer_tier": "gold", "campaign": "spring-sale-2023"},
            "next_action": null, "on_behalf_of": null, "payment_method": "pm_1NG8Dr2eZvKYlo2CmP5pPxKE",
            "payment_method_options": {"card": {"installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic"}},
            "payment_method_types": ["card", "link"], "processing": null, "receipt_email": "jenny.rosen@example.com",
            "review": null, "setup_future_usage": "off_session",
            "shipping": {"address": {"city": "San Francisco", "country": "US", "line1": "510 Townsend St", "line2": null, "postal_code": "94103", "state": "CA"}, "name": "Jenny Rosen", "phone": "+15555555555"},
            "source": null, "statement_descriptor": null, "statement_descriptor_suffix": null, "status": "succeeded",
            "transfer_data": null, "transfer_group": null
        }},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": "req_Jb2pG0MvLp1HkE", "idempotency_key": "8a1e2c5d-6f7b-4b0e-9d3c-2f1a0b9c8d7e"},
        "type": "payment_intent.succeeded"
    });
    body.to_string()
}

struct Setup {
    processor: Processor,
    request: WebhookRequest,
    signed: Vec<u8>,
    now: SystemTime,
}

fn setup() -> Setup {
    let vendor = leak_vendor(stripe_definition());
    let config = json!({"signing_secret": SECRET});
    let processor = Processor::new(vendor, &config).expect("the bench configuration is valid");
    let body = stripe_body();
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    let mut request = WebhookRequest {
        method: "POST".into(),
        path_and_query: "/".into(),
        headers: vec![
            ("Host".into(), Bytes::from_static(b"hooks.example.com")),
            ("User-Agent".into(), Bytes::from_static(b"Stripe/1.0 (+https://stripe.com/docs/webhooks)")),
            ("Content-Type".into(), Bytes::from_static(b"application/json; charset=utf-8")),
            ("Accept".into(), Bytes::from_static(b"*/*; q=0.5, application/xml")),
            ("Cache-Control".into(), Bytes::from_static(b"no-cache")),
        ],
        body: Bytes::from(body.clone()),
    };
    sign::sign(vendor.definition(), &config, &mut request, now).expect("HMAC definitions can be signed");
    match processor.process(&request, now) {
        Decision::Capture { events, .. } if events.len() == 1 && events[0].collection == "payment_intent_succeeded" => {}
        other => panic!("the bench request must be captured: {other:?}"),
    }
    let expected = RoutedEvent {
        binding: 0,
        event_type: "payment_intent.succeeded".to_string(),
        key: "evt_3NG8Du2eZvKYlo2C1zjb8Ynd".to_string(),
    };
    assert_eq!(processor.route(&request, now), Routing::Events(vec![expected]), "the bench request routes");
    let signed = format!("{NOW}.{body}").into_bytes();
    Setup { processor, request, signed, now }
}

fn raw_hmac(signed: &[u8]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(signed);
    mac.finalize().into_bytes().into()
}

/// The measured cases, in table order: (label, what it runs). The first is the baseline.
type Case<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn cases(s: &Setup) -> Vec<Case<'_>> {
    let body = std::str::from_utf8(&s.request.body).expect("UTF-8");
    let pointers: Vec<Vec<String>> = vec![vec!["type".into()], vec!["id".into()], vec!["_meta".into()]];
    let p = pointers.clone();
    vec![
        ("raw HMAC-SHA256 of `t.body` (baseline)", Box::new(move || _ = black_box(raw_hmac(black_box(&s.signed))))),
        (
            "verify + discriminate + route",
            Box::new(move || drop(black_box(s.processor.route(black_box(&s.request), s.now)))),
        ),
        (
            "Processor::process (validated, document)",
            Box::new(move || drop(black_box(s.processor.process(black_box(&s.request), s.now)))),
        ),
        (
            "  part: authentication alone",
            Box::new(move || drop(black_box(s.processor.authentication_failure(black_box(&s.request), s.now)))),
        ),
        (
            "  part: skip scan (/type, /id, /_meta)",
            Box::new(move || drop(black_box(webhook_runtime::core::scan::resolve_unvalidated(black_box(body), &pointers)))),
        ),
        (
            "  part: one validating JSON pass",
            Box::new(move || drop(black_box(webhook_runtime::core::json::resolve_many(black_box(body), &p)))),
        ),
    ]
}

/// The median time per call over `rounds` batches of `per_round` calls.
fn median_ns(rounds: usize, per_round: usize, f: &dyn Fn()) -> f64 {
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            start.elapsed().as_nanos() as f64 / per_round as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let s = setup();
    let cases = cases(&s);
    // For profiling one case: `CORE_BENCH_PROFILE=<case number, 0-based> perf record …`.
    if let Some(case) = std::env::var("CORE_BENCH_PROFILE").ok().and_then(|c| c.parse::<usize>().ok()) {
        for _ in 0..1_000_000 {
            (cases[case].1)();
        }
        return;
    }
    if !std::env::args().any(|a| a == "--summary-only") {
        let mut criterion = Criterion::default().configure_from_args();
        let mut group = criterion.benchmark_group("stripe_1_5kb");
        for (id, (_, f)) in ["raw_hmac_sha256", "verify_discriminate_route", "processor_process"].iter().zip(&cases) {
            group.bench_function(*id, |b| b.iter(f));
        }
        group.finish();
        criterion.final_summary();
    }

    // Every case measured in turn, 9 times over, so all see the same machine state. Batches
    // are short (50 calls, well under a scheduler time slice) so that on a busy machine a
    // longer case is not more likely to have a preemption inside every batch.
    const REPEATS: usize = 9;
    let mut ns: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for _ in 0..REPEATS {
        for (i, (_, f)) in cases.iter().enumerate() {
            ns[i].push(median_ns(201, 50, f.as_ref()));
        }
    }
    for v in &mut ns {
        v.sort_by(f64::total_cmp);
    }
    let (baseline, baseline_min) = (ns[0][REPEATS / 2], ns[0][0]);
    println!();
    println!("core hot path, Stripe-like event, {} byte body, {} byte signed message", s.request.body.len(), s.signed.len());
    println!("(each case: {REPEATS} interleaved medians of 201 x 50 calls; `median` is their median, `min` their");
    println!(" minimum, the least disturbed by other load on the machine; ratios are to raw HMAC's same statistic)");
    println!();
    println!("{:<44} {:>9} {:>9} {:>10} {:>10}", "case", "median ns", "min ns", "x HMAC med", "x HMAC min");
    for ((label, _), v) in cases.iter().zip(&ns) {
        let (median, min) = (v[REPEATS / 2], v[0]);
        println!("{label:<44} {median:>9.0} {min:>9.0} {:>9.2}x {:>9.2}x", median / baseline, min / baseline_min);
    }
    println!();
    println!("goal (issue 3): verify + discriminate + route <= 1.50x raw HMAC for body-pointer vendors");
}
