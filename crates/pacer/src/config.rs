//! Configuration: flags override environment variables (`PACER_*`), which
//! override `pacer.toml`, which overrides the defaults.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The settings file, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`.
    pub database: Option<String>,
    /// Address to listen on.
    pub bind: Option<String>,
    /// Port to listen on.
    pub port: Option<u16>,
    /// Log filter, e.g. `info` or `pacer=debug,info`.
    pub log: Option<String>,
    /// `text` or `json`.
    pub log_format: Option<String>,
    /// `auto` (secure unless bound to a loopback address), `true` or `false`.
    pub secure_cookies: Option<String>,
    /// Session lifetime in hours.
    pub session_hours: Option<i64>,
    /// Minutes a session may go unused before it ends.
    pub session_idle_minutes: Option<i64>,
    /// The mail server of the weekly digest: `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host`, or `smtp://host:25` for a local relay.
    pub smtp_url: Option<String>,
    /// The address the weekly digest comes from, e.g. `Pacer <pacer@acme.example>`.
    pub smtp_from: Option<String>,
}

/// Where the weekly digest is sent through.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// The server's URL, credentials included.
    pub url: String,
    /// The sender.
    pub from: String,
}

impl FileConfig {
    /// The mail server: `PACER_SMTP_URL` and `PACER_SMTP_FROM`, else `smtp_url` and `smtp_from`
    /// from the file; none when no server is named. A server without a sender is refused.
    pub fn smtp(&self) -> Result<Option<SmtpSettings>> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let Some(url) = env("PACER_SMTP_URL").or_else(|| self.smtp_url.clone()) else { return Ok(None) };
        let Some(from) = env("PACER_SMTP_FROM").or_else(|| self.smtp_from.clone()) else {
            bail!(
                "a mail server is set (smtp_url) but no sender: set smtp_from or PACER_SMTP_FROM too, e.g. \"Pacer <pacer@acme.example>\""
            )
        };
        Ok(Some(SmtpSettings { url, from }))
    }
}

impl FileConfig {
    /// Reads `path` if given, else `pacer.toml` in the current directory if it exists.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("pacer.toml"), false),
        };
        if !path.exists() {
            if required {
                bail!("configuration file {} does not exist", path.display());
            }
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            // One line: file, line and column, then the reason.
            let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
            anyhow::anyhow!("{}:{line}:{column}: {}", path.display(), e.message())
        })
    }
}

/// The default SQLite file for `serve` and the other commands.
pub const DEFAULT_DATABASE: &str = "sqlite://pacer.sqlite";
/// The default SQLite file for `demo`.
pub const DEMO_DATABASE: &str = "sqlite://pacer-demo.sqlite";

/// Whether cookies get the `Secure` attribute, from the setting and the bind address.
pub fn secure_cookies(setting: Option<&str>, bind: &str) -> Result<bool> {
    match setting.unwrap_or("auto") {
        "auto" => Ok(!is_loopback(bind)),
        "true" => Ok(true),
        "false" => Ok(false),
        other => bail!("secure_cookies {other:?} is not valid: use auto, true or false"),
    }
}

fn is_loopback(bind: &str) -> bool {
    bind == "localhost" || bind.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_security_follows_the_bind_address() {
        assert!(!secure_cookies(None, "127.0.0.1").unwrap());
        assert!(secure_cookies(None, "0.0.0.0").unwrap());
        assert!(secure_cookies(Some("true"), "127.0.0.1").unwrap());
        assert!(secure_cookies(Some("maybe"), "::1").is_err());
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("databse = 'x'").is_err());
        let c: FileConfig = toml::from_str("database = 'sqlite://x.db'\nport = 9000").unwrap();
        assert_eq!(c.port, Some(9000));
    }
}
