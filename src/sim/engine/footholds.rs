//! Containment is not eradication. A campaign keeps the footholds its steps left (a
//! persistence, a stolen credential or session, a grant, a key); a step blocked by a
//! containment waits, and when the containment is lifted the campaign comes back from
//! where it stood — the step's own delay after the release — as long as one foothold is
//! live.
//! Eradicating an entity removes the footholds on it; a waiting campaign left with none
//! stops for good.

use super::Engine;
use crate::event::Payload;
use crate::ids::{CampaignId, EntityId, StepId};
use crate::random::Purpose;
use crate::time::SimTime;

/// A campaign's footholds and the steps containment holds back.
#[derive(Clone, Debug, Default)]
pub(super) struct Hold {
    /// Entities it holds a foothold on, and whether it is still live.
    footholds: Vec<(EntityId, bool)>,
    /// Steps a containment prevented, waiting for it to be lifted.
    waiting: Vec<StepId>,
}

impl Engine<'_> {
    /// A step executed: it may leave a foothold on its target.
    pub(super) fn gain_foothold(&mut self, campaign: CampaignId, target: EntityId) {
        let h = &mut self.holds[campaign.index()];
        match h.footholds.iter_mut().find(|(e, _)| *e == target) {
            Some(f) => f.1 = true,
            None => h.footholds.push((target, true)),
        }
    }

    /// A containment prevented `step`: it waits for the containment to be lifted.
    pub(super) fn hold_back(&mut self, campaign: CampaignId, step: StepId) {
        let h = &mut self.holds[campaign.index()];
        if !h.waiting.contains(&step) {
            h.waiting.push(step);
        }
    }

    /// The campaign stops for good: nothing waits any more.
    pub(super) fn give_up(&mut self, campaign: CampaignId) {
        self.holds[campaign.index()].waiting.clear();
    }

    /// Whether the campaign still holds a foothold nobody eradicated.
    pub(super) fn has_foothold(&self, campaign: CampaignId) -> bool {
        self.holds[campaign.index()]
            .footholds
            .iter()
            .any(|(_, live)| *live)
    }

    /// The entities the campaign holds a live foothold on (the oracle's scope).
    pub(super) fn live_footholds(&self, campaign: CampaignId) -> Vec<EntityId> {
        self.holds[campaign.index()]
            .footholds
            .iter()
            .filter(|(_, live)| *live)
            .map(|(e, _)| *e)
            .collect()
    }

    /// Whether the campaign is stopped or done.
    fn over(&self, campaign: CampaignId) -> bool {
        let c = &self.state.campaigns[campaign.index()];
        c.stopped || c.impact
    }

    /// A containment was lifted: waiting steps of campaigns that kept a foothold come
    /// back, their own delay (the value drawn for the step, so an exported recording
    /// with its delays fixed replays the same re-entry) after now, if nothing else
    /// blocks them.
    pub(super) fn resume_held(&mut self, now: SimTime) {
        for c in 0..self.sc.campaigns.len() {
            let campaign = CampaignId(c as u32);
            if self.holds[c].waiting.is_empty()
                || self.over(campaign)
                || !self.has_foothold(campaign)
            {
                continue;
            }
            let free: Vec<StepId> = self.holds[c]
                .waiting
                .iter()
                .copied()
                .filter(|&s| self.broken_requirement(campaign, s).is_none())
                .collect();
            for step in free {
                self.holds[c].waiting.retain(|&s| s != step);
                let spec = &self.sc.campaigns[c];
                let s = &spec.steps[step.index()];
                let key = [spec.key, s.key];
                let delay = s
                    .delay
                    .sample(&mut self.seeds.stream(Purpose::StepDelay, &key));
                self.pending[c].push(step);
                self.agenda
                    .schedule(now.after(delay), super::Job::StepDue { campaign, step });
            }
        }
    }

    /// An eradication took effect on `target` (its execution is `execution`): the
    /// footholds there are gone, and a waiting campaign left with none stops for good.
    pub(super) fn eradicate(&mut self, now: SimTime, target: EntityId, execution: u64) {
        for c in 0..self.sc.campaigns.len() {
            let campaign = CampaignId(c as u32);
            for f in &mut self.holds[c].footholds {
                if f.0 == target {
                    f.1 = false;
                }
            }
            let waiting = !self.holds[c].waiting.is_empty() && self.pending[c].is_empty();
            if waiting && !self.over(campaign) && !self.has_foothold(campaign) {
                self.give_up(campaign);
                self.emit(
                    now,
                    Payload::CampaignStopped {
                        campaign,
                        containment: execution,
                    },
                );
            }
        }
    }
}
