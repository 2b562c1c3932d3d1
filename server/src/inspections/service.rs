//! The inspections service: loaded documents, scoring on ingest, reviews,
//! assignments and who may read what.
//!
//! Every write to one document (a device's round, a review, an assignment)
//! holds that document's lock from load to commit, so the score stored with
//! a set of heads is always the score of exactly those heads.

use super::InspectionError;
use super::cache::{DocCache, LoadedDoc, SlotGuard};
use super::store::{
    DocMeta, DocStore, DocSummary, DocWrite, InspectionFilter, InspectionRow, ScoreRow, ScoreWrite, StoredDoc,
};
use crate::accounts::store::{Role, User, UserStore};
use crate::catalog::store::CatalogStore;
use crate::catalog::templates::Templates;
use crate::storage::{Page, PageReq};
use automerge::{ActorId, AutoCommit, ChangeHash};
use std::sync::{Arc, OnceLock, Weak};
use xuncha_core::DocumentId;
use xuncha_core::document::{InspectionDoc, InspectionSnapshot, ReviewEntry, ReviewStatus};
use xuncha_core::scoring::{EvidenceFacts, Report, score};

pub struct Inspections {
    pub(super) docs: Arc<dyn DocStore>,
    pub(super) catalog: Arc<dyn CatalogStore>,
    pub(super) users: Arc<dyn UserStore>,
    pub(super) templates: Arc<Templates>,
    cache: DocCache,
    /// The server's own Automerge actor: it writes reviews and creates assigned inspections.
    server_actor: ActorId,
    /// Stored changes past which a document is saved whole again.
    compact_after: usize,
    /// Told of every approval (rectification listens); weak, as it holds us.
    listener: OnceLock<Weak<dyn ApprovalListener>>,
}

/// Told of every approval, with the approved state and its score, while the
/// document is still locked: rectification records its problems from it.
pub trait ApprovalListener: Send + Sync {
    fn approved(&self, row: &InspectionRow, snap: &InspectionSnapshot, report: &Report, by: &str)
    -> Result<(), String>;
}

impl std::fmt::Debug for Inspections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inspections").finish_non_exhaustive()
    }
}

/// What a round adds to one document, before it is scored and written.
#[derive(Debug)]
pub struct Round<'a> {
    pub meta: DocMeta,
    pub is_new: bool,
    /// The heads as committed before this round.
    pub base: Vec<ChangeHash>,
    pub new_changes: Vec<(ChangeHash, Vec<u8>)>,
    /// Changes stored since the last snapshot, before this round.
    pub pending: usize,
    pub members: Vec<String>,
    pub reason: &'a str,
}

/// Runs store work off the async threads.
pub async fn blocking<T: Send + 'static, E: From<InspectionError> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    tokio::task::spawn_blocking(f).await.map_err(|e| InspectionError::Internal(e.to_string()))?
}

fn internal(e: impl std::fmt::Display) -> InspectionError {
    InspectionError::Internal(e.to_string())
}

impl Inspections {
    pub fn new(
        docs: Arc<dyn DocStore>,
        catalog: Arc<dyn CatalogStore>,
        users: Arc<dyn UserStore>,
        templates: Arc<Templates>,
        limits: &crate::config::Limits,
    ) -> Result<Self, crate::storage::StoreError> {
        let server_actor = docs.server_actor()?;
        Ok(Self {
            docs,
            catalog,
            users,
            templates,
            cache: DocCache::new(limits.doc_cache),
            server_actor,
            compact_after: limits.compact_after,
            listener: OnceLock::new(),
        })
    }

    /// Sets who is told of approvals (once, when the services are wired).
    pub fn on_approval(&self, listener: Weak<dyn ApprovalListener>) {
        let _ = self.listener.set(listener);
    }

    /// Tells the listener of an approval. Its failure fails the request:
    /// the approval stands and approving again records what was missed.
    fn tell_approved(&self, row: &InspectionRow, snap: &InspectionSnapshot, by: &str) -> Result<(), InspectionError> {
        let Some(listener) = self.listener.get().and_then(Weak::upgrade) else { return Ok(()) };
        let (_, score) = self.score_snapshot(&row.doc, snap, "approval")?;
        let Some(score) = score else { return Ok(()) };
        listener.approved(row, snap, &score.report, by).map_err(|e| {
            InspectionError::Internal(format!("the approval is recorded but its problems are not ({e}): approve again"))
        })
    }

    pub fn store(&self) -> &dyn DocStore {
        self.docs.as_ref()
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn catalog(&self) -> &dyn CatalogStore {
        self.catalog.as_ref()
    }

    /// Locks one document (a round locks several, in id order).
    pub async fn lock(&self, doc: DocumentId) -> SlotGuard {
        self.cache.lock(doc).await
    }

    /// The one way to work on a stored document: locks it, loads it when it
    /// is not in memory, and runs `f` on the blocking pool with its slot
    /// (`None` inside: no such document). The lock is held until `f`
    /// returns, so `f` sees a committed state and what it commits is seen
    /// whole by the next.
    pub async fn with_doc<T, E>(
        self: &Arc<Self>,
        doc: DocumentId,
        f: impl FnOnce(&Self, &mut Option<LoadedDoc>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<InspectionError> + Send + 'static,
    {
        let mut guard = self.lock(doc).await;
        let this = self.clone();
        blocking(move || {
            this.ensure_loaded(&doc, &mut guard)?;
            f(&this, &mut guard)
        })
        .await
    }

    /// Fills the slot from the store when empty. `Ok(false)`: no such document.
    pub fn ensure_loaded(&self, id: &DocumentId, slot: &mut Option<LoadedDoc>) -> Result<bool, InspectionError> {
        if let Some(loaded) = slot.as_mut() {
            // Another instance may have written it since: the copy in memory
            // is used only while it is what is stored.
            if !self.docs.shared() {
                return Ok(true);
            }
            let mut heads = loaded.doc.get_heads();
            heads.sort();
            if self.docs.stored_heads(id)?.as_ref() == Some(&heads) {
                return Ok(true);
            }
            *slot = None;
        }
        let Some(stored) = self.docs.load_doc(id)? else { return Ok(false) };
        *slot = Some(load_stored(stored)?);
        Ok(true)
    }

    /// Scores a snapshot with the server's facts (centre record, photos received).
    pub fn score_snapshot(
        &self,
        doc: &DocumentId,
        snap: &InspectionSnapshot,
        reason: &str,
    ) -> Result<(DocSummary, Option<ScoreWrite>), InspectionError> {
        let mut summary = DocSummary {
            status: snap.status(),
            total: None,
            grade: None,
            complete: false,
            on_site: None,
            vetoes: 0,
            conflicts: u32::try_from(snap.conflicts.len()).unwrap_or(u32::MAX),
            evidence_problems: 0,
            figures: Default::default(),
        };
        let (Some(known), Some(centre)) = (self.templates.get(&snap.template), self.catalog.centre(&snap.centre_code)?)
        else {
            return Ok((summary, None));
        };
        let photos: Vec<String> = snap.photos.keys().cloned().collect();
        let facts = EvidenceFacts { received_photos: Some(self.docs.received(doc, &photos)?) };
        let report = score(&known.template, snap, &centre, &facts).map_err(internal)?;
        let grade = report.grade;
        summary.total = Some(report.total);
        summary.grade = Some(grade);
        summary.complete = report.complete;
        summary.on_site = Some(report.on_site.status);
        summary.vetoes = u32::try_from(report.vetoes.len()).unwrap_or(u32::MAX);
        summary.evidence_problems = u32::try_from(report.evidence_problems.len()).unwrap_or(u32::MAX);
        summary.figures = report.figures.clone();
        let total = report.total;
        Ok((summary, Some(ScoreWrite { total, grade, report: Box::new(report), reason: reason.to_owned() })))
    }

    /// Builds the write for changes just applied to `doc` (already checked).
    pub fn doc_write(
        &self,
        doc: &mut AutoCommit,
        snap: &InspectionSnapshot,
        r: Round<'_>,
    ) -> Result<DocWrite, InspectionError> {
        let Round { meta, is_new, base, new_changes, pending, members, reason } = r;
        let (summary, score) = self.score_snapshot(&meta.doc, snap, reason)?;
        let compact = is_new || pending + new_changes.len() > self.compact_after;
        Ok(DocWrite {
            meta,
            is_new,
            base_heads: base,
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

    /// Applies a change written by the server's own actor (a review) to a
    /// loaded document, scores it and commits it. The slot is updated only
    /// after the commit.
    fn apply_server_change(
        &self,
        slot: &mut Option<LoadedDoc>,
        reason: &str,
        change: impl FnOnce(&mut InspectionDoc) -> Result<(), InspectionError>,
    ) -> Result<InspectionSnapshot, InspectionError> {
        let template = slot.as_ref().ok_or(InspectionError::NotFound)?.meta.template.clone();
        self.apply_server_change_to(slot, &template, reason, change)
    }

    /// As [`Self::apply_server_change`], for a change that leaves the
    /// document on template version `template` (a move to a newer one).
    pub(super) fn apply_server_change_to(
        &self,
        slot: &mut Option<LoadedDoc>,
        template: &xuncha_core::template::TemplateRef,
        reason: &str,
        change: impl FnOnce(&mut InspectionDoc) -> Result<(), InspectionError>,
    ) -> Result<InspectionSnapshot, InspectionError> {
        let loaded = slot.as_mut().ok_or(InspectionError::NotFound)?;
        let before = loaded.doc.get_heads();
        let mut doc =
            InspectionDoc::from_automerge(loaded.doc.fork().with_actor(self.server_actor.clone())).map_err(internal)?;
        change(&mut doc)?;
        let snap = doc.snapshot().map_err(|e| InspectionError::Invalid(e.to_string()))?;
        let mut am = doc.into_automerge();
        let new = changes_since(&mut am, &before);
        let pending = loaded.pending;
        let meta = DocMeta { template: template.clone(), ..loaded.meta.clone() };
        let round = Round {
            meta: meta.clone(),
            is_new: false,
            base: before,
            new_changes: new,
            pending,
            members: Vec::new(),
            reason,
        };
        let write = self.doc_write(&mut am, &snap, round)?;
        let compacted = write.compacted.is_some();
        let added = write.new_changes.len();
        if let Err(e) = self.docs.commit_round(vec![write], None, crate::storage::now_ms()) {
            // What is stored is unknown now: reload it next time.
            *slot = None;
            return Err(e.into());
        }
        loaded.pending = if compacted { 0 } else { pending + added };
        loaded.doc = am;
        loaded.meta = meta;
        loaded.prior = None;
        Ok(snap)
    }

    /// Writes a supervisor's decision into the document with the server's
    /// actor. Only signed-off work is reviewed: approving a draft would put
    /// figures nobody vouched for into the quarterly statistics. The
    /// decision records the sign-offs it saw, so a later sign-off supersedes
    /// it whatever the phones' clocks say.
    pub fn write_review(
        &self,
        slot: &mut Option<LoadedDoc>,
        by: &str,
        status: ReviewStatus,
        comment: String,
        item_comments: std::collections::BTreeMap<String, String>,
    ) -> Result<InspectionSnapshot, InspectionError> {
        self.apply_server_change(slot, "review", |d| {
            let sign_offs = d.snapshot().map_err(internal)?.sign_offs;
            if sign_offs.is_empty() {
                return Err(InspectionError::NotSigned);
            }
            let entry = ReviewEntry {
                status,
                by: by.to_owned(),
                at: crate::storage::now_ms(),
                comment,
                item_comments,
                reviewed_sign_offs: sign_offs,
            };
            d.write_review(&entry).map_err(|e| InspectionError::Invalid(e.to_string()))
        })
    }

    /// A supervisor's review of an inspection in their region (blocking work inside).
    #[tracing::instrument(name = "review", skip_all, fields(user = %by.username, doc = %id))]
    pub async fn review(
        self: &Arc<Self>,
        by: &User,
        id: DocumentId,
        status: ReviewStatus,
        comment: String,
        item_comments: std::collections::BTreeMap<String, String>,
    ) -> Result<InspectionRow, InspectionError> {
        let row = self.readable_async(by, id).await?;
        if !by.oversees(&row.region) {
            return Err(InspectionError::Forbidden);
        }
        let by = by.username.clone();
        self.with_doc(id, move |this, slot| {
            let snap = this.write_review(slot, &by, status, comment, item_comments)?;
            tracing::info!(doc = %id, by = %by, "reviewed");
            let row = this.docs.inspection(&id)?.ok_or(InspectionError::NotFound)?;
            if status == ReviewStatus::Approved {
                this.tell_approved(&row, &snap, &by)?;
            }
            Ok(row)
        })
        .await
    }

    /// The inspection's row when `user` may read it: a member, or a
    /// supervisor or administrator whose region covers its centre. One
    /// answer for "no such inspection" and "not yours": an id seen in a URL
    /// or an export tells nobody outside the region that it exists.
    pub fn readable(&self, user: &User, doc: &DocumentId) -> Result<InspectionRow, InspectionError> {
        let row = self.docs.inspection(doc)?.ok_or(InspectionError::NotFound)?;
        match user.oversees(&row.region) || self.docs.is_member(doc, &user.username)? {
            true => Ok(row),
            false => Err(InspectionError::NotFound),
        }
    }

    /// A page of the inspections the filter selects (the route builds the
    /// filter within the caller's reach).
    pub async fn list(
        self: &Arc<Self>,
        filter: InspectionFilter,
        page: PageReq,
    ) -> Result<Page<InspectionRow>, InspectionError> {
        let this = self.clone();
        blocking(move || Ok(this.docs.list_inspections(&filter, page)?)).await
    }

    pub async fn readable_async(
        self: &Arc<Self>,
        user: &User,
        doc: DocumentId,
    ) -> Result<InspectionRow, InspectionError> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || this.readable(&user, &doc)).await
    }

    /// The official report: the inspection, its latest score and the document.
    pub async fn report(
        self: &Arc<Self>,
        user: &User,
        id: DocumentId,
    ) -> Result<(InspectionRow, Option<ScoreRow>, InspectionSnapshot), InspectionError> {
        let (this, u) = (self.clone(), user.clone());
        let (row, score) = blocking(move || {
            let row = this.readable(&u, &id)?;
            Ok::<_, InspectionError>((row, this.docs.latest_score(&id)?))
        })
        .await?;
        let document = self
            .with_doc(id, |_, slot| {
                let loaded = slot.as_ref().ok_or(InspectionError::NotFound)?;
                InspectionDoc::from_automerge(loaded.doc.clone()).and_then(|d| d.snapshot()).map_err(internal)
            })
            .await?;
        // A phone number left for 回访 is for whoever makes the call.
        let document =
            if user.has_role(&[Role::Supervisor, Role::Administrator]) { document } else { document.without_phones() };
        Ok((row, score, document))
    }

    pub async fn score_history(
        self: &Arc<Self>,
        user: &User,
        id: DocumentId,
    ) -> Result<Vec<ScoreRow>, InspectionError> {
        let (this, u) = (self.clone(), user.clone());
        blocking(move || {
            this.readable(&u, &id)?;
            Ok(this.docs.score_history(&id)?)
        })
        .await
    }

    /// Re-scores a loaded document without new changes (e.g. a photo arrived).
    pub fn rescore(&self, slot: &mut Option<LoadedDoc>, reason: &str) -> Result<(), InspectionError> {
        let Some(loaded) = slot.as_mut() else { return Ok(()) };
        let snap = InspectionDoc::from_automerge(loaded.doc.clone()).and_then(|d| d.snapshot()).map_err(internal)?;
        let (summary, score) = self.score_snapshot(&loaded.meta.doc, &snap, reason)?;
        if let Some(score) = score {
            self.docs.add_score(
                &loaded.meta.doc,
                &loaded.doc.get_heads(),
                &summary,
                &score,
                crate::storage::now_ms(),
            )?;
        }
        Ok(())
    }

    /// Re-scores each of `docs` (their evidence facts changed).
    pub async fn rescore_all(
        self: &Arc<Self>,
        docs: Vec<DocumentId>,
        reason: &'static str,
    ) -> Result<(), InspectionError> {
        for doc in docs {
            self.with_doc(doc, move |this, slot| this.rescore(slot, reason)).await?;
        }
        Ok(())
    }

    pub(super) fn server_actor(&self) -> ActorId {
        self.server_actor.clone()
    }
}

fn load_stored(stored: StoredDoc) -> Result<LoadedDoc, InspectionError> {
    let damaged = |e: automerge::AutomergeError| InspectionError::Damaged(e.to_string());
    let mut doc = AutoCommit::load(&stored.snapshot).map_err(damaged)?;
    for change in &stored.changes {
        doc.load_incremental(change).map_err(damaged)?;
    }
    Ok(LoadedDoc { doc, meta: stored.meta, pending: stored.changes.len(), prior: None })
}

/// The changes of `doc` newer than `before`, as stored.
pub fn changes_since(doc: &mut AutoCommit, before: &[ChangeHash]) -> Vec<(ChangeHash, Vec<u8>)> {
    doc.get_changes(before).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect()
}
