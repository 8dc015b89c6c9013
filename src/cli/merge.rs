//! `mdrsim merge`: combine the outputs of `eval --shard K/N` runs into exactly what one
//! unsharded eval writes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::Error;
use mdrsim::harness::tables::{TABLES, combine};

/// Flags of `mdrsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of the shards.
    #[arg(value_name = "DIR", required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// Folder for the merged results.
    #[arg(long)]
    out: PathBuf,
}

/// Runs the command.
pub fn execute(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut manifests = Vec::new();
    for d in &args.dirs {
        let path = d.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut m: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::log(&path, e.to_string()))?;
        if let Some(o) = m.as_object_mut() {
            o.insert("shard".into(), serde_json::Value::Null);
        }
        manifests.push((path, m));
    }
    let first = manifests[0].1.clone();
    for (path, m) in &manifests[1..] {
        if *m != first {
            return Err(Error::log(
                path,
                "comes from a different evaluation (scenarios, strategies, sweeps or seeds differ)",
            )
            .into());
        }
    }
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    for t in TABLES {
        let inputs: Vec<PathBuf> = args
            .dirs
            .iter()
            .map(|d| d.join(format!("{t}.parquet")))
            .collect();
        combine(t, &inputs, &args.out.join(format!("{t}.parquet")))?;
    }
    let runs = mdrsim::harness::tables::read_runs(&args.out.join("runs.parquet"))?.len();
    if first["runs"].as_u64() != Some(runs as u64) {
        return Err(Error::Usage(format!(
            "the shards hold {runs} runs but the grid has {}: a shard is missing",
            first["runs"]
        ))
        .into());
    }
    let text = format!("{}\n", serde_json::to_string_pretty(&first)?);
    mdrsim::atomic::write_atomically(&args.out.join("manifest.json"), |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| Error::io(&args.out, e))
    })?;
    println!(
        "merged {runs} runs from {} folders into {}",
        args.dirs.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
