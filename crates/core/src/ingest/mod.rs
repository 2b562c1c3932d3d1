//! Checking changes that arrive from a device before they are committed:
//! applied to a fork of the stored document, they must depend only on
//! changes the server has, come from actors registered to the sending
//! device, touch only paths the writer may write, and leave a document that
//! still reads strictly. A refused batch changes nothing.

mod relay;

pub use relay::{Author, check_relayed};

use crate::document::{DocError, InspectionDoc, InspectionSnapshot, keys};
use crate::evidence::{EvidenceCheck, EvidenceError, check_new_evidence};
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, Prop, ROOT, ReadDoc};

/// Who is writing.
#[derive(Debug, Clone)]
pub enum Writer<'a> {
    /// An inspector's device: only its registered actors, never server-owned
    /// paths, and its new evidence signed (`evidence`).
    Device { actors: &'a [ActorId], user_id: &'a str, evidence: EvidenceCheck<'a> },
    /// The server's own actor (reviews). May write anything.
    Server,
}

/// Bounds on one document's incoming batch.
#[derive(Debug, Clone, Copy)]
pub struct IngestLimits {
    pub max_changes: usize,
    /// Operations over all new changes of one batch.
    pub max_ops: usize,
}

impl Default for IngestLimits {
    fn default() -> Self {
        Self { max_changes: 20_000, max_ops: crate::payload::MAX_OPS_PER_PUSH as usize }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the changes cannot be decoded: {0}")]
    Undecodable(String),
    #[error("{} changes this depends on are missing; resend from the start", .0.len())]
    MissingDeps(Vec<ChangeHash>),
    #[error("change by actor {0} which is not registered to this device")]
    ForeignActor(String),
    #[error("`{0}` is written only by the server")]
    ServerOwned(String),
    #[error("`{0}` is fixed when the inspection is created")]
    IdentityChanged(String),
    #[error("the inspection was created by `{found}`, not by the signed-in user")]
    WrongCreator { found: String },
    #[error("{0} changes in one batch (at most {1})")]
    TooManyChanges(usize, usize),
    #[error("{0} operations in one batch (at most {1})")]
    TooManyOps(usize, usize),
    #[error("the document would be unreadable: {0}")]
    Malformed(String),
    #[error("`{0}` names another user: a device writes only its own user's sign-off and records")]
    OtherUser(String),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
}

impl Refusal {
    /// The stable code the server sends for this refusal.
    pub fn code(&self) -> crate::sync::RefusalCode {
        use crate::sync::RefusalCode as C;
        match self {
            Self::Undecodable(_) => C::Undecodable,
            Self::MissingDeps(_) => C::MissingDeps,
            Self::ForeignActor(_) => C::ForeignActor,
            Self::ServerOwned(_) => C::ServerOwned,
            Self::IdentityChanged(_) => C::IdentityChanged,
            Self::WrongCreator { .. } => C::WrongCreator,
            Self::TooManyChanges(..) => C::TooManyChanges,
            Self::TooManyOps(..) => C::TooManyOps,
            Self::Malformed(_) => C::Malformed,
            Self::OtherUser(_) => C::OtherUser,
            Self::Evidence(EvidenceError::Unsigned { .. }) => C::Unsigned,
            Self::Evidence(EvidenceError::BadSignature { .. }) => C::BadSignature,
        }
    }
}

/// What an accepted batch produced; nothing is stored until the caller commits it.
#[derive(Debug)]
pub struct Accepted {
    /// The document with the new changes applied.
    pub doc: AutoCommit,
    /// The changes new to the document, in causal order.
    pub changes: Vec<automerge::Change>,
    pub heads: Vec<ChangeHash>,
    pub snapshot: InspectionSnapshot,
}

const IDENTITY: [&str; 7] = [
    keys::SCHEMA,
    keys::CENTRE,
    keys::TEMPLATE_ID,
    keys::TEMPLATE_VERSION,
    keys::CREATED_BY,
    keys::CREATED_AT,
    keys::PURPOSE,
];

/// Checks `incoming` (bytes of `save()` or `save_after()`) against `stored`
/// (`None` for a document the server has never seen), which stays as it was.
pub fn check_incoming(
    stored: Option<&mut AutoCommit>,
    incoming: &[u8],
    writer: &Writer<'_>,
    limits: IngestLimits,
) -> Result<Accepted, Refusal> {
    check_owned(stored.map(|d| d.fork()), incoming, writer, limits)
}

/// As [`check_incoming`], applying to `stored` itself instead of a copy
/// (copying a large document on every round is the cost this avoids). On a
/// refusal the document is consumed: the caller reloads what it committed.
pub fn check_owned(
    stored: Option<AutoCommit>,
    incoming: &[u8],
    writer: &Writer<'_>,
    limits: IngestLimits,
) -> Result<Accepted, Refusal> {
    check_owned_after(stored, None, incoming, writer, limits)
}

/// A document's snapshot and the heads it was read at.
#[derive(Debug, Clone)]
pub struct Prior {
    pub heads: Vec<ChangeHash>,
    pub snapshot: InspectionSnapshot,
}

/// As [`check_owned`], given the snapshot of `stored` as it stands: a
/// device's batch then reads again only the sections it touched, so a
/// round's cost does not grow with the whole document. `prior` is used
/// only when its heads are `stored`'s.
pub fn check_owned_after(
    stored: Option<AutoCommit>,
    prior: Option<&Prior>,
    incoming: &[u8],
    writer: &Writer<'_>,
    limits: IngestLimits,
) -> Result<Accepted, Refusal> {
    let is_new = stored.is_none();
    let mut fork = stored.unwrap_or_default();
    let before = fork.get_heads();
    let prior = prior.filter(|p| !is_new && p.heads == before).map(|p| &p.snapshot);
    let device = matches!(writer, Writer::Device { .. });
    // A device's batch is diffed below: logging the patches while applying
    // costs less than diffing the document's states afterwards.
    if device {
        fork.update_diff_cursor();
    }
    let new = load_new(&mut fork, &before, incoming, limits)?;
    if let Writer::Device { actors, .. } = writer
        && let Some(c) = new.iter().find(|c| !actors.contains(c.actor_id()))
    {
        return Err(Refusal::ForeignActor(c.actor_id().to_hex_string()));
    }
    let after = fork.get_heads();

    let mut evidence_touched = false;
    // The root keys a device's batch touched, by its patches.
    let mut touched = std::collections::BTreeSet::new();
    if let Writer::Device { user_id, .. } = writer {
        if is_new {
            let created_by = match fork.get(ROOT, keys::CREATED_BY) {
                Ok(Some((automerge::Value::Scalar(s), _))) => s.as_str().unwrap_or_default().to_owned(),
                _ => String::new(),
            };
            if created_by != *user_id {
                return Err(Refusal::WrongCreator { found: created_by });
            }
        }
        // Records whose author was checked: a new record brings a patch per field.
        let mut records_checked = std::collections::HashSet::new();
        let mut gps_changed = false;
        let mut respondent_lists = std::collections::BTreeSet::new();
        for patch in fork.diff(&before, &after) {
            let root_key = match patch.path.first() {
                Some((_, Prop::Map(key))) => key.clone(),
                Some((_, Prop::Seq(_))) => continue,
                None => match &patch.action {
                    automerge::PatchAction::PutMap { key, .. } | automerge::PatchAction::DeleteMap { key } => {
                        key.clone()
                    }
                    automerge::PatchAction::Conflict { prop: Prop::Map(key) } => {
                        touched.insert(key.clone());
                        continue;
                    }
                    _ => continue,
                },
            };
            touched.insert(root_key.clone());
            if root_key == keys::REVIEW || root_key == keys::MIGRATIONS {
                return Err(Refusal::ServerOwned(root_key));
            }
            if !is_new && IDENTITY.contains(&root_key.as_str()) {
                return Err(Refusal::IdentityChanged(root_key));
            }
            evidence_touched |= root_key == keys::PHOTOS || root_key == keys::GPS;
            if root_key == keys::GPS && is_list_removal(&patch) {
                gps_changed = true;
                continue;
            }
            if root_key == keys::RESPONDENTS {
                if let Some(list) = check_respondents(&fork, &patch, is_new, user_id, &before)? {
                    respondent_lists.insert(list);
                }
                continue;
            }
            check_writer_owns(&fork, &patch, &root_key, is_new, user_id, &before, &mut records_checked)?;
        }
        // Once per batch, however many fixes it removes (each check reads
        // the whole list as it stood).
        if gps_changed && let Ok(Some((_, gps))) = fork.get(ROOT, keys::GPS) {
            fixes_of_others_kept(&fork, &gps, &before, user_id)?;
        }
        for list in &respondent_lists {
            records_of_others_kept(&fork, list, &before, user_id, keys::RESPONDENTS)?;
        }
        // A losing concurrent write leaves no visible patch; look for it directly.
        if review_has_foreign_ops(&fork, &before) {
            return Err(Refusal::ServerOwned(format!("{} or {}", keys::REVIEW, keys::MIGRATIONS)));
        }
    }
    if device {
        fork.reset_diff_cursor();
    }

    let doc = InspectionDoc::from_automerge(fork).map_err(|e| Refusal::Malformed(e.to_string()))?;
    // A device may not touch the identity keys of a stored document (refused above).
    let snapshot = match prior.filter(|_| device) {
        Some(prior) => doc.snapshot_since(prior, |key| touched.contains(key)),
        None => doc.snapshot(),
    }
    .map_err(|e: DocError| Refusal::Malformed(e.to_string()))?;
    if let Writer::Device { user_id, .. } = writer
        && !is_new
        && !snapshot.conflicts.is_empty()
    {
        conflicting_records_of_others_kept(doc.automerge(), &snapshot.conflicts, &before, user_id)?;
    }
    if let Writer::Device { evidence, .. } = writer
        && evidence_touched
    {
        let mut doc = doc.into_automerge();
        // The records as they stood: only what the batch adds or alters is checked.
        let read;
        let old = match (is_new, prior) {
            (true, _) => None,
            (false, Some(prior)) => Some(prior),
            (false, None) => {
                read = snapshot_at(&mut doc, &before)?;
                Some(&read)
            }
        };
        check_new_evidence(old, &snapshot, evidence)?;
        return Ok(Accepted { doc, changes: new, heads: after, snapshot });
    }
    Ok(Accepted { doc: doc.into_automerge(), changes: new, heads: after, snapshot })
}

/// Loads `incoming` into `doc` and returns the changes new over `before`,
/// in causal order, within the limits: none may build on a change missing.
fn load_new(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    incoming: &[u8],
    limits: IngestLimits,
) -> Result<Vec<automerge::Change>, Refusal> {
    doc.load_incremental(incoming).map_err(|e| Refusal::Undecodable(e.to_string()))?;
    let missing = doc.get_missing_deps(&[]);
    if !missing.is_empty() {
        return Err(Refusal::MissingDeps(missing));
    }
    let new = doc.get_changes(before);
    if new.len() > limits.max_changes {
        return Err(Refusal::TooManyChanges(new.len(), limits.max_changes));
    }
    let ops: usize = new.iter().map(automerge::Change::len).sum();
    if ops > limits.max_ops {
        return Err(Refusal::TooManyOps(ops, limits.max_ops));
    }
    Ok(new)
}

fn snapshot_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<InspectionSnapshot, Refusal> {
    let malformed = |e: String| Refusal::Malformed(format!("the document as it stood: {e}"));
    let then = doc.fork_at(heads).map_err(|e| malformed(e.to_string()))?;
    let then = InspectionDoc::from_automerge(then).map_err(|e| malformed(e.to_string()))?;
    then.snapshot().map_err(|e| malformed(e.to_string()))
}

/// Root keys holding what inspectors record. Each is created with the
/// document and never replaced or removed: replacing one would drop every
/// co-inspector's records (or sign-offs) at once.
const CONTAINERS: [&str; 7] =
    [keys::ANSWERS, keys::NOTES, keys::ITEM_NOTES, keys::PHOTOS, keys::GPS, keys::SIGN_OFFS, keys::INSPECTORS];

/// A device writes in its own user's name only: it signs off and joins as
/// its user, and it creates, changes and removes answer, photo and fix
/// records only in its user's name. A record's author (`by`) is fixed: it is
/// checked as it stood before the batch and as it stands after, so a change
/// cannot rename the author and rewrite the content together. Two things
/// stay open on the shared checklist, as documented: answering an item a
/// co-inspector answered (a new record replaces theirs, and concurrent
/// answers surface as a conflict) and clearing an answer. Names mislead
/// the supervisor otherwise. `doc` is the document after the batch.
fn check_writer_owns(
    doc: &AutoCommit,
    patch: &automerge::Patch,
    root_key: &str,
    is_new: bool,
    user_id: &str,
    before: &[ChangeHash],
    records_checked: &mut std::collections::HashSet<ObjId>,
) -> Result<(), Refusal> {
    use automerge::PatchAction::{DeleteMap, Insert, PutMap};
    let keyed = |key: &str| matches!(&patch.action, PutMap { key: k, .. } | DeleteMap { key: k } if k == key);
    if patch.path.is_empty() {
        return match CONTAINERS.contains(&root_key) && !is_new && keyed(root_key) {
            true => Err(Refusal::IdentityChanged(root_key.to_owned())),
            false => Ok(()),
        };
    }
    if [keys::SIGN_OFFS, keys::INSPECTORS].contains(&root_key) && patch.path.len() == 1 && !keyed(user_id) {
        return Err(Refusal::OtherUser(root_key.to_owned()));
    }
    if ![keys::ANSWERS, keys::PHOTOS, keys::GPS].contains(&root_key) {
        return Ok(());
    }
    let other = |what: &str, by: Option<String>| Refusal::OtherUser(format!("{what} by {}", by.unwrap_or_default()));
    let container = &patch.obj;
    if patch.path.len() >= 2 {
        // Inside a record: it must be the user's before and after.
        let record = patch.path.get(2).map_or(&patch.obj, |(obj, _)| obj);
        if !records_checked.insert(record.clone()) {
            return Ok(());
        }
        let now = author(doc.get(record, "by"));
        if now.as_deref() != Some(user_id) {
            return Err(other(&format!("{root_key} record"), now));
        }
        return match author_before(doc, record, before)? {
            Some(then) if then != user_id => Err(other(&format!("{root_key} record"), Some(then))),
            _ => Ok(()),
        };
    }
    match &patch.action {
        // A record put under a key: a new record in the user's name; in
        // photos it may not replace a co-inspector's.
        PutMap { key, .. } | DeleteMap { key } => {
            if root_key != keys::ANSWERS {
                for (value, old) in doc.get_all_at(container, key.as_str(), before).unwrap_or_default() {
                    let by = match value {
                        automerge::Value::Object(_) => author(doc.get_at(&old, "by", before)),
                        automerge::Value::Scalar(_) => None,
                    };
                    if by.as_deref() != Some(user_id) {
                        return Err(other(&format!("{root_key} record"), by));
                    }
                }
            }
            if let PutMap { key, .. } = &patch.action {
                new_record_is_own(doc, doc.get(container, key.as_str()), root_key, user_id)?;
            }
            Ok(())
        }
        Insert { index, values, .. } => {
            for i in 0..values.len() {
                new_record_is_own(doc, doc.get(container, index.saturating_add(i)), root_key, user_id)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

type Got<'a> = Result<Option<(automerge::Value<'a>, ObjId)>, automerge::AutomergeError>;

fn author(got: Got<'_>) -> Option<String> {
    match got {
        Ok(Some((automerge::Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The record's author before the batch; `None` for a record the batch creates.
fn author_before(doc: &AutoCommit, record: &ObjId, before: &[ChangeHash]) -> Result<Option<String>, Refusal> {
    match doc.get_at(record, "by", before) {
        Ok(got) => Ok(author(Ok(got))),
        Err(e) => Err(Refusal::Malformed(format!("a record cannot be read as it stood: {e}"))),
    }
}

/// A record just put in place names the writer. Anything that is not a
/// record is left to the strict reader, which refuses it as malformed.
fn new_record_is_own(doc: &AutoCommit, got: Got<'_>, root_key: &str, user_id: &str) -> Result<(), Refusal> {
    let by = match got {
        Ok(Some((automerge::Value::Object(_), record))) => author(doc.get(&record, "by")),
        _ => return Ok(()),
    };
    match by.as_deref() == Some(user_id) {
        true => Ok(()),
        false => Err(Refusal::OtherUser(format!("{root_key} record by {}", by.unwrap_or_default()))),
    }
}

/// A change under `respondents`: the map and its lists are the server's
/// (created with the document or by a move to a new version), so a device
/// only adds records in its own user's name to a list, edits its own, and
/// removes records (whose authors the caller checks on the returned list).
fn check_respondents(
    doc: &AutoCommit,
    patch: &automerge::Patch,
    is_new: bool,
    user_id: &str,
    before: &[ChangeHash],
) -> Result<Option<ObjId>, Refusal> {
    use automerge::PatchAction::{DeleteSeq, Insert, PutSeq};
    match patch.path.len() {
        0 | 1 if is_new => Ok(None),
        0 | 1 => Err(Refusal::IdentityChanged(keys::RESPONDENTS.into())),
        2 => match &patch.action {
            Insert { index, values, .. } => {
                for i in 0..values.len() {
                    new_record_is_own(doc, doc.get(&patch.obj, index.saturating_add(i)), keys::RESPONDENTS, user_id)?;
                }
                Ok(None)
            }
            PutSeq { index, .. } => {
                new_record_is_own(doc, doc.get(&patch.obj, *index), keys::RESPONDENTS, user_id)?;
                Ok(Some(patch.obj.clone()))
            }
            DeleteSeq { .. } => Ok(Some(patch.obj.clone())),
            _ => Ok(None),
        },
        _ => {
            let record = patch.path.get(3).map_or(&patch.obj, |(obj, _)| obj);
            let other =
                |by: Option<String>| Refusal::OtherUser(format!("respondents record by {}", by.unwrap_or_default()));
            let now = author(doc.get(record, "by"));
            if now.as_deref() != Some(user_id) {
                return Err(other(now));
            }
            match author_before(doc, record, before)? {
                Some(then) if then != user_id => Err(other(Some(then))),
                _ => Ok(None),
            }
        }
    }
}

/// A losing value of a conflict is hidden, so a change inside it leaves no
/// patch for [`check_writer_owns`] to see; yet the conflict shows it to the
/// supervisor, in its author's name. Every record of a conflicting item
/// that another user wrote must be as it stood before the batch.
fn conflicting_records_of_others_kept(
    doc: &AutoCommit,
    conflicts: &[crate::document::Conflict],
    before: &[ChangeHash],
    user_id: &str,
) -> Result<(), Refusal> {
    let Ok(Some((_, answers))) = doc.get(ROOT, keys::ANSWERS) else { return Ok(()) };
    for conflict in conflicts {
        let records = doc.get_all(&answers, conflict.item.as_str()).unwrap_or_default();
        for (value, record) in records {
            if !matches!(value, automerge::Value::Object(_)) {
                continue;
            }
            let by = author_before(doc, &record, before)?;
            if by.as_deref().is_some_and(|by| by != user_id) && unchanged(doc, &record, before) != Some(true) {
                return Err(Refusal::OtherUser(format!("answers record by {}", by.unwrap_or_default())));
            }
        }
    }
    Ok(())
}

/// A fix removed or replaced in the list of fixes (checked once per batch).
fn is_list_removal(patch: &automerge::Patch) -> bool {
    patch.path.len() == 1
        && matches!(patch.action, automerge::PatchAction::DeleteSeq { .. } | automerge::PatchAction::PutSeq { .. })
}

/// Every fix recorded by another user before the batch is still there after it.
fn fixes_of_others_kept(doc: &AutoCommit, list: &ObjId, before: &[ChangeHash], user_id: &str) -> Result<(), Refusal> {
    records_of_others_kept(doc, list, before, user_id, "gps")
}

/// Every record of `list` written by another user before the batch is still there after it.
fn records_of_others_kept(
    doc: &AutoCommit,
    list: &ObjId,
    before: &[ChangeHash],
    user_id: &str,
    what: &str,
) -> Result<(), Refusal> {
    let now: std::collections::HashSet<ObjId> =
        (0..doc.length(list)).filter_map(|i| doc.get(list, i).ok().flatten().map(|(_, id)| id)).collect();
    for i in 0..doc.length_at(list, before) {
        let Ok(Some((_, fix))) = doc.get_at(list, i, before) else { continue };
        let by = author(doc.get_at(&fix, "by", before));
        if !now.contains(&fix) && by.as_deref() != Some(user_id) {
            return Err(Refusal::OtherUser(format!("removing a {what} record by {}", by.unwrap_or_default())));
        }
    }
    Ok(())
}

/// Whether any value under `review` (including conflicting, hidden ones) was
/// written by a change newer than `before`.
fn review_has_foreign_ops(doc: &AutoCommit, before: &[ChangeHash]) -> bool {
    [keys::REVIEW, keys::MIGRATIONS]
        .into_iter()
        .any(|key| same_values(doc, doc.get_all(ROOT, key), doc.get_all_at(ROOT, key, before), before) != Some(true))
}

type Values<'a> = Result<Vec<(automerge::Value<'a>, ObjId)>, automerge::AutomergeError>;

/// Some(true) when both sides hold the same ops (by id) and every object
/// below them is unchanged since `before`; anything unreadable counts as changed.
fn same_values<'a>(doc: &'a AutoCommit, now: Values<'a>, then: Values<'a>, before: &[ChangeHash]) -> Option<bool> {
    let (now, then) = (now.ok()?, then.ok()?);
    if now.len() != then.len() || now.iter().zip(&then).any(|(a, b)| a.1 != b.1) {
        return Some(false);
    }
    for (value, id) in &now {
        if matches!(value, automerge::Value::Object(_)) && !unchanged(doc, id, before)? {
            return Some(false);
        }
    }
    Some(true)
}

fn unchanged(doc: &AutoCommit, obj: &ObjId, before: &[ChangeHash]) -> Option<bool> {
    match doc.object_type(obj).ok()? {
        automerge::ObjType::Map | automerge::ObjType::Table => {
            let now: Vec<String> = doc.keys(obj).collect();
            let then: Vec<String> = doc.keys_at(obj, before).collect();
            if now != then {
                return Some(false);
            }
            for key in now {
                let k = key.as_str();
                if !same_values(doc, doc.get_all(obj, k), doc.get_all_at(obj, k, before), before)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        automerge::ObjType::List => {
            let len = doc.length(obj);
            if len != doc.length_at(obj, before) {
                return Some(false);
            }
            for i in 0..len {
                if !same_values(doc, doc.get_all(obj, i), doc.get_all_at(obj, i, before), before)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        automerge::ObjType::Text => Some(doc.text(obj).ok()? == doc.text_at(obj, before).ok()?),
    }
}
