//! The PostgreSQL store against a real server (see `testing`).

use super::PgStore;
use super::testing::TestDatabase;
use crate::db::Store;
use crate::db::conformance::{centre, new_doc};
use crate::inspections::store::{DocStore, DocWrite};
use crate::storage::StoreError;
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ROOT};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use xuncha_core::DocumentId;

fn open(db: &TestDatabase) -> PgStore {
    PgStore::open(&db.url, 4).expect("open the test database")
}

#[test]
fn passes_the_storage_conformance_suite() {
    let mut failures = Vec::new();
    for (name, case) in crate::db::conformance::CASES {
        let Some(db) = TestDatabase::create() else { return };
        let store = open(&db);
        if let Err(e) = case(&store as &dyn Store) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_newer_schema_is_refused_and_instances_migrate_one_at_a_time() {
    let Some(db) = TestDatabase::create() else { return };
    // Two instances starting at once: one migrates, the other finds it done.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| PgStore::open(&db.url, 1));
        let b = s.spawn(|| PgStore::open(&db.url, 1));
        (a.join().expect("first"), b.join().expect("second"))
    });
    let (a, b) = (a.expect("the first instance opens"), b.expect("the second instance opens"));
    assert_eq!(a.server_actor().unwrap(), b.server_actor().unwrap(), "one server actor for both");
    a.write(|c| c.batch("UPDATE schema_version SET version = 99")).unwrap();
    drop((a, b));
    assert!(matches!(PgStore::open(&db.url, 1), Err(StoreError::NewerSchema { found: 99, .. })));
}

#[test]
fn a_failed_write_changes_nothing() {
    let Some(db) = TestDatabase::create() else { return };
    let store = open(&db);
    let before = store.current_seq().unwrap();
    let failed: Result<(), StoreError> = store.write(|c| {
        super::feed::take(c, 1)?;
        Err(StoreError::Exists("x".into()))
    });
    assert!(failed.is_err());
    assert_eq!(store.current_seq().unwrap(), before, "the failed write's number was rolled back");
    assert_eq!(store.write(|c| super::feed::take(c, 3)).unwrap(), before + 1, "the next write takes the next numbers");
}

/// An update of a stored document: one more change, by a fresh actor.
fn update_of(write: &DocWrite) -> DocWrite {
    let mut am = AutoCommit::new().with_actor(ActorId::random());
    let _ = am.put(ROOT, "note", "x");
    am.commit();
    let changes: Vec<_> = am.get_changes(&[]).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect();
    DocWrite {
        is_new: false,
        base_heads: write.heads.clone(),
        heads: changes.iter().map(|(h, _)| *h).collect(),
        new_changes: changes,
        compacted: None,
        ..write.clone()
    }
}

/// The change feed's contract under concurrency: writers on two instances
/// commit out of order while a device follows its cursor in small pages;
/// the device sees every document's last write exactly once, and nothing
/// twice.
#[test]
fn the_change_feed_skips_nothing_when_two_instances_commit_concurrently() {
    const DOCS: usize = 240;
    const WRITERS: usize = 6;
    let Some(db) = TestDatabase::create() else { return };
    let stores = [Arc::new(PgStore::open(&db.url, 4).unwrap()), Arc::new(PgStore::open(&db.url, 4).unwrap())];
    centre(stores[0].as_ref() as &dyn Store, "V1", "长安区").unwrap();
    let mut docs: Vec<(DocumentId, DocWrite)> = Vec::new();
    for _ in 0..DOCS {
        let (doc, write) = new_doc("V1", &["wang"], &[]);
        stores[0].commit_round(vec![write.clone()], None, 1).unwrap();
        docs.push((doc, write));
    }
    let start = stores[0].current_seq().unwrap();
    let done = Arc::new(AtomicBool::new(false));
    // The device: follows its cursor as the sync service does (the cursor
    // moves to the last sequence it was offered), 7 documents a page,
    // alternating between the instances.
    let device = {
        let (stores, done) = (stores.clone(), done.clone());
        std::thread::spawn(move || {
            let mut cursor = start;
            let mut seen: Vec<(DocumentId, u64)> = Vec::new();
            let mut round = 0usize;
            loop {
                let finished = done.load(Ordering::SeqCst);
                let store = &stores[round % 2];
                round += 1;
                let changed = store.changed_since("wang", cursor, 7).unwrap();
                let full = changed.docs.len() == 7;
                for (doc, seq) in changed.docs {
                    assert!(seq > cursor, "offered at or below the cursor");
                    cursor = cursor.max(seq);
                    seen.push((doc, seq));
                }
                if finished && !full {
                    return seen;
                }
            }
        })
    };
    // The writers: each updates its own share of the documents, through
    // both instances in turn, in rounds of one to three documents.
    std::thread::scope(|s| {
        for w in 0..WRITERS {
            let (stores, docs) = (&stores, &docs);
            s.spawn(move || {
                let mine: Vec<&DocWrite> = docs.iter().skip(w).step_by(WRITERS).map(|(_, d)| d).collect();
                for (n, chunk) in mine.chunks(1 + w % 3).enumerate() {
                    let writes = chunk.iter().map(|d| update_of(d)).collect();
                    stores[(w + n) % 2].commit_round(writes, None, 2).unwrap();
                }
            });
        }
    });
    done.store(true, Ordering::SeqCst);
    let seen = device.join().expect("the device thread");
    let unique: BTreeSet<(DocumentId, u64)> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "an offer was repeated");
    let last_seen: BTreeMap<DocumentId, u64> = seen.iter().fold(BTreeMap::new(), |mut m, (d, s)| {
        let e = m.entry(*d).or_insert(0);
        *e = (*e).max(*s);
        m
    });
    let end = stores[1].changed_since("wang", start, 10_000).unwrap();
    assert_eq!(end.docs.len(), DOCS, "every document was written after the start");
    for (doc, seq) in end.docs {
        assert_eq!(last_seen.get(&doc), Some(&seq), "the device missed the last write of a document");
    }
}

/// Two instances building on the same heads: the first commits, the second
/// is refused and writes nothing (the caller retries on the new heads).
#[test]
fn a_write_built_on_heads_no_longer_stored_is_refused_and_writes_nothing() {
    let Some(db) = TestDatabase::create() else { return };
    let (a, b) = (open(&db), open(&db));
    centre(&a as &dyn Store, "V1", "长安区").unwrap();
    let (doc, created) = new_doc("V1", &["wang"], &[]);
    a.commit_round(vec![created.clone()], None, 1).unwrap();
    let first = update_of(&created);
    let second = update_of(&created);
    a.commit_round(vec![first.clone()], None, 2).unwrap();
    let seq = b.current_seq().unwrap();
    match b.commit_round(vec![second.clone()], None, 3) {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(b.stored_heads(&doc).unwrap(), Some(first.heads.clone()), "the first write stands");
    assert_eq!(b.current_seq().unwrap(), seq, "the refused write took no number");
    // The same document created twice (two instances, one new id): the second is refused too.
    match b.commit_round(vec![created], None, 4) {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Built on the stored heads, it commits.
    let retried = DocWrite { base_heads: first.heads.clone(), ..second };
    b.commit_round(vec![retried.clone()], None, 5).unwrap();
    assert_eq!(a.stored_heads(&doc).unwrap(), Some(retried.heads));
}

/// Sign-in counts are the same whichever instance counts: attempts of an
/// address add up, an account's check runs on one instance at a time, and
/// failures make the account wait everywhere.
#[test]
fn sign_in_counts_are_shared_by_the_instances() {
    use crate::accounts::store::AccountPolicy;
    use crate::accounts::store::{NewUser, Role, Scope, SigninLedger, UserStore};
    let Some(db) = TestDatabase::create() else { return };
    let (a, b) = (open(&db), open(&db));
    let now = 1_000_000;
    let counted: Vec<u64> = (0..5)
        .map(|n| {
            let store: &dyn SigninLedger = if n % 2 == 0 { &a } else { &b };
            store.count_attempt("address 10.0.0.1", 900_000, now + n).unwrap().0
        })
        .collect();
    assert_eq!(counted, [1, 2, 3, 4, 5], "one count across both");
    assert_eq!(b.count_attempt("address 10.0.0.1", 900_000, now + 900_000).unwrap().0, 1, "a new window");
    assert_eq!(a.count_attempt("address 10.0.0.2", 900_000, now).unwrap().0, 1, "per address");

    let user = a
        .create_user(
            NewUser {
                username: "wang".into(),
                display_name: "王".into(),
                role: Role::Inspector,
                scope: Scope::default(),
                centres: Vec::new(),
                password_hash: "x".into(),
            },
            1,
        )
        .unwrap();
    let policy = AccountPolicy { free: 2, window_ms: 900_000 };
    for n in 0..2 {
        assert_eq!(a.begin_check(user.id, policy, now + n).unwrap(), Ok(()));
        assert_eq!(b.begin_check(user.id, policy, now + n).unwrap(), Err(1), "one check at a time, across instances");
        a.end_check(user.id, Some(false), now + n).unwrap();
    }
    assert_eq!(b.begin_check(user.id, policy, now + 2).unwrap(), Ok(()));
    b.end_check(user.id, Some(false), now + 2).unwrap();
    assert_eq!(a.begin_check(user.id, policy, now + 3).unwrap(), Err(2), "the third failure makes it wait");
    assert_eq!(a.begin_check(user.id, policy, now + 2_003).unwrap(), Ok(()), "and then it may try");
    a.end_check(user.id, Some(true), now + 2_003).unwrap();
    assert_eq!(b.begin_check(user.id, policy, now + 2_004).unwrap(), Ok(()), "a success forgets the failures");
    // A check whose instance died holds the account for the lease only.
    assert_eq!(a.begin_check(user.id, policy, now + 2_005).unwrap(), Err(1));
    let later = now + 2_004 + crate::accounts::store::CHECK_LEASE_MS + 1;
    assert_eq!(a.begin_check(user.id, policy, later).unwrap(), Ok(()));
}
