//! `mdrsim report`: one self-contained HTML page (inline SVG and CSS, no script, no
//! network) and a Markdown report with the same tables, from any results folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use mdrsim::atomic::write_atomically;
use mdrsim::report::data::ReportData;
use mdrsim::report::page::build;

/// Flags of `mdrsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A results folder (from eval or merge).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Where to write the HTML report (default: DIR/report.html).
    #[arg(long, value_name = "PATH")]
    html: Option<PathBuf>,
    /// Where to write the Markdown report (default: DIR/report.md).
    #[arg(long, value_name = "PATH")]
    md: Option<PathBuf>,
    /// Paired differences against this strategy (matched scenario and seed). Default:
    /// legacy_mdr, the status quo, when the folder has it.
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
}

/// The strategy paired differences are taken against unless another is named.
const DEFAULT_BASELINE: &str = "legacy_mdr";

/// Writes the HTML and Markdown reports of `dir`; returns their paths.
pub fn write_reports(
    dir: &Path,
    html: Option<&Path>,
    md: Option<&Path>,
    baseline: Option<&str>,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let data = ReportData::read(dir)?;
    if let Some(b) = baseline
        && !data.runs.iter().any(|r| r.strategy == b)
    {
        return Err(
            mdrsim::Error::Usage(format!("--baseline {b}: no runs of this strategy")).into(),
        );
    }
    // The status quo is what buyers compare with, when it was run alongside others.
    let has = |name: &str| data.runs.iter().any(|r| r.strategy == name);
    let baseline = baseline.or_else(|| {
        (has(DEFAULT_BASELINE) && data.runs.iter().any(|r| r.strategy != DEFAULT_BASELINE))
            .then_some(DEFAULT_BASELINE)
    });
    let title = format!(
        "mdrsim report: {}",
        dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned()
        )
    );
    let (page, text) = build(&data, baseline, &title);
    let html = html.map_or_else(|| dir.join("report.html"), Path::to_path_buf);
    let md = md.map_or_else(|| dir.join("report.md"), Path::to_path_buf);
    for (path, body) in [(&html, &page), (&md, &text)] {
        write_atomically(path, |w| {
            std::io::Write::write_all(w, body.as_bytes()).map_err(|e| mdrsim::Error::io(path, e))
        })?;
    }
    Ok((html, md))
}

/// Runs the command.
pub fn execute(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let (html, md) = write_reports(
        &args.dir,
        args.html.as_deref(),
        args.md.as_deref(),
        args.baseline.as_deref(),
    )?;
    println!("{}\n{}", html.display(), md.display());
    Ok(ExitCode::SUCCESS)
}
