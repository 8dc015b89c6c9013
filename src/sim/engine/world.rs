//! The world side: benign alerts and telemetry arriving, campaigns progressing step by
//! step (or being prevented by containment), security tools alerting.

use rand::RngExt;

use super::{Engine, Job, Origin};
use crate::event::Payload;
use crate::ids::{CampaignId, EntityId, StepId};
use crate::random::{Purpose, Stream};
use crate::scenario::clues::sample_fields;
use crate::time::{SimDuration, SimTime};

/// Time to the next Poisson arrival at `per_hour`.
fn exponential_gap(rng: &mut Stream, per_hour: f64) -> SimDuration {
    let u: f64 = rng.random();
    let gap_ms = -(1.0 - u).ln() / per_hour * 3_600_000.0;
    SimDuration(gap_ms.round().max(1.0) as u64)
}

impl Engine<'_> {
    pub(super) fn schedule_benign(&mut self, from: SimTime, process: u32) {
        let rate = self.sc.benign[process as usize].per_hour;
        if rate > 0.0 {
            let gap = exponential_gap(&mut self.benign_streams[process as usize], rate);
            self.agenda
                .schedule(from.after(gap), Job::BenignArrival { process });
        }
    }

    pub(super) fn schedule_telemetry(&mut self, from: SimTime, process: u32) {
        let rate = self.sc.telemetry[process as usize].per_hour;
        if rate > 0.0 {
            let gap = exponential_gap(&mut self.telemetry_streams[process as usize], rate);
            self.agenda
                .schedule(from.after(gap), Job::TelemetryArrival { process });
        }
    }

    pub(super) fn benign_arrival(&mut self, now: SimTime, process: u32) {
        let sc = self.sc;
        let p = &sc.benign[process as usize];
        let n = self.benign_seen[process as usize];
        self.benign_seen[process as usize] += 1;
        let mut rng = self.seeds.stream(Purpose::BenignAlert, &[p.key, n]);
        let entity = p.entities[rng.random_range(0..p.entities.len())];
        let score = p.score.sample(&mut rng).clamp(0.0, 1.0);
        let (rule, severity) = (p.rule, p.severity);
        // The activity happens and leaves its clues; the detector alerts after its
        // latency, exactly as it does on an attack step.
        self.leave_clues(now, &p.clues, entity, &[0, p.key, n], |trace, rule| {
            Origin::BenignTrace {
                process,
                n,
                trace,
                rule,
            }
        });
        self.detect_later(
            now,
            Origin::Benign { process, n },
            rule,
            severity,
            entity,
            score,
            None,
        );
        self.schedule_benign(now, process);
    }

    pub(super) fn telemetry_arrival(&mut self, now: SimTime, process: u32) {
        let sc = self.sc;
        let p = &sc.telemetry[process as usize];
        let n = self.telemetry_seen[process as usize];
        self.telemetry_seen[process as usize] += 1;
        let mut rng = self.seeds.stream(Purpose::Telemetry, &[p.key, n]);
        let entity = p.entities[rng.random_range(0..p.entities.len())];
        let fields = sample_fields(&p.fields, &mut rng);
        let source = p.source;
        let seq = self.emit(
            now,
            Payload::TelemetryObserved {
                source,
                entity,
                fields,
            },
        );
        if !p.clues.facts.is_empty() {
            self.leave_clues(now, &p.clues, entity, &[1, p.key, n], |_, rule| {
                Origin::BenignRule { process, n, rule }
            });
        }
        self.match_rules(now, seq, source, entity, |rule| Origin::BenignRule {
            process,
            n,
            rule,
        });
        self.schedule_telemetry(now, process);
    }

    pub(super) fn campaign_start(&mut self, now: SimTime, campaign: CampaignId) {
        let roots: Vec<StepId> = self.sc.campaigns[campaign.index()]
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.after.is_empty())
            .map(|(i, _)| StepId(i as u32))
            .collect();
        for s in roots {
            self.schedule_step(now, campaign, s);
        }
    }

    fn schedule_step(&mut self, now: SimTime, campaign: CampaignId, step: StepId) {
        let c = &self.sc.campaigns[campaign.index()];
        let s = &c.steps[step.index()];
        let mut rng = self.seeds.stream(Purpose::StepDelay, &[c.key, s.key]);
        let at = now.after(s.delay.sample(&mut rng));
        self.pending[campaign.index()].push(step);
        self.agenda.schedule(at, Job::StepDue { campaign, step });
    }

    /// The first requirement containment broke, with the entity and the containment.
    pub(super) fn broken_requirement(
        &self,
        campaign: CampaignId,
        step: StepId,
    ) -> Option<(EntityId, u64)> {
        let s = &self.sc.campaigns[campaign.index()].steps[step.index()];
        s.requires.iter().find_map(|&(e, cond)| {
            self.state.entities[e.index()]
                .breaks(cond)
                .map(|seq| (e, seq))
        })
    }

    pub(super) fn step_due(&mut self, now: SimTime, campaign: CampaignId, step: StepId) {
        let pending = &mut self.pending[campaign.index()];
        let Some(pos) = pending.iter().position(|&s| s == step) else {
            return;
        };
        pending.swap_remove(pos);
        if let Some((blocked_by, containment)) = self.broken_requirement(campaign, step) {
            self.emit(
                now,
                Payload::AttackStepPrevented {
                    campaign,
                    step,
                    blocked_by,
                    containment,
                },
            );
            self.hold_back(campaign, step);
            self.maybe_stopped(now, campaign, containment);
            return;
        }
        let sc = self.sc;
        let c = &sc.campaigns[campaign.index()];
        let s = &c.steps[step.index()];
        let (target, objective) = (s.target, s.objective);
        self.emit(
            now,
            Payload::AttackStepExecuted {
                campaign,
                step,
                target,
                objective,
            },
        );
        if s.foothold {
            self.gain_foothold(campaign, target);
        }
        self.recorded_step(now, s);
        self.leave_clues(now, &s.clues, target, &[2, c.key, s.key], |record, rule| {
            Origin::AttackRule {
                campaign,
                step,
                record,
                rule,
            }
        });
        // The tools see the step like any activity: after their rules' latency.
        for (detector, d) in s.detect.iter().enumerate() {
            let mut rng = self
                .seeds
                .stream(Purpose::StepDetection, &[c.key, s.key, d.key]);
            let seen = rng.random::<f64>() < d.probability;
            let score = d.score.sample(&mut rng).clamp(0.0, 1.0);
            if seen {
                let origin = Origin::Attack {
                    campaign,
                    step,
                    detector: detector as u32,
                };
                self.detect_later(now, origin, d.rule, d.severity, target, score, None);
            }
        }
        let executed = &self.state.campaigns[campaign.index()].executed;
        let ready: Vec<StepId> = self.sc.campaigns[campaign.index()]
            .steps
            .iter()
            .enumerate()
            .filter(|(_, n)| n.after.contains(&step) && n.after.iter().all(|p| executed[p.index()]))
            .map(|(i, _)| StepId(i as u32))
            .collect();
        for n in ready {
            self.schedule_step(now, campaign, n);
        }
    }

    /// Nothing left to do but wait: a campaign with a live foothold waits for the
    /// containment to be lifted (suppressed); one without stops for good.
    pub(super) fn maybe_stopped(&mut self, now: SimTime, campaign: CampaignId, containment: u64) {
        let c = &self.state.campaigns[campaign.index()];
        if self.pending[campaign.index()].is_empty()
            && !c.impact
            && !c.stopped
            && !self.has_foothold(campaign)
        {
            self.give_up(campaign);
            self.emit(
                now,
                Payload::CampaignStopped {
                    campaign,
                    containment,
                },
            );
        }
    }

    /// Steps already scheduled whose requirements containment just broke will not happen.
    pub(super) fn prevent_pending(&mut self, now: SimTime) {
        for c in 0..self.sc.campaigns.len() {
            let campaign = CampaignId(c as u32);
            let blocked: Vec<(StepId, EntityId, u64)> = self.pending[c]
                .iter()
                .filter_map(|&s| {
                    self.broken_requirement(campaign, s)
                        .map(|(e, seq)| (s, e, seq))
                })
                .collect();
            if blocked.is_empty() {
                continue;
            }
            self.pending[c].retain(|s| !blocked.iter().any(|(b, ..)| b == s));
            let mut last = 0;
            for (step, blocked_by, containment) in blocked {
                self.emit(
                    now,
                    Payload::AttackStepPrevented {
                        campaign,
                        step,
                        blocked_by,
                        containment,
                    },
                );
                self.hold_back(campaign, step);
                last = last.max(containment);
            }
            self.maybe_stopped(now, campaign, last);
        }
    }
}
