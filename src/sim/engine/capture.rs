//! A run that also says which world job produced which events, and where each alert
//! came from: what `mdrsim scenario export` needs to materialise the world exactly
//! (the alerts' stream keys, the lane and occurrence of every record).

use super::{Engine, Job, RunOutput, Simulation};
use crate::ids::{CampaignId, StepId};
use crate::strategy::Decider;
use crate::time::SimTime;

/// A world job: an arrival of a process, a step executing, a scheduled fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorldJob {
    /// An arrival of a benign alert process.
    Benign {
        /// Index into the scenario's benign processes.
        process: u32,
        /// Arrivals before this one.
        n: u64,
    },
    /// A record of a benign telemetry process.
    Telemetry {
        /// Index into the scenario's telemetry processes.
        process: u32,
        /// Records before this one.
        n: u64,
    },
    /// A campaign step due (executed, or prevented).
    Step {
        /// The campaign.
        campaign: CampaignId,
        /// The step.
        step: StepId,
    },
    /// A scheduled fact taking effect.
    Fact {
        /// Index into the scenario's scheduled facts.
        index: u32,
    },
}

/// A world job and the events it appended (`first_seq..end_seq`).
#[derive(Clone, Copy, Debug)]
pub struct Captured {
    /// The job.
    pub job: WorldJob,
    /// When it ran.
    pub at: SimTime,
    /// Its first event's seq.
    pub first_seq: u64,
    /// One past its last event's seq.
    pub end_seq: u64,
}

/// Where an alert came from, as far as a materialised world needs to know.
#[derive(Clone, Copy, Debug)]
pub struct AlertSource {
    /// The key of its random streams.
    pub key: [u64; 5],
    /// A security tool alerting on a campaign step: the campaign, step and the
    /// detector's index in the step.
    pub detection: Option<(CampaignId, StepId, u32)>,
    /// The occurrence a benign process's tool alert is about (its alert is due after
    /// the rule's latency, in a job of its own).
    pub occurrence: Option<WorldJob>,
}

/// A run with its world jobs and alert sources.
pub struct Capture {
    /// The run.
    pub output: RunOutput,
    /// The world jobs in the order they ran.
    pub jobs: Vec<Captured>,
    /// By alert id.
    pub alerts: Vec<AlertSource>,
}

impl Simulation<'_> {
    /// Runs like [`Simulation::run`], and captures the world jobs and alert sources.
    pub fn capture(&self, decider: &mut Decider) -> Capture {
        let mut log = crate::event::EventLog::with_capacity(self.run, 4096);
        let (header, jobs, alerts) = self.run_engine(decider, &mut log, true);
        Capture {
            output: RunOutput { header, log },
            jobs,
            alerts,
        }
    }
}

impl Engine<'_> {
    /// Where each alert came from, by alert id.
    pub(super) fn alert_sources(&self) -> Vec<AlertSource> {
        self.origins
            .iter()
            .map(|o| AlertSource {
                key: o.key(self.sc),
                detection: match *o {
                    super::Origin::Attack {
                        campaign,
                        step,
                        detector,
                    } => Some((campaign, step, detector)),
                    _ => None,
                },
                occurrence: match *o {
                    super::Origin::Benign { process, n } => Some(WorldJob::Benign { process, n }),
                    _ => None,
                },
            })
            .collect()
    }

    /// The world job `job` is, if it is one (before it runs: `n` counts arrivals so far).
    pub(super) fn world_job(&self, job: &Job) -> Option<WorldJob> {
        match *job {
            Job::BenignArrival { process } => Some(WorldJob::Benign {
                process,
                n: self.benign_seen[process as usize],
            }),
            Job::TelemetryArrival { process } => Some(WorldJob::Telemetry {
                process,
                n: self.telemetry_seen[process as usize],
            }),
            Job::StepDue { campaign, step } => Some(WorldJob::Step { campaign, step }),
            Job::WorldFact { index } => Some(WorldJob::Fact { index }),
            _ => None,
        }
    }
}
