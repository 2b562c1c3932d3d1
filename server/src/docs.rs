//! Loaded documents and scoring on ingest.
//!
//! Every write to one document (a device's round, a review, an assignment)
//! holds that document's lock from load to commit, so the score stored with
//! a set of heads is always the score of exactly those heads.

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{DocMeta, DocSummary, DocWrite, ScoreWrite, Store, StoredDoc};
use crate::templates::Templates;
use automerge::{AutoCommit, ChangeHash};
use xuncha_core::DocumentId;
use xuncha_core::document::{InspectionDoc, InspectionSnapshot, ReviewEntry, ReviewStatus};
use xuncha_core::scoring::{EvidenceFacts, score};

pub use crate::doc_cache::{DocCache, LoadedDoc, Slot, SlotGuard};

/// The one way to work on a stored document: locks it, loads it when it is
/// not in memory, and runs `f` on the blocking pool with its slot (`None`
/// inside: no such document). The lock is held until `f` returns, so `f`
/// sees a committed state and what it commits is seen whole by the next.
pub async fn with_doc<T: Send + 'static>(
    state: &AppState,
    doc: DocumentId,
    f: impl FnOnce(&AppState, &mut Option<LoadedDoc>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let mut guard = state.docs.lock(doc).await;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        ensure_loaded(st.store.as_ref(), &doc, &mut guard)?;
        f(&st, &mut guard)
    })
    .await?
}

/// Fills the slot from the store when empty. `Ok(false)`: no such document.
pub fn ensure_loaded(store: &dyn Store, id: &DocumentId, slot: &mut Option<LoadedDoc>) -> Result<bool, ApiError> {
    if slot.is_some() {
        return Ok(true);
    }
    let Some(stored) = store.load_doc(id)? else { return Ok(false) };
    *slot = Some(load_stored(stored)?);
    Ok(true)
}

fn load_stored(stored: StoredDoc) -> Result<LoadedDoc, ApiError> {
    let damaged = |e: automerge::AutomergeError| ApiError::Internal(format!("stored document damaged: {e}"));
    let mut doc = AutoCommit::load(&stored.snapshot).map_err(damaged)?;
    for change in &stored.changes {
        doc.load_incremental(change).map_err(damaged)?;
    }
    Ok(LoadedDoc { doc, meta: stored.meta, pending: stored.changes.len() })
}

/// Scores a snapshot with the server's facts (centre record, photos received).
pub fn score_snapshot(
    store: &dyn Store,
    templates: &Templates,
    doc: &DocumentId,
    snap: &InspectionSnapshot,
    reason: &str,
) -> Result<(DocSummary, Option<ScoreWrite>), ApiError> {
    let mut summary = DocSummary {
        status: snap.status().as_str().to_owned(),
        total: None,
        grade: None,
        complete: false,
        on_site: None,
        vetoes: 0,
        conflicts: u32::try_from(snap.conflicts.len()).unwrap_or(u32::MAX),
        evidence_problems: 0,
        figures: None,
    };
    let (Some(known), Some(centre)) = (templates.get(&snap.template), store.centre(&snap.centre_code)?) else {
        return Ok((summary, None));
    };
    let photos: Vec<String> = snap.photos.keys().cloned().collect();
    let facts = EvidenceFacts { received_photos: Some(store.received(doc, &photos)?) };
    let report = score(&known.template, snap, &centre, &facts).map_err(|e| ApiError::Internal(e.to_string()))?;
    let report_json = serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
    let report_deflated = crate::store::deflate(&report_json);
    let grade = serde_json::to_value(report.grade).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    summary.total = Some(report.total);
    summary.grade = Some(grade.clone());
    summary.complete = report.complete;
    summary.on_site = serde_json::to_value(report.on_site.status).ok().and_then(|v| v.as_str().map(str::to_owned));
    summary.vetoes = u32::try_from(report.vetoes.len()).unwrap_or(u32::MAX);
    summary.evidence_problems = u32::try_from(report.evidence_problems.len()).unwrap_or(u32::MAX);
    summary.figures = (!report.figures.is_empty()).then(|| serde_json::to_string(&report.figures).ok()).flatten();
    Ok((summary, Some(ScoreWrite { total: report.total, grade, report_deflated, reason: reason.to_owned() })))
}

/// What a round adds to one document, before it is scored and written.
#[derive(Debug)]
pub struct Round<'a> {
    pub meta: DocMeta,
    pub is_new: bool,
    pub new_changes: Vec<(ChangeHash, Vec<u8>)>,
    /// Changes stored since the last snapshot, before this round.
    pub pending: usize,
    pub members: Vec<String>,
    pub reason: &'a str,
}

/// Builds the write for changes just applied to `doc` (already checked).
pub fn doc_write(
    state: &AppState,
    doc: &mut AutoCommit,
    snap: &InspectionSnapshot,
    r: Round<'_>,
) -> Result<DocWrite, ApiError> {
    let Round { meta, is_new, new_changes, pending, members, reason } = r;
    let (summary, score) = score_snapshot(state.store.as_ref(), &state.templates, &meta.doc, snap, reason)?;
    let compact = is_new || pending + new_changes.len() > state.config.limits.compact_after;
    Ok(DocWrite {
        meta,
        is_new,
        heads: doc.get_heads(),
        compacted: compact.then(|| doc.save()),
        new_changes,
        summary,
        score,
        members,
        // Device thumbnails are blobs of the inspection too.
        photos: snap
            .photos
            .values()
            .flat_map(|p| std::iter::once(p.sha256.clone()).chain(p.thumbnail.clone()))
            .collect(),
    })
}

/// The changes of `doc` newer than `before`, as stored.
pub fn changes_since(doc: &mut AutoCommit, before: &[ChangeHash]) -> Vec<(ChangeHash, Vec<u8>)> {
    doc.get_changes(before).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect()
}

/// Applies a change written by the server's own actor (a review) to a
/// loaded document, scores it and commits it. The slot is updated only
/// after the commit.
pub fn apply_server_change(
    state: &AppState,
    slot: &mut Option<LoadedDoc>,
    reason: &str,
    change: impl FnOnce(&mut InspectionDoc) -> Result<(), ApiError>,
) -> Result<InspectionSnapshot, ApiError> {
    let loaded = slot.as_mut().ok_or_else(|| ApiError::NotFound("inspection".into()))?;
    let before = loaded.doc.get_heads();
    let mut doc = InspectionDoc::from_automerge(loaded.doc.fork().with_actor(state.server_actor.clone()))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    change(&mut doc)?;
    let snap = doc.snapshot().map_err(|e| ApiError::Invalid(e.to_string()))?;
    let mut am = doc.into_automerge();
    let new = changes_since(&mut am, &before);
    let pending = loaded.pending;
    let round =
        Round { meta: loaded.meta.clone(), is_new: false, new_changes: new, pending, members: Vec::new(), reason };
    let write = doc_write(state, &mut am, &snap, round)?;
    let compacted = write.compacted.is_some();
    let added = write.new_changes.len();
    if let Err(e) = state.store.commit_round(vec![write], None, crate::now_ms()) {
        // What is stored is unknown now: reload it next time.
        *slot = None;
        return Err(e.into());
    }
    loaded.pending = if compacted { 0 } else { pending + added };
    loaded.doc = am;
    Ok(snap)
}

/// Writes a supervisor's decision into the document with the server's actor.
/// Only signed-off work is reviewed: approving a draft would put figures
/// nobody vouched for into the quarterly statistics. The decision records
/// the sign-offs it saw, so a later sign-off supersedes it whatever the
/// phones' clocks say.
pub fn write_review(
    state: &AppState,
    slot: &mut Option<LoadedDoc>,
    by: &str,
    status: ReviewStatus,
    comment: String,
    item_comments: std::collections::BTreeMap<String, String>,
) -> Result<InspectionSnapshot, ApiError> {
    apply_server_change(state, slot, "review", |d| {
        let sign_offs = d.snapshot().map_err(|e| ApiError::Internal(e.to_string()))?.sign_offs;
        if sign_offs.is_empty() {
            return Err(ApiError::NotSigned(
                "nobody has signed this inspection off yet: it is reviewed once submitted".into(),
            ));
        }
        let entry = ReviewEntry {
            status,
            by: by.to_owned(),
            at: crate::now_ms(),
            comment,
            item_comments,
            reviewed_sign_offs: sign_offs,
        };
        d.write_review(&entry).map_err(|e| ApiError::Invalid(e.to_string()))
    })
}

/// The inspection's row when `auth` may read it: a member, or a
/// supervisor or administrator whose region covers its centre.
pub fn readable(
    store: &dyn Store,
    auth: &crate::auth::Auth,
    doc: &DocumentId,
) -> Result<crate::store::InspectionRow, ApiError> {
    // One answer for "no such inspection" and "not yours": an id seen in a
    // URL or an export tells nobody outside the region that it exists.
    let hidden = || ApiError::NotFound("inspection".into());
    let row = store.inspection(doc)?.ok_or_else(hidden)?;
    if auth.oversees(&row.region) || store.is_member(doc, &auth.user.username)? { Ok(row) } else { Err(hidden()) }
}

/// Re-scores a loaded document without new changes (e.g. a photo arrived).
pub fn rescore(state: &AppState, slot: &mut Option<LoadedDoc>, reason: &str) -> Result<(), ApiError> {
    let Some(loaded) = slot.as_mut() else { return Ok(()) };
    let doc = InspectionDoc::from_automerge(loaded.doc.clone()).map_err(|e| ApiError::Internal(e.to_string()))?;
    let snap = doc.snapshot().map_err(|e| ApiError::Internal(e.to_string()))?;
    let (summary, score) = score_snapshot(state.store.as_ref(), &state.templates, &loaded.meta.doc, &snap, reason)?;
    if let Some(score) = score {
        state.store.add_score(&loaded.meta.doc, &loaded.doc.get_heads(), &summary, &score, crate::now_ms())?;
    }
    Ok(())
}
