//! The evaluation grid: scenario × strategy × parameter combination × seed, in a fixed
//! order. Every cell has an index; output is written in index order, so results do not
//! depend on the thread count, and `--shard K/N` takes the cells whose index ≡ K−1 mod N.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One axis of a parameter sweep: a path and its values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepAxis {
    /// Parameter path, as for `--set`.
    pub key: String,
    /// Values, in the order given.
    pub values: Vec<serde_json::Value>,
}

/// One run of the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Position in the whole (unsharded) grid.
    pub index: u64,
    /// Index into the scenario list.
    pub scenario: usize,
    /// Index into the strategy list.
    pub strategy: usize,
    /// The parameter combination (one value per sweep axis), as `key=value` pairs.
    pub params: Vec<(String, serde_json::Value)>,
    /// Master seed.
    pub seed: u64,
}

/// A deterministic slice `K/N` of the grid (1-based K).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 1..=N.
    pub k: u64,
    /// Number of shards.
    pub n: u64,
}

impl Shard {
    /// Parses `K/N`.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "--shard {text:?}: expected K/N with 1 ≤ K ≤ N, e.g. 2/8"
            ))
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Whether this shard runs cell `index`.
    pub fn owns(&self, index: u64) -> bool {
        index % self.n == self.k - 1
    }
}

/// Parses `KEY=V1,V2,…` (values as JSON where they parse, else strings).
pub fn parse_sweep(text: &str) -> Result<SweepAxis> {
    let (key, values) = text.split_once('=').ok_or_else(|| {
        Error::Usage(format!(
            "--sweep {text:?}: expected KEY=V1,V2,…, e.g. provider.pools.analysts.size=2,3,4"
        ))
    })?;
    let values: Vec<serde_json::Value> = values
        .split(',')
        .map(|v| {
            serde_json::from_str(v.trim())
                .unwrap_or_else(|_| serde_json::Value::String(v.trim().to_string()))
        })
        .collect();
    if values.iter().any(|v| v.as_str().is_some_and(str::is_empty)) || key.trim().is_empty() {
        return Err(Error::Usage(format!(
            "--sweep {text:?}: name a key and at least one value"
        )));
    }
    Ok(SweepAxis {
        key: key.trim().to_string(),
        values,
    })
}

/// Parses `--seeds N` (seeds 1..=N) or `A..B` (A to B inclusive).
pub fn parse_seeds(text: &str) -> Result<Vec<u64>> {
    parse_seeds_at_most(text, crate::budget::HARD_MAX_RUNS)
}

/// [`parse_seeds`] with a smaller limit of its own (`lint --deep`), checked before
/// anything is allocated.
pub fn parse_seeds_at_most(text: &str, max: u64) -> Result<Vec<u64>> {
    let bad = || {
        Error::Usage(format!(
            "--seeds {text:?}: expected a count (16) or an inclusive range (1..64)"
        ))
    };
    let (a, b): (u64, u64) = if let Some((a, b)) = text.split_once("..") {
        (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        )
    } else {
        match text.trim().parse().map_err(|_| bad())? {
            0 => return Err(bad()),
            n => (1, n),
        }
    };
    if a > b {
        return Err(bad());
    }
    // Counted before anything is allocated: `--seeds 18446744073709551615` is an error,
    // not a capacity overflow.
    let count = b - a;
    if count >= max {
        return Err(Error::Usage(format!(
            "--seeds {text:?}: {} seeds; at most {max} fit in one grid (split the range over \
             several evals and merge them)",
            count as u128 + 1,
        )));
    }
    Ok((a..=b).collect())
}

/// Runs in the grid of [`cells`], computed without listing them; `None` on overflow.
pub fn grid_size(
    scenarios: usize,
    applies: &[Vec<bool>],
    sweeps: &[SweepAxis],
    seeds: usize,
) -> Option<u64> {
    let mut per_scenario: u64 = 0;
    for a in applies {
        let mut combos: u64 = 1;
        for (axis, on) in sweeps.iter().zip(a) {
            if *on {
                combos = combos.checked_mul(axis.values.len() as u64)?;
            }
        }
        per_scenario = per_scenario.checked_add(combos)?;
    }
    per_scenario
        .checked_mul(scenarios as u64)?
        .checked_mul(seeds as u64)
}

/// Parameter combinations of the axes, first axis slowest.
fn combos(sweeps: &[&SweepAxis]) -> Vec<Vec<(String, serde_json::Value)>> {
    let mut combos: Vec<Vec<(String, serde_json::Value)>> = vec![Vec::new()];
    for axis in sweeps {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                axis.values
                    .iter()
                    .map(move |v| [c.clone(), vec![(axis.key.clone(), v.clone())]].concat())
            })
            .collect();
    }
    combos
}

/// Every cell, in grid order: scenario, then strategy, then parameter combination
/// (first axis slowest), then seed. `applies[s][a]` says whether sweep axis `a` is a
/// parameter of strategy `s`; a strategy is only swept over the axes it has.
pub fn cells(
    scenarios: usize,
    applies: &[Vec<bool>],
    sweeps: &[SweepAxis],
    seeds: &[u64],
) -> Vec<Cell> {
    let per_strategy: Vec<Vec<Vec<(String, serde_json::Value)>>> = applies
        .iter()
        .map(|a| {
            combos(
                &sweeps
                    .iter()
                    .zip(a)
                    .filter(|(_, on)| **on)
                    .map(|(s, _)| s)
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for scenario in 0..scenarios {
        for (strategy, combos) in per_strategy.iter().enumerate() {
            for params in combos {
                for &seed in seeds {
                    out.push(Cell {
                        index: out.len() as u64,
                        scenario,
                        strategy,
                        params: params.clone(),
                        seed,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_order_and_shards_partition_it() {
        let sweep = vec![
            parse_sweep("a=1,2").unwrap(),
            parse_sweep("b=x,y,z").unwrap(),
        ];
        let seeds = parse_seeds("3").unwrap();
        let g = cells(2, &[vec![true, true], vec![true, true]], &sweep, &seeds);
        let partial = cells(1, &[vec![true, false], vec![false, false]], &sweep, &seeds);
        assert_eq!(partial.len(), 2 * 3 + 3);
        assert_eq!(g.len(), 2 * 2 * 6 * 3);
        assert_eq!(
            g[3].params,
            vec![
                ("a".into(), serde_json::json!(1)),
                ("b".into(), serde_json::json!("y"))
            ]
        );
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { k, n: 3 }).collect();
        for c in &g {
            assert_eq!(shards.iter().filter(|s| s.owns(c.index)).count(), 1);
        }
        assert_eq!(parse_seeds("5..7").unwrap(), vec![5, 6, 7]);
        assert!(
            Shard::parse("0/3").is_err()
                && Shard::parse("4/3").is_err()
                && Shard::parse("x").is_err()
        );
    }
}
