//! JSON Lines codec: a header line, one envelope per line, and an end line with the
//! event count and a CRC-32 of every byte before it. The end line is how a reader tells
//! a complete log from a truncated one; the checksum, an intact one from a damaged one.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::feed::{Consumer, Feed, collect};
use super::{Envelope, EventLog, EventSink, RunHeader, SCHEMA_VERSION};
use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::integrity::Checksum;

/// Longest line a reader accepts (bounded before it is read into memory).
pub const MAX_LINE_BYTES: u64 = 64 << 20;

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
    /// CRC-32 of every byte before the end line.
    crc32: String,
}

/// Writes `log` as JSON Lines to `path`, atomically.
pub fn write(path: &Path, header: &RunHeader, log: &EventLog) -> Result<()> {
    let mut sink = JsonlSink::create(path, header)?;
    for e in log.events() {
        sink.accept(e);
    }
    sink.finish()
}

/// A JSON Lines event log being written as the run happens; it appears at its path
/// only when [`JsonlSink::finish`] succeeds (the first write error is reported there).
pub struct JsonlSink {
    path: std::path::PathBuf,
    file: AtomicFile,
    out: std::io::BufWriter<std::fs::File>,
    sum: Checksum,
    line: Vec<u8>,
    events: u64,
    error: Option<Error>,
}

impl JsonlSink {
    /// Starts writing the log of the run `header` describes to `path`, header line first.
    pub fn create(path: &Path, header: &RunHeader) -> Result<Self> {
        let file = AtomicFile::create(path)?;
        let out = std::io::BufWriter::with_capacity(1 << 16, file.writer()?);
        let mut sink = JsonlSink {
            path: path.to_path_buf(),
            file,
            out,
            sum: Checksum::new(),
            line: Vec::with_capacity(256),
            events: 0,
            error: None,
        };
        let header = HeaderLine {
            header: header.clone(),
        };
        sink.put(&header)?;
        Ok(sink)
    }

    fn put(&mut self, value: &impl Serialize) -> Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, value)
            .map_err(|e| Error::io(&self.path, std::io::Error::other(e)))?;
        self.line.push(b'\n');
        self.sum.update(&self.line);
        self.out
            .write_all(&self.line)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Writes the end line (event count and checksum) and moves the file into place.
    pub fn finish(mut self) -> Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let end = EndLine {
            end: EndInfo {
                events: self.events,
                crc32: self.sum.text(),
            },
        };
        self.put(&end)?;
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(self.out);
        self.file.commit()
    }
}

impl EventSink for JsonlSink {
    fn accept(&mut self, e: &Envelope) {
        if self.error.is_none() {
            self.events += 1;
            if let Err(err) = self.put(e) {
                self.error = Some(err);
            }
        }
    }
}

/// Reads one line (with its newline), refusing one longer than [`MAX_LINE_BYTES`]
/// before it is held in memory. `None` at the end of the file.
fn next_line(r: &mut impl BufRead, path: &Path, line_no: usize) -> Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(MAX_LINE_BYTES + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|e| Error::io(path, e))?;
    if n as u64 > MAX_LINE_BYTES {
        return Err(Error::log(
            path,
            format!("line {line_no}: longer than {MAX_LINE_BYTES} bytes: not an mdrsim event log"),
        ));
    }
    Ok((n > 0).then_some(buf))
}

/// Reads a JSON Lines log, checking the header's schema version, seq density, time
/// order, the end line and its checksum.
pub fn read(path: &Path) -> Result<(RunHeader, EventLog)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_from(file, path)
}

/// [`read`] from any reader; `path` names it in errors.
pub fn read_from(input: impl Read, path: &Path) -> Result<(RunHeader, EventLog)> {
    collect(|consumer| read_from_with(input, path, consumer))
}

/// Reads a JSON Lines log as [`read`] does, handing each event to `consumer` as it is
/// read instead of holding them.
pub fn read_with(path: &Path, consumer: Consumer<'_>) -> Result<RunHeader> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_from_with(file, path, consumer)
}

/// The header of a JSON Lines log (its first line), with the schema version checked.
pub fn read_header(path: &Path) -> Result<RunHeader> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    header_line(&mut BufReader::new(file), path, &mut Checksum::new())
}

/// Reads and checks the first line, adding it to `sum`.
fn header_line(reader: &mut impl BufRead, path: &Path, sum: &mut Checksum) -> Result<RunHeader> {
    let bad = |line: usize, msg: String| Error::log(path, format!("line {line}: {msg}"));
    let Some(first) = next_line(reader, path, 1)? else {
        return Err(Error::log(path, "empty file: not an mdrsim event log"));
    };
    sum.update(&first);
    let first = String::from_utf8(first).map_err(|_| bad(1, "not UTF-8 text".into()))?;
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
    Ok(header)
}

fn read_from_with(input: impl Read, path: &Path, consumer: Consumer<'_>) -> Result<RunHeader> {
    let mut reader = BufReader::new(input);
    let bad = |line: usize, msg: String| Error::log(path, format!("line {line}: {msg}"));
    let text = |line: usize, bytes: &[u8]| -> Result<String> {
        String::from_utf8(bytes.to_vec()).map_err(|_| bad(line, "not UTF-8 text".into()))
    };
    let mut sum = Checksum::new();
    let header = header_line(&mut reader, path, &mut sum)?;
    let mut feed = Feed::new(header.run, consumer);
    let mut line_no = 1;
    while let Some(raw) = next_line(&mut reader, path, line_no + 1)? {
        line_no += 1;
        let line = text(line_no, &raw)?;
        if line.starts_with("{\"end\"") {
            let end: EndLine = serde_json::from_str(&line).map_err(|e| {
                let what = if e.is_eof() {
                    "truncated end line"
                } else {
                    "bad end line"
                };
                bad(line_no, format!("{what}: {e}"))
            })?;
            if end.end.events != feed.len() {
                return Err(bad(
                    line_no,
                    format!(
                        "end line says {} events, found {}",
                        end.end.events,
                        feed.len()
                    ),
                ));
            }
            if end.end.crc32 != sum.text() {
                return Err(bad(
                    line_no,
                    format!(
                        "checksum mismatch: the end line says {}, the content has {}: the \
                         file was changed or damaged after it was written",
                        end.end.crc32,
                        sum.text()
                    ),
                ));
            }
            if next_line(&mut reader, path, line_no + 1)?.is_some() {
                return Err(bad(line_no + 1, "data after the end line".into()));
            }
            feed.finish().map_err(|m| Error::log(path, m))?;
            return Ok(header);
        }
        sum.update(&raw);
        let env: Envelope = serde_json::from_str(&line).map_err(|e| {
            if e.is_eof() {
                bad(line_no, format!("truncated: the line ends mid-event after {} complete events (was the writer interrupted?)", feed.len()))
            } else {
                bad(line_no, format!("bad event: {e}"))
            }
        })?;
        feed.push(env).map_err(|e| bad(line_no, e.to_string()))?;
    }
    Err(Error::log(
        path,
        format!(
            "truncated: no end line after {} events (was the writer interrupted?)",
            feed.len()
        ),
    ))
}
