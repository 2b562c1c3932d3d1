//! Writes the UI's `Backend` interface and its Tauri transport
//! (ui/src/lib/backend.gen.ts) from the commands declared in `commands!`.
//! The test fails when the committed file differs; regenerate it with
//! `XUNCHA_BLESS=1 cargo test -p xuncha-app`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::commands::{CommandSpec, specs};
use std::collections::BTreeSet;

const HEADER: &str = "// DO NOT EDIT. Generated from src-tauri/src/commands.rs by its test;\n\
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-app`.\n";

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

/// `Array<T>` as the UI writes it (`T[]`).
fn tidy(ts: &str) -> String {
    match ts.strip_prefix("Array<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) if !inner.contains(['<', '|']) => format!("{inner}[]"),
        _ => ts.to_owned(),
    }
}

fn doc_comment(doc: &str, indent: &str) -> String {
    let lines: Vec<&str> = doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let body: String = many.iter().map(|l| format!("{indent} * {l}\n")).collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
    }
}

/// The TypeScript parameters: trailing nullable arguments become optional.
fn params(c: &CommandSpec) -> Vec<String> {
    let optional_from = c.args.iter().rposition(|(_, t)| !t.ends_with(" | null")).map_or(0, |i| i + 1);
    c.args
        .iter()
        .enumerate()
        .map(|(i, (name, t))| {
            let name = camel(name);
            if i >= optional_from { format!("{name}?: {}", tidy(t)) } else { format!("{name}: {}", tidy(t)) }
        })
        .collect()
}

fn type_names(specs: &[CommandSpec]) -> BTreeSet<String> {
    let builtin = ["string", "number", "boolean", "void", "null", "Array", "Uint8Array"];
    let mut names = BTreeSet::new();
    for t in specs.iter().flat_map(|c| c.args.iter().map(|(_, t)| t.as_str()).chain([c.ret.as_str()])) {
        for word in t.split(|c: char| !c.is_alphanumeric() && c != '_') {
            if word.starts_with(char::is_uppercase) && !builtin.contains(&word) {
                names.insert(word.to_owned());
            }
        }
    }
    names
}

pub fn generate() -> String {
    let specs = specs();
    let mut out = HEADER.to_owned();
    let types: Vec<String> = type_names(&specs).into_iter().collect();
    out.push_str(&format!("import type {{ {} }} from './types.gen';\n", types.join(", ")));
    out.push_str("import { call, write } from './tauri-call';\n\n");
    out.push_str("/** The app's commands (src-tauri/src/commands.rs), as the UI calls them. */\n");
    out.push_str("export interface Backend {\n");
    for c in &specs {
        out.push_str(&doc_comment(c.doc, "  "));
        out.push_str(&format!("  {}({}): Promise<{}>;\n", camel(c.name), params(c).join(", "), tidy(&c.ret)));
    }
    out.push_str("}\n\n/** The Tauri command behind each method. */\nexport const COMMANDS = {\n");
    for c in &specs {
        out.push_str(&format!("  {}: '{}',\n", camel(c.name), c.name));
    }
    out.push_str("} as const;\n\n");
    out.push_str("/** Events the app pushes to the page (src-tauri/src/lib.rs). */\nexport const EVENTS = {\n");
    out.push_str(&format!("  syncPanel: '{}',\n", crate::SYNC_PANEL_EVENT));
    out.push_str("} as const;\n\n");
    out.push_str("/**\n * Reads go straight through; writes wait for the write before them to\n");
    out.push_str(" * settle (Tauri runs commands concurrently). `custom` commands are\n");
    out.push_str(" * implemented by `TauriBackend` (backend-tauri.ts).\n */\n");
    out.push_str("export abstract class TauriCommands implements Backend {\n");
    for c in &specs {
        let (method, ret) = (camel(c.name), tidy(&c.ret));
        let ps = params(c).join(", ");
        if c.kind == "custom" {
            out.push_str(&format!("  abstract {method}({ps}): Promise<{ret}>;\n"));
            continue;
        }
        let send = if c.kind == "write" { "write" } else { "call" };
        let args: Vec<String> = c
            .args
            .iter()
            .map(|(n, t)| {
                let n = camel(n);
                if t.ends_with(" | null") { format!("{n}: {n} ?? null") } else { n }
            })
            .collect();
        let args = if args.is_empty() { String::new() } else { format!(", {{ {} }}", args.join(", ")) };
        out.push_str(&format!("  {method}({ps}) {{ return {send}<{ret}>('{}'{args}); }}\n", c.name));
    }
    out.push_str("}\n");
    out
}

#[test]
fn the_ui_backend_interface_matches_the_commands() {
    let kinds: BTreeSet<&str> = specs().iter().map(|c| c.kind).collect();
    assert!(kinds.is_subset(&BTreeSet::from(["read", "write", "custom"])), "{kinds:?}");
    let generated = generate();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend.gen.ts");
    if std::env::var_os("XUNCHA_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/backend.gen.ts is stale; run `XUNCHA_BLESS=1 cargo test -p xuncha-app` and commit it"
    );
}

#[test]
fn names_become_camel_case_and_trailing_nullables_optional() {
    assert_eq!(camel("mark_not_applicable"), "markNotApplicable");
    assert_eq!(tidy("Array<CentreCard>"), "CentreCard[]");
    let notes = specs().into_iter().find(|c| c.name == "set_notes").unwrap();
    assert_eq!(params(&notes), ["doc: string", "item: string | null", "text: string", "base?: string | null"]);
}
