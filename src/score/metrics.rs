//! The canonical metrics (DESIGN §5; definitions in `docs/metrics.md`). A metric with no
//! data is `None` (`null` in JSON), never a silent zero. Durations are in seconds, work
//! in hours.

use serde::{Deserialize, Serialize};

pub use super::classify::{auc, mcc, ratio};
use super::cost::CostTable;
use super::quantile::{mean, quantile};
use super::record::RunRecords;
use super::survival::km_quantile;
use crate::event::{Envelope, RunHeader, Verdict};

/// Scores of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// Alerts that reached the provider.
    pub alerts: u64,
    /// Alerts handed to the customer's team.
    pub escalated: u64,
    /// escalated / alerts.
    pub escalation_rate: Option<f64>,
    /// Alerts closed with a provider verdict (no escalation) / alerts.
    pub autonomous_rate: Option<f64>,
    /// Verdicts reached by the provider.
    pub verdicts: u64,
    /// Malicious verdicts on malicious alerts.
    pub tp: u64,
    /// Malicious verdicts on benign alerts.
    pub fp: u64,
    /// Benign verdicts on benign alerts.
    pub tn: u64,
    /// Benign verdicts on malicious alerts.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// (tp + tn) / verdicts.
    pub verdict_accuracy: Option<f64>,
    /// tp / (tp + fp).
    pub precision: Option<f64>,
    /// tp / (tp + fn).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// Malicious alerts that reached the provider.
    pub malicious_alerts: u64,
    /// Malicious alerts that reached the provider whose final outcome (verdict, or the
    /// customer's resolution) is not malicious: called benign, dropped, never handled.
    pub missed: u64,
    /// Malicious alerts that reached the provider with a malicious final outcome /
    /// malicious alerts that reached the provider.
    pub malicious_recall: Option<f64>,
    /// (tp/(tp + fn) + tn/(tn + fp)) / 2 over provider verdicts: 0.5 for a policy that
    /// calls everything one way, whatever the base rate.
    pub balanced_accuracy: Option<f64>,
    /// Matthews correlation of provider verdicts with truth (0 when every verdict is
    /// the same, or nothing of one class was seen).
    pub mcc: Option<f64>,
    /// Mean squared error of the stated P(malicious) over verdicts (calibration).
    pub brier: Option<f64>,
    /// Area under the ROC curve of the stated P(malicious) over verdicts: the chance a
    /// malicious alert was stated likelier than a benign one (ties count half), 0.5 for
    /// any constant — discrimination that confidence alone cannot buy.
    pub auc: Option<f64>,
    /// Correct final verdicts (provider's, or the customer's for escalations) / alerts
    /// with a final verdict.
    pub final_accuracy: Option<f64>,
    /// Attack campaigns in the scenario.
    pub campaigns: u64,
    /// Campaigns stopped before their objective by a containment decided on one of
    /// their own alerts (or its escalation).
    pub contained: u64,
    /// Campaigns stopped by a containment decided on another alert: not credited.
    pub stopped_incidentally: u64,
    /// Campaigns held back by containment that were neither stopped for good nor
    /// done: they came back after a release, or were still only contained at the end.
    pub suppressed: u64,
    /// contained / campaigns.
    pub containment_rate: Option<f64>,
    /// Campaigns not contained within the horizon.
    pub censored: u64,
    /// Campaigns that reached their objective.
    pub impacted: u64,
    /// Median over detected campaigns of (first alert reaching the provider − first step).
    pub time_to_detect_p50_s: Option<f64>,
    /// Median over contained campaigns of (containment that stopped it − first of its
    /// alerts reaching the provider).
    pub detect_to_contain_p50_s: Option<f64>,
    /// Kaplan–Meier median over every started attack campaign of the time from its
    /// first step to the containment of its own detection that ended it; campaigns
    /// never ended are censored at the horizon (unconditional: a provider that sees
    /// less cannot look faster).
    pub time_to_resolution_p50_s: Option<f64>,
    /// Median over contained campaigns of (containment that stopped it − first step).
    pub time_to_containment_p50_s: Option<f64>,
    /// 90th percentile of the same.
    pub time_to_containment_p90_s: Option<f64>,
    /// Mean over started campaigns of the distinct entities they compromised.
    pub blast_radius_mean: Option<f64>,
    /// Mean time in a provider queue per queue entry (reaching the first-line queue,
    /// each hand-off): every wait counts, one that ended without a pickup (expiry,
    /// escalation, dismissal) up to its end and one open at the horizon up to the
    /// horizon — the queue's time-integral over its entries, so Little's law holds with
    /// the time-average backlog.
    pub queue_wait_mean_s: Option<f64>,
    /// Mean time from queueing to first pickup, over alerts picked up (conditional on
    /// service: under overload it leaves out exactly the longest waits).
    pub queue_wait_served_mean_s: Option<f64>,
    /// Median time to pickup, Kaplan–Meier: waits ended without a pickup (escalation,
    /// dismissal, expiry) or open at the horizon are censored, not dropped.
    pub queue_wait_p50_s: Option<f64>,
    /// 90th percentile of the same (`null`: too much censoring to say).
    pub queue_wait_p90_s: Option<f64>,
    /// 99th percentile of the same.
    pub queue_wait_p99_s: Option<f64>,
    /// Alerts still waiting for a provider worker at the horizon.
    pub unhandled: u64,
    /// Alerts that expired in a queue (overload rule or patience): abandoned.
    pub expired: u64,
    /// expired / alerts.
    pub expired_rate: Option<f64>,
    /// Decisions the strategy failed to make (an external program crashed, hung or
    /// replied invalidly); each such alert was escalated.
    pub strategy_errors: u64,
    /// Most cases waiting for a provider worker at the end of any instant.
    pub peak_backlog: u64,
    /// Provider worker time, hours.
    pub provider_work_hours: f64,
    /// Customer team time the service pushed onto the customer (escalations to
    /// resolve, recommended containment to execute), hours, whether or not the team got
    /// to it within the horizon.
    pub customer_work_hours: f64,
    /// Containments executed because of benign alerts, whatever they blocked.
    pub false_containments: u64,
    /// Hours entities no attack compromised spent contained (to release or horizon).
    pub disruption_hours: f64,
    /// The same for entities of low criticality.
    pub disruption_hours_low: f64,
    /// The same for entities of medium criticality.
    pub disruption_hours_medium: f64,
    /// The same for entities of high criticality.
    pub disruption_hours_high: f64,
    /// The same for entities of critical criticality.
    pub disruption_hours_critical: f64,
    /// Analyst worker-hours on shift (paid, busy or not).
    pub staffed_analyst_hours: f64,
    /// Expert worker-hours on shift.
    pub staffed_expert_hours: f64,
    /// Actions completed by automation pools.
    pub automation_actions: u64,
    /// Credential resets carried out.
    pub credential_resets: u64,
    /// Hosts reimaged.
    pub host_reimages: u64,
    /// Consent grants revoked.
    pub grant_revocations: u64,
    /// Customer tasks picked up by the on-call out of hours.
    pub on_call_callouts: u64,
    /// Hours attack campaigns ran, from their first step to the containment their own
    /// detection brought (or the horizon).
    pub attacker_dwell_hours: f64,
    /// Impacted campaigns priced by their objective (or the scenario's stated worth).
    pub cost_impact: f64,
    /// Disruption hours priced by criticality.
    pub cost_disruption: f64,
    /// The provider's staff on shift and its automation's actions.
    pub cost_staffing: f64,
    /// Customer hours.
    pub cost_customer: f64,
    /// Credential resets, reimages and grant revocations.
    pub cost_eradication: f64,
    /// On-call call-outs.
    pub cost_on_call: f64,
    /// Attacker dwell hours priced.
    pub cost_dwell: f64,
    /// The primary objective: the sum of the `cost_*` parts under the cost table (the
    /// default table, or `eval --costs`).
    pub cost: f64,
    /// Verdicts whose evidence chain resolves to earlier events of the same case /
    /// verdicts.
    pub evidence_coverage: Option<f64>,
}

impl Metrics {
    /// Folds a run's events into its metrics.
    pub fn from_events(header: &RunHeader, events: &[Envelope]) -> Metrics {
        Metrics::from_records(&RunRecords::from_events(header, events))
    }

    /// The metrics of a run from its alert and campaign records: the only inputs, so
    /// `alerts.parquet` and `campaigns.parquet` reproduce every metric.
    pub fn from_records(run: &RunRecords) -> Metrics {
        let attacks = run.campaigns.iter().filter(|c| c.malicious);
        let mut m = Metrics::empty(attacks.clone().count() as u64);
        let (mut waits, mut provider_ms, mut customer_ms) = (Vec::new(), 0u64, 0u64);
        let (mut queue_ms, mut queue_entries) = (0u64, 0u64);
        let (mut final_right, mut final_total, mut covered) = (0u64, 0u64, 0u64);
        let (mut malicious_seen, mut malicious_caught) = (0u64, 0u64);
        let (mut wait_obs, mut brier, mut disruption_ms) = (Vec::new(), Vec::new(), 0u64);
        let (mut stated, mut tiers) = (Vec::new(), [0u64; 4]);
        for a in &run.alerts {
            let malicious = a.is_malicious();
            let reached = a.queued_at_ms.is_some();
            m.alerts += u64::from(reached);
            m.escalated += u64::from(a.escalated);
            if malicious && reached {
                malicious_seen += 1;
                malicious_caught += u64::from(a.final_verdict() == Some(Verdict::Malicious));
            }
            if let Some(w) = a.queue_wait_s() {
                waits.push(w);
            }
            wait_obs.extend(a.wait_observations(run.horizon_ms));
            m.unhandled += u64::from(a.unhandled());
            m.expired += u64::from(a.expired);
            for w in &a.waits {
                queue_ms += w
                    .until_ms
                    .unwrap_or(run.horizon_ms)
                    .saturating_sub(w.from_ms);
                queue_entries += 1;
            }
            m.strategy_errors += a.strategy_errors;
            if let Some(p) = a.stated_p_malicious() {
                brier.push((p - f64::from(u8::from(malicious))).powi(2));
                stated.push((p, malicious));
            }
            disruption_ms += a.disruption_ms;
            for (t, ms) in tiers.iter_mut().zip(a.disruption_by_tier_ms) {
                *t += ms;
            }
            m.credential_resets += a.eradications[0];
            m.host_reimages += a.eradications[1];
            m.grant_revocations += a.eradications[2];
            m.on_call_callouts += a.on_call_callouts;
            m.automation_actions += a.automation_actions;
            if let Some(v) = a.verdict {
                m.verdicts += 1;
                match (v, malicious) {
                    (Verdict::Malicious, true) => m.tp += 1,
                    (Verdict::Malicious, false) => m.fp += 1,
                    (Verdict::Benign, false) => m.tn += 1,
                    (Verdict::Benign, true) => m.fn_ += 1,
                }
                covered += u64::from(a.evidence_resolves);
            }
            for v in [a.verdict, a.customer_verdict].into_iter().flatten() {
                final_total += 1;
                final_right += u64::from((v == Verdict::Malicious) == malicious);
            }
            provider_ms += a.provider_work_ms;
            customer_ms += a.customer_work_ms;
            m.false_containments += a.false_containments;
        }
        let (mut ttd, mut ttc, mut radius) = (Vec::new(), Vec::new(), Vec::new());
        let (mut dtc, mut resolution) = (Vec::new(), Vec::new());
        let mut dwell_ms = 0u64;
        for c in attacks {
            m.stopped_incidentally += u64::from(c.stopped_incidentally);
            m.suppressed += u64::from(c.suppressed);
            if let Some(s) = c.started_at_ms {
                dwell_ms += c
                    .contained_at_ms
                    .unwrap_or(run.horizon_ms)
                    .saturating_sub(s);
            }
            if let (Some(at), Some(d)) = (c.contained_at_ms, c.detected_at_ms) {
                dtc.push(at.saturating_sub(d) as f64 / 1000.0);
            }
            if let Some(start) = c.started_at_ms {
                resolution.push(match c.contained_at_ms {
                    Some(at) => (at.saturating_sub(start) as f64 / 1000.0, true),
                    None => (run.horizon_ms.saturating_sub(start) as f64 / 1000.0, false),
                });
                radius.push(c.blast_radius as f64);
                m.impacted += u64::from(c.impact);
                if let Some(a) = c.detected_at_ms {
                    ttd.push(a.saturating_sub(start) as f64 / 1000.0);
                }
            }
            if let Some(at) = c.contained_at_ms {
                m.contained += 1;
                if let Some(s) = c.started_at_ms {
                    ttc.push(at.saturating_sub(s) as f64 / 1000.0);
                }
            }
        }
        m.censored = m.campaigns.saturating_sub(m.contained);
        m.escalation_rate = ratio(m.escalated, m.alerts);
        m.autonomous_rate = ratio(m.verdicts, m.alerts);
        m.verdict_accuracy = ratio(m.tp + m.tn, m.verdicts);
        m.precision = ratio(m.tp, m.tp + m.fp);
        m.recall = ratio(m.tp, m.tp + m.fn_);
        // Positives that were never called give 0, not "no data".
        m.f1 = match (m.precision, m.recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (_, Some(_)) => Some(0.0),
            _ => None,
        };
        m.malicious_alerts = malicious_seen;
        m.missed = malicious_seen - malicious_caught;
        m.malicious_recall = ratio(malicious_caught, malicious_seen);
        m.balanced_accuracy = match (ratio(m.tp, m.tp + m.fn_), ratio(m.tn, m.tn + m.fp)) {
            (Some(tpr), Some(tnr)) => Some((tpr + tnr) / 2.0),
            _ => None,
        };
        m.mcc = mcc(m.tp, m.fp, m.tn, m.fn_);
        m.brier = mean(&brier);
        m.auc = auc(&stated);
        m.disruption_hours = disruption_ms as f64 / 3_600_000.0;
        let hours = tiers.map(|ms| ms as f64 / 3_600_000.0);
        [
            m.disruption_hours_low,
            m.disruption_hours_medium,
            m.disruption_hours_high,
            m.disruption_hours_critical,
        ] = hours;
        [m.staffed_analyst_hours, m.staffed_expert_hours] = run.staffed_hours;
        m.time_to_resolution_p50_s = km_quantile(&resolution, 0.5);
        m.detect_to_contain_p50_s = quantile(&mut dtc, 0.5);
        m.final_accuracy = ratio(final_right, final_total);
        m.containment_rate = ratio(m.contained, m.campaigns);
        m.time_to_detect_p50_s = quantile(&mut ttd, 0.5);
        m.time_to_containment_p50_s = quantile(&mut ttc, 0.5);
        m.time_to_containment_p90_s = quantile(&mut ttc, 0.9);
        m.blast_radius_mean = mean(&radius);
        m.queue_wait_mean_s =
            (queue_entries > 0).then(|| queue_ms as f64 / 1000.0 / queue_entries as f64);
        m.queue_wait_served_mean_s = mean(&waits);
        m.expired_rate = ratio(m.expired, m.alerts);
        m.queue_wait_p50_s = km_quantile(&wait_obs, 0.5);
        m.queue_wait_p90_s = km_quantile(&wait_obs, 0.9);
        m.queue_wait_p99_s = km_quantile(&wait_obs, 0.99);
        m.peak_backlog = run.peak_backlog();
        m.provider_work_hours = provider_ms as f64 / 3_600_000.0;
        m.customer_work_hours = customer_ms as f64 / 3_600_000.0;
        m.evidence_coverage = ratio(covered, m.verdicts);
        m.attacker_dwell_hours = dwell_ms as f64 / 3_600_000.0;
        CostTable::default().price(run, &mut m);
        m
    }

    /// Metrics of a run in which nothing happened (every count 0, every rate null).
    pub fn empty(campaigns: u64) -> Metrics {
        Metrics {
            alerts: 0,
            escalated: 0,
            escalation_rate: None,
            autonomous_rate: None,
            verdicts: 0,
            tp: 0,
            fp: 0,
            tn: 0,
            fn_: 0,
            verdict_accuracy: None,
            precision: None,
            recall: None,
            f1: None,
            malicious_alerts: 0,
            missed: 0,
            malicious_recall: None,
            balanced_accuracy: None,
            mcc: None,
            brier: None,
            auc: None,
            final_accuracy: None,
            campaigns,
            contained: 0,
            stopped_incidentally: 0,
            suppressed: 0,
            containment_rate: None,
            censored: 0,
            impacted: 0,
            time_to_detect_p50_s: None,
            detect_to_contain_p50_s: None,
            time_to_resolution_p50_s: None,
            time_to_containment_p50_s: None,
            time_to_containment_p90_s: None,
            blast_radius_mean: None,
            queue_wait_mean_s: None,
            queue_wait_served_mean_s: None,
            queue_wait_p50_s: None,
            queue_wait_p90_s: None,
            queue_wait_p99_s: None,
            unhandled: 0,
            expired: 0,
            expired_rate: None,
            strategy_errors: 0,
            peak_backlog: 0,
            provider_work_hours: 0.0,
            customer_work_hours: 0.0,
            false_containments: 0,
            disruption_hours: 0.0,
            disruption_hours_low: 0.0,
            disruption_hours_medium: 0.0,
            disruption_hours_high: 0.0,
            disruption_hours_critical: 0.0,
            staffed_analyst_hours: 0.0,
            staffed_expert_hours: 0.0,
            automation_actions: 0,
            credential_resets: 0,
            host_reimages: 0,
            grant_revocations: 0,
            on_call_callouts: 0,
            attacker_dwell_hours: 0.0,
            cost_impact: 0.0,
            cost_disruption: 0.0,
            cost_staffing: 0.0,
            cost_customer: 0.0,
            cost_eradication: 0.0,
            cost_on_call: 0.0,
            cost_dwell: 0.0,
            cost: 0.0,
            evidence_coverage: None,
        }
    }
}
