//! The device's read model: what the screens ask on every edit, kept in
//! memory and updated on write (docs/device.md#the-read-model), so an edit
//! costs the same with 1 or 200 inspections on the device.

use super::{ClientError, ClientResult, Device};
use std::collections::HashMap;
use std::sync::MutexGuard;
use xuncha_core::scoring::Grade;
use xuncha_core::sync::AssignmentNotice;
use xuncha_core::template::{Template, TemplateRef};
use xuncha_core::{Centre, DocumentId};

/// What the list of centres shows of one inspection: computed once and kept
/// until the document, its template or its centre changes (the device's
/// read model), so an edit costs the same with 1 or 200 inspections.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocSummary {
    pub status: xuncha_core::document::WorkflowStatus,
    /// Anything recorded (answers, photos, notes).
    pub started: bool,
    pub answered: usize,
    pub items: usize,
    /// The provisional score.
    pub total: f64,
    pub grade: Grade,
}

#[derive(Debug, Default)]
pub(super) struct ReadModel {
    /// This device's assignments by document, read from the store once.
    assignments: Option<HashMap<DocumentId, AssignmentNotice>>,
    /// Templates as parsed, by reference.
    templates: HashMap<TemplateRef, Template>,
    /// The list's summary per document; dropped when the document changes,
    /// all of them when a template or a centre does.
    summaries: HashMap<DocumentId, DocSummary>,
    /// Centre records as parsed, by code (None: not in the catalog).
    centres: HashMap<String, Option<Centre>>,
}

impl Device {
    pub fn put_template(&self, t: &Template, etag: &str) -> ClientResult<()> {
        let json = serde_json::to_string(t).map_err(|e| ClientError::Damaged(e.to_string()))?;
        self.store.put_template(&t.reference(), &json, etag)?;
        let mut read = self.read_model();
        read.templates.remove(&t.reference());
        read.summaries.clear();
        Ok(())
    }

    /// A template by reference, parsed once per app run.
    pub fn template(&self, t: &TemplateRef) -> ClientResult<Template> {
        if let Some(cached) = self.read_model().templates.get(t) {
            return Ok(cached.clone());
        }
        let (json, _) = self.store.template(t)?.ok_or_else(|| ClientError::MissingTemplate(t.clone()))?;
        let parsed: Template =
            serde_json::from_str(&json).map_err(|e| ClientError::Damaged(format!("template {t}: {e}")))?;
        self.read_model().templates.insert(t.clone(), parsed.clone());
        Ok(parsed)
    }

    pub(super) fn read_model(&self) -> MutexGuard<'_, ReadModel> {
        self.read.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn cached_summary(&self, id: &DocumentId) -> Option<DocSummary> {
        self.read_model().summaries.get(id).cloned()
    }

    pub(crate) fn keep_summary(&self, id: &DocumentId, summary: &DocSummary) {
        self.read_model().summaries.insert(*id, summary.clone());
    }

    /// The document changed: its summary is computed again when next asked.
    pub(super) fn changed(&self, id: &DocumentId) {
        self.read_model().summaries.remove(id);
    }

    /// Stores a centre's record from the server; scores may change with it.
    pub fn put_centre(&self, code: &str, json: &str) -> ClientResult<()> {
        self.store.put_centre(code, json)?;
        let mut read = self.read_model();
        read.summaries.clear();
        read.centres.remove(code);
        Ok(())
    }

    /// A centre's record from the catalog, parsed once (None: not here yet,
    /// or a record this version cannot read).
    pub fn centre(&self, code: &str) -> ClientResult<Option<Centre>> {
        if let Some(c) = self.read_model().centres.get(code) {
            return Ok(c.clone());
        }
        let parsed = self.store.centre(code)?.and_then(|json| serde_json::from_str::<Centre>(&json).ok());
        self.read_model().centres.insert(code.to_owned(), parsed.clone());
        Ok(parsed)
    }

    /// This device's assignments that are not cancelled (from the read model).
    pub fn assignments(&self) -> ClientResult<Vec<AssignmentNotice>> {
        let mut read = self.read_model();
        Ok(self.all_assignments(&mut read)?.values().filter(|a| !a.cancelled).cloned().collect())
    }

    /// The assignment of `doc` on this device (read from the store once).
    pub fn assignment_for(&self, doc: &DocumentId) -> ClientResult<Option<AssignmentNotice>> {
        let mut read = self.read_model();
        Ok(self.all_assignments(&mut read)?.get(doc).cloned())
    }

    /// The read model's assignments, read from the store on first use.
    fn all_assignments<'a>(&self, read: &'a mut ReadModel) -> ClientResult<&'a HashMap<DocumentId, AssignmentNotice>> {
        if read.assignments.is_none() {
            let mut all = HashMap::new();
            for json in self.store.assignments()? {
                if let Ok(a) = serde_json::from_str::<AssignmentNotice>(&json) {
                    all.insert(a.doc, a);
                }
            }
            read.assignments = Some(all);
        }
        Ok(read.assignments.get_or_insert_default())
    }

    /// Stores an assignment the server sent, and keeps the read model in step.
    pub fn put_assignment(&self, a: &AssignmentNotice) -> ClientResult<()> {
        let json = serde_json::to_string(a).map_err(|e| ClientError::Damaged(e.to_string()))?;
        self.store.put_assignment(a.id, &json)?;
        if let Some(all) = self.read_model().assignments.as_mut() {
            all.insert(a.doc, a.clone());
        }
        Ok(())
    }

    /// How many documents have changes the server has not acknowledged.
    pub fn unsynced_count(&self) -> ClientResult<usize> {
        let mut n = 0;
        for info in self.store.docs()? {
            n += usize::from(self.unsynced(&info.doc)?);
        }
        Ok(n)
    }

    /// Whether the document has changes the server has not acknowledged:
    /// its heads against the acknowledged ones, nothing serialised.
    pub fn unsynced(&self, id: &DocumentId) -> ClientResult<bool> {
        let mut docs = self.lock();
        let loaded = self.loaded(&mut docs, id)?;
        let heads = loaded.doc.automerge_mut().get_heads();
        Ok(heads != loaded.ack)
    }
}
