//! Strategies in any language: a program started once per run, spoken to in JSON Lines
//! over its stdin and stdout (docs/strategy-protocol.md). Faults are contained: a
//! program that crashes, hangs past the per-decision timeout, writes something that is
//! not a valid reply, or a line over the size limit, fails that decision (a
//! `strategy_failed` event; the alert is escalated) and every later one; the run
//! completes. The process is killed and reaped when the run ends, whatever happened.

pub mod messages;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Strategy;
use super::view::{CaseView, Decision, Triage};

/// Longest line accepted from a program.
pub const MAX_REPLY_BYTES: u64 = 1 << 20;

/// How to start a program: its argument vector (no shell), the folder it runs in, and
/// the wall-clock time it may take per decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecSpec {
    /// Program and arguments.
    pub exec: Vec<String>,
    /// Working directory (the strategy file's folder). Not recorded: results must not
    /// depend on where the checkout lives.
    #[serde(skip)]
    pub dir: PathBuf,
    /// Wall-clock limit per reply, ms.
    pub timeout_ms: u64,
}

/// How long the program took to answer one message (wall clock, not simulated time).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplyTime {
    /// The alert the message was about (`null` for `hello`).
    pub alert: Option<u32>,
    /// `hello`, `triage` or `decide`.
    pub message: &'static str,
    /// Microseconds from writing the message to reading the reply.
    pub wall_us: u64,
}

/// Writes reply times as JSON Lines, atomically: one object per reply.
pub fn write_reply_times(path: &std::path::Path, times: &[ReplyTime]) -> crate::Result<()> {
    crate::atomic::write_atomically(path, |w| {
        for t in times {
            serde_json::to_writer(&mut *w, t)
                .map_err(|e| crate::Error::io(path, std::io::Error::other(e)))?;
            w.write_all(b"\n").map_err(|e| crate::Error::io(path, e))?;
        }
        Ok(())
    })
}

/// Environment variables passed through to the program; everything else is cleared so
/// a run does not depend on the caller's shell.
const PASSED_ENV: &[&str] = &["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH"];

/// A running (or failed) external strategy for one run.
pub struct External {
    name: String,
    spec: ExecSpec,
    hello: Value,
    process: Option<Process>,
    /// Why every later decision fails, once one has.
    failed: Option<String>,
    /// Wall-clock time of each reply.
    times: Vec<ReplyTime>,
    /// The version the program chose in its `ready`.
    protocol: u32,
    /// Protocol 2: for each open case, how many of its queries the program has been
    /// sent. Dropped at the case's last decision, so it follows the open cases, not the
    /// length of the run.
    sent: HashMap<u32, usize>,
}

struct Process {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Result<String, String>>,
}

impl External {
    /// A strategy that starts `spec` at its first decision and greets it with `hello`
    /// (the scenario metadata and provider capabilities a provider may know).
    pub fn new(name: &str, spec: ExecSpec, hello: Value) -> Self {
        External {
            name: name.to_string(),
            spec,
            hello,
            process: None,
            failed: None,
            times: Vec::new(),
            protocol: messages::PROTOCOL,
            sent: HashMap::new(),
        }
    }

    fn start(&mut self) -> Result<(), String> {
        let (program, args) = self
            .spec
            .exec
            .split_first()
            .ok_or_else(|| "exec is empty".to_string())?;
        // A relative path names a file in the strategy's folder: made absolute here,
        // because whether a relative program resolves against the old or the new working
        // directory is platform-specific.
        let program = if program.contains('/') {
            self.spec.dir.join(program).into_os_string()
        } else {
            program.into()
        };
        let mut cmd = Command::new(&program);
        cmd.args(args)
            .current_dir(&self.spec.dir)
            .env_clear()
            .env("MDRSIM_PROTOCOL", messages::PROTOCOL.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for k in PASSED_ENV {
            if let Some(v) = std::env::var_os(k) {
                cmd.env(k, v);
            }
        }
        // Its own process group, so stopping it stops whatever it started too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {program:?}: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("no pipes to the program".into());
        };
        let (tx, rx) = sync_channel(1);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut buf = Vec::new();
                let read = (&mut reader)
                    .take(MAX_REPLY_BYTES + 1)
                    .read_until(b'\n', &mut buf);
                let msg = match read {
                    Ok(0) => Err("the program exited (end of its output)".to_string()),
                    Ok(n) if n as u64 > MAX_REPLY_BYTES => {
                        Err(format!("a reply longer than {MAX_REPLY_BYTES} bytes"))
                    }
                    Ok(_) => String::from_utf8(buf)
                        .map(|s| s.trim_end().to_string())
                        .map_err(|_| "a reply that is not UTF-8".to_string()),
                    Err(e) => Err(format!("reading its output: {e}")),
                };
                let stop = msg.is_err();
                if tx.send(msg).is_err() || stop {
                    return;
                }
            }
        });
        self.process = Some(Process {
            child,
            stdin,
            lines: rx,
        });
        let reply = self.timed_call(&self.hello.clone(), None, "hello")?;
        let ready: Value =
            serde_json::from_str(&reply).map_err(|e| format!("bad ready message: {e}"))?;
        if ready.get("type").and_then(Value::as_str) != Some("ready") {
            return Err(format!("expected {{\"type\":\"ready\",…}}, got {reply}"));
        }
        let chosen = ready.get("protocol").and_then(Value::as_u64);
        match chosen.and_then(|v| messages::PROTOCOLS.into_iter().find(|&p| u64::from(p) == v)) {
            Some(p) => self.protocol = p,
            None => {
                return Err(format!(
                    "the program speaks protocol {}, mdrsim speaks {:?}",
                    ready.get("protocol").unwrap_or(&Value::Null),
                    messages::PROTOCOLS
                ));
            }
        }
        Ok(())
    }

    /// Sends one message and waits for the reply line.
    fn call(&mut self, msg: &Value) -> Result<String, String> {
        let timeout = Duration::from_millis(self.spec.timeout_ms);
        let p = self.process.as_mut().ok_or("not started")?;
        let mut line = serde_json::to_vec(msg).map_err(|e| e.to_string())?;
        line.push(b'\n');
        p.stdin
            .write_all(&line)
            .and_then(|()| p.stdin.flush())
            .map_err(|e| format!("the program stopped reading its input: {e}"))?;
        match p.lines.recv_timeout(timeout) {
            Ok(reply) => reply,
            Err(RecvTimeoutError::Timeout) => {
                Err(format!("no reply within {} ms", self.spec.timeout_ms))
            }
            Err(RecvTimeoutError::Disconnected) => Err("the program exited".into()),
        }
    }

    fn timed_call(
        &mut self,
        msg: &Value,
        alert: Option<u32>,
        message: &'static str,
    ) -> Result<String, String> {
        let started = Instant::now();
        let reply = self.call(msg);
        self.times.push(ReplyTime {
            alert,
            message,
            wall_us: started.elapsed().as_micros() as u64,
        });
        reply
    }

    /// Starts the program at the first message; fails at once if it failed before.
    fn ensure_started(&mut self) -> Result<(), String> {
        if let Some(why) = &self.failed {
            return Err(format!("{}: {why} (earlier)", self.name));
        }
        if self.process.is_none()
            && let Err(e) = self.start()
        {
            return Err(self.fail(e));
        }
        Ok(())
    }

    fn fail(&mut self, why: String) -> String {
        self.stop(Duration::ZERO);
        self.failed = Some(why.clone());
        format!("{}: {why}", self.name)
    }

    /// Says goodbye, waits up to `grace` for the program to exit, then kills it; reaps
    /// it either way.
    fn stop(&mut self, grace: Duration) {
        let Some(mut p) = self.process.take() else {
            return;
        };
        if !grace.is_zero() {
            let _ = p.stdin.write_all(b"{\"type\":\"end\"}\n");
            let _ = p.stdin.flush();
        }
        drop(p.stdin);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && matches!(p.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(5));
        }
        // The group outlives its leader if the program started children: end them all.
        #[cfg(unix)]
        if let Some(group) = rustix::process::Pid::from_raw(p.child.id() as i32) {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        let _ = p.child.kill();
        let _ = p.child.wait();
    }

    /// Asks the program about `case`: the whole case in protocol 1; in protocol 2 only
    /// what it has not been sent about this case.
    fn ask(&mut self, kind: &'static str, case: &CaseView<'_>) -> Result<String, String> {
        self.ensure_started()?;
        let body = match self.protocol {
            1 => messages::case_json(case),
            _ => messages::case_json_v2(case, self.sent.get(&case.alert.id.0).copied()),
        };
        // The first failure ends the program and fails every later call.
        self.timed_call(
            &json!({ "type": kind, "case": body }),
            Some(case.alert.id.0),
            kind,
        )
        .map_err(|e| self.fail(e))
    }

    /// After a reply about `case`: what the program now holds of an open case, or
    /// nothing once the case is `over` (were it asked about again, it would be sent
    /// whole).
    fn remember(&mut self, case: &CaseView<'_>, over: bool) {
        if self.protocol == 1 {
            return;
        }
        if over {
            self.sent.remove(&case.alert.id.0);
        } else {
            self.sent.insert(case.alert.id.0, case.queries().count());
        }
    }
}

impl Drop for External {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(2));
    }
}

impl Strategy for External {
    fn name(&self) -> &str {
        &self.name
    }

    fn reply_times(&self) -> &[ReplyTime] {
        &self.times
    }

    fn begin(&mut self, run: &super::RunIdentity) {
        self.hello["run"] = run.run.into();
        self.hello["seed"] = run.seed.into();
        self.hello["engagement"] = run.engagement.as_str().into();
    }

    fn triage(&mut self, case: &CaseView<'_>) -> Triage {
        let reply = self
            .ask("triage", case)
            .and_then(|line| messages::triage_reply(&line));
        self.remember(case, !matches!(reply, Ok(Triage::Investigate)));
        match reply {
            Ok(t) => t,
            Err(message) => Triage::Fail { message },
        }
    }

    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let reply = self
            .ask("decide", case)
            .and_then(|line| messages::decide_reply(&line, case));
        let goes_on = matches!(
            reply,
            Ok(Decision::Query(_) | Decision::Contain { .. } | Decision::HandOff { .. })
        );
        self.remember(case, !goes_on);
        match reply {
            Ok(d) => d,
            Err(message) => Decision::Fail { message },
        }
    }
}
