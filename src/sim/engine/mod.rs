//! The engine proper. World processes (benign alerts and telemetry, campaign steps,
//! detection) and operations (pool queues, shifts, workers, decisions, the customer's
//! team, containment) are jobs on one agenda; every job's outcome is a list of events
//! appended to the log and applied to the state.

mod capture;
mod clues;
mod context;
mod customer;
mod detect;
mod footholds;
mod job;
mod latency;
mod origin;
mod queue;
mod recorded;
mod requests;
mod respond;
mod work;
mod world;

use crate::event::window::RETENTION;
use crate::event::{EventLog, EventSink, Party, Payload, RetainedLog, RunHeader};
use crate::ids::{AlertId, CampaignId, StepId};
use crate::random::{Purpose, SeedTree, Stream};
use crate::scenario::Scenario;
use crate::strategy::Decider;
use crate::time::{SimDuration, SimTime};
use crate::world::RunState;

use super::agenda::Agenda;
pub use capture::{AlertSource, Capture, Captured, WorldJob};
use job::{CustomerTask, Job, Pending};
use origin::Origin;

/// A configured run: a scenario, a seed and a run id.
#[derive(Clone, Copy)]
pub struct Simulation<'s> {
    scenario: &'s Scenario,
    seed: u64,
    run: u64,
    retention: SimDuration,
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
            retention: RETENTION,
        }
    }

    /// Sets the run id stored in every event (the grid index in an evaluation).
    pub fn run_id(mut self, run: u64) -> Self {
        self.run = run;
        self
    }

    /// Sets how far back investigations can look (default [`RETENTION`], 30 days; see
    /// [`crate::event::window`]). For tests and studies of retention itself.
    pub fn retention(mut self, retention: SimDuration) -> Self {
        self.retention = retention;
        self
    }

    /// Runs to the horizon with `decider` deciding every case, keeping the whole log in
    /// memory. The decider must have been instantiated for this scenario.
    pub fn run(&self, decider: &mut Decider) -> RunOutput {
        let mut log = EventLog::with_capacity(self.run, 4096);
        let header = self.run_into(decider, &mut log);
        RunOutput { header, log }
    }

    /// Runs to the horizon, handing every event to `sink` as it happens; the engine
    /// itself keeps only its retention window (see [`crate::event::window`]), so a long
    /// run streamed to a writer or a scoring fold needs memory for its live state only.
    pub fn run_into(&self, decider: &mut Decider, sink: &mut dyn EventSink) -> RunHeader {
        self.run_engine(decider, sink, false).0
    }

    /// The header of this run with `decider` (what [`Simulation::run_into`] returns),
    /// known before it runs, so sinks that need its name tables can be made first.
    pub fn header(&self, decider: &Decider) -> RunHeader {
        super::run_header(
            self.scenario,
            &decider.name,
            &decider.provider,
            self.seed,
            self.run,
        )
    }

    /// Runs to the horizon; with `capture`, also returns the world jobs and the
    /// engine's record of where each alert came from.
    fn run_engine(
        &self,
        decider: &mut Decider,
        sink: &mut dyn EventSink,
        capture: bool,
    ) -> (RunHeader, Vec<Captured>, Vec<AlertSource>) {
        let header = self.header(decider);
        if let crate::strategy::Policy::Honest(s) = &mut decider.policy {
            s.begin(&crate::strategy::RunIdentity {
                run: self.run,
                seed: self.seed,
                engagement: format!("e-{}", header.scenario_hash),
            });
        }
        let mut engine = Engine::new(self.scenario, self.seed, self.run, decider, sink);
        engine.retention = self.retention;
        engine.capture = capture.then(Vec::new);
        engine.start();
        engine.run_to_horizon();
        let alerts = if capture {
            engine.alert_sources()
        } else {
            Vec::new()
        };
        let jobs = engine.capture.take().unwrap_or_default();
        (header, jobs, alerts)
    }
}

struct Engine<'a> {
    sc: &'a Scenario,
    seeds: SeedTree,
    decider: &'a mut Decider,
    /// What the engine may still read of its log; every event also goes to `sink`.
    log: RetainedLog,
    sink: &'a mut dyn EventSink,
    /// When the window was last cut (see [`Engine::forget`]).
    forgotten_at: SimTime,
    /// How far back investigations can look.
    retention: SimDuration,
    state: RunState,
    agenda: Agenda<Job>,
    benign_streams: Vec<Stream>,
    benign_seen: Vec<u64>,
    telemetry_streams: Vec<Stream>,
    telemetry_seen: Vec<u64>,
    /// Scheduled, not yet executed steps per campaign.
    pending: Vec<Vec<StepId>>,
    origins: Vec<Origin>,
    horizon: SimTime,
    /// Per telemetry source: whether the provider's telemetry queries read it.
    queryable: Vec<bool>,
    /// World jobs and their events, when capturing (see [`Simulation::capture`]).
    capture: Option<Vec<Captured>>,
    /// Alerts found benign by whoever decided their precautionary containment.
    cleared: std::collections::BTreeSet<AlertId>,
    /// Per campaign: footholds and the steps containment holds back.
    holds: Vec<footholds::Hold>,
    /// Per entity: eradications requested and not yet done (a containment there is not
    /// lifted meanwhile).
    eradicating: Vec<u32>,
    /// Queue entries (`seq`, alert) past their overload age, dropped as soon as the
    /// backlog is above the overload threshold.
    overdue: std::collections::BTreeMap<u64, AlertId>,
}

impl<'a> Engine<'a> {
    fn new(
        sc: &'a Scenario,
        seed: u64,
        run: u64,
        decider: &'a mut Decider,
        sink: &'a mut dyn EventSink,
    ) -> Self {
        let seeds = SeedTree::new(seed, sc.name_key);
        let steps: Vec<usize> = sc.campaigns.iter().map(|c| c.steps.len()).collect();
        let pools: Vec<u32> = decider.provider.pools.iter().map(|p| p.size).collect();
        let queryable = sc
            .sources
            .iter()
            .map(|s| decider.provider.queries_telemetry(s))
            .collect();
        Engine {
            sc,
            seeds,
            state: RunState::new(
                sc.entities.len(),
                &steps,
                &pools,
                sc.customer.size + sc.customer.on_call.size,
            ),
            decider,
            log: RetainedLog::new(run),
            sink,
            forgotten_at: SimTime::ZERO,
            retention: RETENTION,
            agenda: Agenda::default(),
            benign_streams: sc
                .benign
                .iter()
                .map(|p| seeds.stream(Purpose::BenignArrivals, &[p.key]))
                .collect(),
            benign_seen: vec![0; sc.benign.len()],
            telemetry_streams: sc
                .telemetry
                .iter()
                .map(|p| seeds.stream(Purpose::TelemetryArrivals, &[p.key]))
                .collect(),
            telemetry_seen: vec![0; sc.telemetry.len()],
            pending: vec![Vec::new(); sc.campaigns.len()],
            origins: Vec::new(),
            horizon: SimTime::ZERO.after(sc.horizon),
            queryable,
            capture: None,
            cleared: Default::default(),
            holds: vec![footholds::Hold::default(); sc.campaigns.len()],
            eradicating: vec![0; sc.entities.len()],
            overdue: Default::default(),
        }
    }

    fn emit(&mut self, at: SimTime, payload: Payload) -> u64 {
        let task = match &payload {
            Payload::Escalated { alert, .. } => Some(*alert),
            Payload::ContainmentRequested {
                alert,
                executor: Party::Customer,
                ..
            } => Some(*alert),
            _ => None,
        };
        let released = matches!(payload, Payload::ContainmentReleased { .. });
        if let Payload::ContainmentRequested { action, target, .. } = &payload
            && action.eradicates()
            && let Some(n) = self.eradicating.get_mut(target.index())
        {
            *n += 1;
        }
        let e = self.log.append(at, payload);
        let seq = e.seq;
        self.state.apply(e);
        self.sink.accept(e);
        if let Some(alert) = task {
            self.maybe_page(at, alert);
        }
        if released {
            self.resume_held(at);
        }
        seq
    }

    fn start(&mut self) {
        self.record_directory();
        for (i, f) in self.sc.facts.iter().enumerate() {
            self.agenda.schedule(
                SimTime::ZERO.after(f.from),
                Job::WorldFact { index: i as u32 },
            );
        }
        for p in 0..self.sc.benign.len() {
            self.schedule_benign(SimTime::ZERO, p as u32);
        }
        for p in 0..self.sc.telemetry.len() {
            self.schedule_telemetry(SimTime::ZERO, p as u32);
        }
        self.schedule_recordings();
        for (c, campaign) in self.sc.campaigns.iter().enumerate() {
            let mut rng = self.seeds.stream(Purpose::CampaignStart, &[campaign.key]);
            let at = SimTime::ZERO.after(campaign.start.sample(&mut rng));
            self.agenda.schedule(
                at,
                Job::CampaignStart {
                    campaign: CampaignId(c as u32),
                },
            );
        }
        let mut changes: Vec<SimTime> = self
            .decider
            .provider
            .pools
            .iter()
            .flat_map(|p| p.capacity.changes().map(|(t, _)| t))
            .collect();
        changes.extend(self.sc.customer.capacity.changes().map(|(t, _)| t));
        changes.sort();
        changes.dedup();
        for t in changes.into_iter().filter(|t| *t <= self.horizon) {
            self.agenda.schedule(t, Job::ShiftChange);
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
            self.forget(now);
        }
    }

    fn step(&mut self, now: SimTime, job: Job) {
        let world = self.capture.as_ref().and_then(|_| self.world_job(&job));
        let first_seq = self.log.len();
        self.run_job(now, job);
        if let (Some(jobs), Some(job)) = (self.capture.as_mut(), world) {
            jobs.push(Captured {
                job,
                at: now,
                first_seq,
                end_seq: self.log.len(),
            });
        }
    }

    /// Forgets what lies beyond the retention window, once per simulated day: the log
    /// and the indexes investigations search (telemetry, facts, past cases, handles).
    fn forget(&mut self, now: SimTime) {
        // Once a day, or as often as the window is short.
        let every = SimDuration::from_days(1).min(self.retention);
        if now.since(self.forgotten_at) < every {
            return;
        }
        self.forgotten_at = now;
        let cutoff = SimTime(now.ms().saturating_sub(self.retention.ms()));
        let base = self.log.forget_before(cutoff);
        let log = &self.log;
        self.state.forget_before(cutoff, base, |seq| log.holds(seq));
    }

    fn run_job(&mut self, now: SimTime, job: Job) {
        match job {
            Job::BenignArrival { process } => self.benign_arrival(now, process),
            Job::TelemetryArrival { process } => self.telemetry_arrival(now, process),
            Job::CampaignStart { campaign } => self.campaign_start(now, campaign),
            Job::StepDue { campaign, step } => self.step_due(now, campaign, step),
            Job::AlertDue {
                origin,
                rule,
                severity,
                entity,
                score,
                telemetry,
            } => {
                let entities = self.alert_entities(origin, entity);
                self.raise_alert(now, origin, rule, severity, entities, score, telemetry)
            }
            Job::ActionDone {
                alert,
                pool,
                worker,
                started,
                action,
            } => self.action_done(now, alert, pool, worker, started, action),
            Job::ContainmentEffect {
                alert,
                action,
                target,
                request,
                by,
            } => self.containment_effect(now, alert, action, target, request, by),
            Job::CustomerDone {
                alert,
                task,
                worker,
                started,
                work,
            } => self.customer_done(now, alert, task, worker, started, work),
            Job::ShiftChange => self.dispatch(now),
            Job::Expire { alert, entry } => self.overdue(now, alert, entry),
            Job::Patience { alert, entry } => self.out_of_patience(now, alert, entry),
            Job::WorldFact { index } => self.world_fact(now, index),
            Job::ReviewContainment { execution } => self.review_containment(now, execution),
            Job::PageAnswered => self.dispatch(now),
            Job::RecordedBackground { lane, n } => self.recorded_background(now, lane, n),
            Job::RecordedAttack { record } => self.recorded_attack(now, record),
        }
    }
}
