//! Writing a move to a newer template version into the document. Only the
//! server's actor does this, so the move reaches every device by sync like
//! any other change, and the record of it (what moved, what is kept as
//! history, what is new) is in the document for the devices to show.

use super::read::answer_record;
use super::{AnswerRecord, DocError, InspectionDoc, keys, write_answer};
use crate::template::{MigrationPlan, Template};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Moves one document keeps at most.
pub const MAX_MIGRATIONS: usize = 100;

/// One move of the draft to a newer template version, as recorded.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationRecord {
    pub from_version: u32,
    pub to_version: u32,
    pub by: String,
    pub at: i64,
    /// Old item id → the item its answer moved to.
    pub moved: BTreeMap<String, String>,
    /// Answers no item of the new version takes, kept as history.
    pub removed: BTreeMap<String, AnswerRecord>,
    /// Items new in this version, unanswered when the draft moved.
    pub added: Vec<String>,
    /// Answers a device wrote on the old version after the move whose new
    /// item already had a different answer: kept here for the supervisor
    /// to see and settle, not applied.
    pub conflicting: BTreeMap<String, AnswerRecord>,
}

impl InspectionDoc {
    /// Moves the draft to `new` as `plan` says: answers moved or kept as
    /// history, notes of renamed and new items ready, the template version
    /// changed, and the move recorded. `conflicting` are late answers not
    /// applied. One commit.
    pub fn migrate(
        &mut self,
        from_version: u32,
        new: &Template,
        plan: &MigrationPlan,
        conflicting: &BTreeMap<String, AnswerRecord>,
        by: &str,
        at: i64,
    ) -> Result<MigrationRecord, DocError> {
        let answers = self.root_obj(keys::ANSWERS)?;
        let notes = self.root_obj(keys::ITEM_NOTES)?;
        for (old, (target, record)) in &plan.moved {
            if old != target {
                self.doc.delete(&answers, old.as_str())?;
                // The note follows the answer; the old one stays, as history.
                let text = match self.doc.get(&notes, old.as_str())? {
                    Some((Value::Object(ObjType::Text), id)) => self.doc.text(&id)?,
                    _ => String::new(),
                };
                let note = self.note_text(&notes, target)?;
                if !text.is_empty() && self.doc.text(&note)?.is_empty() {
                    self.doc.update_text(&note, &text)?;
                }
            }
            let obj = self.doc.put_object(&answers, target.as_str(), ObjType::Map)?;
            write_answer(&mut self.doc, &obj, record)?;
        }
        for (old, _) in plan.removed.iter().chain(conflicting) {
            if self.doc.get(&answers, old.as_str())?.is_some() {
                self.doc.delete(&answers, old.as_str())?;
            }
        }
        for (_, item) in new.items() {
            self.note_text(&notes, &item.id)?;
        }
        self.respondent_lists(new)?;
        self.doc.put(ROOT, keys::TEMPLATE_ID, new.id.as_str())?;
        self.doc.put(ROOT, keys::TEMPLATE_VERSION, ScalarValue::Uint(u64::from(new.version)))?;
        let record = MigrationRecord {
            from_version,
            to_version: new.version,
            by: by.to_owned(),
            at,
            moved: plan.moved.iter().map(|(old, (new, _))| (old.clone(), new.clone())).collect(),
            removed: plan.removed.clone(),
            added: plan.added.clone(),
            conflicting: conflicting.clone(),
        };
        write_record(&mut self.doc, &record)?;
        self.commit(at, "migrate");
        Ok(record)
    }

    /// The Text of an item's notes, created when the item has none.
    fn note_text(&mut self, notes: &ObjId, item: &str) -> Result<ObjId, DocError> {
        match self.doc.get(notes, item)? {
            Some((Value::Object(ObjType::Text), id)) => Ok(id),
            _ => Ok(self.doc.put_object(notes, item, ObjType::Text)?),
        }
    }
}

fn write_record(d: &mut AutoCommit, r: &MigrationRecord) -> Result<(), DocError> {
    let list = match d.get(ROOT, keys::MIGRATIONS)? {
        Some((Value::Object(ObjType::List), id)) => id,
        _ => d.put_object(ROOT, keys::MIGRATIONS, ObjType::List)?,
    };
    let len = d.length(&list);
    let obj = d.insert_object(&list, len, ObjType::Map)?;
    d.put(&obj, "from_version", ScalarValue::Uint(u64::from(r.from_version)))?;
    d.put(&obj, "to_version", ScalarValue::Uint(u64::from(r.to_version)))?;
    d.put(&obj, "by", r.by.as_str())?;
    d.put(&obj, "at", ScalarValue::Timestamp(r.at))?;
    let moved = d.put_object(&obj, "moved", ObjType::Map)?;
    for (old, new) in &r.moved {
        d.put(&moved, old.as_str(), new.as_str())?;
    }
    for (key, answers) in [("removed", &r.removed), ("conflicting", &r.conflicting)] {
        let m = d.put_object(&obj, key, ObjType::Map)?;
        for (id, record) in answers {
            let a = d.put_object(&m, id.as_str(), ObjType::Map)?;
            write_answer(d, &a, record)?;
        }
    }
    let added = d.put_object(&obj, "added", ObjType::List)?;
    for (i, id) in r.added.iter().enumerate() {
        d.insert(&added, i, id.as_str())?;
    }
    Ok(())
}

type R<T> = Result<T, DocError>;

fn bad(what: &str) -> DocError {
    DocError::Malformed(format!("migrations: {what}"))
}

fn map_of(d: &AutoCommit, obj: &ObjId, key: &str) -> R<ObjId> {
    match d.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(bad(&format!("`{key}` is not a map"))),
    }
}

fn scalar(d: &AutoCommit, obj: &ObjId, key: &str) -> R<ScalarValue> {
    match d.get(obj, key)? {
        Some((Value::Scalar(s), _)) => Ok(s.into_owned()),
        _ => Err(bad(&format!("`{key}` is missing"))),
    }
}

fn version(d: &AutoCommit, obj: &ObjId, key: &str) -> R<u32> {
    match scalar(d, obj, key)? {
        ScalarValue::Uint(v) => u32::try_from(v).map_err(|_| bad(key)),
        _ => Err(bad(key)),
    }
}

/// Reads the document's moves (none in a document never moved).
pub(super) fn read_migrations(d: &AutoCommit) -> R<Vec<MigrationRecord>> {
    let list = match d.get(ROOT, keys::MIGRATIONS)? {
        None => return Ok(Vec::new()),
        Some((Value::Object(ObjType::List), id)) => id,
        Some(_) => return Err(bad("not a list")),
    };
    if d.length(&list) > MAX_MIGRATIONS {
        return Err(bad("too many"));
    }
    let mut out = Vec::new();
    for i in 0..d.length(&list) {
        let Some((Value::Object(ObjType::Map), obj)) = d.get(&list, i)? else { return Err(bad("expected a record")) };
        let text = |key: &str| match scalar(d, &obj, key)? {
            ScalarValue::Str(s) => Ok(s.to_string()),
            _ => Err(bad(key)),
        };
        let at = match scalar(d, &obj, "at")? {
            ScalarValue::Timestamp(t) | ScalarValue::Int(t) => t,
            _ => return Err(bad("at")),
        };
        let moved_obj = map_of(d, &obj, "moved")?;
        let mut moved = BTreeMap::new();
        for key in d.keys(&moved_obj).take(super::read::MAX_ANSWERS + 1) {
            match scalar(d, &moved_obj, &key)? {
                ScalarValue::Str(s) => moved.insert(key, s.to_string()),
                _ => return Err(bad("moved")),
            };
        }
        let answers = |key: &str| -> R<BTreeMap<String, AnswerRecord>> {
            let m = map_of(d, &obj, key)?;
            let mut out = BTreeMap::new();
            for id in d.keys(&m).take(super::read::MAX_ANSWERS + 1) {
                out.insert(id.clone(), answer_record(d, &map_of(d, &m, &id)?)?);
            }
            Ok(out)
        };
        let added = match d.get(&obj, "added")? {
            Some((Value::Object(ObjType::List), l)) => d
                .values(&l)
                .take(super::read::MAX_ANSWERS + 1)
                .map(|(v, _)| v.as_str().map(str::to_owned).ok_or_else(|| bad("added")))
                .collect::<R<Vec<_>>>()?,
            _ => return Err(bad("added")),
        };
        out.push(MigrationRecord {
            from_version: version(d, &obj, "from_version")?,
            to_version: version(d, &obj, "to_version")?,
            by: text("by")?,
            at,
            moved,
            removed: answers("removed")?,
            added,
            conflicting: answers("conflicting")?,
        });
    }
    Ok(out)
}
