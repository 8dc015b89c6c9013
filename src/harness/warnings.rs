//! Strategies that failed decisions, said on stderr: a broken agent (a field-name typo,
//! a debug `print` on stdout) fails every decision, and a table of metrics alone does
//! not make that visible.

use super::RunRecord;

/// One line per strategy whose runs had strategy errors, in the order strategies first
/// appear: how many errors, in how many of its runs, and the first message (of its
/// earliest run in grid order), escaped so that it cannot drive the terminal.
pub fn strategy_error_warnings(runs: &[RunRecord]) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    for r in runs {
        if !names.contains(&r.strategy.as_str()) {
            names.push(&r.strategy);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let mine: Vec<&RunRecord> = runs.iter().filter(|r| r.strategy == name).collect();
            let errors: u64 = mine.iter().map(|r| r.metrics.strategy_errors).sum();
            if errors == 0 {
                return None;
            }
            let failed = mine
                .iter()
                .filter(|r| r.metrics.strategy_errors > 0)
                .count();
            let first = mine
                .iter()
                .filter(|r| r.first_strategy_error.is_some())
                .min_by_key(|r| r.run);
            let what = match first {
                Some(r) => format!(
                    "first, in run {} ({}, seed {}): {}",
                    r.run,
                    printable(&r.scenario),
                    r.seed,
                    printable(r.first_strategy_error.as_deref().unwrap_or(""))
                ),
                None => "no message recorded".into(),
            };
            Some(format!(
                "warning: strategy {}: {errors} strategy error(s) in {failed} of {} run(s); {what}",
                printable(name),
                mine.len()
            ))
        })
        .collect()
}

/// `text` with its control characters escaped (`\u{1b}`), everything else as it is: an
/// escape sequence in a message must not hide or rewrite what the terminal shows.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Metrics;

    fn run(run: u64, strategy: &str, errors: u64, first: Option<&str>) -> RunRecord {
        let mut metrics = Metrics::empty(0);
        metrics.strategy_errors = errors;
        RunRecord {
            run,
            scenario: "s".into(),
            strategy: strategy.into(),
            params: String::new(),
            seed: run + 10,
            horizon_ms: 1,
            metrics,
            first_strategy_error: first.map(str::to_string),
            campaigns: Vec::new(),
        }
    }

    #[test]
    fn one_line_per_failing_strategy_with_its_earliest_message_escaped() {
        let runs = [
            run(0, "ok", 0, None),
            run(3, "agent", 2, Some("later")),
            run(1, "agent", 5, Some("bad reply: \u{1b}[2J")),
            run(2, "agent", 0, None),
        ];
        assert_eq!(
            strategy_error_warnings(&runs),
            [
                "warning: strategy agent: 7 strategy error(s) in 2 of 3 run(s); first, in run 1 \
              (s, seed 11): bad reply: \\u{1b}[2J"
            ]
        );
        assert!(strategy_error_warnings(&runs[..1]).is_empty());
    }
}
