//! Test-only hooks of the worker (feature `test-hooks`, never in release
//! builds): `PV3D_WORKER_FORBIDDEN=open|connect|socket` makes a jailed
//! worker try that call, so a test can see the filter kill it.

/// The variable naming the forbidden call to try.
pub const FORBIDDEN_ENV: &str = "PV3D_WORKER_FORBIDDEN";

/// Tries the forbidden call named in [`FORBIDDEN_ENV`], if any (the
/// variable is read from memory: no system call).
pub(super) fn after_jail() {
    let Some(what) = std::env::var_os(FORBIDDEN_ENV) else {
        return;
    };
    let outcome = match what.to_str() {
        Some("open") => std::fs::File::open("/etc/hostname").map(drop),
        Some("connect") => std::net::TcpStream::connect("127.0.0.1:9").map(drop),
        Some("socket") => std::os::unix::net::UnixDatagram::unbound().map(drop),
        _ => Ok(()),
    };
    // Reached only when the call was not stopped.
    eprintln!("pv3d worker: forbidden call {what:?} was not stopped: {outcome:?}");
}
