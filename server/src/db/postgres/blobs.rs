//! Blob records (the bytes live in the photo store, by hash).

use super::PgStore;
use super::db::{big, get, get_u32, get_u64};
use super::prelude::*;
use super::rows::doc_id_from;
use xuncha_core::DocumentId;

impl PhotoStore for PgStore {
    fn blob(&self, sha256: &str) -> StoreResult<Option<BlobRow>> {
        let sha = sha256.to_owned();
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT sha256, bytes, mime, width, height, uploaded_by, created_at FROM blobs WHERE sha256 = $1",
                &[&sha],
            )?;
            row.map(|r| {
                Ok(BlobRow {
                    sha256: get(&r, 0)?,
                    bytes: get_u64(&r, 1)?,
                    mime: get(&r, 2)?,
                    width: get_u32(&r, 3)?,
                    height: get_u32(&r, 4)?,
                    uploaded_by: get(&r, 5)?,
                    created_at: get(&r, 6)?,
                })
            })
            .transpose()
        })
    }

    fn insert_blob(&self, b: &BlobRow, grants: &[DocumentId]) -> StoreResult<()> {
        let (b, grants) = (b.clone(), grants.to_vec());
        self.write(move |c| {
            c.execute(
                "INSERT INTO blobs (sha256, bytes, mime, width, height, uploaded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    &b.sha256,
                    &big(b.bytes),
                    &b.mime,
                    &i64::from(b.width),
                    &i64::from(b.height),
                    &b.uploaded_by,
                    &b.created_at,
                ],
            )?;
            insert_grants(c, &b.sha256, &grants)
        })
    }

    fn grant_blob(&self, sha256: &str, docs: &[DocumentId]) -> StoreResult<()> {
        let (sha, docs) = (sha256.to_owned(), docs.to_vec());
        self.write(move |c| insert_grants(c, &sha, &docs))
    }

    fn docs_granted(&self, sha256: &str) -> StoreResult<Vec<DocumentId>> {
        self.doc_ids("SELECT doc_id FROM photo_grants WHERE sha256 = $1 LIMIT 1000", sha256)
    }

    fn docs_referencing(&self, sha256: &str) -> StoreResult<Vec<DocumentId>> {
        self.doc_ids("SELECT doc_id FROM photo_refs WHERE sha256 = $1 LIMIT 1000", sha256)
    }
}

impl PgStore {
    fn doc_ids(&self, sql: &'static str, sha256: &str) -> StoreResult<Vec<DocumentId>> {
        let sha = sha256.to_owned();
        self.read(move |c| c.query(sql, &[&sha])?.iter().map(|r| doc_id_from(get(r, 0)?)).collect())
    }
}

fn insert_grants(c: &mut Db<'_, '_>, sha256: &str, docs: &[DocumentId]) -> StoreResult<()> {
    for doc in docs {
        c.execute(
            "INSERT INTO photo_grants (sha256, doc_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&sha256, &doc.as_bytes().as_slice()],
        )?;
    }
    Ok(())
}
