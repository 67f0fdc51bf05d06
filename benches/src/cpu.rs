//! Host CPU time of processes and of the calling thread, from
//! `/proc/PID/stat` (utime + stime).

use std::sync::OnceLock;

/// What `/proc/PID/stat` says about a process.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcStat {
    /// Process state letter (`R`, `S`, `Z` for a zombie, ...).
    pub state: char,
    /// User plus system CPU time, in seconds.
    pub cpu_s: f64,
}

impl ProcStat {
    /// Whether the process has exited (a zombie waiting to be reaped).
    pub fn exited(&self) -> bool {
        matches!(self.state, 'Z' | 'X')
    }
}

/// Clock ticks per second of the stat counters (`getconf CLK_TCK`, else 100).
fn ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .filter(|t: &f64| *t > 0.0)
            .unwrap_or(100.0)
    })
}

/// Parses the text of a `stat` file (the command name may hold spaces and
/// parentheses, so fields are counted after the last `)`).
pub fn parse_stat(text: &str) -> Option<ProcStat> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Field 3 of proc(5) is the state; 14 and 15 are utime and stime.
    let state = fields.first()?.chars().next()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(ProcStat {
        state,
        cpu_s: (utime + stime) as f64 / ticks_per_second(),
    })
}

/// The state and CPU time of process `pid`; `None` once it is reaped.
pub fn process(pid: u32) -> Option<ProcStat> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// CPU time of the calling thread, in seconds.
pub fn this_thread() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    Some(parse_stat(&text)?.cpu_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_with_parentheses() {
        let line = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0";
        let s = parse_stat(line).unwrap();
        assert_eq!(s.state, 'S');
        assert!((s.cpu_s - 300.0 / ticks_per_second()).abs() < 1e-9);
        assert!(!s.exited());
        assert!(parse_stat("1 (x) Z").is_none());
    }

    #[test]
    fn this_process_has_spent_cpu() {
        assert!(process(std::process::id()).is_some_and(|s| !s.exited()));
        assert!(this_thread().is_some());
    }
}
