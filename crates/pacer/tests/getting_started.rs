//! docs/getting-started.md, run as written: every `sh` block, in order, in an empty folder
//! with the `pacer` under test first on the PATH, on the sample CRM exports `pacer samples`
//! writes. A block that fails fails the test with its output; the figures the guide talks
//! about are checked too. On SQLite, and on PostgreSQL when it answers.

use pacer_storage::testing::TestDb;
use std::path::Path;
use std::process::Command;

/// The `sh` blocks of a Markdown text, in order.
fn shell_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), text) => {
                block.push_str(text);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// On the default SQLite file, and on PostgreSQL (a fresh database named by
/// `PACER_DATABASE_URL`) when it answers.
#[test]
fn the_getting_started_guide_runs_as_written() {
    run_guide(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    if let Some(db) = rt.block_on(TestDb::postgres()) {
        run_guide(Some(db.url.as_str()));
    }
}

fn run_guide(database: Option<&str>) {
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/getting-started.md"))
        .expect("docs/getting-started.md");
    let blocks = shell_blocks(&guide);
    assert!(blocks.len() >= 6, "{} blocks", blocks.len());

    let backend = if database.is_some() { "postgres" } else { "sqlite" };
    let dir = std::env::temp_dir().join(format!("pacer-getting-started-{}-{backend}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_pacer")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut transcript = String::new();
    for block in &blocks {
        let mut bash = Command::new("bash");
        bash.arg("-c").arg(format!("set -euo pipefail\n{block}")).current_dir(&dir).env("PATH", &path);
        bash.env_remove("PACER_CONFIG");
        match database {
            Some(url) => bash.env("PACER_DATABASE_URL", url),
            None => bash.env_remove("PACER_DATABASE_URL"),
        };
        let out = bash.output().expect("bash");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "this block of the guide failed:\n{block}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        );
        transcript.push_str(&stdout);
        transcript.push_str(&stderr);
    }

    // What the guide says the commands show.
    for said in [
        "preset pacer-teams (recognised from the header)",
        "preset pacer-reps (recognised from the header)",
        "read as windows-1252 (detected)",
        "preset salesforce-opportunities (recognised from the header); 5 report row(s) left out",
        "\"Confidential Information - Do Not Distribute\"",
        "preset hubspot-calls (recognised from the header)",
        "preset salesforce-activities (recognised from the header)",
        "against Annual plan v1",
        "Monthly recurring revenue: no data",
    ] {
        assert!(transcript.contains(said), "the guide's run on {backend} does not show {said:?}:\n{transcript}");
    }
    // The calls imported again with the outcome mapped are updated, not added.
    let again = transcript.lines().find(|l| l.starts_with("exports/calls.csv: 0 new, ")).unwrap_or_default();
    assert!(again.contains(" updated, ") && !again.contains(" 0 updated"), "{transcript}");
    assert!(dir.join("review.xlsx").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
