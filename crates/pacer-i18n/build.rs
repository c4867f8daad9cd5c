//! Gathers every Fluent resource under `locales/<language>/` into the binary, so that adding a
//! file needs no change to the code (and two people adding files do not touch the same line).

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Relative paths, here and in the code written: the same build serves a checkout wherever it
    // is (a copy of the target directory, another clone), each reading its own files.
    let root = Path::new("locales");
    println!("cargo:rerun-if-changed=locales");
    let mut files = Vec::new();
    for language in std::fs::read_dir(root).expect("locales/ is readable") {
        let language = language.expect("locales/ is readable").path();
        if !language.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", language.display());
        for file in std::fs::read_dir(&language).expect("a language's folder is readable") {
            let path = file.expect("a language's folder is readable").path();
            if path.extension().is_some_and(|e| e == "ftl") {
                println!("cargo:rerun-if-changed={}", path.display());
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// Every Fluent resource: (language tag, file name, text).\npub(crate) const RESOURCES: &[(&str, &str, &str)] = &[\n",
    );
    for path in &files {
        let language = path.parent().and_then(Path::file_name).and_then(|n| n.to_str()).expect("utf-8 name");
        let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
        writeln!(
            out,
            "    ({language:?}, {name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/locales/{language}/{name}\"))),"
        )
        .expect("string");
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("resources.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
