//! How the built-in strategies' thresholds were chosen: a search on *development*
//! worlds only — variants of the suite's scenarios under other names (so every random
//! stream differs from the reported suite's) with benign rates halved, kept and doubled,
//! on seeds 1001–1004 (the reported runs use seeds 1–16). The likelihood tables are not
//! tuned: they are generic security knowledge (docs/strategies.md). `legacy_mdr`'s
//! thresholds are not tuned either: they state legacy practice (docs/strategies.md);
//! nor are `threshold`'s, the naive score-only baseline at about even odds (tuned on
//! this cost table it would call everything malicious — the degenerate
//! contain-everything strategy, not a baseline; docs/strategies.md shows the sweep).
//!
//! Run: `cargo run --release --example tune_builtins` (a few minutes on 2 cores). The
//! objective is the run's `cost` under the default cost table (docs/metrics.md), the
//! same number `eval` ranks on. The search is coordinate descent: each parameter in
//! turn over a wide grid, the others held, twice round; it prints every sweep and flags
//! a chosen value at the edge of its grid. The defaults in `src/strategy/builtin/` are
//! the values it printed.

use std::path::{Path, PathBuf};

use mdrsim::scenario::Scenario;
use mdrsim::scenario::load::parse_spec;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy::StrategyDef;
use mdrsim::strategy::builtin::definition;
use rayon::prelude::*;
use serde_json::json;

const DEV_SEEDS: std::ops::RangeInclusive<u64> = 1001..=1004;

/// Development variants of one suite scenario: renamed, benign rates scaled.
fn variants(path: &Path) -> Vec<Scenario> {
    let text = std::fs::read_to_string(path).expect("suite scenario is readable");
    [0.5, 1.0, 2.0]
        .iter()
        .map(|&factor| {
            let mut doc: toml::Table = toml::from_str(&text).expect("suite scenario parses");
            let name = format!("{}-dev-x{factor}", doc["name"].as_str().unwrap_or("s"));
            doc.insert("name".into(), toml::Value::String(name));
            for section in ["benign", "telemetry"] {
                if let Some(list) = doc.get_mut(section).and_then(|v| v.as_array_mut()) {
                    for p in list.iter_mut().filter_map(|p| p.as_table_mut()) {
                        if let Some(r) = p
                            .get("per_hour")
                            .and_then(|r| r.as_float().or(r.as_integer().map(|i| i as f64)))
                        {
                            p.insert("per_hour".into(), toml::Value::Float(r * factor));
                        }
                    }
                }
            }
            let out = toml::to_string(&doc).expect("variant serialises");
            let spec = parse_spec(&out, path).expect("variant parses");
            Scenario::compile(spec, &out, path).expect("variant compiles")
        })
        .collect()
}

/// The primary objective under the default cost table (metrics come priced by it).
fn cost(m: &Metrics) -> f64 {
    m.cost
}

/// Each tuned parameter and the grid it is searched over (wide enough that the chosen
/// value is inside it).
fn grids(name: &str) -> Vec<(&'static str, Vec<f64>)> {
    match name {
        "ai_mdr" => vec![
            (
                "params.autonomy",
                vec![0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995],
            ),
            (
                "params.contain_at",
                vec![0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9],
            ),
            (
                "params.expert_contain_at",
                vec![0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.9],
            ),
            (
                "params.expert_benign_below",
                vec![0.001, 0.005, 0.01, 0.02, 0.05],
            ),
            (
                "params.precaution_at",
                vec![0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8],
            ),
        ],
        "ai_soc" => vec![(
            "params.auto_close_at",
            vec![0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
        )],
        _ => Vec::new(),
    }
}

/// Mean development cost of `def` over every world and seed.
fn score(def: &StrategyDef, worlds: &[Scenario]) -> f64 {
    let runs: Vec<(usize, u64)> = (0..worlds.len())
        .flat_map(|w| DEV_SEEDS.map(move |s| (w, s)))
        .collect();
    let total: f64 = runs
        .par_iter()
        .map(|&(w, seed)| {
            let mut d = def.instantiate(&worlds[w]).expect("instantiates");
            let out = Simulation::new(&worlds[w], seed).run(&mut d);
            cost(&Metrics::from_events(&out.header, out.log.events()))
        })
        .sum();
    total / runs.len() as f64
}

fn value_at(def: &StrategyDef, path: &str) -> f64 {
    let mut v = json!({ "params": &def.params });
    for part in path.split('.') {
        v = v[part].clone();
    }
    v.as_f64().unwrap_or(f64::NAN)
}

fn main() {
    let suite: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .expect("run from the repository root")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    let mut worlds: Vec<Scenario> = suite.iter().flat_map(|p| variants(p)).collect();
    worlds.sort_by(|a, b| a.name.cmp(&b.name));
    println!(
        "{} development worlds × seeds {:?}",
        worlds.len(),
        DEV_SEEDS
    );
    for name in [
        "dismiss_all",
        "escalate_all",
        "oracle",
        "legacy_mdr",
        "threshold",
        "ai_soc",
        "ai_mdr",
    ] {
        let mut def: StrategyDef = definition(name).expect("built-in");
        let grids = grids(name);
        let mut best = score(&def, &worlds);
        println!("\n{name}: development cost at the current defaults {best:.0}");
        for round in 1..=2 {
            for (path, grid) in &grids {
                let mut sweep = Vec::new();
                for &x in grid {
                    // A lower bar must stay below the upper one it pairs with.
                    let below = |upper: &str| x < value_at(&def, upper);
                    let valid = match *path {
                        "params.expert_benign_below" => below("params.expert_contain_at"),
                        "params.benign_below" => below("params.malicious_at"),
                        _ => true,
                    };
                    if !valid {
                        continue;
                    }
                    let mut trial = def.clone();
                    if trial.set(path, json!(x)).is_err() {
                        continue;
                    }
                    sweep.push((x, score(&trial, &worlds)));
                }
                let Some(low) = sweep.iter().map(|s| s.1).min_by(f64::total_cmp) else {
                    continue;
                };
                // Among equal costs, the value nearest the current one: a flat stretch
                // moves nothing, and a tie never drags a value to the grid's edge.
                let current = value_at(&def, path);
                let (x, c) = sweep
                    .iter()
                    .copied()
                    .filter(|s| s.1 == low)
                    .min_by(|a, b| (a.0 - current).abs().total_cmp(&(b.0 - current).abs()))
                    .expect("a minimum");
                // The current value may have left the valid range (its upper bar moved
                // below it): then the best valid value replaces it whatever it costs.
                let current_valid = sweep.iter().any(|s| s.0 == current);
                if c <= best || x == current || !current_valid {
                    best = if current_valid { best.min(c) } else { c };
                    def.set(path, json!(x)).expect("tunable parameter");
                }
                let chosen = value_at(&def, path);
                let flat = sweep.iter().all(|s| s.1 == low);
                let edge = !flat && (grid.first() == Some(&chosen) || grid.last() == Some(&chosen));
                let shown: Vec<String> =
                    sweep.iter().map(|(x, c)| format!("{x}: {c:.0}")).collect();
                println!(
                    "  round {round} {path} → {chosen}{}  [{}]",
                    if edge {
                        "  (edge of grid)"
                    } else if flat {
                        "  (no effect at these settings)"
                    } else {
                        ""
                    },
                    shown.join(", ")
                );
            }
        }
        println!("  chosen: cost {best:.0}");
    }
}
