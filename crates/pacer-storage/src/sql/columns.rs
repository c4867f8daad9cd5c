//! The columns activities, deals and account-months are written with, and a
//! record's values for them: one order for both write paths, the records'
//! statements through `Any` (`records.rs`) and bulk imports (`bulk`). The key
//! comes first, then the values a re-import compares, then the rest.

use super::records::fields_json;
use super::{date_text, datetime_text};
use pacer_core::money::Currency;
use pacer_core::org::RepId;
use pacer_core::records::{NewActivity, NewDeal, SourceKind, SubscriptionMonth};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use std::borrow::Cow;

/// The columns an activity is written with: its key, the six a re-import compares, `entered_by`.
pub(super) const ACTIVITY_COLUMNS: [&str; 9] = [
    "source",
    "external_id",
    "rep_id",
    "activity_type",
    "occurred_at",
    "duration_s",
    "account_id",
    "fields",
    "entered_by",
];

/// The columns a deal is written with: its key, the ten a re-import compares, `entered_by`.
pub(super) const DEAL_COLUMNS: [&str; 13] = [
    "source",
    "external_id",
    "rep_id",
    "account_id",
    "kind",
    "status",
    "stage",
    "amount_minor",
    "created_on",
    "close_date",
    "currency",
    "original_amount_minor",
    "entered_by",
];

/// A deal as it is stored: as given, in its currency, with its amount in the reporting
/// currency (`amount_minor`, what reports sum), converted in the writer's transaction.
#[derive(Debug, Clone, Copy)]
pub(super) struct StoredDeal<'a> {
    pub(super) deal: &'a NewDeal,
    pub(super) currency: Currency,
    pub(super) amount_minor: i64,
}

/// A value to bind or to COPY.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    pub(super) fn text(s: impl Into<String>) -> Self {
        Value::Text(Some(s.into()))
    }

    pub(super) fn int(i: i64) -> Self {
        Value::Int(Some(i))
    }

    /// As the database shows it with `CAST(... AS TEXT)`.
    pub(super) fn into_text(self) -> Option<String> {
        match self {
            Value::Int(i) => i.map(|i| i.to_string()),
            Value::Text(t) => t,
        }
    }
}

/// A record as it is written: its key and the values of its table's columns.
pub(super) trait Record {
    /// The key as the database shows it as text (`None`: the record is always new).
    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)>;
    /// The values of its table's columns, in their order.
    fn values(&self, out: &mut Vec<Value>);
    /// The rep the record belongs to, if any.
    fn rep(&self) -> Option<RepId>;
}

/// Activities and deals: keyed by (source, external id) and each a rep's. Their
/// columns are `source`, `external_id`, `rep_id`, their own, then `entered_by`.
trait RepRecord {
    /// The source, external id, rep and who entered the record.
    fn common(&self) -> (SourceKind, Option<&str>, RepId, Option<&str>);
    /// The values of the record's own columns.
    fn own_values(&self, out: &mut Vec<Value>);
}

impl<R: RepRecord> Record for R {
    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        let (source, external_id, _, _) = self.common();
        external_id.map(|id| (Cow::Borrowed(source.as_str()), Cow::Borrowed(id)))
    }

    fn values(&self, out: &mut Vec<Value>) {
        let (source, external_id, rep_id, entered_by) = self.common();
        out.extend([Value::text(source.as_str()), Value::Text(external_id.map(String::from)), Value::int(rep_id)]);
        self.own_values(out);
        out.push(Value::Text(entered_by.map(String::from)));
    }

    fn rep(&self) -> Option<RepId> {
        Some(self.common().2)
    }
}

impl RepRecord for NewActivity {
    fn common(&self) -> (SourceKind, Option<&str>, RepId, Option<&str>) {
        (self.source, self.external_id.as_deref(), self.rep_id, self.entered_by.as_deref())
    }

    fn own_values(&self, out: &mut Vec<Value>) {
        out.extend([
            Value::text(self.activity_type.as_str()),
            Value::text(datetime_text(self.occurred_at)),
            Value::Int(self.duration_s),
            Value::Int(self.account_id),
            Value::Text(fields_json(&self.fields)),
        ]);
    }
}

impl RepRecord for StoredDeal<'_> {
    fn common(&self) -> (SourceKind, Option<&str>, RepId, Option<&str>) {
        let d = self.deal;
        (d.source, d.external_id.as_deref(), d.rep_id, d.entered_by.as_deref())
    }

    fn own_values(&self, out: &mut Vec<Value>) {
        let d = self.deal;
        out.extend([
            Value::int(d.account_id),
            Value::text(d.kind.as_str()),
            Value::text(d.status.as_str()),
            Value::text(d.stage.as_str()),
            Value::int(self.amount_minor),
            Value::text(date_text(d.created_on)),
            Value::Text(d.close_date.map(date_text)),
            Value::text(self.currency.as_str()),
            Value::int(d.amount_minor),
        ]);
    }
}

impl Record for SubscriptionMonth {
    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        Some((Cow::Owned(self.account_id.to_string()), Cow::Owned(date_text(self.month))))
    }

    fn values(&self, out: &mut Vec<Value>) {
        out.extend([Value::int(self.account_id), Value::text(date_text(self.month)), Value::int(self.mrr_minor)]);
    }

    fn rep(&self) -> Option<RepId> {
        None
    }
}

/// Binds a record's values to a statement of its columns through `Any`.
pub(super) fn bind<R: Record>(
    query: Query<'static, sqlx::Any, AnyArguments>,
    record: &R,
) -> Query<'static, sqlx::Any, AnyArguments> {
    let mut values = Vec::new();
    record.values(&mut values);
    values.into_iter().fold(query, |q, v| match v {
        Value::Int(i) => q.bind(i),
        Value::Text(t) => q.bind(t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_the_database_shows_them() {
        assert_eq!(Value::int(5).into_text(), Some("5".into()));
        assert_eq!(Value::Int(None).into_text(), None);
        assert_eq!(Value::text("x").into_text(), Some("x".into()));
    }
}
