//! Sigma detection rules: read from files (Sigma YAML only, bounded in size) or inline,
//! parsed, and given a severity, a technique and a unique title.

use std::path::Path;

use super::Compiler;
use crate::error::Result;
use crate::scenario::model::Rule;
use crate::scenario::spec::{ScenarioSpec, Severity};

impl Compiler<'_> {
    #[allow(clippy::type_complexity)]
    pub(super) fn sigma_rules(
        &self,
        spec: &ScenarioSpec,
    ) -> Result<(
        Vec<(Rule, Severity, sigma_rust::Rule, Option<String>)>,
        Vec<String>,
    )> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        let mut out = Vec::new();
        let mut texts = Vec::new();
        for (i, r) in spec.rules.iter().enumerate() {
            let (yaml, field) = match (&r.path, &r.yaml) {
                (Some(p), None) => {
                    let path = dir.join(p);
                    // A rule path names a Sigma YAML file; anything else is refused
                    // unread, so an error never quotes a file nobody meant to pass.
                    if !path.extension().is_some_and(|x| {
                        x.eq_ignore_ascii_case("yml") || x.eq_ignore_ascii_case("yaml")
                    }) {
                        return Err(self.err(
                            None,
                            format!("rules[{i}].path"),
                            format!("{p:?} is not a Sigma rule file (.yml or .yaml)"),
                        ));
                    }
                    let text = crate::budget::read_text(&path).map_err(|e| {
                        self.err(
                            None,
                            format!("rules[{i}].path"),
                            format!("cannot read: {e}"),
                        )
                    })?;
                    (text, format!("rules[{i}].path ({p})"))
                }
                (None, Some(y)) => (y.clone(), format!("rules[{i}].yaml")),
                _ => {
                    return Err(self.err(
                        None,
                        format!("rules[{i}]"),
                        "give exactly one of path or yaml",
                    ));
                }
            };
            let parsed = sigma_rust::rule_from_yaml(&yaml).map_err(|e| {
                // The parser's message may quote the text; for a file, say where only.
                let why = e.to_string().replace('\n', " ");
                let why = if r.path.is_some() {
                    why.find(" at line ")
                        .map_or_else(String::new, |at| why[at..].to_string())
                } else {
                    format!(": {why}")
                };
                self.err(
                    None,
                    field.clone(),
                    format!("Sigma rule does not parse{why}"),
                )
            })?;
            // sigma-rust does not export its `Level` type; its Debug names are the spec's.
            let severity = match parsed.level.as_ref().map(|l| format!("{l:?}")).as_deref() {
                Some("Critical") => Severity::Critical,
                Some("High") => Severity::High,
                Some("Medium") => Severity::Medium,
                _ => Severity::Low,
            };
            let technique = parsed.tags.iter().flatten().find_map(|t| {
                let t = t.strip_prefix("attack.t")?;
                t.chars()
                    .next()
                    .filter(|c| c.is_ascii_digit())
                    .map(|_| format!("T{}", t.to_uppercase()))
            });
            let rule = Rule {
                source: "sigma".into(),
                name: parsed.title.clone(),
                author: parsed.author.clone(),
            };
            if out
                .iter()
                .any(|(r, ..): &(Rule, _, _, _)| r.name == rule.name)
            {
                return Err(self.err(
                    None,
                    field,
                    format!("two rules share the title {:?}", rule.name),
                ));
            }
            out.push((rule, severity, parsed, technique));
            texts.push(yaml);
        }
        Ok((out, texts))
    }
}
