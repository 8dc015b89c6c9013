//! The environment's entities: what kind each is (which decides the containment that
//! applies and what a bare requirement on it means) and what an hour of it contained
//! costs the business.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::spec::Condition;

/// What kind of thing an entity is; decides which containment applies to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person's account (`user:`).
    User,
    /// An endpoint or server (`host:`).
    Host,
    /// A cloud account or access key (`cloud:`).
    Cloud,
    /// A SaaS application (`app:`).
    App,
    /// An internet domain (`domain:`).
    Domain,
}

impl EntityKind {
    /// The kind named by an id's prefix (`host:ws-1` → host).
    pub fn from_prefix(id: &str) -> Option<Self> {
        let (kind, name) = id.split_once(':')?;
        if name.is_empty() {
            return None;
        }
        Some(match kind {
            "user" => EntityKind::User,
            "host" => EntityKind::Host,
            "cloud" => EntityKind::Cloud,
            "app" => EntityKind::App,
            "domain" => EntityKind::Domain,
            _ => return None,
        })
    }

    /// The condition a bare requirement on this kind means.
    pub fn default_condition(self) -> Condition {
        match self {
            EntityKind::Host => Condition::NotIsolated,
            EntityKind::User | EntityKind::Cloud => Condition::Enabled,
            EntityKind::App => Condition::SessionsValid,
            EntityKind::Domain => Condition::Reachable,
        }
    }
}

/// An entity of the environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// `kind:name`.
    pub id: String,
    /// Parsed from the id's prefix.
    pub kind: EntityKind,
    /// Free-form attributes.
    pub attributes: BTreeMap<String, String>,
    /// What an hour of it contained costs the business: its `criticality` attribute, or
    /// its kind's default.
    pub criticality: crate::event::Criticality,
}
