//! Users, sessions, sign-in throttling, API tokens and the audit log.

use super::{SqlStore, audit, get_flag, now_text};
use crate::error::{StoreError, Unique};
use crate::{AccessStore, LoginFailures, NewUser, Session, StoreResult, UserCredentials, UserUpdate};
use async_trait::async_trait;
use pacer_core::access::{ApiToken, Scope, User, check_email, check_username};
use pacer_core::audit::{Actor, AuditAction, AuditEntry, AuditFilter};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;

macro_rules! user_columns {
    () => {
        "id, username, display_name, role, rep_id, CAST(active AS INTEGER) AS active, email, CAST(digest AS INTEGER) AS digest, language"
    };
}
macro_rules! token_columns {
    () => {
        "id, name, scope, created_by, created_at, revoked_at"
    };
}

fn corrupt(column: &'static str, value: String) -> StoreError {
    StoreError::Corrupt { column, value }
}

fn user_from_row(row: &AnyRow) -> StoreResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: role.parse().map_err(|_| corrupt("users.role", role))?,
        rep_id: row.try_get("rep_id")?,
        active: get_flag(row, "active")?,
        email: row.try_get("email")?,
        digest: get_flag(row, "digest")?,
        language: match row.try_get::<Option<String>, _>("language")? {
            Some(tag) => Some(tag.parse().map_err(|_| corrupt("users.language", tag))?),
            None => None,
        },
    })
}

fn token_from_row(row: &AnyRow) -> StoreResult<ApiToken> {
    let scope: String = row.try_get("scope")?;
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        scope: scope.parse::<Scope>().map_err(|_| corrupt("api_tokens.scope", scope))?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

async fn fetch_user(conn: &mut AnyConnection, id: i64) -> StoreResult<User> {
    let row = sqlx::query(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("user", id))?;
    user_from_row(&row)
}

#[async_trait]
impl AccessStore for SqlStore {
    async fn create_user(&self, user: &NewUser, actor: &Actor) -> StoreResult<User> {
        let username = check_username(&user.username).map_err(StoreError::Refused)?;
        let email = user.email.as_deref().map(check_email).transpose().map_err(StoreError::Refused)?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, rep_id, password_hash, active, email, digest) VALUES ($1, $2, $3, $4, $5, TRUE, $6, TRUE) RETURNING id",
        )
        .bind(&username)
        .bind(user.display_name.trim())
        .bind(user.role.as_str())
        .bind(user.rep_id)
        .bind(&user.password_hash)
        .bind(email)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, |rule| (rule == Unique::Username).then(|| username.clone())))?;
        let created = fetch_user(&mut tx, id).await?;
        audit(&mut tx, actor, AuditAction::UserCreate, id.to_string(), None::<&User>, Some(&created)).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn update_user(&self, id: i64, update: &UserUpdate, actor: &Actor) -> StoreResult<User> {
        let email = match &update.email {
            Some(Some(e)) => Some(Some(check_email(e).map_err(StoreError::Refused)?)),
            other => other.clone(),
        };
        let mut tx = self.begin_write().await?;
        let before = fetch_user(&mut tx, id).await?;
        let after = User {
            display_name: update.display_name.clone().unwrap_or_else(|| before.display_name.clone()),
            role: update.role.unwrap_or(before.role),
            rep_id: update.rep_id.unwrap_or(before.rep_id),
            active: update.active.unwrap_or(before.active),
            email: email.unwrap_or_else(|| before.email.clone()),
            digest: update.digest.unwrap_or(before.digest),
            language: update.language.unwrap_or(before.language),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, rep_id = $3, active = $4, email = $5, digest = $6, language = $7 WHERE id = $8",
        )
        .bind(&after.display_name)
        .bind(after.role.as_str())
        .bind(after.rep_id)
        .bind(after.active)
        .bind(&after.email)
        .bind(after.digest)
        .bind(after.language.map(|l| l.as_str()))
        .bind(id)
            .execute(&mut *tx)
            .await?;
        if !after.active || after.role != before.role {
            // A deactivated or re-roled user signs in again.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        audit(&mut tx, actor, AuditAction::UserUpdate, id.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn set_password(&self, id: i64, password_hash: &str, actor: &Actor) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut tx, id).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        // The hash itself never goes into the log.
        audit(&mut tx, actor, AuditAction::UserPassword, id.to_string(), None::<&()>, None::<&()>).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user(&self, id: i64) -> StoreResult<User> {
        fetch_user(&mut *self.pool.acquire().await?, id).await
    }

    async fn credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>> {
        let row = sqlx::query(concat!("SELECT ", user_columns!(), ", password_hash FROM users WHERE username = $1"))
            .bind(username.trim().to_ascii_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok(UserCredentials { user: user_from_row(&row)?, password_hash: row.try_get("password_hash")? }))
            .transpose()
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(concat!("SELECT ", user_columns!(), " FROM users ORDER BY username"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(session.expires_at)
        .bind(session.last_seen_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<(Session, User)>> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at, u.id, u.username, u.display_name, u.role, u.rep_id, CAST(u.active AS INTEGER) AS active, u.email, CAST(u.digest AS INTEGER) AS digest, u.language \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let session = Session {
                token_hash: row.try_get("token_hash")?,
                user_id: row.try_get("user_id")?,
                csrf_token: row.try_get("csrf_token")?,
                expires_at: row.try_get("expires_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            };
            Ok((session, user_from_row(&row)?))
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn record_login_failure(&self, keys: &[String], at: i64, forget_before: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1 AND at < $2")
                .bind(key)
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO login_failures (throttle_key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: i64) -> StoreResult<LoginFailures> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS count, COALESCE(MAX(at), 0) AS last_at FROM login_failures WHERE throttle_key = $1 AND at >= $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(LoginFailures { count: row.try_get("count")?, last_at: row.try_get("last_at")? })
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    async fn create_token(&self, name: &str, scope: Scope, token_hash: &str, actor: &Actor) -> StoreResult<ApiToken> {
        if name.trim().is_empty() {
            return Err(StoreError::Refused("token name must not be empty".into()));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(concat!("INSERT INTO api_tokens (name, token_hash, scope, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ", token_columns!()))
        .bind(name.trim())
        .bind(token_hash)
        .bind(scope.as_str())
        .bind(&actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?;
        let token = token_from_row(&row)?;
        audit(&mut tx, actor, AuditAction::TokenCreate, token.id.to_string(), None::<&ApiToken>, Some(&token)).await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn revoke_token(&self, id: i64, actor: &Actor) -> StoreResult<ApiToken> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(concat!("SELECT ", token_columns!(), " FROM api_tokens WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("token", id))?;
        let before = token_from_row(&row)?;
        let after = ApiToken { revoked_at: before.revoked_at.clone().or_else(|| Some(now_text())), ..before.clone() };
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
            .bind(&after.revoked_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, actor, AuditAction::TokenRevoke, id.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(concat!("SELECT ", token_columns!(), " FROM api_tokens ORDER BY id DESC"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn audit_log(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut sql = String::from(
            "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, reason FROM audit_log WHERE 1 = 1",
        );
        let mut binds = Vec::new();
        for (column, op, value) in [
            ("actor", "=", &filter.actor),
            ("entity", "=", &filter.entity),
            ("entity_id", "=", &filter.entity_id),
            ("at", ">=", &filter.since),
        ] {
            if let Some(value) = value {
                binds.push(value.clone());
                sql.push_str(&format!(" AND {column} {op} ${}", binds.len()));
            }
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", filter.limit.unwrap_or(200).min(10_000)));
        // Built from fixed column names; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    entity: row.try_get("entity")?,
                    entity_id: row.try_get("entity_id")?,
                    before: row.try_get("before_json")?,
                    after: row.try_get("after_json")?,
                    reason: row.try_get("reason")?,
                })
            })
            .collect()
    }
}
