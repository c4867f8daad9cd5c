//! Quarterly reviews: a fiscal quarter against a plan, closed with a frozen snapshot, and the notes
//! attached to them.
//!
//! Closing first takes the review's row ([`lock_review`]) and only then checks that it is open, so
//! that on PostgreSQL two concurrent closings cannot both pass the check and the second overwrite
//! the first one's snapshot.

use super::{SqlStore, audit, now_text};
use crate::error::{StoreError, Unique};
use crate::{ReviewStore, StoreResult};
use async_trait::async_trait;
use pacer_core::audit::{Actor, AuditAction};
use pacer_core::plan::PlanId;
use pacer_core::review::{
    NewNote, NoteSubject, Review, ReviewError, ReviewId, ReviewNote, ReviewStatus, check_period, check_plan_year,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

macro_rules! review_columns {
    () => {
        "id, period, fiscal_year, plan_id, status, opened_by, opened_at, closed_by, closed_at, snapshot"
    };
}

macro_rules! note_columns {
    () => {
        "n.id, n.review_id, n.subject_kind, n.subject_key, n.text, n.author, n.at"
    };
}

fn corrupt(column: &'static str, value: impl ToString) -> StoreError {
    StoreError::Corrupt { column, value: value.to_string() }
}

fn review_from_row(row: &AnyRow) -> StoreResult<Review> {
    let status: String = row.try_get("status")?;
    let fiscal_year: i64 = row.try_get("fiscal_year")?;
    Ok(Review {
        id: row.try_get("id")?,
        period: row.try_get("period")?,
        fiscal_year: i32::try_from(fiscal_year).map_err(|_| corrupt("reviews.fiscal_year", fiscal_year))?,
        plan_id: row.try_get("plan_id")?,
        status: status.parse().map_err(|_| corrupt("reviews.status", &status))?,
        opened_by: row.try_get("opened_by")?,
        opened_at: row.try_get("opened_at")?,
        closed_by: row.try_get("closed_by")?,
        closed_at: row.try_get("closed_at")?,
        snapshot: row.try_get("snapshot")?,
    })
}

fn note_from_row(row: &AnyRow) -> StoreResult<ReviewNote> {
    let kind: String = row.try_get("subject_kind")?;
    let key: String = row.try_get("subject_key")?;
    let subject = NoteSubject::from_stored(&kind, &key)
        .ok_or_else(|| corrupt("review_notes.subject_key", format!("{kind}:{key}")))?;
    Ok(ReviewNote {
        id: row.try_get("id")?,
        review_id: row.try_get("review_id")?,
        subject,
        text: row.try_get("text")?,
        author: row.try_get("author")?,
        at: row.try_get("at")?,
    })
}

async fn fetch_review(conn: &mut AnyConnection, id: ReviewId) -> StoreResult<Review> {
    let row = sqlx::query(concat!("SELECT ", review_columns!(), " FROM reviews WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("review", id))?;
    review_from_row(&row)
}

/// Reads a review about to be changed, holding its row: the no-op write takes the row's lock on
/// PostgreSQL (the database's write lock on SQLite) until the transaction ends, and the read after
/// it sees any change committed meanwhile.
async fn lock_review(conn: &mut AnyConnection, id: ReviewId) -> StoreResult<Review> {
    sqlx::query("UPDATE reviews SET status = status WHERE id = $1").bind(id).execute(&mut *conn).await?;
    fetch_review(conn, id).await
}

/// What the audit log keeps of a closing: the review without its snapshot, which stays in the
/// review itself, and the snapshot's size.
#[derive(Serialize)]
struct ClosedReview<'a> {
    #[serde(flatten)]
    review: &'a Review,
    snapshot_bytes: usize,
}

#[async_trait]
impl ReviewStore for SqlStore {
    async fn open_review(&self, period: &str, fiscal_year: i32, plan: PlanId, actor: &Actor) -> StoreResult<Review> {
        let period = check_period(period, fiscal_year)?;
        let mut tx = self.begin_write().await?;
        let plan_year: i64 = sqlx::query_scalar("SELECT fiscal_year FROM plans WHERE id = $1")
            .bind(plan)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("plan", plan))?;
        let plan_year = i32::try_from(plan_year).map_err(|_| corrupt("plans.fiscal_year", plan_year))?;
        check_plan_year(plan, plan_year, fiscal_year)?;
        let open = sqlx::query(concat!(
            "SELECT ",
            review_columns!(),
            " FROM reviews WHERE period = $1 AND plan_id = $2 AND status = 'open'"
        ))
        .bind(&period)
        .bind(plan)
        .fetch_optional(&mut *tx)
        .await?;
        // A concurrent opening that commits after this read is refused by the unique index on
        // open reviews, as a conflict naming the quarter.
        if let Some(open) = open.as_ref().map(review_from_row).transpose()? {
            return Err(StoreError::Conflict(format!(
                "review {} of {} against plan {} is already open (opened by {} at {}): close it before opening another",
                open.id, open.period, open.plan_id, open.opened_by, open.opened_at
            )));
        }
        let mut review = Review {
            id: 0,
            period,
            fiscal_year,
            plan_id: plan,
            status: ReviewStatus::Open,
            opened_by: actor.name.clone(),
            opened_at: now_text(),
            closed_by: None,
            closed_at: None,
            snapshot: None,
        };
        review.id = sqlx::query_scalar(
            "INSERT INTO reviews (period, fiscal_year, plan_id, status, opened_by, opened_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&review.period)
        .bind(i64::from(review.fiscal_year))
        .bind(review.plan_id)
        .bind(review.status.as_str())
        .bind(&review.opened_by)
        .bind(&review.opened_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, |rule| (rule == Unique::OpenReview).then(|| review.period.clone())))?;
        audit(&mut tx, actor, AuditAction::ReviewOpen, review.id.to_string(), None::<&Review>, Some(&review)).await?;
        tx.commit().await?;
        Ok(review)
    }

    async fn review(&self, id: ReviewId) -> StoreResult<Review> {
        fetch_review(&mut *self.pool.acquire().await?, id).await
    }

    async fn reviews(&self, fiscal_year: Option<i32>) -> StoreResult<Vec<Review>> {
        let select = concat!("SELECT ", review_columns!(), " FROM reviews");
        let rows = self.of_fiscal_year(select, fiscal_year, "period, id").await?;
        rows.iter().map(review_from_row).collect()
    }

    async fn review_for(&self, period: &str) -> StoreResult<Option<Review>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            review_columns!(),
            " FROM reviews WHERE period = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(period.trim().to_ascii_uppercase())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(review_from_row).transpose()
    }

    async fn close_review(&self, id: ReviewId, snapshot: &str, actor: &Actor) -> StoreResult<Review> {
        serde_json::from_str::<serde::de::IgnoredAny>(snapshot)
            .map_err(|e| ReviewError::SnapshotNotJson(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let before = lock_review(&mut tx, id).await?;
        if before.status == ReviewStatus::Closed {
            return Err(ReviewError::AlreadyClosed {
                id,
                by: before.closed_by.unwrap_or_default(),
                at: before.closed_at.unwrap_or_default(),
            }
            .into());
        }
        let after = Review {
            status: ReviewStatus::Closed,
            closed_by: Some(actor.name.clone()),
            closed_at: Some(now_text()),
            snapshot: Some(snapshot.to_owned()),
            ..before.clone()
        };
        sqlx::query("UPDATE reviews SET status = $1, closed_by = $2, closed_at = $3, snapshot = $4 WHERE id = $5")
            .bind(after.status.as_str())
            .bind(&after.closed_by)
            .bind(&after.closed_at)
            .bind(&after.snapshot)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let logged =
            ClosedReview { review: &Review { snapshot: None, ..after.clone() }, snapshot_bytes: snapshot.len() };
        audit(&mut tx, actor, AuditAction::ReviewClose, id.to_string(), Some(&before), Some(&logged)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn add_note(&self, review: ReviewId, note: &NewNote, actor: &Actor) -> StoreResult<ReviewNote> {
        note.check()?;
        let note = note.normalised();
        let mut tx = self.begin_write().await?;
        fetch_review(&mut tx, review).await?;
        if let NoteSubject::Rep(rep) = note.subject {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM reps WHERE id = $1").bind(rep).fetch_optional(&mut *tx).await?;
            found.ok_or_else(|| StoreError::not_found("rep", rep))?;
        }
        let mut stored = ReviewNote {
            id: 0,
            review_id: review,
            subject: note.subject,
            text: note.text,
            author: actor.name.clone(),
            at: now_text(),
        };
        stored.id = sqlx::query_scalar(
            "INSERT INTO review_notes (review_id, subject_kind, subject_key, text, author, at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(review)
        .bind(stored.subject.kind_str())
        .bind(stored.subject.key())
        .bind(&stored.text)
        .bind(&stored.author)
        .bind(&stored.at)
        .fetch_one(&mut *tx)
        .await?;
        audit(&mut tx, actor, AuditAction::ReviewNote, review.to_string(), None::<&ReviewNote>, Some(&stored)).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn notes(&self, review: ReviewId) -> StoreResult<Vec<ReviewNote>> {
        let mut conn = self.pool.acquire().await?;
        fetch_review(&mut conn, review).await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            note_columns!(),
            " FROM review_notes n WHERE n.review_id = $1 ORDER BY n.at, n.id"
        ))
        .bind(review)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(note_from_row).collect()
    }

    async fn notes_about(&self, subject: &NoteSubject) -> StoreResult<Vec<(ReviewNote, String)>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            note_columns!(),
            ", r.period FROM review_notes n JOIN reviews r ON r.id = n.review_id \
             WHERE n.subject_kind = $1 AND n.subject_key = $2 ORDER BY r.period, n.at, n.id"
        ))
        .bind(subject.kind_str())
        .bind(subject.key().trim())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((note_from_row(row)?, row.try_get("period")?))).collect()
    }
}
