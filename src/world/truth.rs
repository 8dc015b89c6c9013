//! Ground truth, kept apart from everything a strategy can see. Only the engine (to hand
//! the oracle its explicit door) and scoring read it.

use crate::event::Truth;
use crate::ids::{AlertId, CampaignId, StepId};

/// The label of one alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    /// Malicious, benign positive or false positive.
    pub truth: Truth,
    /// Campaign and step, for malicious alerts.
    pub origin: Option<(CampaignId, StepId)>,
}

/// Labels by alert id.
#[derive(Clone, Debug, Default)]
pub struct GroundTruth {
    labels: Vec<Option<Label>>,
}

impl GroundTruth {
    /// Records a label.
    pub fn set(&mut self, alert: AlertId, label: Label) {
        let i = alert.index();
        if self.labels.len() <= i {
            self.labels.resize(i + 1, None);
        }
        self.labels[i] = Some(label);
    }

    /// The label of `alert`, if it was labeled.
    pub fn get(&self, alert: AlertId) -> Option<Label> {
        self.labels.get(alert.index()).copied().flatten()
    }
}
