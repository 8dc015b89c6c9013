//! The customer's team judging an escalation: from the alert, the records the
//! provider's investigation returned, and its own organizational facts about the
//! alert's entities — never the label. Its judgement is noisy, more so on thin evidence.

use rand_distr::{Distribution, StandardNormal};

use super::Engine;
use crate::event::{ContextKind, Verdict};
use crate::ids::AlertId;
use crate::random::Purpose;
use crate::strategy::belief::BeliefParams;
use crate::strategy::provider::AuthoritySpec;
use crate::strategy::view::{CaseView, Records};
use crate::time::SimTime;
use crate::world::state::QueryResult;

impl Engine<'_> {
    /// The team's resolution of `alert` at `now`.
    pub(super) fn customer_judgement(&self, now: SimTime, alert: AlertId) -> Verdict {
        let sc = self.sc;
        let j = &sc.customer.judgement;
        let rec = &self.state.alerts[alert.index()];
        // What the provider escalated with, and what the team knows of its own people
        // and systems (in force when the alert was raised or now).
        let mut queries: Vec<QueryResult> = rec
            .evidence
            .iter()
            .filter(|q| q.kind != ContextKind::Organizational)
            .cloned()
            .collect();
        queries.push(QueryResult {
            seq: u64::MAX,
            kind: ContextKind::Organizational,
            records: self.fact_records(now, alert),
        });
        let records: usize = queries.iter().map(|q| q.records.len()).sum();
        let everything = ContextKind::ALL.into_iter().collect();
        let authority = AuthoritySpec::default();
        let view = CaseView::new(
            now,
            super::work::alert_view(sc, &self.state, alert, &|seq| seq),
            "customer",
            false,
            false,
            &queries,
            &everything,
            &authority,
            Records::unhandled(
                &self.log,
                &self.state.alerts,
                &sc.sources,
                &sc.entities,
                &sc.rules,
            ),
        );
        let belief = BeliefParams {
            prior: j.prior,
            ..BeliefParams::default()
        }
        .assess(&view);
        let mut key = self.origins[alert.index()].key(sc).to_vec();
        key.push(7);
        let z: f64 = StandardNormal.sample(&mut self.seeds.stream(Purpose::Customer, &key));
        let error = z * j.noise / (1.0 + records as f64).sqrt();
        let threshold = (j.malicious_at / (1.0 - j.malicious_at)).ln();
        if belief.log_odds + error >= threshold {
            Verdict::Malicious
        } else {
            Verdict::Benign
        }
    }
}
