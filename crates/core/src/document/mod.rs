//! The inspection document: one Automerge document per inspection.
//!
//! Layout (root map):
//! - `schema` (uint), `centre`, `template_id`, `template_version`, `created_by`, `created_at`
//! - `inspectors`: map user id → display name
//! - `answers`: map item id → map `{kind, v | asked+satisfied, by, at}`. Every
//!   write puts a *new* map, so concurrent answers to one item always surface
//!   as an Automerge conflict on the item key (`get_all`), never a silent merge.
//! - `notes`: Text; `item_notes`: map item id → Text, created with the
//!   document so that two inspectors never race to create the same Text.
//! - `photos`: map sha256 → photo record; `gps`: list of fixes
//! - `sign_offs`: map user id → time
//! - `review`: written only by the server's actor: `{status, by, at, comment,
//!   item_comments, history: [..]}`
//! - `respondents`: map item id → list of `{at, satisfied, opinion?, phone?, by}`,
//!   one list per respondents item, created with the document
//! - `migrations`: written only by the server's actor: a list of moves to a
//!   newer template version `{from_version, to_version, by, at, moved: {old →
//!   new}, removed: {id → answer}, added: [id], conflicting: {id → answer}}`
//!
//! Scores are never stored here; the server computes them.

mod migrate;
mod read;
mod text_merge;
mod types;

pub use types::*;

use crate::template::Template;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue};

pub const DOC_SCHEMA: u64 = 1;

/// Writes an answer record into the (new, empty) map `obj`.
fn write_answer(d: &mut AutoCommit, obj: &ObjId, record: &AnswerRecord) -> Result<(), DocError> {
    d.put(obj, "kind", record.answer.kind())?;
    match &record.answer {
        Answer::NotApplicable => {}
        Answer::YesNo(b) => d.put(obj, "v", *b)?,
        Answer::Scale(v) => d.put(obj, "v", *v)?,
        Answer::Number(v) => d.put(obj, "v", *v)?,
        Answer::Choice(s) => d.put(obj, "v", s.as_str())?,
        Answer::Choices(list) => {
            let l = d.put_object(obj, "v", ObjType::List)?;
            for (i, s) in list.iter().enumerate() {
                d.insert(&l, i, s.as_str())?;
            }
        }
        Answer::Sample { asked, satisfied } => {
            d.put(obj, "asked", ScalarValue::Uint(u64::from(*asked)))?;
            d.put(obj, "satisfied", ScalarValue::Uint(u64::from(*satisfied)))?;
        }
    }
    d.put(obj, "by", record.by.as_str())?;
    d.put(obj, "at", ScalarValue::Timestamp(record.at))?;
    Ok(())
}

/// Paths in the document, shared by the writer here and the server's change checker.
pub mod keys {
    pub const SCHEMA: &str = "schema";
    pub const CENTRE: &str = "centre";
    pub const TEMPLATE_ID: &str = "template_id";
    pub const TEMPLATE_VERSION: &str = "template_version";
    pub const CREATED_BY: &str = "created_by";
    pub const CREATED_AT: &str = "created_at";
    /// Why the inspection is made (`Purpose`), fixed at creation; absent in
    /// documents that predate it (read as routine).
    pub const PURPOSE: &str = "purpose";
    pub const INSPECTORS: &str = "inspectors";
    pub const ANSWERS: &str = "answers";
    pub const NOTES: &str = "notes";
    pub const ITEM_NOTES: &str = "item_notes";
    pub const PHOTOS: &str = "photos";
    pub const GPS: &str = "gps";
    pub const SIGN_OFFS: &str = "sign_offs";
    /// Server-owned: only the server's actor may write below it.
    pub const REVIEW: &str = "review";
    /// Server-owned: each move of the draft to a newer template version.
    pub const MIGRATIONS: &str = "migrations";
    /// Item id → list of people asked on site; absent in documents older
    /// than respondent items (created with the document, or by the server
    /// when it moves a draft to a version that has them).
    pub const RESPONDENTS: &str = "respondents";
}

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("not an inspection document: {0}")]
    Malformed(String),
    #[error("this document was written by a newer Xuncha (schema {0}); update the app")]
    NewerSchema(u64),
    #[error("item `{0}` is not in the inspection's template")]
    UnknownItem(String),
    #[error("{what} may hold at most {max} characters")]
    TooLong { what: &'static str, max: usize },
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

/// An inspection document and the actor that writes to it on this device.
#[derive(Debug)]
pub struct InspectionDoc {
    doc: AutoCommit,
}

impl InspectionDoc {
    /// Starts a new inspection from a template. Per-item note Text objects
    /// are created up front so concurrent editors share them.
    pub fn create(actor: ActorId, new: &NewInspection, template: &Template) -> Result<Self, DocError> {
        let mut doc = AutoCommit::new().with_actor(actor);
        doc.put(ROOT, keys::SCHEMA, ScalarValue::Uint(DOC_SCHEMA))?;
        doc.put(ROOT, keys::CENTRE, new.centre_code.as_str())?;
        doc.put(ROOT, keys::TEMPLATE_ID, new.template.id.as_str())?;
        doc.put(ROOT, keys::TEMPLATE_VERSION, ScalarValue::Uint(u64::from(new.template.version)))?;
        doc.put(ROOT, keys::CREATED_BY, new.created_by.as_str())?;
        doc.put(ROOT, keys::CREATED_AT, ScalarValue::Timestamp(new.at))?;
        doc.put(ROOT, keys::PURPOSE, new.purpose.as_str())?;
        let inspectors = doc.put_object(ROOT, keys::INSPECTORS, ObjType::Map)?;
        doc.put(&inspectors, new.created_by.as_str(), new.created_by_name.as_str())?;
        doc.put_object(ROOT, keys::ANSWERS, ObjType::Map)?;
        doc.put_object(ROOT, keys::NOTES, ObjType::Text)?;
        let notes = doc.put_object(ROOT, keys::ITEM_NOTES, ObjType::Map)?;
        for (_, item) in template.items() {
            doc.put_object(&notes, item.id.as_str(), ObjType::Text)?;
        }
        doc.put_object(ROOT, keys::PHOTOS, ObjType::Map)?;
        doc.put_object(ROOT, keys::GPS, ObjType::List)?;
        doc.put_object(ROOT, keys::SIGN_OFFS, ObjType::Map)?;
        let mut this = Self { doc };
        this.respondent_lists(template)?;
        this.commit(new.at, "create");
        Ok(this)
    }

    /// Loads a saved document; refuses one written by a newer schema.
    pub fn load(bytes: &[u8], actor: ActorId) -> Result<Self, DocError> {
        let doc = AutoCommit::load(bytes)?.with_actor(actor);
        let this = Self { doc };
        this.check_schema()?;
        Ok(this)
    }

    pub fn from_automerge(doc: AutoCommit) -> Result<Self, DocError> {
        let this = Self { doc };
        this.check_schema()?;
        Ok(this)
    }

    fn check_schema(&self) -> Result<(), DocError> {
        match self.doc.get(ROOT, keys::SCHEMA)? {
            Some((automerge::Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Uint(v) if *v <= DOC_SCHEMA => Ok(()),
                ScalarValue::Uint(v) => Err(DocError::NewerSchema(*v)),
                _ => Err(DocError::Malformed("schema is not a number".into())),
            },
            _ => Err(DocError::Malformed("no schema".into())),
        }
    }

    pub fn automerge(&self) -> &AutoCommit {
        &self.doc
    }

    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn into_automerge(self) -> AutoCommit {
        self.doc
    }

    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    fn commit(&mut self, at_ms: i64, message: &str) {
        let options = CommitOptions::default().with_time(at_ms.div_euclid(1000)).with_message(message);
        self.doc.commit_with(options);
    }

    fn root_obj(&self, key: &str) -> Result<ObjId, DocError> {
        match self.doc.get(ROOT, key)? {
            Some((automerge::Value::Object(_), id)) => Ok(id),
            _ => Err(DocError::Malformed(format!("`{key}` is missing"))),
        }
    }

    fn template_item_check(&self, template: &Template, item: &str) -> Result<(), DocError> {
        template.item(item).map(|_| ()).ok_or_else(|| DocError::UnknownItem(item.to_owned()))
    }

    /// Records an inspector on the document (first edit by a second inspector).
    pub fn join(&mut self, user: &str, name: &str, at: i64) -> Result<(), DocError> {
        let inspectors = self.root_obj(keys::INSPECTORS)?;
        if self.doc.get(&inspectors, user)?.is_none() {
            self.doc.put(&inspectors, user, name)?;
            self.commit(at, "join");
        }
        Ok(())
    }

    /// Sets (or replaces, or resolves a conflict on) the answer to an item.
    /// Value checking against the item's answer type is the caller's job
    /// (`scoring::check_answer`); this only writes.
    pub fn set_answer(&mut self, template: &Template, item: &str, record: &AnswerRecord) -> Result<(), DocError> {
        self.template_item_check(template, item)?;
        let answers = self.root_obj(keys::ANSWERS)?;
        let obj = self.doc.put_object(&answers, item, ObjType::Map)?;
        write_answer(&mut self.doc, &obj, record)?;
        self.commit(record.at, "answer");
        Ok(())
    }

    pub fn clear_answer(&mut self, template: &Template, item: &str, at: i64) -> Result<(), DocError> {
        self.template_item_check(template, item)?;
        let answers = self.root_obj(keys::ANSWERS)?;
        if self.doc.get(&answers, item)?.is_some() {
            self.doc.delete(&answers, item)?;
            self.commit(at, "clear");
        }
        Ok(())
    }

    /// Replaces the general notes (`item = None`) or an item's notes with
    /// `text`, as a minimal diff so concurrent edits by others survive.
    pub fn set_notes(&mut self, item: Option<&str>, text: &str, at: i64) -> Result<(), DocError> {
        let obj = self.notes_obj(item)?;
        self.doc.update_text(&obj, text)?;
        self.commit(at, "notes");
        Ok(())
    }

    fn notes_obj(&self, item: Option<&str>) -> Result<ObjId, DocError> {
        match item {
            None => self.root_obj(keys::NOTES),
            Some(item) => {
                let notes = self.root_obj(keys::ITEM_NOTES)?;
                match self.doc.get(&notes, item)? {
                    Some((automerge::Value::Object(ObjType::Text), id)) => Ok(id),
                    _ => Err(DocError::UnknownItem(item.to_owned())),
                }
            }
        }
    }

    /// Saves the inspector's edit of a note that read `base` on their screen.
    /// Words a sync merged in since then are kept: the edit is rebased onto
    /// them (`text_merge`), where [`Self::set_notes`] would write over them.
    pub fn edit_notes(&mut self, item: Option<&str>, base: &str, text: &str, at: i64) -> Result<(), DocError> {
        let obj = self.notes_obj(item)?;
        let current = self.doc.text(&obj)?;
        if current == base {
            return self.set_notes(item, text, at);
        }
        let merged = text_merge::rebase(base, text, &current);
        // Two people's words together may pass what one note may hold.
        if merged.chars().count() > read::MAX_TEXT_CHARS {
            return Err(DocError::TooLong { what: "notes", max: read::MAX_TEXT_CHARS });
        }
        self.set_notes(item, &merged, at)
    }

    pub fn add_photo(&mut self, photo: &PhotoRecord) -> Result<(), DocError> {
        let photos = self.root_obj(keys::PHOTOS)?;
        if self.doc.get(&photos, photo.sha256.as_str())?.is_some() {
            return Ok(()); // content-addressed: the same photo twice is one photo
        }
        let obj = self.doc.put_object(&photos, photo.sha256.as_str(), ObjType::Map)?;
        let d = &mut self.doc;
        d.put(&obj, "sha256", photo.sha256.as_str())?;
        d.put(&obj, "bytes", ScalarValue::Uint(photo.bytes))?;
        d.put(&obj, "mime", photo.mime.as_str())?;
        d.put(&obj, "width", ScalarValue::Uint(u64::from(photo.width)))?;
        d.put(&obj, "height", ScalarValue::Uint(u64::from(photo.height)))?;
        if let Some(item) = &photo.item_id {
            d.put(&obj, "item_id", item.as_str())?;
        }
        if let Some(thumb) = &photo.thumbnail {
            d.put(&obj, "thumbnail", thumb.as_str())?;
        }
        d.put(&obj, "taken_at", ScalarValue::Timestamp(photo.taken_at))?;
        d.put(&obj, "by", photo.by.as_str())?;
        if let Some(fix) = &photo.gps {
            let g = d.put_object(&obj, "gps", ObjType::Map)?;
            write_fix(d, &g, fix)?;
        }
        write_signature(d, &obj, photo.signature.as_ref())?;
        self.commit(photo.taken_at, "photo");
        Ok(())
    }

    pub fn remove_photo(&mut self, sha256: &str, at: i64) -> Result<(), DocError> {
        let photos = self.root_obj(keys::PHOTOS)?;
        if self.doc.get(&photos, sha256)?.is_some() {
            self.doc.delete(&photos, sha256)?;
            self.commit(at, "remove photo");
        }
        Ok(())
    }

    pub fn add_gps_fix(&mut self, fix: &GpsFix) -> Result<(), DocError> {
        let list = self.root_obj(keys::GPS)?;
        let len = self.doc.length(&list);
        let obj = self.doc.insert_object(&list, len, ObjType::Map)?;
        write_fix(&mut self.doc, &obj, fix)?;
        self.commit(fix.at, "gps");
        Ok(())
    }

    /// The respondents map and a list per respondents item of `template`,
    /// created where missing. Only at creation and by the server's move to a
    /// new version: two devices creating one list would drop one's records.
    fn respondent_lists(&mut self, template: &Template) -> Result<(), DocError> {
        let items: Vec<&str> = template
            .items()
            .filter(|(_, i)| matches!(i.answer, crate::template::AnswerSpec::Respondents { .. }))
            .map(|(_, i)| i.id.as_str())
            .collect();
        if items.is_empty() {
            return Ok(());
        }
        let map = match self.doc.get(ROOT, keys::RESPONDENTS)? {
            Some((automerge::Value::Object(ObjType::Map), id)) => id,
            _ => self.doc.put_object(ROOT, keys::RESPONDENTS, ObjType::Map)?,
        };
        for item in items {
            if self.doc.get(&map, item)?.is_none() {
                self.doc.put_object(&map, item, ObjType::List)?;
            }
        }
        Ok(())
    }

    /// Records one person asked on site for a respondents item.
    pub fn add_respondent(&mut self, template: &Template, item: &str, r: &Respondent) -> Result<(), DocError> {
        let list = self.respondent_list(template, item)?;
        let len = self.doc.length(&list);
        if len >= read::MAX_RESPONDENTS {
            return Err(DocError::TooLong { what: "respondents of one item", max: read::MAX_RESPONDENTS });
        }
        for (what, text, max) in
            [("opinion", &r.opinion, read::MAX_OPINION_CHARS), ("phone", &r.phone, read::MAX_PHONE_CHARS)]
        {
            if text.as_ref().is_some_and(|t| t.chars().count() > max) {
                return Err(DocError::TooLong { what, max });
            }
        }
        let obj = self.doc.insert_object(&list, len, ObjType::Map)?;
        let d = &mut self.doc;
        d.put(&obj, "at", ScalarValue::Timestamp(r.at))?;
        d.put(&obj, "satisfied", r.satisfied)?;
        if let Some(o) = r.opinion.as_deref().filter(|o| !o.trim().is_empty()) {
            d.put(&obj, "opinion", o)?;
        }
        if let Some(p) = r.phone.as_deref().filter(|p| !p.trim().is_empty()) {
            d.put(&obj, "phone", p)?;
        }
        d.put(&obj, "by", r.by.as_str())?;
        self.commit(r.at, "respondent");
        Ok(())
    }

    /// Removes the respondent at `index` of an item's list (a device removes
    /// only its own user's records; the server checks).
    pub fn remove_respondent(
        &mut self,
        template: &Template,
        item: &str,
        index: usize,
        at: i64,
    ) -> Result<(), DocError> {
        let list = self.respondent_list(template, item)?;
        if index < self.doc.length(&list) {
            self.doc.delete(&list, index)?;
            self.commit(at, "remove respondent");
        }
        Ok(())
    }

    fn respondent_list(&self, template: &Template, item: &str) -> Result<ObjId, DocError> {
        let fits =
            template.item(item).is_some_and(|i| matches!(i.answer, crate::template::AnswerSpec::Respondents { .. }));
        if !fits {
            return Err(DocError::UnknownItem(item.to_owned()));
        }
        let map = self.root_obj(keys::RESPONDENTS)?;
        match self.doc.get(&map, item)? {
            Some((automerge::Value::Object(ObjType::List), id)) => Ok(id),
            _ => Err(DocError::UnknownItem(item.to_owned())),
        }
    }

    pub fn sign_off(&mut self, user: &str, at: i64) -> Result<(), DocError> {
        let s = self.root_obj(keys::SIGN_OFFS)?;
        self.doc.put(&s, user, ScalarValue::Timestamp(at))?;
        self.commit(at, "sign off");
        Ok(())
    }

    /// Writes a supervisor's decision. Only the server calls this, with its own actor.
    pub fn write_review(&mut self, entry: &ReviewEntry) -> Result<(), DocError> {
        let review = match self.doc.get(ROOT, keys::REVIEW)? {
            Some((automerge::Value::Object(ObjType::Map), id)) => id,
            _ => {
                let r = self.doc.put_object(ROOT, keys::REVIEW, ObjType::Map)?;
                self.doc.put_object(&r, "history", ObjType::List)?;
                r
            }
        };
        write_review_entry(&mut self.doc, &review, entry)?;
        let history = match self.doc.get(&review, "history")? {
            Some((automerge::Value::Object(ObjType::List), id)) => id,
            _ => self.doc.put_object(&review, "history", ObjType::List)?,
        };
        let len = self.doc.length(&history);
        let h = self.doc.insert_object(&history, len, ObjType::Map)?;
        write_review_entry(&mut self.doc, &h, entry)?;
        self.commit(entry.at, "review");
        Ok(())
    }
}

fn write_fix(d: &mut AutoCommit, obj: &ObjId, fix: &GpsFix) -> Result<(), automerge::AutomergeError> {
    d.put(obj, "lat", fix.lat)?;
    d.put(obj, "lon", fix.lon)?;
    d.put(obj, "accuracy_m", fix.accuracy_m)?;
    let source = serde_json::to_value(fix.source).ok().and_then(|v| v.as_str().map(str::to_owned));
    d.put(obj, "source", source.unwrap_or_default())?;
    d.put(obj, "at", ScalarValue::Timestamp(fix.at))?;
    if let Some(mock) = fix.mock {
        d.put(obj, "mock", mock)?;
    }
    d.put(obj, "by", fix.by.as_str())?;
    write_signature(d, obj, fix.signature.as_ref())
}

fn write_signature(
    d: &mut AutoCommit,
    obj: &ObjId,
    sig: Option<&EvidenceSignature>,
) -> Result<(), automerge::AutomergeError> {
    if let Some(sig) = sig {
        d.put(obj, "signed_by", sig.device)?;
        d.put(obj, "signature", sig.signature.as_str())?;
    }
    Ok(())
}

fn write_review_entry(d: &mut AutoCommit, obj: &ObjId, e: &ReviewEntry) -> Result<(), automerge::AutomergeError> {
    let status = match e.status {
        ReviewStatus::Approved => "approved",
        ReviewStatus::Returned => "returned",
    };
    d.put(obj, "status", status)?;
    d.put(obj, "by", e.by.as_str())?;
    d.put(obj, "at", ScalarValue::Timestamp(e.at))?;
    d.put(obj, "comment", e.comment.as_str())?;
    let c = d.put_object(obj, "item_comments", ObjType::Map)?;
    for (item, comment) in &e.item_comments {
        d.put(&c, item.as_str(), comment.as_str())?;
    }
    let s = d.put_object(obj, "reviewed_sign_offs", ObjType::Map)?;
    for (user, at) in &e.reviewed_sign_offs {
        d.put(&s, user.as_str(), ScalarValue::Timestamp(*at))?;
    }
    Ok(())
}
