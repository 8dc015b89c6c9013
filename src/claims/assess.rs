//! Testing a claims file against runs: each claim's metric estimated the way the eval
//! summary estimates it (same method, same interval), over the claim's scenario or the
//! whole suite, and judged by the whole interval ([`super::expr::verdict`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::expr::{Claim, Verdict, all_of, estimate_value, verdict};
use super::file::ClaimsFile;
use super::identity::{Grid, definition_hash};
use super::normalise::normalised;
use crate::error::{Error, Result};
use crate::harness::output::manifest_text;
use crate::harness::{EvalConfig, RunRecord, summarize_runs};
use crate::strategy::StrategyDef;

/// One claim's outcome (one part's, for a claim of several joined by `and`), with its
/// evidence.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClaimOutcome {
    /// Which claim of the file (0-based): the parts of one claim share it.
    pub index: usize,
    /// The vendor's words (may be empty).
    pub says: String,
    /// The claim (part) as written.
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
    /// Per claim part, in file order.
    pub outcomes: Vec<ClaimOutcome>,
    /// Per claim: its verdict (every part must pass) and which trivial strategies
    /// would pass it too.
    #[serde(default)]
    pub claims: Vec<ClaimVerdict>,
    /// The gaming check: trivial strategies run on the same suite, seeds and costs, and
    /// the claims each passes. `None` when it was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gaming: Option<Vec<TrivialOutcome>>,
    /// Claims that passed.
    pub passed: usize,
    /// Claims that failed.
    pub failed: usize,
    /// Claims the evidence does not settle.
    pub inconclusive: usize,
}

/// One claim of the file, judged whole.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClaimVerdict {
    /// The vendor's words (may be empty).
    #[serde(default)]
    pub says: String,
    /// The claim as written.
    pub claim: String,
    /// The scenario, or `*`.
    pub scenario: String,
    /// pass (every part passes), fail (a part fails) or inconclusive.
    pub verdict: Verdict,
    /// Trivial strategies that pass it too (filled by the gaming check).
    #[serde(default)]
    pub also_passed_by: Vec<String>,
}

/// A trivial strategy on the same claims.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrivialOutcome {
    /// Its name.
    pub strategy: String,
    /// Claims it passes (indices into the file's claims).
    pub passes: Vec<usize>,
    /// It passes every claim: the set does not tell the tested strategy from it.
    pub passes_all: bool,
}

impl ClaimsReport {
    /// Records how trivial strategies fare on the same claims (their own reports).
    pub fn with_gaming(mut self, trivial: &[ClaimsReport]) -> ClaimsReport {
        let mut out = Vec::new();
        for t in trivial {
            let passes: Vec<usize> = (t.claims.iter().enumerate())
                .filter(|(_, c)| c.verdict == Verdict::Pass)
                .map(|(i, _)| i)
                .collect();
            for &i in &passes {
                if let Some(c) = self.claims.get_mut(i) {
                    c.also_passed_by.push(t.strategy.clone());
                }
            }
            out.push(TrivialOutcome {
                strategy: t.strategy.clone(),
                passes_all: !t.claims.is_empty() && passes.len() == t.claims.len(),
                passes,
            });
        }
        self.gaming = Some(out);
        self
    }

    /// Trivial strategies that pass the whole set (it does not discriminate).
    pub fn undiscriminating(&self) -> Vec<&str> {
        (self.gaming.iter().flatten())
            .filter(|t| t.passes_all)
            .map(|t| t.strategy.as_str())
            .collect()
    }
}

/// The eval a claims file asks for.
pub fn config(file: &ClaimsFile, threads: usize, budget: crate::budget::Budget) -> EvalConfig {
    config_for(file, &file.strategy, threads, budget)
}

/// The eval a claims file asks for, of `strategy` (the file's, or a trivial one).
pub fn config_for(
    file: &ClaimsFile,
    strategy: &StrategyDef,
    threads: usize,
    budget: crate::budget::Budget,
) -> EvalConfig {
    EvalConfig {
        scenarios: file.scenarios.clone(),
        strategies: vec![strategy.clone()],
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
    hash_of(&file.strategy)
}

fn hash_of(strategy: &StrategyDef) -> String {
    definition_hash(&serde_json::to_value(strategy).unwrap_or_default())
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
    assess_strategy(file, &file.strategy, runs)
}

/// Judges every claim of `file` on the runs of `strategy` among `runs`.
pub fn assess_strategy(
    file: &ClaimsFile,
    strategy: &StrategyDef,
    runs: &[RunRecord],
) -> ClaimsReport {
    let mine: Vec<RunRecord> = runs
        .iter()
        .filter(|r| r.strategy == strategy.name)
        .cloned()
        .collect();
    let summary = summarize_runs(&mine, None);
    let seeds = file.seeds.len() as u64;
    let mut outcomes: Vec<ClaimOutcome> = Vec::new();
    let mut claims: Vec<ClaimVerdict> = Vec::new();
    for (index, c) in file.claims.iter().enumerate() {
        let scope = c.scenario.clone().unwrap_or_else(|| "*".into());
        let group = match &c.scenario {
            Some(s) => summary.groups.iter().find(|g| &g.scenario == s),
            None => summary.overall.first(),
        };
        let in_scope: Vec<&RunRecord> = mine
            .iter()
            .filter(|r| c.scenario.as_ref().is_none_or(|s| &r.scenario == s))
            .collect();
        let mut verdicts = Vec::new();
        for (text, claim) in &c.parts {
            let s = match claim.per {
                Some(per) => normalised(&claim.metric, per, &in_scope, &file.scenarios),
                None => group
                    .and_then(|g| g.metrics.get(&claim.metric))
                    .cloned()
                    .unwrap_or_else(|| crate::harness::stats::Summary::empty("none")),
            };
            let v = verdict(claim, &s);
            verdicts.push(v);
            outcomes.push(ClaimOutcome {
                index,
                says: c.says.clone(),
                claim: text.clone(),
                parsed: claim.clone(),
                scenario: scope.clone(),
                runs: group.map_or(0, |g| g.runs),
                estimate: estimate_value(&s).filter(|x| x.is_finite()),
                ci_low: s.ci_low,
                ci_high: s.ci_high,
                n: s.n,
                method: s.method.clone(),
                censored: s.censored,
                verdict: v,
            });
        }
        claims.push(ClaimVerdict {
            says: c.says.clone(),
            claim: c.text.clone(),
            scenario: scope,
            verdict: all_of(verdicts),
            also_passed_by: Vec::new(),
        });
    }
    let count = |v: Verdict| claims.iter().filter(|o| o.verdict == v).count();
    ClaimsReport {
        file: file.path.display().to_string(),
        strategy: strategy.name.clone(),
        strategy_hash: hash_of(strategy),
        scenarios: file.scenarios.iter().map(|s| s.name.clone()).collect(),
        seeds,
        passed: count(Verdict::Pass),
        failed: count(Verdict::Fail),
        inconclusive: count(Verdict::Inconclusive),
        outcomes,
        claims,
        gaming: None,
    }
}
