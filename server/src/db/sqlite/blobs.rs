//! Blob records (the bytes live on the filesystem, by hash).

use super::SqliteStore;
use super::prelude::*;
use super::rows::doc_id_from;
use rusqlite::{OptionalExtension, params};
use xuncha_core::DocumentId;

impl PhotoStore for SqliteStore {
    fn blob(&self, sha256: &str) -> StoreResult<Option<BlobRow>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT sha256, bytes, mime, width, height, uploaded_by, created_at FROM blobs WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(BlobRow {
                        sha256: r.get(0)?,
                        bytes: r.get(1)?,
                        mime: r.get(2)?,
                        width: r.get(3)?,
                        height: r.get(4)?,
                        uploaded_by: r.get(5)?,
                        created_at: r.get(6)?,
                    })
                },
            )
            .optional()?)
        })
    }

    fn insert_blob(&self, b: &BlobRow, grants: &[DocumentId]) -> StoreResult<()> {
        let (b, grants) = (b.clone(), grants.to_vec());
        self.write(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO blobs (sha256, bytes, mime, width, height, uploaded_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![b.sha256, b.bytes, b.mime, b.width, b.height, b.uploaded_by, b.created_at],
            )?;
            insert_grants(c, &b.sha256, &grants)?;
            Ok(())
        })
    }

    fn grant_blob(&self, sha256: &str, docs: &[DocumentId]) -> StoreResult<()> {
        let (sha, docs) = (sha256.to_owned(), docs.to_vec());
        self.write(move |c| {
            insert_grants(c, &sha, &docs)?;
            Ok(())
        })
    }
    fn docs_granted(&self, sha256: &str) -> StoreResult<Vec<DocumentId>> {
        self.doc_ids("SELECT doc_id FROM photo_grants WHERE sha256 = ?1 LIMIT 1000", sha256)
    }

    fn docs_referencing(&self, sha256: &str) -> StoreResult<Vec<DocumentId>> {
        self.doc_ids("SELECT doc_id FROM photo_refs WHERE sha256 = ?1 LIMIT 1000", sha256)
    }
}

impl SqliteStore {
    fn doc_ids(&self, sql: &'static str, sha256: &str) -> StoreResult<Vec<DocumentId>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt.query_map([sha256], |r| r.get::<_, Vec<u8>>(0))?;
            let mut out = Vec::new();
            for row in rows {
                out.push(doc_id_from(row?).map_err(StoreError::Corrupt)?);
            }
            Ok(out)
        })
    }
}

fn insert_grants(c: &rusqlite::Connection, sha256: &str, docs: &[DocumentId]) -> StoreResult<()> {
    let mut stmt = c.prepare_cached("INSERT OR IGNORE INTO photo_grants (sha256, doc_id) VALUES (?1, ?2)")?;
    for doc in docs {
        stmt.execute(params![sha256, doc.as_bytes().as_slice()])?;
    }
    Ok(())
}
