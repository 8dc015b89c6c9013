//! `mdrsim merge`: combine the outputs of `eval --shard K/N` runs into exactly what one
//! unsharded eval writes — after checking that they are the N distinct shards of one
//! grid, each intact and holding only its own runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::Error;
use mdrsim::harness::Shard;
use mdrsim::harness::folder::{Staging, table_checksums, verify};
use mdrsim::harness::output::write_manifest_value;
use mdrsim::harness::tables::{TABLES, combine, read_runs};

/// Flags of `mdrsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of the shards (all N of them, any order).
    #[arg(value_name = "DIR", required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// Folder for the merged results (replaced whole, only when the merge succeeds).
    #[arg(long)]
    out: PathBuf,
}

/// A shard's manifest without what differs between the shards of one grid.
fn grid_of(manifest: &serde_json::Value) -> serde_json::Value {
    let mut m = manifest.clone();
    if let Some(o) = m.as_object_mut() {
        o.remove("shard");
        o.remove("tables");
    }
    m
}

/// Runs the command.
pub fn execute(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut shards: Vec<(PathBuf, Shard, serde_json::Value)> = Vec::new();
    for d in &args.dirs {
        let manifest = verify(d)?;
        let shard = manifest["shard"]
            .as_str()
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: not a shard (written by an eval without --shard)",
                    d.display()
                ))
            })
            .and_then(Shard::parse)?;
        if let Some((other, ..)) = shards.iter().find(|(_, s, _)| *s == shard) {
            return Err(Error::Usage(format!(
                "{} and {} are both shard {}/{}: each shard may be merged once",
                other.display(),
                d.display(),
                shard.k,
                shard.n
            ))
            .into());
        }
        shards.push((d.clone(), shard, manifest));
    }
    let (first_dir, first_shard, first) = &shards[0];
    let grid = grid_of(first);
    for (dir, shard, m) in &shards[1..] {
        if shard.n != first_shard.n {
            return Err(Error::Usage(format!(
                "{} is shard {}/{} but {} is shard {}/{}: they cut different grids",
                dir.display(),
                shard.k,
                shard.n,
                first_dir.display(),
                first_shard.k,
                first_shard.n
            ))
            .into());
        }
        if grid_of(m) != grid {
            return Err(Error::log(
                dir.join("manifest.json"),
                format!(
                    "comes from a different evaluation than {} (scenarios, strategies, \
                     sweeps, seeds, costs or mdrsim version differ)",
                    first_dir.display()
                ),
            )
            .into());
        }
    }
    let n = first_shard.n;
    if let Some(k) = (1..=n).find(|k| !shards.iter().any(|(_, s, _)| s.k == *k)) {
        return Err(Error::Usage(format!("shard {k}/{n} is missing")).into());
    }
    let staging = Staging::begin(&args.out, false)?;
    for t in TABLES {
        let inputs: Vec<PathBuf> = shards
            .iter()
            .map(|(d, ..)| d.join(format!("{t}.parquet")))
            .collect();
        let owns = |i: usize, run: u64| shards[i].1.owns(run);
        combine(
            t,
            &inputs,
            &staging.dir().join(format!("{t}.parquet")),
            &owns,
        )?;
    }
    let runs = read_runs(&staging.dir().join("runs.parquet"))?.len();
    if grid["runs"].as_u64() != Some(runs as u64) {
        return Err(Error::Usage(format!(
            "the shards hold {runs} runs but the grid has {}: a shard is incomplete",
            grid["runs"]
        ))
        .into());
    }
    // The first shard's manifest with the shard cleared, keys in place: byte for byte
    // what the unsharded eval writes.
    let mut manifest = first.clone();
    manifest["shard"] = serde_json::Value::Null;
    manifest["tables"] = table_checksums(staging.dir())?;
    write_manifest_value(staging.dir(), &manifest)?;
    staging.commit()?;
    println!(
        "merged {runs} runs from {} shards into {}",
        args.dirs.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
