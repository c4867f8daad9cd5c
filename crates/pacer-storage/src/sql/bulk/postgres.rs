//! The statements of bulk imports on PostgreSQL: each chunk is copied into a
//! temporary table (COPY, text format) and moved from there with one
//! statement. An optimistic chunk that found keys stored is undone back to a
//! savepoint.

use super::{Dialect, Kind, Take, Tx, Value, take_rows, temp_table};
use crate::StoreResult;
use crate::backend::DatabaseUrl;
use async_trait::async_trait;
use pacer_core::org::RepId;
use sqlx::AssertSqlSafe;
use sqlx::error::ErrorKind;
use sqlx::postgres::Postgres;
use std::collections::HashSet;

#[async_trait]
impl Dialect for Tx<Postgres> {
    const STAGES_RECORDS: bool = true;

    async fn begin(url: &DatabaseUrl) -> StoreResult<Self> {
        let pool = url.postgres_import().await?;
        let mut tx = pool.begin().await?;
        // The tables grow inside this transaction, before any statistics say so:
        // key lookups must go through the unique indexes, never scan the table.
        sqlx::raw_sql(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; \
             SET LOCAL enable_mergejoin = off",
        )
        .execute(&mut *tx)
        .await?;
        Ok(Tx { tx, pool })
    }

    fn delete_emptied(table: &str, temp: &str, same: &str) -> String {
        format!("DELETE FROM {table} AS r USING {temp} AS d WHERE {same} AND d.n < 0 AND r.n = 0")
    }

    fn create_temp(temp: &str, select: &str) -> String {
        format!("CREATE TEMP TABLE {temp} ON COMMIT DROP AS {select}")
    }

    fn empty(temp: &str) -> String {
        format!("TRUNCATE {temp}")
    }

    async fn optimistic<K: Kind>(&mut self, _: &[&K]) -> StoreResult<bool> {
        // A plain INSERT, a third cheaper than one that looks for conflicts:
        // a key already stored fails it, back to the savepoint.
        sqlx::raw_sql("SAVEPOINT pacer_chunk").execute(&mut *self.tx).await?;
        let (table, columns) = (K::TABLE.name, K::TABLE.columns.join(", "));
        let sql = format!("INSERT INTO {table} ({columns}) SELECT {columns} FROM {}", temp_table(table));
        let all = match sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *self.tx).await {
            Ok(_) => true,
            Err(sqlx::Error::Database(e)) if e.kind() == ErrorKind::UniqueViolation => {
                sqlx::raw_sql("ROLLBACK TO SAVEPOINT pacer_chunk").execute(&mut *self.tx).await?;
                false
            }
            Err(e) => return Err(e.into()),
        };
        sqlx::raw_sql("RELEASE SAVEPOINT pacer_chunk").execute(&mut *self.tx).await?;
        Ok(all)
    }

    /// The rows are those staged.
    async fn insert<K: Kind>(&mut self, _: &[&K]) -> StoreResult<usize> {
        let table = K::TABLE;
        let ((k1, k2), columns) = (table.key(), table.columns.join(", "));
        let sql = format!(
            "INSERT INTO {} ({columns}) SELECT {columns} FROM {} ON CONFLICT ({k1}, {k2}) DO NOTHING",
            table.name,
            temp_table(table.name)
        );
        let inserted = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *self.tx).await?.rows_affected();
        Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
    }

    /// The rows are those staged.
    async fn stored<K: Kind>(&mut self, _: &[&K], shown: &str, take: &mut Take<'_>) -> StoreResult<()> {
        let table = K::TABLE;
        let (k1, k2) = table.key();
        let sql = format!(
            "SELECT {shown} FROM {} AS s JOIN {} AS t ON t.{k1} = s.{k1} AND t.{k2} = s.{k2}",
            temp_table(table.name),
            table.name
        );
        take_rows(sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *self.tx).await?, &table, take)
    }

    /// The staged rows hold the new values; only those that differ are written.
    async fn update<K: Kind>(&mut self, _: &[&K]) -> StoreResult<()> {
        let table = K::TABLE;
        let (k1, k2) = table.key();
        let sql = format!(
            "UPDATE {} AS t SET {} FROM {} AS s WHERE t.{k1} = s.{k1} AND t.{k2} = s.{k2} \
             AND ({}) IS DISTINCT FROM ({})",
            table.name,
            table.compared_as(|c| format!("{c} = s.{c}")),
            temp_table(table.name),
            table.compared_as(|c| format!("t.{c}")),
            table.compared_as(|c| format!("s.{c}"))
        );
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn fill(&mut self, temp: &str, columns: &[&str], values: Vec<Value>) -> StoreResult<()> {
        let width = columns.len();
        let mut data = Vec::with_capacity(values.len() * 12);
        for (i, v) in values.iter().enumerate() {
            copy_field(&mut data, v);
            data.push(if (i + 1) % width == 0 { b'\n' } else { b'\t' });
        }
        let mut copy = self.tx.copy_in_raw(&format!("COPY {temp} ({}) FROM STDIN", columns.join(", "))).await?;
        copy.send(data).await?;
        copy.finish().await?;
        Ok(())
    }

    /// Foreign keys are enforced as the rows go in.
    async fn check_reps(&mut self, _: &HashSet<RepId>) -> StoreResult<()> {
        Ok(())
    }
}

/// One field in COPY's text format: `\N` for null, special bytes escaped.
fn copy_field(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Int(Some(i)) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Int(None) | Value::Text(None) => out.extend_from_slice(b"\\N"),
        Value::Text(Some(s)) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut out = Vec::new();
        for v in [Value::text("a\tb\\c\nd\re"), Value::Int(None), Value::int(-12), Value::Text(None)] {
            copy_field(&mut out, &v);
            out.push(b'|');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a\\tb\\\\c\\nd\\re|\\N|-12|\\N|");
    }
}
