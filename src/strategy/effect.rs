//! Whether an override changes behaviour. A `--set` or `--sweep` value that leaves the
//! compiled strategy identical — a pool size under a rota whose shifts all name their
//! workers, a key the scenario pins, a value equal to the one in effect — would run the
//! same thing under another label; it is refused with the reason.

use super::StrategyDef;
use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// What decides a run: the provider as compiled for `scenario` (capacity timelines, not
/// headcounts or schedule text) and the policy with its parameters.
pub fn fingerprint(def: &StrategyDef, scenario: &Scenario) -> Result<String> {
    let decider = def.instantiate(scenario)?;
    let mut spec = serde_json::to_value(&decider.provider.spec).unwrap_or_default();
    if let Some(pools) = spec.get_mut("pools").and_then(|p| p.as_array_mut()) {
        for p in pools.iter_mut().filter_map(|p| p.as_object_mut()) {
            p.remove("size");
            p.remove("schedule");
        }
    }
    let capacity: Vec<String> = decider
        .provider
        .pools
        .iter()
        .map(|p| format!("{:?}", p.capacity))
        .collect();
    Ok(format!("{}|{}|{spec}|{capacity:?}", def.policy, def.params))
}

/// Refuses `flag key=value` when applying it to `before` (giving `after`) changes
/// nothing on any of `scenarios`.
pub fn refuse_no_op(
    flag: &str,
    key: &str,
    before: &StrategyDef,
    after: &StrategyDef,
    scenarios: &[Scenario],
) -> Result<()> {
    for s in scenarios {
        if fingerprint(before, s)? != fingerprint(after, s)? {
            return Ok(());
        }
    }
    Err(Error::Usage(format!(
        "{flag} {key}: changes nothing for {}: {}",
        before.name,
        why(key, before, scenarios)
    )))
}

/// Refuses a sweep axis two of whose values run the same strategy on every scenario.
pub fn refuse_identical_values(
    key: &str,
    def: &StrategyDef,
    values: &[serde_json::Value],
    scenarios: &[Scenario],
) -> Result<()> {
    let mut seen: Vec<(&serde_json::Value, Vec<String>)> = Vec::new();
    for v in values {
        let mut d = def.clone();
        d.set(key, v.clone()).map_err(|e| e.in_flag("--sweep"))?;
        let prints = scenarios
            .iter()
            .map(|s| fingerprint(&d, s))
            .collect::<Result<Vec<_>>>()?;
        if let Some((other, _)) = seen.iter().find(|(_, p)| *p == prints) {
            return Err(Error::Usage(format!(
                "--sweep {key}: the values {other} and {v} run the same {} on every scenario: {}",
                def.name,
                why(key, def, scenarios)
            )));
        }
        seen.push((v, prints));
    }
    Ok(())
}

/// The likely reason a key has no effect.
fn why(key: &str, def: &StrategyDef, scenarios: &[Scenario]) -> String {
    if let Some(rest) = key.strip_prefix("provider.") {
        let top = rest.split('.').next().unwrap_or(rest);
        if scenarios
            .iter()
            .any(|s| s.provider_pin.as_ref().is_some_and(|p| p.contains_key(top)))
        {
            return format!("a scenario pins provider.{top}, which takes precedence");
        }
        if key.ends_with(".size") && key.starts_with("provider.pools.") {
            let pool = &rest["pools.".len()..rest.len() - ".size".len()];
            let rota = match pool.parse::<usize>() {
                Ok(i) => def.provider.pools.get(i),
                Err(_) => def.provider.pools.iter().find(|p| p.name == pool),
            };
            if rota.is_some_and(|p| p.schedule.names_every_shifts_workers()) {
                return format!(
                    "every shift of pool {pool:?} names its workers, so its size does not \
                     limit who is on shift; set provider.pools.{pool}.schedule instead"
                );
            }
        }
    }
    "the strategy runs exactly as before (the value may already be in effect)".into()
}
