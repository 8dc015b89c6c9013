//! The header a run's log carries: built here, where the scenario and the provider
//! meet, so the log's own types need neither.

use crate::event::header::{CampaignInfo, StepInfo};
use crate::event::{RunHeader, SCHEMA_VERSION};
use crate::scenario::{CampaignTruth, Scenario};
use crate::strategy::Provider;

/// The header of a run of `strategy` on `scenario` with `seed`.
pub fn run_header(
    scenario: &Scenario,
    strategy: &str,
    provider: &Provider,
    seed: u64,
    run: u64,
) -> RunHeader {
    RunHeader {
        schema_version: SCHEMA_VERSION,
        mdrsim_version: env!("CARGO_PKG_VERSION").to_string(),
        run,
        scenario: scenario.name.clone(),
        scenario_hash: format!("{:016x}", scenario.content_hash),
        strategy: strategy.to_string(),
        seed,
        start: scenario.epoch.as_str().to_string(),
        horizon_ms: scenario.horizon.0,
        entities: scenario.entities.iter().map(|e| e.id.clone()).collect(),
        rules: scenario.rules.clone(),
        campaigns: scenario
            .campaigns
            .iter()
            .map(|c| CampaignInfo {
                name: c.name.clone(),
                malicious: c.truth == CampaignTruth::Malicious,
                steps: c
                    .steps
                    .iter()
                    .map(|s| StepInfo {
                        id: s.id.clone(),
                        technique: s.technique.clone(),
                    })
                    .collect(),
            })
            .collect(),
        sources: scenario.sources.clone(),
        pools: provider.pools.iter().map(|p| p.name.clone()).collect(),
        provider: serde_json::to_value(&provider.spec).unwrap_or_default(),
    }
}
