//! `--stats FILE`: one line per client whenever its count of renderer
//! errors grows, and one when it disconnects, so that a benchmark (or a
//! person) can tell a fast run from one whose commands were skipped.
//!
//! A line is `client=ID errors=N submits=N frames=N requests=N state=live|end
//! name=NAME` (the name is the rest of the line). Each line is written with
//! one `write` on a file opened for appending, so lines of clients that write
//! at once do not interleave. The latest line of a client holds its totals.

use super::session::SessionStats;
use parking_lot::Mutex;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

/// One client's counts at one moment, as a line of the stats file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsLine {
    /// The server's number for the connection (`client-ID` in the logs).
    pub client: u64,
    /// The counts so far.
    pub stats: SessionStats,
    /// Whether the client has disconnected (the counts are final).
    pub ended: bool,
    /// The name the client gave in CREATE_RENDERER.
    pub name: String,
}

impl std::fmt::Display for StatsLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.stats;
        write!(
            f,
            "client={} errors={} submits={} frames={} requests={} state={} name={}",
            self.client,
            s.errors,
            s.submits,
            s.frames,
            s.requests,
            if self.ended { "end" } else { "live" },
            // One line per record, whatever the client called itself.
            self.name.replace(['\n', '\r'], " ")
        )
    }
}

impl std::str::FromStr for StatsLine {
    type Err = String;

    fn from_str(line: &str) -> Result<Self, String> {
        let (head, name) = line
            .split_once(" name=")
            .ok_or_else(|| format!("no name= in {line:?}"))?;
        let mut fields = head.split(' ');
        let mut next = |key: &str| -> Result<&str, String> {
            fields
                .next()
                .and_then(|f| f.strip_prefix(key)?.strip_prefix('='))
                .ok_or_else(|| format!("expected {key}= in {line:?}"))
        };
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{v:?}: {e}"));
        let client = num(next("client")?)?;
        let errors = num(next("errors")?)?;
        let submits = num(next("submits")?)?;
        let frames = num(next("frames")?)?;
        let requests = num(next("requests")?)?;
        let ended = match next("state")? {
            "end" => true,
            "live" => false,
            other => return Err(format!("state {other:?} in {line:?}")),
        };
        Ok(StatsLine {
            client,
            stats: SessionStats {
                requests,
                submits,
                frames,
                errors,
            },
            ended,
            name: name.to_string(),
        })
    }
}

/// The open stats file every client thread appends to.
#[derive(Debug)]
pub(super) struct StatsFile(Mutex<File>);

impl StatsFile {
    /// Opens `path` for appending (created when missing).
    pub(super) fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self(Mutex::new(file)))
    }

    /// Appends `line`; a failing write is logged, never fatal to the client.
    pub(super) fn write(&self, line: &StatsLine) {
        let text = format!("{line}\n");
        if let Err(e) = self.0.lock().write_all(text.as_bytes()) {
            tracing::warn!("writing the stats file: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip() {
        let line = StatsLine {
            client: 7,
            stats: SessionStats {
                requests: 40,
                submits: 12,
                frames: 3,
                errors: 2,
            },
            ended: true,
            name: "glmark2 es2\nx".to_string(),
        };
        let text = line.to_string();
        assert_eq!(
            text,
            "client=7 errors=2 submits=12 frames=3 requests=40 state=end name=glmark2 es2 x"
        );
        let back: StatsLine = text.parse().unwrap();
        assert_eq!(back.stats, line.stats);
        assert_eq!((back.client, back.ended), (7, true));
        assert_eq!(back.name, "glmark2 es2 x");
        assert!(
            "client=7 errors=x submits=1 frames=1 requests=1 state=end name=a"
                .parse::<StatsLine>()
                .is_err()
        );
        assert!("client=7 errors=1".parse::<StatsLine>().is_err());
    }
}
