//! Writing a move to a newer template version into the document. Only the
//! server's actor does this, so the move reaches every device by sync like
//! any other change, and the record of it (what moved, what is kept as
//! history, what is new) is in the document for the devices to show.

use super::{AnswerRecord, DocError, InspectionDoc, MigrationRecord, keys, write_answer};
use crate::template::{MigrationPlan, Template};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use std::collections::BTreeMap;

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
