//! Response authority: per action, whether the provider may act at once, only
//! recommend (the customer's team executes on its schedule), or neither.

use serde::{Deserialize, Serialize};

use crate::event::ContainAction;

/// What the provider may do about a containment action.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// Nothing: the customer decides and acts on its own.
    #[default]
    None,
    /// Recommend; the customer's team executes on its schedule.
    Recommend,
    /// Execute at once.
    PreApproved,
}

/// Authority per action.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct AuthoritySpec {
    /// Isolate a host.
    #[serde(default)]
    pub isolate_host: Authority,
    /// Disable an account.
    #[serde(default)]
    pub disable_account: Authority,
    /// Revoke sessions.
    #[serde(default)]
    pub revoke_sessions: Authority,
    /// Block a domain.
    #[serde(default)]
    pub block_domain: Authority,
    /// Reset credentials (eradication).
    #[serde(default)]
    pub reset_credentials: Authority,
    /// Clean or reimage a host (eradication).
    #[serde(default)]
    pub reimage_host: Authority,
    /// Revoke an app's grant (eradication).
    #[serde(default)]
    pub revoke_grant: Authority,
}

impl AuthoritySpec {
    /// The same authority for every action.
    pub fn all(a: Authority) -> Self {
        AuthoritySpec {
            isolate_host: a,
            disable_account: a,
            revoke_sessions: a,
            block_domain: a,
            reset_credentials: a,
            reimage_host: a,
            revoke_grant: a,
        }
    }

    /// Authority for `action`.
    pub fn of(&self, action: ContainAction) -> Authority {
        match action {
            ContainAction::IsolateHost => self.isolate_host,
            ContainAction::DisableAccount => self.disable_account,
            ContainAction::RevokeSessions => self.revoke_sessions,
            ContainAction::BlockDomain => self.block_domain,
            ContainAction::ResetCredentials => self.reset_credentials,
            ContainAction::ReimageHost => self.reimage_host,
            ContainAction::RevokeGrant => self.revoke_grant,
        }
    }
}
