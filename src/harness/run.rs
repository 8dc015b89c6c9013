//! Running the grid: each run single-threaded and deterministic, keyed by its place in
//! the grid, so which thread runs it does not matter.

use std::path::PathBuf;

use super::grid::{Cell, Shard, SweepAxis, cells, grid_size};
use super::timeline::TimelineFold;
use crate::error::{Error, Result};
use crate::event::{self, RunHeader};
use crate::scenario::Scenario;
use crate::score::record::RecordsFold;
use crate::score::{Metrics, RunRecords};
use crate::sim::Simulation;
use crate::strategy::StrategyDef;

/// Everything an evaluation needs.
pub struct EvalConfig {
    /// Scenarios, sorted by name.
    pub scenarios: Vec<Scenario>,
    /// Strategies, in the order given.
    pub strategies: Vec<StrategyDef>,
    /// Parameter axes.
    pub sweeps: Vec<SweepAxis>,
    /// Seeds.
    pub seeds: Vec<u64>,
    /// Only this slice of the grid.
    pub shard: Option<Shard>,
    /// Worker threads (≥ 1).
    pub threads: usize,
    /// Store each run's event log under this folder, hive-partitioned.
    pub events_dir: Option<PathBuf>,
    /// The cost table every run's `cost` uses (recorded in the manifest).
    pub costs: crate::score::cost::CostTable,
    /// How much work the grid may be (see [`crate::budget`]).
    pub budget: crate::budget::Budget,
}

/// The outcome of one run.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Where it sits in the grid.
    pub cell: Cell,
    /// Its header (scenario, strategy, seed, provider in effect).
    pub header: RunHeader,
    /// Its scores.
    pub metrics: Metrics,
    /// What happened to each alert and campaign (the metrics come from these).
    pub records: RunRecords,
    /// Capacity on shift, attack steps and containments over the run.
    pub timeline: Vec<super::timeline::TimelineRow>,
}

impl EvalConfig {
    /// Which sweep axes apply to which strategy.
    fn applies(&self) -> Vec<Vec<bool>> {
        self.strategies
            .iter()
            .map(|d| self.sweeps.iter().map(|a| d.has(&a.key)).collect())
            .collect()
    }

    /// The cells this process runs. Call [`EvalConfig::validate`] first: it bounds the
    /// grid before it is listed.
    pub fn cells(&self) -> Vec<Cell> {
        cells(
            self.scenarios.len(),
            &self.applies(),
            &self.sweeps,
            &self.seeds,
        )
        .into_iter()
        .filter(|c| self.shard.is_none_or(|s| s.owns(c.index)))
        .collect()
    }

    /// Runs in the whole grid (all shards); `None` if the count overflows.
    pub fn grid_size_checked(&self) -> Option<u64> {
        grid_size(
            self.scenarios.len(),
            &self.applies(),
            &self.sweeps,
            self.seeds.len(),
        )
    }

    /// Runs in the whole grid (all shards), for a validated config.
    pub fn grid_size(&self) -> usize {
        self.grid_size_checked().unwrap_or(u64::MAX) as usize
    }

    /// The strategy of `cell` with its parameters applied.
    fn strategy(&self, cell: &Cell) -> Result<StrategyDef> {
        let mut def = self.strategies[cell.strategy].clone();
        for (k, v) in &cell.params {
            def.set(k, v.clone()).map_err(|e| e.in_flag("--sweep"))?;
        }
        Ok(def)
    }

    /// Checks every (scenario, strategy, parameters) combination before anything runs,
    /// so a bad `--set` or pin fails at once with exit code 2.
    pub fn validate(&self) -> Result<()> {
        self.refuse_repeated_cells()?;
        self.budget.check_runs(
            self.grid_size_checked(),
            "--seeds × --strategies × --sweep × --suite",
        )?;
        if self.threads == 0 {
            return Err(Error::Usage("--threads: must be at least 1".into()));
        }
        for s in &self.scenarios {
            self.budget.check_scenario(s)?;
        }
        for axis in &self.sweeps {
            if !self.strategies.iter().any(|d| d.has(&axis.key)) {
                return Err(Error::Usage(format!(
                    "--sweep {}: none of the strategies has this parameter",
                    axis.key
                )));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for cell in self.cells() {
            if seen.insert((
                cell.scenario,
                cell.strategy,
                serde_json::to_string(&cell.params).unwrap_or_default(),
            )) {
                self.strategy(&cell)?
                    .instantiate(&self.scenarios[cell.scenario])?;
            }
        }
        Ok(())
    }

    /// A grid cell repeated is a run counted twice, never a new seed: two scenarios
    /// with one name, a strategy named twice, a sweep key or value given twice.
    fn refuse_repeated_cells(&self) -> Result<()> {
        let twice = |what: &str, name: &str| {
            Err(Error::Usage(format!(
                "{what} {name:?} appears twice: a repeated grid cell would count the same runs twice"
            )))
        };
        for (i, s) in self.scenarios.iter().enumerate() {
            if let Some(o) = self.scenarios[..i].iter().find(|o| o.name == s.name) {
                return Err(Error::Usage(format!(
                    "--suite: {} and {} are both named {:?}: a repeated grid cell would count the same runs twice",
                    o.path.display(),
                    s.path.display(),
                    s.name
                )));
            }
        }
        for (i, d) in self.strategies.iter().enumerate() {
            if self.strategies[..i].iter().any(|o| o.name == d.name) {
                return twice("--strategies: strategy", &d.name);
            }
        }
        for (i, axis) in self.sweeps.iter().enumerate() {
            if self.sweeps[..i].iter().any(|o| o.key == axis.key) {
                return twice("--sweep: key", &axis.key);
            }
            for (j, v) in axis.values.iter().enumerate() {
                if axis.values[..j].contains(v) {
                    return twice(&format!("--sweep {}: value", axis.key), &v.to_string());
                }
            }
        }
        Ok(())
    }

    /// Runs one cell, scoring it as it happens: its events go to the records and
    /// timeline folds and, with `events_dir`, straight to its log file, never into one
    /// list in memory.
    pub fn run_cell(&self, cell: &Cell) -> Result<RunResult> {
        let scenario = &self.scenarios[cell.scenario];
        let mut decider = self.strategy(cell)?.instantiate(scenario)?;
        let sim = Simulation::new(scenario, cell.seed).run_id(cell.index);
        let header = sim.header(&decider);
        let pools: Vec<(String, crate::calendar::Capacity)> = decider
            .provider
            .pools
            .iter()
            .map(|p| (p.name.clone(), p.capacity.clone()))
            .collect();
        let dir = match &self.events_dir {
            Some(dir) => {
                let path = crate::names::under(
                    dir,
                    &partition_path(&scenario.name, &header.strategy, cell),
                )?;
                std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
                Some(path)
            }
            None => None,
        };
        let mut log = match &dir {
            Some(path) => Some(event::LogSink::create(&path.join("log.parquet"), &header)?),
            None => None,
        };
        let mut records = RecordsFold::new(&header);
        let mut timeline = TimelineFold::new(&header, &pools, &scenario.customer.capacity);
        {
            let mut sinks: Vec<&mut dyn event::EventSink> = vec![&mut records, &mut timeline];
            if let Some(log) = log.as_mut() {
                sinks.push(log);
            }
            sim.run_into(&mut decider, &mut event::Tee(sinks));
        }
        if let (Some(log), Some(path)) = (log, &dir) {
            log.finish()?;
            // An external program's reply times: beside the log, never in it (they
            // are wall-clock and would break byte-identical results).
            if !decider.reply_times().is_empty() {
                crate::strategy::external::write_reply_times(
                    &path.join("reply_times.jsonl"),
                    decider.reply_times(),
                )?;
            }
        }
        let records = records.finish();
        let timeline = timeline.finish();
        let mut metrics = Metrics::from_records(&records);
        self.costs.price(&records, &mut metrics);
        Ok(RunResult {
            cell: cell.clone(),
            header,
            metrics,
            records,
            timeline,
        })
    }

    /// The pool of `threads` workers that every parallel step of an eval runs in.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        let threads = self.threads.max(1);
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))
    }

    /// Runs `cells` one after another on the calling thread, reporting each finished
    /// run to `progress`.
    pub fn run_cells(
        &self,
        cells: &[Cell],
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<RunResult>> {
        cells
            .iter()
            .map(|c| {
                let r = self.run_cell(c);
                progress();
                r
            })
            .collect()
    }
}

/// Runs per part: the unit of parallel work, of result writing and of `--resume`. Small
/// enough that the two threads of a 2-core machine finish together, large enough that
/// part files stay few.
pub const PART_RUNS: usize = 8;

/// The hive partition folders of a run's event log: `scenario=…/strategy=…/`, one
/// `KEY=VALUE/` per swept parameter, `seed=N`; every key and value percent-encoded, so
/// a name or value can never add a level or leave the folder.
pub fn partition_path(scenario: &str, strategy: &str, cell: &Cell) -> PathBuf {
    use crate::names::partition;
    let mut path = PathBuf::from(partition("scenario", scenario));
    path.push(partition("strategy", strategy));
    for (k, v) in &cell.params {
        path.push(partition(k, &value_text(v)));
    }
    path.push(partition("seed", &cell.seed.to_string()));
    path
}

fn value_text(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// `key=value,key=value`, for tables.
pub fn params_label(params: &[(String, serde_json::Value)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", value_text(v)))
        .collect::<Vec<_>>()
        .join(",")
}
