//! What the app's screens show: assignments with the state of their
//! inspection, and per-document and per-photo sync status.

use crate::device::{ClientError, ClientResult, Device, DocSummary};
use serde::Serialize;
use xuncha_core::Centre;
use xuncha_core::DocumentId;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::{EvidenceFacts, ItemStatus, Report, score};
use xuncha_core::sync::AssignmentNotice;
use xuncha_core::template::{AnswerSpec, Template};

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub assignment: AssignmentNotice,
    pub centre_name: Option<String>,
    /// The centre's record, once the catalog has it.
    #[serde(skip)]
    pub centre: Option<Centre>,
    /// Where the assigned inspection stands, once it is on this device.
    pub status: Option<WorkflowStatus>,
    /// The list's summary, once the inspection, its template and its centre are here.
    #[serde(skip)]
    pub summary: Option<DocSummary>,
    pub sync: Option<DocSync>,
}

/// (answered, applicable) items the inspector answers: computed and text
/// items, N/A answers and items a condition switched off are not counted,
/// as on the checklist screen.
pub fn progress(template: &Template, report: &Report) -> (usize, usize) {
    let mut counts = (0, 0);
    for score in &report.items {
        let answerable = template
            .item(&score.id)
            .is_some_and(|i| !matches!(i.answer, AnswerSpec::Computed { .. } | AnswerSpec::Text));
        if !answerable || matches!(score.status, ItemStatus::NotApplicable | ItemStatus::Skipped) {
            continue;
        }
        counts.1 += 1;
        if score.status != ItemStatus::Unanswered {
            counts.0 += 1;
        }
    }
    counts
}

/// A document's sync state on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocSync {
    pub doc: DocumentId,
    /// Edits the server has not acknowledged yet.
    pub unsynced: bool,
    /// Why the server last refused this document, if it did.
    pub refused: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PhotoSync {
    pub sha256: String,
    pub uploaded: u64,
    pub size: u64,
    /// Why the server refused it for good.
    pub failed: Option<String>,
}

impl Device {
    /// The list's summary of `id` scored against `centre` (kept in the read
    /// model until the document changes); None while its template is not here.
    pub fn summary(&self, id: &DocumentId, centre: &Centre) -> ClientResult<Option<DocSummary>> {
        if let Some(s) = self.cached_summary(id) {
            return Ok(Some(s));
        }
        let snap = self.snapshot(id)?;
        let template = match self.template(&snap.template) {
            Ok(t) => t,
            Err(ClientError::MissingTemplate(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let report = score(&template, &snap, centre, &EvidenceFacts::default())?;
        let (answered, items) = progress(&template, &report);
        let started =
            !(snap.answers.is_empty() && snap.photos.is_empty() && snap.item_notes.is_empty() && snap.notes.is_empty());
        let summary =
            DocSummary { status: snap.status(), started, answered, items, total: report.total, grade: report.grade };
        self.keep_summary(id, &summary);
        Ok(Some(summary))
    }

    pub fn doc_sync(&self, doc: &DocumentId) -> ClientResult<DocSync> {
        Ok(DocSync { doc: *doc, unsynced: self.unsynced(doc)?, refused: self.store().error(doc)? })
    }

    /// Photos still to upload, with their progress.
    pub fn photo_sync(&self) -> ClientResult<Vec<PhotoSync>> {
        Ok(self
            .store()
            .pending_photos()?
            .into_iter()
            .map(|p| PhotoSync { sha256: p.sha256, uploaded: p.uploaded, size: p.size, failed: None })
            .chain(self.store().failed_photos()?.into_iter().map(|(sha256, reason)| PhotoSync {
                sha256,
                uploaded: 0,
                size: 0,
                failed: Some(reason),
            }))
            .collect())
    }

    /// The inspector's assignments (not cancelled), newest quarter first,
    /// from the read model: nothing is read from a document that has not changed.
    pub fn assignments_view(&self) -> ClientResult<Vec<AssignmentView>> {
        let mut out = Vec::new();
        for a in self.assignments()? {
            let centre = self.centre(&a.centre_code)?;
            let centre_name = centre.as_ref().map(|c| c.name.clone());
            let (status, summary, sync) = match self.store().has_doc(&a.doc)? {
                true => {
                    let summary = match &centre {
                        Some(c) => self.summary(&a.doc, c)?,
                        None => None,
                    };
                    let status = match &summary {
                        Some(s) => s.status,
                        None => self.snapshot(&a.doc)?.status(),
                    };
                    (Some(status), summary, Some(self.doc_sync(&a.doc)?))
                }
                false => (None, None, None),
            };
            out.push(AssignmentView { assignment: a, centre_name, centre, status, summary, sync });
        }
        out.sort_by(|x, y| {
            y.assignment
                .quarter
                .cmp(&x.assignment.quarter)
                .then(x.assignment.centre_code.cmp(&y.assignment.centre_code))
        });
        Ok(out)
    }
}
