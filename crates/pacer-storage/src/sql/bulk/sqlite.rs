//! The statements of bulk imports on SQLite: rows bound to multi-row INSERTs.
//!
//! A statement that inserts several rows and may fail half-way copies every
//! page it touches to a journal first, so that it can be undone alone; for an
//! import that doubles the work. So the rows go in with `INSERT OR IGNORE`
//! and foreign keys off on the import's connection: no row can fail alone.
//! What that would let through is checked instead: a row the database
//! ignored though its key was not stored breaks a rule (an error), and the
//! reps of the records written must exist (checked at commit). An optimistic
//! chunk that found keys stored is undone by deleting its new rows, the last
//! rowids.

use super::{Dialect, Kind, SQLITE_VALUES, Statements, Take, Tx, Value, all_values, take_rows};
use crate::StoreResult;
use crate::backend::DatabaseUrl;
use crate::error::StoreError;
use async_trait::async_trait;
use futures_util::future::join;
use pacer_core::org::RepId;
use sqlx::AssertSqlSafe;
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use std::collections::HashSet;

#[async_trait]
impl Dialect for Tx<Sqlite> {
    const STAGES_RECORDS: bool = false;

    async fn begin(url: &DatabaseUrl) -> StoreResult<Self> {
        let pool = url.sqlite_import().await?;
        // Take the write lock now rather than fail half-way when another writer has it.
        let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Tx { tx, pool })
    }

    fn delete_emptied(table: &str, temp: &str, same: &str) -> String {
        format!(
            "DELETE FROM {table} WHERE rowid IN (SELECT r.rowid FROM {temp} AS d CROSS JOIN {table} AS r \
             ON {same} WHERE d.n < 0 AND r.n = 0)"
        )
    }

    fn create_temp(temp: &str, select: &str) -> String {
        format!("CREATE TEMP TABLE {temp} AS {select}")
    }

    fn empty(temp: &str) -> String {
        format!("DELETE FROM {temp}")
    }

    async fn optimistic<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<bool> {
        // SQLite gives new rows the rowids after the largest one: the chunk's
        // rows are those after it, and can go without a savepoint (whose journal
        // would copy every page the chunk touches).
        let table = K::TABLE.name;
        let sql = format!("SELECT COALESCE(MAX(rowid), 0) FROM {table}");
        let last = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).fetch_one(&mut *self.tx).await?;
        let all = self.insert(rows).await? == rows.len();
        if !all {
            self.execute(&format!("DELETE FROM {table} WHERE rowid > {last}")).await?;
        }
        Ok(all)
    }

    async fn insert<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<usize> {
        let mut parts = rows.chunks(SQLITE_VALUES / K::TABLE.columns.len());
        let mut next = parts.next().map(insert_statement);
        let mut inserted = 0;
        while let Some(query) = next.take() {
            // The next statement is bound on this thread while SQLite runs this one.
            let (done, following) =
                join(query.execute(&mut *self.tx), async { parts.next().map(insert_statement) }).await;
            inserted += done?.rows_affected();
            next = following;
        }
        Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
    }

    async fn stored<K: Kind>(&mut self, rows: &[&K], shown: &str, take: &mut Take<'_>) -> StoreResult<()> {
        let table = K::TABLE;
        let (k1, k2) = table.key();
        let keyed: Vec<&&K> = rows.iter().filter(|r| r.key().is_some()).collect();
        for part in keyed.chunks(SQLITE_VALUES / 2) {
            let mut keys = Vec::with_capacity(part.len() * 2);
            for r in part {
                let mut values = Vec::with_capacity(table.columns.len());
                r.values(&mut values);
                keys.extend(values.into_iter().take(2));
            }
            // The CROSS JOIN makes SQLite probe the unique index once per key.
            let sql = format!(
                "SELECT {shown} FROM (VALUES {}) AS k CROSS JOIN {} AS t ON t.{k1} = k.column1 AND t.{k2} = k.column2",
                placeholders(part.len(), 2),
                table.name
            );
            let query = sqlx::query(AssertSqlSafe(sql)).persistent(part.len() == SQLITE_VALUES / 2);
            take_rows(bind_all(query, keys).fetch_all(&mut *self.tx).await?, &table, take)?;
        }
        Ok(())
    }

    async fn update<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<()> {
        let table = K::TABLE;
        let (k1, k2) = table.key();
        let sql = format!(
            "UPDATE {} SET {} WHERE {k1} = ? AND {k2} = ?",
            table.name,
            table.compared_as(|c| format!("{c} = ?"))
        );
        for r in rows {
            let mut values = Vec::with_capacity(table.columns.len());
            r.values(&mut values);
            let key: Vec<Value> = values.drain(..2).collect();
            values.truncate(table.compared);
            values.extend(key);
            bind_all(sqlx::query(AssertSqlSafe(sql.clone())), values).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    async fn fill(&mut self, temp: &str, columns: &[&str], values: Vec<Value>) -> StoreResult<()> {
        let width = columns.len();
        let rows = values.len() / width;
        let sql = format!("INSERT INTO {temp} ({}) VALUES {}", columns.join(", "), placeholders(rows, width));
        // Statements of other sizes are not worth keeping prepared.
        let query = sqlx::query(AssertSqlSafe(sql)).persistent(rows == SQLITE_VALUES / width);
        bind_all(query, values).execute(&mut *self.tx).await?;
        Ok(())
    }

    /// The import's connection does not enforce foreign keys (see the module's comment).
    async fn check_reps(&mut self, reps: &HashSet<RepId>) -> StoreResult<()> {
        let reps: Vec<RepId> = reps.iter().copied().collect();
        for part in reps.chunks(SQLITE_VALUES) {
            let sql = format!("SELECT id FROM reps WHERE id IN ({})", vec!["?"; part.len()].join(", "));
            let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
            for id in part {
                query = query.bind(*id);
            }
            let found: HashSet<i64> = query.fetch_all(&mut *self.tx).await?.into_iter().collect();
            if let Some(missing) = part.iter().find(|id| !found.contains(id)) {
                return Err(StoreError::Refused(format!("refers to a record that does not exist: rep {missing}")));
            }
        }
        Ok(())
    }
}

/// The INSERT of `rows` (see [`Dialect::insert`]), bound.
fn insert_statement<K: Kind>(rows: &[&K]) -> Query<'static, Sqlite, SqliteArguments> {
    let columns = K::TABLE.columns;
    let sql = format!(
        "INSERT OR IGNORE INTO {} ({}) VALUES {}",
        K::TABLE.name,
        columns.join(", "),
        placeholders(rows.len(), columns.len())
    );
    // Statements of other sizes are not worth keeping prepared.
    let full = SQLITE_VALUES / columns.len();
    bind_all(sqlx::query(AssertSqlSafe(sql)).persistent(rows.len() == full), all_values(rows))
}

/// `(?, ?), (?, ?)` for `rows` rows of `width` values.
fn placeholders(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

fn bind_all(mut query: Query<'_, Sqlite, SqliteArguments>, values: Vec<Value>) -> Query<'_, Sqlite, SqliteArguments> {
    for v in values {
        query = match v {
            Value::Int(i) => query.bind(i),
            Value::Text(t) => query.bind(t),
        };
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_for_rows() {
        assert_eq!(placeholders(2, 3), "(?, ?, ?), (?, ?, ?)");
    }
}
