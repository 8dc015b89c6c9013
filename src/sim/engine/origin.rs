//! Where an alert came from, and what that makes it: the alert's label, and the key of
//! its random streams (by names, so editing one element moves no other's numbers).

use crate::event::Truth;
use crate::ids::{CampaignId, StepId};
use crate::scenario::{BenignTruth, CampaignTruth, Scenario};

/// Where an alert came from (indices into the scenario's tables). Its random streams
/// are keyed by the *names* behind those indices, so two strategies see the same
/// handling times for the same alert (common random numbers) and editing one element
/// moves no other element's numbers.
#[derive(Clone, Copy, Debug)]
pub(super) enum Origin {
    /// The `n`-th alert of a benign alert process.
    Benign { process: u32, n: u64 },
    /// A rule match on the `n`-th record of a benign telemetry process.
    BenignRule { process: u32, n: u64, rule: u32 },
    /// A rule match on a record the `n`-th activity of a benign alert process left.
    BenignTrace {
        process: u32,
        n: u64,
        trace: u32,
        rule: u32,
    },
    /// A security tool alerting on a campaign step.
    Attack {
        campaign: CampaignId,
        step: StepId,
        detector: u32,
    },
    /// A rule match on a record a campaign step left.
    AttackRule {
        campaign: CampaignId,
        step: StepId,
        record: u32,
        rule: u32,
    },
    /// The `m`-th rule match on a recorded record (attack or background, by its step).
    Recorded { record: u32, m: u32 },
    /// A tool alert of a materialised world.
    RecordedAlert { alert: u32 },
}

impl Origin {
    pub(super) fn key(self, sc: &Scenario) -> [u64; 5] {
        let step = |c: CampaignId, s: StepId| &sc.campaigns[c.index()].steps[s.index()];
        match self {
            Origin::Benign { process, n } => [0, sc.benign[process as usize].key, n, 0, 0],
            Origin::BenignRule { process, n, rule } => [
                1,
                sc.telemetry[process as usize].key,
                n,
                sc.sigma[rule as usize].key,
                0,
            ],
            Origin::BenignTrace {
                process,
                n,
                trace,
                rule,
            } => {
                let p = &sc.benign[process as usize];
                [
                    4,
                    p.key,
                    n,
                    p.clues.traces[trace as usize].key,
                    sc.sigma[rule as usize].key,
                ]
            }
            Origin::Attack {
                campaign,
                step: s,
                detector,
            } => {
                let st = step(campaign, s);
                let c = sc.campaigns[campaign.index()].key;
                [2, c, st.key, st.detect[detector as usize].key, 0]
            }
            Origin::AttackRule {
                campaign,
                step: s,
                record,
                rule,
            } => {
                let st = step(campaign, s);
                let c = sc.campaigns[campaign.index()].key;
                [
                    3,
                    c,
                    st.key,
                    st.clues.traces[record as usize].key,
                    sc.sigma[rule as usize].key,
                ]
            }
            Origin::Recorded { record, m } => {
                let r = &sc.recorded[record as usize];
                let x = &r.matches[m as usize];
                x.key.unwrap_or_else(|| {
                    [
                        5,
                        sc.recordings[r.lane as usize].key,
                        r.position,
                        sc.sigma[x.rule as usize].key,
                        0,
                    ]
                })
            }
            Origin::RecordedAlert { alert } => sc.recorded_alerts[alert as usize].key,
        }
    }

    /// The alert's label: its truth and, for an attack, its campaign and step.
    pub(super) fn label(self, sc: &Scenario) -> (Truth, Option<(CampaignId, StepId)>) {
        let benign = |t: BenignTruth| match t {
            BenignTruth::FalsePositive => Truth::FalsePositive,
            BenignTruth::BenignPositive => Truth::BenignPositive,
        };
        let attack = |campaign: CampaignId, step: StepId| match sc.campaigns[campaign.index()].truth
        {
            CampaignTruth::Malicious => (Truth::Malicious, Some((campaign, step))),
            CampaignTruth::BenignPositive => (Truth::BenignPositive, None),
        };
        match self {
            Origin::Benign { process, .. } | Origin::BenignTrace { process, .. } => {
                (benign(sc.benign[process as usize].truth), None)
            }
            Origin::BenignRule { process, .. } => {
                (benign(sc.telemetry[process as usize].truth), None)
            }
            Origin::Attack { campaign, step, .. } | Origin::AttackRule { campaign, step, .. } => {
                attack(campaign, step)
            }
            Origin::Recorded { record, .. } => {
                let r = &sc.recorded[record as usize];
                match r.step {
                    Some((campaign, step)) => attack(campaign, step),
                    None => (benign(sc.recordings[r.lane as usize].truth), None),
                }
            }
            Origin::RecordedAlert { alert } => {
                (benign(sc.recorded_alerts[alert as usize].truth), None)
            }
        }
    }
}
