//! Classification measures over verdicts, each with its edge cases stated: a constant
//! classifier, a missing class, nothing to divide.

/// Matthews correlation; 0 when a margin is empty (a constant classifier), `None`
/// without verdicts.
pub fn mcc(tp: u64, fp: u64, tn: u64, fn_: u64) -> Option<f64> {
    let [tp, fp, tn, fn_] = [tp, fp, tn, fn_].map(|x| x as f64);
    if tp + fp + tn + fn_ == 0.0 {
        return None;
    }
    let den = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
    Some(if den == 0.0 {
        0.0
    } else {
        (tp * tn - fp * fn_) / den
    })
}

/// Area under the ROC curve of stated probabilities against truth (Mann–Whitney: the
/// share of (malicious, benign) pairs ranked the right way, ties half); `None` unless
/// both classes are present.
pub fn auc(stated: &[(f64, bool)]) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = stated.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = v.iter().filter(|x| x.1).count() as f64;
    let negatives = v.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Sum of the positives' mid-ranks (1-based), ties sharing their average rank.
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < v.len() {
        let j = i + v[i..].iter().take_while(|x| x.0 == v[i].0).count();
        let mid = (i + 1 + j) as f64 / 2.0;
        rank_sum += mid * v[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// `num / den`, or `None` when there is nothing to divide by.
pub fn ratio(num: u64, den: u64) -> Option<f64> {
    if den == 0 {
        None
    } else {
        Some(num as f64 / den as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: positives stated 0.9 and 0.4, negatives 0.4, 0.1, 0.5. Of the six
    /// (positive, negative) pairs, 0.9 beats all three, 0.4 beats 0.1, ties 0.4 (half)
    /// and loses to 0.5: 4.5 / 6.
    #[test]
    fn auc_counts_pairs_ranked_right_with_ties_half() {
        let v = [
            (0.9, true),
            (0.4, true),
            (0.4, false),
            (0.1, false),
            (0.5, false),
        ];
        assert_eq!(auc(&v), Some(0.75));
        let constant = [(0.001, true), (0.001, false), (0.001, false)];
        assert_eq!(auc(&constant), Some(0.5), "any constant scores one half");
        let reversed = [(0.1, true), (0.9, false)];
        assert_eq!(auc(&reversed), Some(0.0));
        assert_eq!(auc(&[(0.3, false), (0.8, false)]), None, "one class only");
    }

    #[test]
    fn ratio_has_nothing_to_divide_by_zero() {
        assert_eq!(ratio(1, 4), Some(0.25));
        assert_eq!(ratio(0, 0), None);
    }
}
