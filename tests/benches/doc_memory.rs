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

fn main() {
    let n = if std::env::args().any(|a| a == "--bench") { 10_000 } else { 300 };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        println!("doc_memory: {n} fully answered village inspections, each loaded once");
        // The bounded cache first: memory freed by one server stays with the
        // process, and would hide what the next one grows by.
        let (_, default) = held(n, 512).await;
        println!("  default cache (512):   {default:.1} MiB more resident with all {n} touched");
        let (per_doc, all) = held(n, n).await;
        println!("  every one held:        {all:.1} MiB more resident, {per_doc:.1} KiB per loaded document");
    });
}
