//! What the app's screens show: assignments with the state of their
//! inspection, and per-document and per-photo sync status.

use crate::device::{ClientResult, Device};
use serde::Serialize;
use xuncha_core::DocumentId;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::sync::AssignmentNotice;

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub assignment: AssignmentNotice,
    pub centre_name: Option<String>,
    /// Where the assigned inspection stands, once it is on this device.
    pub status: Option<WorkflowStatus>,
    pub answered: usize,
    pub items: usize,
    pub sync: Option<DocSync>,
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

    /// The inspector's assignments (not cancelled), newest quarter first.
    pub fn assignments_view(&self) -> ClientResult<Vec<AssignmentView>> {
        let mut out = Vec::new();
        for json in self.store().assignments()? {
            let Ok(a) = serde_json::from_str::<AssignmentNotice>(&json) else { continue };
            if a.cancelled {
                continue;
            }
            let centre_name = self
                .store()
                .centre(&a.centre_code)?
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
                .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_owned));
            let on_device = self.store().load_doc(&a.doc)?.is_some();
            let (status, answered, items, sync) = if on_device {
                let snap = self.snapshot(&a.doc)?;
                let items = self.template(&snap.template).map(|t| t.items().count()).unwrap_or(0);
                (Some(snap.status()), snap.answers.len(), items, Some(self.doc_sync(&a.doc)?))
            } else {
                (None, 0, 0, None)
            };
            out.push(AssignmentView { assignment: a, centre_name, status, answered, items, sync });
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
