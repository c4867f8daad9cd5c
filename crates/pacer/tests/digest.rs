//! The weekly digest sent by `pacer digest send` to a local SMTP server this test starts
//! (Python's aiosmtpd; skipped with a message when it is missing, unless `PACER_REQUIRE_SMTP=1`),
//! on the demo organisation, on both databases: one message per active person with an e-mail
//! who has not opted out, each with a text and an HTML part naming its reader; a refused
//! recipient and a person without an address said one by one and not recorded, the others sent;
//! a second send of the same week sends nothing and says so; an unreachable server sends and
//! records nothing.

use pacer_core::digest::Week;
use pacer_storage::testing::TestDb;
use pacer_storage::{DigestStore, SqlStore};
use serde_json::Value;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A mail server that keeps each message it takes as JSON (its envelope, headers and both parts
/// as decoded text), and refuses any recipient whose address starts with `refused`.
const SERVER: &str = r#"
import json, os, sys, time
from email import message_from_bytes
from email.policy import default
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]

class Handler:
    taken = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=default)
        part = lambda kind: msg.get_body((kind,)).get_content() if msg.get_body((kind,)) else None
        Handler.taken += 1
        record = {"rcpt": envelope.rcpt_tos, "to": str(msg["To"]), "from": str(msg["From"]),
                  "subject": str(msg["Subject"]), "type": msg.get_content_type(),
                  "text": part("plain"), "html": part("html")}
        tmp = os.path.join(out, ".%d.tmp" % Handler.taken)
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(out, "%d.json" % Handler.taken))
        return "250 Message accepted"

controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

/// The local mail server, stopped when dropped.
struct MailServer {
    child: Child,
    port: u16,
    inbox: PathBuf,
}

impl MailServer {
    /// Starts it, or says why it cannot (aiosmtpd missing).
    fn start(dir: &Path) -> Result<Self, String> {
        // The Python on the PATH, else the system's (where Debian's python3-aiosmtpd goes).
        let python = ["python3", "/usr/bin/python3"]
            .into_iter()
            .find(|p| Command::new(p).args(["-c", "import aiosmtpd"]).output().is_ok_and(|o| o.status.success()))
            .ok_or("no python3 with aiosmtpd is installed (Debian: python3-aiosmtpd)")?;
        let port = free_port();
        let inbox = dir.join("inbox");
        std::fs::create_dir_all(&inbox).unwrap();
        let script = dir.join("smtp_server.py");
        std::fs::write(&script, SERVER).unwrap();
        let child = Command::new(python)
            .arg(&script)
            .arg(port.to_string())
            .arg(&inbox)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start python3: {e}"))?;
        let server = Self { child, port, inbox };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the mail server did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// Every message taken so far, oldest first.
    fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.inbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort_by_key(|p| p.file_stem().and_then(|s| s.to_str()).and_then(|s| s.parse::<u32>().ok()));
        files.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (the system's pick of a free one, let go).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs `pacer` on `database` with the mail server at `smtp` (none: no server set).
fn pacer(dir: &Path, database: &str, smtp: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pacer"));
    cmd.args(args)
        .current_dir(dir)
        .env("PACER_DATABASE_URL", database)
        .env_remove("PACER_CONFIG")
        .env_remove("PACER_SMTP_URL")
        .env("PACER_SMTP_FROM", "Pacer <pacer@northwind.example>");
    if let Some(url) = smtp {
        cmd.env("PACER_SMTP_URL", url);
    }
    cmd.output().expect("run pacer")
}

fn ok(dir: &Path, database: &str, args: &[&str]) -> String {
    let out = pacer(dir, database, None, args);
    assert!(out.status.success(), "pacer {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The line of `user` in a sending's output.
fn line_of<'a>(stdout: &'a str, user: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{user} (")))
        .unwrap_or_else(|| panic!("no line for {user}: {stdout}"))
}

#[tokio::test]
async fn the_weekly_digest_goes_once_to_each_person_with_an_address() {
    let dir = std::env::temp_dir().join(format!("pacer-digest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = match MailServer::start(&dir) {
        Ok(s) => s,
        Err(why) if std::env::var("PACER_REQUIRE_SMTP").as_deref() != Ok("1") => {
            eprintln!("skipping the digest's SMTP test: {why}");
            return;
        }
        Err(why) => panic!("PACER_REQUIRE_SMTP=1 but {why}"),
    };
    let smtp = format!("smtp://127.0.0.1:{}", server.port);
    for db in TestDb::all().await {
        let backend = db.backend();
        let url = db.url.as_str();
        let before = server.messages().len();
        ok(&dir, url, &["demo", "--no-serve"]);
        // The demo made the SQLite file anew: read what it holds through a store opened now.
        let store = SqlStore::connect(&db.url).await.unwrap();
        // A person the server refuses, one without an address, one who opted out, one deactivated.
        let reps: Value = serde_json::from_str(&ok(&dir, url, &["rep", "list", "--format", "json"])).unwrap();
        let other_rep =
            reps.as_array().unwrap().iter().rev().find(|r| r["leave_date"].is_null()).unwrap()["id"].to_string();
        ok(
            &dir,
            url,
            &["user", "add", "refused", "--role", "rep", "--rep", &other_rep, "--email", "refused@northwind.example"],
        );
        ok(&dir, url, &["user", "add", "nomail", "--role", "leader"]);
        ok(&dir, url, &["user", "update", "manager2", "--digest", "off"]);
        ok(
            &dir,
            url,
            &["user", "add", "gone", "--role", "rep", "--rep", &other_rep, "--email", "gone@northwind.example"],
        );
        ok(&dir, url, &["user", "update", "gone", "--deactivate"]);
        let week = Week::of(chrono::Utc::now().date_naive()).to_string();

        // A dry run says who would get it, and sends and records nothing.
        let dry = pacer(&dir, url, None, &["digest", "send", "--week", &week, "--dry-run"]);
        let dry = String::from_utf8(dry.stdout).unwrap();
        assert!(line_of(&dry, "rep").ends_with("would be sent"), "{backend}: {dry}");
        assert!(dry.contains(&format!("Week {week}: 5 would be sent, 0 already sent, 1 opted out")), "{dry}");
        assert_eq!(server.messages().len(), before);
        assert!(store.digest_deliveries(&week).await.unwrap().is_empty(), "{backend}: a dry run records nothing");

        let out = pacer(&dir, url, Some(&smtp), &["digest", "send", "--week", &week]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_ne!(out.status.code(), Some(0), "{backend}: a failure makes the exit code non-zero: {stdout}");
        assert!(stderr.contains("2 digest(s) of week") && stderr.contains("could not be sent"), "{stderr}");
        for user in ["ops", "lead", "manager", "rep"] {
            assert!(line_of(&stdout, user).ends_with(": sent"), "{backend}: {stdout}");
        }
        assert!(line_of(&stdout, "manager2").ends_with(": opted out"), "{stdout}");
        let refused = line_of(&stdout, "refused");
        assert!(refused.contains("NOT SENT: the mail server") && refused.contains("refused it"), "{refused}");
        assert!(refused.contains("no such mailbox here"), "the server's own words: {refused}");
        let nomail = line_of(&stdout, "nomail");
        assert!(nomail.contains("NOT SENT: no e-mail address"), "{nomail}");
        assert!(!stdout.contains("gone ("), "a deactivated person is not written to: {stdout}");
        assert!(stdout.contains(&format!("Week {week}: 4 sent, 0 already sent, 1 opted out")), "{stdout}");

        // One message per person sent, both parts, each naming its reader.
        let messages = server.messages().split_off(before);
        assert_eq!(messages.len(), 4, "{backend}: {messages:#?}");
        let names = [
            ("ops@northwind.example", "ops"),
            ("lead@northwind.example", "lead"),
            (address_on(&stdout, "manager"), name_on(&stdout, "manager")),
            (address_on(&stdout, "rep"), name_on(&stdout, "rep")),
        ];
        for (address, name) in names {
            let m = messages.iter().find(|m| m["rcpt"][0] == address).unwrap_or_else(|| panic!("none to {address}"));
            assert_eq!(m["type"], "multipart/alternative", "{m}");
            assert!(m["to"].as_str().unwrap().contains(address) && m["to"].as_str().unwrap().contains(name), "{m}");
            assert_eq!(m["from"], "Pacer <pacer@northwind.example>");
            assert!(m["subject"].as_str().unwrap().contains(&week), "{m}");
            let (text, html) = (m["text"].as_str().unwrap(), m["html"].as_str().unwrap());
            assert!(text.starts_with(&format!("Hello {name},")), "{backend}: {text}");
            assert!(html.contains(&format!("<p>Hello {name},</p>")), "{html}");
            assert!(text.contains("To stop it, untick the weekly digest"), "{text}");
        }
        let rep_text = messages.iter().find(|m| m["rcpt"][0] == address_on(&stdout, "rep")).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(rep_text.contains("Your scorecard") && rep_text.contains("Rank in team"), "{rep_text}");
        let manager_text =
            messages.iter().find(|m| m["rcpt"][0] == address_on(&stdout, "manager")).unwrap()["text"].to_string();
        assert!(manager_text.contains("Team NA Mid-Market") && manager_text.contains("reps: "), "{manager_text}");
        // A leader who manages no team reads the company, as the leadership dashboard does.
        let lead_text = messages.iter().find(|m| m["rcpt"][0] == "lead@northwind.example").unwrap()["text"].to_string();
        assert!(
            lead_text.contains("The company") && lead_text.contains("Teams ranked by") && lead_text.contains("GRR"),
            "{lead_text}"
        );

        // Recorded: those sent, and no one else.
        let recorded = store.digest_deliveries(&week).await.unwrap();
        assert_eq!(recorded.len(), 4, "{backend}: {recorded:?}");
        assert!(recorded.iter().all(|d| d.sent_at.is_some()));
        assert!(!recorded.iter().any(|d| d.address.starts_with("refused")), "a refused message is not recorded");

        // Once the failures are dealt with, the same week again sends nothing, and says so.
        ok(&dir, url, &["user", "update", "refused", "--digest", "off"]);
        ok(&dir, url, &["user", "update", "nomail", "--email", "nomail@northwind.example", "--digest", "off"]);
        let out = pacer(&dir, url, Some(&smtp), &["digest", "send", "--week", &week]);
        let again = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{backend}: {again} {}", String::from_utf8_lossy(&out.stderr));
        assert!(line_of(&again, "rep").ends_with(": already sent this week"), "{again}");
        assert!(again.contains("0 sent, 4 already sent") && again.contains("nothing was sent again"), "{again}");
        assert_eq!(server.messages().len(), before + 4, "{backend}: nothing sent twice");

        // A server that does not answer: each person told, nothing recorded, exit non-zero.
        let next = Week::of(chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
        let closed = format!("smtp://127.0.0.1:{}", free_port());
        let out = pacer(&dir, url, Some(&closed), &["digest", "send", "--week", &next]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_ne!(out.status.code(), Some(0), "{stdout}");
        assert!(
            line_of(&stdout, "rep").contains("NOT SENT: cannot reach the mail server smtp://127.0.0.1"),
            "{stdout}"
        );
        assert!(store.digest_deliveries(&next).await.unwrap().is_empty(), "{backend}: nothing recorded as sent");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The address on `user`'s line of a sending's output ("user (Name) <address>: ...").
fn address_on<'a>(stdout: &'a str, user: &str) -> &'a str {
    let line = line_of(stdout, user);
    &line[line.find('<').unwrap() + 1..line.find('>').unwrap()]
}

/// The name on `user`'s line of a sending's output.
fn name_on<'a>(stdout: &'a str, user: &str) -> &'a str {
    let line = line_of(stdout, user);
    &line[line.find('(').unwrap() + 1..line.find(')').unwrap()]
}

/// `pacer digest preview` writes a person's digest in their language: a user set to French reads
/// it in French whatever the command line's own language, the others in English.
#[tokio::test]
async fn the_preview_is_in_the_readers_language() {
    let dir = std::env::temp_dir().join(format!("pacer-digest-fr-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for db in TestDb::all().await {
        let backend = db.backend();
        let url = db.url.as_str();
        // An English-speaking organisation, whatever the system's locale.
        ok(&dir, url, &["--lang", "en", "demo", "--no-serve"]);
        ok(&dir, url, &["user", "update", "rep", "--language", "fr"]);
        let french = ok(&dir, url, &["--lang", "en", "digest", "preview", "rep"]);
        for words in ["Bonjour ", "Votre fiche de performance", "Rang dans l’équipe", "décochez le récapitulatif"]
        {
            assert!(french.contains(words), "{backend}: {words}: {french}");
        }
        assert!(!french.contains("Hello") && !french.contains("Your scorecard"), "{backend}: {french}");
        let html = ok(&dir, url, &["digest", "preview", "rep", "--format", "html"]);
        assert!(html.contains("<p>Bonjour ") && html.contains(">Votre fiche de performance</h2>"), "{html}");
        let english = ok(&dir, url, &["--lang", "fr", "digest", "preview", "manager"]);
        assert!(english.starts_with("Hello ") && english.contains("To stop it"), "{backend}: {english}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
