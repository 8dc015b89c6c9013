//! Containment in force on each entity, and what it breaks: the part of the run's
//! state the attacker's progression reads.

use crate::scenario::Condition;

/// Containment in force on an entity (the `seq` of each executed action). Whether an
/// attack compromised it is the world's truth: scoring works it out from the log, the
/// running state does not keep it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntityState {
    /// Host isolated.
    pub isolated: Option<u64>,
    /// Account disabled.
    pub disabled: Option<u64>,
    /// Sessions revoked.
    pub revoked: Option<u64>,
    /// Domain blocked.
    pub blocked: Option<u64>,
}

impl EntityState {
    /// The containment `action` in force, by its execution `seq` (never for an
    /// eradication: it is done, not in force).
    pub fn in_force(&self, action: crate::event::ContainAction) -> Option<u64> {
        use crate::event::ContainAction::*;
        match action {
            IsolateHost => self.isolated,
            DisableAccount => self.disabled,
            RevokeSessions => self.revoked,
            BlockDomain => self.blocked,
            ResetCredentials | ReimageHost | RevokeGrant => None,
        }
    }

    /// Where the containment `action` in force is kept (for `apply`); `None` for an
    /// eradication.
    pub(super) fn slot(&mut self, action: crate::event::ContainAction) -> Option<&mut Option<u64>> {
        use crate::event::ContainAction::*;
        match action {
            IsolateHost => Some(&mut self.isolated),
            DisableAccount => Some(&mut self.disabled),
            RevokeSessions => Some(&mut self.revoked),
            BlockDomain => Some(&mut self.blocked),
            ResetCredentials | ReimageHost | RevokeGrant => None,
        }
    }

    /// The containment that breaks `condition`, if one is in force.
    pub fn breaks(&self, condition: Condition) -> Option<u64> {
        match condition {
            Condition::NotIsolated => self.isolated,
            Condition::Enabled => self.disabled,
            Condition::SessionsValid => self.revoked.or(self.disabled),
            Condition::Reachable => self.blocked,
        }
    }
}
