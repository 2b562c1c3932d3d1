//! The device's store: one SQLite file in a directory the caller chooses.
//! Every write returns only after it is committed (WAL, `synchronous =
//! FULL`), so an edit the app shows as saved survives the app being killed.

pub mod settings;

use automerge::ChangeHash;
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use xuncha_core::DocumentId;
use xuncha_core::sync::{heads_from_bytes, heads_to_bytes};
use xuncha_core::template::TemplateRef;

pub const FILE_NAME: &str = "xuncha-device.db";
/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the device store was written by a newer Xuncha (schema {found}, this app knows {known}); update the app")]
    NewerSchema { found: i64, known: i64 },
    #[error("the device store {path} is damaged or not a Xuncha store: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("device store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is damaged: {0}")]
    Damaged(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What identifies a document on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocInfo {
    pub doc: DocumentId,
    pub centre_code: String,
    pub template: TemplateRef,
    pub updated_at: i64,
}

/// A document as stored: a snapshot, the changes since, and the server's
/// heads as last acknowledged.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub info: DocInfo,
    pub snapshot: Vec<u8>,
    pub changes: Vec<Vec<u8>>,
    pub ack_heads: Vec<ChangeHash>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    pub sha256: String,
    pub thumb_sha256: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    pub uploaded: u64,
    pub complete: bool,
}

#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_initial.sql")),
        M::up(include_str!("../../migrations/0002_reference_thumbnails.sql")),
    ])
}

impl Store {
    /// Opens (creating) the store in `dir`. A damaged file or one from a
    /// newer schema is refused with a clear error and left untouched.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        let path = dir.join(FILE_NAME);
        let corrupt = |e: rusqlite::Error| StoreError::Corrupt { path: path.clone(), reason: e.to_string() };
        let mut conn = Connection::open(&path).map_err(corrupt)?;
        // The first read of the header tells a damaged file from a good one.
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(corrupt)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { found, known: SCHEMA_VERSION });
        }
        let check: String = conn.pragma_query_value(None, "quick_check", |r| r.get(0)).map_err(corrupt)?;
        if check != "ok" {
            return Err(StoreError::Corrupt { path, reason: check });
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(corrupt)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Corrupt { path: path.clone(), reason: e.to_string() })?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self.conn().query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    fn delete_setting(&self, key: &str) -> StoreResult<()> {
        self.conn().execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Stores a new document (or replaces its snapshot and changes).
    pub fn put_doc(&self, info: &DocInfo, snapshot: &[u8], ack: &[ChangeHash]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO documents (doc_id, centre_code, template_id, template_version, snapshot, ack_heads, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (doc_id) DO UPDATE SET snapshot = excluded.snapshot, ack_heads = excluded.ack_heads,
                 updated_at = excluded.updated_at",
            params![
                info.doc.as_bytes().as_slice(),
                info.centre_code,
                info.template.id,
                info.template.version,
                snapshot,
                heads_to_bytes(ack),
                info.updated_at
            ],
        )?;
        tx.execute("DELETE FROM changes WHERE doc_id = ?1", [info.doc.as_bytes().as_slice()])?;
        tx.commit()?;
        Ok(())
    }

    /// Appends changes made or received since the snapshot; durable on return.
    pub fn append_changes(&self, doc: &DocumentId, changes: &[Vec<u8>], now: i64) -> StoreResult<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for c in changes {
            tx.execute("INSERT INTO changes (doc_id, bytes) VALUES (?1, ?2)", params![doc.as_bytes().as_slice(), c])?;
        }
        tx.execute("UPDATE documents SET updated_at = ?2 WHERE doc_id = ?1", params![doc.as_bytes().as_slice(), now])?;
        let pending: i64 =
            tx.query_row("SELECT count(*) FROM changes WHERE doc_id = ?1", [doc.as_bytes().as_slice()], |r| r.get(0))?;
        tx.commit()?;
        Ok(usize::try_from(pending).unwrap_or(usize::MAX))
    }

    pub fn set_error(&self, doc: &DocumentId, error: Option<&str>) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE documents SET last_error = ?2 WHERE doc_id = ?1",
            params![doc.as_bytes().as_slice(), error],
        )?;
        Ok(())
    }

    pub fn error(&self, doc: &DocumentId) -> StoreResult<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT last_error FROM documents WHERE doc_id = ?1", [doc.as_bytes().as_slice()], |r| r.get(0))
            .optional()?
            .flatten())
    }

    pub fn set_ack(&self, doc: &DocumentId, ack: &[ChangeHash]) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE documents SET ack_heads = ?2 WHERE doc_id = ?1",
            params![doc.as_bytes().as_slice(), heads_to_bytes(ack)],
        )?;
        Ok(())
    }

    pub fn has_doc(&self, doc: &DocumentId) -> StoreResult<bool> {
        let found: Option<i64> = self
            .conn()
            .query_row("SELECT 1 FROM documents WHERE doc_id = ?1", [doc.as_bytes().as_slice()], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    pub fn load_doc(&self, doc: &DocumentId) -> StoreResult<Option<StoredDoc>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT centre_code, template_id, template_version, snapshot, ack_heads, updated_at
                 FROM documents WHERE doc_id = ?1",
                [doc.as_bytes().as_slice()],
                |r| {
                    Ok((
                        DocInfo {
                            doc: *doc,
                            centre_code: r.get(0)?,
                            template: TemplateRef { id: r.get(1)?, version: r.get(2)? },
                            updated_at: r.get(5)?,
                        },
                        r.get::<_, Vec<u8>>(3)?,
                        r.get::<_, Vec<u8>>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((info, snapshot, ack)) = row else { return Ok(None) };
        let mut stmt = conn.prepare_cached("SELECT bytes FROM changes WHERE doc_id = ?1 ORDER BY id")?;
        let changes =
            stmt.query_map([doc.as_bytes().as_slice()], |r| r.get(0))?.collect::<Result<Vec<Vec<u8>>, _>>()?;
        let ack_heads = heads_from_bytes(&ack).map_err(StoreError::Damaged)?;
        Ok(Some(StoredDoc { info, snapshot, changes, ack_heads }))
    }

    pub fn docs(&self) -> StoreResult<Vec<DocInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT doc_id, centre_code, template_id, template_version, updated_at FROM documents ORDER BY updated_at DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, centre_code, tid, tver, updated_at) = row?;
            let id: [u8; 16] =
                id.try_into().map_err(|_| StoreError::Damaged("a document id is not 16 bytes".into()))?;
            out.push(DocInfo {
                doc: DocumentId::from_bytes(id),
                centre_code,
                template: TemplateRef { id: tid, version: tver },
                updated_at,
            });
        }
        Ok(out)
    }

    pub fn put_photo(&self, p: &StoredPhoto, bytes: &[u8], thumbnail: &[u8], now: i64) -> StoreResult<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO photos (sha256, bytes, thumbnail, thumb_sha256, mime, width, height, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![p.sha256, bytes, thumbnail, p.thumb_sha256, p.mime, p.width, p.height, now],
        )?;
        Ok(())
    }

    pub fn photo_bytes(&self, sha256: &str, thumbnail: bool) -> StoreResult<Option<Vec<u8>>> {
        let sql = if thumbnail {
            "SELECT thumbnail FROM photos WHERE sha256 = ?1"
        } else {
            "SELECT bytes FROM photos WHERE sha256 = ?1"
        };
        Ok(self.conn().query_row(sql, [sha256], |r| r.get(0)).optional()?)
    }

    /// A thumbnail by its own hash or by its photo's.
    /// A photo's thumbnail: of a photo taken here, or one fetched to show.
    pub fn thumbnail(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
        let sql = "SELECT thumbnail FROM photos WHERE sha256 = ?1 OR thumb_sha256 = ?1
                   UNION ALL SELECT thumbnail FROM reference_thumbnails WHERE sha256 = ?1 LIMIT 1";
        Ok(self.conn().query_row(sql, [sha256], |r| r.get(0)).optional()?)
    }

    /// Keeps a thumbnail fetched from the server to show (a reference photo).
    pub fn put_reference_thumbnail(&self, sha256: &str, thumbnail: &[u8], now: i64) -> StoreResult<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO reference_thumbnails (sha256, thumbnail, fetched_at) VALUES (?1, ?2, ?3)",
            params![sha256, thumbnail, now],
        )?;
        Ok(())
    }

    /// Photos not yet completely uploaded, oldest first.
    pub fn pending_photos(&self) -> StoreResult<Vec<StoredPhoto>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT sha256, mime, width, height, length(bytes), uploaded, complete, thumb_sha256 FROM photos
             WHERE complete = 0 AND failed IS NULL ORDER BY created_at, sha256",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredPhoto {
                sha256: r.get(0)?,
                mime: r.get(1)?,
                width: r.get(2)?,
                height: r.get(3)?,
                size: r.get(4)?,
                uploaded: r.get(5)?,
                complete: r.get(6)?,
                thumb_sha256: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Thumbnails not uploaded yet: (photo hash, thumbnail hash, thumbnail bytes).
    pub fn pending_thumbnails(&self) -> StoreResult<Vec<(String, String, Vec<u8>)>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT sha256, thumb_sha256, thumbnail FROM photos WHERE thumb_done = 0 AND failed IS NULL ORDER BY created_at")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a photo the server refused for good; it is no longer retried.
    pub fn set_photo_failed(&self, sha256: &str, reason: &str) -> StoreResult<()> {
        self.conn().execute("UPDATE photos SET failed = ?2 WHERE sha256 = ?1", params![sha256, reason])?;
        Ok(())
    }

    /// Photos the server refused: (hash, reason).
    pub fn failed_photos(&self) -> StoreResult<Vec<(String, String)>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT sha256, failed FROM photos WHERE failed IS NOT NULL ORDER BY created_at")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn set_thumbnail_done(&self, sha256: &str) -> StoreResult<()> {
        self.conn().execute("UPDATE photos SET thumb_done = 1 WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    pub fn set_uploaded(&self, sha256: &str, offset: u64, complete: bool) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE photos SET uploaded = ?2, complete = ?3 WHERE sha256 = ?1",
            params![sha256, offset, complete],
        )?;
        Ok(())
    }

    pub fn put_template(&self, t: &TemplateRef, json: &str, etag: &str) -> StoreResult<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO templates (id, version, json, etag) VALUES (?1, ?2, ?3, ?4)",
            params![t.id, t.version, json, etag],
        )?;
        Ok(())
    }

    /// The cached template JSON and its ETag.
    pub fn template(&self, t: &TemplateRef) -> StoreResult<Option<(String, String)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT json, etag FROM templates WHERE id = ?1 AND version = ?2",
                params![t.id, t.version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn template_refs(&self) -> StoreResult<Vec<(String, u32)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, version FROM templates ORDER BY id, version")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn put_centre(&self, code: &str, json: &str) -> StoreResult<()> {
        self.conn().execute("INSERT OR REPLACE INTO centres (code, json) VALUES (?1, ?2)", params![code, json])?;
        Ok(())
    }

    pub fn centre(&self, code: &str) -> StoreResult<Option<String>> {
        Ok(self.conn().query_row("SELECT json FROM centres WHERE code = ?1", [code], |r| r.get(0)).optional()?)
    }

    pub fn put_assignment(&self, id: i64, json: &str) -> StoreResult<()> {
        self.conn().execute("INSERT OR REPLACE INTO assignments (id, json) VALUES (?1, ?2)", params![id, json])?;
        Ok(())
    }

    pub fn assignments(&self) -> StoreResult<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT json FROM assignments ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
