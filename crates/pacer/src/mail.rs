//! Sending the weekly digest by SMTP (lettre, TLS by rustls): the one [`Mailer`] of the product.

use crate::config::SmtpSettings;
use anyhow::{Result, anyhow};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use pacer_app::digest::{Email, Mailer};
use std::time::Duration;

/// A mail server, reached through a small pool of connections.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Host and port, without credentials, for messages.
    server: String,
}

impl SmtpMailer {
    /// The server of `settings`; a URL or a sender that is not valid is refused here, before
    /// anything is composed.
    pub fn new(settings: &SmtpSettings) -> Result<Self> {
        let server = without_credentials(&settings.url);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| {
                anyhow!(
                    "smtp_url {server:?} is not valid ({e}): use smtp://user:pass@host:587?tls=required, smtps://user:pass@host or smtp://host:25"
                )
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = settings.from.parse().map_err(|e| {
            anyhow!("smtp_from {:?} is not an address ({e}): use Pacer <pacer@acme.example>", settings.from)
        })?;
        Ok(Self { transport, from, server })
    }

    /// The server, without credentials.
    pub fn server(&self) -> &str {
        &self.server
    }
}

impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), String> {
        let to: Address =
            email.to.parse().map_err(|e| format!("the address {} is not one a mail server takes ({e})", email.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(email.to_name.clone()), to))
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
            .map_err(|e| format!("the message could not be written: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| describe(&e, &self.server))
    }
}

/// Why a message did not go, in words: refused, not now, or the server not reached.
fn describe(e: &SmtpError, server: &str) -> String {
    if e.is_permanent() {
        format!("the mail server {server} refused it: {e}")
    } else if e.is_transient() {
        format!("the mail server {server} could not take it now, try again later: {e}")
    } else {
        let cause = std::error::Error::source(e).map(|s| format!(" ({s})")).unwrap_or_default();
        format!("cannot reach the mail server {server}: {e}{cause}")
    }
}

/// A server's URL as it may be shown: its credentials left out.
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://{}", rest.split(['?', '/']).next().unwrap_or(rest))
        }
        None => url.split(['?', '/']).next().unwrap_or(url).to_string(),
    }
}

/// Why nothing can be sent.
pub const NO_SERVER: &str =
    "no mail server is set: give smtp_url and smtp_from in pacer.toml, or PACER_SMTP_URL and PACER_SMTP_FROM";

/// No mail server: what a dry run composes with, never asked to send.
pub struct NoServer;

impl Mailer for NoServer {
    async fn send(&self, _email: &Email) -> Result<(), String> {
        Err(NO_SERVER.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_stay_out_of_messages() {
        assert_eq!(
            without_credentials("smtp://ann:s3cret@mail.acme.example:587?tls=required"),
            "smtp://mail.acme.example:587"
        );
        assert_eq!(without_credentials("smtps://mail.acme.example"), "smtps://mail.acme.example");
        assert_eq!(without_credentials("smtp://a%40b:p@ss@relay:25/"), "smtp://relay:25");
    }

    /// (The pool of connections starts on the runtime, as in the commands.)
    #[tokio::test]
    async fn a_bad_server_or_sender_is_refused_before_sending() {
        let bad_url = SmtpSettings { url: "http://mail".into(), from: "pacer@acme.example".into() };
        assert!(SmtpMailer::new(&bad_url).err().unwrap().to_string().contains("is not valid"));
        let bad_from = SmtpSettings { url: "smtp://127.0.0.1:2525".into(), from: "nobody".into() };
        assert!(
            SmtpMailer::new(&bad_from).err().unwrap().to_string().contains("smtp_from \"nobody\" is not an address")
        );
    }
}
