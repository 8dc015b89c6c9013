//! JSON Lines codec: a header line, one envelope per line, and an end line with the
//! event count. The end line is how a reader tells a complete log from a truncated one.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Envelope, EventLog, RunHeader, SCHEMA_VERSION};
use crate::atomic::write_atomically;
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderLine {
    header: RunHeader,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLine {
    end: EndInfo,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndInfo {
    events: u64,
}

/// Writes `log` as JSON Lines to `path`, atomically.
pub fn write(path: &Path, header: &RunHeader, log: &EventLog) -> Result<()> {
    write_atomically(path, |w| {
        let io = |e: std::io::Error| Error::io(path, e);
        let js = |e: serde_json::Error| Error::io(path, std::io::Error::other(e));
        serde_json::to_writer(
            &mut *w,
            &HeaderLine {
                header: header.clone(),
            },
        )
        .map_err(js)?;
        w.write_all(b"\n").map_err(io)?;
        for e in log.events() {
            serde_json::to_writer(&mut *w, e).map_err(js)?;
            w.write_all(b"\n").map_err(io)?;
        }
        serde_json::to_writer(
            &mut *w,
            &EndLine {
                end: EndInfo {
                    events: log.len() as u64,
                },
            },
        )
        .map_err(js)?;
        w.write_all(b"\n").map_err(io)
    })
}

/// Reads a JSON Lines log, checking the header's schema version, seq density, time
/// order, and the end line.
pub fn read(path: &Path) -> Result<(RunHeader, EventLog)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut lines = BufReader::new(file).lines();
    let bad = |line: usize, msg: String| Error::log(path, format!("line {line}: {msg}"));
    let first = match lines.next() {
        Some(l) => l.map_err(|e| Error::io(path, e))?,
        None => return Err(Error::log(path, "empty file: not an mdrsim event log")),
    };
    let header = serde_json::from_str::<HeaderLine>(&first)
        .map_err(|e| {
            bad(
                1,
                format!("expected the header line {{\"header\": …}}: {e}"),
            )
        })?
        .header;
    if header.schema_version != SCHEMA_VERSION {
        return Err(bad(
            1,
            format!(
                "schema version {} is not supported (this mdrsim reads {SCHEMA_VERSION})",
                header.schema_version
            ),
        ));
    }
    let mut log = EventLog::new(header.run);
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.starts_with("{\"end\"") {
            let end: EndLine = serde_json::from_str(&line).map_err(|e| {
                let what = if e.is_eof() {
                    "truncated end line"
                } else {
                    "bad end line"
                };
                bad(line_no, format!("{what}: {e}"))
            })?;
            if end.end.events != log.len() as u64 {
                return Err(bad(
                    line_no,
                    format!(
                        "end line says {} events, found {}",
                        end.end.events,
                        log.len()
                    ),
                ));
            }
            return Ok((header, log));
        }
        let env: Envelope = serde_json::from_str(&line).map_err(|e| {
            if e.is_eof() {
                bad(line_no, format!("truncated: the line ends mid-event after {} complete events (was the writer interrupted?)", log.len()))
            } else {
                bad(line_no, format!("bad event: {e}"))
            }
        })?;
        log.try_push(env).map_err(|e| bad(line_no, e.to_string()))?;
    }
    Err(Error::log(
        path,
        format!(
            "truncated: no end line after {} events (was the writer interrupted?)",
            log.len()
        ),
    ))
}
