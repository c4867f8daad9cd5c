//! Organisation, teams, reps and effective-dated memberships.

use super::{SqlStore, audit, date_text, get_date, get_flag, opt_date};
use crate::error::{StoreError, Unique};
use crate::{OrgStore, RepFilter, StoreResult, UpsertCounts};
use async_trait::async_trait;
use chrono::NaiveDate;
use pacer_core::audit::{Actor, AuditAction};
use pacer_core::import::{RepChange, RepRow, TeamChange, TeamRow, rep_change, team_change};
use pacer_core::org::{
    Membership, NewRep, NewTeam, OrgError, Organisation, Rep, RepId, RepUpdate, Team, TeamId, TeamUpdate, check_rep,
    check_team_parent, team_on,
};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

macro_rules! team_columns {
    () => {
        "id, name, region, parent_id, manager_id, CAST(active AS INTEGER) AS active"
    };
}
macro_rules! rep_columns {
    () => {
        "id, name, email, title, hire_date, leave_date, external_id"
    };
}
macro_rules! membership_columns {
    () => {
        "rep_id, team_id, valid_from, valid_to"
    };
}

fn team_from_row(row: &AnyRow) -> StoreResult<Team> {
    Ok(Team {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        region: row.try_get("region")?,
        parent_id: row.try_get("parent_id")?,
        manager_id: row.try_get("manager_id")?,
        active: get_flag(row, "active")?,
    })
}

fn membership_from_row(row: &AnyRow) -> StoreResult<Membership> {
    Ok(Membership {
        rep_id: row.try_get("rep_id")?,
        team_id: row.try_get("team_id")?,
        valid_from: get_date(row, "valid_from")?,
        valid_to: opt_date(row, "valid_to")?,
    })
}

fn rep_from_row(row: &AnyRow, memberships: &[Membership], as_of: NaiveDate) -> StoreResult<Rep> {
    Ok(Rep {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        title: row.try_get("title")?,
        team_id: team_on(memberships, as_of),
        hire_date: get_date(row, "hire_date")?,
        leave_date: opt_date(row, "leave_date")?,
        external_id: row.try_get("external_id")?,
    })
}

async fn fetch_team(conn: &mut AnyConnection, id: TeamId) -> StoreResult<Team> {
    let row = sqlx::query(concat!("SELECT ", team_columns!(), " FROM teams WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("team", id))?;
    team_from_row(&row)
}

async fn fetch_memberships(conn: &mut AnyConnection, rep: RepId) -> StoreResult<Vec<Membership>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        membership_columns!(),
        " FROM team_memberships WHERE rep_id = $1 ORDER BY valid_from"
    ))
    .bind(rep)
    .fetch_all(conn)
    .await?;
    rows.iter().map(membership_from_row).collect()
}

async fn fetch_rep(conn: &mut AnyConnection, id: RepId, as_of: NaiveDate) -> StoreResult<Rep> {
    let row = sqlx::query(concat!("SELECT ", rep_columns!(), " FROM reps WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("rep", id))?;
    let memberships = fetch_memberships(conn, id).await?;
    rep_from_row(&row, &memberships, as_of)
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A write of a team, refused when another team has its name.
fn team_name_taken(e: sqlx::Error, name: &str) -> StoreError {
    StoreError::unique(e, |rule| (rule == Unique::TeamName).then(|| name.to_string()))
}

/// A write of a rep, refused when another rep has its email or external id.
fn rep_taken(e: sqlx::Error, email: Option<&str>, external_id: Option<&str>) -> StoreError {
    StoreError::unique(e, |rule| match rule {
        Unique::RepEmail => email.map(String::from),
        Unique::RepExternalId => external_id.map(String::from),
        _ => None,
    })
}

async fn create_team(conn: &mut AnyConnection, team: &NewTeam, actor: &Actor) -> StoreResult<Team> {
    if team.name.trim().is_empty() {
        return Err(OrgError::EmptyName.into());
    }
    if let Some(parent) = team.parent_id {
        fetch_team(conn, parent).await?;
    }
    let row = sqlx::query(concat!(
        "INSERT INTO teams (name, region, parent_id, manager_id, active) VALUES ($1, $2, $3, $4, TRUE) RETURNING ",
        team_columns!()
    ))
    .bind(team.name.trim())
    .bind(&team.region)
    .bind(team.parent_id)
    .bind(team.manager_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| team_name_taken(e, team.name.trim()))?;
    let created = team_from_row(&row)?;
    audit(conn, actor, AuditAction::TeamCreate, created.id.to_string(), None::<&Team>, Some(&created)).await?;
    Ok(created)
}

async fn update_team(conn: &mut AnyConnection, id: TeamId, update: &TeamUpdate, actor: &Actor) -> StoreResult<Team> {
    let before = fetch_team(conn, id).await?;
    let mut team = before.clone();
    if let Some(parent) = update.parent_id {
        let rows = sqlx::query("SELECT id, parent_id FROM teams").fetch_all(&mut *conn).await?;
        let parents = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("parent_id")?)))
            .collect::<StoreResult<HashMap<TeamId, Option<TeamId>>>>()?;
        if let Some(p) = parent
            && !parents.contains_key(&p)
        {
            return Err(StoreError::not_found("team", p));
        }
        check_team_parent(&parents, id, parent)?;
        team.parent_id = parent;
    }
    if let Some(name) = &update.name {
        if name.trim().is_empty() {
            return Err(OrgError::EmptyName.into());
        }
        team.name = name.trim().to_string();
    }
    if let Some(region) = &update.region {
        team.region = region.clone();
    }
    if let Some(manager) = update.manager_id {
        team.manager_id = manager;
    }
    sqlx::query("UPDATE teams SET name = $1, region = $2, parent_id = $3, manager_id = $4 WHERE id = $5")
        .bind(&team.name)
        .bind(&team.region)
        .bind(team.parent_id)
        .bind(team.manager_id)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(|e| team_name_taken(e, &team.name))?;
    audit(conn, actor, AuditAction::TeamUpdate, id.to_string(), Some(&before), Some(&team)).await?;
    Ok(team)
}

async fn create_rep(conn: &mut AnyConnection, rep: &NewRep, actor: &Actor) -> StoreResult<Rep> {
    check_rep(&rep.name, rep.hire_date, rep.leave_date)?;
    if let Some(team) = rep.team_id {
        fetch_team(conn, team).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reps (name, email, title, hire_date, leave_date, external_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(rep.name.trim())
    .bind(&rep.email)
    .bind(&rep.title)
    .bind(date_text(rep.hire_date))
    .bind(rep.leave_date.map(date_text))
    .bind(&rep.external_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| rep_taken(e, rep.email.as_deref(), rep.external_id.as_deref()))?;
    if let Some(team) = rep.team_id {
        sqlx::query("INSERT INTO team_memberships (rep_id, team_id, valid_from, valid_to) VALUES ($1, $2, $3, NULL)")
            .bind(id)
            .bind(team)
            .bind(date_text(rep.hire_date))
            .execute(&mut *conn)
            .await?;
    }
    let created = fetch_rep(conn, id, rep.hire_date.max(today())).await?;
    audit(conn, actor, AuditAction::RepCreate, id.to_string(), None::<&Rep>, Some(&created)).await?;
    Ok(created)
}

async fn update_rep(conn: &mut AnyConnection, id: RepId, update: &RepUpdate, actor: &Actor) -> StoreResult<Rep> {
    let before = fetch_rep(conn, id, today()).await?;
    let after = Rep {
        name: update.name.as_deref().map(str::trim).map(String::from).unwrap_or_else(|| before.name.clone()),
        email: update.email.clone().unwrap_or_else(|| before.email.clone()),
        title: update.title.clone().unwrap_or_else(|| before.title.clone()),
        hire_date: update.hire_date.unwrap_or(before.hire_date),
        leave_date: update.leave_date.unwrap_or(before.leave_date),
        ..before.clone()
    };
    check_rep(&after.name, after.hire_date, after.leave_date)?;
    sqlx::query("UPDATE reps SET name = $1, email = $2, title = $3, hire_date = $4, leave_date = $5 WHERE id = $6")
        .bind(&after.name)
        .bind(&after.email)
        .bind(&after.title)
        .bind(date_text(after.hire_date))
        .bind(after.leave_date.map(date_text))
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(|e| rep_taken(e, after.email.as_deref(), None))?;
    audit(conn, actor, AuditAction::RepUpdate, id.to_string(), Some(&before), Some(&after)).await?;
    Ok(after)
}

async fn fetch_teams(conn: &mut AnyConnection) -> StoreResult<Vec<Team>> {
    let rows = sqlx::query(concat!("SELECT ", team_columns!(), " FROM teams ORDER BY name")).fetch_all(conn).await?;
    rows.iter().map(team_from_row).collect()
}

async fn fetch_reps(conn: &mut AnyConnection, filter: &RepFilter, as_of: NaiveDate) -> StoreResult<Vec<Rep>> {
    let rows =
        sqlx::query(concat!("SELECT ", rep_columns!(), " FROM reps ORDER BY name, id")).fetch_all(&mut *conn).await?;
    let mut by_rep: HashMap<RepId, Vec<Membership>> = HashMap::new();
    for row in sqlx::query(concat!("SELECT ", membership_columns!(), " FROM team_memberships ORDER BY valid_from"))
        .fetch_all(&mut *conn)
        .await?
    {
        let m = membership_from_row(&row)?;
        by_rep.entry(m.rep_id).or_default().push(m);
    }
    let mut reps = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: RepId = row.try_get("id")?;
        let rep = rep_from_row(row, by_rep.get(&id).map(Vec::as_slice).unwrap_or_default(), as_of)?;
        let in_team = filter.teams.as_ref().is_none_or(|teams| rep.team_id.is_some_and(|t| teams.contains(&t)));
        let active = filter.active_on.is_none_or(|day| rep.is_active_on(day));
        if in_team && active {
            reps.push(rep);
        }
    }
    Ok(reps)
}

#[async_trait]
impl OrgStore for SqlStore {
    async fn organisation(&self) -> StoreResult<Option<Organisation>> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT settings FROM organisation WHERE id = 1").fetch_optional(&self.pool).await?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|_| StoreError::Corrupt { column: "organisation.settings", value: t })
        })
        .transpose()
    }

    async fn save_organisation(&self, org: &Organisation, actor: &Actor) -> StoreResult<()> {
        let before = self.organisation().await?;
        let mut tx = self.begin_write().await?;
        let current = before.as_ref().map_or_else(|| Organisation::default().currency, |o| o.currency);
        super::fx::check_reporting_change(&mut tx, current, org.currency).await?;
        sqlx::query(
            "INSERT INTO organisation (id, settings) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings",
        )
        .bind(super::to_json(org)?)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, actor, AuditAction::OrganisationSave, "1".into(), before.as_ref(), Some(org)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_team(&self, team: &NewTeam, actor: &Actor) -> StoreResult<Team> {
        let mut tx = self.begin_write().await?;
        let created = create_team(&mut tx, team, actor).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn update_team(&self, id: TeamId, update: &TeamUpdate, actor: &Actor) -> StoreResult<Team> {
        let mut tx = self.begin_write().await?;
        let team = update_team(&mut tx, id, update, actor).await?;
        tx.commit().await?;
        Ok(team)
    }

    async fn deactivate_team(&self, id: TeamId, actor: &Actor) -> StoreResult<Team> {
        let mut tx = self.begin_write().await?;
        let before = fetch_team(&mut tx, id).await?;
        sqlx::query("UPDATE teams SET active = FALSE WHERE id = $1").bind(id).execute(&mut *tx).await?;
        let after = Team { active: false, ..before.clone() };
        audit(&mut tx, actor, AuditAction::TeamDeactivate, id.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn team(&self, id: TeamId) -> StoreResult<Team> {
        fetch_team(&mut *self.pool.acquire().await?, id).await
    }

    async fn teams(&self) -> StoreResult<Vec<Team>> {
        fetch_teams(&mut *self.pool.acquire().await?).await
    }

    async fn create_rep(&self, rep: &NewRep, actor: &Actor) -> StoreResult<Rep> {
        let mut tx = self.begin_write().await?;
        let created = create_rep(&mut tx, rep, actor).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn update_rep(&self, id: RepId, update: &RepUpdate, actor: &Actor) -> StoreResult<Rep> {
        let mut tx = self.begin_write().await?;
        let rep = update_rep(&mut tx, id, update, actor).await?;
        tx.commit().await?;
        Ok(rep)
    }

    async fn move_rep(&self, id: RepId, team: TeamId, from: NaiveDate, actor: &Actor) -> StoreResult<Rep> {
        let mut tx = self.begin_write().await?;
        fetch_team(&mut tx, team).await?;
        let before = fetch_rep(&mut tx, id, from).await?;
        let memberships = fetch_memberships(&mut tx, id).await?;
        if memberships.iter().any(|m| m.valid_from >= from) {
            return Err(StoreError::Conflict(format!(
                "rep {id} already has a team change on or after {from}: moves are recorded in date order"
            )));
        }
        if from < before.hire_date {
            return Err(StoreError::Conflict(format!(
                "rep {id} was hired on {}: a move cannot start before",
                before.hire_date
            )));
        }
        // Close the open membership the day the move takes effect.
        sqlx::query("UPDATE team_memberships SET valid_to = $1 WHERE rep_id = $2 AND valid_to IS NULL")
            .bind(date_text(from))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO team_memberships (rep_id, team_id, valid_from, valid_to) VALUES ($1, $2, $3, NULL)")
            .bind(id)
            .bind(team)
            .bind(date_text(from))
            .execute(&mut *tx)
            .await?;
        let after = fetch_rep(&mut tx, id, from).await?;
        audit(&mut tx, actor, AuditAction::RepMove, id.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn rep(&self, id: RepId, as_of: NaiveDate) -> StoreResult<Rep> {
        fetch_rep(&mut *self.pool.acquire().await?, id, as_of).await
    }

    async fn reps(&self, filter: &RepFilter, as_of: NaiveDate) -> StoreResult<Vec<Rep>> {
        fetch_reps(&mut *self.pool.acquire().await?, filter, as_of).await
    }

    async fn import_organisation(
        &self,
        teams: &[TeamRow],
        reps: &[RepRow],
        actor: &Actor,
    ) -> StoreResult<UpsertCounts> {
        let mut tx = self.begin_write().await?;
        let mut counts = UpsertCounts::default();
        // Kept up to date as rows are written, so that later rows see earlier ones.
        let mut stored_teams = fetch_teams(&mut tx).await?;
        for row in teams {
            match team_change(&stored_teams, row)? {
                TeamChange::Unchanged => counts.unchanged += 1,
                TeamChange::Update(id, update) => {
                    let team = update_team(&mut tx, id, &update, actor).await?;
                    stored_teams.retain(|t| t.id != id);
                    stored_teams.push(team);
                    counts.updated += 1;
                }
                TeamChange::Create(new) => {
                    stored_teams.push(create_team(&mut tx, &new, actor).await?);
                    counts.new += 1;
                }
            }
        }
        let mut stored_reps = fetch_reps(&mut tx, &RepFilter::default(), today()).await?;
        for row in reps {
            match rep_change(&stored_teams, &stored_reps, row)? {
                RepChange::Unchanged => counts.unchanged += 1,
                RepChange::Update(id, update) => {
                    let rep = update_rep(&mut tx, id, &update, actor).await?;
                    stored_reps.retain(|r| r.id != id);
                    stored_reps.push(rep);
                    counts.updated += 1;
                }
                RepChange::Create(new) => {
                    stored_reps.push(create_rep(&mut tx, &new, actor).await?);
                    counts.new += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    async fn memberships(&self, rep: RepId) -> StoreResult<Vec<Membership>> {
        fetch_memberships(&mut *self.pool.acquire().await?, rep).await
    }

    async fn all_memberships(&self) -> StoreResult<Vec<Membership>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            membership_columns!(),
            " FROM team_memberships ORDER BY rep_id, valid_from"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(membership_from_row).collect()
    }
}
