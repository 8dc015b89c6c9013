//! Testing a claims file against runs: each claim's metric estimated the way the eval
//! summary estimates it (same method, same interval), over the claim's scenario or the
//! whole suite, and judged by the whole interval ([`super::expr::verdict`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::expr::{Claim, Verdict, estimate_value, seeds_to_settle, verdict};
use super::file::ClaimsFile;
use super::identity::{Grid, definition_hash};
use crate::error::{Error, Result};
use crate::harness::output::manifest_text;
use crate::harness::{EvalConfig, RunRecord, summarize_runs};

/// One claim's outcome, with its evidence.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClaimOutcome {
    /// The vendor's words (may be empty).
    pub says: String,
    /// The claim as written.
    pub claim: String,
    /// Parsed.
    pub parsed: Claim,
    /// The scenario, or `*` for the whole suite.
    pub scenario: String,
    /// Runs the estimate rests on.
    pub runs: u64,
    /// The estimate (a Kaplan–Meier median never reached is `null` with `censored`).
    pub estimate: Option<f64>,
    /// Lower end of the 95% interval (`null`: none, or beyond the horizon for a median).
    pub ci_low: Option<f64>,
    /// Upper end of the 95% interval.
    pub ci_high: Option<f64>,
    /// What the interval rests on (campaigns, alerts or runs; see the method).
    pub n: u64,
    /// How it was estimated (`wilson`, `run bootstrap`, `kaplan-meier`, `t`).
    pub method: String,
    /// Censored campaigns (Kaplan–Meier only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub censored: Option<u64>,
    /// pass, fail or inconclusive.
    pub verdict: Verdict,
    /// For an inconclusive claim, about how many seeds would settle it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seeds_to_settle: Option<u64>,
}

/// Everything `mdrsim claims` reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClaimsReport {
    /// The claims file.
    pub file: String,
    /// The strategy tested.
    pub strategy: String,
    /// Hash of its definition (overrides applied).
    pub strategy_hash: String,
    /// Scenarios of the suite.
    pub scenarios: Vec<String>,
    /// Seeds per scenario.
    pub seeds: u64,
    /// Per claim, in file order.
    pub outcomes: Vec<ClaimOutcome>,
    /// Claims that passed.
    pub passed: usize,
    /// Claims that failed.
    pub failed: usize,
    /// Claims the evidence does not settle.
    pub inconclusive: usize,
}

/// The eval a claims file asks for.
pub fn config(file: &ClaimsFile, threads: usize, budget: crate::budget::Budget) -> EvalConfig {
    EvalConfig {
        scenarios: file.scenarios.clone(),
        strategies: vec![file.strategy.clone()],
        sweeps: Vec::new(),
        seeds: file.seeds.clone(),
        shard: None,
        threads,
        events_dir: None,
        costs: file.costs.clone(),
        budget,
    }
}

fn strategy_hash(file: &ClaimsFile) -> String {
    definition_hash(&serde_json::to_value(&file.strategy).unwrap_or_default())
}

/// Refuses results that are not the runs the claims file asks for (other scenarios or
/// scenario content, seeds, cost table, or a different definition of the strategy),
/// naming each difference. Results may hold other strategies too.
pub fn check_results(file: &ClaimsFile, manifest: &Value, dir: &str) -> Result<()> {
    let wanted_text = manifest_text(&config(file, 1, crate::budget::Budget::new(false)))?;
    let wanted: Value =
        serde_json::from_str(&wanted_text).map_err(|e| Error::Usage(format!("manifest: {e}")))?;
    let bad = |m: String| Error::Usage(format!("{dir}/manifest.json: {m}"));
    let wanted = Grid::from_manifest(&wanted).map_err(bad)?;
    let there = Grid::from_manifest(manifest).map_err(bad)?;
    let mut diffs = wanted.differences(&there);
    let name = &file.strategy.name;
    match there.strategies.get(name) {
        None => diffs.push(format!("strategy {name} is not in the results")),
        Some(h) if *h != strategy_hash(file) => diffs.push(format!(
            "strategy {name} is defined differently there (definition {h}, the claims file's \
             {})",
            strategy_hash(file)
        )),
        Some(_) => {}
    }
    if diffs.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--results {dir}: not the runs {} asks for: {}",
        file.path.display(),
        diffs.join("; ")
    )))
}

/// Judges every claim of `file` on `runs` (runs of other strategies are ignored).
pub fn assess(file: &ClaimsFile, runs: &[RunRecord]) -> ClaimsReport {
    let mine: Vec<RunRecord> = runs
        .iter()
        .filter(|r| r.strategy == file.strategy.name)
        .cloned()
        .collect();
    let summary = summarize_runs(&mine, None);
    let seeds = file.seeds.len() as u64;
    let outcomes: Vec<ClaimOutcome> = file
        .claims
        .iter()
        .map(|c| {
            let scope = c.scenario.clone().unwrap_or_else(|| "*".into());
            let group = match &c.scenario {
                Some(s) => summary.groups.iter().find(|g| &g.scenario == s),
                None => summary.overall.first(),
            };
            let s = group
                .and_then(|g| g.metrics.get(&c.claim.metric))
                .cloned()
                .unwrap_or_else(|| crate::harness::stats::Summary::empty("none"));
            let v = verdict(&c.claim, &s);
            ClaimOutcome {
                says: c.says.clone(),
                claim: c.text.clone(),
                parsed: c.claim.clone(),
                scenario: scope,
                runs: group.map_or(0, |g| g.runs),
                estimate: estimate_value(&s).filter(|x| x.is_finite()),
                ci_low: s.ci_low,
                ci_high: s.ci_high,
                n: s.n,
                method: s.method.clone(),
                censored: s.censored,
                verdict: v,
                seeds_to_settle: (v == Verdict::Inconclusive)
                    .then(|| seeds_to_settle(&c.claim, &s, seeds))
                    .flatten(),
            }
        })
        .collect();
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
    ClaimsReport {
        file: file.path.display().to_string(),
        strategy: file.strategy.name.clone(),
        strategy_hash: strategy_hash(file),
        scenarios: file.scenarios.iter().map(|s| s.name.clone()).collect(),
        seeds,
        passed: count(Verdict::Pass),
        failed: count(Verdict::Fail),
        inconclusive: count(Verdict::Inconclusive),
        outcomes,
    }
}
