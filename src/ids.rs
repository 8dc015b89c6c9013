//! Compact ids. Events carry small integers, not strings, so a run allocates little; the
//! log's header maps them back to names.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// Position in the table this id indexes.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "-{:06}"), self.0)
            }
        }
    };
}

id_type!(
    /// An entity in the scenario's entity table.
    EntityId, "entity"
);
id_type!(
    /// A detector rule in the scenario's rule table.
    RuleId, "rule"
);
id_type!(
    /// An alert, numbered in the order alerts are raised within a run.
    AlertId, "alert"
);
id_type!(
    /// A campaign in the scenario's campaign table.
    CampaignId, "campaign"
);
id_type!(
    /// A step, numbered within its campaign.
    StepId, "step"
);
