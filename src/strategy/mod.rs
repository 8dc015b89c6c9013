//! Strategies decide; the engine applies. A [`Strategy`] sees a [`CaseView`] — never a
//! label — and returns a [`Decision`]. The one exception, [`Oracle`], gets truth through
//! a separate, explicit [`TruthDoor`] that only the engine can open; it is an upper
//! bound, never a real option.

mod builtin;
pub mod view;

pub use builtin::{DismissAll, EscalateAll, Oracle, Threshold, TruthDoor};
pub use view::{AlertView, CaseView, ContainRequest, Decision, Triage};

use crate::error::{Error, Result};

/// A triage and investigation policy that decides from observable features only.
pub trait Strategy: Send {
    /// Name used in results.
    fn name(&self) -> &str;
    /// Triage on arrival; the default queues every alert for investigation.
    fn triage(&mut self, _case: &CaseView<'_>) -> Triage {
        Triage::Investigate
    }
    /// Decides a case. Called when a worker has finished handling it.
    fn decide(&mut self, case: &CaseView<'_>) -> Decision;
}

/// Whoever decides in a run: an honest strategy or the oracle.
pub enum Decider {
    /// Any strategy that decides without labels.
    Honest(Box<dyn Strategy>),
    /// Reads ground truth through the door the engine opens for it.
    Oracle(Oracle),
}

impl Decider {
    /// Name used in results.
    pub fn name(&self) -> &str {
        match self {
            Decider::Honest(s) => s.name(),
            Decider::Oracle(_) => "oracle",
        }
    }
}

/// Names of the built-in strategies, sorted.
pub const BUILTIN: &[&str] = &["dismiss_all", "escalate_all", "oracle", "threshold"];

/// A built-in strategy with its default parameters.
pub fn builtin(name: &str) -> Result<Decider> {
    Ok(match name {
        "dismiss_all" => Decider::Honest(Box::new(DismissAll)),
        "escalate_all" => Decider::Honest(Box::new(EscalateAll)),
        "oracle" => Decider::Oracle(Oracle),
        "threshold" => Decider::Honest(Box::new(Threshold::default())),
        _ => {
            return Err(Error::Usage(format!(
                "unknown strategy {name:?}: expected one of {}",
                BUILTIN.join(", ")
            )));
        }
    })
}
