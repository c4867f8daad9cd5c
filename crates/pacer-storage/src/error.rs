//! The one error type of the storage layer.

use pacer_core::org::OrgError;
use pacer_core::plan::PlanError;
use pacer_core::review::ReviewError;

/// What can go wrong in storage. Callers map `NotFound`, `Conflict`,
/// `Invalid`, `Plan` and `Review` to user-facing messages; the rest are internal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// Kind of record, e.g. "team".
        what: &'static str,
        /// Its identifier as given.
        id: String,
    },
    /// A unique value is already taken, or the change conflicts with a record's state.
    #[error("{0}")]
    Conflict(String),
    /// The change is wrong in itself (it names a record that does not exist, or a value no rule
    /// allows): nothing stored conflicts with it.
    #[error("{0}")]
    Refused(String),
    /// A domain rule refuses the change.
    #[error(transparent)]
    Invalid(#[from] OrgError),
    /// A plan rule refuses the change: an edit of a plan that is no longer a draft
    /// ([`PlanError::NotEditable`]) or a status change the life cycle forbids
    /// ([`PlanError::Transition`]), which conflict with the plan's state; or invalid
    /// values (a target row, the settings, the name).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A review rule refuses the change: closing a review that is already closed
    /// ([`ReviewError::AlreadyClosed`]) or changing a closed one ([`ReviewError::Closed`]),
    /// which conflict with the review's state; or invalid values (the quarter, a plan of another
    /// fiscal year, a note, the snapshot).
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// A backup or a restore refused, or a copy that failed (see [`BackupError`]).
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// An exchange-rate rule refuses the change: a deal without a rate, a rate in use.
    #[error(transparent)]
    Fx(#[from] pacer_core::money::fx::FxError),
    /// The database URL cannot be used.
    #[error("{0}")]
    Url(String),
    /// A stored value does not parse (a bug or a hand-edited database).
    #[error("corrupt value in column {column}: {value:?}")]
    Corrupt {
        /// Column name.
        column: &'static str,
        /// The stored text.
        value: String,
    },
    /// A migration failed.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// Migration number.
        version: i64,
        /// Migration file name.
        name: &'static str,
        /// The database error.
        source: sqlx::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// An error of SQLite's own library, which reads the rollups in bulk.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Why a backup or a restore did not happen; nothing was written then (a backup's file appears
/// only once whole and checked).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup's file exists, and was not to be replaced.
    #[error("{path} already exists: choose another file, or replace it (--force)")]
    Exists {
        /// The file.
        path: String,
    },
    /// The backup's file is the database being backed up.
    #[error("{path} is the database itself: write the backup to another file")]
    IsTheDatabase {
        /// The file.
        path: String,
    },
    /// The file to restore does not exist.
    #[error("{path} does not exist")]
    Missing {
        /// The file.
        path: String,
    },
    /// The file to restore is not one Pacer wrote.
    #[error("{path} is not a Pacer backup: {reason}")]
    NotABackup {
        /// The file.
        path: String,
        /// What gives it away.
        reason: String,
    },
    /// The file to restore has a schema this binary does not know yet.
    #[error("{path} is from a newer Pacer (schema {found}; this one knows up to {known}): upgrade Pacer to restore it")]
    Newer {
        /// The file.
        path: String,
        /// Its schema version.
        found: i64,
        /// The newest this binary knows.
        known: i64,
    },
    /// The database to restore into holds data.
    #[error("database {database} is not empty: it holds {holds}; restore only into an empty database")]
    NotEmpty {
        /// The database (its URL without password).
        database: String,
        /// What it holds, e.g. "3 teams, 1200 activities".
        holds: String,
    },
    /// The backup written does not pass SQLite's integrity check.
    #[error("the backup {path} fails SQLite's integrity check: {problems}")]
    Damaged {
        /// The file.
        path: String,
        /// The check's first findings.
        problems: String,
    },
    /// A table could not be copied (a broken reference, a value the target refuses).
    #[error("copying table {table}")]
    Copy {
        /// The table.
        table: &'static str,
        /// What went wrong.
        #[source]
        source: Box<StoreError>,
    },
    /// The backup's file could not be moved into place or removed.
    #[error("cannot write {path}")]
    File {
        /// The file.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// A not-found error for `what` with identifier `id`.
    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        Self::NotFound { what, id: id.to_string() }
    }

    /// `e` as a storage error; when it breaks a unique rule, the conflict names the value that
    /// clashed if `key` gives it: the writer knows what it wrote under each rule.
    pub(crate) fn unique(e: sqlx::Error, key: impl FnOnce(Unique) -> Option<String>) -> Self {
        match Unique::broken_by(&e) {
            Some(rule) => Self::Conflict(rule.message(key(rule).as_deref())),
            None => e.into(),
        }
    }
}

/// A unique rule of the schema that a write can break. PostgreSQL names the constraint or
/// index; SQLite names only the columns ("UNIQUE constraint failed: teams.name"), so each
/// rule is known by both: a conflict is told in the product's words, never the database's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unique {
    TeamName,
    RepEmail,
    RepExternalId,
    Username,
    ApiToken,
    Session,
    PlanVersion,
    ApprovedPlan,
    OpenReview,
    Activity,
    Deal,
    Account,
    SubscriptionMonth,
    CatalogVersion,
    Target,
}

/// Each rule with PostgreSQL's name for it (the migrations' index names, or the names
/// PostgreSQL gives unnamed constraints) and the columns SQLite names.
const UNIQUE_NAMES: [(Unique, &str, &str); 15] = [
    (Unique::TeamName, "teams_name_key", "teams.name"),
    (Unique::RepEmail, "reps_email_key", "reps.email"),
    (Unique::RepExternalId, "reps_external_id_key", "reps.external_id"),
    (Unique::Username, "users_username_key", "users.username"),
    (Unique::ApiToken, "api_tokens_token_hash_key", "api_tokens.token_hash"),
    (Unique::Session, "sessions_pkey", "sessions.token_hash"),
    (Unique::PlanVersion, "plans_fiscal_year_name_version_key", "plans.fiscal_year, plans.name, plans.version"),
    (Unique::ApprovedPlan, "plans_one_approved", "plans.fiscal_year"),
    (Unique::OpenReview, "reviews_one_open", "reviews.period, reviews.plan_id"),
    (Unique::Activity, "activities_source_external_id_key", "activities.source, activities.external_id"),
    (Unique::Deal, "deals_source_external_id_key", "deals.source, deals.external_id"),
    (Unique::Account, "accounts_pkey", "accounts.id"),
    (Unique::SubscriptionMonth, "subscriptions_pkey", "subscriptions.account_id, subscriptions.month"),
    (Unique::CatalogVersion, "catalog_versions_pkey", "catalog_versions.version"),
    (
        Unique::Target,
        "plan_targets_pkey",
        "plan_targets.plan_id, plan_targets.kpi, plan_targets.owner_kind, plan_targets.owner_id, \
         plan_targets.month, plan_targets.tier",
    ),
];

impl Unique {
    /// The rule `e` breaks, when it is a unique violation of a known one.
    fn broken_by(e: &sqlx::Error) -> Option<Self> {
        let sqlx::Error::Database(db) = e else { return None };
        if db.kind() != sqlx::error::ErrorKind::UniqueViolation {
            return None;
        }
        let sqlite_columns = db.message().strip_prefix("UNIQUE constraint failed: ");
        UNIQUE_NAMES
            .iter()
            .find(|(_, name, columns)| db.constraint() == Some(*name) || sqlite_columns == Some(*columns))
            .map(|(rule, ..)| *rule)
    }

    /// What people are told; `key`, the value that clashed, when the writer knows it.
    fn message(self, key: Option<&str>) -> String {
        let taken =
            |what: &str| key.map_or_else(|| format!("{what} is taken"), |key| format!("{what} {key:?} is taken"));
        match self {
            Unique::TeamName => taken("the team name"),
            Unique::RepEmail => taken("the rep email"),
            Unique::RepExternalId => taken("the rep external id"),
            Unique::Username => taken("the user name"),
            Unique::ApprovedPlan => {
                let year = key.map_or_else(|| "that fiscal year".to_string(), |year| format!("FY{year}"));
                format!("a plan is already approved for {year}")
            }
            Unique::OpenReview => {
                format!("a review of {} against that plan is already open", key.unwrap_or("that quarter"))
            }
            Unique::ApiToken => "a token with the same secret already exists".into(),
            Unique::Session => "a session with the same token already exists".into(),
            Unique::PlanVersion => "another writer saved that version of the plan meanwhile: try again".into(),
            Unique::Activity => "an activity with the same source and external id already exists".into(),
            Unique::Deal => "a deal with the same source and external id already exists".into(),
            Unique::Account => "an account with the same id already exists".into(),
            Unique::SubscriptionMonth => "the recurring revenue of that account and month is already recorded".into(),
            Unique::CatalogVersion => "another catalog version was applied meanwhile: apply it again".into(),
            Unique::Target => "a target of the same KPI, owner, month and tier is given twice".into(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        if let Some(rule) = Unique::broken_by(&e) {
            return Self::Conflict(rule.message(None));
        }
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                // A unique rule not in the table above: still none of the database's words.
                ErrorKind::UniqueViolation => {
                    return Self::Conflict("a record with the same key already exists".into());
                }
                ErrorKind::ForeignKeyViolation => {
                    return Self::Refused("refers to a record that does not exist".into());
                }
                ErrorKind::CheckViolation => return Self::Conflict("a value is not allowed".into()),
                _ => {}
            }
        }
        Self::Database(e)
    }
}
