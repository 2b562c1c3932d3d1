//! Changes relayed from a hand-off on site: a device pushes a batch that
//! holds a co-inspector's changes too (merged from their phone before either
//! synced). The batch is split, in causal order, into runs of one author's
//! changes, and each run is checked as its author's own push
//! ([`check_owned`]): their device's actors, their user's records, their
//! device's signatures. One refused run refuses the whole batch.

use super::{Accepted, IngestLimits, Prior, Refusal, Writer, check_owned_after, load_new};
use crate::DocumentId;
use crate::evidence::{EvidenceCheck, SignerKeys};
use automerge::{ActorId, AutoCommit};

/// Who wrote changes with an actor, as the server's devices say.
#[derive(Debug, Clone)]
pub struct Author {
    pub actors: Vec<ActorId>,
    pub username: String,
    /// Their device has no evidence key (an app before signing).
    pub unsigned_allowed: bool,
}

/// Checks `incoming` over `stored` as runs by author. `author_of` names the
/// author of an actor's changes, or `None` for an actor the caller will not
/// accept (unknown, revoked, or a user not on the inspection): refused as
/// `foreign_actor`. On a refusal `stored` is consumed, as with `check_owned`;
/// `prior` is as for [`check_owned_after`].
pub fn check_relayed(
    stored: Option<AutoCommit>,
    prior: Option<&Prior>,
    incoming: &[u8],
    doc: DocumentId,
    keys: &dyn SignerKeys,
    author_of: &mut dyn FnMut(&ActorId) -> Option<Author>,
    limits: IngestLimits,
) -> Result<Accepted, Refusal> {
    // The new changes in causal order, without touching `stored`.
    let mut probe = stored.clone().unwrap_or_default();
    let before = probe.get_heads();
    let new = load_new(&mut probe, &before, incoming, limits)?;
    let mut runs: Vec<(Author, Vec<u8>)> = Vec::new();
    for change in &new {
        let actor = change.actor_id();
        match runs.last_mut() {
            Some((author, bytes)) if author.actors.contains(actor) => bytes.extend_from_slice(change.raw_bytes()),
            _ => {
                let author = author_of(actor).ok_or_else(|| Refusal::ForeignActor(actor.to_hex_string()))?;
                runs.push((author, change.raw_bytes().to_vec()));
            }
        }
    }
    drop(probe);
    let mut current = stored;
    // Each run reads again only what it touched of the document the run before left.
    let mut last: Option<Prior> = None;
    let mut changes = Vec::new();
    for (author, bytes) in &runs {
        let evidence = EvidenceCheck { doc, keys, unsigned_allowed: author.unsigned_allowed };
        let writer = Writer::Device { actors: &author.actors, user_id: &author.username, evidence };
        let a = check_owned_after(current.take(), last.as_ref().or(prior), bytes, &writer, limits)?;
        changes.extend(a.changes);
        last = Some(Prior { heads: a.heads, snapshot: a.snapshot });
        current = Some(a.doc);
    }
    match (current, last) {
        (Some(doc), Some(Prior { heads, snapshot })) => Ok(Accepted { doc, changes, heads, snapshot }),
        _ => Err(Refusal::Malformed("a relayed batch without new changes".into())),
    }
}
