//! A corpus of hostile inputs, one per class the hardening issue found: every one is
//! refused with exit 2 and a single-line error naming the file, line and field (or the
//! flag) — no panic, no abort, no hang, no write outside `--out`.

mod common;

use common::{mdrsim, repo};

fn base() -> String {
    std::fs::read_to_string(repo("scenarios/quiet-period.toml")).unwrap()
}

/// Runs `args` and checks: exit 2, one line on stderr, holding every `needle`.
fn refused(args: &[&str], needles: &[&str]) {
    let o = mdrsim(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: one line: {err}"
    );
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: expected {n:?} in: {err}");
    }
}

/// Scenario edits: (what, from, to, needles the error must hold).
const SCENARIO_CASES: &[(&str, &str, &str, &[&str])] = &[
    (
        "a name that is a path",
        "name = \"quiet-period\"",
        "name = \"x/../../../../escaped\"",
        &[":11: name:", "A-Z a-z 0-9"],
    ),
    (
        "a name with a newline",
        "name = \"quiet-period\"",
        "name = \"a\\nb\"",
        &[":11: name:"],
    ),
    (
        "an empty name",
        "name = \"quiet-period\"",
        "name = \"\"",
        &[":11: name:", "empty"],
    ),
    (
        "a rate of a million per hour",
        "per_hour = 0.8",
        "per_hour = 1e6",
        &[":57: benign[0].per_hour:", "--allow-large"],
    ),
    (
        "a horizon of 100000 days",
        "horizon = \"14d\"",
        "horizon = \"100000d\"",
        &[":14: horizon:", "1100 days"],
    ),
    (
        "a customer team of a billion",
        "size = 2",
        "size = 1000000000",
        &[":20: customer.size:", "10000"],
    ),
    (
        "no shifts",
        "schedule = { tz = \"America/New_York\", shifts = [{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }] }",
        "schedule = { tz = \"America/New_York\", shifts = [] }",
        &[":21: customer.schedule.shifts:", "at least one shift"],
    ),
    (
        "a shift of zero workers",
        "from = \"09:00\", to = \"17:00\" }",
        "from = \"09:00\", to = \"17:00\", workers = 0 }",
        &[":21: customer.schedule.shifts[0].workers:"],
    ),
    (
        "a customer prior of 1",
        "[customer]\nsize = 2\n",
        "[customer]\nsize = 2\njudgement = { prior = 1.0 }\n",
        &[":21: customer.judgement.prior:", "strictly between 0 and 1"],
    ),
    (
        "a negative judgement noise",
        "[customer]\nsize = 2\n",
        "[customer]\nsize = 2\njudgement = { noise = -1.0 }\n",
        &[":21: customer.judgement.noise:"],
    ),
    (
        "two people on call",
        "[customer]\nsize = 2\n",
        "[customer]\nsize = 2\non_call = { size = 2 }\n",
        &[":21: customer.on_call.size:"],
    ),
    (
        "the removed fixed accuracy",
        "[customer]\nsize = 2\n",
        "[customer]\nsize = 2\naccuracy = 0.9\n",
        &[":21: customer.accuracy:", "customer.judgement"],
    ),
    (
        "an infinite distribution parameter",
        "[customer]\nsize = 2\n",
        "[customer]\nsize = 2\nhandling = { dist = \"uniform\", low = \"1m\", high = inf }\n",
        &[":21: customer.handling"],
    ),
    (
        "a NaN sigma",
        "[customer]\nsize = 2\n",
        "[customer]\nsize = 2\nhandling = { dist = \"lognormal\", median = \"10m\", sigma = nan }\n",
        &[":21: customer.handling"],
    ),
    (
        "a provider pin no pool has",
        "[customer]",
        "[provider]\npools = [{ name = \"analysts\", size = 0, schedule = \"24/7\" }]\n\n[customer]",
        &[":20: provider.pools[0].size:"],
    ),
    (
        "a rule path that is not a rule",
        "[[entities]]\nid = \"user:asmith\"",
        "[[rules]]\npath = \"/etc/passwd\"\n\n[[entities]]\nid = \"user:asmith\"",
        &[":24: rules[0].path:", "not a Sigma rule file"],
    ),
];

#[test]
fn hostile_scenarios_are_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    for (what, from, to, needles) in SCENARIO_CASES {
        let text = base();
        assert!(
            text.contains(from),
            "{what}: the base scenario has {from:?}"
        );
        let path = dir.path().join("hostile.toml");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let p = path.to_str().unwrap();
        let out = dir.path().join("out");
        let mut want = vec![p];
        want.extend_from_slice(needles);
        refused(
            &[
                "eval",
                "--suite",
                p,
                "--seeds",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
            &want,
        );
        refused(&["run", "--scenario", p], &want);
        // Never the content of a file nobody meant to pass.
        assert!(!out.exists(), "{what}: nothing written");
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first = passwd.lines().next().unwrap_or("root:x:");
    let path = dir.path().join("hostile.toml");
    std::fs::write(
        &path,
        base().replacen(
            "[[entities]]",
            "[[rules]]\npath = \"/etc/passwd.yml\"\n\n[[entities]]",
            1,
        ),
    )
    .unwrap();
    let o = mdrsim(&["run", "--scenario", path.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains(first));
}

#[test]
fn hostile_flags_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let suite = repo("scenarios/quiet-period.toml");
    let s = suite.to_str().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (&["--seeds", "18446744073709551615"], &["--seeds"]),
        (&["--seeds", "0..18446744073709551615"], &["--seeds"]),
        (&["--seeds", "1000000000"], &["--seeds", "at most"]),
        (&["--seeds", "5000000"], &["budget", "--allow-large"]),
        (&["--threads", "0"], &["--threads"]),
        (
            &["--set", "params.autonomy=2"],
            &["--set params.autonomy", "[0, 1]"],
        ),
        (
            &[
                "--strategies",
                "ai_mdr",
                "--set",
                "provider.pools.agents.size=1000000000",
            ],
            &["provider.pools[0].size"],
        ),
        (
            &["--sweep", "params.autonomy=0.5,2"],
            &["--sweep params.autonomy"],
        ),
        (
            &["--sweep", "params.nonexistent=1,2"],
            &["--sweep params.nonexistent"],
        ),
        (&["--sweep", "params.autonomy="], &["--sweep"]),
        (&["--shard", "3/2"], &["--shard"]),
    ];
    for (extra, needles) in cases {
        let mut args = vec!["eval", "--suite", s, "--out", o];
        args.extend_from_slice(extra);
        refused(&args, needles);
        assert!(!out.exists(), "{extra:?}: nothing written");
    }
}

#[test]
fn sweep_values_never_become_path_levels() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = mdrsim(&[
        "eval",
        "--suite",
        repo("scenarios/quiet-period.toml").to_str().unwrap(),
        "--strategies",
        "legacy_mdr",
        "--seeds",
        "1",
        "--events",
        "--sweep",
        "provider.pools.analysts.schedule.tz=UTC,America/New_York",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let strategy = out.join("events/scenario=quiet-period/strategy=legacy_mdr");
    let mut levels: Vec<String> = std::fs::read_dir(&strategy)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    levels.sort();
    assert_eq!(
        levels,
        [
            "provider.pools.analysts.schedule.tz=America%2FNew_York",
            "provider.pools.analysts.schedule.tz=UTC"
        ]
    );
    assert!(
        strategy
            .join("provider.pools.analysts.schedule.tz=America%2FNew_York/seed=1/log.parquet")
            .is_file()
    );
    // Everything written is under --out (and the lock beside it).
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, [".out.mdrsim-lock", "out"]);
}
