//! `mdrsim lint`: free labels in scenarios — anything observable only attacks produce.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::scenario::Scenario;
use mdrsim::scenario::lint::lint;

/// Flags of `mdrsim lint`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 no free label (or each one kept with a reason in \
[[lint.allow]]), 1 free labels found, 2 bad input."
)]
pub struct LintArgs {
    /// Scenario files or folders (a folder's *.toml files).
    #[arg(value_name = "SCENARIO", required = true)]
    scenarios: Vec<PathBuf>,
}

/// Runs the command.
pub fn execute(args: LintArgs) -> anyhow::Result<ExitCode> {
    let suite = Scenario::load_suite(&args.scenarios)?;
    let mut out = String::new();
    let mut free = 0;
    for sc in &suite {
        let (findings, notes) = lint(sc);
        let file = sc.path.display();
        for f in &findings {
            match &f.allowed {
                Some(why) => writeln!(out, "{file}: kept: {} — {why}", f.finding)?,
                None => {
                    free += 1;
                    writeln!(
                        out,
                        "{file}: free label: {} (only attacks produce it)",
                        f.finding
                    )?;
                }
            }
        }
        for n in notes {
            writeln!(out, "{file}: note: {n}")?;
        }
    }
    writeln!(
        out,
        "{} scenario(s), {free} free label(s){}",
        suite.len(),
        if free > 0 {
            ": give each a benign look-alike, or keep it under [[lint.allow]] with why"
        } else {
            ""
        }
    )?;
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(if free > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
