//! The connector's HTTP server: hyper's HTTP/1 connection with a timer installed (so the
//! header-read timeout is real), a bounded number of connections, graceful shutdown.
//!
//! axum's `serve` installs no timer (hyper then silently runs without its header timeout), so
//! the accept loop is our own: it is short, and it is where the limits live.

mod body;
mod handler;

pub use body::{BodyError, ByteBudget, Charge, decode};
pub use handler::{App, Decide};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// A server that is accepting connections.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting; in-flight requests finish (within the limits' shutdown grace).
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits until the server has stopped and drained.
    pub async fn stopped(self) {
        let _ = self.task.await;
    }
}

/// Binds `addr` and serves `app` until [`Running::shutdown`].
pub async fn start(addr: SocketAddr, app: Arc<App>) -> std::io::Result<Running> {
    let listener = TcpListener::bind(addr).await?;
    serve(listener, app)
}

/// Serves `app` on an already bound listener until [`Running::shutdown`].
pub fn serve(listener: TcpListener, app: Arc<App>) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, app, wait_for(stopped)));
    Ok(Running { addr, stop, task })
}

async fn wait_for(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

async fn accept_loop(listener: TcpListener, app: Arc<App>, stop: impl Future<Output = ()>) {
    let limits = app.limits().clone();
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true).max_headers(100);
    tokio::pin!(stop);
    loop {
        // Past the connection cap, further clients wait in the kernel's listen backlog.
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // EMFILE and friends: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = service_fn(move |request| {
            let app = app.clone();
            async move { Ok::<_, std::convert::Infallible>(app.handle(request).await) }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    app.begin_shutdown();
    tracing::info!(eventType = "connectorStatus", "stopped accepting connections; draining in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections drained"),
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("shutdown grace period over; closing the remaining connections")
        }
    }
}
