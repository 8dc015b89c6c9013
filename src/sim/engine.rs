//! The engine proper. World processes (benign alerts, campaign steps, detections) and
//! operations (queue, workers, decisions, containment) are jobs on one agenda; every
//! job's outcome is a list of events appended to the log and applied to the state.

use rand::RngExt;

use super::agenda::Agenda;
use crate::event::{EventLog, Payload, RunHeader, Truth, Verdict};
use crate::ids::{AlertId, CampaignId, EntityId, RuleId, StepId};
use crate::random::{Purpose, SeedTree, Stream};
use crate::scenario::{BenignTruth, Scenario, Severity};
use crate::strategy::view::{
    AlertView, CaseView, ContainRequest, Decision, Triage, action_applies,
};
use crate::strategy::{Decider, TruthDoor};
use crate::time::{SimDuration, SimTime};
use crate::world::RunState;

/// A configured run: a scenario, a seed and a run id.
#[derive(Clone, Copy)]
pub struct Simulation<'s> {
    scenario: &'s Scenario,
    seed: u64,
    run: u64,
}

/// What a run produces: its header and its complete event log.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// Identity and name tables.
    pub header: RunHeader,
    /// Every event, in order.
    pub log: EventLog,
}

impl<'s> Simulation<'s> {
    /// A run of `scenario` with master seed `seed`.
    pub fn new(scenario: &'s Scenario, seed: u64) -> Self {
        Simulation {
            scenario,
            seed,
            run: 0,
        }
    }

    /// Sets the run id stored in every event (the grid index in an evaluation).
    pub fn run_id(mut self, run: u64) -> Self {
        self.run = run;
        self
    }

    /// Runs to the horizon with `decider` deciding every case.
    pub fn run(&self, decider: &mut Decider) -> RunOutput {
        let header = RunHeader::new(self.scenario, decider.name(), self.seed, self.run);
        let mut engine = Engine::new(self.scenario, self.seed, self.run, decider);
        engine.start();
        engine.run_to_horizon();
        RunOutput {
            header,
            log: engine.log,
        }
    }
}

/// Where an alert came from; keys its random streams so that two strategies see the
/// same handling time for the same alert (common random numbers).
#[derive(Clone, Copy, Debug)]
enum Origin {
    Benign {
        process: u32,
        n: u64,
    },
    Attack {
        campaign: CampaignId,
        step: StepId,
        detector: u32,
    },
}

impl Origin {
    fn key(self) -> [u64; 4] {
        match self {
            Origin::Benign { process, n } => [0, process as u64, n, 0],
            Origin::Attack {
                campaign,
                step,
                detector,
            } => [1, campaign.0 as u64, step.0 as u64, detector as u64],
        }
    }
}

enum Job {
    BenignArrival {
        process: u32,
    },
    CampaignStart {
        campaign: CampaignId,
    },
    StepDue {
        campaign: CampaignId,
        step: StepId,
    },
    AlertDue {
        origin: Origin,
        rule: RuleId,
        severity: Severity,
        entity: EntityId,
        score: f64,
    },
    WorkDone {
        alert: AlertId,
    },
}

struct Engine<'a> {
    sc: &'a Scenario,
    seeds: SeedTree,
    decider: &'a mut Decider,
    log: EventLog,
    state: RunState,
    agenda: Agenda<Job>,
    arrivals: Vec<Stream>,
    arrivals_seen: Vec<u64>,
    /// Scheduled, not yet executed steps per campaign.
    pending: Vec<Vec<StepId>>,
    origins: Vec<Origin>,
    horizon: SimTime,
}

impl<'a> Engine<'a> {
    fn new(sc: &'a Scenario, seed: u64, run: u64, decider: &'a mut Decider) -> Self {
        let seeds = SeedTree::new(seed, sc.content_hash);
        let steps: Vec<usize> = sc.campaigns.iter().map(|c| c.steps.len()).collect();
        Engine {
            sc,
            seeds,
            decider,
            log: EventLog::with_capacity(run, 1024),
            state: RunState::new(sc.entities.len(), &steps, sc.pool.size as usize),
            agenda: Agenda::default(),
            arrivals: (0..sc.benign.len())
                .map(|p| seeds.stream(Purpose::BenignArrivals, &[p as u64]))
                .collect(),
            arrivals_seen: vec![0; sc.benign.len()],
            pending: vec![Vec::new(); sc.campaigns.len()],
            origins: Vec::new(),
            horizon: SimTime::ZERO.after(sc.horizon),
        }
    }

    fn emit(&mut self, at: SimTime, payload: Payload) -> u64 {
        let seq = self.log.append(at, payload);
        if let Some(e) = self.log.events().last() {
            self.state.apply(e);
        }
        seq
    }

    fn start(&mut self) {
        for p in 0..self.sc.benign.len() {
            self.schedule_next_arrival(SimTime::ZERO, p as u32);
        }
        for (c, campaign) in self.sc.campaigns.iter().enumerate() {
            let mut rng = self.seeds.stream(Purpose::CampaignStart, &[c as u64]);
            let at = SimTime::ZERO.after(campaign.start.sample(&mut rng));
            self.agenda.schedule(
                at,
                Job::CampaignStart {
                    campaign: CampaignId(c as u32),
                },
            );
        }
    }

    fn run_to_horizon(&mut self) {
        while let Some(t) = self.agenda.peek_time() {
            if t > self.horizon {
                break;
            }
            let Some((now, job)) = self.agenda.pop() else {
                break;
            };
            self.step(now, job);
        }
    }

    fn step(&mut self, now: SimTime, job: Job) {
        match job {
            Job::BenignArrival { process } => self.benign_arrival(now, process),
            Job::CampaignStart { campaign } => {
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
            Job::StepDue { campaign, step } => self.step_due(now, campaign, step),
            Job::AlertDue {
                origin,
                rule,
                severity,
                entity,
                score,
            } => self.raise_alert(now, origin, rule, severity, vec![entity], score),
            Job::WorkDone { alert } => self.work_done(now, alert),
        }
    }

    fn schedule_next_arrival(&mut self, from: SimTime, process: u32) {
        let rate = self.sc.benign[process as usize].per_hour;
        if rate <= 0.0 {
            return;
        }
        let u: f64 = self.arrivals[process as usize].random();
        let gap_ms = -(1.0 - u).ln() / rate * 3_600_000.0;
        let at = from.after(SimDuration(gap_ms.round().max(1.0) as u64));
        self.agenda.schedule(at, Job::BenignArrival { process });
    }

    fn benign_arrival(&mut self, now: SimTime, process: u32) {
        let p = &self.sc.benign[process as usize];
        let n = self.arrivals_seen[process as usize];
        self.arrivals_seen[process as usize] += 1;
        let mut rng = self
            .seeds
            .stream(Purpose::BenignAlert, &[process as u64, n]);
        let entity = p.entities[rng.random_range(0..p.entities.len())];
        let score = p.score.sample(&mut rng).clamp(0.0, 1.0);
        let (rule, severity) = (p.rule, p.severity);
        self.raise_alert(
            now,
            Origin::Benign { process, n },
            rule,
            severity,
            vec![entity],
            score,
        );
        self.schedule_next_arrival(now, process);
    }

    fn schedule_step(&mut self, now: SimTime, campaign: CampaignId, step: StepId) {
        let s = &self.sc.campaigns[campaign.index()].steps[step.index()];
        let mut rng = self
            .seeds
            .stream(Purpose::StepDelay, &[campaign.0 as u64, step.0 as u64]);
        let at = now.after(s.delay.sample(&mut rng));
        self.pending[campaign.index()].push(step);
        self.agenda.schedule(at, Job::StepDue { campaign, step });
    }

    /// The first required entity that containment made unusable, with the containment.
    fn broken_requirement(&self, campaign: CampaignId, step: StepId) -> Option<(EntityId, u64)> {
        let s = &self.sc.campaigns[campaign.index()].steps[step.index()];
        s.requires.iter().find_map(|&e| {
            self.state.entities[e.index()]
                .contained
                .map(|(_, seq)| (e, seq))
        })
    }

    fn step_due(&mut self, now: SimTime, campaign: CampaignId, step: StepId) {
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
            self.maybe_stopped(now, campaign, containment);
            return;
        }
        let s = &self.sc.campaigns[campaign.index()].steps[step.index()];
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
        for (di, d) in s.detect.iter().enumerate() {
            let key = [campaign.0 as u64, step.0 as u64, di as u64];
            let mut rng = self.seeds.stream(Purpose::StepDetection, &key);
            let seen = rng.random::<f64>() < d.probability;
            let latency = d.latency.sample(&mut rng);
            let score = d.score.sample(&mut rng).clamp(0.0, 1.0);
            if seen {
                let origin = Origin::Attack {
                    campaign,
                    step,
                    detector: di as u32,
                };
                let job = Job::AlertDue {
                    origin,
                    rule: d.rule,
                    severity: d.severity,
                    entity: target,
                    score,
                };
                self.agenda.schedule(now.after(latency), job);
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

    fn maybe_stopped(&mut self, now: SimTime, campaign: CampaignId, containment: u64) {
        let c = &self.state.campaigns[campaign.index()];
        if self.pending[campaign.index()].is_empty() && !c.impact && !c.stopped {
            self.emit(
                now,
                Payload::CampaignStopped {
                    campaign,
                    containment,
                },
            );
        }
    }

    fn raise_alert(
        &mut self,
        now: SimTime,
        origin: Origin,
        rule: RuleId,
        severity: Severity,
        entities: Vec<EntityId>,
        score: f64,
    ) {
        let alert = AlertId(self.origins.len() as u32);
        self.origins.push(origin);
        let (truth, campaign, step) = match origin {
            Origin::Benign { process, .. } => {
                let t = match self.sc.benign[process as usize].truth {
                    BenignTruth::FalsePositive => Truth::FalsePositive,
                    BenignTruth::BenignPositive => Truth::BenignPositive,
                };
                (t, None, None)
            }
            Origin::Attack { campaign, step, .. } => (Truth::Malicious, Some(campaign), Some(step)),
        };
        self.emit(
            now,
            Payload::AlertRaised {
                alert,
                rule,
                severity,
                entities,
                score,
            },
        );
        self.emit(
            now,
            Payload::AlertLabeled {
                alert,
                truth,
                campaign,
                step,
            },
        );
        self.emit(now, Payload::AlertQueued { alert });
        let triage = match &mut *self.decider {
            Decider::Honest(s) => s.triage(&case_view(self.sc, &self.state, alert, now)),
            Decider::Oracle(_) => Triage::Investigate,
        };
        match triage {
            Triage::Investigate => self.dispatch(now),
            Triage::Escalate { reason } => {
                self.emit(now, Payload::Escalated { alert, reason });
            }
            Triage::Dismiss { rationale } => {
                let evidence = vec![self.state.alerts[alert.index()].raised_seq];
                let verdict = Verdict::Benign;
                self.emit(
                    now,
                    Payload::VerdictReached {
                        alert,
                        verdict,
                        confidence: 0.5,
                        evidence,
                        rationale,
                    },
                );
            }
        }
    }

    fn dispatch(&mut self, now: SimTime) {
        while !self.state.queue.is_empty() {
            let Some(worker) = self.state.idle_worker() else {
                return;
            };
            let Some(&alert) = self.state.queue.front() else {
                return;
            };
            self.emit(now, Payload::TriageStarted { alert, worker });
            let mut rng = self
                .seeds
                .stream(Purpose::Handling, &self.origins[alert.index()].key());
            let done = now.after(self.sc.pool.handling.sample(&mut rng));
            self.agenda.schedule(done, Job::WorkDone { alert });
        }
    }

    fn work_done(&mut self, now: SimTime, alert: AlertId) {
        let decision = {
            let case = case_view(self.sc, &self.state, alert, now);
            match &mut *self.decider {
                Decider::Honest(s) => s.decide(&case),
                Decider::Oracle(o) => {
                    let truth = self
                        .state
                        .truth()
                        .get(alert)
                        .map_or(Truth::FalsePositive, |l| l.truth);
                    o.decide(&case, TruthDoor::open(truth))
                }
            }
        };
        match decision {
            Decision::Verdict {
                verdict,
                confidence,
                rationale,
                contain,
            } => {
                let rec = &self.state.alerts[alert.index()];
                let mut evidence = vec![rec.raised_seq];
                evidence.extend_from_slice(&rec.evidence);
                let confidence = if confidence.is_finite() {
                    confidence.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                self.emit(
                    now,
                    Payload::VerdictReached {
                        alert,
                        verdict,
                        confidence,
                        evidence,
                        rationale,
                    },
                );
                if verdict == Verdict::Malicious {
                    for req in contain {
                        self.contain(now, alert, req);
                    }
                }
            }
            Decision::Escalate { reason } => {
                self.emit(now, Payload::Escalated { alert, reason });
            }
        }
        self.dispatch(now);
    }

    fn contain(&mut self, now: SimTime, alert: AlertId, req: ContainRequest) {
        let Some(entity) = self.sc.entities.get(req.target.index()) else {
            let message = format!("containment target {} does not exist", req.target);
            self.emit(now, Payload::StrategyFailed { alert, message });
            return;
        };
        if !action_applies(req.action, entity.kind) {
            let message = format!("{:?} does not apply to {}", req.action, entity.id);
            self.emit(now, Payload::StrategyFailed { alert, message });
            return;
        }
        if self.state.entities[req.target.index()].contained.is_some() {
            return;
        }
        let (action, target) = (req.action, req.target);
        let request = self.emit(
            now,
            Payload::ContainmentRequested {
                alert,
                action,
                target,
            },
        );
        let seq = self.emit(
            now,
            Payload::ContainmentExecuted {
                alert,
                action,
                target,
                request,
            },
        );
        self.prevent_pending(now, target, seq);
    }

    /// Steps already scheduled that need the just-contained entity will not happen.
    fn prevent_pending(&mut self, now: SimTime, target: EntityId, containment: u64) {
        for c in 0..self.sc.campaigns.len() {
            let campaign = CampaignId(c as u32);
            let blocked: Vec<StepId> = self.pending[c]
                .iter()
                .copied()
                .filter(|s| {
                    self.sc.campaigns[c].steps[s.index()]
                        .requires
                        .contains(&target)
                })
                .collect();
            if blocked.is_empty() {
                continue;
            }
            self.pending[c].retain(|s| !blocked.contains(s));
            for step in blocked {
                self.emit(
                    now,
                    Payload::AttackStepPrevented {
                        campaign,
                        step,
                        blocked_by: target,
                        containment,
                    },
                );
            }
            self.maybe_stopped(now, campaign, containment);
        }
    }
}

/// What the strategy may see of `alert` at `now`.
fn case_view<'v>(
    sc: &'v Scenario,
    state: &'v RunState,
    alert: AlertId,
    now: SimTime,
) -> CaseView<'v> {
    let rec = &state.alerts[alert.index()];
    CaseView {
        now,
        alert: AlertView {
            id: alert,
            raised_at: rec.raised_at,
            queued_at: rec.queued_at.unwrap_or(rec.raised_at),
            rule: &sc.rules[rec.rule.index()],
            severity: rec.severity,
            score: rec.score,
            entities: &rec.entities,
        },
        environment: &sc.entities,
    }
}
