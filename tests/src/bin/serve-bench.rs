//! The serving benchmark: a generated connector (GitHub) under signed ~1.5 KB deliveries from 64
//! keep-alive connections, standalone (SQLite group commit) and in Flow mode (with a driver that
//! acknowledges checkpoints as fast as it reads them), beside a bare hyper echo server measured
//! in the same run with the same client.
//!
//! Run: `cargo run --release -p webhookgen-e2e --bin serve-bench [-- --rounds R --seconds S
//! --connections C --only echo|standalone|flow]`. Loopback only; bounded: R rounds (default 3) of
//! a 1 s warm-up plus S seconds (default 3) per server, about 40 s in all.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use webhookgen_e2e::{Connector, FlowRun, Serving, free_port, github_config, github_delivery};

struct Options {
    only: Option<String>,
    rounds: usize,
    seconds: u64,
    warmup: u64,
    connections: usize,
    body: usize,
}

struct Measurement {
    requests: u64,
    failures: u64,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Measurement {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Drives `addr` with `connections` keep-alive clients for warm-up + measured seconds. The
/// clients are tasks on one thread (like `wrk -t1`), so the load generator takes at most one of
/// the machine's cores and costs the same for every server measured.
fn drive(addr: SocketAddr, options: &Options, label: &str) -> Measurement {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicU64::new(0));
    let (warmup, seconds) = (Duration::from_secs(options.warmup), Duration::from_secs(options.seconds));
    let (all, elapsed) = runtime.block_on(async {
        let tasks: Vec<_> = (0..options.connections)
            .map(|c| {
                let (measuring, stop, failures) = (measuring.clone(), stop.clone(), failures.clone());
                let (label, body) = (label.to_string(), options.body);
                tokio::spawn(async move {
                    let mut latencies: Vec<Duration> = Vec::with_capacity(1 << 15);
                    let mut n = 0u64;
                    'connect: while !stop.load(Ordering::Relaxed) {
                        let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
                            failures.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        };
                        let _ = stream.set_nodelay(true);
                        let mut stream = tokio::io::BufStream::new(stream);
                        while !stop.load(Ordering::Relaxed) {
                            let request = github_delivery("push", &format!("{label}-{c}-{n}"), body).to_bytes();
                            n += 1;
                            let started = Instant::now();
                            match exchange(&mut stream, &request).await {
                                Ok(status) if status < 300 => {
                                    if measuring.load(Ordering::Relaxed) {
                                        latencies.push(started.elapsed());
                                    }
                                }
                                Ok(_) => {
                                    failures.fetch_add(1, Ordering::Relaxed);
                                }
                                Err(_) => {
                                    failures.fetch_add(1, Ordering::Relaxed);
                                    continue 'connect;
                                }
                            }
                        }
                    }
                    latencies
                })
            })
            .collect();
        tokio::time::sleep(warmup).await;
        measuring.store(true, Ordering::Relaxed);
        let started = Instant::now();
        tokio::time::sleep(seconds).await;
        measuring.store(false, Ordering::Relaxed);
        let elapsed = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        (all, elapsed)
    });
    let mut all = all;
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    Measurement {
        requests: all.len() as u64,
        failures: failures.load(Ordering::Relaxed),
        elapsed,
        p50: pick(0.50),
        p99: pick(0.99),
    }
}

/// Writes one request and reads its response; returns the status.
async fn exchange(stream: &mut tokio::io::BufStream<tokio::net::TcpStream>, request: &[u8]) -> std::io::Result<u16> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    stream.write_all(request).await?;
    stream.flush().await?;
    let mut line = String::new();
    if stream.read_line(&mut line).await? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = line.get(9..12).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    let mut length = 0usize;
    loop {
        line.clear();
        stream.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok(status)
}

/// The baseline: hyper's HTTP/1 server reading the body and answering 204, nothing else.
fn echo_server(port: u16) -> ExitCode {
    use http_body_util::{BodyExt, Empty};
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper_util::rt::{TokioIo, TokioTimer};
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|request: hyper::Request<hyper::body::Incoming>| async move {
                    let _body = request.into_body().collect().await?.to_bytes();
                    let mut response = hyper::Response::new(Empty::<bytes::Bytes>::new());
                    *response.status_mut() = hyper::StatusCode::NO_CONTENT;
                    Ok::<_, hyper::Error>(response)
                });
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// fdatasync latency of 1.5 KB appends on the file system the store uses: the floor of every
/// durable commit, measured in the same run (§6 of the reliability reference asks for it).
fn fsync_probe() -> (Duration, Duration) {
    use std::io::Write;
    let dir = webhookgen_e2e::temp_dir("fsync-probe");
    let mut file = std::fs::File::create(dir.join("probe")).unwrap();
    let mut latencies: Vec<Duration> = (0..200)
        .map(|_| {
            file.write_all(&[b'x'; 1500]).unwrap();
            let started = Instant::now();
            file.sync_data().unwrap();
            started.elapsed()
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    latencies.sort_unstable();
    (latencies[100], latencies[198])
}

fn print(label: &str, m: &Measurement, echo: Option<&Measurement>) {
    let ratio = echo.map(|e| format!("{:.2}× echo", m.rate() / e.rate())).unwrap_or_else(|| "baseline".into());
    println!(
        "{label:<12} {:>9.0} events/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} requests, {} failed)   {ratio}",
        m.rate(),
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3,
        m.requests,
        m.failures
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--echo-server") {
        return echo_server(args[1].parse().expect("port"));
    }
    let mut options = Options { only: None, rounds: 3, seconds: 3, warmup: 1, connections: 64, body: 1500 };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--only" {
            options.only = it.next().cloned();
            continue;
        }
        let v = it.next().and_then(|v| v.parse::<u64>().ok()).unwrap_or_else(|| panic!("{a} needs a number"));
        match a.as_str() {
            "--rounds" => options.rounds = v.max(1) as usize,
            "--seconds" => options.seconds = v,
            "--warmup" => options.warmup = v,
            "--connections" => options.connections = v as usize,
            "--body" => options.body = v as usize,
            other => panic!("unknown option {other}"),
        }
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for meaningful figures");
    }
    let connector = Connector::of("github");
    println!(
        "serve-bench: {}, {} connections, {} B signed deliveries, {} rounds of ({} s warm-up + {} s measured) per server, {} CPUs",
        connector.binary.display(),
        options.connections,
        options.body,
        options.rounds,
        options.warmup,
        options.seconds,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let run = |phase: &str| options.only.as_deref().is_none_or(|o| o == phase);

    // The three servers, each a process of its own, all started before measuring.
    let port = free_port();
    let mut echo_child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--echo-server", &port.to_string()])
        .spawn()
        .expect("starting the echo server");
    let echo_addr = SocketAddr::from(([127, 0, 0, 1], port));
    webhookgen_e2e::eventually(Duration::from_secs(10), "the echo server listens", || {
        std::net::TcpStream::connect(echo_addr).is_ok()
    });
    // Standalone: SQLite WAL, synchronous=FULL, group commit.
    let serving = run("standalone").then(|| Serving::start(&connector, &github_config(), &[]));
    // Flow mode, with a driver acknowledging every checkpoint it has read, in batches.
    let stop = Arc::new(AtomicBool::new(false));
    let flow = run("flow").then(|| {
        let mut flow = FlowRun::start(&connector);
        flow.open(&github_config(), &["push", "other_events"]);
        let addr = flow.addr;
        let stop = stop.clone();
        let acker = std::thread::spawn(move || {
            let mut unacked = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let Some(line) = flow.next_raw(Duration::from_millis(50)) else { continue };
                let mut next = Some(line);
                while let Some(line) = next {
                    if line.starts_with("{\"checkpoint\"") {
                        unacked += 1;
                    }
                    next = flow.try_raw();
                }
                if unacked > 0 {
                    flow.send(&json!({"acknowledge": {"checkpoints": unacked}}));
                    unacked = 0;
                }
            }
        });
        (addr, acker)
    });

    // Rounds interleave the servers, so that load from elsewhere on the host (and the disk's
    // varying fsync latency) affects each alike; medians are reported.
    let mut echo_rounds = Vec::new();
    let mut standalone_rounds = Vec::new();
    let mut flow_rounds = Vec::new();
    let mut fsync_rounds = Vec::new();
    for round in 0..options.rounds {
        let echo = drive(echo_addr, &options, &format!("echo{round}"));
        print(&format!("echo #{round}"), &echo, None);
        if let Some(serving) = &serving {
            fsync_rounds.push(fsync_probe());
            let m = drive(serving.addr, &options, &format!("standalone{round}"));
            print(&format!("standalone #{round}"), &m, Some(&echo));
            standalone_rounds.push((m.rate() / echo.rate(), m));
        }
        if let Some((addr, _)) = &flow {
            let m = drive(*addr, &options, &format!("flow{round}"));
            print(&format!("flow #{round}"), &m, Some(&echo));
            flow_rounds.push((m.rate() / echo.rate(), m));
        }
        echo_rounds.push(echo);
    }
    let _ = echo_child.kill();
    let _ = echo_child.wait();
    stop.store(true, Ordering::Relaxed);
    if let Some((_, acker)) = flow {
        acker.join().unwrap();
    }
    drop(serving);

    println!("-- medians over {} rounds --", options.rounds);
    echo_rounds.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
    print("echo", &echo_rounds[echo_rounds.len() / 2], None);
    let median = |rounds: &mut Vec<(f64, Measurement)>| {
        rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
        rounds.swap_remove(rounds.len() / 2)
    };
    let standalone = (!standalone_rounds.is_empty()).then(|| median(&mut standalone_rounds));
    let flow_mode = (!flow_rounds.is_empty()).then(|| median(&mut flow_rounds));
    for (label, m) in [("standalone", &standalone), ("flow", &flow_mode)] {
        if let Some((ratio, m)) = m {
            println!(
                "{label:<14} {:>9.0} events/s   p50 {:>7.2} ms   p99 {:>7.2} ms   {ratio:.2}× echo (median ratio)",
                m.rate(),
                m.p50.as_secs_f64() * 1e3,
                m.p99.as_secs_f64() * 1e3
            );
        }
    }
    if !fsync_rounds.is_empty() {
        fsync_rounds.sort();
        let (p50, p99) = fsync_rounds[fsync_rounds.len() / 2];
        println!(
            "fdatasync (1.5 KB append, same file system, median of the probes before each standalone round): p50 {:.2} ms, p99 {:.2} ms; one writer's ceiling at c={} ≈ {:.0} events/s (c / (2 × p50))",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            options.connections,
            options.connections as f64 / (2.0 * p50.as_secs_f64())
        );
    }
    if let Some((ratio, _)) = &flow_mode {
        println!("goal flow ≥ 0.50× echo: {}", *ratio >= 0.5);
    }
    if let Some((ratio, m)) = &standalone {
        println!(
            "goal standalone ≥ 0.25× echo: {}; p99 ≤ 10 ms: {}",
            *ratio >= 0.25,
            m.p99 <= Duration::from_millis(10)
        );
    }
    ExitCode::SUCCESS
}
