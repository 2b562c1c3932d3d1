//! Inspection documents, their changes, members and score history.

use super::catalog::{SCOPE_SQL, scope_params};
use super::prelude::*;
pub(crate) use super::rows::doc_id_from;
use super::rows::{ASSIGNMENT_COLS, CENTRE_COLS, assignment_from_row, centre_from_row, parse_opt, parse_text, text_of};
use super::{SqliteStore, next_seq};
use crate::db::keyset;
use crate::db::sql::{inspection_cursor, inspection_keys};
use automerge::ChangeHash;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::BTreeSet;
use xuncha_core::DocumentId;
use xuncha_core::document::Purpose;
use xuncha_core::sync::{heads_from_bytes, heads_to_bytes};
use xuncha_core::template::TemplateRef;

fn heads_from(bytes: &[u8]) -> StoreResult<Vec<ChangeHash>> {
    heads_from_bytes(bytes).map_err(StoreError::Corrupt)
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

fn id(doc: &DocumentId) -> &[u8] {
    doc.as_bytes().as_slice()
}

/// Writes one document's round: the row, its changes or a compacted
/// snapshot, members, photo references and the new score.
/// `report` is the round's report as kept (`report_of`), made before the
/// writer's turn: the writer is one thread every round waits for.
pub(crate) fn insert_doc_write(c: &Connection, w: &DocWrite, report: Option<&[u8]>, now: i64) -> StoreResult<u64> {
    let seq = next_seq(c)?;
    let s = &w.summary;
    let m = &w.meta;
    let heads = heads_to_bytes(&w.heads);
    let n_new = i64::try_from(w.new_changes.len()).unwrap_or(i64::MAX);
    if w.is_new {
        let snapshot =
            w.compacted.as_deref().ok_or_else(|| StoreError::Corrupt("a new document needs a snapshot".into()))?;
        c.execute(
            "INSERT INTO documents (doc_id, centre_code, template_id, template_version, created_by, created_at, quarter,
                 snapshot, heads, change_count, updated_seq, updated_at, status, purpose)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                id(&m.doc),
                m.centre_code,
                m.template.id,
                m.template.version,
                m.created_by,
                m.created_at,
                m.quarter,
                snapshot,
                heads,
                n_new,
                i64::try_from(seq).unwrap_or(i64::MAX),
                now,
                text_of(&s.status),
                m.purpose.as_str()
            ],
        )?;
    } else {
        if w.compacted.is_some() {
            c.prepare_cached("DELETE FROM changes WHERE doc_id = ?1")?.execute([id(&m.doc)])?;
        } else {
            let mut stmt =
                c.prepare_cached("INSERT OR IGNORE INTO changes (doc_id, hash, bytes) VALUES (?1, ?2, ?3)")?;
            for (hash, bytes) in &w.new_changes {
                stmt.execute(params![id(&m.doc), hash.0.as_slice(), bytes])?;
            }
        }
        // One write of the document's row per round: SQLite rewrites a whole
        // row, snapshot and report included, on every UPDATE of it.
        let round = [
            Value::Blob(heads.clone()),
            Value::Integer(n_new),
            Value::Integer(i64::try_from(seq).unwrap_or(i64::MAX)),
            Value::Integer(now),
            report.map_or(Value::Null, |r| Value::Blob(r.to_vec())),
            w.compacted.clone().map_or(Value::Null, Value::Blob),
        ];
        let args = std::iter::once(Value::Blob(id(&m.doc).to_vec())).chain(summary_values(s)).chain(round);
        c.prepare_cached(&format!(
            "UPDATE documents SET {SUMMARY_SET}, heads = ?11, change_count = change_count + ?12, updated_seq = ?13,
                 updated_at = ?14, report = coalesce(?15, report), snapshot = coalesce(?16, snapshot)
             WHERE doc_id = ?1"
        ))?
        .execute(rusqlite::params_from_iter(args))?;
        // A draft moved to a newer template version (the only way it changes).
        let moved = c
            .prepare_cached(
                "UPDATE documents SET template_id = ?2, template_version = ?3
                 WHERE doc_id = ?1 AND (template_id, template_version) IS NOT (?2, ?3)",
            )?
            .execute(params![id(&m.doc), m.template.id, m.template.version])?;
        if moved > 0 {
            c.prepare_cached("UPDATE assignments SET template_id = ?2, template_version = ?3 WHERE doc_id = ?1")?
                .execute(params![id(&m.doc), m.template.id, m.template.version])?;
        }
    }
    if w.is_new {
        write_summary(c, &m.doc, s)?;
    }
    let mut stmt = c.prepare_cached("INSERT OR IGNORE INTO members (doc_id, username) VALUES (?1, ?2)")?;
    for user in &w.members {
        stmt.execute(params![id(&m.doc), user])?;
    }
    let mut stmt = c.prepare_cached("INSERT OR IGNORE INTO photo_refs (sha256, doc_id) VALUES (?1, ?2)")?;
    for sha in &w.photos {
        stmt.execute(params![sha, id(&m.doc)])?;
    }
    if let Some(score) = &w.score {
        insert_score(c, &m.doc, &heads, score, now, report.filter(|_| w.is_new))?;
    }
    Ok(seq)
}

/// The report as kept: DEFLATE-compressed JSON (it compresses about
/// fivefold and is written on every round).
fn report_bytes(report: &xuncha_core::scoring::Report) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(report).map_err(|e| StoreError::Backend(e.to_string()))?;
    Ok(crate::db::codec::deflate(&json))
}

/// The report of a write as kept, if it was scored.
pub(crate) fn report_of(w: &DocWrite) -> StoreResult<Option<Vec<u8>>> {
    w.score.as_ref().map(|score| report_bytes(&score.report)).transpose()
}

/// A score and its items, and `report` (as kept) on the document's row
/// when given (a round's own update of the row carries it otherwise).
fn insert_score(
    c: &Connection,
    doc: &DocumentId,
    heads: &[u8],
    s: &ScoreWrite,
    now: i64,
    report: Option<&[u8]>,
) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO scores (doc_id, heads, total, grade, reason, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id(doc), heads, s.total, text_of(&s.grade), s.reason, now])?;
    if let Some(report) = report {
        c.prepare_cached("UPDATE documents SET report = ?2 WHERE doc_id = ?1")?.execute(params![id(doc), report])?;
    }
    write_item_results(c, id(doc), &s.report)
}

/// The report's scored items (`db::sql::scored_items`), replacing the last
/// report's. Only rows that differ are written: a round usually changes
/// one answer, and rewriting every item's row would cost each round the
/// whole checklist's index updates.
pub(super) fn write_item_results(c: &Connection, doc: &[u8], report: &xuncha_core::scoring::Report) -> StoreResult<()> {
    type Stored = (String, f64, f64, bool);
    let mut stored: std::collections::HashMap<String, Stored> = c
        .prepare_cached("SELECT item, section, points, max_points, veto FROM item_results WHERE doc_id = ?1")?
        .query_map([doc], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))))?
        .collect::<Result<_, _>>()?;
    let mut insert = c.prepare_cached(
        "INSERT OR REPLACE INTO item_results (doc_id, item, section, points, max_points, veto)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (item, veto) in crate::db::sql::scored_items(report) {
        let now: Stored = (item.section.clone(), item.points, item.max_points, veto);
        if stored.remove(&item.id).as_ref() != Some(&now) {
            insert.execute(params![doc, item.id, item.section, item.points, item.max_points, veto])?;
        }
    }
    let mut delete = c.prepare_cached("DELETE FROM item_results WHERE doc_id = ?1 AND item = ?2")?;
    for gone in stored.keys() {
        delete.execute(params![doc, gone])?;
    }
    Ok(())
}

/// Fills `item_results` from the reports stored before it existed; runs
/// once, when the migration that made the table has just run.
pub(super) fn backfill_item_results(c: &Connection) -> StoreResult<usize> {
    let mut stmt = c.prepare("SELECT doc_id, report FROM documents WHERE report IS NOT NULL")?;
    let rows: Vec<(Vec<u8>, Vec<u8>)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut n = 0;
    for (doc, report) in rows {
        let Some(report) = crate::db::codec::inflate(&report).and_then(|j| serde_json::from_slice(&j).ok()) else {
            continue;
        };
        write_item_results(c, &doc, &report)?;
        n += 1;
    }
    Ok(n)
}

/// Whether the inspection `d` counts officially (in statistics, as a
/// centre's result): signed work of an assignment, or approved by a
/// supervisor. An inspection a device started on its own chooses its own
/// centre and date, so it counts only once a supervisor accepts it.
macro_rules! official {
    ($d:literal) => {
        concat!(
            "(",
            $d,
            ".status = 'approved' OR (",
            $d,
            ".status = 'submitted' AND EXISTS (SELECT 1 FROM assignments oa WHERE oa.doc_id = ",
            $d,
            ".doc_id AND oa.cancelled = 0)))"
        )
    };
}
pub(crate) use official;

pub(crate) const OFFICIAL_D: &str = official!("d");

pub(crate) const ROW_COLS: &str = concat!(
    "d.doc_id, d.template_id, d.template_version, d.created_by, d.created_at, d.updated_at, d.quarter, ",
    "d.change_count, d.status, d.total, d.grade, d.complete, d.on_site, d.vetoes, d.conflicts, ",
    "d.evidence_problems, ",
    official!("d"),
    ", d.purpose"
);

pub(crate) fn inspection_from_row(r: &Row<'_>) -> rusqlite::Result<InspectionRow> {
    let centre = centre_from_row(r)?;
    let o = super::rows::CENTRE_COL_COUNT; // the centre's columns come first
    let doc: Vec<u8> = r.get(o)?;
    Ok(InspectionRow {
        doc: doc_id_from(doc)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(o, rusqlite::types::Type::Blob, e.into()))?,
        centre_code: centre.code,
        centre_name: centre.name,
        centre_type: centre.centre_type,
        region: centre.region,
        centre_position: [centre.lon, centre.lat],
        template: TemplateRefView { id: r.get(o + 1)?, version: r.get(o + 2)? },
        created_by: r.get(o + 3)?,
        created_at: r.get(o + 4)?,
        updated_at: r.get(o + 5)?,
        quarter: r.get(o + 6)?,
        change_count: r.get(o + 7)?,
        official: r.get(o + 16)?,
        purpose: parse_text(o + 17, &r.get::<_, String>(o + 17)?)?,
        summary: DocSummary {
            status: parse_text(o + 8, &r.get::<_, String>(o + 8)?)?,
            total: r.get(o + 9)?,
            grade: parse_opt(o + 10, r.get(o + 10)?)?,
            complete: r.get(o + 11)?,
            on_site: parse_opt(o + 12, r.get(o + 12)?)?,
            vetoes: r.get(o + 13)?,
            conflicts: r.get(o + 14)?,
            evidence_problems: r.get(o + 15)?,
            figures: Default::default(),
        },
    })
}

/// The `FROM … WHERE …` of an inspection list and its arguments, in SQLite.
pub(crate) fn inspection_filter_sql(f: &InspectionFilter) -> (String, Vec<String>) {
    crate::db::sql::inspection_filter(f, keyset::SQLITE)
}

fn centre_cols() -> String {
    CENTRE_COLS.split(", ").map(|s| format!("c.{s}")).collect::<Vec<_>>().join(", ")
}

fn score_from_row(r: &Row<'_>, with_report: bool) -> rusqlite::Result<ScoreRow> {
    let heads: Vec<u8> = r.get(1)?;
    let report: Option<Vec<u8>> = if with_report { r.get(6)? } else { None };
    Ok(ScoreRow {
        id: r.get(0)?,
        heads: heads.chunks(32).map(hex::encode).collect(),
        total: r.get(2)?,
        grade: parse_text(3, &r.get::<_, String>(3)?)?,
        reason: r.get(4)?,
        computed_at: r.get(5)?,
        report: report.and_then(|b| crate::db::codec::inflate(&b)).and_then(|j| serde_json::from_slice(&j).ok()),
    })
}

impl DocStore for SqliteStore {
    fn server_actor(&self) -> StoreResult<automerge::ActorId> {
        let fresh = automerge::ActorId::random().to_bytes().to_vec();
        let bytes: Vec<u8> = self.write(move |c| {
            c.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('server_actor', ?1)", [&fresh])?;
            Ok(c.query_row("SELECT value FROM meta WHERE key = 'server_actor'", [], |r| r.get(0))?)
        })?;
        Ok(automerge::ActorId::from(bytes))
    }

    fn load_doc(&self, doc: &DocumentId) -> StoreResult<Option<StoredDoc>> {
        self.read(|c| {
            let row = c
                .query_row(
                    "SELECT centre_code, template_id, template_version, created_by, created_at, quarter, snapshot, purpose
                     FROM documents WHERE doc_id = ?1",
                    [id(doc)],
                    |r| {
                        Ok((
                            DocMeta {
                                doc: *doc,
                                centre_code: r.get(0)?,
                                template: TemplateRef { id: r.get(1)?, version: r.get(2)? },
                                created_by: r.get(3)?,
                                created_at: r.get(4)?,
                                quarter: r.get(5)?,
                                purpose: parse_text(7, &r.get::<_, String>(7)?)?,
                            },
                            r.get::<_, Vec<u8>>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((meta, snapshot)) = row else { return Ok(None) };
            let mut stmt = c.prepare_cached("SELECT bytes FROM changes WHERE doc_id = ?1 ORDER BY rowid")?;
            let changes = stmt.query_map([id(doc)], |r| r.get(0))?.collect::<Result<Vec<Vec<u8>>, _>>()?;
            Ok(Some(StoredDoc { meta, snapshot, changes }))
        })
    }

    fn inspection(&self, doc: &DocumentId) -> StoreResult<Option<InspectionRow>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {}, {ROW_COLS} FROM documents d JOIN centres c ON c.code = d.centre_code WHERE d.doc_id = ?1",
                centre_cols()
            );
            Ok(c.query_row(&sql, [id(doc)], inspection_from_row).optional()?)
        })
    }

    fn is_member(&self, doc: &DocumentId, username: &str) -> StoreResult<bool> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT EXISTS(SELECT 1 FROM members WHERE doc_id = ?1 AND username = ?2)")?
                .query_row(params![id(doc), username], |r| r.get(0))?)
        })
    }

    fn members_of(&self, docs: &[DocumentId]) -> StoreResult<std::collections::HashMap<DocumentId, Vec<String>>> {
        let docs = docs.to_vec();
        self.read(move |c| {
            let mut out: std::collections::HashMap<DocumentId, Vec<String>> = std::collections::HashMap::new();
            // SQLite binds at most 32,766 parameters: ask in slices.
            for chunk in docs.chunks(500) {
                let marks = vec!["?"; chunk.len()].join(", ");
                let sql = format!("SELECT doc_id, username FROM members WHERE doc_id IN ({marks}) ORDER BY username");
                let mut stmt = c.prepare(&sql)?;
                let args = chunk.iter().map(|d| d.as_bytes().to_vec());
                let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
                while let Some(r) = rows.next()? {
                    let doc = doc_id_from(r.get(0)?).map_err(StoreError::Corrupt)?;
                    out.entry(doc).or_default().push(r.get(1)?);
                }
            }
            Ok(out)
        })
    }

    fn commit_round(&self, writes: Vec<DocWrite>, device_heads: Option<DeviceHeads>, now: i64) -> StoreResult<()> {
        let reports = writes.iter().map(report_of).collect::<StoreResult<Vec<_>>>()?;
        self.write(move |c| {
            for (w, report) in writes.iter().zip(&reports) {
                insert_doc_write(c, w, report.as_deref(), now)?;
            }
            if let Some((device, heads)) = &device_heads {
                let mut stmt = c.prepare_cached(
                    "INSERT INTO device_docs (device_id, doc_id, heads) VALUES (?1, ?2, ?3)
                     ON CONFLICT (device_id, doc_id) DO UPDATE SET heads = excluded.heads WHERE heads != excluded.heads",
                )?;
                for (doc, h) in heads {
                    stmt.execute(params![device, id(doc), heads_to_bytes(h)])?;
                }
                // Minute resolution is enough, and spares a row write per round.
                c.prepare_cached(
                    "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?2 - 60000)",
                )?
                .execute(params![device, now])?;
            }
            Ok(())
        })
    }

    fn device_heads(&self, device_id: i64, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>> {
        self.read(|c| {
            let bytes: Option<Vec<u8>> = c
                .prepare_cached("SELECT heads FROM device_docs WHERE device_id = ?1 AND doc_id = ?2")?
                .query_row(params![device_id, id(doc)], |r| r.get(0))
                .optional()?;
            bytes.map(|b| heads_from(&b)).transpose()
        })
    }

    fn stored_heads(&self, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>> {
        self.read(|c| {
            let bytes: Option<Vec<u8>> = c
                .prepare_cached("SELECT heads FROM documents WHERE doc_id = ?1")?
                .query_row([id(doc)], |r| r.get(0))
                .optional()?;
            bytes.map(|b| heads_from(&b).map(sorted)).transpose()
        })
    }

    fn changed_since(&self, username: &str, cursor: u64, limit: u32) -> StoreResult<Changed> {
        self.read(|c| {
            // One snapshot for all three reads, so a commit in between cannot
            // slip past the cursor.
            super::run(c, "BEGIN")?;
            let out = (|| {
                let seq: i64 =
                    c.prepare_cached("SELECT value FROM meta WHERE key = 'seq'")?.query_row([], |r| r.get(0))?;
                Ok(Changed {
                    docs: docs_since_on(c, username, cursor, limit)?,
                    assignments: assignments_since_on(c, username, cursor)?,
                    seq: u64::try_from(seq).unwrap_or(0),
                })
            })();
            super::run(c, "COMMIT")?;
            out
        })
    }

    fn current_seq(&self) -> StoreResult<u64> {
        self.read(|c| {
            let v: i64 = c.prepare_cached("SELECT value FROM meta WHERE key = 'seq'")?.query_row([], |r| r.get(0))?;
            Ok(u64::try_from(v).unwrap_or(0))
        })
    }

    fn list_inspections(&self, f: &InspectionFilter, p: PageReq) -> StoreResult<Page<InspectionRow>> {
        let f = f.clone();
        self.read(move |c| {
            let (filter, args) = inspection_filter_sql(&f);
            let total: i64 =
                c.query_row(&keyset::count_sql(&filter), rusqlite::params_from_iter(&args), |r| r.get(0))?;
            let keys = inspection_keys(f.sort, f.ascending);
            let select = format!("{}, {ROW_COLS}", centre_cols());
            let (sql, args) = keyset::page_sql(&select, &filter, args, String::from, &keys, &p, keyset::SQLITE)?;
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), inspection_from_row)?;
            let rows = rows.collect::<Result<Vec<_>, _>>()?;
            Ok(keyset::page_of(rows, total, &p, |r| inspection_cursor(r, f.sort)))
        })
    }

    fn latest_score(&self, doc: &DocumentId) -> StoreResult<Option<ScoreRow>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT s.id, s.heads, s.total, s.grade, s.reason, s.computed_at, d.report
                 FROM scores s JOIN documents d ON d.doc_id = s.doc_id WHERE s.doc_id = ?1
                 ORDER BY s.id DESC LIMIT 1",
                [id(doc)],
                |r| score_from_row(r, true),
            )
            .optional()?)
        })
    }

    fn score_history(&self, doc: &DocumentId) -> StoreResult<Vec<ScoreRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, heads, total, grade, reason, computed_at FROM scores WHERE doc_id = ?1 ORDER BY id LIMIT 10000",
            )?;
            let rows = stmt.query_map([id(doc)], |r| score_from_row(r, false))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn add_score(
        &self,
        doc: &DocumentId,
        heads: &[ChangeHash],
        s: &DocSummary,
        score: &ScoreWrite,
        now: i64,
    ) -> StoreResult<()> {
        let (doc, heads, s, score) = (*doc, heads_to_bytes(heads), s.clone(), score.clone());
        let report = report_bytes(&score.report)?;
        self.write(move |c| {
            insert_score(c, &doc, &heads, &score, now, Some(&report))?;
            write_summary(c, &doc, &s)
        })
    }

    fn assigned_doc(
        &self,
        centre_code: &str,
        quarter: &str,
        purpose: Purpose,
        template: Option<&TemplateRef>,
    ) -> StoreResult<Option<DocumentId>> {
        let (tid, tver) = template.map_or((None, 0), |t| (Some(t.id.clone()), t.version));
        self.read(|c| {
            let bytes: Option<Vec<u8>> = c
                .query_row(
                    "SELECT doc_id FROM assignments WHERE centre_code = ?1 AND quarter = ?2 AND purpose = ?3
                         AND (?4 IS NULL OR (template_id = ?4 AND template_version = ?5))
                     ORDER BY id LIMIT 1",
                    params![centre_code, quarter, purpose.as_str(), tid, tver],
                    |r| r.get(0),
                )
                .optional()?;
            bytes.map(|b| doc_id_from(b).map_err(StoreError::Corrupt)).transpose()
        })
    }

    fn create_assignments(
        &self,
        new_doc: Option<DocWrite>,
        doc: DocumentId,
        inspectors: &[String],
        assigned_by: &str,
        now: i64,
    ) -> StoreResult<Vec<Assignment>> {
        let (inspectors, assigned_by) = (inspectors.to_vec(), assigned_by.to_owned());
        self.write(move |c| {
            let mut doc = doc;
            if let Some(w) = &new_doc {
                // Two assignments racing for one task share the first
                // document (a follow-up's task is also its template).
                let own_template = w.meta.purpose == Purpose::FollowUp;
                let existing: Option<Vec<u8>> = c
                    .query_row(
                        "SELECT doc_id FROM assignments WHERE centre_code = ?1 AND quarter = ?2 AND purpose = ?3
                             AND (?4 = 0 OR (template_id = ?5 AND template_version = ?6))
                         ORDER BY id LIMIT 1",
                        params![
                            w.meta.centre_code,
                            w.meta.quarter,
                            w.meta.purpose.as_str(),
                            own_template,
                            w.meta.template.id,
                            w.meta.template.version
                        ],
                        |r| r.get(0),
                    )
                    .optional()?;
                match existing {
                    Some(bytes) => doc = doc_id_from(bytes).map_err(StoreError::Corrupt)?,
                    None => {
                        insert_doc_write(c, w, report_of(w)?.as_deref(), now)?;
                    }
                }
            }
            let (centre, quarter, tid, tver, purpose): (String, String, String, u32, String) = c.query_row(
                "SELECT centre_code, quarter, template_id, template_version, purpose FROM documents WHERE doc_id = ?1",
                [doc.as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
            let mut out = Vec::new();
            for inspector in &inspectors {
                let seq = next_seq(c)?;
                c.execute(
                    "INSERT INTO assignments (centre_code, quarter, inspector, doc_id, template_id, template_version,
                         assigned_by, created_at, cancelled, updated_seq, purpose)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)
                     ON CONFLICT (doc_id, inspector) DO UPDATE SET cancelled = 0, updated_seq = ?9",
                    params![
                        centre,
                        quarter,
                        inspector,
                        doc.as_bytes().as_slice(),
                        tid,
                        tver,
                        assigned_by,
                        now,
                        seq,
                        purpose
                    ],
                )?;
                c.execute(
                    "INSERT OR IGNORE INTO members (doc_id, username) VALUES (?1, ?2)",
                    params![doc.as_bytes().as_slice(), inspector],
                )?;
                // The document reaches the new inspector through their cursor.
                c.execute(
                    "UPDATE documents SET updated_seq = ?2 WHERE doc_id = ?1",
                    params![doc.as_bytes().as_slice(), seq],
                )?;
                let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE doc_id = ?1 AND inspector = ?2");
                out.push(c.query_row(&sql, params![doc.as_bytes().as_slice(), inspector], assignment_from_row)?);
            }
            // Every member hears of the new team (their notices carry it).
            let seq = next_seq(c)?;
            c.execute(
                "UPDATE assignments SET updated_seq = ?2 WHERE doc_id = ?1 AND cancelled = 0",
                params![doc.as_bytes().as_slice(), seq],
            )?;
            Ok(out)
        })
    }

    fn cancel_assignment(&self, id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            let seq = next_seq(c)?;
            let n = c.execute(
                "UPDATE assignments SET cancelled = 1, updated_seq = ?2 WHERE id = ?1 AND cancelled = 0",
                params![id, seq],
            )?;
            Ok(n == 1)
        })
    }

    fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>> {
        self.read(|c| {
            let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE id = ?1");
            Ok(c.query_row(&sql, [id], assignment_from_row).optional()?)
        })
    }

    fn list_assignments(
        &self,
        scope: &Scope,
        inspector: Option<&str>,
        quarter: Option<&str>,
    ) -> StoreResult<Vec<Assignment>> {
        let [prov, city, county] = scope_params(scope);
        let (inspector, quarter) = (inspector.unwrap_or_default().to_owned(), quarter.unwrap_or_default().to_owned());
        self.read(move |c| {
            let cols = ASSIGNMENT_COLS.split(", ").map(|s| format!("a.{s}")).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT {cols} FROM assignments a JOIN centres c ON c.code = a.centre_code
                 WHERE {SCOPE_SQL} AND (?4 = '' OR a.inspector = ?4) AND (?5 = '' OR a.quarter = ?5)
                 ORDER BY a.quarter DESC, a.centre_code, a.inspector LIMIT 5000"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params![prov, city, county, inspector, quarter], assignment_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn received(&self, doc: &DocumentId, sha256s: &[String]) -> StoreResult<BTreeSet<String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM photo_grants g JOIN blobs b ON b.sha256 = g.sha256
                 WHERE g.sha256 = ?1 AND g.doc_id = ?2)",
            )?;
            let mut out = BTreeSet::new();
            for sha in sha256s {
                if stmt.query_row(params![sha, doc.as_bytes().as_slice()], |r| r.get::<_, bool>(0))? {
                    out.insert(sha.clone());
                }
            }
            Ok(out)
        })
    }

    fn quarter_reported(&self, centre_code: &str, quarter: &str) -> StoreResult<bool> {
        self.read(|c| {
            Ok(c.prepare_cached(&QUARTER_REPORTED)?.query_row(params![centre_code, quarter], |r| r.get(0))?)
        })
    }
}

/// Whether a row of `reported_quarters` for quarter `?2` covers centre
/// `?1`: each of its province, city and county is empty (the whole) or the
/// centre's. Written as one key lookup per combination, since the plain
/// `(r.province = '' OR r.province = c.province) AND …` makes SQLite build
/// three temporary tables on every call, and every sync round calls it.
static QUARTER_REPORTED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let level = |column: &str, whole: bool| match whole {
        true => format!("r.{column} = ''"),
        false => format!("r.{column} = c.{column}"),
    };
    let probes: Vec<String> = (0..8)
        .map(|mask: u8| {
            format!(
                "EXISTS(SELECT 1 FROM centres c, reported_quarters r WHERE c.code = ?1 AND r.quarter = ?2 AND {} AND {} AND {})",
                level("province", mask & 4 != 0),
                level("city", mask & 2 != 0),
                level("county", mask & 1 != 0)
            )
        })
        .collect();
    format!("SELECT {}", probes.join(" OR "))
});

/// The latest score's summary, copied to the document's row for lists and
/// statistics (after a round and after a re-score alike).
fn write_summary(c: &Connection, doc: &DocumentId, s: &DocSummary) -> StoreResult<()> {
    let args = std::iter::once(Value::Blob(id(doc).to_vec())).chain(summary_values(s));
    c.prepare_cached(&format!("UPDATE documents SET {SUMMARY_SET} WHERE doc_id = ?1"))?
        .execute(rusqlite::params_from_iter(args))?;
    Ok(())
}

/// The summary's columns, set from `?2` to `?10` (`?1` is the document).
const SUMMARY_SET: &str = "status = ?2, total = ?3, grade = ?4, complete = ?5, on_site = ?6, vetoes = ?7, \
     conflicts = ?8, evidence_problems = ?9, figures = ?10";

/// The values of `SUMMARY_SET`, in its order.
fn summary_values(s: &DocSummary) -> [Value; 9] {
    let text = |t: Option<String>| t.map_or(Value::Null, Value::Text);
    [
        Value::Text(text_of(&s.status)),
        s.total.map_or(Value::Null, Value::Real),
        text(s.grade.as_ref().map(text_of)),
        Value::Integer(i64::from(s.complete)),
        text(s.on_site.as_ref().map(text_of)),
        Value::Integer(i64::from(s.vetoes)),
        Value::Integer(i64::from(s.conflicts)),
        Value::Integer(i64::from(s.evidence_problems)),
        text(crate::db::sql::figures_json(&s.figures)),
    ]
}

fn docs_since_on(c: &Connection, username: &str, cursor: u64, limit: u32) -> StoreResult<Vec<(DocumentId, u64)>> {
    let mut stmt = c.prepare_cached(
        // CROSS JOIN keeps the user's few memberships as the outer loop;
        // otherwise SQLite may walk every recently updated document. The
        // limit is `+?3`: see BOUND_LIMIT.
        "SELECT d.doc_id, d.updated_seq FROM members m CROSS JOIN documents d ON d.doc_id = m.doc_id
                 WHERE m.username = ?1 AND d.updated_seq > ?2 ORDER BY d.updated_seq LIMIT +?3",
    )?;
    let rows = stmt.query_map(params![username, i64::try_from(cursor).unwrap_or(i64::MAX), limit], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (doc, seq) = row?;
        out.push((doc_id_from(doc).map_err(StoreError::Corrupt)?, u64::try_from(seq).unwrap_or(0)));
    }
    Ok(out)
}

// BOUND_LIMIT: a statement kept prepared that binds its LIMIT writes it
// `LIMIT +?N`. With a bare `LIMIT ?N` this SQLite build prepares the
// statement again each time a value is bound (its statement status
// counts one re-prepare per run), which the feed's query paid on every
// round: 5% of a round's processor time in a profile. The unary plus keeps
// the value out of the planner's sight.

/// The assignments of an inspector that changed after `cursor`: part of the change feed.
fn assignments_since_on(c: &rusqlite::Connection, inspector: &str, cursor: u64) -> StoreResult<Vec<(Assignment, u64)>> {
    let sql = format!(
        "SELECT {ASSIGNMENT_COLS}, updated_seq FROM assignments WHERE inspector = ?1 AND updated_seq > ?2
                 ORDER BY updated_seq LIMIT 500"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![inspector, i64::try_from(cursor).unwrap_or(i64::MAX)], |r| {
        Ok((assignment_from_row(r)?, r.get::<_, i64>(11)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (a, seq) = row?;
        out.push((a, u64::try_from(seq).unwrap_or(0)));
    }
    Ok(out)
}
