//! A device's round read again only where it touched the document
//! (`check_owned_after` with the prior snapshot) gives the very snapshot a
//! whole read gives, whatever two co-inspectors' devices do, in any
//! interleaving of offline edits and syncs, and refuses the same batches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use crate::common::*;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ReadDoc};
use proptest::prelude::*;
use xuncha_core::document::{Answer, FixSource, InspectionDoc, Respondent, keys};
use xuncha_core::ingest::{IngestLimits, Prior, Writer, check_owned, check_owned_after};
use xuncha_core::template::{AnswerSpec, Template};

/// One thing a device does before it syncs.
#[derive(Debug, Clone)]
enum Edit {
    Answer {
        item: usize,
        pass: bool,
    },
    Clear {
        item: usize,
    },
    Notes(String),
    ItemNote {
        item: usize,
        text: String,
    },
    Photo {
        item: usize,
        n: u8,
    },
    RemoveOwnPhoto,
    Fix {
        north_m: f64,
    },
    SignOff,
    Respondent {
        item: usize,
    },
    /// Rewrites a field inside one of the user's answer records in place,
    /// hidden ones of a conflict included: a change with no visible patch.
    TouchOwnRecords,
    /// Merges what the server holds first (otherwise the edit is concurrent).
    Pull,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0usize..8, any::<bool>()).prop_map(|(item, pass)| Edit::Answer { item, pass }),
        1 => (0usize..8).prop_map(|item| Edit::Clear { item }),
        1 => "[a-z一二三]{0,12}".prop_map(Edit::Notes),
        1 => (0usize..8, "[a-z]{0,8}").prop_map(|(item, text)| Edit::ItemNote { item, text }),
        1 => (0usize..8, any::<u8>()).prop_map(|(item, n)| Edit::Photo { item, n }),
        1 => Just(Edit::RemoveOwnPhoto),
        1 => (0.0f64..500.0).prop_map(|north_m| Edit::Fix { north_m }),
        1 => Just(Edit::SignOff),
        1 => (0usize..8).prop_map(|item| Edit::Respondent { item }),
        2 => Just(Edit::TouchOwnRecords),
        2 => Just(Edit::Pull),
    ]
}

fn answerable(t: &Template) -> Vec<String> {
    t.items()
        .filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo | AnswerSpec::Scale { .. }))
        .map(|(_, i)| i.id.clone())
        .collect()
}

fn apply(doc: &mut InspectionDoc, t: &Template, user: &str, e: &Edit, at: i64) {
    let items = answerable(t);
    let item = |i: usize| items[i % items.len()].clone();
    match e {
        Edit::Answer { item: i, pass } => {
            let a = match t.item(&item(*i)).unwrap().answer {
                AnswerSpec::Scale { max, .. } => Answer::Scale(if *pass { max } else { 0 }),
                _ => Answer::YesNo(*pass),
            };
            answer(doc, t, &item(*i), a, user);
        }
        Edit::Clear { item: i } => doc.clear_answer(t, &item(*i), at).unwrap(),
        Edit::Notes(text) => doc.set_notes(None, text, at).unwrap(),
        Edit::ItemNote { item: i, text } => doc.set_notes(Some(&item(*i)), text, at).unwrap(),
        Edit::Photo { item: i, n } => {
            let hash = format!("{:064x}", u64::from(*n) + if user == "user1" { 0 } else { 1_000 });
            let record = xuncha_core::document::PhotoRecord { by: user.into(), ..photo_for(&item(*i), &hash, None) };
            // The photo may already be there (same hash): a device adds it once.
            let _ = doc.add_photo(&record);
        }
        Edit::RemoveOwnPhoto => {
            let own = doc.snapshot().unwrap().photos.into_values().find(|p| p.by == user);
            if let Some(p) = own {
                doc.remove_photo(&p.sha256, at).unwrap();
            }
        }
        Edit::Fix { north_m } => {
            let fix = xuncha_core::document::GpsFix {
                by: user.into(),
                ..fix_near(&centre(xuncha_core::CentreType::Community), *north_m, 10.0, FixSource::Gnss)
            };
            doc.add_gps_fix(&fix).unwrap();
        }
        Edit::SignOff => doc.sign_off(user, at).unwrap(),
        Edit::Respondent { item: i } => {
            let r = Respondent { at, satisfied: true, opinion: Some("好".into()), phone: None, by: user.into() };
            // Items without a respondents list refuse it: nothing to do then.
            let _ = doc.add_respondent(t, &item(*i), &r);
        }
        Edit::TouchOwnRecords => {
            let am = doc.automerge_mut();
            let Ok(Some((_, answers))) = am.get(ROOT, keys::ANSWERS) else { return };
            for key in am.keys(&answers).collect::<Vec<_>>() {
                let records: Vec<_> = am.get_all(&answers, key.as_str()).unwrap().into_iter().map(|(_, r)| r).collect();
                for record in records {
                    let by = am
                        .get(&record, "by")
                        .unwrap()
                        .and_then(|(v, _)| v.into_scalar().ok().and_then(|s| s.into_string().ok()));
                    if by.as_deref() == Some(user) {
                        am.put(&record, "at", at).unwrap();
                    }
                }
            }
        }
        Edit::Pull => unreachable!("handled by the caller"),
    }
}

/// The server's document and its prior snapshot, as the sync service keeps them.
struct Server {
    doc: AutoCommit,
    prior: Prior,
}

impl Server {
    /// Ingests a device's batch both ways; they must agree.
    fn ingest(&mut self, bytes: &[u8], actors: &[automerge::ActorId], user: &str) -> Result<(), TestCaseError> {
        let w = Writer::Device { actors, user_id: user, evidence: unsigned_allowed() };
        let whole = check_owned(Some(self.doc.fork()), bytes, &w, IngestLimits::default());
        let since = check_owned_after(Some(self.doc.fork()), Some(&self.prior), bytes, &w, IngestLimits::default());
        match (whole, since) {
            (Ok(whole), Ok(since)) => {
                prop_assert_eq!(&whole.snapshot, &since.snapshot);
                prop_assert_eq!(&whole.heads, &since.heads);
                self.prior = Prior { heads: since.heads, snapshot: since.snapshot };
                self.doc = since.doc;
                Ok(())
            }
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.code(), b.code());
                Ok(())
            }
            (a, b) => {
                Err(TestCaseError::fail(format!("whole read {:?}, read since {:?}", a.map(|_| ()), b.map(|_| ()))))
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn reading_only_what_a_round_touched_gives_the_whole_snapshot(
        steps in proptest::collection::vec((0usize..2, edit()), 1..24),
    ) {
        let t = mini();
        let mut first = new_doc(&t, 1);
        let mut server = {
            let actors = [actor(1)];
            let w = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
            let a = check_owned(None, &first.save(), &w, IngestLimits::default()).unwrap();
            Server { prior: Prior { heads: a.heads, snapshot: a.snapshot }, doc: a.doc }
        };
        let mut devices = [fork_as(&mut first, 1), fork_as(&mut first, 2)];
        // The co-inspector joins, as a device does in its user's own name.
        devices[1].join("user2", "检查员2", 1).unwrap();
        let joined = devices[1].automerge_mut().save_after(&server.doc.get_heads());
        server.ingest(&joined, &[actor(2)], "user2")?;
        prop_assert!(server.prior.snapshot.inspectors.contains_key("user2"));
        for (n, (who, e)) in steps.iter().enumerate() {
            let user = format!("user{}", who + 1);
            let me = actor(u8::try_from(who + 1).unwrap());
            let at = 1_700_000_000_000 + i64::try_from(n).unwrap();
            let device = &mut devices[*who];
            if let Edit::Pull = e {
                device.automerge_mut().merge(&mut server.doc.fork()).unwrap();
                continue;
            }
            apply(device, &t, &user, e, at);
            // The batch: the device's own changes the server lacks (what it
            // holds of the other device's came from the server).
            let have = server.doc.get_heads();
            let bytes: Vec<u8> = device
                .automerge_mut()
                .get_changes(&have)
                .iter()
                .filter(|c| c.actor_id() == &me)
                .flat_map(|c| c.raw_bytes().to_vec())
                .collect();
            server.ingest(&bytes, std::slice::from_ref(&me), &user)?;
        }
        // However it went, the kept snapshot is the document's.
        let whole = InspectionDoc::from_automerge(server.doc.fork()).unwrap().snapshot().unwrap();
        prop_assert_eq!(whole, server.prior.snapshot);
    }
}
