//! Browser test: drives a real headless Chromium through chromedriver (W3C
//! WebDriver over plain HTTP) against `pacer demo`, as a rep, a manager and a
//! leader, and saves a screenshot after each step under
//! `target/browser-screenshots/`.
//!
//! Needs the Debian packages `chromium` and `chromium-driver`
//! (/usr/bin/chromium, /usr/bin/chromedriver). Without them the test is
//! skipped, unless PACER_REQUIRE_BROWSER=1 is set, in which case it fails.

use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PASSWORD: &str = "pacer-demo";
/// How long to wait for an element, a text or a URL.
const WAIT: Duration = Duration::from_secs(10);
/// How long the demo may take to be generated and served (debug build).
const SERVER_START: Duration = Duration::from_secs(120);
/// The key of a web element reference in W3C WebDriver.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How far down a screenshot of a whole page goes (a review is several screens long).
const PAGE_SHOT_HEIGHT: u64 = 4000;
/// Team ids of the demo organisation.
const NA_MID_MARKET: i64 = 3;
const EMEA_NORTH: i64 = 6;

/// An HTTP client that returns error statuses as responses (WebDriver errors
/// carry a JSON body) and never goes through a proxy (everything is local).
fn http(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).proxy(None).timeout_global(Some(timeout)).build().into()
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind a local port");
    listener.local_addr().expect("no local address").port()
}

fn unique_dir(what: &str) -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("pacer-browser-{what}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Where the screenshots go: `<target dir>/browser-screenshots`.
fn screenshot_dir() -> PathBuf {
    let workspace = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace.join(dir),
        _ => workspace.join("target"),
    };
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Polls `probe` every 100 ms until it gives a value or `timeout` passes.
fn poll<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if start.elapsed() >= timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The processes and files of the test: killed and removed when dropped, also
/// when the test panics (the files are then kept, for looking at the logs).
#[derive(Default)]
struct Guard {
    children: Vec<(&'static str, Child)>,
    dirs: Vec<PathBuf>,
}

impl Guard {
    fn spawn(&mut self, name: &'static str, command: &mut Command, log: &Path) {
        let out = File::create(log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err = out.try_clone().expect("cannot clone a file handle");
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        self.children.push((name, child));
    }

    /// Panics with `message` and the end of `log` if the process `name` has exited.
    fn check_running(&mut self, name: &str, log: &Path) {
        for (n, child) in &mut self.children {
            if *n == name
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("{name} exited ({status}); its output:\n{}", tail(log));
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        for (_, child) in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            for dir in &self.dirs {
                eprintln!("kept for inspection: {}", dir.display());
            }
        } else {
            for dir in &self.dirs {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// A WebDriver error: its code (e.g. "no such element") and message.
#[derive(Debug)]
struct WdError {
    error: String,
    message: String,
}

/// A minimal W3C WebDriver client for one session, pointed at one site.
struct Browser {
    http: ureq::Agent,
    driver: String,
    session: String,
    site: String,
    shots: PathBuf,
}

impl Browser {
    /// Starts a headless Chromium session on the chromedriver at `driver`, asking for pages in
    /// `language` (as a browser set to it sends `Accept-Language`) when given.
    fn new_session(driver: &str, site: &str, profile: &Path, shots: PathBuf, language: Option<&str>) -> Self {
        let http = http(Duration::from_secs(60));
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut prefs = json!({});
        if let Some(tag) = language {
            args.push(format!("--lang={tag}"));
            prefs = json!({ "intl.accept_languages": format!("{tag}-FR,{tag}") });
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": CHROMIUM, "args": args, "prefs": prefs },
            } }
        });
        let value = request(&http, "POST", &format!("{driver}/session"), Some(&capabilities))
            .unwrap_or_else(|e| panic!("cannot start a Chromium session: {}: {}", e.error, e.message));
        let session = value["sessionId"].as_str().expect("no sessionId in the new session").to_string();
        Self { http, driver: driver.to_string(), session, site: site.to_string(), shots }
    }

    fn command(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, WdError> {
        request(&self.http, method, &format!("{}/session/{}{path}", self.driver, self.session), body)
    }

    /// Like [`Self::command`], panicking on an error.
    fn must(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.command(method, path, body).unwrap_or_else(|e| {
            panic!("WebDriver {method} {path} failed: {}: {} (at {})", e.error, e.message, self.url_or_unknown())
        })
    }

    /// Opens a path of the site.
    fn navigate(&self, path: &str) {
        self.must("POST", "/url", Some(&json!({ "url": format!("{}{path}", self.site) })));
    }

    fn current_url(&self) -> String {
        self.must("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    fn url_or_unknown(&self) -> String {
        self.command("GET", "/url", None).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or("?".into())
    }

    /// The path and query of the current URL, e.g. `/reps/12?notice=...`.
    fn current_path(&self) -> String {
        let url = self.current_url();
        url.strip_prefix(&self.site).map(String::from).unwrap_or(url)
    }

    fn try_find(&self, css: &str) -> Option<String> {
        let found = self.command("POST", "/element", Some(&json!({ "using": "css selector", "value": css })));
        found.ok().and_then(|v| v[ELEMENT_KEY].as_str().map(String::from))
    }

    /// Finds an element by CSS selector, waiting for it.
    fn find(&self, css: &str) -> String {
        poll(WAIT, || self.try_find(css))
            .unwrap_or_else(|| panic!("no element {css:?} after {WAIT:?} at {}", self.url_or_unknown()))
    }

    /// All the elements matching a CSS selector now (no waiting).
    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.must("POST", "/elements", Some(&json!({ "using": "css selector", "value": css })));
        found.as_array().into_iter().flatten().filter_map(|e| e[ELEMENT_KEY].as_str().map(String::from)).collect()
    }

    fn send_keys(&self, element: &str, text: &str) {
        self.must("POST", &format!("/element/{element}/value"), Some(&json!({ "text": text })));
    }

    fn clear(&self, element: &str) {
        self.must("POST", &format!("/element/{element}/clear"), Some(&json!({})));
    }

    fn click(&self, element: &str) {
        self.must("POST", &format!("/element/{element}/click"), Some(&json!({})));
    }

    fn text(&self, element: &str) -> String {
        self.must("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or_default().to_string()
    }

    fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.must("GET", &format!("/element/{element}/attribute/{name}"), None).as_str().map(String::from)
    }

    fn property(&self, element: &str, name: &str) -> Value {
        self.must("GET", &format!("/element/{element}/property/{name}"), None)
    }

    /// Runs a script in the page; `args` may hold element references.
    fn execute(&self, script: &str, args: Value) -> Value {
        self.must("POST", "/execute/sync", Some(&json!({ "script": script, "args": args })))
    }

    fn element_ref(element: &str) -> Value {
        json!({ ELEMENT_KEY: element })
    }

    fn page_source(&self) -> String {
        self.must("GET", "/source", None).as_str().unwrap_or_default().to_string()
    }

    /// The visible text of the page.
    fn body_text(&self) -> String {
        match self.try_find("body") {
            Some(body) => self.command("GET", &format!("/element/{body}/text"), None).ok(),
            None => None,
        }
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
    }

    /// Waits until the page's text contains `needle`.
    fn wait_for_text(&self, needle: &str) -> String {
        poll(WAIT, || Some(self.body_text()).filter(|t| t.contains(needle))).unwrap_or_else(|| {
            panic!("the page at {} does not show {needle:?}; it shows:\n{}", self.url_or_unknown(), self.body_text())
        })
    }

    /// Waits until the current path satisfies `check`.
    fn wait_for_path(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        poll(WAIT, || Some(self.current_path()).filter(|p| check(p)))
            .unwrap_or_else(|| panic!("expected {what}, but the browser is at {}", self.url_or_unknown()))
    }

    /// Saves a screenshot as `<shots>/<name>.png`.
    fn screenshot(&self, name: &str) -> PathBuf {
        let path = self.save_png(name, &self.must("GET", "/screenshot", None));
        println!("  screenshot {}", path.display());
        path
    }

    /// Sets the window to `width` pixels, as tall as a laptop's or a phone's.
    fn set_width(&self, width: u32) {
        let height = if width < 800 { 844 } else { 900 };
        self.must("POST", "/window/rect", Some(&json!({ "width": width, "height": height })));
    }

    /// Saves a screenshot of the page from its top down to [`PAGE_SHOT_HEIGHT`] pixels, beyond
    /// the window (a command of Chromium's own); of the window alone if that is refused.
    fn screenshot_page(&self, name: &str) -> PathBuf {
        let size = self.execute("return [window.innerWidth, document.documentElement.scrollHeight];", json!([]));
        let (width, height) = (size[0].as_u64().unwrap_or(1440), size[1].as_u64().unwrap_or(900));
        let clip = json!({ "x": 0, "y": 0, "width": width, "height": height.min(PAGE_SHOT_HEIGHT), "scale": 1 });
        let params = json!({ "format": "png", "captureBeyondViewport": true, "clip": clip });
        match self.command(
            "POST",
            "/goog/cdp/execute",
            Some(&json!({ "cmd": "Page.captureScreenshot", "params": params })),
        ) {
            Ok(shot) => self.save_png(name, &shot["data"]),
            Err(_) => self.screenshot(name),
        }
    }

    /// Writes a screenshot WebDriver gave in base64 as `<shots>/<name>.png`.
    fn save_png(&self, name: &str, data: &Value) -> PathBuf {
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("the screenshot is not base64");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot {name} is not a PNG");
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// The `<h1>` of the page, waiting for it.
    fn heading(&self) -> String {
        let h1 = self.find("h1");
        self.text(&h1)
    }

    /// Asserts that the page is the "Not found" page.
    fn assert_not_found(&self, path: &str) {
        self.navigate(path);
        let heading = self.heading();
        assert_eq!(heading, "Not found", "{path} should be \"Not found\", got {heading:?} at {}", self.current_url());
        assert!(self.try_find("header.top").is_none(), "the Not found page of {path} shows the app's header");
    }

    /// The values of the options of the filter form's select `name`, in order.
    fn filter_options(&self, name: &str) -> Vec<String> {
        self.find(&format!("form.filters select[name={name}]"));
        self.find_all(&format!("form.filters select[name={name}] option"))
            .iter()
            .map(|o| self.property(o, "value").as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Picks an option of the filter form's select `name` with a click, as a user does.
    fn choose(&self, name: &str, value: &str) {
        self.click(&self.find(&format!("form.filters select[name={name}] option[value='{value}']")));
        let select = self.find(&format!("form.filters select[name={name}]"));
        assert_eq!(self.property(&select, "value"), json!(value), "the {name} select did not take {value:?}");
    }

    /// The value the filter form's select `name` holds.
    fn chosen(&self, name: &str) -> Value {
        self.property(&self.find(&format!("form.filters select[name={name}]")), "value")
    }

    /// Submits the filter form and waits for the page it answers at `path`: the figures, not an error.
    fn show_filtered(&self, path: &str, heading: &str) -> String {
        self.click(&self.find("form.filters button[type=submit]"));
        let at = self.wait_for_path(&format!("{path} with the chosen filters"), |p| p.starts_with(&format!("{path}?")));
        let h1 = self.heading();
        assert!(h1.starts_with(heading), "{at} shows {h1:?}, not {heading:?}:\n{}", self.body_text());
        self.find("main table");
        at
    }

    /// Signs in from the login page (which must be open), in English.
    fn sign_in(&self, username: &str, role: &str) {
        let submit = self.enter(username);
        assert_eq!(self.text(&submit), "Sign in");
        self.click(&submit);
        self.wait_for_path(&format!("to leave the login page after signing in as {username}"), |p| {
            !p.starts_with("/login")
        });
        let who = self.find("header.top .who a");
        let shown = self.text(&who);
        assert!(
            shown.ends_with(&format!("({role})")),
            "the header shows {shown:?} for {username} at {}",
            self.current_url()
        );
    }

    /// Fills the login page's form (which must be open) for `username`; returns its button.
    fn enter(&self, username: &str) -> String {
        self.wait_for_path("the login page", |p| p.starts_with("/login"));
        let user = self.find("input[name=username]");
        self.clear(&user);
        self.send_keys(&user, username);
        let password = self.find("input[name=password]");
        self.clear(&password);
        self.send_keys(&password, PASSWORD);
        self.find("form[action='/login'] button[type=submit]")
    }

    /// Signs out with the header's button.
    fn sign_out(&self) {
        let button = self.find("header.top form[action='/logout'] button[type=submit]");
        assert_eq!(self.text(&button), "Sign out");
        self.click(&button);
        self.wait_for_path("the login page after signing out", |p| p.starts_with("/login"));
        self.find("input[name=username]");
    }

    /// Name, link of every person in the People table of /org.
    fn org_people(&self) -> BTreeSet<(String, String)> {
        self.navigate("/org");
        self.wait_for_text("People");
        let rows = self.execute(
            "const h = [...document.querySelectorAll('main h2')].find(e => e.textContent.trim() === 'People');
             if (!h) return null;
             return [...h.closest('.card').querySelectorAll('tbody tr td:first-child a')]
                 .map(a => [a.textContent.trim(), a.getAttribute('href')]);",
            json!([]),
        );
        let rows = rows.as_array().unwrap_or_else(|| panic!("no People table at {}", self.current_url()));
        rows.iter()
            .map(|r| (r[0].as_str().unwrap_or_default().to_string(), r[1].as_str().unwrap_or_default().to_string()))
            .collect()
    }

    /// The rows of the "Recent activities" table: [when, type, minutes, source, entered by], the
    /// moment as its `time` element gives it (`2026-12-08 14:05`), whatever the reader's format.
    fn recent_activities(&self) -> Vec<Vec<String>> {
        let rows = self.execute(
            "const h = [...document.querySelectorAll('main h2')].find(e => e.textContent.trim() === 'Recent activities');
             if (!h) return null;
             return [...h.closest('.card').querySelectorAll('tbody tr')]
                 .map(r => [...r.cells].map((c, i) => {
                     const t = c.querySelector('time');
                     return i === 0 && t ? t.getAttribute('datetime').replace('T', ' ') : c.textContent.trim();
                 }));",
            json!([]),
        );
        let rows = rows.as_array().unwrap_or_else(|| panic!("no Recent activities card at {}", self.current_url()));
        rows.iter()
            .map(|r| r.as_array().into_iter().flatten().map(|c| c.as_str().unwrap_or_default().to_string()).collect())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("failed at {}", self.url_or_unknown());
            if let Ok(data) = self.command("GET", "/screenshot", None)
                && let Ok(png) = base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap_or_default())
            {
                let path = self.shots.join("99-failure.png");
                if std::fs::write(&path, png).is_ok() {
                    eprintln!("screenshot of the failure: {}", path.display());
                }
            }
        }
        let _ = request(
            &http(Duration::from_secs(15)),
            "DELETE",
            &format!("{}/session/{}", self.driver, self.session),
            None,
        );
    }
}

/// One WebDriver request; the answer's `value`, or its error.
fn request(http: &ureq::Agent, method: &str, url: &str, body: Option<&Value>) -> Result<Value, WdError> {
    let sent = match (method, body) {
        ("GET", _) => http.get(url).call(),
        ("DELETE", _) => http.delete(url).call(),
        ("POST", Some(body)) => http.post(url).send_json(body),
        ("POST", None) => http.post(url).send_json(json!({})),
        _ => unreachable!("no WebDriver command uses {method}"),
    };
    let transport = |e: String| WdError { error: "transport".into(), message: e };
    let mut response = sent.map_err(|e| transport(format!("{method} {url}: {e}")))?;
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| transport(format!("{method} {url}: reading the answer: {e}")))?;
    let answer: Value =
        serde_json::from_str(&text).map_err(|e| transport(format!("{method} {url}: {e}: {text:.300}")))?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if status.is_success() {
        Ok(value)
    } else {
        Err(WdError {
            error: value["error"].as_str().unwrap_or("unknown error").to_string(),
            message: value["message"].as_str().unwrap_or_default().lines().next().unwrap_or_default().to_string(),
        })
    }
}

/// Whether the browser is there; `false` means skip.
fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("PACER_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "PACER_REQUIRE_BROWSER=1 but {} missing: install the Debian packages chromium and chromium-driver",
            missing.join(" and ")
        );
    }
    println!("skipped: browser test (install chromium and chromium-driver)");
    false
}

/// Starts `pacer demo` in a fresh directory and waits for /healthz; returns the site's base URL.
fn start_server(guard: &mut Guard) -> String {
    let dir = unique_dir("server");
    guard.dirs.push(dir.clone());
    let port = free_port();
    let log = dir.join("pacer.log");
    let database = format!("sqlite://{}/demo.sqlite", dir.display());
    let port_arg = port.to_string();
    guard.spawn(
        "pacer",
        Command::new(env!("CARGO_BIN_EXE_pacer"))
            .args(["--database", &database, "demo", "--port", &port_arg])
            .current_dir(&dir)
            .env("PACER_LOG", "warn")
            .env_remove("PACER_CONFIG")
            .env_remove("PACER_DATABASE_URL")
            .env_remove("PACER_BIND")
            .env_remove("PACER_PORT"),
        &log,
    );
    let site = format!("http://127.0.0.1:{port}");
    let client = http(Duration::from_secs(5));
    let started = Instant::now();
    let healthy = poll(SERVER_START, || {
        guard.check_running("pacer", &log);
        let ok = client.get(&format!("{site}/healthz")).call().is_ok_and(|r| r.status() == 200);
        ok.then_some(())
    });
    if healthy.is_none() {
        panic!("pacer demo did not answer GET /healthz with 200 within {SERVER_START:?}; its output:\n{}", tail(&log));
    }
    println!("pacer demo is up at {site} after {:.1} s", started.elapsed().as_secs_f64());
    site
}

/// Starts chromedriver on a free port and waits until it is ready; returns its base URL.
fn start_chromedriver(guard: &mut Guard) -> String {
    let dir = unique_dir("chromedriver");
    guard.dirs.push(dir.clone());
    let port = free_port();
    let log = dir.join("chromedriver.log");
    guard.spawn("chromedriver", Command::new(CHROMEDRIVER).arg(format!("--port={port}")), &log);
    let driver = format!("http://127.0.0.1:{port}");
    let client = http(Duration::from_secs(5));
    let ready = poll(Duration::from_secs(30), || {
        guard.check_running("chromedriver", &log);
        let status = request(&client, "GET", &format!("{driver}/status"), None).ok()?;
        status["ready"].as_bool().filter(|r| *r)
    });
    if ready.is_none() {
        panic!("chromedriver did not report ready within 30 s; its output:\n{}", tail(&log));
    }
    driver
}

/// Starts `pacer demo` and chromedriver, and opens a browser on the demo.
fn open_browser(guard: &mut Guard) -> Browser {
    let site = start_server(guard);
    let driver = start_chromedriver(guard);
    let profile = unique_dir("profile");
    guard.dirs.push(profile.clone());
    Browser::new_session(&driver, &site, &profile, screenshot_dir(), None)
}

/// Submits the filter forms of the report, leaderboard and pipeline pages as `who` would:
/// values picked in the selects by name, the team left at "All teams" (a blank field) or
/// chosen; each answers its figures, and the choice stays selected and in the URL.
fn submit_filter_forms(browser: &Browser, who: &str, shot: &str) {
    browser.navigate("/reports");
    assert!(browser.heading().starts_with("Reports: "), "{who}'s /reports at {}", browser.current_url());
    let kpis = browser.filter_options("kpi");
    assert!(kpis.len() > 1, "{who}'s KPI picker offers {kpis:?}");
    let periods = browser.filter_options("period");
    // The oldest second quarter offered: a past period, not the default year.
    let quarter = periods.iter().rev().find(|p| p.ends_with("-Q2")).cloned().expect("no quarter offered");
    assert_eq!(browser.filter_options("team").first().map(String::as_str), Some(""), "\"All teams\" comes first");
    browser.choose("kpi", &kpis[1]);
    browser.choose("by", "team");
    browser.choose("per", "month");
    browser.choose("period", &quarter);
    let at = browser.show_filtered("/reports", "Reports: ");
    assert!(at.contains(&format!("period={quarter}")) && at.ends_with("team="), "the URL keeps the view: {at}");
    assert_eq!(
        [browser.chosen("kpi"), browser.chosen("by"), browser.chosen("period"), browser.chosen("team")],
        [json!(kpis[1]), json!("team"), json!(quarter), json!("")],
        "the choices stay selected at {at}"
    );
    // A quarter per month: three months and the quarter.
    assert_eq!(browser.find_all("main table thead th").len(), 5, "columns of {at}");
    browser.screenshot(&format!("{shot}-{who}-reports"));

    browser.navigate("/leaderboard");
    let teams = browser.filter_options("team");
    let team = teams.get(1).cloned().unwrap_or_else(|| panic!("{who} is offered no team: {teams:?}"));
    browser.choose("team", &team);
    browser.choose("kpi", &kpis[0]);
    let at = browser.show_filtered("/leaderboard", "Leaderboard: ");
    assert_eq!(browser.chosen("team"), json!(team), "the team stays chosen at {at}");
    browser.screenshot(&format!("{shot}-{who}-leaderboard"));

    browser.navigate("/pipeline");
    browser.choose("by", "company");
    browser.choose("period", &quarter);
    let at = browser.show_filtered("/pipeline", "Pipeline: ");
    browser.wait_for_text("Company");
    assert_eq!(browser.chosen("period"), json!(quarter), "the period stays chosen at {at}");
    browser.screenshot(&format!("{shot}-{who}-pipeline"));
}

#[test]
fn browser_rep_and_manager_journeys() {
    if !browser_available() {
        return;
    }
    let started = Instant::now();
    let mut guard = Guard::default();
    let browser = open_browser(&mut guard);
    let today = chrono::Local::now().date_naive().to_string();

    // 01: the login page.
    browser.navigate("/");
    browser.wait_for_path("a redirect to the login page when signed out", |p| p.starts_with("/login"));
    assert_eq!(browser.heading(), "Sign in to Pacer");
    browser.screenshot("01-login");

    // 02: signed in as the rep, on the home page.
    browser.sign_in("rep", "rep");
    browser.wait_for_path("the home page", |p| p == "/");
    browser.wait_for_text("My page");
    browser.screenshot("02-rep-home");

    // The rep's own page, from the "My page" link; /api/v1/me agrees.
    let links = browser.find_all("main a[href^='/reps/']");
    assert_eq!(
        links.len(),
        1,
        "the rep's home should have one link to a rep page (My page) at {}",
        browser.current_url()
    );
    let href = browser.attribute(&links[0], "href").unwrap_or_default();
    let own_id: i64 = href.trim_start_matches("/reps/").parse().unwrap_or_else(|_| panic!("odd My page link {href:?}"));
    browser.navigate("/api/v1/me");
    let me: Value = serde_json::from_str(&browser.body_text()).expect("/api/v1/me is not JSON");
    assert_eq!(me["rep_id"], json!(own_id), "/api/v1/me and the My page link disagree: {me}");
    browser.navigate("/");
    let links = browser.find_all("main a[href^='/reps/']");
    assert_eq!(links.len(), 1, "the My page link is gone at {}", browser.current_url());
    browser.click(&links[0]);
    browser.wait_for_path("the rep's own page", |p| p == href);
    let rep_name = browser
        .execute("return document.querySelector('main h1').firstChild.textContent.trim();", json!([]))
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!rep_name.is_empty(), "the rep page has no name at {}", browser.current_url());

    // Quick log: a call of 15 minutes today.
    let kind = browser.find("form[action$='/activities'] select[name=activity_type]");
    let options: Vec<String> = browser
        .find_all("form[action$='/activities'] select[name=activity_type] option")
        .iter()
        .map(|o| browser.property(o, "value").as_str().unwrap_or_default().to_string())
        .collect();
    // The catalog's activity types, including the planned KPI's "event".
    assert_eq!(
        options,
        ["call", "email", "meeting", "demo", "event"],
        "the quick-log types at {}",
        browser.current_url()
    );
    browser.click(&browser.find("form[action$='/activities'] select[name=activity_type] option[value=call]"));
    assert_eq!(browser.property(&kind, "value"), json!("call"), "the type select did not take \"call\"");
    let date = browser.find("form[action$='/activities'] input[name=date]");
    assert_eq!(browser.property(&date, "value"), json!(today), "the quick-log date should default to today");
    // Typing into a date input depends on the browser's locale: set it directly.
    browser.execute("arguments[0].value = arguments[1];", json!([Browser::element_ref(&date), today]));
    let minutes = browser.find("form[action$='/activities'] input[name=minutes]");
    browser.clear(&minutes);
    browser.send_keys(&minutes, "15");
    let log_it = browser.find("form[action$='/activities'] button[type=submit]");
    assert_eq!(browser.text(&log_it), "Log it");
    let before_submit = chrono::Local::now().naive_local();
    browser.click(&log_it);
    browser.wait_for_path("the rep page with a notice after logging", |p| {
        p.starts_with(&format!("/reps/{own_id}?")) && p.contains("notice=")
    });
    let expected_notice =
        format!("Logged “Call” on {}.", pacer_i18n::Locale::ENGLISH.date(chrono::Local::now().date_naive()));
    let notice = browser.find("main div.notice");
    assert_eq!(browser.text(&notice), expected_notice, "the notice after logging at {}", browser.current_url());
    // The table is newest first; the demo also has activities later today (it
    // generates whole working days), so the logged call is the first row that
    // is not in the future (or one in the same minute as it).
    let rows = browser.recent_activities();
    let now = chrono::Local::now().naive_local().format("%Y-%m-%d %H:%M").to_string();
    let later_today = rows.iter().take_while(|r| r.first().is_some_and(|when| *when > now)).count();
    if later_today > 0 {
        println!("  note: {later_today} demo activities later today are listed above the logged call");
    }
    let logged_at = before_submit.format("%Y-%m-%d %H:%M").to_string();
    let up_to_now = &rows[later_today..];
    let first_minute = up_to_now.first().and_then(|r| r.first()).cloned().unwrap_or_default();
    let logged = up_to_now.iter().take_while(|r| r.first() == Some(&first_minute)).find(|r| {
        r.len() == 5
            && r[0].starts_with(&today)
            && r[0] >= logged_at
            && r[1] == "Call"
            && r[2] == "15"
            && r[3] == "manual"
            && r[4] == "rep"
    });
    assert!(
        logged.is_some(),
        "the first row up to now of Recent activities should be a manual call today ({logged_at}) of 15 minutes entered by rep; \
         the rows up to now start with {:?} at {}",
        &up_to_now[..up_to_now.len().min(3)],
        browser.current_url()
    );
    browser.screenshot("03-rep-logged-call");

    // Another team's page and another rep's page are not found for a rep.
    let seen_by_rep = browser.org_people();
    let own_link = format!("/reps/{own_id}");
    assert_eq!(
        seen_by_rep,
        BTreeSet::from([(rep_name.clone(), own_link.clone())]),
        "a rep should see only themself on /org at {}",
        browser.current_url()
    );
    assert!(browser.try_find(&format!("main a[href='/teams/{EMEA_NORTH}']")).is_none(), "a rep sees EMEA North");
    browser.assert_not_found(&format!("/teams/{EMEA_NORTH}"));
    let other = if own_id == 1 { 2 } else { 1 };
    browser.assert_not_found(&format!("/reps/{other}"));

    // 04: signed out.
    browser.navigate("/");
    browser.sign_out();
    browser.screenshot("04-rep-signed-out");
    browser.navigate(&own_link);
    browser.wait_for_path("the login page for a signed-out visitor", |p| p.starts_with("/login"));

    // 05: the manager's /org: NA Mid-Market only.
    browser.sign_in("manager", "manager");
    browser.wait_for_path("the rep's page (the page asked for before signing in)", |p| p == own_link);
    let seen_by_manager = browser.org_people();
    browser.screenshot("05-manager-org");
    assert!(
        seen_by_manager.contains(&(rep_name.clone(), own_link.clone())),
        "the manager's /org should list the rep {rep_name} ({own_link}); it lists {seen_by_manager:?}"
    );
    let team_link = browser.find(&format!("main a[href='/teams/{NA_MID_MARKET}']"));
    assert_eq!(browser.text(&team_link), "NA Mid-Market");
    assert!(
        browser.try_find(&format!("main a[href='/teams/{EMEA_NORTH}']")).is_none(),
        "the manager's /org links to EMEA North at {}",
        browser.current_url()
    );
    let org_text = browser.body_text();
    assert!(!org_text.contains("EMEA North"), "the manager's /org mentions EMEA North:\n{org_text}");
    assert!(!browser.page_source().contains("EMEA North"), "the manager's /org source mentions EMEA North");

    // 06: the manager's team.
    browser.navigate(&format!("/teams/{NA_MID_MARKET}"));
    assert!(browser.heading().starts_with("NA Mid-Market"), "team {NA_MID_MARKET} at {}", browser.current_url());
    browser.wait_for_text("Members today");
    browser.find(&format!("main a[href='{own_link}']"));
    browser.screenshot("06-manager-team");

    // 07: another manager's team is not found.
    browser.assert_not_found(&format!("/teams/{EMEA_NORTH}"));
    browser.screenshot("07-manager-other-team");

    // 07a-c: the manager's filter forms, offering NA Mid-Market and the teams below it only.
    browser.navigate("/reports");
    let teams_source = browser.find("form.filters select[name=team]");
    let offered = browser.property(&teams_source, "textContent").as_str().unwrap_or_default().to_string();
    assert!(offered.contains("NA Mid-Market") && !offered.contains("EMEA North"), "the manager is offered {offered:?}");
    submit_filter_forms(&browser, "manager", "07");

    // 08: signed out.
    browser.navigate("/");
    browser.sign_out();
    browser.screenshot("08-manager-signed-out");

    // 09: the leader sees everyone: the manager does not.
    browser.sign_in("lead", "leader");
    let seen_by_leader = browser.org_people();
    browser.find(&format!("main a[href='/teams/{EMEA_NORTH}']"));
    browser.screenshot("09-leader-org");
    submit_filter_forms(&browser, "leader", "09");
    browser.sign_out();
    let hidden: Vec<&String> =
        seen_by_leader.iter().filter(|p| !seen_by_manager.contains(p)).map(|(name, _)| name).collect();
    assert!(
        seen_by_manager.is_subset(&seen_by_leader),
        "the manager sees people the leader does not: {:?}",
        seen_by_manager.difference(&seen_by_leader).collect::<Vec<_>>()
    );
    assert!(!hidden.is_empty(), "the manager sees all {} people the leader sees", seen_by_leader.len());
    println!(
        "  the manager sees {} people, the leader {} ({} hidden from the manager, e.g. {})",
        seen_by_manager.len(),
        seen_by_leader.len(),
        hidden.len(),
        hidden[0]
    );
    println!("browser test done in {:.1} s", started.elapsed().as_secs_f64());
}

/// The window widths every page is looked at: a laptop and a phone.
const WIDTHS: [u32; 2] = [1440, 390];

/// The demo's users, with the role the header names and how far up the roles they are.
const DEMO_USERS: [(&str, &str, u8); 5] = [
    ("ops", "admin", 3),
    ("lead", "leader", 2),
    ("manager", "manager", 1),
    ("manager2", "manager", 1),
    ("rep", "rep", 0),
];

/// Titles of the pages that say something went wrong rather than show what was asked for.
const ERROR_TITLES: [&str; 5] =
    ["Not found", "Not allowed", "That did not work", "Something went wrong", "Please sign in"];

/// Statuses and reasons the server knows by keys, which people must read in words.
const STATUS_KEYS: [&str; 7] =
    ["no_data", "low_completeness", "silent_source", "not_live", "no_close_date", "not_opened", "churn_event"];

/// One page to look at: what it is, its path, and the section of the navigation it is in.
struct PageToSee {
    what: &'static str,
    path: String,
    section: Option<&'static str>,
}

fn page(what: &'static str, path: impl Into<String>, section: Option<&'static str>) -> PageToSee {
    PageToSee { what, path: path.into(), section }
}

/// What a page shows, as the browser laid it out.
#[derive(Debug)]
struct Seen {
    scroll_width: u64,
    inner_width: u64,
    h1: String,
    /// The text a person sees, but for code and files shown as they are (`code`, `pre`, `textarea`).
    text: String,
    /// Tables with a column no header names.
    headless_tables: u64,
    skip_link: bool,
    /// The visible navigation links marked as the current page.
    current: Vec<String>,
    /// The phone menu's summary ("Menu · Reports").
    menu: String,
    /// Boxes of wide tables whose table is wider than the box (and scrolls inside it).
    scrolling_boxes: u64,
}

impl Browser {
    /// Lays out the page and reads what [`Seen`] holds.
    fn seen(&self) -> Seen {
        let v = self.execute(
            "const text = [];
             const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
             while (walk.nextNode()) {
                 const e = walk.currentNode.parentElement;
                 if (e && !e.closest('code, pre, textarea, script, style') && e.checkVisibility()) text.push(walk.currentNode.textContent);
             }
             const width = row => [...row.cells].reduce((n, c) => n + c.colSpan, 0);
             const headless = [...document.querySelectorAll('main table')].filter(t => {
                 const named = t.tHead ? Math.max(0, ...[...t.tHead.rows].map(width)) : 0;
                 const widest = Math.max(0, ...[...t.tBodies].flatMap(b => [...b.rows]).map(width));
                 const blank = t.tHead && [...t.tHead.querySelectorAll('th')].some(th => !th.textContent.trim());
                 return named < widest || blank;
             }).length;
             return {
                 scroll_width: document.documentElement.scrollWidth,
                 inner_width: window.innerWidth,
                 h1: (document.querySelector('h1') || {}).textContent || '',
                 text: text.join(' '),
                 headless_tables: headless,
                 skip_link: !!document.querySelector('a.skip[href=\"#content\"]') && !!document.querySelector('main#content'),
                 current: [...document.querySelectorAll('header.top [aria-current=page]')].filter(a => a.checkVisibility()).map(a => a.textContent.trim()),
                 menu: (document.querySelector('details.menu summary') || {}).textContent || '',
                 scrolling_boxes: [...document.querySelectorAll('main .scroll')].filter(b => b.scrollWidth > b.clientWidth).length,
             };",
            json!([]),
        );
        let text = |k: &str| v[k].as_str().unwrap_or_default().trim().to_string();
        Seen {
            scroll_width: v["scroll_width"].as_u64().unwrap_or(u64::MAX),
            inner_width: v["inner_width"].as_u64().unwrap_or(0),
            h1: text("h1"),
            text: text("text"),
            headless_tables: v["headless_tables"].as_u64().unwrap_or(u64::MAX),
            skip_link: v["skip_link"].as_bool().unwrap_or(false),
            current: v["current"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().map(String::from))
                .collect(),
            menu: text("menu"),
            scrolling_boxes: v["scrolling_boxes"].as_u64().unwrap_or(u64::MAX),
        }
    }

    /// The `href` of the first link matching `css` on the page at `path`, if any.
    fn link_on(&self, path: &str, css: &str) -> Option<String> {
        self.navigate(path);
        self.find("h1");
        self.try_find(css).and_then(|a| self.attribute(&a, "href"))
    }

    /// The keys a page must not show: the catalog's KPI, activity type and field value keys in
    /// snake_case, as `/api/v1/catalog` gives them, statuses and forecast categories, and the
    /// audit log's actions as stored.
    fn raw_keys(&self) -> BTreeSet<String> {
        self.navigate("/api/v1/catalog");
        let catalog: Value = serde_json::from_str(&self.body_text()).expect("/api/v1/catalog is not JSON");
        let c = &catalog["catalog"];
        let kpis = c["kpis"].as_array().into_iter().flatten().map(|k| &k["key"]);
        let types = c["activity_types"].as_array().into_iter().flatten();
        let fields = types.clone().flat_map(|t| t["fields"].as_array().into_iter().flatten());
        let values = fields.flat_map(|f| f["values"].as_array().into_iter().flatten());
        let mut keys: BTreeSet<String> =
            kpis.chain(types.map(|t| &t["key"])).chain(values).filter_map(|k| k.as_str().map(String::from)).collect();
        assert!(keys.contains("new_business"), "the demo catalog's keys: {keys:?}");
        keys.extend(STATUS_KEYS.iter().map(|k| k.to_string()));
        keys.extend(pacer_core::audit::AuditAction::ALL.iter().map(|a| a.as_str().to_string()));
        keys.extend(pacer_core::pipeline::ForecastCategory::ALL.iter().map(|c| c.as_str().to_string()));
        // A key of one word ("expansion") is a word too.
        keys.retain(|k| k.contains(['_', '.']));
        keys
    }

    /// The GET pages of `routes.rs` a user `level` up the roles may open (0 rep, 1 manager,
    /// 2 leader, 3 admin), with real ids: the team, rep, plans and review their links lead to.
    fn pages_to_see(&self, level: u8) -> Vec<PageToSee> {
        let org = Some("Organisation");
        let team = self.link_on("/org", "main a[href^='/teams/']").expect("no team on /org");
        let rep =
            self.try_find("main a[href^='/reps/']").and_then(|a| self.attribute(&a, "href")).expect("no rep on /org");
        let mut pages = vec![
            page("home", "/", Some("Home")),
            page("org", "/org", org),
            page("team", team, org),
            page("rep", rep.clone(), org),
            page("calendar", "/calendar", Some("Calendar")),
            page("catalog", "/catalog", Some("KPIs")),
            page("readiness", "/readiness", Some("Readiness")),
            page("logging", "/logging", Some("Logging")),
            page("reports", "/reports", Some("Reports")),
            page("leaderboard", "/leaderboard", Some("Leaderboard")),
            page("pipeline", "/pipeline", Some("Pipeline")),
            page("account", "/account", None),
            page("digest", "/digest", Some("My digest")),
        ];
        if level >= 1 {
            let plans = self.link_list("/plans", "main a[href^='/plans/']");
            let plan = plans.first().cloned().expect("no plan on /plans");
            let attainment =
                self.link_on(&plan, "main a[href*='/attainment?kpi=']").expect("no attainment link on a plan");
            let ids: Vec<&str> = plans.iter().take(2).map(|p| p.trim_start_matches("/plans/")).collect();
            self.navigate("/reviews");
            let review = self.execute(
                "const rows = [...document.querySelectorAll('main tbody tr')];
                 const opened = rows.filter(r => !r.cells[1].textContent.includes('not opened'));
                 return (opened.pop() || rows.pop()).querySelector('a').getAttribute('href');",
                json!([]),
            );
            let plans_section = Some("Plans");
            pages.extend([
                page("churn", "/churn", Some("Churn")),
                page("seasonality", "/seasonality", Some("Seasonality")),
                page("plans", "/plans", plans_section),
                page("plan", plan, plans_section),
                page("attainment", attainment, plans_section),
                page("plans-compare", format!("/plans/compare?ids={}", ids.join("&ids=")), plans_section),
                page("reviews", "/reviews", Some("Reviews")),
                page("review", review.as_str().expect("no review on /reviews"), Some("Reviews")),
                page("scorecard", format!("/scorecard?rep={}", rep.trim_start_matches("/reps/")), None),
                page("dashboard", "/dashboard", None),
            ]);
            // A team's dashboard, from the home page's links to them (the leadership's ranks the teams).
            if let Some(team) = self.link_on("/", "main a[href^='/dashboard?team=']") {
                pages.push(page("team-dashboard", team, None));
            }
        }
        if level >= 2 {
            pages.push(page("audit", "/audit", Some("Audit log")));
        }
        if level >= 3 {
            pages.extend([
                page("import", "/import", Some("Import")),
                page("stages", "/stages", Some("Stages")),
                page("users", "/users", Some("Users")),
                page("tokens", "/tokens", Some("API tokens")),
            ]);
        }
        pages
    }

    /// The `href`s of the links matching `css` on the page at `path` that lead to one record
    /// (a number after the last slash).
    fn link_list(&self, path: &str, css: &str) -> Vec<String> {
        self.navigate(path);
        self.find("h1");
        let links = self.find_all(css).iter().filter_map(|a| self.attribute(a, "href")).collect::<Vec<_>>();
        links.into_iter().filter(|h| h.rsplit('/').next().is_some_and(|id| id.parse::<i64>().is_ok())).collect()
    }
}

/// What is wrong with the text a person sees: a raw key, a figure in minor units or a count not
/// grouped by thousands (five or more digits without a separator) or a timestamp as stored.
fn raw_text(text: &str, keys: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let words: BTreeSet<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map(|w| w.trim_matches('.'))
        .collect();
    found.extend(words.iter().filter(|w| keys.contains(**w)).map(|w| format!("the key {w:?}")));
    let digits = text.split(|c: char| !c.is_ascii_digit()).filter(|run| run.len() >= 5);
    found.extend(digits.map(|run| format!("the figure {run} without separators")));
    let bytes = text.as_bytes();
    let stamp = |w: &[u8]| {
        w.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 => *b == b':',
            _ => b.is_ascii_digit(),
        })
    };
    found.extend(
        bytes.windows(16).filter(|w| stamp(w)).map(|w| format!("the timestamp {}", String::from_utf8_lossy(w))),
    );
    found
}

/// Filters the audit log as a person does, picking who and what kind of record by name: the
/// leader's changes to plans, in words.
fn audit_by_picking(browser: &Browser) {
    browser.navigate("/audit");
    browser.choose("actor", "lead");
    browser.choose("entity", "plan");
    let at = browser.show_filtered("/audit", "Audit log");
    let rows = browser.execute(
        "return [...document.querySelectorAll('main tbody tr')].map(r => [r.cells[1].textContent.trim(), r.cells[2].textContent.trim()]);",
        json!([]),
    );
    let rows: Vec<(String, String)> = serde_json::from_value(rows).expect("the audit rows");
    assert!(
        !rows.is_empty() && rows.iter().all(|(who, what)| who == "lead" && what.starts_with("Plan ")),
        "{at} lists {rows:?}"
    );
    assert_eq!([browser.chosen("actor"), browser.chosen("entity")], [json!("lead"), json!("plan")], "at {at}");
}

#[test]
fn raw_text_finds_keys_minor_units_and_stored_timestamps() {
    let keys: BTreeSet<String> = ["new_business", "plan.targets.put"].map(String::from).into();
    let found = raw_text("Plan targets changed: new_business, 221089800 at 2026-12-02T06:30:17Z.", &keys);
    assert_eq!(
        found,
        ["the key \"new_business\"", "the figure 221089800 without separators", "the timestamp 2026-12-02T06:30"]
    );
    let shown = raw_text("plan.targets.put. New business won 2,210,898.00 on 2 Dec 2026, 06:30; FY2027 Q3", &keys);
    assert_eq!(shown, ["the key \"plan.targets.put\""]);
}

#[test]
fn browser_every_page_as_every_role_on_a_laptop_and_a_phone() {
    if !browser_available() {
        return;
    }
    let started = Instant::now();
    let mut guard = Guard::default();
    let browser = open_browser(&mut guard);
    let mut keys = None;
    let mut problems = Vec::new();
    let mut visits = 0;
    for (user, role, level) in DEMO_USERS {
        browser.set_width(WIDTHS[0]);
        browser.navigate("/");
        browser.sign_in(user, role);
        let keys = keys.get_or_insert_with(|| browser.raw_keys());
        let pages = browser.pages_to_see(level);
        for width in WIDTHS {
            browser.set_width(width);
            for p in &pages {
                browser.navigate(&p.path);
                let seen = browser.seen();
                visits += 1;
                let at = format!("{} ({user}, {width} px)", p.path);
                let mut problem = |what: String| problems.push(format!("{at}: {what}"));
                if ERROR_TITLES.contains(&seen.h1.as_str()) || seen.h1.is_empty() {
                    problem(format!("shows {:?} instead of the page", seen.h1));
                }
                if seen.scroll_width > seen.inner_width {
                    problem(format!("the page is {} px wide in a {} px window", seen.scroll_width, seen.inner_width));
                }
                for raw in raw_text(&seen.text, keys) {
                    problem(format!("shows {raw}"));
                }
                // A plan's grid shows every month and the year on a laptop, without scrolling.
                if p.what == "plan" && width == WIDTHS[0] && seen.scrolling_boxes > 0 {
                    problem("the plan's grid does not fit: it scrolls".into());
                }
                if seen.headless_tables > 0 {
                    problem(format!("{} table(s) with a column without a header", seen.headless_tables));
                }
                if !seen.skip_link {
                    problem("no skip link to the content".into());
                }
                // Each role's home is its dashboard: a rep's scorecard, a manager's team, the leadership's.
                let home =
                    ["My scorecard", "My team: ", "Leadership dashboard", "Leadership dashboard"][usize::from(level)];
                if p.what == "home" && !seen.text.contains(home) {
                    problem(format!("the home page is not the {home:?} dashboard"));
                }
                match (p.section, width >= 800) {
                    (Some(section), true) if seen.current != [section] => {
                        problem(format!("the navigation marks {:?} as current, not {section:?}", seen.current))
                    }
                    (Some(section), false) if !seen.menu.ends_with(&format!("· {section}")) => {
                        problem(format!("the menu reads {:?}, not where one is ({section})", seen.menu))
                    }
                    _ => {}
                }
                browser.screenshot_page(&format!("pages-{width}-{user}-{}", p.what));
            }
        }
        if level >= 2 {
            audit_by_picking(&browser);
        }
        // On a phone the sections are behind the Menu: it opens and leads on.
        let summary = browser.find("details.menu summary");
        browser.click(&summary);
        let reports = browser.find("details.menu nav a[href='/reports']");
        browser.click(&reports);
        browser.wait_for_path("the reports page, from the phone menu", |p| p.starts_with("/reports"));
        browser.set_width(WIDTHS[0]);
        browser.sign_out();
    }
    assert!(problems.is_empty(), "{} problems on {visits} pages seen:\n{}", problems.len(), problems.join("\n"));
    println!(
        "{visits} pages seen as {} users at {WIDTHS:?} px in {:.1} s; screenshots in {}",
        DEMO_USERS.len(),
        started.elapsed().as_secs_f64(),
        screenshot_dir().display()
    );
}

/// The words a page says to people: its visible text nodes and the `title`, `aria-label`,
/// `placeholder` and `alt` texts, each trimmed, but for code and files shown as they are; and the
/// page's `lang`.
fn words_of(browser: &Browser) -> (String, BTreeSet<String>) {
    let v = browser.execute(
        "const out = [];
         const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
         while (walk.nextNode()) {
             const e = walk.currentNode.parentElement;
             if (!e || e.closest('code, pre, textarea, script, style')) continue;
             if (e.closest('body') && !e.checkVisibility()) continue;
             out.push(walk.currentNode.textContent);
         }
         for (const e of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
             for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
                 if (e.hasAttribute(a)) out.push(e.getAttribute(a));
             }
         }
         return { lang: document.documentElement.lang, words: out };",
        json!([]),
    );
    let words = v["words"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w.as_str())
        .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "))
        // A sample of a settings file (`kind = "deals"`) is machine text, not words.
        .filter(|w| !w.is_empty() && !w.contains(" = \""))
        .collect();
    (v["lang"].as_str().unwrap_or_default().to_string(), words)
}

/// Every string of the JSON `value` and of its parts (names of people, teams, KPIs, accounts,
/// plans: the organisation's own words, which no translation changes).
fn strings_of(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            out.insert(s.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

/// Words French writes as English does (the same word in both, a brand, an acronym, a format).
const SAME_IN_FRENCH: [&str; 32] = [
    "Pacer",
    "Organisation",
    "Pipeline",
    "Plans",
    "Plan",
    "Total",
    "KPI",
    "CSV",
    "XLSX",
    "JSON",
    "toml",
    "EMEA",
    "Manager",
    "manager",
    "Marketing",
    "Contact",
    "Version",
    "Versions",
    "Note",
    "Date",
    "Type",
    "Minutes",
    "Source",
    "Action",
    "contraction",
    "active",
    "GRR",
    "NRR",
    "API",
    "CRM",
    "normal",
    "acceptable",
];

/// Whether a text has words a translation would change once the organisation's own words
/// (`data`, longest first) are taken out of it: a run of three letters or more that French does
/// not write the same.
fn has_words(text: &str, data: &[&String]) -> bool {
    // A name cut short to fit a chart ("New business …") is still the name.
    if let Some(start) = text.strip_suffix('…').map(str::trim_end)
        && !start.is_empty()
        && data.iter().any(|d| d.starts_with(start))
    {
        return false;
    }
    let mut rest = text.to_string();
    for d in data.iter().filter(|d| d.chars().filter(|c| c.is_alphabetic()).count() >= 3) {
        if rest.contains(d.as_str()) {
            rest = rest.replace(d.as_str(), " ");
        }
    }
    rest.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .any(|w| !SAME_IN_FRENCH.contains(&w) && !w.starts_with("FY"))
}

/// A French browser: every page of every role answers in French (`lang="fr"`, the sign-in and the
/// header in French). Each page is opened side by side in an English and a French browser; a
/// text the French page shows exactly as the English one does is English left over, unless it is
/// the organisation's own data (as the API gives it) or a text French writes the same.
#[test]
fn browser_every_page_in_french_for_a_french_browser() {
    if !browser_available() {
        return;
    }
    let started = Instant::now();
    let mut guard = Guard::default();
    let site = start_server(&mut guard);
    let driver = start_chromedriver(&mut guard);
    let mut session = |language: Option<&str>| {
        let profile = unique_dir("profile");
        guard.dirs.push(profile.clone());
        Browser::new_session(&driver, &site, &profile, screenshot_dir(), language)
    };
    let (english, french) = (session(None), session(Some("fr")));
    let french_roles =
        [("admin", "administrateur"), ("leader", "direction"), ("manager", "manager"), ("rep", "commercial")];
    let mut data = BTreeSet::new();
    let mut problems = Vec::new();
    let mut visits = 0;
    for (user, role, level) in DEMO_USERS {
        english.navigate("/");
        english.sign_in(user, role);
        french.navigate("/");
        let submit = french.enter(user);
        assert_eq!(french.text(&submit), "Se connecter", "the French sign-in button");
        french.click(&submit);
        french.wait_for_path(&format!("to leave the login page as {user}"), |p| !p.starts_with("/login"));
        let who = french.text(&french.find("header.top .who a"));
        let words = french_roles.iter().find(|(en, _)| *en == role).map(|(_, fr)| *fr).unwrap_or(role);
        assert!(who.ends_with(&format!("({words})")), "the French header shows {who:?} for {user}");
        if data.is_empty() {
            // The organisation's own words, read as the administrator (the first demo user).
            for endpoint in
                ["organisation", "teams", "reps", "catalog", "deals", "plans", "horizon", "users", "tokens", "audit"]
            {
                english.navigate(&format!("/api/v1/{endpoint}"));
                if let Ok(v) = serde_json::from_str::<Value>(&english.body_text()) {
                    strings_of(&v, &mut data);
                }
            }
            // The organisation's settings the API does not list: its churn reasons and pipeline
            // stages, the demo's being the defaults.
            data.extend(pacer_core::churn::default_reasons().into_iter().map(|r| r.name));
            data.extend(pacer_core::pipeline::StageConfig::default().stages().iter().map(|s| s.name.clone()));
            data.extend(["metrics.toml", "stages.toml"].map(String::from));
        }
        let mut longest_first: Vec<&String> = data.iter().collect();
        longest_first.sort_by_key(|d| std::cmp::Reverse(d.len()));
        for p in english.pages_to_see(level) {
            english.navigate(&p.path);
            french.navigate(&p.path);
            let (_, english_words) = words_of(&english);
            let (lang, french_words) = words_of(&french);
            visits += 1;
            let at = format!("{} ({user})", p.path);
            if lang != "fr" {
                problems.push(format!("{at}: lang={lang:?}, not \"fr\""));
            }
            let left: Vec<&String> =
                french_words.iter().filter(|w| english_words.contains(*w) && has_words(w, &longest_first)).collect();
            if !left.is_empty() {
                problems.push(format!("{at}: English left: {left:?}"));
            }
            // French is longer than English: no page is wider than a laptop's or a phone's window.
            for width in WIDTHS {
                french.set_width(width);
                let seen = french.seen();
                if seen.scroll_width > seen.inner_width {
                    problems.push(format!(
                        "{at}: {} px wide in a {} px window in French",
                        seen.scroll_width, seen.inner_width
                    ));
                }
                french.screenshot_page(&format!("pages-fr-{width}-{user}-{}", p.what));
            }
            french.set_width(WIDTHS[0]);
        }
        english.sign_out();
        french.click(&french.find("header.top form[action='/logout'] button[type=submit]"));
        french.wait_for_path("the login page after signing out", |p| p.starts_with("/login"));
    }
    assert!(problems.is_empty(), "{} problems on {visits} French pages:\n{}", problems.len(), problems.join("\n"));
    println!(
        "{visits} pages seen in French as {} users in {:.1} s; screenshots in {}",
        DEMO_USERS.len(),
        started.elapsed().as_secs_f64(),
        screenshot_dir().display()
    );
}
