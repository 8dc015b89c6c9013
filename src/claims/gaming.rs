//! The gaming check: a claim set means something only if doing nothing useful fails
//! it. `claims` runs the trivial strategies — dismiss everything, escalate everything,
//! contain everything — on the same suite, seeds and cost table, and reports which of
//! them pass which claims; a set that one of them passes whole does not discriminate.

use std::path::Path;

use super::assess::{ClaimsReport, assess_strategy, config_for};
use super::file::ClaimsFile;
use crate::budget::Budget;
use crate::error::Result;
use crate::harness::folder::Staging;
use crate::harness::tables::read_runs;
use crate::strategy::StrategyDef;

/// The trivial strategies: the two built-in bounds and contain-everything (the file in
/// `examples/gaming/`, compiled in so the check needs no file).
pub fn trivial_strategies() -> Result<Vec<StrategyDef>> {
    let contain = crate::strategy::file::parse(
        include_str!("../../examples/gaming/contain-everything.toml"),
        Path::new("contain_all.toml"),
    )?;
    Ok(vec![
        crate::strategy::builtin::definition("dismiss_all")?,
        crate::strategy::builtin::definition("escalate_all")?,
        contain,
    ])
}

/// Each trivial strategy (other than the one tested) judged on `file`'s claims.
pub fn trivial_reports(
    file: &ClaimsFile,
    threads: usize,
    budget: Budget,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<ClaimsReport>> {
    let mut out = Vec::new();
    for strategy in trivial_strategies()? {
        if strategy.name == file.strategy.name {
            continue;
        }
        let cfg = config_for(file, &strategy, threads, budget);
        cfg.validate()?;
        let temp = tempfile::tempdir().map_err(|e| crate::Error::io(Path::new("(temp)"), e))?;
        let target = temp.path().join("results");
        let staging = Staging::begin(&target, false)?;
        cfg.evaluate(staging.dir(), false, progress)?;
        staging.commit()?;
        let runs = read_runs(&target.join("runs.parquet"))?;
        out.push(assess_strategy(file, &strategy, &runs));
    }
    Ok(out)
}
