//! Waiting for SIGTERM (what Flow, Docker and systemd send) or SIGINT (Ctrl-C).

/// Resolves when the process receives SIGTERM or SIGINT, then calls `then`.
pub async fn signals(then: impl FnOnce()) {
    wait().await;
    then();
}

#[cfg(unix)]
async fn wait() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => std::future::pending::<()>().await,
    }
}

#[cfg(not(unix))]
async fn wait() {
    let _ = tokio::signal::ctrl_c().await;
}
