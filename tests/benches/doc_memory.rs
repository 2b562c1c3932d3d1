//! The server's memory for the documents it holds: 10,000 fully answered
//! village inspections stored, then each one loaded the way a sync round
//! or a review loads it. Prints the resident memory per loaded document
//! (every one held: a cache as large as the set) and the server's memory
//! with all 10,000 touched under the default cache (512 held).
//! Run: `cargo bench -p xuncha-tests --bench doc_memory` (300 documents under `cargo test`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use xuncha_tests::load::held;

/// Each measurement in a process of its own: memory one server frees
/// stays with its process, and would hide what the next one grows by.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = if args.iter().any(|a| a == "--bench") { 10_000 } else { 300 };
    if let Some(mode) = args.iter().position(|a| a == "--one").and_then(|i| args.get(i + 1)) {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let (per_doc, all) = rt.block_on(match mode.as_str() {
            "default" => held(n, 512, true),
            "loaded" => held(n, n, false),
            _ => held(n, n, true),
        });
        println!("{per_doc} {all}");
        return;
    }
    let measure = |mode: &str| -> (f64, f64) {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(args.iter().skip(1)).args(["--one", mode]);
        let out = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
        let figures: Vec<f64> = out.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        (figures[0], figures[1])
    };
    println!("doc_memory: {n} fully answered village inspections, each loaded once (one process per figure)");
    let (_, default) = measure("default");
    println!("  default cache (512):   {default:.1} MiB more resident with all {n} touched by a round");
    let (per_doc, all) = measure("loaded");
    println!(
        "  every one held, as a review or a read loads it: {all:.1} MiB more resident, {per_doc:.1} KiB per document"
    );
    let (per_doc, all) = measure("round");
    println!(
        "  every one held as a device's round leaves it (with its snapshot): {all:.1} MiB, {per_doc:.1} KiB per document"
    );
}
