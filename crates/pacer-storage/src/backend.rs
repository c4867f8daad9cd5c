//! Choosing a backend from a database URL, and what differs between backends.

use crate::error::StoreError;
use std::fmt;
use std::path::Path;

/// The two supported databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite file (the default).
    Sqlite,
    /// PostgreSQL server (or a compatible distributed engine).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A validated database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite:path`, `postgres://...` or `postgresql://...`.
    /// A bare path (no scheme) is an SQLite file.
    pub fn parse(input: &str) -> Result<Self, StoreError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(StoreError::Url("database URL is empty: use sqlite://FILE or postgres://...".into()));
        }
        if input.starts_with("postgres://") || input.starts_with("postgresql://") {
            return Ok(Self { backend: Backend::Postgres, url: input.to_string() });
        }
        if let Some(rest) = input.strip_prefix("sqlite://").or_else(|| input.strip_prefix("sqlite:")) {
            return Ok(Self::sqlite_file(rest));
        }
        match input.split_once("://") {
            Some((scheme, _)) => Err(StoreError::Url(format!(
                "unknown database scheme {scheme:?} in {input:?}: use sqlite://FILE or postgres://USER@HOST/DB"
            ))),
            None => Ok(Self::sqlite_file(input)),
        }
    }

    /// An SQLite file at `path`, created if missing.
    pub fn sqlite_file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_string_lossy();
        let (path, query) = path.split_once('?').unwrap_or((&path, ""));
        let mode = if query.is_empty() { "mode=rwc".to_string() } else { query.to_string() };
        Self { backend: Backend::Sqlite, url: format!("sqlite://{path}?{mode}") }
    }

    /// Which backend this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL as given to the driver.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced, for logs and messages.
    pub fn redacted(&self) -> String {
        match (self.url.find("://"), self.url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let userinfo = &self.url[scheme_end + 3..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &self.url[..scheme_end + 3], &self.url[at..]),
                    None => self.url.clone(),
                }
            }
            _ => self.url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_backends() {
        assert_eq!(DatabaseUrl::parse("pacer.sqlite").unwrap().as_str(), "sqlite://pacer.sqlite?mode=rwc");
        assert_eq!(DatabaseUrl::parse("sqlite://x.db").unwrap().backend(), Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(), Backend::Postgres);
        let err = DatabaseUrl::parse("mysql://u@h/db").unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown database scheme \"mysql\" in \"mysql://u@h/db\": use sqlite://FILE or postgres://USER@HOST/DB"
        );
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        let url = DatabaseUrl::parse("postgres://pacer:s3cret@db:5432/pacer").unwrap();
        assert_eq!(url.redacted(), "postgres://pacer:***@db:5432/pacer");
    }
}
