//! The device store: durable round trips, refusal of newer and damaged files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use xuncha_client::store::settings;
use xuncha_client::store::{DocInfo, FILE_NAME, StoredPhoto};
use xuncha_client::{Store, StoreError};
use xuncha_core::DocumentId;
use xuncha_core::template::TemplateRef;

fn info(doc: DocumentId) -> DocInfo {
    DocInfo { doc, centre_code: "C1".into(), template: TemplateRef { id: "village".into(), version: 1 }, updated_at: 1 }
}

#[test]
fn documents_changes_and_photos_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let id = DocumentId::random();
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "a", 1).unwrap();
    doc.commit();
    let heads = doc.get_heads();
    {
        let store = Store::open(dir.path()).unwrap();
        store.put_doc(&info(id), &doc.save(), &[]).unwrap();
        doc.put(ROOT, "b", 2).unwrap();
        doc.commit();
        assert_eq!(store.append_changes(&id, &[doc.save_after(&heads)], 5).unwrap(), 1);
        store.set_ack(&id, &heads).unwrap();
        let photo = StoredPhoto {
            sha256: "ab".repeat(32),
            thumb_sha256: "cd".repeat(32),
            mime: "image/jpeg".into(),
            width: 4,
            height: 3,
            size: 3,
            uploaded: 0,
            complete: false,
        };
        store.put_photo(&photo, b"jpg", b"thumb", 1).unwrap();
        store.set_uploaded(&photo.sha256, 2, false).unwrap();
        store.put(&settings::SERVER_URL, &"http://example".to_owned()).unwrap();
        store.put(&settings::CURSOR, &42).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let stored = store.load_doc(&id).unwrap().unwrap();
    assert_eq!(stored.ack_heads, heads);
    let mut loaded = AutoCommit::load(&stored.snapshot).unwrap();
    for c in &stored.changes {
        loaded.load_incremental(c).unwrap();
    }
    assert_eq!(loaded.get_heads(), doc.get_heads());
    assert_eq!(store.docs().unwrap()[0].updated_at, 5);
    let pending = store.pending_photos().unwrap();
    assert_eq!((pending[0].uploaded, pending[0].size), (2, 3));
    assert_eq!(store.photo_bytes(&pending[0].sha256, true).unwrap().unwrap(), b"thumb");
    assert_eq!(store.get(&settings::SERVER_URL).unwrap().as_deref(), Some("http://example"));
    assert_eq!(store.get(&settings::CURSOR).unwrap(), Some(42));
    assert_eq!(store.get(&settings::DEVICE_ID).unwrap(), None);
    // Compaction: a fresh snapshot replaces the changes.
    store.put_doc(&info(id), &doc.save(), &heads).unwrap();
    assert!(store.load_doc(&id).unwrap().unwrap().changes.is_empty());
}

#[test]
fn a_store_from_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
    conn.pragma_update(None, "user_version", 7).unwrap();
    drop(conn);
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found: 7, known: 2 }), "{err}");
    assert!(err.to_string().contains("update the app"));
}

#[test]
fn a_damaged_store_gives_a_clear_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, b"this is not a database, just some bytes written over it").unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("damaged"));
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is kept for recovery");

    // A real store with its pages overwritten in the middle.
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        for i in 0..200 {
            store.put_centre(&format!("C{i}"), &"x".repeat(500)).unwrap();
        }
    }
    let path = dir.path().join(FILE_NAME);
    let mut bytes = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(dir.path().join(format!("{FILE_NAME}-wal")));
    for b in bytes.iter_mut().skip(4096).take(20_000) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    match Store::open(dir.path()) {
        Err(StoreError::Corrupt { .. }) => {}
        other => panic!("expected a corrupt-store error, got {other:?}"),
    }
}

/// A setting that no longer reads as its type is damaged, not absent.
#[test]
fn a_setting_of_the_wrong_type_is_reported_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.put(&settings::SERVER_URL, &"not a number".to_owned()).unwrap();
    const WRONG: settings::Setting<u64> = settings::Setting::new("server_url");
    assert!(matches!(store.get(&WRONG), Err(xuncha_client::StoreError::Damaged(_))));
}
