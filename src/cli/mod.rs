//! The command line: one file per command. Each command turns its flags into library
//! calls; the library does the work.

mod calibration;
mod check;
mod claims;
mod detect;
mod eval;
mod explain;
mod import;
mod lint;
mod merge;
mod ocsf;
mod replay;
mod report;
mod run;
mod scenario;
mod schema;
mod strategies;
mod summary;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mdrsim: simulate Managed Detection and Response operations and score triage and
/// investigation strategies against ground truth.
#[derive(Debug, Parser)]
#[command(name = "mdrsim", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 success, 1 a check failed, 2 bad input or usage.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Reliability tables: the built-ins' stated confidence vs how often they are right.
    Calibration(calibration::CalibrationArgs),
    /// Compare results with a stored baseline; exit 1 if a metric regressed (--update writes it).
    Check(check::CheckArgs),
    /// Test a claims file: each claim passes, fails or is inconclusive, with the evidence.
    Claims(claims::ClaimsArgs),
    /// Run Sigma rules over a recording; list every match with the rule's title, id and author.
    Detect(detect::DetectArgs),
    /// Evaluate strategies over the built-in suite (or --suite) on many seeds, in parallel.
    Eval(eval::EvalArgs),
    /// The glass-box story of one alert or campaign in a stored event log.
    Explain(explain::ExplainArgs),
    /// Import real dataset files (OTRF, CloudTrail, EVTX as JSON, OCSF) as a recording.
    Import(import::ImportArgs),
    /// Report free labels: rules, severities, entities, telemetry or fact values only attacks produce.
    Lint(lint::LintArgs),
    /// Merge the outputs of sharded evals (eval --shard K/N) into one.
    Merge(merge::MergeArgs),
    /// Write a run's alerts and escalations as OCSF Detection and Incident Findings (JSON Lines).
    Ocsf(ocsf::OcsfArgs),
    /// Rescore a stored event log (Parquet or JSON Lines); prints exactly what the run printed.
    Replay(replay::ReplayArgs),
    /// Write an HTML report (charts, no script) and a Markdown report of a results folder.
    Report(report::ReportArgs),
    /// Run one scenario with one strategy and print its scores.
    Run(run::RunArgs),
    /// Scenario tools: `export` materialises a synthetic scenario as a recording.
    Scenario(scenario::ScenarioArgs),
    /// Print the JSON Schema of the scenario format (for editor validation).
    Schema(schema::SchemaArgs),
    /// List the built-in strategies, or show one's effective definition (built-in or file).
    Strategies(strategies::StrategiesArgs),
    /// Print the summary table of a results folder (from eval or merge).
    Summary(summary::SummaryArgs),
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calibration(args) => calibration::execute(args),
        Command::Check(args) => check::execute(args),
        Command::Claims(args) => claims::execute(args),
        Command::Detect(args) => detect::execute(args),
        Command::Eval(args) => eval::execute(args),
        Command::Explain(args) => explain::execute(args),
        Command::Import(args) => import::execute(args),
        Command::Lint(args) => lint::execute(args),
        Command::Merge(args) => merge::execute(args),
        Command::Run(args) => run::execute(args),
        Command::Ocsf(args) => ocsf::execute(args),
        Command::Replay(args) => replay::execute(args),
        Command::Report(args) => report::execute(args),
        Command::Scenario(args) => scenario::execute(args),
        Command::Schema(args) => schema::execute(args),
        Command::Strategies(args) => strategies::execute(args),
        Command::Summary(args) => summary::execute(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            let code = e
                .downcast_ref::<mdrsim::Error>()
                .map_or(2, |e| e.exit_code());
            ExitCode::from(code)
        }
    }
}
