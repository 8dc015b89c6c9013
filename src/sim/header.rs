//! The header a run's log carries: built here, where the scenario and the provider
//! meet, so the log's own types need neither.

use crate::calendar::Capacity;
use crate::event::header::{CampaignInfo, StepInfo};
use crate::event::{RunHeader, SCHEMA_VERSION};
use crate::scenario::{CampaignTruth, Scenario};
use crate::strategy::Provider;
use crate::time::SimTime;

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
                objective: c.objective.0,
                impact: c.objective.1,
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
        pool_kinds: provider.pools.iter().map(|p| p.kind).collect(),
        pool_hours: provider
            .pools
            .iter()
            .map(|p| worker_hours(&p.capacity, scenario.horizon.0))
            .collect(),
        criticality: scenario.entities.iter().map(|e| e.criticality).collect(),
        customer_team: scenario.customer.size,
        provider: serde_json::to_value(&provider.spec).unwrap_or_default(),
    }
}

/// Worker-hours on shift in `[0, horizon_ms)`: the integral of the headcount on shift.
pub fn worker_hours(capacity: &Capacity, horizon_ms: u64) -> f64 {
    let mut points = vec![(0u64, capacity.at(SimTime::ZERO))];
    points.extend(capacity.changes().map(|(t, n)| (t.0, n)));
    let mut ms = 0u128;
    for (i, &(t, n)) in points.iter().enumerate() {
        let next = points
            .get(i + 1)
            .map_or(horizon_ms, |p| p.0.min(horizon_ms));
        ms += u128::from(n) * u128::from(next.saturating_sub(t.min(horizon_ms)));
    }
    ms as f64 / 3_600_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{Epoch, SimDuration};

    #[test]
    fn worker_hours_integrate_the_headcount_on_shift() {
        // Two workers 24/7 for three days: 144 worker-hours.
        assert_eq!(worker_hours(&Capacity::constant(2), 3 * 86_400_000), 144.0);
        // New York business hours (09–17, Mon–Fri) from Friday 18:00 for 3 days: Monday
        // 09:00–17:00 only (the run ends Monday 18:00) → 8 hours for one worker.
        let epoch = Epoch::parse("2026-11-27T18:00:00-05:00").unwrap();
        let three_days = SimDuration(3 * 86_400_000);
        let c = crate::calendar::ScheduleSpec::business_hours("America/New_York", "09:00", "17:00")
            .compile(1, &epoch, three_days)
            .unwrap();
        assert_eq!(worker_hours(&c, three_days.0), 8.0);
        // The same over a whole week from Friday 18:00: Mon–Thu full days and Friday
        // morning's 8 hours = 40 hours.
        let week = SimDuration(7 * 86_400_000);
        let c = crate::calendar::ScheduleSpec::business_hours("America/New_York", "09:00", "17:00")
            .compile(1, &epoch, week)
            .unwrap();
        assert_eq!(worker_hours(&c, week.0), 40.0);
    }
}
