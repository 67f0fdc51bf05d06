//! The render worker the isolation tests start: what `pv3d worker` runs,
//! built with the test-only hooks (feature `test-hooks`).

fn main() -> std::process::ExitCode {
    match host_renderer::isolate::serve_stdin() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pv3d-test-worker: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
