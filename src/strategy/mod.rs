//! Strategies decide; the engine applies. A strategy is a provider profile (who works
//! when, what they can see and query, what they may do) plus a decision policy. A
//! [`Strategy`] sees a [`CaseView`] — never a label — and returns a [`Decision`]. The one
//! exception, [`Oracle`], gets truth through a separate, explicit [`TruthDoor`] that only
//! the engine can open; it is an upper bound, never a real option.

pub mod authority;
pub mod belief;
pub mod builtin;
pub mod decision;
pub mod discipline;
pub mod effect;
pub mod external;
pub mod file;
pub mod provider;
pub mod view;

pub use builtin::{BUILTIN, Oracle, Threshold, TruthDoor};
pub use decision::{ContainRequest, Decision, Triage};
pub use provider::{Provider, ProviderSpec};
pub use view::{AlertView, CaseView, Observation, Records};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// A triage and investigation policy that decides from observable features only.
pub trait Strategy: Send {
    /// Name used in results.
    fn name(&self) -> &str;
    /// Triage on arrival; the default queues every alert for investigation.
    fn triage(&mut self, _case: &CaseView<'_>) -> Triage {
        Triage::Investigate
    }
    /// Decides a case after each worker action (triage, a context query).
    fn decide(&mut self, case: &CaseView<'_>) -> Decision;
    /// Wall-clock time of each reply, for strategies that run outside mdrsim (an
    /// external program). Never part of the simulation or of the results' tables.
    fn reply_times(&self) -> &[external::ReplyTime] {
        &[]
    }
    /// Called once before the run's first event: which run this is, its seed, and the
    /// engagement (a stable id of the customer's scenario), so an external program can
    /// key its transcripts and seed its own randomness.
    fn begin(&mut self, _run: &RunIdentity) {}
}

/// What a strategy may know of the run it is in (see [`Strategy::begin`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunIdentity {
    /// The run's id (its place in an eval's grid; 0 for `mdrsim run`).
    pub run: u64,
    /// The run's seed.
    pub seed: u64,
    /// A stable, opaque id of the scenario's content: the same for every seed of one
    /// scenario, different for another scenario. Never its name.
    pub engagement: String,
}

/// Whoever decides: an honest strategy or the oracle.
pub enum Policy {
    /// Any strategy that decides without labels.
    Honest(Box<dyn Strategy>),
    /// Reads ground truth through the door the engine opens for it.
    Oracle(Oracle),
}

/// A strategy as data: its provider profile, its policy and the policy's parameters.
/// Serializable, so parameters can be overridden by path and recorded with results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyDef {
    /// Name used in results (a built-in's, or a strategy file's).
    pub name: String,
    /// The built-in policy that decides (`legacy_mdr`, `threshold`, …).
    pub policy: String,
    /// Provider profile.
    pub provider: ProviderSpec,
    /// Policy parameters.
    pub params: serde_json::Value,
    /// The program that decides, for `policy = "exec"` (docs/strategy-protocol.md);
    /// `params` are passed to it in the hello message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<external::ExecSpec>,
    /// The strategy file it was read from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<file::Source>,
}

/// A strategy ready to run on one scenario.
pub struct Decider {
    /// Name used in results.
    pub name: String,
    /// The provider, with the scenario's pins applied and schedules compiled.
    pub provider: Provider,
    /// The policy.
    pub policy: Policy,
}

impl Decider {
    /// Wall-clock time of each reply of an external program (empty for built-ins).
    pub fn reply_times(&self) -> &[external::ReplyTime] {
        match &self.policy {
            Policy::Honest(s) => s.reply_times(),
            Policy::Oracle(_) => &[],
        }
    }
}

impl StrategyDef {
    /// Whether this strategy has a parameter at `path`.
    pub fn has(&self, path: &str) -> bool {
        let whole = serde_json::json!({ "provider": &self.provider, "params": &self.params });
        crate::params::has_path(&whole, path) || self.program_param(path).is_some()
    }

    /// For a program's policy, the key `params.KEY` names: its `[params]` are whatever the
    /// program accepts, passed through in `hello`, so any top-level key may be set.
    fn program_param<'p>(&self, path: &'p str) -> Option<&'p str> {
        let key = path.strip_prefix("params.")?;
        (self.exec.is_some() && !key.is_empty() && !key.contains('.')).then_some(key)
    }

    /// Overrides one parameter by path (`provider.pools.agents.size`, `params.autonomy`),
    /// checking that the result is still a valid profile. Errors name the path; callers
    /// add the flag it came from (see [`crate::Error::in_flag`]).
    pub fn set(&mut self, path: &str, value: serde_json::Value) -> Result<()> {
        let mut whole = serde_json::json!({ "provider": &self.provider, "params": &self.params });
        match (self.program_param(path), whole["params"].as_object_mut()) {
            (Some(key), Some(params)) if !params.contains_key(key) => {
                params.insert(key.to_string(), value);
            }
            _ => crate::params::set_path(&mut whole, path, value)?,
        }
        let bad = |e: String| Error::Usage(format!("{path}: {e}"));
        // Checked whole before anything changes: a refused value leaves the definition
        // as it was.
        let provider = serde_path_to_error::deserialize(whole["provider"].clone())
            .map_err(|e| bad(format!("provider.{}: {}", e.path(), e.inner())))?;
        let params = whole["params"].clone();
        if self.exec.is_none() {
            builtin::policy(&self.policy, &params).map_err(|e| bad(e.to_string()))?;
        } else if let Some((_, problem)) = builtin::param_problem("params", &params) {
            return Err(bad(problem));
        }
        self.provider = provider;
        self.params = params;
        Ok(())
    }

    /// The provider profile in effect on `scenario`: this strategy's, with the keys the
    /// scenario pins replaced.
    pub fn pinned_provider(&self, scenario: &Scenario) -> Result<ProviderSpec> {
        let mut spec = self.provider.clone();
        if let Some(pin) = &scenario.provider_pin {
            let mut value = serde_json::to_value(&spec).map_err(|e| Error::Usage(e.to_string()))?;
            let pin_json = serde_json::to_value(pin).map_err(|e| Error::Usage(e.to_string()))?;
            if let (Some(obj), Some(pins)) = (value.as_object_mut(), pin_json.as_object()) {
                for (k, v) in pins {
                    obj.insert(k.clone(), v.clone());
                }
            }
            spec = serde_path_to_error::deserialize(value).map_err(|e| {
                let field = format!("provider.{}", e.path());
                Error::Scenario {
                    file: scenario.path.clone(),
                    line: scenario.line_of(&field),
                    field,
                    message: e.inner().to_string(),
                }
            })?;
        }
        Ok(spec)
    }

    /// The first message to an external program: the protocol version, what a provider
    /// knows of the engagement (the customer's time zone offset and the run's span,
    /// never its labels), what it may do, its parameters and its limits.
    fn hello(&self, scenario: &Scenario, provider: &Provider) -> serde_json::Value {
        serde_json::json!({
            "type": "hello",
            "protocol": external::messages::PROTOCOL,
            "protocols": external::messages::PROTOCOLS,
            "strategy": self.name,
            // Not the scenario's name: authors name scenarios after what happens in
            // them ("friday-night-ransomware", "quiet-period"), which no provider knows.
            "scenario": {
                "start": scenario.epoch.as_str(),
                "horizon_ms": scenario.horizon.0,
            },
            "provider": {
                "pools": provider.pools.iter().map(|p| &p.name).collect::<Vec<_>>(),
                "first_line": provider.pools[provider.first_line].name,
                "has_experts": provider.experts.is_some(),
                "context": provider.context,
                "authority": provider.spec.authority,
            },
            "actions": {
                "triage": ["investigate", "escalate", "dismiss"],
                "decide": ["query", "contain", "verdict", "escalate", "hand_off"],
                "contain": ["isolate_host", "disable_account", "revoke_sessions", "block_domain"],
                "eradicate": ["reset_credentials", "reimage_host", "revoke_grant"],
            },
            "params": self.params,
            "limits": {
                "reply_timeout_ms": self.exec.as_ref().map_or(0, |e| e.timeout_ms),
                "max_reply_bytes": external::MAX_REPLY_BYTES,
            },
        })
    }

    /// Applies the scenario's provider pins, validates and compiles the provider.
    /// Errors name the scenario file and the offending `provider.*` field.
    pub fn instantiate(&self, scenario: &Scenario) -> Result<Decider> {
        let spec = self.pinned_provider(scenario)?;
        let provider =
            spec.compile(&scenario.epoch, scenario.horizon)
                .map_err(|(field, message)| {
                    let field = format!("provider.{field}");
                    let pinned = scenario.provider_pin.is_some();
                    Error::Scenario {
                        file: if pinned {
                            scenario.path.clone()
                        } else {
                            format!("strategy {}", self.name).into()
                        },
                        line: pinned.then(|| scenario.line_of(&field)).flatten(),
                        field,
                        message,
                    }
                })?;
        let policy = match &self.exec {
            None => builtin::policy(&self.policy, &self.params)?,
            Some(exec) => Policy::Honest(Box::new(external::External::new(
                &self.name,
                exec.clone(),
                self.hello(scenario, &provider),
            ))),
        };
        Ok(Decider {
            name: self.name.clone(),
            provider,
            policy,
        })
    }
}

/// A built-in strategy ready for `scenario`, with its default parameters.
pub fn builtin(name: &str, scenario: &Scenario) -> Result<Decider> {
    builtin::definition(name)?.instantiate(scenario)
}
