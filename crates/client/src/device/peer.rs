//! What a hand-off on site needs of the device (crate::handoff): its own
//! changes a peer lacks, and a peer's changes merged after the server's checks.

use super::{ClientResult, Device};
use automerge::{ActorId, ChangeHash};
use xuncha_core::DocumentId;
use xuncha_core::document::DocError;
use xuncha_core::evidence::{EvidenceCheck, SignerKeys};
use xuncha_core::ingest::{IngestLimits, Writer, check_incoming};
use xuncha_core::payload::{PayloadLimits, check_payload};
use xuncha_core::sync::RefusalCode;

/// Who wrote changes a hand-off brings, as the peer's certificate says.
#[derive(Clone, Copy)]
pub struct PeerWriter<'a> {
    pub username: &'a str,
    pub actors: &'a [ActorId],
    pub keys: &'a dyn SignerKeys,
}

impl std::fmt::Debug for PeerWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerWriter").field("username", &self.username).finish_non_exhaustive()
    }
}

impl Device {
    /// Merges changes a co-inspector's device sent in a hand-off on site,
    /// after the checks the server applies to a device's push: bounded
    /// Automerge bytes, only the peer's own actors, no review or
    /// server-owned writes, no records in another user's name, its new
    /// evidence signed by its device. Returns the changes new here, or why
    /// they were refused (nothing of a refused batch is stored).
    pub fn merge_from_peer(
        &self,
        id: &DocumentId,
        bytes: &[u8],
        peer: &PeerWriter<'_>,
        now: i64,
    ) -> ClientResult<Result<usize, String>> {
        if let Err(e) = check_payload(bytes, &PayloadLimits::default()) {
            return Ok(Err(format!("{}: {e}", RefusalCode::BadPayload.as_str())));
        }
        let mut docs = self.lock();
        let loaded = self.loaded(&mut docs, id)?;
        let evidence = EvidenceCheck { doc: *id, keys: peer.keys, unsigned_allowed: false };
        let writer = Writer::Device { actors: peer.actors, user_id: peer.username, evidence };
        let am = loaded.doc.automerge_mut();
        if let Err(r) = check_incoming(Some(am), bytes, &writer, IngestLimits::default()) {
            return Ok(Err(format!("{}: {r}", r.code().as_str())));
        }
        let before = am.get_heads();
        am.load_incremental(bytes).map_err(DocError::from)?;
        let new: Vec<Vec<u8>> = am.get_changes(&before).iter().map(|c| c.raw_bytes().to_vec()).collect();
        if !new.is_empty() {
            loaded.pending = self.store.append_changes(id, &new, now)?;
            self.changed(id);
        }
        Ok(Ok(new.len()))
    }

    /// This device's own changes to `id` that a holder of `their_heads`
    /// lacks, as concatenated change bytes (a hand-off sends only its own:
    /// the peer checks them as written by this device).
    pub fn own_changes_since(&self, id: &DocumentId, their_heads: &[ChangeHash]) -> ClientResult<(Vec<u8>, usize)> {
        let actor = self.me()?.actor.clone();
        let mut docs = self.lock();
        let am = self.loaded(&mut docs, id)?.doc.automerge_mut();
        let known: Vec<ChangeHash> =
            their_heads.iter().copied().filter(|h| am.get_change_by_hash(h).is_some()).collect();
        let mut bytes = Vec::new();
        let mut count = 0;
        for c in am.get_changes(&known) {
            if *c.actor_id() == actor {
                bytes.extend_from_slice(c.raw_bytes());
                count += 1;
            }
        }
        Ok((bytes, count))
    }

    /// The document's heads on this device.
    pub fn heads(&self, id: &DocumentId) -> ClientResult<Vec<ChangeHash>> {
        let mut docs = self.lock();
        Ok(self.loaded(&mut docs, id)?.doc.automerge_mut().get_heads())
    }
}
