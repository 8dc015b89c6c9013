//! What a set of results is *of*: the scenarios (by name and content hash), the
//! strategies (by name and a hash of their full definition), the parameter axes, the
//! seeds and the cost table — read from a results folder's manifest, so results, claims
//! and baselines can be checked to be about the same things before any number is
//! compared.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::random::fnv1a;

/// The identity of a grid of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    /// Scenario name → content hash.
    pub scenarios: BTreeMap<String, String>,
    /// Strategy name → hash of its definition (provider, policy, parameters, program;
    /// not where the file was).
    pub strategies: BTreeMap<String, String>,
    /// The parameter axes, as the manifest states them.
    pub sweeps: Value,
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Hash of the cost table (`cost` depends on it).
    pub costs: String,
}

fn hash(v: &Value) -> String {
    format!("{:016x}", fnv1a(v.to_string().as_bytes()))
}

/// The hash of a strategy definition as the manifest records it, without `source`
/// (a file's path is where it was, not what it is).
pub fn definition_hash(def: &Value) -> String {
    let mut d = def.clone();
    if let Some(o) = d.as_object_mut() {
        o.remove("source");
    }
    hash(&d)
}

impl Grid {
    /// From a manifest (`manifest.json` of a results folder, or the text
    /// [`crate::harness::output::manifest_text`] gives for a configuration).
    pub fn from_manifest(m: &Value) -> Result<Grid, String> {
        let list = |k: &str| {
            m.get(k)
                .and_then(Value::as_array)
                .ok_or_else(|| format!("the manifest has no {k} list"))
        };
        let scenarios = list("scenarios")?
            .iter()
            .map(|s| {
                let name = s.get("name").and_then(Value::as_str);
                let h = s.get("content_hash").and_then(Value::as_str);
                match (name, h) {
                    (Some(n), Some(h)) => Ok((n.to_string(), h.to_string())),
                    _ => Err("a manifest scenario without name or content_hash".to_string()),
                }
            })
            .collect::<Result<_, _>>()?;
        let strategies = list("strategies")?
            .iter()
            .map(|s| {
                let name = s.get("name").and_then(Value::as_str);
                name.map(|n| (n.to_string(), definition_hash(s)))
                    .ok_or_else(|| "a manifest strategy without a name".to_string())
            })
            .collect::<Result<_, _>>()?;
        let seeds = list("seeds")?
            .iter()
            .map(|s| {
                s.as_u64()
                    .ok_or_else(|| "a seed that is not a number".to_string())
            })
            .collect::<Result<_, _>>()?;
        Ok(Grid {
            scenarios,
            strategies,
            sweeps: m.get("sweeps").cloned().unwrap_or(Value::Null),
            seeds,
            costs: hash(m.get("costs").unwrap_or(&Value::Null)),
        })
    }

    /// How `self` (what is wanted) differs from `other` (what is there), strategies
    /// aside: one line per difference; empty when the two are about the same runs.
    pub fn differences(&self, other: &Grid) -> Vec<String> {
        let mut out = Vec::new();
        for (name, h) in &self.scenarios {
            match other.scenarios.get(name) {
                None => out.push(format!("scenario {name} is missing")),
                Some(o) if o != h => out.push(format!(
                    "scenario {name} has different content ({h} vs {o})"
                )),
                Some(_) => {}
            }
        }
        for name in other.scenarios.keys() {
            if !self.scenarios.contains_key(name) {
                out.push(format!("scenario {name} is extra"));
            }
        }
        if self.seeds != other.seeds {
            out.push(format!(
                "seeds differ ({} vs {})",
                seeds_text(&self.seeds),
                seeds_text(&other.seeds)
            ));
        }
        if self.sweeps != other.sweeps {
            out.push(format!(
                "parameter axes differ ({} vs {})",
                self.sweeps, other.sweeps
            ));
        }
        if self.costs != other.costs {
            out.push("the cost tables differ".into());
        }
        out
    }
}

/// `1..16` for a contiguous range, else the count.
pub fn seeds_text(seeds: &[u64]) -> String {
    match (seeds.first(), seeds.last()) {
        (Some(a), Some(b)) if seeds.windows(2).all(|w| w[1] == w[0] + 1) => format!("{a}..{b}"),
        _ => format!("{} seeds", seeds.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(seeds: Vec<u64>, hash: &str, size: u64) -> Value {
        json!({
            "scenarios": [{"name": "a", "path": "x/a.toml", "content_hash": hash}],
            "strategies": [{"name": "s", "provider": {"size": size},
                            "source": {"path": "here.toml"}}],
            "sweeps": [], "seeds": seeds, "costs": {"dwell": 1}
        })
    }

    #[test]
    fn differences_name_what_differs() {
        let a = Grid::from_manifest(&manifest(vec![1, 2, 3], "01", 3)).unwrap();
        assert!(a.differences(&a).is_empty());
        let b = Grid::from_manifest(&manifest(vec![1, 2], "02", 3)).unwrap();
        let d = a.differences(&b);
        assert_eq!(
            d,
            vec![
                "scenario a has different content (01 vs 02)".to_string(),
                "seeds differ (1..3 vs 1..2)".to_string()
            ]
        );
    }

    #[test]
    fn a_definition_hash_ignores_where_the_file_was_but_not_what_it_says() {
        let a = Grid::from_manifest(&manifest(vec![1], "01", 3)).unwrap();
        let mut m = manifest(vec![1], "01", 3);
        m["strategies"][0]["source"]["path"] = json!("elsewhere.toml");
        assert_eq!(a, Grid::from_manifest(&m).unwrap());
        let c = Grid::from_manifest(&manifest(vec![1], "01", 4)).unwrap();
        assert_ne!(a.strategies["s"], c.strategies["s"]);
    }
}
