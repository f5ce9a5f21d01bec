//! A deterministic benchmark corpus: a monorepo of Python, TypeScript/TSX and Rust files with a
//! definitions module per side, flag checks in a few percent of files (forks of every shape),
//! tests, Django migrations, and vendored and ignored folders, plus a `flaglint.toml` and
//! ast-grep rules for the same calls.
//!
//! ```sh
//! cargo run --release --example corpus -- OUT_DIR [FILES]   # FILES defaults to 20000
//! ```

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[path = "../tests/common/rng.rs"]
mod rng;
use rng::Rng;

const FLAGS: usize = 200;
/// Percent of source files that check a flag.
const CHECKING_PERCENT: u64 = 3;

fn flag(i: usize) -> (String, String) {
    (format!("FLAG_{i:03}"), format!("flag_{i:03}"))
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create directory");
    }
    fs::write(path, text).expect("write file");
}

/// Python filler: functions and a class, about `lines` lines.
fn python_body(rng: &mut Rng, lines: usize) -> String {
    let mut out =
        String::from("import json\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n");
    let mut n = 0;
    while out.lines().count() < lines {
        n += 1;
        let _ = write!(
            out,
            "\n\ndef helper_{n}(items, limit={}):\n    \"\"\"Filter and serialise items.\"\"\"\n    kept = [i for i in items if i.get(\"score\", 0) > limit]\n    for item in kept:\n        logger.debug(\"item %s\", item)\n    return json.dumps(kept)\n",
            rng.below(100)
        );
        if n % 4 == 0 {
            let _ = write!(
                out,
                "\n\nclass Model{n}:\n    def __init__(self, name):\n        self.name = name\n\n    def describe(self):\n        return f\"{{self.name}} #{n}\"\n"
            );
        }
    }
    out
}

/// A Python flag check in one of the fork shapes.
fn python_check(rng: &mut Rng, n: usize) -> String {
    let (symbol, _) = flag(rng.below(FLAGS as u64) as usize);
    let call = format!("get_flag_for_user(user, flags.{symbol})");
    match rng.below(6) {
        0 => format!("\n\ndef gated_{n}(user):\n    if {call}:\n        return \"new\"\n    else:\n        return \"old\"\n"),
        1 => format!("\n\ndef gated_{n}(user):\n    if not {call}:\n        return \"old\"\n    return \"new\"\n"),
        2 => format!("\n\ndef gated_{n}(user, ready):\n    if ready and {call}:\n        return \"new\"\n    return \"old\"\n"),
        3 => format!("\n\ndef gated_{n}(user):\n    enabled = {call}\n    if enabled:\n        return \"new\"\n    return \"old\"\n"),
        4 => format!("\n\ndef gated_{n}(user):\n    return \"new\" if {call} else \"old\"\n"),
        _ => format!("\n\ndef gated_{n}(user, mode):\n    if mode == \"a\":\n        return 1\n    elif {call}:\n        return 2\n    return 3\n"),
    }
}

fn ts_body(rng: &mut Rng, lines: usize, jsx: bool) -> String {
    let mut out = String::from("import { useMemo, useState } from 'react';\n\n");
    let mut n = 0;
    while out.lines().count() < lines {
        n += 1;
        let _ = write!(
            out,
            "\nexport function compute{n}(items: number[], limit = {}): number[] {{\n  const kept = items.filter((i) => i > limit);\n  return kept.map((i) => i * 2);\n}}\n",
            rng.below(100)
        );
        if jsx && n % 3 == 0 {
            let _ = write!(
                out,
                "\nexport function Widget{n}({{ label }}: {{ label: string }}) {{\n  const [open, setOpen] = useState(false);\n  const text = useMemo(() => label.toUpperCase(), [label]);\n  return <div onClick={{() => setOpen(!open)}}>{{text}}</div>;\n}}\n"
            );
        }
    }
    out
}

fn ts_check(rng: &mut Rng, n: usize, jsx: bool) -> String {
    let (symbol, _) = flag(rng.below(FLAGS as u64) as usize);
    let call = format!("checkFeatureFlag(FeatureFlags.{symbol})");
    if !jsx {
        return format!("\nexport function gated{n}(checkFeatureFlag: (f: string) => boolean): string {{\n  if ({call}) {{\n    return 'new';\n  }} else {{\n    return 'old';\n  }}\n}}\n");
    }
    match rng.below(4) {
        0 => format!("\nexport function Gated{n}({{ checkFeatureFlag }}: any) {{\n  if ({call}) {{\n    return <New />;\n  }} else {{\n    return <Old />;\n  }}\n}}\n"),
        1 => format!("\nexport function Gated{n}({{ checkFeatureFlag }}: any) {{\n  return {call} ? <New /> : <Old />;\n}}\n"),
        2 => format!("\nexport function Gated{n}({{ checkFeatureFlag }}: any) {{\n  if (!{call}) {{\n    return <Old />;\n  }}\n  return <New />;\n}}\n"),
        _ => format!("\nexport function Gated{n}({{ checkFeatureFlag, on }}: any) {{\n  if (on && {call}) {{\n    return <New />;\n  }}\n  return <Old />;\n}}\n"),
    }
}

fn rust_body(rng: &mut Rng, lines: usize) -> String {
    let mut out = String::from("use std::collections::HashMap;\n\n");
    let mut n = 0;
    while out.lines().count() < lines {
        n += 1;
        let _ = write!(
            out,
            "\npub fn compute_{n}(items: &[u64]) -> HashMap<u64, u64> {{\n    let mut counts = HashMap::new();\n    for item in items.iter().filter(|i| **i > {}) {{\n        *counts.entry(*item).or_insert(0) += 1;\n    }}\n    counts\n}}\n",
            rng.below(100)
        );
    }
    out
}

fn rust_check(rng: &mut Rng, n: usize) -> String {
    let (symbol, _) = flag(rng.below(FLAGS as u64) as usize);
    format!(
        "\npub fn gated_{n}(client: &Client) -> &'static str {{\n    if client.is_enabled(flags::SVC_{symbol}) {{\n        \"new\"\n    }} else {{\n        \"old\"\n    }}\n}}\n"
    )
}

fn definitions(root: &Path) {
    let mut py = String::from("\"\"\"Backend feature flags.\"\"\"\n\n");
    let mut ts = String::from("export enum FeatureFlags {\n");
    let mut rs = String::new();
    for i in 0..FLAGS {
        let (symbol, key) = flag(i);
        let _ = writeln!(py, "{symbol} = \"{key}\"");
        let _ = writeln!(ts, "  {symbol} = '{key}',");
        let _ = writeln!(rs, "pub const SVC_{symbol}: &str = \"svc_{key}\";");
    }
    ts.push_str("}\n");
    write(root, "backend/feature_flags/__init__.py", "");
    write(root, "backend/feature_flags/flags.py", &py);
    write(root, "frontend/src/flags/types.ts", &ts);
    write(root, "services/flags/src/lib.rs", &rs);
    write(
        root,
        "services/flags/Cargo.toml",
        "[package]\nname = \"flags\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
}

fn config(root: &Path) {
    write(
        root,
        "flaglint.toml",
        "exclude = [\"vendor/**\"]\n\n[[definitions]]\nside = \"backend\"\npath = \"backend/feature_flags/flags.py\"\n\n[[definitions]]\nside = \"frontend\"\npath = \"frontend/src/flags/types.ts\"\n\n[[definitions]]\nside = \"backend\"\npath = \"services/flags/src/lib.rs\"\n\n[[checks]]\ncall = \"get_flag_for_user\"\nkey = 1\nlanguage = \"python\"\n\n[[checks]]\ncall = \"checkFeatureFlag\"\nkey = 0\nlanguage = \"typescript\"\n\n[[checks]]\ncall = \"is_enabled\"\nkey = 0\nlanguage = \"rust\"\n",
    );
    write(root, ".gitignore", "build/\n");
    write(root, ".ignore", "vendor/\n");
    write(root, "sgconfig.yml", "ruleDirs:\n  - ast-grep-rules\n");
    for (id, language, pattern) in [
        ("python-check", "Python", "get_flag_for_user($$$)"),
        ("ts-check", "TypeScript", "checkFeatureFlag($$$)"),
        ("tsx-check", "Tsx", "checkFeatureFlag($$$)"),
        ("rust-check", "Rust", "$C.is_enabled($$$)"),
    ] {
        write(
            root,
            &format!("ast-grep-rules/{id}.yml"),
            &format!("id: {id}\nlanguage: {language}\nseverity: info\nmessage: flag check\nrule:\n  pattern: {pattern}\n"),
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: corpus OUT_DIR [FILES]");
        std::process::exit(2);
    };
    let files: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let root = Path::new(&out);
    if root.exists() {
        fs::remove_dir_all(root).expect("remove the old corpus");
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    definitions(root);
    config(root);
    let apps = (files / 50).max(1);
    let mut written = 0;
    let mut n = 0;
    while written < files {
        n += 1;
        let app = n % apps;
        let lines = 40 + rng.below(160) as usize;
        let checks = rng.below(100) < CHECKING_PERCENT;
        // Half Python, a third TS/TSX, the rest Rust; some tests, migrations, vendored and ignored.
        let (rel, mut text, check): (String, String, Option<String>) = match rng.below(12) {
            0..=5 => {
                let kind = ["views", "models", "serializers", "tasks", "utils", "api"]
                    [rng.below(6) as usize];
                let check = checks.then(|| python_check(&mut rng, n));
                let import = if check.is_some() {
                    "from feature_flags import flags\n"
                } else {
                    ""
                };
                (
                    format!("backend/app{app}/{kind}_{n}.py"),
                    format!("{import}{}", python_body(&mut rng, lines)),
                    check,
                )
            }
            6 => (
                format!("backend/app{app}/tests/test_{n}.py"),
                python_body(&mut rng, lines),
                None,
            ),
            7..=8 => {
                let jsx = rng.below(2) == 0;
                let ext = if jsx { "tsx" } else { "ts" };
                let check = checks.then(|| ts_check(&mut rng, n, jsx));
                let import = if check.is_some() {
                    "import { FeatureFlags } from '../flags/types';\n"
                } else {
                    ""
                };
                (
                    format!("frontend/src/app{app}/Component{n}.{ext}"),
                    format!("{import}{}", ts_body(&mut rng, lines, jsx)),
                    check,
                )
            }
            9..=10 => (
                format!("services/svc{app}/src/mod_{n}.rs"),
                rust_body(&mut rng, lines),
                checks.then(|| rust_check(&mut rng, n)),
            ),
            _ => {
                let place = ["vendor/lib", "build/out", "node_modules/pkg"][rng.below(3) as usize];
                (
                    format!("{place}/file_{n}.js"),
                    ts_body(&mut rng, lines, true),
                    None,
                )
            }
        };
        if let Some(check) = check {
            text.push_str(&check);
        }
        write(root, &rel, &text);
        written += 1;
        if app == 0 && n % 97 == 0 && written < files {
            let (symbol, _) = flag(rng.below(FLAGS as u64) as usize);
            write(
                root,
                &format!("backend/app{app}/migrations/{:04}_flag_{n}.py", n % 10_000),
                &format!(
                    "from django.db import migrations\n\nfrom feature_flags.flags import {symbol}\n\n\ndef create(apps, schema_editor):\n    apps.get_model(\"waffle\", \"Flag\").objects.get_or_create(name={symbol})\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [migrations.RunPython(create, migrations.RunPython.noop)]\n"
                ),
            );
            written += 1;
        }
    }
    println!("wrote {written} files to {}", root.display());
}
