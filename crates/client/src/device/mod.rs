//! What the inspector does with inspections on the device, offline. Every
//! edit is applied to the loaded document and its new changes are committed
//! to the store before the call returns.

mod peer;
mod read_model;

pub use peer::PeerWriter;
pub use read_model::DocSummary;
use read_model::ReadModel;

use crate::secrets::{Secrets, SecretsError};
use crate::server_config::DeviceConfig;
use crate::store::settings;
use crate::store::{DocInfo, Store, StoreError, StoredPhoto};
use automerge::{ActorId, ChangeHash};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use xuncha_core::document::{
    Answer, AnswerRecord, Conflict, DocError, GpsFix, InspectionDoc, InspectionSnapshot, NewInspection, PhotoRecord,
    Respondent, Review,
};
use xuncha_core::evidence::{SigningKey, sign_fix, sign_photo};
use xuncha_core::photo::{PhotoError, process};
use xuncha_core::scoring::{EvidenceFacts, Report, ScoreError, check_answer, score};
use xuncha_core::sync::{DocPush, DocReply, DocStatus, Heads, RefusalCode};
use xuncha_core::template::{Template, TemplateRef};
use xuncha_core::{Centre, DocumentId};

/// A document to push and the heads it brings the server to.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub push: DocPush,
    pub heads: Vec<ChangeHash>,
}

/// Stored changes after which a document is saved again as one snapshot.
pub const COMPACT_AFTER: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("this device is not enrolled yet")]
    NotEnrolled,
    #[error("no inspection {0} on this device")]
    UnknownInspection(DocumentId),
    #[error("template {0} is not on this device; sync first")]
    MissingTemplate(TemplateRef),
    #[error("item `{0}` is not in this inspection's template")]
    UnknownItem(String),
    #[error("{0}")]
    Answer(#[from] xuncha_core::scoring::AnswerError),
    #[error(transparent)]
    Document(#[from] DocError),
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("stored data is damaged: {0}")]
    Damaged(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
}

/// One person asked on site, as the inspector enters it.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct RespondentInput {
    pub satisfied: bool,
    #[serde(default)]
    pub opinion: Option<String>,
    /// Only with the respondent's consent, for a supervisor's 回访.
    #[serde(default)]
    pub phone: Option<String>,
}

fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits) && p.chars().count() <= 20 && p.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c))
}

pub type ClientResult<T> = Result<T, ClientError>;

/// Who uses this device: set at enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub actor: ActorId,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug)]
struct Loaded {
    doc: InspectionDoc,
    template: TemplateRef,
    /// Changes stored since the last snapshot.
    pending: usize,
    ack: Vec<ChangeHash>,
}

/// The key this device signs its evidence with, and its id on the server.
struct EvidenceKey {
    device: i64,
    key: SigningKey,
}

impl std::fmt::Debug for EvidenceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceKey").field("device", &self.device).finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct Device {
    dir: PathBuf,
    store: Store,
    identity: Option<Identity>,
    /// None before enrolment, and for a device enrolled by an app before signing.
    signer: Option<EvidenceKey>,
    docs: Mutex<HashMap<DocumentId, Loaded>>,
    /// The read model of what screens ask on every edit, kept up to date on
    /// write so an edit's cost does not grow with the documents on the device.
    read: Mutex<ReadModel>,
}

impl Device {
    pub fn open(dir: &Path) -> ClientResult<Self> {
        let store = Store::open(dir)?;
        let identity = match (
            store.get(&settings::ACTOR)?,
            store.get(&settings::USERNAME)?,
            store.get(&settings::DISPLAY_NAME)?,
        ) {
            (Some(actor), Some(username), Some(display_name)) => {
                let bytes = hex::decode(&actor).map_err(|_| ClientError::Damaged("the stored actor id".into()))?;
                Some(Identity { actor: ActorId::from(bytes), username, display_name })
            }
            _ => None,
        };
        let mut secrets = Secrets::load(dir)?;
        // Stores of earlier versions kept the token among the settings.
        if let Some(token) = store.get(&settings::LEGACY_TOKEN)? {
            secrets.token.get_or_insert(token);
            secrets.save(dir)?;
            store.remove(&settings::LEGACY_TOKEN)?;
        }
        let device = store.get(&settings::DEVICE_ID)?;
        let signer = device.zip(secrets.signing_key()).map(|(device, key)| EvidenceKey { device, key });
        Ok(Self {
            dir: dir.to_owned(),
            store,
            identity,
            signer,
            docs: Mutex::new(HashMap::new()),
            read: Mutex::default(),
        })
    }

    /// The token and key kept outside the store (see `secrets`).
    pub fn secrets(&self) -> ClientResult<Secrets> {
        Ok(Secrets::load(&self.dir)?)
    }

    /// Records what enrolment gave: the token, the signing key and the device id.
    pub fn set_enrolment(&mut self, device: i64, token: &str, key: SigningKey) -> ClientResult<()> {
        let secrets = Secrets { token: Some(token.to_owned()), signing_key: Some(hex::encode(key.to_bytes())) };
        secrets.save(&self.dir)?;
        self.store.put(&settings::DEVICE_ID, &device)?;
        self.signer = Some(EvidenceKey { device, key });
        Ok(())
    }

    /// The id this device signs its evidence as, once enrolled with a key.
    pub fn signing_device(&self) -> Option<i64> {
        self.signer.as_ref().map(|s| s.device)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    pub fn set_identity(&mut self, id: Identity) -> ClientResult<()> {
        self.store.put(&settings::ACTOR, &id.actor.to_hex_string())?;
        self.store.put(&settings::USERNAME, &id.username)?;
        self.store.put(&settings::DISPLAY_NAME, &id.display_name)?;
        self.identity = Some(id);
        Ok(())
    }

    fn me(&self) -> ClientResult<&Identity> {
        self.identity.as_ref().ok_or(ClientError::NotEnrolled)
    }

    /// Photos the items of this device's tasks show (a follow-up's 原问题照片)
    /// whose thumbnails are not here yet, at most `limit`.
    pub fn missing_reference_photos(&self, limit: usize) -> ClientResult<Vec<String>> {
        let mut missing = std::collections::BTreeSet::new();
        for json in self.store.assignments()? {
            let Ok(a) = serde_json::from_str::<xuncha_core::sync::AssignmentNotice>(&json) else { continue };
            if a.cancelled {
                continue;
            }
            let Some((t, _)) = self.store.template(&a.template)? else { continue };
            let t: Template = serde_json::from_str(&t).map_err(|e| ClientError::Damaged(e.to_string()))?;
            for (_, item) in t.items() {
                for sha in &item.reference_photos {
                    if missing.len() < limit && self.store.thumbnail(sha)?.is_none() {
                        missing.insert(sha.clone());
                    }
                }
            }
        }
        Ok(missing.into_iter().collect())
    }

    /// The template a new inspection of `centre` uses: the newest cached
    /// variant of its province for its type, else the newest built-in one.
    pub fn template_for(&self, centre: &Centre) -> ClientResult<Template> {
        let mut best: Option<Template> = None;
        for (id, version) in self.store.template_refs()? {
            let t = self.template(&TemplateRef { id, version })?;
            if t.centre_type != centre.centre_type {
                continue;
            }
            let rank = |t: &Template| (t.province.as_deref() == Some(centre.region.province.as_str()), t.version);
            match (&t.province, &best) {
                (Some(p), _) if *p != centre.region.province => {}
                (_, Some(b)) if rank(b) >= rank(&t) => {}
                _ => best = Some(t),
            }
        }
        best.ok_or_else(|| {
            ClientError::MissingTemplate(TemplateRef { id: centre.centre_type.as_str().into(), version: 0 })
        })
    }

    /// Resolves a conflict by choosing one of its values: written again,
    /// it supersedes every concurrent answer.
    pub fn resolve_conflict(&self, id: &DocumentId, item: &str, choice: usize, now: i64) -> ClientResult<()> {
        let conflict = self
            .conflicts(id)?
            .into_iter()
            .find(|c| c.item == item)
            .ok_or_else(|| ClientError::UnknownItem(item.to_owned()))?;
        let chosen =
            conflict.values.get(choice).ok_or_else(|| ClientError::UnknownItem(format!("{item} #{choice}")))?;
        self.set_answer(id, item, chosen.answer.clone(), now)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<DocumentId, Loaded>> {
        self.docs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an inspection of `centre` with `template` (the one that
    /// applies: the province's variant, else the built-in one).
    pub fn start_inspection(&self, centre: &Centre, template: &Template, now: i64) -> ClientResult<DocumentId> {
        let me = self.me()?;
        let new = NewInspection {
            centre_code: centre.code.clone(),
            template: template.reference(),
            purpose: Default::default(),
            created_by: me.username.clone(),
            created_by_name: me.display_name.clone(),
            at: now,
        };
        let mut doc = InspectionDoc::create(me.actor.clone(), &new, template)?;
        let id = DocumentId::random();
        let info =
            DocInfo { doc: id, centre_code: centre.code.clone(), template: template.reference(), updated_at: now };
        self.store.put_doc(&info, &doc.save(), &[])?;
        self.lock().insert(id, Loaded { doc, template: template.reference(), pending: 0, ack: Vec::new() });
        Ok(id)
    }

    /// Runs `edit` on the document and commits its new changes to the store.
    fn edit<T>(
        &self,
        id: &DocumentId,
        now: i64,
        edit: impl FnOnce(&mut InspectionDoc, &Template) -> ClientResult<T>,
    ) -> ClientResult<T> {
        let mut docs = self.lock();
        let loaded = self.loaded(&mut docs, id)?;
        let template = self.template(&loaded.template)?;
        let before = loaded.doc.automerge_mut().get_heads();
        let out = edit(&mut loaded.doc, &template);
        let new: Vec<Vec<u8>> =
            loaded.doc.automerge_mut().get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
        if !new.is_empty() {
            self.changed(id);
            loaded.pending = self.store.append_changes(id, &new, now)?;
            if loaded.pending > COMPACT_AFTER {
                let snap = loaded.doc.snapshot()?;
                let info =
                    DocInfo { doc: *id, centre_code: snap.centre_code, template: snap.template, updated_at: now };
                self.store.put_doc(&info, &loaded.doc.save(), &loaded.ack)?;
                loaded.pending = 0;
            }
        }
        out
    }

    fn loaded<'a>(&self, docs: &'a mut HashMap<DocumentId, Loaded>, id: &DocumentId) -> ClientResult<&'a mut Loaded> {
        if !docs.contains_key(id) {
            let stored = self.store.load_doc(id)?.ok_or(ClientError::UnknownInspection(*id))?;
            let actor = self.me()?.actor.clone();
            let mut doc = InspectionDoc::load(&stored.snapshot, actor)?;
            for c in &stored.changes {
                doc.automerge_mut().load_incremental(c).map_err(DocError::from)?;
            }
            let loaded =
                Loaded { doc, template: stored.info.template, pending: stored.changes.len(), ack: stored.ack_heads };
            docs.insert(*id, loaded);
        }
        docs.get_mut(id).ok_or(ClientError::UnknownInspection(*id))
    }

    pub fn snapshot(&self, id: &DocumentId) -> ClientResult<InspectionSnapshot> {
        let mut docs = self.lock();
        Ok(self.loaded(&mut docs, id)?.doc.snapshot()?)
    }

    /// Sets or replaces an answer (also how a conflict is resolved: a new
    /// answer supersedes every concurrent one).
    pub fn set_answer(&self, id: &DocumentId, item: &str, answer: Answer, now: i64) -> ClientResult<()> {
        let by = self.me()?.username.clone();
        self.edit(id, now, |doc, t| {
            let spec = t.item(item).ok_or_else(|| ClientError::UnknownItem(item.to_owned()))?;
            check_answer(spec, &answer)?;
            doc.set_answer(t, item, &AnswerRecord { answer, by, at: now })?;
            Ok(())
        })
    }

    /// Records one person asked on site (现场随访) for a respondents item.
    pub fn add_respondent(&self, id: &DocumentId, item: &str, input: RespondentInput, now: i64) -> ClientResult<()> {
        let by = self.me()?.username.clone();
        let phone = input.phone.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        if phone.as_deref().is_some_and(|p| !valid_phone(p)) {
            return Err(ClientError::Invalid("a phone number is 5–20 digits, with + - or spaces".into()));
        }
        let opinion = input.opinion.map(|o| o.trim().to_owned()).filter(|o| !o.is_empty());
        let r = Respondent { at: now, satisfied: input.satisfied, opinion, phone, by };
        self.edit(id, now, |doc, t| Ok(doc.add_respondent(t, item, &r)?))
    }

    /// Removes a respondent this device's user recorded (`index` in the item's list).
    pub fn remove_respondent(&self, id: &DocumentId, item: &str, index: usize, now: i64) -> ClientResult<()> {
        let me = self.me()?.username.clone();
        self.edit(id, now, |doc, t| {
            let snap = doc.snapshot()?;
            match snap.respondents.get(item).and_then(|list| list.get(index)) {
                Some(r) if r.by == me => Ok(doc.remove_respondent(t, item, index, now)?),
                Some(_) => Err(ClientError::Invalid("only the inspector who recorded a respondent removes it".into())),
                None => Err(ClientError::Invalid(format!("no respondent {index} on `{item}`"))),
            }
        })
    }

    pub fn mark_not_applicable(&self, id: &DocumentId, item: &str, now: i64) -> ClientResult<()> {
        self.set_answer(id, item, Answer::NotApplicable, now)
    }

    pub fn clear_answer(&self, id: &DocumentId, item: &str, now: i64) -> ClientResult<()> {
        self.edit(id, now, |doc, t| Ok(doc.clear_answer(t, item, now)?))
    }

    /// General notes (`item = None`) or an item's notes. With `base`, the
    /// text the screen showed before the edit, words merged in since are kept.
    pub fn set_notes(
        &self,
        id: &DocumentId,
        item: Option<&str>,
        base: Option<&str>,
        text: &str,
        now: i64,
    ) -> ClientResult<()> {
        self.edit(id, now, |doc, _| match base {
            Some(base) => Ok(doc.edit_notes(item, base, text, now)?),
            None => Ok(doc.set_notes(item, text, now)?),
        })
    }

    /// Records a position, signed by this device when it has a key.
    pub fn add_gps_fix(&self, id: &DocumentId, fix: &GpsFix, now: i64) -> ClientResult<()> {
        let mut fix = fix.clone();
        fix.signature = self.signer.as_ref().map(|s| sign_fix(&s.key, s.device, id, &fix));
        self.edit(id, now, |doc, _| Ok(doc.add_gps_fix(&fix)?))
    }

    pub fn sign_off(&self, id: &DocumentId, now: i64) -> ClientResult<()> {
        let me = self.me()?.username.clone();
        self.edit(id, now, |doc, _| Ok(doc.sign_off(&me, now)?))
    }

    /// Processes a photo (limits, orientation, bounded size, thumbnail),
    /// stores its bytes and records its hash in the inspection.
    pub fn add_photo(
        &self,
        id: &DocumentId,
        item: Option<&str>,
        bytes: &[u8],
        gps: Option<GpsFix>,
        now: i64,
    ) -> ClientResult<PhotoRecord> {
        if let Some(item) = item {
            let template = self.template(&self.snapshot(id)?.template)?;
            if template.item(item).is_none() {
                return Err(ClientError::UnknownItem(item.to_owned()));
            }
        }
        let limits = DeviceConfig::photo_limits(self.store.device_config()?.as_ref());
        let processed = process(bytes, &limits)?;
        let p = &processed.photo;
        let stored = StoredPhoto {
            sha256: p.sha256.clone(),
            thumb_sha256: processed.thumbnail.sha256.clone(),
            mime: p.mime.to_owned(),
            width: p.width,
            height: p.height,
            size: p.bytes.len() as u64,
            uploaded: 0,
            complete: false,
        };
        self.store.put_photo(&stored, &p.bytes, &processed.thumbnail.bytes, now)?;
        let record = PhotoRecord {
            sha256: p.sha256.clone(),
            bytes: p.bytes.len() as u64,
            mime: p.mime.to_owned(),
            width: p.width,
            height: p.height,
            item_id: item.map(str::to_owned),
            thumbnail: Some(processed.thumbnail.sha256.clone()),
            taken_at: now,
            gps,
            by: self.me()?.username.clone(),
            signature: None,
        };
        let record = PhotoRecord {
            signature: self.signer.as_ref().map(|s| sign_photo(&s.key, s.device, id, &record)),
            ..record
        };
        self.edit(id, now, |doc, t| {
            if let Some(item) = item
                && t.item(item).is_none()
            {
                return Err(ClientError::UnknownItem(item.to_owned()));
            }
            Ok(doc.add_photo(&record)?)
        })?;
        Ok(record)
    }

    /// The provisional score: the same engine and inputs as the server, with
    /// every photo present (they are on this device).
    pub fn provisional_score(&self, id: &DocumentId, centre: &Centre) -> ClientResult<Report> {
        let snap = self.snapshot(id)?;
        let template = self.template(&snap.template)?;
        Ok(score(&template, &snap, centre, &EvidenceFacts::default())?)
    }

    pub fn conflicts(&self, id: &DocumentId) -> ClientResult<Vec<Conflict>> {
        Ok(self.snapshot(id)?.conflicts)
    }

    /// What to push: each document with changes the server has not
    /// acknowledged, as `save_after(ack)` (a whole uncompressed save for a
    /// document the server has never acknowledged), with the heads it
    /// carries. Heads the server can read from the changes are not sent.
    pub fn outgoing(&self) -> ClientResult<Vec<Outgoing>> {
        let mut out = Vec::new();
        for info in self.store.docs()? {
            let mut docs = self.lock();
            let loaded = self.loaded(&mut docs, &info.doc)?;
            let am = loaded.doc.automerge_mut();
            let heads = am.get_heads();
            if heads == loaded.ack {
                continue;
            }
            let (changes, derivable) = if loaded.ack.is_empty() {
                (am.save_nocompress(), true)
            } else {
                let sent = am.get_changes(&loaded.ack);
                let hashes: Vec<ChangeHash> = sent.iter().map(|c| c.hash()).collect();
                let leaves = hashes.iter().filter(|h| !sent.iter().any(|c| c.deps().contains(h)));
                let mut leaves: Vec<ChangeHash> = leaves.copied().collect();
                leaves.sort();
                (am.save_after(&loaded.ack), leaves == heads)
            };
            let (client_heads, ack_heads) = if derivable {
                (Heads::default(), Heads::default())
            } else {
                (Heads(heads.clone()), Heads(loaded.ack.clone()))
            };
            out.push(Outgoing { push: DocPush { doc: info.doc, client_heads, ack_heads, changes }, heads });
        }
        Ok(out)
    }

    /// Stores what the server sent for one document, then moves its ack
    /// heads. `sent` are the heads this device pushed (empty server heads
    /// in an answer mean "the same as yours").
    pub fn apply_reply(&self, reply: &DocReply, sent: Option<&[ChangeHash]>, now: i64) -> ClientResult<()> {
        let mut docs = self.lock();
        let known = match self.loaded(&mut docs, &reply.doc) {
            Ok(l) => Some(l),
            Err(ClientError::UnknownInspection(_)) => None,
            Err(e) => return Err(e),
        };
        match known {
            Some(loaded) => {
                if !reply.changes.is_empty() {
                    let am = loaded.doc.automerge_mut();
                    let before = am.get_heads();
                    am.load_incremental(&reply.changes).map_err(DocError::from)?;
                    let new: Vec<Vec<u8>> = am.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
                    if !new.is_empty() {
                        loaded.pending = self.store.append_changes(&reply.doc, &new, now)?;
                        self.changed(&reply.doc);
                    }
                    // The server moved the draft to a newer template version: edits follow it.
                    let template = loaded.doc.template_ref()?;
                    if template != loaded.template {
                        let centre_code = loaded.doc.snapshot()?.centre_code;
                        let info = DocInfo { doc: reply.doc, centre_code, template: template.clone(), updated_at: now };
                        self.store.put_doc(&info, &loaded.doc.save(), &loaded.ack)?;
                        (loaded.template, loaded.pending) = (template, 0);
                    }
                }
                let missing_deps = reply.status.refusal() == Some(RefusalCode::MissingDeps);
                let ack = match &reply.status {
                    DocStatus::Refused { .. } if missing_deps => Some(Vec::new()),
                    DocStatus::Refused { .. } => None,
                    _ if reply.server_heads.is_empty() => sent.map(<[ChangeHash]>::to_vec),
                    _ => Some(reply.server_heads.0.clone()),
                };
                match &reply.status {
                    DocStatus::Refused { code, message } if !missing_deps => {
                        self.store.set_error(&reply.doc, Some(&format!("{code}: {message}")))?;
                    }
                    _ => self.store.set_error(&reply.doc, None)?,
                }
                if let Some(ack) = ack {
                    self.store.set_ack(&reply.doc, &ack)?;
                    loaded.ack = ack;
                }
            }
            None if !reply.changes.is_empty() => {
                let actor = self.me()?.actor.clone();
                let mut doc = InspectionDoc::load(&reply.changes, actor)?;
                let snap = doc.snapshot()?;
                let info = DocInfo {
                    doc: reply.doc,
                    centre_code: snap.centre_code,
                    template: snap.template.clone(),
                    updated_at: now,
                };
                let ack = reply.server_heads.0.clone();
                self.store.put_doc(&info, &doc.save(), &ack)?;
                docs.insert(reply.doc, Loaded { doc, template: snap.template, pending: 0, ack });
            }
            None => {}
        }
        Ok(())
    }

    /// The supervisor's review and comments, as last synced.
    pub fn review(&self, id: &DocumentId) -> ClientResult<Option<Review>> {
        Ok(self.snapshot(id)?.review)
    }
}
