//! Pacer's storage. The traits here are the whole contract between the
//! product and its database: [`OrgStore`] (organisation, teams, reps),
//! [`AccessStore`] (users, sessions, tokens, audit log), [`RecordStore`]
//! (raw sales records and their churn tags), [`RollupStore`] (the daily rollups
//! reports read), [`VersionStore`] (the data versions caches watch),
//! [`ImportStore`] (bulk imports of records), [`CatalogStore`] (the metric catalog),
//! [`PlanStore`] (annual plans and their targets), [`ReviewStore`] (quarterly reviews and
//! their notes) and [`DigestStore`] (the weekly digests sent), gathered in [`Store`]. [`SqlStore`] implements them
//! for SQLite (the embedded default) and PostgreSQL (the team deployment);
//! the backend is chosen from the database URL, and migrations run on connect.
//!
//! Storage knows SQL and nothing about HTTP; every rule about the numbers
//! lives in `pacer-core`. Every mutating method is one transaction, and
//! writes its audit-log entry in that same transaction.

mod backend;
mod error;
mod migrate;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;

pub use backend::{Backend, DatabaseUrl};
pub use error::{BackupError, StoreError};
pub use sql::{BackupFile, CopyProgress, Progress, SqlStore, TableRows};

use async_trait::async_trait;
use chrono::NaiveDate;
use pacer_core::access::{ApiToken, Role, Scope, User};
use pacer_core::audit::{Actor, AuditEntry, AuditFilter};
use pacer_core::churn::ChurnTag;
use pacer_core::import::{RepRow, TeamRow};
use pacer_core::money::fx::FxRate;
use pacer_core::money::{Currency, Money};
use pacer_core::org::{Membership, NewRep, NewTeam, Organisation, Rep, RepId, RepUpdate, Team, TeamId, TeamUpdate};
use pacer_core::plan::{NewPlan, Plan, PlanId, PlanSettings, PlanStatus, Target};
use pacer_core::records::{
    ActivityRecord, DealRecord, NewAccount, NewActivity, NewDeal, SourceKind, SubscriptionMonth,
};
use pacer_core::review::{NewNote, NoteSubject, Review, ReviewId, ReviewNote};
use pacer_core::rollup::{ActivityDay, DealDay};
use pacer_core::values::Month;

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which reps to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepFilter {
    /// Only reps whose team on the day asked is one of these.
    pub teams: Option<Vec<TeamId>>,
    /// Only reps employed on this day.
    pub active_on: Option<NaiveDate>,
}

/// The organisation: settings, teams, reps and memberships.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// The organisation's settings, if it has been set up.
    async fn organisation(&self) -> StoreResult<Option<Organisation>>;
    /// Creates or replaces the organisation's settings.
    async fn save_organisation(&self, org: &Organisation, actor: &Actor) -> StoreResult<()>;

    /// Creates a team; the parent must exist.
    async fn create_team(&self, team: &NewTeam, actor: &Actor) -> StoreResult<Team>;
    /// Changes a team; refuses a parent that would make a cycle.
    async fn update_team(&self, id: TeamId, update: &TeamUpdate, actor: &Actor) -> StoreResult<Team>;
    /// Marks a team inactive; its history stays.
    async fn deactivate_team(&self, id: TeamId, actor: &Actor) -> StoreResult<Team>;
    /// One team.
    async fn team(&self, id: TeamId) -> StoreResult<Team>;
    /// All teams, active or not, ordered by name.
    async fn teams(&self) -> StoreResult<Vec<Team>>;

    /// Creates a rep and, when a team is given, their first membership from the hire date.
    async fn create_rep(&self, rep: &NewRep, actor: &Actor) -> StoreResult<Rep>;
    /// Changes a rep's own fields (a leave date deactivates them; history stays).
    async fn update_rep(&self, id: RepId, update: &RepUpdate, actor: &Actor) -> StoreResult<Rep>;
    /// Moves a rep to `team` from `from` on: closes the current membership, opens a new one.
    async fn move_rep(&self, id: RepId, team: TeamId, from: NaiveDate, actor: &Actor) -> StoreResult<Rep>;
    /// One rep, with their team on `as_of`.
    async fn rep(&self, id: RepId, as_of: NaiveDate) -> StoreResult<Rep>;
    /// Reps with their team on `as_of`, ordered by name.
    async fn reps(&self, filter: &RepFilter, as_of: NaiveDate) -> StoreResult<Vec<Rep>>;
    /// Imports teams, then reps, from a file's rows, all in one transaction: a row that
    /// fails leaves the organisation as it was. Each change is audited like a single one.
    async fn import_organisation(&self, teams: &[TeamRow], reps: &[RepRow], actor: &Actor)
    -> StoreResult<UpsertCounts>;
    /// A rep's memberships, oldest first.
    async fn memberships(&self, rep: RepId) -> StoreResult<Vec<Membership>>;
    /// Every rep's team memberships, by rep and start.
    async fn all_memberships(&self) -> StoreResult<Vec<Membership>>;
}

/// A user with the secret needed to check a sign-in.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// The user.
    pub user: User,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name (checked with `pacer_core::access::check_username`).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Linked rep record.
    pub rep_id: Option<RepId>,
    /// The person's own e-mail (checked with `pacer_core::access::check_email`); without one,
    /// the rep record's is used.
    pub email: Option<String>,
    /// Argon2id PHC string of the password.
    pub password_hash: String,
}

/// A change to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New rep link (`Some(None)` clears it).
    pub rep_id: Option<Option<RepId>>,
    /// Activate or deactivate (deactivating ends the user's sessions).
    pub active: Option<bool>,
    /// New own e-mail (`Some(None)` clears it: the rep record's is used again).
    pub email: Option<Option<String>>,
    /// Receive the weekly digest, or opt out.
    pub digest: Option<bool>,
    /// The person's own language (`Some(None)` clears it: the organisation's or the browser's is used).
    pub language: Option<Option<pacer_core::language::Language>>,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 (hex) of the cookie's token.
    pub token_hash: String,
    /// Whose session.
    pub user_id: i64,
    /// The token forms must echo back.
    pub csrf_token: String,
    /// Unix seconds after which the session is void.
    pub expires_at: i64,
    /// Unix seconds of the last request seen with it, to end idle sessions.
    pub last_seen_at: i64,
}

/// Failed sign-ins under one throttle key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginFailures {
    /// How many.
    pub count: i64,
    /// Unix seconds of the last one (0 when none).
    pub last_at: i64,
}

/// Users, sessions, sign-in throttling, API tokens and the audit log.
#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Creates a user.
    async fn create_user(&self, user: &NewUser, actor: &Actor) -> StoreResult<User>;
    /// Changes a user.
    async fn update_user(&self, id: i64, update: &UserUpdate, actor: &Actor) -> StoreResult<User>;
    /// Replaces a user's password hash and ends their sessions.
    async fn set_password(&self, id: i64, password_hash: &str, actor: &Actor) -> StoreResult<()>;
    /// One user.
    async fn user(&self, id: i64) -> StoreResult<User>;
    /// A user and their password hash, by login name.
    async fn credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>>;
    /// All users, by name.
    async fn users(&self) -> StoreResult<Vec<User>>;

    /// Records a new session.
    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    /// The live session with this token hash and its active user, if any.
    async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<(Session, User)>>;
    /// Notes that a session was used at `now`.
    async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Records a failed sign-in under each key (account, address, both), and forgets
    /// failures under them older than `forget_before`.
    async fn record_login_failure(&self, keys: &[String], at: i64, forget_before: i64) -> StoreResult<()>;
    /// Failed sign-ins under `key` since `since`.
    async fn login_failures(&self, key: &str, since: i64) -> StoreResult<LoginFailures>;
    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;

    /// Creates an API token from the hash of its secret.
    async fn create_token(&self, name: &str, scope: Scope, token_hash: &str, actor: &Actor) -> StoreResult<ApiToken>;
    /// Revokes a token.
    async fn revoke_token(&self, id: i64, actor: &Actor) -> StoreResult<ApiToken>;
    /// All tokens, newest first.
    async fn tokens(&self) -> StoreResult<Vec<ApiToken>>;
    /// The unrevoked token with this hash.
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;

    /// Audit entries, newest first.
    async fn audit_log(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
}

/// What an idempotent write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct UpsertCounts {
    /// Records that were not there.
    pub new: usize,
    /// Records that were there with other values.
    pub updated: usize,
    /// Records that were there with the same values.
    pub unchanged: usize,
}

/// How many raw records the database holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecordCounts {
    /// Teams, active or not.
    pub teams: i64,
    /// Reps, current or former.
    pub reps: i64,
    /// Accounts.
    pub accounts: i64,
    /// Activities.
    pub activities: i64,
    /// Deals.
    pub deals: i64,
    /// Account-months of recurring revenue.
    pub subscription_months: i64,
}

/// Open deals of one stage name, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTotal {
    /// The stage as the deals carry it.
    pub stage: String,
    /// How many open deals.
    pub deals: i64,
    /// Their amount in minor units.
    pub amount_minor: i64,
}

/// The raw sales records: accounts, activities, deals, recurring revenue and the tags of
/// its churn events.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Inserts accounts (caller-chosen ids).
    async fn insert_accounts(&self, accounts: &[NewAccount]) -> StoreResult<()>;
    /// Inserts generated activities in one transaction (the demo, benchmarks). Not audited:
    /// what people and integrations send goes through the upserts or an import, which are.
    async fn insert_activities(&self, activities: &[NewActivity]) -> StoreResult<()>;
    /// Inserts deals in one transaction.
    async fn insert_deals(&self, deals: &[NewDeal]) -> StoreResult<()>;
    /// Inserts account-months of recurring revenue in one transaction.
    async fn insert_subscriptions(&self, months: &[SubscriptionMonth]) -> StoreResult<()>;
    /// Counts of what the database holds.
    async fn record_counts(&self) -> StoreResult<RecordCounts>;
    /// Writes activities keyed by (source, external id) in one transaction:
    /// new ones are inserted, changed ones updated, the same ones left alone
    /// (records without an external id are always new). A write that changes anything is
    /// audited: who, the counts, and the first records as written.
    async fn upsert_activities(&self, activities: &[NewActivity], actor: &Actor) -> StoreResult<UpsertCounts>;
    /// Writes deals keyed by (source, external id), like [`Self::upsert_activities`].
    async fn upsert_deals(&self, deals: &[NewDeal], actor: &Actor) -> StoreResult<UpsertCounts>;
    /// Writes account-months keyed by (account, month), like [`Self::upsert_activities`].
    async fn upsert_subscriptions(&self, months: &[SubscriptionMonth], actor: &Actor) -> StoreResult<UpsertCounts>;
    /// A rep's most recent activities, newest first.
    async fn recent_activities(&self, rep: RepId, limit: u32) -> StoreResult<Vec<ActivityRecord>>;
    /// Activities from `from` to `to` (inclusive days), optionally of some types only.
    async fn activities_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        types: Option<&[String]>,
    ) -> StoreResult<Vec<ActivityRecord>>;
    /// How many activities from `from` to `to` (inclusive days) each rep has from `source`
    /// (e.g. logged by hand), reps without any left out.
    async fn activity_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        source: SourceKind,
    ) -> StoreResult<Vec<(RepId, i64)>>;
    /// Deals closing (or expected to close) from `from` to `to`, inclusive, by close day, then
    /// the open deals without a close date (whatever the window: they are open pipeline, in no
    /// period, and callers counting by day leave them out).
    async fn deals_between(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<DealRecord>>;
    /// Open deals by their stage as stored (any close date): how many and their amount, the stage
    /// names in order. What the stage settings are checked against.
    async fn open_deal_stages(&self) -> StoreResult<Vec<StageTotal>>;
    /// Every account-month of recurring revenue.
    async fn subscriptions(&self) -> StoreResult<Vec<SubscriptionMonth>>;
    /// Every account.
    async fn accounts(&self) -> StoreResult<Vec<NewAccount>>;
    /// Tags churn events with reasons (replacing earlier tags of the same events).
    async fn tag_churn(&self, tags: &[ChurnTag], actor: &Actor) -> StoreResult<()>;
    /// The churn tags of the months `from ..= to` (first days of months).
    async fn churn_tags(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<ChurnTag>>;
    /// When data last arrived and first arrived, per input of the catalog.
    async fn data_span(&self, input: DataInput<'_>) -> StoreResult<Option<(NaiveDate, NaiveDate)>>;
    /// Deletes activities by (source, external id) in one transaction, audited; returns how many there were.
    async fn delete_activities(&self, source: SourceKind, external_ids: &[String], actor: &Actor)
    -> StoreResult<usize>;
    /// Deletes deals by (source, external id) in one transaction, audited; returns how many there were.
    async fn delete_deals(&self, source: SourceKind, external_ids: &[String], actor: &Actor) -> StoreResult<usize>;
    /// Recomputes the daily rollups from the raw records: a write, like the others here that
    /// keep the rollups in step ([`RollupStore`] reads them).
    async fn rebuild_rollups(&self) -> StoreResult<RollupCounts>;
}

/// The daily rollups of activities and deals, as reports read them. Every write of
/// [`RecordStore`] keeps them equal to the raw records, in its own transaction.
#[async_trait]
pub trait RollupStore: Send + Sync {
    /// Feeds the activity rollup of days `from ..= to` (optionally of some
    /// reps and activity types only) to `sink` row by row, so that a large
    /// history is never held twice.
    async fn activity_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        reps: Option<&[RepId]>,
        types: Option<&[String]>,
        sink: &mut (dyn FnMut(ActivityDay) + Send),
    ) -> StoreResult<()>;
    /// Feeds the deal rollup of close dates `from ..= to` to `sink`, like [`Self::activity_days`].
    async fn deal_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        reps: Option<&[RepId]>,
        sink: &mut (dyn FnMut(DealDay) + Send),
    ) -> StoreResult<()>;
    /// The first and last day in the daily rollups (activities and deals), `None` without data.
    async fn rollup_span(&self) -> StoreResult<Option<(NaiveDate, NaiveDate)>>;
    /// The cube snapshot a server kept last, if any.
    async fn cube_snapshot(&self) -> StoreResult<Option<CubeSnapshot>>;
    /// Keeps `snapshot` in place of the one before.
    async fn keep_cube_snapshot(&self, snapshot: &CubeSnapshot) -> StoreResult<()>;
}

/// The daily rollups in memory as bytes (`pacer_core::report::DailyCube::snapshot`), with the
/// versions of activities and deals they were read at: a server that starts reads it, then only
/// the days changed since ([`VersionStore::changed_days`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CubeSnapshot {
    /// The activities' data version the rollups were read at.
    pub activities_version: i64,
    /// The deals' data version the rollups were read at.
    pub deals_version: i64,
    /// The cube.
    pub bytes: Vec<u8>,
}

/// A kind of data whose changes are counted ([`VersionStore`]): servers keep
/// what they compute from it while its version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataKind {
    /// Activities, and their daily rollup.
    Activities,
    /// Deals, and their daily rollup.
    Deals,
    /// Account-months of recurring revenue.
    Subscriptions,
    /// The organisation's settings, teams, reps and memberships.
    Organisation,
    /// Plans and their targets.
    Plans,
}

/// The versions of the kinds of data, which servers caching what they compute from them
/// watch: every write moves its kind's version in its own transaction.
#[async_trait]
pub trait VersionStore: Send + Sync {
    /// The version of a kind of data: it changes with every write of it.
    async fn data_version(&self, kind: DataKind) -> StoreResult<i64>;
    /// The first and last day that the changes of activities or deals from version `after`
    /// (excluded) to `upto` touched in the rollups; `None` when some of them are not known
    /// (a rebuild, or changes long ago, or another kind of data): then every day may have changed.
    async fn changed_days(&self, kind: DataKind, after: i64, upto: i64) -> StoreResult<Option<(NaiveDate, NaiveDate)>>;
}

/// Bulk imports: a file's records written chunk by chunk in one transaction.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Starts an import. Nothing it writes is seen by others, or kept, before
    /// [`RecordImport::commit`]; dropped unfinished (or the process killed),
    /// it leaves the database as it was. Its commit audits what it wrote, as `actor`, from
    /// `source` (the file's name).
    async fn begin_import(&self, actor: &Actor, source: &str) -> StoreResult<Box<dyn RecordImport>>;
}

/// An import under way (see [`ImportStore::begin_import`]). Each call writes
/// one chunk with the rules of the upserts of [`RecordStore`]: a key given
/// twice in a chunk, the last record wins; a later chunk may correct an earlier
/// one; the daily rollups take every change in the same transaction.
#[async_trait]
pub trait RecordImport: Send {
    /// Writes activities keyed by (source, external id), like [`RecordStore::upsert_activities`].
    async fn activities(&mut self, chunk: &[NewActivity]) -> StoreResult<UpsertCounts>;
    /// Writes deals keyed by (source, external id), like [`RecordStore::upsert_deals`].
    async fn deals(&mut self, chunk: &[NewDeal]) -> StoreResult<UpsertCounts>;
    /// Writes account-months keyed by (account, month), like [`RecordStore::upsert_subscriptions`].
    async fn subscriptions(&mut self, chunk: &[SubscriptionMonth]) -> StoreResult<UpsertCounts>;
    /// Brings the rollups and the data versions up to date, and commits.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// How many rows the daily rollups hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RollupCounts {
    /// (rep, day, activity type) rows.
    pub activity_days: i64,
    /// (rep, close date, deal kind, status) rows.
    pub deal_days: i64,
}

/// An input a KPI reads, for "is data arriving" and coverage.
#[derive(Debug, Clone, Copy)]
pub enum DataInput<'a> {
    /// Activities of these types, optionally only those carrying a field.
    Activities {
        /// Activity types.
        types: &'a [String],
        /// Only records that carry this field.
        with_field: Option<&'a str>,
    },
    /// Deals.
    Deals,
    /// Recurring revenue.
    Subscriptions,
}

/// One applied version of the metric catalog.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CatalogVersion {
    /// 1, 2, 3...
    pub version: i64,
    /// When, RFC 3339.
    pub applied_at: String,
    /// Who.
    pub applied_by: String,
    /// Why, when given.
    pub reason: Option<String>,
    /// The catalog as canonical TOML.
    pub source: String,
    /// What changed from the version before, one line each.
    pub diff: Vec<String>,
}

/// The metric catalog's versions.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Records a new version (the caller has checked it); returns it.
    async fn apply_catalog(&self, source: &str, diff: &[String], actor: &Actor) -> StoreResult<CatalogVersion>;
    /// The newest version, if any was applied.
    async fn current_catalog(&self) -> StoreResult<Option<CatalogVersion>>;
    /// Every version, newest first (without their sources).
    async fn catalog_versions(&self) -> StoreResult<Vec<CatalogVersion>>;
}

/// Annual plans (PRODUCT.md C5): versions of a fiscal year's plan with their status and settings,
/// and their targets. Only a draft can be edited, so an approved plan stays what was agreed; a
/// scenario or a new version is a copy. Every change is audited under entity `plan` and the plan's
/// id, with the actor's reason.
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Creates a draft; its version is one more than the last of the same fiscal year and name.
    async fn create_plan(&self, plan: &NewPlan, actor: &Actor) -> StoreResult<Plan>;
    /// One plan.
    async fn plan(&self, id: PlanId) -> StoreResult<Plan>;
    /// Plans of one fiscal year, or all, by fiscal year, name and version.
    async fn plans(&self, fiscal_year: Option<i32>) -> StoreResult<Vec<Plan>>;
    /// The fiscal year's approved plan, the one attainment is measured against.
    async fn approved_plan(&self, fiscal_year: i32) -> StoreResult<Option<Plan>>;
    /// Replaces a draft's settings.
    async fn update_plan_settings(&self, id: PlanId, settings: &PlanSettings, actor: &Actor) -> StoreResult<Plan>;
    /// Moves a plan along its life cycle ([`PlanStatus::transition`]). Approving records who and
    /// when, and turns the fiscal year's approved plan, if any, into `revised`: one approved plan
    /// per fiscal year.
    async fn set_plan_status(&self, id: PlanId, status: PlanStatus, actor: &Actor) -> StoreResult<Plan>;
    /// Copies a plan, its settings and every target, into a new draft that records where it came
    /// from; under the source's name unless another is given, so a same-name copy is the next version.
    async fn copy_plan(&self, id: PlanId, name: Option<&str>, actor: &Actor) -> StoreResult<Plan>;
    /// Replaces every target of `kpi` in a draft with `targets` (all of that KPI), all or nothing;
    /// returns how many were written.
    async fn put_targets(&self, plan: PlanId, kpi: &str, targets: &[Target], actor: &Actor) -> StoreResult<usize>;
    /// Writes targets of a draft in one transaction, each replacing the one with the same KPI,
    /// owner, month and tier (a bottom-up edit of some cells): all or nothing, each audited.
    async fn set_targets(&self, plan: PlanId, targets: &[Target], actor: &Actor) -> StoreResult<()>;
    /// Writes one target of a draft ([`PlanStore::set_targets`] of one).
    async fn set_target(&self, plan: PlanId, target: &Target, actor: &Actor) -> StoreResult<()> {
        self.set_targets(plan, std::slice::from_ref(target), actor).await
    }
    /// A plan's targets, of one KPI or all, by KPI, owner (company, teams, reps), tier and month.
    async fn targets(&self, plan: PlanId, kpi: Option<&str>) -> StoreResult<Vec<Target>>;
}

/// Quarterly reviews (PRODUCT.md C7): a fiscal quarter measured against a plan, open while it is
/// discussed, then closed with a snapshot that freezes its figures for good; and the notes
/// ("exceptions") attached to a review, about the review, a KPI or a rep. Notes can still be added
/// to a closed review; its snapshot never changes. Every change is audited under entity `review`
/// and the review's id, with the actor's reason.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Opens a review of `period` ("FY2027-Q2", a quarter of `fiscal_year`) against `plan`, which
    /// must exist and be of that fiscal year. Refused with a conflict naming it while a review of
    /// the same quarter and plan is open; a closed one may be followed by a new one.
    async fn open_review(&self, period: &str, fiscal_year: i32, plan: PlanId, actor: &Actor) -> StoreResult<Review>;
    /// One review, with its snapshot once closed.
    async fn review(&self, id: ReviewId) -> StoreResult<Review>;
    /// Reviews of one fiscal year, or all, by period and id.
    async fn reviews(&self, fiscal_year: Option<i32>) -> StoreResult<Vec<Review>>;
    /// The latest review (open or closed) of `period` ("FY2027-Q2", any case), whichever plan.
    async fn review_for(&self, period: &str) -> StoreResult<Option<Review>>;
    /// Closes an open review, freezing `snapshot` (a JSON document, kept as text exactly as given)
    /// with who closed it and when. A closed review is refused
    /// ([`pacer_core::review::ReviewError::AlreadyClosed`]) and keeps its snapshot.
    async fn close_review(&self, id: ReviewId, snapshot: &str, actor: &Actor) -> StoreResult<Review>;
    /// Adds a note to a review, open or closed; a rep it is about must exist.
    async fn add_note(&self, review: ReviewId, note: &NewNote, actor: &Actor) -> StoreResult<ReviewNote>;
    /// A review's notes, oldest first.
    async fn notes(&self, review: ReviewId) -> StoreResult<Vec<ReviewNote>>;
    /// Every note about `subject`, in any review, with the review's period: by period, then oldest
    /// first. For showing a KPI's or a rep's exceptions wherever its figure appears.
    async fn notes_about(&self, subject: &NoteSubject) -> StoreResult<Vec<(ReviewNote, String)>>;
}

/// Exchange rates into the reporting currency (`fx_rates`), by currency and month. Every
/// write of deals converts each deal's amount at the rate of its close month (or the latest
/// earlier month's, see [`pacer_core::money::fx::RateTable::in_force`]) into `amount_minor`,
/// in its transaction, and refuses a deal whose currency has no such rate.
#[async_trait]
pub trait FxStore: Send + Sync {
    /// The deals of [`RecordStore::deals_between`] (the open ones without a close date last),
    /// each with its amount as given, in its own currency (the record's `amount_minor` is in the reporting currency).
    async fn deals_as_given(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<(DealRecord, Money)>>;
    /// Every rate, by currency then month.
    async fn fx_rates(&self) -> StoreResult<Vec<FxRate>>;
    /// Adds or replaces rates in one transaction, audited, converting again the deals of their
    /// currencies (amounts, rollups and the deals' version with them); returns how many deals'
    /// amounts changed. A rate of the reporting currency is refused.
    async fn set_fx_rates(&self, rates: &[FxRate], actor: &Actor) -> StoreResult<usize>;
    /// Deletes one rate likewise; refused when a deal would be left without a rate
    /// ([`pacer_core::money::fx::FxError::RateInUse`]), not found when there is none.
    async fn delete_fx_rate(&self, currency: Currency, month: Month, actor: &Actor) -> StoreResult<usize>;
}

/// A person's weekly digest of one ISO week: claimed by the sender before sending, stamped sent
/// once the mail server took it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DigestDelivery {
    /// The ISO week, e.g. `2026-W49`.
    pub week: String,
    /// To whom.
    pub user_id: i64,
    /// The address it went (or goes) to.
    pub address: String,
    /// Unix seconds of the claim.
    pub claimed_at: i64,
    /// Unix seconds it was sent; `None` while being sent.
    pub sent_at: Option<i64>,
}

/// What was sent of the weekly digest (`digest_deliveries`), so that a week is never sent twice
/// to the same person, even by several servers at once: a sender claims a person's week before
/// sending, confirms once sent, and releases the claim when the sending failed. Deliveries are
/// not audited: they are the record themselves.
#[async_trait]
pub trait DigestStore: Send + Sync {
    /// Claims `week`'s digest of `user_id`, to be sent to `address`: true when this caller may
    /// send it, because no one has claimed it, or because a claim made before `stale_before`
    /// (Unix seconds) was never confirmed (its sender stopped). One statement each, so that of
    /// two claimers only one wins.
    async fn claim_digest(
        &self,
        week: &str,
        user_id: i64,
        address: &str,
        now: i64,
        stale_before: i64,
    ) -> StoreResult<bool>;
    /// Records that the claimed digest was sent at `sent_at`.
    async fn confirm_digest(&self, week: &str, user_id: i64, sent_at: i64) -> StoreResult<()>;
    /// Drops an unconfirmed claim (the sending failed), so that nothing says it was sent.
    async fn release_digest(&self, week: &str, user_id: i64) -> StoreResult<()>;
    /// The deliveries of `week`, by user.
    async fn digest_deliveries(&self, week: &str) -> StoreResult<Vec<DigestDelivery>>;
}

/// Everything Pacer stores, behind one object.
#[async_trait]
pub trait Store:
    OrgStore
    + AccessStore
    + RecordStore
    + RollupStore
    + VersionStore
    + ImportStore
    + CatalogStore
    + PlanStore
    + ReviewStore
    + FxStore
    + DigestStore
    + 'static
{
    /// Which backend answers.
    fn backend(&self) -> Backend;
    /// Whether the database answers.
    async fn health(&self) -> StoreResult<()>;
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        SqlStore::backend(self)
    }

    async fn health(&self) -> StoreResult<()> {
        self.ping().await
    }
}
