//! Handing the events a reader decodes to whoever consumes them, one at a time, so a
//! stored log can be scored without holding it (`replay`).

use super::log::{AppendError, Order};
use super::{Envelope, EventLog, RunHeader};

/// What a consumer does with each verified event; `Err` refuses the log (the message
/// says why, e.g. a reference that does not resolve).
pub type Consumer<'f> = &'f mut dyn FnMut(Envelope) -> Result<(), String>;

/// Checks that events come in order — one run, `seq` 0, 1, 2 …, time never going
/// back — and hands them on. After the consumer's first refusal it stops handing them
/// on but lets the reader finish its own checks, so a damaged file is reported as
/// damaged rather than as whatever reference the damage broke.
pub(crate) struct Feed<'f> {
    consumer: Consumer<'f>,
    order: Order,
    refused: Option<String>,
}

impl<'f> Feed<'f> {
    pub(crate) fn new(run: u64, consumer: Consumer<'f>) -> Self {
        Feed {
            consumer,
            order: Order {
                run,
                next: 0,
                last_at: 0,
            },
            refused: None,
        }
    }

    /// How many events have come.
    pub(crate) fn len(&self) -> u64 {
        self.order.next
    }

    /// The next event, checked for order.
    pub(crate) fn push(&mut self, e: Envelope) -> Result<(), AppendError> {
        self.order.admit(&e)?;
        if self.refused.is_none()
            && let Err(why) = (self.consumer)(e)
        {
            self.refused = Some(why);
        }
        Ok(())
    }

    /// Once the reader's own checks passed: the consumer's refusal, if any.
    pub(crate) fn finish(self) -> Result<(), String> {
        self.refused.map_or(Ok(()), Err)
    }
}

/// Runs a streaming reader and keeps every event it hands on: the whole log in memory,
/// for the callers that want it (`explain`, tests).
pub(crate) fn collect(
    read: impl FnOnce(Consumer<'_>) -> crate::Result<RunHeader>,
) -> crate::Result<(RunHeader, EventLog)> {
    let mut log = None;
    let header = read(&mut |env: Envelope| {
        let log = log.get_or_insert_with(|| EventLog::new(env.run));
        log.try_push(env).map_err(|e| e.to_string())
    })?;
    let log = log.unwrap_or_else(|| EventLog::new(header.run));
    Ok((header, log))
}
