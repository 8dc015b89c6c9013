//! The library's errors. Every variant is bad input the user can fix (exit code 2 in the
//! CLI); each message names the file and, where known, the line and field.

use std::path::PathBuf;

/// What went wrong, phrased for the person who has to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written. Fatal for that command; check the path.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },
    /// A scenario file is malformed or inconsistent. Fix the named field.
    #[error("{}{}: {field}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Scenario {
        /// The scenario file.
        file: PathBuf,
        /// 1-based line of the offending value, when known.
        line: Option<usize>,
        /// Dotted path of the field, e.g. `campaigns[0].steps[1].delay`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A stored event log is truncated, corrupt or of an unknown schema version.
    #[error("{}: {message}", path.display())]
    Log {
        /// The log file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A command-line value that parses but makes no sense (an unknown strategy, say).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause: source,
        }
    }

    /// A log error for `path`.
    pub fn log(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Log {
            path: path.into(),
            message: message.into(),
        }
    }

    /// A usage error prefixed with the flag it came from (`--set`, `--sweep`), so the
    /// same parameter check reads right wherever the value was given.
    pub fn in_flag(self, flag: &str) -> Self {
        match self {
            Error::Usage(m) => Error::Usage(format!("{flag} {m}")),
            other => other,
        }
    }

    /// The process exit code this error maps to: 2, bad input.
    pub fn exit_code(&self) -> u8 {
        2
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
