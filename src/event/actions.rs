//! What events speak of: ground truth, verdicts, response actions, context kinds, who
//! acted and what work they did.

use serde::{Deserialize, Serialize};

/// Ground truth of an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// Part of an attack campaign.
    Malicious,
    /// Real but authorised activity.
    BenignPositive,
    /// A detection error.
    FalsePositive,
}

impl Truth {
    /// True for [`Truth::Malicious`], the positive class of every metric.
    pub fn is_malicious(self) -> bool {
        self == Truth::Malicious
    }
}

/// A verdict reached on an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A real threat.
    Malicious,
    /// Nothing to act on (benign positive or false positive).
    Benign,
}

/// A response action; which one applies depends on the entity's kind. The first four
/// *contain* (in force until released); the last three *eradicate* (remove the
/// attacker's footholds on the entity for good, nothing to release).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainAction {
    /// Cut a host off the network.
    IsolateHost,
    /// Disable a user or cloud account.
    DisableAccount,
    /// Revoke a user's or app's sessions and tokens.
    RevokeSessions,
    /// Block a domain at the proxy and DNS.
    BlockDomain,
    /// Reset a user's or cloud identity's credentials and keys, revoking every token.
    ResetCredentials,
    /// Clean or reimage a host, removing persistence.
    ReimageHost,
    /// Revoke an app's consent grant and its secrets.
    RevokeGrant,
}

impl ContainAction {
    /// The name, as in the log and the tables (`isolate_host`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ContainAction::IsolateHost => "isolate_host",
            ContainAction::DisableAccount => "disable_account",
            ContainAction::RevokeSessions => "revoke_sessions",
            ContainAction::BlockDomain => "block_domain",
            ContainAction::ResetCredentials => "reset_credentials",
            ContainAction::ReimageHost => "reimage_host",
            ContainAction::RevokeGrant => "revoke_grant",
        }
    }

    /// Whether the action eradicates (removes footholds for good) rather than contains.
    pub fn eradicates(self) -> bool {
        matches!(
            self,
            ContainAction::ResetCredentials
                | ContainAction::ReimageHost
                | ContainAction::RevokeGrant
        )
    }
}

/// Context a provider can query while investigating.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContextKind {
    /// Related events around the entities and time.
    Telemetry,
    /// HR, device management: travel, leave, termination, ownership.
    Organizational,
    /// Past verdicts on similar alerts.
    Historic,
}

impl ContextKind {
    /// Every kind, in declaration order.
    pub const ALL: [ContextKind; 3] = [
        ContextKind::Telemetry,
        ContextKind::Organizational,
        ContextKind::Historic,
    ];
}

/// Who did something: the provider or the customer's own team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The MDR provider (or platform).
    Provider,
    /// The customer's security team.
    Customer,
}

impl Party {
    /// The name, as in the log and the tables (`provider`, `customer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Provider => "provider",
            Party::Customer => "customer",
        }
    }
}

/// A kind of work, for worker time accounting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// First look at an alert.
    Triage,
    /// A context query.
    Query,
    /// Writing up a verdict.
    Verdict,
    /// Carrying out or executing containment.
    Containment,
    /// The customer resolving an escalation.
    Resolution,
}
