//! `mdrsim strategies`: the built-ins, and the effective definition of any strategy —
//! a built-in or a strategy file — after `--set` and a scenario's pins.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use mdrsim::scenario::Scenario;
use mdrsim::strategy::{self, BUILTIN};

/// Flags of `mdrsim strategies`.
#[derive(Debug, Args)]
pub struct StrategiesArgs {
    #[command(subcommand)]
    command: Option<StrategiesCommand>,
}

#[derive(Debug, Subcommand)]
enum StrategiesCommand {
    /// Print a strategy's effective definition: policy, parameters, provider profile.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// A built-in name or a strategy file (.toml).
    #[arg(value_name = "NAME|FILE")]
    strategy: String,
    /// Override a parameter by path, as for eval (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Apply this scenario's provider pins.
    #[arg(long, value_name = "PATH")]
    scenario: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Toml)]
    format: ShowFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    Toml,
    Json,
}

/// Runs the command.
pub fn execute(args: StrategiesArgs) -> anyhow::Result<ExitCode> {
    let text = match args.command {
        None => list(),
        Some(StrategiesCommand::Show(a)) => show(a)?,
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn list() -> String {
    let mut out = String::new();
    for name in BUILTIN {
        out += &format!("{name:<13} {}\n", strategy::builtin::summary(name));
    }
    out += "\nAny of these, or a strategy file (docs/strategy-files.md), works with --strategies;\n\
            `mdrsim strategies show NAME|FILE` prints its effective definition.\n";
    out
}

fn show(a: ShowArgs) -> anyhow::Result<String> {
    let mut def = strategy::file::resolve(&a.strategy)?;
    let scenario = a.scenario.as_deref().map(Scenario::load).transpose()?;
    for assignment in &a.set {
        let (key, value) = mdrsim::params::parse_assignment(assignment)?;
        let before = def.clone();
        def.set(&key, value).map_err(|e| e.in_flag("--set"))?;
        if let Some(s) = &scenario {
            strategy::effect::refuse_no_op("--set", &key, &before, &def, std::slice::from_ref(s))?;
        }
    }
    if let Some(s) = &scenario {
        def.provider = def.pinned_provider(s)?;
        // Compiles, so a pin that does not fit the strategy fails here too.
        def.instantiate(s)?;
    }
    Ok(match a.format {
        ShowFormat::Json => format!("{}\n", serde_json::to_string_pretty(&def)?),
        ShowFormat::Toml => toml::to_string(&def)?,
    })
}
