//! Reading a document into an [`InspectionSnapshot`]. Reading is strict: a
//! malformed record is an error naming its path, which is what lets the server
//! refuse a change that would leave a document unreadable.

use super::{Answer, AnswerRecord, Conflict, DocError, EvidenceSignature, FixSource, GpsFix, InspectionDoc, keys};
use super::{InspectionSnapshot, MigrationRecord, PhotoRecord, Purpose, Respondent, Review, ReviewEntry, ReviewStatus};
use crate::template::TemplateRef;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use std::collections::BTreeMap;

type R<T> = Result<T, DocError>;

/// Bounds on what one inspection may hold; a document over them is refused
/// as malformed rather than read into memory.
pub const MAX_ANSWERS: usize = 2_000;
pub const MAX_CHOICES: usize = 100;
/// Option ids are at most 64 characters; anything much longer is not an option id.
pub const MAX_CHOICE_ID_BYTES: usize = 200;
pub const MAX_TEXT_CHARS: usize = 20_000;
pub const MAX_PHOTOS: usize = 2_000;
pub const MAX_FIXES: usize = 10_000;
pub const MAX_REVIEWS: usize = 1_000;
pub const MAX_SIGN_OFFS: usize = 100;
/// Moves to a newer template version one document keeps at most.
pub const MAX_MIGRATIONS: usize = 100;
/// People asked on site for one item at most.
pub const MAX_RESPONDENTS: usize = 500;
pub const MAX_OPINION_CHARS: usize = 500;
pub const MAX_PHONE_CHARS: usize = 20;

fn bounded(path: &str, len: usize, max: usize) -> R<()> {
    if len > max { Err(bad(path, &format!("{len} entries, at most {max}"))) } else { Ok(()) }
}

fn bounded_text(d: &AutoCommit, obj: &ObjId, path: &str) -> R<String> {
    bounded(path, d.length(obj), MAX_TEXT_CHARS)?;
    Ok(d.text(obj)?)
}

fn bad(path: &str, what: &str) -> DocError {
    DocError::Malformed(format!("{path}: {what}"))
}

fn scalar(d: &AutoCommit, obj: &ObjId, key: &str) -> R<Option<ScalarValue>> {
    Ok(match d.get(obj, key)? {
        Some((Value::Scalar(s), _)) => Some(s.into_owned()),
        Some((Value::Object(_), _)) => return Err(bad(key, "expected a value, found an object")),
        None => None,
    })
}

fn string(d: &AutoCommit, obj: &ObjId, key: &str) -> R<String> {
    as_string(key, scalar(d, obj, key)?)
}

fn as_string(key: &str, v: Option<ScalarValue>) -> R<String> {
    match v {
        Some(ScalarValue::Str(s)) if s.chars().count() <= MAX_TEXT_CHARS => Ok(s.to_string()),
        Some(ScalarValue::Str(_)) => Err(bad(key, "text too long")),
        _ => Err(bad(key, "expected text")),
    }
}

fn opt_string(d: &AutoCommit, obj: &ObjId, key: &str) -> R<Option<String>> {
    match scalar(d, obj, key)? {
        Some(ScalarValue::Str(s)) => Ok(Some(s.to_string())),
        None => Ok(None),
        _ => Err(bad(key, "expected text")),
    }
}

fn int(d: &AutoCommit, obj: &ObjId, key: &str) -> R<i64> {
    as_int(key, scalar(d, obj, key)?)
}

fn as_int(key: &str, v: Option<ScalarValue>) -> R<i64> {
    match v {
        Some(ScalarValue::Int(v) | ScalarValue::Timestamp(v)) => Ok(v),
        Some(ScalarValue::Uint(v)) => i64::try_from(v).map_err(|_| bad(key, "number too large")),
        _ => Err(bad(key, "expected an integer")),
    }
}

fn uint(d: &AutoCommit, obj: &ObjId, key: &str) -> R<u64> {
    as_uint(key, scalar(d, obj, key)?)
}

fn as_uint(key: &str, v: Option<ScalarValue>) -> R<u64> {
    match v {
        Some(ScalarValue::Uint(v)) => Ok(v),
        Some(ScalarValue::Int(v)) => u64::try_from(v).map_err(|_| bad(key, "negative number")),
        _ => Err(bad(key, "expected a non-negative integer")),
    }
}

fn float(d: &AutoCommit, obj: &ObjId, key: &str) -> R<f64> {
    as_float(key, scalar(d, obj, key)?)
}

fn as_float(key: &str, v: Option<ScalarValue>) -> R<f64> {
    let v = match v {
        Some(ScalarValue::F64(v)) => v,
        Some(ScalarValue::Int(v)) => v as f64,
        Some(ScalarValue::Uint(v)) => v as f64,
        _ => return Err(bad(key, "expected a number")),
    };
    if v.is_finite() { Ok(v) } else { Err(bad(key, "not a finite number")) }
}

/// Every field of a small map, read in one pass: one seek per record
/// instead of one per field, which is most of the cost of reading answers.
struct Fields(Vec<(String, Value<'static>, ObjId)>);

const MAX_RECORD_FIELDS: usize = 32;

impl Fields {
    fn read(d: &AutoCommit, obj: &ObjId) -> R<Self> {
        let mut fields = Vec::new();
        for item in d.map_range(obj, ..) {
            if fields.len() >= MAX_RECORD_FIELDS {
                return Err(bad("record", "too many fields"));
            }
            let id = item.id();
            fields.push((item.key.into_owned(), Value::from(item.value), id));
        }
        Ok(Self(fields))
    }

    fn scalar(&self, key: &str) -> R<Option<ScalarValue>> {
        match self.0.iter().find(|(k, ..)| k == key) {
            Some((_, Value::Scalar(s), _)) => Ok(Some(s.clone().into_owned())),
            Some((_, Value::Object(_), _)) => Err(bad(key, "expected a value, found an object")),
            None => Ok(None),
        }
    }

    fn object(&self, key: &str, ty: ObjType) -> R<Option<ObjId>> {
        match self.0.iter().find(|(k, ..)| k == key) {
            Some((_, Value::Object(t), id)) if *t == ty => Ok(Some(id.clone())),
            Some(_) => Err(bad(key, "wrong kind of object")),
            None => Ok(None),
        }
    }
}

fn object(d: &AutoCommit, obj: &ObjId, key: &str, ty: ObjType) -> R<Option<ObjId>> {
    match d.get(obj, key)? {
        Some((Value::Object(t), id)) if t == ty => Ok(Some(id)),
        Some(_) => Err(bad(key, "wrong kind of object")),
        None => Ok(None),
    }
}

fn required(d: &AutoCommit, key: &str, ty: ObjType) -> R<ObjId> {
    object(d, &ROOT, key, ty)?.ok_or_else(|| bad(key, "missing"))
}

fn u32_of(v: u64, key: &str) -> R<u32> {
    u32::try_from(v).map_err(|_| bad(key, "number too large"))
}

pub(super) fn answer_record(d: &AutoCommit, obj: &ObjId) -> R<AnswerRecord> {
    let f = Fields::read(d, obj)?;
    let kind = as_string("kind", f.scalar("kind")?)?;
    let answer = match kind.as_str() {
        "na" => Answer::NotApplicable,
        "yes_no" => match f.scalar("v")? {
            Some(ScalarValue::Boolean(b)) => Answer::YesNo(b),
            _ => return Err(bad("v", "expected yes or no")),
        },
        "scale" => Answer::Scale(as_int("v", f.scalar("v")?)?),
        "number" => Answer::Number(as_float("v", f.scalar("v")?)?),
        "choice" => Answer::Choice(as_string("v", f.scalar("v")?)?),
        "choices" => {
            let list = f.object("v", ObjType::List)?.ok_or_else(|| bad("v", "expected a list"))?;
            bounded("v", d.length(&list), MAX_CHOICES)?;
            let mut out = Vec::new();
            for (v, _) in d.values(&list) {
                match v {
                    Value::Scalar(s) => match s.as_ref() {
                        ScalarValue::Str(s) if s.len() <= MAX_CHOICE_ID_BYTES => out.push(s.to_string()),
                        _ => return Err(bad("v", "expected option ids")),
                    },
                    Value::Object(_) => return Err(bad("v", "expected option ids")),
                }
            }
            Answer::Choices(out)
        }
        "sample" => Answer::Sample {
            asked: u32_of(as_uint("asked", f.scalar("asked")?)?, "asked")?,
            satisfied: u32_of(as_uint("satisfied", f.scalar("satisfied")?)?, "satisfied")?,
        },
        other => return Err(bad("kind", &format!("unknown answer kind `{other}`"))),
    };
    Ok(AnswerRecord { answer, by: as_string("by", f.scalar("by")?)?, at: as_int("at", f.scalar("at")?)? })
}

fn fix(d: &AutoCommit, obj: &ObjId) -> R<GpsFix> {
    let source = match string(d, obj, "source")?.as_str() {
        "gnss" => FixSource::Gnss,
        "network" => FixSource::Network,
        "external" => FixSource::External,
        "manual" => FixSource::Manual,
        other => return Err(bad("source", &format!("unknown fix source `{other}`"))),
    };
    let mock = match scalar(d, obj, "mock")? {
        Some(ScalarValue::Boolean(b)) => Some(b),
        None => None,
        _ => return Err(bad("mock", "expected yes or no")),
    };
    Ok(GpsFix {
        lat: float(d, obj, "lat")?,
        lon: float(d, obj, "lon")?,
        accuracy_m: float(d, obj, "accuracy_m")?,
        source,
        at: int(d, obj, "at")?,
        mock,
        by: opt_string(d, obj, "by")?.unwrap_or_default(),
        signature: signature(d, obj)?,
    })
}

/// A record's signature: both fields or neither; the hex is bounded so a
/// device cannot park a large string in a record.
fn signature(d: &AutoCommit, obj: &ObjId) -> R<Option<EvidenceSignature>> {
    let device = match scalar(d, obj, "signed_by")? {
        None => None,
        Some(ScalarValue::Int(n)) => Some(n),
        Some(ScalarValue::Uint(n)) => Some(i64::try_from(n).map_err(|_| bad("signed_by", "out of range"))?),
        Some(_) => return Err(bad("signed_by", "expected a device id")),
    };
    match (device, opt_string(d, obj, "signature")?) {
        (None, None) => Ok(None),
        (Some(device), Some(signature)) if signature.len() == 128 => Ok(Some(EvidenceSignature { device, signature })),
        (Some(_), Some(_)) => Err(bad("signature", "expected 64 bytes of hex")),
        _ => Err(bad("signature", "a signature names its device and carries its bytes")),
    }
}

fn respondent(d: &AutoCommit, obj: &ObjId) -> R<Respondent> {
    let f = Fields::read(d, obj)?;
    let text = |key: &str, max: usize| -> R<Option<String>> {
        match f.scalar(key)? {
            None => Ok(None),
            Some(ScalarValue::Str(s)) if s.chars().count() <= max => Ok(Some(s.to_string())),
            Some(_) => Err(bad(key, "expected a short text")),
        }
    };
    Ok(Respondent {
        at: match f.scalar("at")? {
            Some(ScalarValue::Timestamp(t) | ScalarValue::Int(t)) => t,
            _ => return Err(bad("at", "expected a time")),
        },
        satisfied: match f.scalar("satisfied")? {
            Some(ScalarValue::Boolean(b)) => b,
            _ => return Err(bad("satisfied", "expected yes or no")),
        },
        opinion: text("opinion", MAX_OPINION_CHARS)?,
        phone: text("phone", MAX_PHONE_CHARS)?,
        by: text("by", MAX_TEXT_CHARS)?.ok_or_else(|| bad("by", "missing"))?,
    })
}

fn respondents(d: &AutoCommit) -> R<BTreeMap<String, Vec<Respondent>>> {
    let mut out = BTreeMap::new();
    let Some(map) = object(d, &ROOT, keys::RESPONDENTS, ObjType::Map)? else { return Ok(out) };
    bounded("respondents", d.length(&map), MAX_ANSWERS)?;
    for item in d.keys(&map) {
        let list = object(d, &map, &item, ObjType::List)?.ok_or_else(|| bad("respondents", "expected a list"))?;
        bounded("respondents", d.length(&list), MAX_RESPONDENTS)?;
        let mut people = Vec::new();
        for i in 0..d.length(&list) {
            match d.get(&list, i)? {
                Some((Value::Object(ObjType::Map), id)) => people.push(respondent(d, &id)?),
                _ => return Err(bad("respondents", "expected a record")),
            }
        }
        if !people.is_empty() {
            out.insert(item, people);
        }
    }
    Ok(out)
}

/// The moves to newer template versions (none in a document never moved).
fn migrations(d: &AutoCommit) -> R<Vec<MigrationRecord>> {
    let Some(list) = object(d, &ROOT, keys::MIGRATIONS, ObjType::List)? else { return Ok(Vec::new()) };
    bounded("migrations", d.length(&list), MAX_MIGRATIONS)?;
    let mut out = Vec::new();
    for i in 0..d.length(&list) {
        let Some((Value::Object(ObjType::Map), obj)) = d.get(&list, i)? else {
            return Err(bad("migrations", "expected a record"));
        };
        let map = |key: &str| object(d, &obj, key, ObjType::Map)?.ok_or_else(|| bad(key, "expected a map"));
        let moved_obj = map("moved")?;
        bounded("moved", d.length(&moved_obj), MAX_ANSWERS)?;
        let mut moved = BTreeMap::new();
        for key in d.keys(&moved_obj) {
            let to = string(d, &moved_obj, &key)?;
            moved.insert(key, to);
        }
        let answers = |key: &str| -> R<BTreeMap<String, AnswerRecord>> {
            let m = map(key)?;
            bounded(key, d.length(&m), MAX_ANSWERS)?;
            let mut out = BTreeMap::new();
            for id in d.keys(&m) {
                let record = object(d, &m, &id, ObjType::Map)?.ok_or_else(|| bad(key, "expected an answer record"))?;
                out.insert(id, answer_record(d, &record)?);
            }
            Ok(out)
        };
        let added_obj = object(d, &obj, "added", ObjType::List)?.ok_or_else(|| bad("added", "expected a list"))?;
        bounded("added", d.length(&added_obj), MAX_ANSWERS)?;
        let added = d
            .values(&added_obj)
            .map(|(v, _)| v.as_str().map(str::to_owned).ok_or_else(|| bad("added", "expected item ids")))
            .collect::<R<Vec<_>>>()?;
        out.push(MigrationRecord {
            from_version: u32_of(uint(d, &obj, "from_version")?, "from_version")?,
            to_version: u32_of(uint(d, &obj, "to_version")?, "to_version")?,
            by: string(d, &obj, "by")?,
            at: int(d, &obj, "at")?,
            moved,
            removed: answers("removed")?,
            added,
            conflicting: answers("conflicting")?,
        });
    }
    Ok(out)
}

fn review_entry(d: &AutoCommit, obj: &ObjId) -> R<ReviewEntry> {
    let status = match string(d, obj, "status")?.as_str() {
        "approved" => ReviewStatus::Approved,
        "returned" => ReviewStatus::Returned,
        other => return Err(bad("review.status", &format!("unknown status `{other}`"))),
    };
    let mut item_comments = BTreeMap::new();
    if let Some(c) = object(d, obj, "item_comments", ObjType::Map)? {
        bounded("review.item_comments", d.length(&c), MAX_ANSWERS)?;
        for key in d.keys(&c) {
            item_comments.insert(key.clone(), string(d, &c, &key)?);
        }
    }
    let mut reviewed_sign_offs = BTreeMap::new();
    if let Some(s) = object(d, obj, "reviewed_sign_offs", ObjType::Map)? {
        bounded("review.reviewed_sign_offs", d.length(&s), MAX_SIGN_OFFS)?;
        for key in d.keys(&s) {
            reviewed_sign_offs.insert(key.clone(), int(d, &s, &key)?);
        }
    }
    Ok(ReviewEntry {
        status,
        by: string(d, obj, "by")?,
        at: int(d, obj, "at")?,
        comment: string(d, obj, "comment")?,
        item_comments,
        reviewed_sign_offs,
    })
}

/// The root keys a snapshot reads as sections, in reading order (the
/// identity keys aside, read between the eighth and the ninth).
const SECTIONS: [&str; 10] = [
    keys::INSPECTORS,
    keys::ANSWERS,
    keys::NOTES,
    keys::ITEM_NOTES,
    keys::PHOTOS,
    keys::GPS,
    keys::SIGN_OFFS,
    keys::REVIEW,
    keys::RESPONDENTS,
    keys::MIGRATIONS,
];

fn item_notes(d: &AutoCommit) -> R<BTreeMap<String, String>> {
    let mut item_notes = BTreeMap::new();
    let obj = required(d, keys::ITEM_NOTES, ObjType::Map)?;
    bounded("item_notes", d.length(&obj), MAX_ANSWERS)?;
    let texts: Vec<(String, Value<'static>, ObjId)> = d
        .map_range(&obj, ..)
        .map(|i| {
            let id = i.id();
            (i.key.into_owned(), Value::from(i.value), id)
        })
        .collect();
    for (key, value, id) in texts {
        if !matches!(value, Value::Object(ObjType::Text)) {
            return Err(bad(&key, "wrong kind of object"));
        }
        let text = bounded_text(d, &id, "item_notes")?;
        if !text.is_empty() {
            item_notes.insert(key, text);
        }
    }
    Ok(item_notes)
}

fn photos(d: &AutoCommit) -> R<BTreeMap<String, PhotoRecord>> {
    let mut photos = BTreeMap::new();
    let obj = required(d, keys::PHOTOS, ObjType::Map)?;
    bounded("photos", d.length(&obj), MAX_PHOTOS)?;
    for key in d.keys(&obj) {
        let p = object(d, &obj, &key, ObjType::Map)?.ok_or_else(|| bad("photos", "expected a record"))?;
        let gps = object(d, &p, "gps", ObjType::Map)?.map(|g| fix(d, &g)).transpose()?;
        let record = PhotoRecord {
            sha256: string(d, &p, "sha256")?,
            bytes: uint(d, &p, "bytes")?,
            mime: string(d, &p, "mime")?,
            width: u32_of(uint(d, &p, "width")?, "width")?,
            height: u32_of(uint(d, &p, "height")?, "height")?,
            item_id: opt_string(d, &p, "item_id")?,
            thumbnail: opt_string(d, &p, "thumbnail")?,
            taken_at: int(d, &p, "taken_at")?,
            gps,
            by: string(d, &p, "by")?,
            signature: signature(d, &p)?,
        };
        if record.sha256 != key {
            return Err(bad("photos", "record hash does not match its key"));
        }
        photos.insert(key, record);
    }
    Ok(photos)
}

fn review(d: &AutoCommit) -> R<Option<Review>> {
    let Some(r) = object(d, &ROOT, keys::REVIEW, ObjType::Map)? else { return Ok(None) };
    let mut history = Vec::new();
    if let Some(h) = object(d, &r, "history", ObjType::List)? {
        bounded("review.history", d.length(&h), MAX_REVIEWS)?;
        for i in 0..d.length(&h) {
            match d.get(&h, i)? {
                Some((Value::Object(ObjType::Map), id)) => history.push(review_entry(d, &id)?),
                _ => return Err(bad("review.history", "expected an entry")),
            }
        }
    }
    Ok(Some(Review { current: review_entry(d, &r)?, history }))
}

impl InspectionDoc {
    /// The template version the document is on (it changes when the server
    /// moves a draft to a newer version), without reading the rest.
    pub fn template_ref(&self) -> R<TemplateRef> {
        let d = &self.doc;
        let version = u32_of(uint(d, &ROOT, keys::TEMPLATE_VERSION)?, "template_version")?;
        Ok(TemplateRef { id: string(d, &ROOT, keys::TEMPLATE_ID)?, version })
    }

    /// Reads the whole document at its current heads.
    pub fn snapshot(&self) -> R<InspectionSnapshot> {
        let d = &self.doc;
        let version = uint(d, &ROOT, keys::TEMPLATE_VERSION)?;
        let template =
            TemplateRef { id: string(d, &ROOT, keys::TEMPLATE_ID)?, version: u32_of(version, "template_version")? };
        let mut snap = InspectionSnapshot {
            centre_code: String::new(),
            template,
            purpose: Purpose::Routine,
            created_by: String::new(),
            created_at: 0,
            inspectors: BTreeMap::new(),
            answers: BTreeMap::new(),
            conflicts: Vec::new(),
            notes: String::new(),
            item_notes: BTreeMap::new(),
            photos: BTreeMap::new(),
            gps_fixes: Vec::new(),
            sign_offs: BTreeMap::new(),
            review: None,
            respondents: BTreeMap::new(),
            migrations: Vec::new(),
        };
        // In this order, so a document malformed in several places names the same one first.
        for key in &SECTIONS[..8] {
            self.read_section(&mut snap, key)?;
        }
        snap.centre_code = string(d, &ROOT, keys::CENTRE)?;
        snap.created_by = string(d, &ROOT, keys::CREATED_BY)?;
        snap.created_at = int(d, &ROOT, keys::CREATED_AT)?;
        snap.purpose = match opt_string(d, &ROOT, keys::PURPOSE)? {
            None => Purpose::Routine,
            Some(p) => Purpose::parse(&p).ok_or_else(|| bad(keys::PURPOSE, "not a purpose"))?,
        };
        for key in &SECTIONS[8..] {
            self.read_section(&mut snap, key)?;
        }
        Ok(snap)
    }

    /// The document read as [`Self::snapshot`] does, given `prior`, its
    /// snapshot before a batch whose patches touched the root keys for which
    /// `touched` holds: only those sections are read again, and the answers
    /// always (a change to a hidden, conflicting answer record leaves no
    /// patch, yet shows in the conflicts). The caller vouches that `prior`
    /// was read at the heads the batch applied to and that the batch left
    /// the identity keys alone.
    pub fn snapshot_since(&self, prior: &InspectionSnapshot, touched: impl Fn(&str) -> bool) -> R<InspectionSnapshot> {
        let mut snap = prior.clone();
        for key in SECTIONS {
            if key == keys::ANSWERS || touched(key) {
                self.read_section(&mut snap, key)?;
            }
        }
        Ok(snap)
    }

    /// Reads one section (a root key of [`SECTIONS`]) into `snap`.
    fn read_section(&self, snap: &mut InspectionSnapshot, key: &str) -> R<()> {
        let d = &self.doc;
        match key {
            keys::INSPECTORS => {
                let obj = required(d, keys::INSPECTORS, ObjType::Map)?;
                bounded("inspectors", d.length(&obj), 100)?;
                snap.inspectors.clear();
                for key in d.keys(&obj) {
                    snap.inspectors.insert(key.clone(), string(d, &obj, &key)?);
                }
            }
            keys::ANSWERS => (snap.answers, snap.conflicts) = self.read_answers()?,
            keys::NOTES => snap.notes = bounded_text(d, &required(d, keys::NOTES, ObjType::Text)?, "notes")?,
            keys::ITEM_NOTES => snap.item_notes = item_notes(d)?,
            keys::PHOTOS => snap.photos = photos(d)?,
            keys::GPS => {
                let list = required(d, keys::GPS, ObjType::List)?;
                bounded("gps", d.length(&list), MAX_FIXES)?;
                snap.gps_fixes.clear();
                for i in 0..d.length(&list) {
                    match d.get(&list, i)? {
                        Some((Value::Object(ObjType::Map), id)) => snap.gps_fixes.push(fix(d, &id)?),
                        _ => return Err(bad("gps", "expected a fix")),
                    }
                }
            }
            keys::SIGN_OFFS => {
                let obj = required(d, keys::SIGN_OFFS, ObjType::Map)?;
                bounded("sign_offs", d.length(&obj), MAX_SIGN_OFFS)?;
                snap.sign_offs.clear();
                for key in d.keys(&obj) {
                    snap.sign_offs.insert(key.clone(), int(d, &obj, &key)?);
                }
            }
            keys::REVIEW => snap.review = review(d)?,
            keys::RESPONDENTS => snap.respondents = respondents(d)?,
            keys::MIGRATIONS => snap.migrations = migrations(d)?,
            _ => {}
        }
        Ok(())
    }

    /// The winning answer per item, and the items whose concurrent answers differ.
    fn read_answers(&self) -> R<(BTreeMap<String, AnswerRecord>, Vec<Conflict>)> {
        let d = &self.doc;
        let obj = required(d, keys::ANSWERS, ObjType::Map)?;
        bounded("answers", d.length(&obj), MAX_ANSWERS)?;
        let mut answers = BTreeMap::new();
        let mut conflicts = Vec::new();
        let items: Vec<(String, Value<'static>, ObjId, bool)> = d
            .map_range(&obj, ..)
            .map(|i| {
                let id = i.id();
                (i.key.into_owned(), Value::from(i.value), id, i.conflict)
            })
            .collect();
        for (key, value, winner_id, conflict) in items {
            if !matches!(value, Value::Object(ObjType::Map)) {
                return Err(bad(&format!("answers.{key}"), "expected an answer record"));
            }
            if !conflict {
                answers.insert(key, answer_record(d, &winner_id)?);
                continue;
            }
            let mut values = Vec::new();
            let mut ids = Vec::new();
            for (value, id) in d.get_all(&obj, key.as_str())? {
                match value {
                    Value::Object(ObjType::Map) => {
                        values.push(answer_record(d, &id)?);
                        ids.push(id);
                    }
                    _ => return Err(bad(&format!("answers.{key}"), "expected an answer record")),
                }
            }
            let Some(pos) = ids.iter().position(|id| *id == winner_id) else { continue };
            let Some(win) = values.get(pos).cloned() else { continue };
            if values.iter().any(|v| v.answer != win.answer) {
                conflicts.push(Conflict { item: key.clone(), values });
            }
            answers.insert(key, win);
        }
        Ok((answers, conflicts))
    }

    /// Items with concurrent different answers, with every value and who gave it.
    pub fn conflicts(&self) -> R<Vec<Conflict>> {
        Ok(self.read_answers()?.1)
    }
}
