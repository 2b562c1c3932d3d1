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

use xuncha_core::DocumentId;
use xuncha_core::document::{Answer, AnswerRecord, InspectionDoc, NewInspection, WorkflowStatus};
use xuncha_core::template::{AnswerSpec, TemplateRef, builtin_templates};
use xuncha_server::inspections::store::DocMeta;
use xuncha_tests::{TestServer, stored_doc, summary};

const CENTRE: &str = "130102-V02";

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

/// Resident memory of this process, in KiB.
fn rss_kib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0)
}

/// One inspection with every scale and yes/no item answered, saved.
fn answered_doc() -> (Vec<u8>, Vec<automerge::ChangeHash>, TemplateRef) {
    let template = builtin_templates().unwrap().into_iter().find(|t| t.id == "village").unwrap();
    let new = NewInspection {
        centre_code: CENTRE.into(),
        template: template.reference(),
        purpose: Default::default(),
        created_by: "insp".into(),
        created_by_name: "insp".into(),
        at: xuncha_server::now_ms(),
    };
    let mut doc = InspectionDoc::create(automerge::ActorId::random(), &new, &template).unwrap();
    let items: Vec<(String, Answer)> = template
        .items()
        .filter_map(|(_, i)| match &i.answer {
            AnswerSpec::Scale { max, .. } => Some((i.id.clone(), Answer::Scale(*max))),
            AnswerSpec::YesNo => Some((i.id.clone(), Answer::YesNo(true))),
            _ => None,
        })
        .collect();
    for (item, answer) in items {
        let record = AnswerRecord { answer, by: "insp".into(), at: xuncha_server::now_ms() };
        doc.set_answer(&template, &item, &record).unwrap();
    }
    let heads = doc.automerge_mut().get_heads();
    (doc.save(), heads, template.reference())
}

/// Stores `n` documents, loads each through a server whose cache holds
/// `cache`, and returns the memory it grew by: per document in KiB, and
/// in all in MiB.
async fn held(n: usize, cache: usize) -> (f64, f64) {
    let server = TestServer::start_with(|c| c.limits.doc_cache = cache).await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    let (bytes, heads, template) = answered_doc();
    let ids: Vec<DocumentId> = (0..n).map(|_| DocumentId::random()).collect();
    for chunk in ids.chunks(500) {
        let writes = chunk
            .iter()
            .map(|&doc| {
                let meta = DocMeta {
                    doc,
                    centre_code: CENTRE.into(),
                    template: template.clone(),
                    purpose: Default::default(),
                    created_by: "insp".into(),
                    created_at: 1,
                    quarter: "2026Q4".into(),
                };
                stored_doc(meta, summary(WorkflowStatus::Draft, None, None), "insp", bytes.clone(), heads.clone())
            })
            .collect();
        server.state.store.commit_round(writes, None, 1).unwrap();
    }
    let before = rss_kib();
    let ins = server.state.inspections.clone();
    for &doc in &ids {
        let loaded = ins.with_doc(doc, |_, slot| Ok::<_, xuncha_server::inspections::InspectionError>(slot.is_some()));
        assert!(loaded.await.unwrap(), "document {doc} loads");
    }
    let grown = (rss_kib() - before).max(0.0);
    server.stop().await;
    (grown / n.min(cache) as f64, grown / 1024.0)
}
