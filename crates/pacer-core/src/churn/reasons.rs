//! Why customers left: churn events tagged with reasons, and the share the company could not have
//! prevented.

use super::months::month_span;
use super::{ChurnError, MrrSeries};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A reason a customer left, and whether the company could have prevented it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnReason {
    /// Key, e.g. `price`.
    pub key: String,
    /// Name shown.
    pub name: String,
    /// Whether the company could have prevented it (price, competitor) or not
    /// (bankruptcy): the uncontrollable share justifies the attrition tolerance.
    pub controllable: bool,
}

/// The default reasons (configurable in the organisation's settings).
pub fn default_reasons() -> Vec<ChurnReason> {
    let reason = |key: &str, name: &str, controllable| ChurnReason { key: key.into(), name: name.into(), controllable };
    vec![
        reason("bankruptcy", "Bankruptcy or closure", false),
        reason("acquired", "Acquired by another company", false),
        reason("budget_cut", "Budget cut", false),
        reason("returned_unused", "Product returned unused", true),
        reason("competitor", "Went to a competitor", true),
        reason("price", "Price", true),
        reason("support", "Service or support", true),
    ]
}

/// A churn event tagged with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChurnTag {
    /// The account that stopped paying.
    pub account_id: i64,
    /// The first month it paid nothing.
    pub month: NaiveDate,
    /// Reason key.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
}

/// Churn of a period by reason: how much of it the company could not have prevented.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonSummary {
    /// Churn events (accounts that stopped paying, month by month).
    pub events: usize,
    /// Their MRR before churning, minor units.
    pub churned_mrr: i64,
    /// Events with a reason.
    pub tagged: usize,
    /// Events whose reason is uncontrollable.
    pub uncontrollable: usize,
    /// MRR of the uncontrollable events.
    pub uncontrollable_mrr: i64,
    /// Uncontrollable MRR / MRR of the tagged events; `None` when nothing is tagged.
    pub uncontrollable_share: Option<f64>,
    /// MRR churned per reason key (`untagged` for the rest).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::openapi::NamedAmount>))]
    pub by_reason: Vec<(String, i64)>,
}

impl MrrSeries {
    /// The churn events of the months `first_month ..= last_month` (account,
    /// month, MRR lost), for the accounts for which `include` holds.
    pub fn churn_events(
        &self,
        first_month: NaiveDate,
        last_month: NaiveDate,
        include: impl Fn(i64) -> bool,
    ) -> Result<Vec<(i64, NaiveDate, i64)>, ChurnError> {
        month_span(first_month, last_month)?;
        let mut events = Vec::new();
        let mut month = first_month.with_day(1).unwrap_or(first_month);
        while month <= last_month {
            let m = self.movements_for(month, &include);
            let before = month - chrono::Months::new(1);
            events.extend(m.churn_accounts.iter().map(|&a| (a, month, self.mrr(a, before))));
            month = month + chrono::Months::new(1);
        }
        Ok(events)
    }
}

/// Sums churn events by reason, from their tags and the reasons' controllability.
pub fn reason_summary(events: &[(i64, NaiveDate, i64)], tags: &[ChurnTag], reasons: &[ChurnReason]) -> ReasonSummary {
    let tag_of: std::collections::HashMap<(i64, NaiveDate), &str> =
        tags.iter().map(|t| ((t.account_id, t.month), t.reason.as_str())).collect();
    let mut s = ReasonSummary { events: events.len(), ..ReasonSummary::default() };
    let mut by_reason: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    let mut tagged_mrr = 0;
    for &(account, month, mrr) in events {
        s.churned_mrr += mrr;
        let reason = tag_of.get(&(account, month)).copied();
        *by_reason.entry(reason.unwrap_or("untagged").to_string()).or_default() += mrr;
        if let Some(key) = reason {
            s.tagged += 1;
            tagged_mrr += mrr;
            if reasons.iter().any(|r| r.key == key && !r.controllable) {
                s.uncontrollable += 1;
                s.uncontrollable_mrr += mrr;
            }
        }
    }
    s.uncontrollable_share = (tagged_mrr > 0).then(|| s.uncontrollable_mrr as f64 / tagged_mrr as f64);
    s.by_reason = by_reason.into_iter().collect();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::SubscriptionMonth;
    use crate::testing::ymd;

    #[test]
    fn churn_reasons_give_the_uncontrollable_share() {
        let month = |m: u32| ymd(2026, m, 1);
        let rows = [(1, 1, 100), (2, 1, 300), (3, 1, 600), (1, 2, 100), (3, 2, 600)]
            .map(|(a, m, v)| SubscriptionMonth { account_id: a, month: month(m), mrr_minor: v });
        let series = MrrSeries::from_rows(rows).unwrap();
        let events = series.churn_events(month(2), month(3), |_| true).unwrap();
        assert_eq!(events, vec![(2, month(2), 300), (1, month(3), 100), (3, month(3), 600)]);
        let tags = vec![
            ChurnTag { account_id: 2, month: month(2), reason: "bankruptcy".into(), note: None },
            ChurnTag { account_id: 3, month: month(3), reason: "price".into(), note: None },
        ];
        let s = reason_summary(&events, &tags, &default_reasons());
        assert_eq!((s.events, s.tagged, s.uncontrollable, s.churned_mrr, s.uncontrollable_mrr), (3, 2, 1, 1000, 300));
        assert_eq!(s.uncontrollable_share, Some(300.0 / 900.0));
        assert_eq!(s.by_reason, vec![("bankruptcy".into(), 300), ("price".into(), 600), ("untagged".into(), 100)]);
        assert_eq!(reason_summary(&[], &[], &default_reasons()).uncontrollable_share, None);
    }
}
