//! One sync round (DESIGN.md, "one request per document round"): check and
//! commit what the device pushed, answer what it lacks, then offer what
//! changed for it since its cursor.

use super::SyncError;
use crate::accounts::DeviceAuth;
use crate::accounts::store::Role;
use crate::accounts::store::UserStore;
use crate::catalog::templates::Templates;
use crate::config::Limits;
use crate::inflight::{InFlight, InFlightGuard};
use crate::inspections::Inspections;
use crate::inspections::cache::{LoadedDoc, SlotGuard};
use crate::inspections::service::Round;
use crate::inspections::store::{Assignment, Changed, DocMeta, DocWrite};
use crate::quarter::quarter_of;
use automerge::{ActorId, AutoCommit, ChangeHash};
use std::collections::BTreeSet;
use std::sync::Arc;
use xuncha_core::DocumentId;
use xuncha_core::document::{InspectionSnapshot, Purpose};
use xuncha_core::evidence::{EvidenceCheck, Signer, SignerKeys, VerifyingKey};
use xuncha_core::ingest::{Accepted, Author, IngestLimits, Prior, Refusal, Writer, check_owned_after, check_relayed};
use xuncha_core::payload::{PayloadLimits, check_payload};
use xuncha_core::sync::{
    AssignmentNotice, DocPush, DocReply, DocStatus, Heads, RefusalCode, SYNC_PROTOCOL, SyncRequest, SyncResponse,
};
use xuncha_core::template::{TemplateRef, stragglers};

/// The sync service: rounds of devices against the inspections.
pub struct SyncService {
    inspections: Arc<Inspections>,
    /// Devices' evidence keys.
    users: Arc<dyn UserStore>,
    limits: Limits,
    /// Permits for processor-bound work (checking and scoring rounds): one per core.
    cpu: Arc<tokio::sync::Semaphore>,
    /// Devices with a sync round running: one at a time each, so one device
    /// holds at most one processor permit and cannot crowd out the others.
    rounds: Arc<InFlight<i64>>,
}

impl std::fmt::Debug for SyncService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncService").finish_non_exhaustive()
    }
}

impl SyncService {
    pub fn new(
        inspections: Arc<Inspections>,
        users: Arc<dyn UserStore>,
        limits: Limits,
        cpu: Arc<tokio::sync::Semaphore>,
    ) -> Self {
        Self { inspections, users, limits, cpu, rounds: Arc::default() }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Admits one round of `device`: a device's rounds are sequential by
    /// design, and a second at once would take a second processor permit.
    pub fn begin_round(&self, device: i64) -> Result<InFlightGuard<i64>, SyncError> {
        self.rounds.begin(device).ok_or_else(|| {
            tracing::warn!(device, code = "busy", "sync refused: another round of this device is running");
            SyncError::Busy
        })
    }

    /// Runs a round. Pushed documents are locked in id order (no deadlocks
    /// between rounds), checked, and committed together; nothing in the
    /// reply claims more than what is committed. `one_round` (from
    /// [`Self::begin_round`]) keeps the device's other rounds out until the
    /// pushes are done, even when the device hangs up meanwhile.
    pub async fn round(
        self: &Arc<Self>,
        auth: &DeviceAuth,
        req: SyncRequest,
        one_round: InFlightGuard<i64>,
    ) -> Result<SyncResponse, SyncError> {
        run_round(self, auth, req, one_round).await
    }
}

/// Runs a round. Pushed documents are locked in id order (no deadlocks
/// between rounds), checked, and committed together; nothing in the reply
/// claims more than what is committed.
/// `one_round` keeps the device's other rounds out until the pushes are
/// done, even when the device hangs up meanwhile (the work goes on).
async fn run_round(
    state: &Arc<SyncService>,
    auth: &DeviceAuth,
    req: SyncRequest,
    one_round: InFlightGuard<i64>,
) -> Result<SyncResponse, SyncError> {
    let limits = &state.limits;
    if req.docs.len() > limits.docs_per_sync {
        return Err(SyncError::TooLarge(format!(
            "{} documents in one sync request (at most {}); split the batch",
            req.docs.len(),
            limits.docs_per_sync
        )));
    }
    let mut pushes = req.docs;
    pushes.sort_by_key(|p| p.doc);
    if pushes.windows(2).any(|w| matches!(w, [a, b] if a.doc == b.doc)) {
        return Err(SyncError::Duplicate);
    }
    if auth.user.role != Role::Inspector {
        return Err(SyncError::NotInspector);
    }
    let mut guards = Vec::with_capacity(pushes.len());
    for p in &pushes {
        guards.push(state.inspections.lock(p.doc).await);
    }
    let asked: BTreeSet<DocumentId> = pushes.iter().map(|p| p.doc).collect();
    let (st, au, cursor) = (state.clone(), auth.clone(), req.cursor);
    // Checking and scoring hold one of a few processor permits: a burst of
    // rounds queues here instead of crowding out the database writer thread,
    // which every round waits for.
    let cpu = state.cpu.clone().acquire_owned().await.map_err(|e| SyncError::Internal(e.to_string()))?;
    // One trip to the blocking pool: the pushes, then what changed since the cursor.
    let (mut replies, changed, cursor) = tokio::task::spawn_blocking(move || -> Result<_, SyncError> {
        let _one_round = one_round;
        let (replies, guards) = push_all(&st, &au, pushes, guards, cpu)?;
        // Read before releasing the pushed documents: a later change to one of
        // them then has a sequence this read does not see, so it is offered next time.
        let (user, per) = (&au.user.username, st.limits.offered_per_sync);
        let mut cursor = cursor;
        let mut changed = st.inspections.store().changed_since(user, cursor, per)?;
        if cursor > changed.seq {
            // A cursor from the future (the server was restored from a backup): start over.
            cursor = 0;
            changed = st.inspections.store().changed_since(user, cursor, per)?;
        }
        drop(guards);
        Ok((replies, changed, cursor))
    })
    .await
    .map_err(|e| SyncError::Internal(e.to_string()))??;
    let offers = offer(state, auth, cursor, &asked, &mut replies, changed).await?;
    Ok(SyncResponse {
        protocol: SYNC_PROTOCOL,
        docs: replies,
        cursor: offers.cursor,
        more: offers.more,
        assignments: offers.assignments,
        server_time: crate::storage::now_ms(),
    })
}

/// One document's outcome, before the commit.
struct Pushed {
    reply: DocReply,
    write: Option<DocWrite>,
    /// The document after this round, when it changed.
    next: Option<LoadedDoc>,
    /// The device's heads, as sent or as read from its changes.
    client: Vec<ChangeHash>,
    /// A moved draft holding answers written on its old template version.
    late: Option<InspectionSnapshot>,
}

fn push_all(
    state: &SyncService,
    auth: &DeviceAuth,
    pushes: Vec<DocPush>,
    mut guards: Vec<SlotGuard>,
    cpu: tokio::sync::OwnedSemaphorePermit,
) -> Result<(Vec<DocReply>, Vec<SlotGuard>), SyncError> {
    let mut outcomes = Vec::with_capacity(pushes.len());
    let mut declared = Vec::new();
    for (push, guard) in pushes.into_iter().zip(guards.iter_mut()) {
        let doc = push.doc;
        let out = push_one(state, auth, push, guard)?;
        if let DocStatus::Refused { code, message } = &out.reply.status {
            // The message may quote what the device sent: bounded in the log.
            let message: String = message.chars().take(200).collect();
            tracing::warn!(doc = %doc, user = %auth.user.username, device = auth.device.id, code = %code,
                %message, "sync refused a document");
        }
        if out.next.is_some() || guard.is_some() {
            declared.push((doc, out.client.clone()));
        }
        outcomes.push(out);
    }
    // The checks are done; waiting for the commit needs no processor.
    drop(cpu);
    let writes: Vec<DocWrite> = outcomes.iter_mut().filter_map(|o| o.write.take()).collect();
    state.inspections.store().commit_round(writes, Some((auth.device.id, declared)), crate::storage::now_ms())?;
    let mut replies = Vec::with_capacity(outcomes.len());
    for (out, guard) in outcomes.into_iter().zip(guards.iter_mut()) {
        if let Some(next) = out.next {
            **guard = Some(next);
        }
        let mut reply = out.reply;
        // The device's push stands whatever happens here; a failed carry is tried after its next round.
        if let Some(snap) = out.late {
            match state.inspections.carry_stragglers(guard, &snap) {
                // The reply brings the carry too: the cursor passes this document.
                Ok(()) => {
                    if let Some(loaded) = guard.as_mut() {
                        let (heads, changes) = lacking(&mut loaded.doc, &out.client);
                        (reply.server_heads, reply.changes) = (Heads(heads), changes);
                    }
                }
                Err(e) => tracing::warn!(doc = %reply.doc, error = %e, "late answers on the old template not carried"),
            }
        }
        replies.push(reply);
    }
    Ok((replies, guards))
}

fn refused(
    doc: DocumentId,
    code: RefusalCode,
    message: impl Into<String>,
    server: Option<&mut AutoCommit>,
    client: &[ChangeHash],
) -> Pushed {
    let (server_heads, changes) = match server {
        Some(d) => lacking(d, client),
        None => (Vec::new(), Vec::new()),
    };
    Pushed {
        reply: DocReply { doc, status: DocStatus::refused(code, message), server_heads: Heads(server_heads), changes },
        write: None,
        next: None,
        client: client.to_vec(),
        late: None,
    }
}

/// The server's heads (empty when they are `client`'s: nothing to tell) and
/// the changes a holder of `client` heads lacks.
fn lacking(doc: &mut AutoCommit, client: &[ChangeHash]) -> (Vec<ChangeHash>, Vec<u8>) {
    let heads = doc.get_heads();
    let mut sorted_client = client.to_vec();
    sorted_client.sort();
    if sorted_client == heads {
        (Vec::new(), Vec::new())
    } else if client.is_empty() {
        (heads, doc.save())
    } else {
        let changes = doc.save_after(client);
        (heads, changes)
    }
}

/// The evidence keys of the server's devices: a revoked device's key
/// verifies nothing new.
struct DeviceKeys<'a>(&'a dyn UserStore);

impl SignerKeys for DeviceKeys<'_> {
    fn signer(&self, device: i64) -> Option<Signer> {
        let (d, username) = match self.0.device_with_owner(device) {
            Ok(found) => found?,
            Err(e) => {
                tracing::error!(device, error = %e, "reading a device's evidence key failed");
                return None;
            }
        };
        let key = VerifyingKey::from_bytes(&d.public_key?).ok()?;
        (!d.revoked).then_some(Signer { key, username })
    }
}

/// Checks a batch holding changes of other devices (a hand-off on site):
/// every author must be a device of a user on this inspection, not revoked.
fn relayed(
    state: &SyncService,
    auth: &DeviceAuth,
    id: DocumentId,
    changes: &[u8],
    stored: Option<AutoCommit>,
    prior: Option<&Prior>,
    keys: &DeviceKeys<'_>,
) -> Result<Accepted, Refusal> {
    let store = state.inspections.store();
    let mut seen: std::collections::HashMap<ActorId, Option<Author>> = std::collections::HashMap::new();
    let mut author_of = |actor: &ActorId| -> Option<Author> {
        if auth.device.actors.contains(actor) {
            let unsigned_allowed = auth.device.public_key.is_none();
            return Some(Author {
                actors: auth.device.actors.clone(),
                username: auth.user.username.clone(),
                unsigned_allowed,
            });
        }
        // One lookup per actor however many runs it writes.
        seen.entry(actor.clone())
            .or_insert_with(|| {
                let (device, username) = state.users.device_of_actor(actor).ok().flatten()?;
                let member = store.is_member(&id, &username).unwrap_or(false);
                (member && !device.revoked).then(|| Author {
                    unsigned_allowed: device.public_key.is_none(),
                    actors: device.actors,
                    username,
                })
            })
            .clone()
    };
    let accepted = check_relayed(stored, prior, changes, id, keys, &mut author_of, IngestLimits::default())?;
    tracing::info!(doc = %id, device = auth.device.id, "relayed changes of a co-inspector's device accepted");
    Ok(accepted)
}

fn push_one(
    state: &SyncService,
    auth: &DeviceAuth,
    push: DocPush,
    slot: &mut Option<LoadedDoc>,
) -> Result<Pushed, SyncError> {
    let ins = state.inspections.as_ref();
    let store = ins.store();
    let id = push.doc;
    // Membership is settled before anything of the push is read, and the
    // refusal is the same whatever was pushed and whether the document
    // exists: a device that may not read a document learns nothing of it.
    if !store.is_member(&id, &auth.user.username)? && (push.changes.is_empty() || store.inspection(&id)?.is_some()) {
        return Ok(refused(id, RefusalCode::NotMember, "no inspection of yours has this id", None, &[]));
    }
    let info = match push.changes.is_empty() {
        true => None,
        false => match check_payload(&push.changes, &PayloadLimits::default()) {
            Ok(info) => Some(info),
            Err(e) => {
                ins.ensure_loaded(&id, slot)?;
                let client = push.client_heads.0;
                return Ok(refused(
                    id,
                    RefusalCode::BadPayload,
                    e.to_string(),
                    slot.as_mut().map(|l| &mut l.doc),
                    &client,
                ));
            }
        },
    };
    // Omitted heads are those of the changes sent.
    let client = match (&info, push.client_heads.is_empty()) {
        (Some(info), true) => info.heads.iter().map(|h| ChangeHash(*h)).collect(),
        _ => push.client_heads.0,
    };
    ins.ensure_loaded(&id, slot)?;
    if push.changes.is_empty() {
        let Some(loaded) = slot.as_mut() else {
            return Ok(refused(id, RefusalCode::NotMember, "no inspection of yours has this id", None, &[]));
        };
        let (heads, changes) = lacking(&mut loaded.doc, &client);
        let reply = DocReply { doc: id, status: DocStatus::Accepted { new: 0 }, server_heads: Heads(heads), changes };
        return Ok(Pushed { reply, write: None, next: None, client, late: None });
    }
    let keys = DeviceKeys(state.users.as_ref());
    // A device enrolled before signing may add unsigned evidence (shown as
    // such); one with a key signs everything it records.
    let evidence = EvidenceCheck { doc: id, keys: &keys, unsigned_allowed: auth.device.public_key.is_none() };
    let writer = Writer::Device { actors: &auth.device.actors, user_id: &auth.user.username, evidence };
    // The check applies to the cached document itself; the slot holds it
    // again only once the round is committed (a refusal or a failed commit
    // leaves the slot empty, and the next round reloads from the store).
    let mut taken = slot.take();
    let (meta_pending, before) = match &mut taken {
        Some(l) => (Some((l.meta.clone(), l.pending)), l.doc.get_heads()),
        None => (None, Vec::new()),
    };
    let (stored, prior) = taken.map(|l| (l.doc, l.prior)).unzip();
    let prior = prior.flatten();
    let accepted = match check_owned_after(stored, prior.as_ref(), &push.changes, &writer, IngestLimits::default()) {
        Ok(a) => a,
        // A co-inspector's changes merged on site: each author's run is checked as theirs.
        Err(Refusal::ForeignActor(_)) => {
            ins.ensure_loaded(&id, slot)?;
            let (stored, prior) = slot.take().map(|l| (l.doc, l.prior)).unzip();
            match relayed(state, auth, id, &push.changes, stored, prior.flatten().as_ref(), &keys) {
                Ok(a) => a,
                Err(r) => {
                    ins.ensure_loaded(&id, slot)?;
                    return Ok(refused(id, r.code(), r.to_string(), slot.as_mut().map(|l| &mut l.doc), &client));
                }
            }
        }
        Err(r) => {
            ins.ensure_loaded(&id, slot)?;
            return Ok(refused(id, r.code(), r.to_string(), slot.as_mut().map(|l| &mut l.doc), &client));
        }
    };
    let mut doc = accepted.doc;
    if accepted.changes.is_empty() {
        let (heads, changes) = lacking(&mut doc, &client);
        let reply = DocReply { doc: id, status: DocStatus::Accepted { new: 0 }, server_heads: Heads(heads), changes };
        let next = meta_pending.map(|(meta, pending)| LoadedDoc { doc, meta, pending, prior });
        return Ok(Pushed { reply, write: None, next, client, late: None });
    }
    let snap = accepted.snapshot;
    let (meta, pending) = match meta_pending {
        Some(mp) => mp,
        None => {
            let centre = ins.catalog().centre(&snap.centre_code)?;
            let template = ins.templates().get(&snap.template);
            match (centre, template) {
                (None, _) => {
                    return Ok(refused(
                        id,
                        RefusalCode::UnknownCentre,
                        format!("no centre `{}`", snap.centre_code),
                        None,
                        &[],
                    ));
                }
                (_, None) => {
                    return Ok(refused(
                        id,
                        RefusalCode::UnknownTemplate,
                        format!("no template {}", snap.template),
                        None,
                        &[],
                    ));
                }
                (Some(c), Some(t)) if !auth.user.scope.covers(&c.region) || !Templates::fits(&t.template, &c) => {
                    return Ok(refused(
                        id,
                        RefusalCode::Forbidden,
                        "this centre or template is outside your region",
                        None,
                        &[],
                    ));
                }
                // A random check comes from a draw, a follow-up from issued problems.
                _ if matches!(snap.purpose, Purpose::Random | Purpose::FollowUp) => {
                    return Ok(refused(
                        id,
                        RefusalCode::Forbidden,
                        "a random check or a follow-up is a supervisor's task, not started on a device",
                        None,
                        &[],
                    ));
                }
                _ => {}
            }
            // The quarter an inspection started on a device counts in comes
            // from its start, which the device claims: it is checked against
            // when it arrives here (a day of clock skew ahead, a month of
            // offline work behind), and it counts in statistics only once a
            // supervisor approves it (store::sqlite::docs::OFFICIAL_D).
            let now = crate::storage::now_ms();
            let max_age = i64::from(state.limits.adhoc_max_age_days) * 86_400_000;
            if snap.created_at > now + 86_400_000 || snap.created_at < now - max_age {
                return Ok(refused(
                    id,
                    RefusalCode::BadTime,
                    format!(
                        "the inspection's start time is more than a day ahead of the server's clock or more than {} days before it",
                        state.limits.adhoc_max_age_days
                    ),
                    None,
                    &[],
                ));
            }
            let meta = DocMeta {
                doc: id,
                centre_code: snap.centre_code.clone(),
                template: TemplateRef { id: snap.template.id.clone(), version: snap.template.version },
                purpose: snap.purpose,
                created_by: snap.created_by.clone(),
                created_at: snap.created_at,
                quarter: quarter_of(snap.created_at),
            };
            (meta, 0)
        }
    };
    if store.quarter_reported(&meta.centre_code, &meta.quarter)? {
        ins.ensure_loaded(&id, slot)?;
        let message = format!("{} has been reported for this region; its inspections no longer change", meta.quarter);
        return Ok(refused(id, RefusalCode::QuarterReported, message, slot.as_mut().map(|l| &mut l.doc), &client));
    }
    let is_new = before.is_empty();
    let accepted_count = accepted.changes.len();
    let new = accepted.changes.into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect();
    // Only a new inspection gains a member here (its creator); pushing to an
    // existing one requires membership already.
    let members = if is_new { vec![auth.user.username.clone()] } else { Vec::new() };
    let round = Round { meta: meta.clone(), is_new, base: before, new_changes: new, pending, members, reason: "sync" };
    let write = ins.doc_write(&mut doc, &snap, round)?;
    let next_pending = if write.compacted.is_some() { 0 } else { pending + write.new_changes.len() };
    let (heads, changes) = lacking(&mut doc, &client);
    let reply = DocReply {
        doc: id,
        status: DocStatus::Accepted { new: u32::try_from(accepted_count).unwrap_or(u32::MAX) },
        server_heads: Heads(heads),
        changes,
    };
    let late = (!snap.migrations.is_empty()
        && ins.templates().get(&snap.template).is_some_and(|t| !stragglers(&t.template, &snap).is_empty()))
    .then(|| snap.clone());
    let prior = Some(Prior { heads: accepted.heads, snapshot: snap });
    let next = Some(LoadedDoc { doc, meta, pending: next_pending, prior });
    Ok(Pushed { reply, write: Some(write), next, client, late })
}

struct Offers {
    cursor: u64,
    more: bool,
    assignments: Vec<AssignmentNotice>,
}

/// Documents and assignments that changed for this inspector after
/// `cursor`, in sequence order, within the response's byte budget.
async fn offer(
    state: &SyncService,
    auth: &DeviceAuth,
    cursor: u64,
    asked: &BTreeSet<DocumentId>,
    replies: &mut Vec<DocReply>,
    changed: Changed,
) -> Result<Offers, SyncError> {
    let Changed { docs, assignments, .. } = changed;
    let limits = &state.limits;
    let per = limits.offered_per_sync;
    // Past the last item of a full page, later items may exist unseen.
    let cut = |full: bool, last: Option<u64>| if full { last } else { None };
    let doc_cut = cut(docs.len() >= per as usize, docs.last().map(|d| d.1));
    let asg_cut = cut(assignments.len() >= 500, assignments.last().map(|a| a.1));
    let limit = doc_cut.into_iter().chain(asg_cut).min().unwrap_or(u64::MAX);
    let mut more = limit != u64::MAX;

    enum Event {
        Doc(DocumentId),
        Assignment(Box<Assignment>),
    }
    let mut events: Vec<(u64, Event)> = docs.into_iter().map(|(d, s)| (s, Event::Doc(d))).collect();
    events.extend(assignments.into_iter().map(|(a, s)| (s, Event::Assignment(Box::new(a)))));
    events.retain(|(s, _)| *s <= limit);
    events.sort_by_key(|(s, _)| *s);

    let teams = {
        let docs: Vec<DocumentId> = events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Assignment(a) => Some(a.doc),
                Event::Doc(_) => None,
            })
            .collect();
        if docs.is_empty() { Default::default() } else { state.inspections.store().members_of(&docs)? }
    };
    let mut budget = limits.sync_response_bytes.saturating_sub(replies.iter().map(|r| r.changes.len()).sum());
    let mut notices = Vec::new();
    let mut new_cursor = cursor;
    let mut offered_any = false;
    for (seq, event) in events {
        match event {
            Event::Assignment(a) => notices.push(AssignmentNotice {
                id: a.id,
                centre_code: a.centre_code,
                quarter: a.quarter,
                doc: a.doc,
                template: TemplateRef::from(&a.template),
                cancelled: a.cancelled,
                purpose: a.purpose,
                team: teams.get(&a.doc).cloned().unwrap_or_default(),
            }),
            Event::Doc(doc) if asked.contains(&doc) => {}
            Event::Doc(doc) => {
                let device = auth.device.id;
                let reply = state
                    .inspections
                    .with_doc(doc, move |ins, slot| {
                        let Some(loaded) = slot.as_mut() else { return Ok::<_, SyncError>(None) };
                        let known = ins.store().device_heads(device, &doc)?.unwrap_or_default();
                        let (heads, changes) = lacking(&mut loaded.doc, &known);
                        Ok((!changes.is_empty()).then_some(DocReply {
                            doc,
                            status: DocStatus::Offered,
                            server_heads: Heads(heads),
                            changes,
                        }))
                    })
                    .await?;
                if let Some(reply) = reply {
                    // The first offer goes out whatever its size, so `more` always progresses.
                    if reply.changes.len() > budget && offered_any {
                        more = true;
                        break;
                    }
                    budget = budget.saturating_sub(reply.changes.len());
                    offered_any = true;
                    replies.push(reply);
                }
            }
        }
        new_cursor = new_cursor.max(seq);
    }
    Ok(Offers { cursor: new_cursor, more, assignments: notices })
}
