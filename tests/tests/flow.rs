//! Flow mode of a connector process, driven by a harness that plays the Flow runtime: unary
//! requests, then `open`, concurrent webhooks, and acknowledgements withheld, delayed and batched.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use webhookgen_e2e::{Connection, Connector, FlowRun, client, eventually, github_config, github_delivery};

const LINE: Duration = Duration::from_secs(20);

fn github() -> Connector {
    Connector::of("github")
}

#[test]
fn unary_requests_are_answered_in_order_until_eof() {
    let mut flow = FlowRun::start(&github());
    flow.send(&json!({"spec": {"connectorType": "IMAGE", "config": {}}, "$internal": "AA=="}));
    let spec = flow.next(LINE);
    assert_eq!(spec["spec"]["protocol"], 3032023);
    assert_eq!(spec["spec"]["configSchema"]["properties"]["webhook_secret"]["secret"], true);
    assert_eq!(spec["spec"]["resourcePathPointers"], json!(["/collection"]));
    assert!(spec["spec"]["documentationUrl"].as_str().unwrap().starts_with("https://"));

    flow.send(&json!({"discover": {"connectorType": "IMAGE", "config": github_config()}}));
    let bindings = flow.next(LINE)["discovered"]["bindings"].as_array().unwrap().clone();
    let by_name: HashMap<&str, &Value> = bindings.iter().map(|b| (b["recommendedName"].as_str().unwrap(), b)).collect();
    let push = by_name["push"];
    assert_eq!(push["resourceConfig"], json!({"collection": "push"}));
    assert_eq!(push["key"], json!(["/_meta/webhookId"]));
    assert_eq!(push["resourcePath"], json!(["push"]));
    assert!(push.get("disable").is_none());
    assert!(push.get("isFallbackKey").is_none(), "GitHub's key is its delivery id, not ours");
    assert_eq!(
        push["documentSchema"]["properties"]["_meta"]["required"],
        json!(["webhookId", "receivedAt", "eventType"])
    );
    assert_eq!(by_name["branch_protection_rule"]["disable"], true);
    assert_eq!(bindings.last().unwrap()["recommendedName"], "other_events");

    flow.send(&json!({"validate": {"name": "acme/gh", "connectorType": "IMAGE", "config": github_config(),
        "bindings": [{"resourceConfig": {"collection": "push"}, "collection": {"name": "acme/push"}},
                     {"resource_config_json": {"collection": "other_events"}, "collection": {"name": "acme/o"}}]}}));
    assert_eq!(
        flow.next(LINE),
        json!({"validated": {"bindings": [{"resourcePath": ["push"]}, {"resourcePath": ["other_events"]}]}})
    );
    flow.send(&json!({"apply": {"capture": {}, "version": "1"}}));
    assert_eq!(flow.next(LINE), json!({"applied": {}}));
    let status = flow.close(Duration::from_secs(10)).expect("exits on EOF");
    assert!(status.success());
}

#[test]
fn validate_rejects_duplicate_bindings_and_bad_config() {
    for (config, bindings, expected_failure) in [
        (
            github_config(),
            json!([{"resourceConfig": {"collection": "push"}}, {"resourceConfig": {"collection": "push"}}]),
            "bindings 0 and 1 both capture collection \\\"push\\\"",
        ),
        (
            github_config(),
            json!([{"resourceConfig": {"collection": "no_such_thing"}}]),
            "GitHub sends no collection \\\"no_such_thing\\\"",
        ),
        (json!({}), json!([{"resourceConfig": {"collection": "push"}}]), "webhook_secret"),
    ] {
        let mut flow = FlowRun::start(&github());
        flow.send(&json!({"validate": {"config": config, "bindings": bindings}}));
        assert_eq!(flow.try_next(Duration::from_secs(5)), None, "{expected_failure}: no validated answer expected");
        let status = flow.close(Duration::from_secs(10)).expect("exits");
        assert!(!status.success(), "{expected_failure}: must exit non-zero");
        let log = flow.log_text();
        assert!(log.contains(expected_failure), "the error should say {expected_failure:?}; log:\n{log}");
    }
}

/// One transaction per request (captured, then checkpoint), never interleaved, on the right
/// binding; no vendor answer before the acknowledgement of its checkpoint; batched acks.
#[test]
fn every_answer_waits_for_the_acknowledgement_of_its_checkpoint() {
    let mut flow = FlowRun::start(&github());
    // Binding order differs from the definition's on purpose: `binding` indexes *these*.
    flow.open(&github_config(), &["other_events", "issues", "push"]);
    let addr = flow.addr;
    let kinds = [("push", 2u64), ("issues", 1), ("frobnicated", 0)];
    let n = 258;
    let responses: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
    let clients: Vec<_> = (0..n)
        .map(|i| {
            let responses = responses.clone();
            let (event, _) = kinds[i % kinds.len()];
            std::thread::spawn(move || {
                let id = format!("flow-{i}");
                let mut conn = Connection::open(addr, Duration::from_secs(60)).unwrap();
                let r = conn.send(&github_delivery(event, &id, 1500)).unwrap();
                responses.lock().unwrap().push((id, r.status));
            })
        })
        .collect();

    // Read every transaction, acknowledging nothing yet.
    let mut order: Vec<String> = Vec::new(); // delivery ids in checkpoint order
    let mut open_txn: Vec<Value> = Vec::new();
    while order.len() < n {
        let line = flow.next(LINE);
        if let Some(captured) = line.get("captured") {
            open_txn.push(captured.clone());
        } else if line.get("checkpoint").is_some() {
            assert_eq!(line, json!({"checkpoint": {"state": {"updated": {}, "mergePatch": true}}}));
            assert_eq!(open_txn.len(), 1, "one request, one document, one checkpoint: {open_txn:?}");
            let captured = open_txn.pop().unwrap();
            let doc = &captured["doc"];
            let id = doc["_meta"]["webhookId"].as_str().unwrap().to_string();
            let event = doc["_meta"]["eventType"].as_str().unwrap();
            let expected = kinds.iter().find(|(k, _)| event.starts_with(k)).unwrap().1;
            assert_eq!(captured["binding"].as_u64().unwrap_or(0), expected, "{event} on the wrong binding");
            order.push(id);
        } else {
            panic!("unexpected line {line}");
        }
    }
    assert_eq!(order.iter().collect::<HashSet<_>>().len(), n);
    assert!(responses.lock().unwrap().is_empty(), "a vendor was answered before any acknowledgement");

    // Acknowledge in batches of varying size; after each, exactly the acknowledged are answered.
    let mut acked = 0;
    let mut batch = 1;
    while acked < n {
        let k = batch.min(n - acked);
        flow.send(&json!({"acknowledge": {"checkpoints": k}}));
        acked += k;
        batch = batch % 7 + 1;
        eventually(Duration::from_secs(20), "acknowledged requests are answered", || {
            responses.lock().unwrap().len() >= acked
        });
        let answered: HashSet<String> = responses.lock().unwrap().iter().map(|(id, _)| id.clone()).collect();
        let allowed: HashSet<String> = order[..acked].iter().cloned().collect();
        let early: Vec<&String> = answered.difference(&allowed).collect();
        assert!(early.is_empty(), "answered before their acknowledgement: {early:?}");
    }
    for c in clients {
        c.join().unwrap();
    }
    assert!(responses.lock().unwrap().iter().all(|(_, s)| *s == 200));
    assert!(flow.close(Duration::from_secs(15)).is_some_and(|s| s.success()));
}

/// Events of a collection the capture does not bind (the user disabled it) are answered without a
/// transaction; a handshake is answered without one too.
#[test]
fn unbound_collections_and_handshakes_write_nothing() {
    let mut flow = FlowRun::start(&github());
    flow.open(&github_config(), &["push"]);
    let r = client::send(flow.addr, &github_delivery("star", "unbound-1", 300)).unwrap();
    assert_eq!(r.status, 200);
    let r = client::send(flow.addr, &github_delivery("ping", "ping-1", 300)).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(flow.try_next(Duration::from_millis(300)), None);
    assert!(flow.close(Duration::from_secs(15)).is_some_and(|s| s.success()));
}

/// stdin closing while requests wait: they are answered 503 at once and the connector exits.
#[test]
fn eof_answers_pending_requests_503_and_exits() {
    let mut flow = FlowRun::start(&github());
    flow.open(&github_config(), &["push"]);
    let addr = flow.addr;
    let waiting: Vec<_> = (0..2)
        .map(|i| {
            std::thread::spawn(move || client::send(addr, &github_delivery("push", &format!("eof-{i}"), 300)).unwrap())
        })
        .collect();
    let mut checkpoints = 0;
    while checkpoints < 2 {
        if flow.next(LINE).get("checkpoint").is_some() {
            checkpoints += 1;
        }
    }
    let status = flow.close(Duration::from_secs(15));
    for w in waiting {
        let r = w.join().unwrap();
        assert_eq!(r.status, 503);
        assert!(r.header("retry-after").is_some());
    }
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

/// Acknowledging more checkpoints than were written is a protocol violation: exit non-zero.
#[test]
fn an_acknowledgement_without_checkpoint_is_fatal() {
    let mut flow = FlowRun::start(&github());
    flow.open(&github_config(), &["push"]);
    flow.send(&json!({"acknowledge": {"checkpoints": 1}}));
    let mut exited = None;
    eventually(Duration::from_secs(15), "the connector exits", || {
        exited = flow.close(Duration::from_millis(50));
        exited.is_some()
    });
    assert!(!exited.unwrap().success());
}

/// SIGTERM: stop accepting, let a request waiting for its acknowledgement finish, exit cleanly.
#[test]
fn sigterm_drains_requests_waiting_for_acknowledgement() {
    let mut flow = FlowRun::start(&github());
    flow.open(&github_config(), &["push"]);
    let addr = flow.addr;
    let waiting = std::thread::spawn(move || client::send(addr, &github_delivery("push", "term-1", 300)).unwrap());
    while flow.next(LINE).get("checkpoint").is_none() {}
    flow.terminate();
    eventually(Duration::from_secs(10), "the listener is closed", || std::net::TcpStream::connect(addr).is_err());
    assert!(!waiting.is_finished());
    flow.send(&json!({"acknowledge": {"checkpoints": 1}}));
    assert_eq!(waiting.join().unwrap().status, 200);
    assert!(flow.close(Duration::from_secs(15)).is_some_and(|s| s.success()));
}

/// A fake runtime that acknowledges late and in batches, and crashes the connector (kill -9)
/// with transactions unacknowledged, 5 times under load: every delivery that got a 200 is in
/// what the runtime committed, and nothing was answered before its acknowledgement.
#[test]
fn crashes_before_acknowledgement_lose_no_answered_delivery() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let connector = github();
    let mut flow = FlowRun::start(&connector);
    flow.open(&github_config(), &["push"]);
    let addr = Arc::new(Mutex::new(flow.addr));
    let answered: Arc<Mutex<Vec<String>>> = Arc::default();
    let committed: Arc<Mutex<HashSet<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..12)
        .map(|c| {
            let (addr, answered, committed, stop) = (addr.clone(), answered.clone(), committed.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                let mut conn: Option<Connection> = None;
                while !stop.load(Ordering::Relaxed) {
                    let target = *addr.lock().unwrap();
                    let connection = match conn.as_mut() {
                        Some(c) => c,
                        None => match Connection::open(target, Duration::from_secs(10)) {
                            Ok(c) => conn.insert(c),
                            Err(_) => {
                                std::thread::sleep(Duration::from_millis(5));
                                continue;
                            }
                        },
                    };
                    let id = format!("crash-{c}-{n}");
                    n += 1;
                    match connection.send(&github_delivery("push", &id, 800)) {
                        Ok(r) if r.status == 200 => {
                            // The runtime records a commit before it sends the acknowledgement.
                            assert!(committed.lock().unwrap().contains(&id), "{id} answered 200 before its commit");
                            answered.lock().unwrap().push(id);
                        }
                        Ok(_) => {}
                        Err(_) => conn = None,
                    }
                }
            })
        })
        .collect();

    let mut pending: Vec<Vec<String>> = Vec::new(); // transactions read, not yet acknowledged
    let mut open_docs: Vec<String> = Vec::new();
    let mut crashes = 0;
    let mut since_crash = 0;
    let mut tick: u64 = 0;
    while crashes < 5 || since_crash < 100 {
        tick += 1;
        if let Some(line) = flow.next_raw(Duration::from_millis(5)) {
            let v: Value = serde_json::from_str(&line).unwrap();
            if let Some(c) = v.get("captured") {
                open_docs.push(c["doc"]["_meta"]["webhookId"].as_str().unwrap().to_string());
            } else if v.get("checkpoint").is_some() {
                pending.push(std::mem::take(&mut open_docs));
            }
        }
        // Acknowledge late (every few ticks) and in batches of whatever is pending.
        if tick % 7 == 0 && !pending.is_empty() {
            let batch = pending.len();
            {
                let mut committed = committed.lock().unwrap();
                for txn in pending.drain(..) {
                    since_crash += txn.len();
                    committed.extend(txn);
                }
            }
            flow.send(&json!({"acknowledge": {"checkpoints": batch}}));
        }
        if crashes < 5 && since_crash >= 150 && !pending.is_empty() {
            // Crash with transactions written but unacknowledged: they are lost, unanswered.
            drop(flow);
            pending.clear();
            open_docs.clear();
            flow = FlowRun::start(&connector);
            flow.open(&github_config(), &["push"]);
            *addr.lock().unwrap() = flow.addr;
            crashes += 1;
            since_crash = 0;
        }
    }
    stop.store(true, Ordering::Relaxed);
    // Let the clients finish their last request: acknowledge what remains until they are done.
    if !pending.is_empty() {
        let batch = pending.len();
        committed.lock().unwrap().extend(pending.drain(..).flatten());
        flow.send(&json!({"acknowledge": {"checkpoints": batch}}));
    }
    while clients.iter().any(|c| !c.is_finished()) {
        if let Some(line) = flow.next_raw(Duration::from_millis(5)) {
            let v: Value = serde_json::from_str(&line).unwrap();
            if let Some(c) = v.get("captured") {
                open_docs.push(c["doc"]["_meta"]["webhookId"].as_str().unwrap().to_string());
            } else if v.get("checkpoint").is_some() {
                committed.lock().unwrap().extend(std::mem::take(&mut open_docs));
                flow.send(&json!({"acknowledge": {"checkpoints": 1}}));
            }
        }
    }
    for c in clients {
        c.join().unwrap();
    }
    let committed = committed.lock().unwrap();
    let answered = answered.lock().unwrap();
    assert!(answered.len() >= 5 * 150, "only {} answered", answered.len());
    let lost: Vec<&String> = answered.iter().filter(|id| !committed.contains(*id)).collect();
    assert!(lost.is_empty(), "answered but never committed: {lost:?}");
}
