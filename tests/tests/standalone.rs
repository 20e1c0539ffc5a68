//! Standalone mode (`serve`) of a connector process on loopback: concurrency, deduplication,
//! durability under kill -9, limits, timeouts, overload and graceful shutdown.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use webhookgen_e2e::{
    Connection, Connector, Request, Serving, client, eventually, github_config, github_delivery, github_signed,
};

fn github() -> Connector {
    Connector::of("github")
}

fn delivery_ids(serving: &Serving, collection: &str) -> Vec<String> {
    serving
        .export()
        .into_iter()
        .filter(|(c, _)| c == collection)
        .map(|(_, doc)| doc["_meta"]["webhookId"].as_str().unwrap().to_string())
        .collect()
}

fn metric(addr: SocketAddr, line_prefix: &str) -> u64 {
    let text = client::send(addr, &Request::get("/metrics")).unwrap().text();
    text.lines().find_map(|l| l.strip_prefix(line_prefix).map(|v| v.trim().parse::<f64>().unwrap() as u64)).unwrap_or(0)
}

#[test]
fn concurrent_signed_requests_are_all_stored() {
    let serving = Serving::start(&github(), &github_config(), &[]);
    let n = 256;
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (addr, barrier) = (serving.addr, barrier.clone());
            std::thread::spawn(move || {
                let mut conn = Connection::open(addr, Duration::from_secs(30)).unwrap();
                let request = github_delivery("push", &format!("concurrent-{i}"), 1500);
                barrier.wait();
                conn.send(&request).unwrap().status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|&s| s == 200), "statuses: {statuses:?}");
    let stored: HashSet<String> = delivery_ids(&serving, "push").into_iter().collect();
    let sent: HashSet<String> = (0..n).map(|i| format!("concurrent-{i}")).collect();
    assert_eq!(stored, sent);
    assert_eq!(metric(serving.addr, "webhook_events_total{binding=\"push\"}"), n as u64);
}

#[test]
fn duplicates_are_stored_once_and_answered_2xx() {
    let serving = Serving::start(&github(), &github_config(), &[]);
    let ids = 40;
    let copies = 3;
    let barrier = Arc::new(Barrier::new(ids * copies));
    let threads: Vec<_> = (0..ids * copies)
        .map(|i| {
            let (addr, barrier) = (serving.addr, barrier.clone());
            std::thread::spawn(move || {
                let mut conn = Connection::open(addr, Duration::from_secs(30)).unwrap();
                let request = github_delivery("issues", &format!("dup-{}", i % ids), 600);
                barrier.wait();
                conn.send(&request).unwrap().status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    // A later redelivery (GitHub's "Redeliver" keeps the delivery id) is answered 2xx, not stored.
    let redelivery = client::send(serving.addr, &github_delivery("issues", "dup-7", 600)).unwrap();
    assert_eq!(redelivery.status, 200);
    let stored = delivery_ids(&serving, "issues");
    assert_eq!(stored.len(), ids, "{stored:?}");
    assert_eq!(stored.iter().collect::<HashSet<_>>().len(), ids);
    assert_eq!(metric(serving.addr, "webhook_dedup_hits_total"), (ids * (copies - 1) + 1) as u64);
}

#[test]
fn a_rejected_signature_does_not_claim_the_key() {
    let serving = Serving::start(&github(), &github_config(), &[]);
    let mut forged = github_delivery("push", "claim-1", 300);
    forged.headers.retain(|(n, _)| n != "X-Hub-Signature-256");
    let forged = forged.header("X-Hub-Signature-256", &format!("sha256={}", "0".repeat(64)));
    assert_eq!(client::send(serving.addr, &forged).unwrap().status, 401);
    assert_eq!(client::send(serving.addr, &github_delivery("push", "claim-1", 300)).unwrap().status, 200);
    assert_eq!(delivery_ids(&serving, "push"), vec!["claim-1".to_string()]);
}

/// kill -9 while clients keep sending: every id that got a 2xx is in the store after restart.
#[test]
fn kill_9_under_load_loses_no_acknowledged_event() {
    let mut serving = Serving::start(&github(), &github_config(), &[]);
    let addr = Arc::new(Mutex::new(serving.addr));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..16)
        .map(|c| {
            let (addr, acknowledged, stop, sent) = (addr.clone(), acknowledged.clone(), stop.clone(), sent.clone());
            std::thread::spawn(move || {
                let mut conn: Option<Connection> = None;
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let id = format!("k9-{c}-{n}");
                    n += 1;
                    sent.fetch_add(1, Ordering::Relaxed);
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
                    match connection.send(&github_delivery("push", &id, 1200)) {
                        Ok(r) if r.status == 200 => acknowledged.lock().unwrap().push(id),
                        Ok(_) => {}
                        Err(_) => conn = None, // killed: reconnect (to the restarted process)
                    }
                }
            })
        })
        .collect();
    for round in 0..8 {
        let before = acknowledged.lock().unwrap().len();
        eventually(Duration::from_secs(60), "clients make progress", || {
            acknowledged.lock().unwrap().len() >= before + 200
        });
        serving.kill9();
        serving.restart();
        *addr.lock().unwrap() = serving.addr;
        eprintln!("round {round}: {} acknowledged so far", acknowledged.lock().unwrap().len());
    }
    let before = acknowledged.lock().unwrap().len();
    eventually(Duration::from_secs(60), "clients make progress after the last restart", || {
        acknowledged.lock().unwrap().len() >= before + 50
    });
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let stored: HashSet<String> = delivery_ids(&serving, "push").into_iter().collect();
    let acknowledged = acknowledged.lock().unwrap();
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged ids are not stored: {:?}",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(10)]
    );
    assert!(stored.len() <= sent.load(Ordering::Relaxed));
}

fn limited() -> Serving {
    Serving::start(
        &github(),
        &github_config(),
        &[
            ("WEBHOOK_MAX_BODY_BYTES", "65536"),
            ("WEBHOOK_HEADER_TIMEOUT_MS", "500"),
            ("WEBHOOK_BODY_TIMEOUT_MS", "500"),
        ],
    )
}

#[test]
fn an_over_long_content_length_is_refused_before_the_body_is_sent() {
    let serving = limited();
    let mut conn = Connection::open(serving.addr, Duration::from_secs(10)).unwrap();
    conn.write_raw(b"POST / HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\nContent-Length: 100000000\r\n\r\n").unwrap();
    let response = conn.read_response("POST").unwrap();
    assert_eq!(response.status, 413);
}

#[test]
fn a_chunked_body_over_the_limit_is_refused() {
    let serving = limited();
    let mut conn = Connection::open(serving.addr, Duration::from_secs(10)).unwrap();
    conn.write_raw(b"POST / HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'a'; 16 * 1024];
    let mut status = None;
    for _ in 0..8 {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        if conn.write_raw(&frame).is_err() {
            break; // the server answered and closed while we were still sending
        }
    }
    let _ = conn.write_raw(b"0\r\n\r\n");
    if let Ok(r) = conn.read_response("POST") {
        status = Some(r.status);
    }
    assert_eq!(status, Some(413));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn bodies_are_limited_and_verified_after_decompression() {
    let serving = limited();
    // A signed delivery sent gzip-compressed: the signature covers the decompressed bytes.
    let plain = github_delivery("push", "gz-1", 4000);
    let mut compressed = plain.clone();
    compressed.body = gzip(&plain.body);
    let compressed = compressed.header("Content-Encoding", "gzip");
    assert_eq!(client::send(serving.addr, &compressed).unwrap().status, 200);
    assert_eq!(delivery_ids(&serving, "push"), vec!["gz-1".to_string()]);
    // A bomb: 1 KiB on the wire, 8 MiB inflated, over the 64 KiB limit.
    let bomb = gzip(&vec![b' '; 8 * 1024 * 1024]);
    assert!(bomb.len() < 16 * 1024);
    let request = github_signed("push", "bomb", bomb).header("Content-Encoding", "gzip");
    assert_eq!(client::send(serving.addr, &request).unwrap().status, 413);
    let request = github_signed("push", "lzma", b"{}".to_vec()).header("Content-Encoding", "lzma");
    assert_eq!(client::send(serving.addr, &request).unwrap().status, 415);
}

#[test]
fn slow_headers_are_cut_off() {
    let serving = limited();
    let mut conn = Connection::open(serving.addr, Duration::from_secs(10)).unwrap();
    conn.write_raw(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow").unwrap();
    // The header timeout (500 ms) closes the connection (hyper may first answer 408).
    match conn.read_response("POST") {
        Ok(r) => assert_eq!(r.status, 408),
        Err(e) => assert!(
            matches!(e.kind(), std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset),
            "expected the server to close the connection, got {e}"
        ),
    }
}

#[test]
fn a_slow_body_gets_408() {
    let serving = limited();
    let mut conn = Connection::open(serving.addr, Duration::from_secs(10)).unwrap();
    conn.write_raw(b"POST / HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\nContent-Length: 100\r\n\r\n{\"a\":")
        .unwrap();
    assert_eq!(conn.read_response("POST").unwrap().status, 408);
}

#[test]
fn other_methods_get_405_and_health_answers() {
    let serving = limited();
    let mut put = github_delivery("push", "m", 100);
    put.method = "PUT".into();
    let r = client::send(serving.addr, &put).unwrap();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    assert_eq!(client::send(serving.addr, &Request::get("/healthz")).unwrap().status, 200);
}

/// Holds SQLite's write lock from outside, so the connector's commits wait.
fn lock_store(serving: &Serving) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(serving.data_dir.join("webhooks.sqlite")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn
}

/// A stalled store: requests past the in-flight budget get 503 + Retry-After at once; those in
/// flight get 503 at the handler deadline, never a 2xx; after the stall every retry is stored once.
#[test]
fn overload_and_stalled_commits_get_503_then_retries_succeed() {
    let serving = Serving::start(
        &github(),
        &github_config(),
        &[("WEBHOOK_MAX_IN_FLIGHT", "4"), ("WEBHOOK_HANDLER_DEADLINE_MS", "1500")],
    );
    let lock = lock_store(&serving);
    let stuck: Vec<_> = (0..4)
        .map(|i| {
            let addr = serving.addr;
            std::thread::spawn(move || {
                client::send(addr, &github_delivery("push", &format!("stall-{i}"), 500)).unwrap()
            })
        })
        .collect();
    eventually(Duration::from_secs(10), "4 requests are in flight", || {
        metric(serving.addr, "webhook_in_flight_requests") == 4
    });
    let shed = client::send(serving.addr, &github_delivery("push", "stall-extra", 500)).unwrap();
    assert_eq!(shed.status, 503);
    assert_eq!(shed.header("retry-after"), Some("1"));
    for t in stuck {
        let r = t.join().unwrap();
        assert_eq!(r.status, 503, "{}", r.text());
        assert!(r.header("retry-after").is_some());
    }
    drop(lock);
    for i in 0..4 {
        let r = client::send(serving.addr, &github_delivery("push", &format!("stall-{i}"), 500)).unwrap();
        assert_eq!(r.status, 200);
    }
    assert_eq!(client::send(serving.addr, &github_delivery("push", "stall-extra", 500)).unwrap().status, 200);
    let mut stored = delivery_ids(&serving, "push");
    stored.sort();
    assert_eq!(stored, vec!["stall-0", "stall-1", "stall-2", "stall-3", "stall-extra"]);
    let outcomes: BTreeMap<&str, u64> = [("overloaded", 1), ("deadline", 4)]
        .into_iter()
        .map(|(o, n)| (o, metric(serving.addr, &format!("webhook_requests_total{{outcome=\"{o}\"}}")).min(n)))
        .collect();
    assert_eq!(outcomes, BTreeMap::from([("deadline", 4), ("overloaded", 1)]));
}

/// SIGTERM with requests in flight: no new connections, the in-flight ones complete with their
/// commit, and the process exits cleanly.
#[test]
fn sigterm_drains_in_flight_requests() {
    let mut serving = Serving::start(&github(), &github_config(), &[]);
    let addr = serving.addr;
    let lock = lock_store(&serving);
    let in_flight: Vec<_> = (0..3)
        .map(|i| {
            let mut conn = Connection::open(addr, Duration::from_secs(20)).unwrap();
            std::thread::spawn(move || conn.send(&github_delivery("push", &format!("drain-{i}"), 500)).unwrap())
        })
        .collect();
    eventually(Duration::from_secs(10), "3 requests are in flight", || metric(addr, "webhook_in_flight_requests") == 3);
    let terminating = std::thread::spawn(move || {
        let status = serving.terminate(Duration::from_secs(15));
        (serving, status)
    });
    eventually(Duration::from_secs(10), "the listener is closed", || std::net::TcpStream::connect(addr).is_err());
    drop(lock);
    for t in in_flight {
        assert_eq!(t.join().unwrap().status, 200);
    }
    let (serving, status) = terminating.join().unwrap();
    assert!(status.is_some_and(|s| s.success()), "exit: {status:?}\n{}", serving.log_text());
    let mut stored = delivery_ids(&serving, "push");
    stored.sort();
    assert_eq!(stored, vec!["drain-0", "drain-1", "drain-2"]);
}

/// A duplicate arriving while its original's commit is stalled is not answered before that commit.
#[test]
fn a_concurrent_duplicate_waits_for_the_original_commit() {
    let serving = Serving::start(&github(), &github_config(), &[]);
    let lock = lock_store(&serving);
    let copies: Vec<_> = (0..2)
        .map(|_| {
            let addr = serving.addr;
            std::thread::spawn(move || client::send(addr, &github_delivery("push", "same-delivery", 400)).unwrap())
        })
        .collect();
    eventually(Duration::from_secs(10), "both copies are in flight", || {
        metric(serving.addr, "webhook_in_flight_requests") == 2
    });
    assert!(copies.iter().all(|c| !c.is_finished()), "a copy was answered while the commit was stalled");
    drop(lock);
    for c in copies {
        assert_eq!(c.join().unwrap().status, 200);
    }
    assert_eq!(delivery_ids(&serving, "push"), vec!["same-delivery".to_string()]);
}

/// Past the connection cap, a new client is not served until a connection closes.
#[test]
fn connections_are_capped() {
    let serving = Serving::start(&github(), &github_config(), &[("WEBHOOK_MAX_CONNECTIONS", "2")]);
    // /healthz polling during start-up used connections that are closed by now; hold two open.
    let mut first = Connection::open(serving.addr, Duration::from_secs(10)).unwrap();
    let mut second = Connection::open(serving.addr, Duration::from_secs(10)).unwrap();
    assert_eq!(first.send(&Request::get("/healthz")).unwrap().status, 200);
    assert_eq!(second.send(&Request::get("/healthz")).unwrap().status, 200);
    let mut third = Connection::open(serving.addr, Duration::from_millis(500)).unwrap();
    third.write_raw(&Request::get("/healthz").to_bytes()).unwrap();
    let waiting = third.read_response("GET");
    assert!(waiting.is_err(), "a third connection was served past the cap of 2: {waiting:?}");
    drop(first);
    // Its request, sent while it waited in the backlog, is answered once a slot is free.
    let mut third = third;
    let mut attempts = 0;
    let answered = loop {
        attempts += 1;
        match third.read_response("GET") {
            Ok(r) => break r,
            Err(e)
                if attempts < 40
                    && matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                continue;
            }
            Err(e) => panic!("the waiting connection failed: {e}"),
        }
    };
    assert_eq!(answered.status, 200);
}

/// Bodies in flight are bounded in bytes too: past the budget, 503 + Retry-After before reading.
#[test]
fn the_in_flight_byte_budget_sheds_large_bodies() {
    let serving = Serving::start(&github(), &github_config(), &[("WEBHOOK_MAX_IN_FLIGHT_BYTES", "102400")]);
    let large = client::send(serving.addr, &github_delivery("push", "large-1", 200_000)).unwrap();
    assert_eq!(large.status, 503);
    assert_eq!(large.header("retry-after"), Some("1"));
    let small = client::send(serving.addr, &github_delivery("push", "small-1", 50_000)).unwrap();
    assert_eq!(small.status, 200);
    assert_eq!(delivery_ids(&serving, "push"), vec!["small-1".to_string()]);
}

/// A body large enough to be decided off the connection's task is verified and stored like any.
#[test]
fn a_large_signed_body_is_stored() {
    let serving = Serving::start(&github(), &github_config(), &[]);
    let r = client::send(serving.addr, &github_delivery("push", "big-1", 3 * 1024 * 1024)).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(delivery_ids(&serving, "push"), vec!["big-1".to_string()]);
}

/// Unmounts a test file system when dropped.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// A full disk: the connector answers 503 (never a 4xx, never a 2xx for what it could not
/// store), and recovers by itself once space is freed.
#[test]
fn a_full_disk_answers_503_and_recovers() {
    let mnt = webhookgen_e2e::temp_dir("disk-full");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: mounting a 2 MiB tmpfs needs root (CAP_SYS_ADMIN)");
        return;
    }
    let _mount = Mount(mnt.clone());
    let filler = mnt.join("filler");
    std::fs::write(&filler, vec![0u8; 512 * 1024]).unwrap();
    let serving = Serving::start_in(&github(), &github_config(), &[], Some(mnt.join("data")));
    let mut acknowledged = Vec::new();
    let mut refused = None;
    for i in 0..2000 {
        let id = format!("full-{i}");
        let r = client::send(serving.addr, &github_delivery("push", &id, 4000)).unwrap();
        match r.status {
            200 => acknowledged.push(id),
            status => {
                refused = Some((id, status, r.header("retry-after").map(str::to_string)));
                break;
            }
        }
    }
    let (refused_id, status, retry_after) = refused.expect("the 2 MiB file system filled up");
    assert_eq!(status, 503);
    assert!(retry_after.is_some());
    std::fs::remove_file(&filler).unwrap();
    let retry = client::send(serving.addr, &github_delivery("push", &refused_id, 4000)).unwrap();
    assert_eq!(retry.status, 200, "recovers once space is free");
    acknowledged.push(refused_id);
    let stored: HashSet<String> = delivery_ids(&serving, "push").into_iter().collect();
    let missing: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(missing.is_empty(), "acknowledged but not stored: {missing:?}");
    assert_eq!(stored.len(), acknowledged.len());
}
