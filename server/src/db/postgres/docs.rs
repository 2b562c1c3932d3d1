//! Inspection documents, their changes, members and score history.

use super::PgStore;
use super::db::{P, big, get, get_u32, get_u64};
use super::feed;
use super::prelude::*;
use super::rows::{
    ASSIGNMENT_COLS, SCOPE_SQL, assignment_from_row, centre_cols_of_c, centre_from_row, doc_id_from, id, parse_opt,
    parse_text, scope_params, text_of,
};
use crate::db::codec::{deflate, inflate};
use crate::db::keyset;
use crate::db::sql::{inspection_cursor, inspection_keys};
use automerge::ChangeHash;
use postgres::Row;
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

/// Writes one document's round: the row, its changes or a compacted
/// snapshot, members, photo references and the new score. Its place in the
/// change feed is set by [`stamp_docs`], last in the transaction.
pub(crate) fn insert_doc_write(c: &mut Db<'_, '_>, w: &DocWrite, now: i64) -> StoreResult<()> {
    let s = &w.summary;
    let m = &w.meta;
    let heads = heads_to_bytes(&w.heads);
    let n_new = big(w.new_changes.len());
    if w.is_new {
        let snapshot =
            w.compacted.as_deref().ok_or_else(|| StoreError::Corrupt("a new document needs a snapshot".into()))?;
        let inserted = c.execute(
            "INSERT INTO documents (doc_id, centre_code, template_id, template_version, created_by, created_at, quarter,
                 snapshot, heads, change_count, updated_seq, updated_at, status, purpose)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13)
             ON CONFLICT (doc_id) DO NOTHING",
            &[
                &id(&m.doc),
                &m.centre_code,
                &m.template.id,
                &i64::from(m.template.version),
                &m.created_by,
                &m.created_at,
                &m.quarter,
                &snapshot,
                &heads,
                &n_new,
                &now,
                &text_of(&s.status),
                &m.purpose.as_str(),
            ],
        )?;
        // Another instance created it first: this write was built on nothing.
        if inserted == 0 {
            return Err(StoreError::Conflict(format!("inspection {}", m.doc)));
        }
    } else {
        // Serialises writers of one document across instances: the row stays
        // locked until this transaction ends, and a write built on heads that
        // are no longer stored writes nothing.
        let row = c.query_opt("SELECT heads FROM documents WHERE doc_id = $1 FOR UPDATE", &[&id(&m.doc)])?;
        let stored = row.map(|r| get::<Vec<u8>>(&r, 0).and_then(|b| heads_from(&b))).transpose()?;
        if stored.map(sorted) != Some(sorted(w.base_heads.clone())) {
            return Err(StoreError::Conflict(format!("inspection {}", m.doc)));
        }
        if let Some(snapshot) = &w.compacted {
            c.execute("UPDATE documents SET snapshot = $2 WHERE doc_id = $1", &[&id(&m.doc), snapshot])?;
            c.execute("DELETE FROM changes WHERE doc_id = $1", &[&id(&m.doc)])?;
        } else {
            for (hash, bytes) in &w.new_changes {
                c.execute(
                    "INSERT INTO changes (doc_id, hash, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&id(&m.doc), &hash.0.as_slice(), bytes],
                )?;
            }
        }
        c.execute(
            "UPDATE documents SET heads = $2, change_count = change_count + $3, updated_at = $4 WHERE doc_id = $1",
            &[&id(&m.doc), &heads, &n_new, &now],
        )?;
        // A draft moved to a newer template version (the only way it changes).
        let version = i64::from(m.template.version);
        let moved = c.execute(
            "UPDATE documents SET template_id = $2, template_version = $3
             WHERE doc_id = $1 AND (template_id, template_version) IS DISTINCT FROM ($2, $3)",
            &[&id(&m.doc), &m.template.id, &version],
        )?;
        if moved > 0 {
            c.execute(
                "UPDATE assignments SET template_id = $2, template_version = $3 WHERE doc_id = $1",
                &[&id(&m.doc), &m.template.id, &version],
            )?;
        }
    }
    write_summary(c, &m.doc, s)?;
    if !w.members.is_empty() {
        c.execute(
            "INSERT INTO members (doc_id, username) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
            &[&id(&m.doc), &w.members],
        )?;
    }
    // Every photo the document records, each round: one statement for all.
    if !w.photos.is_empty() {
        c.execute(
            "INSERT INTO photo_refs (sha256, doc_id) SELECT unnest($2::text[]), $1 ON CONFLICT DO NOTHING",
            &[&id(&m.doc), &w.photos],
        )?;
    }
    if let Some(score) = &w.score {
        insert_score(c, &m.doc, &heads, score, now)?;
    }
    Ok(())
}

/// Gives each document its place in the change feed. Last in a transaction
/// (see [`feed`]): from here the feed's other writers wait for the commit.
pub(crate) fn stamp_docs(c: &mut Db<'_, '_>, docs: &[DocumentId]) -> StoreResult<()> {
    if docs.is_empty() {
        return Ok(());
    }
    let first = feed::take(c, u64::try_from(docs.len()).unwrap_or(u64::MAX))?;
    for (n, doc) in docs.iter().enumerate() {
        let seq = big(first + u64::try_from(n).unwrap_or(0));
        c.execute("UPDATE documents SET updated_seq = $2 WHERE doc_id = $1", &[&id(doc), &seq])?;
    }
    Ok(())
}

fn insert_score(c: &mut Db<'_, '_>, doc: &DocumentId, heads: &[u8], s: &ScoreWrite, now: i64) -> StoreResult<()> {
    c.execute(
        "INSERT INTO scores (doc_id, heads, total, grade, reason, computed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id(doc), &heads, &s.total, &text_of(&s.grade), &s.reason, &now],
    )?;
    let json = serde_json::to_vec(&s.report).map_err(|e| StoreError::Backend(e.to_string()))?;
    c.execute("UPDATE documents SET report = $2 WHERE doc_id = $1", &[&id(doc), &deflate(&json)])?;
    write_item_results(c, id(doc), &s.report)
}

/// The report's scored items (`db::sql::scored_items`), replacing the last report's.
pub(super) fn write_item_results(
    c: &mut Db<'_, '_>,
    doc: &[u8],
    report: &xuncha_core::scoring::Report,
) -> StoreResult<()> {
    c.execute("DELETE FROM item_results WHERE doc_id = $1", &[&doc])?;
    let (mut items, mut sections, mut points, mut max_points, mut vetoes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (item, veto) in crate::db::sql::scored_items(report) {
        items.push(item.id.as_str());
        sections.push(item.section.as_str());
        points.push(item.points);
        max_points.push(item.max_points);
        vetoes.push(veto);
    }
    // One statement for all of them: a round trip per item would cost more
    // than the rest of the round.
    c.execute(
        "INSERT INTO item_results (doc_id, item, section, points, max_points, veto)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::bool[])
         ON CONFLICT (doc_id, item) DO UPDATE SET section = excluded.section, points = excluded.points,
             max_points = excluded.max_points, veto = excluded.veto",
        &[&doc, &items, &sections, &points, &max_points, &vetoes],
    )?;
    Ok(())
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
            ".doc_id AND NOT oa.cancelled)))"
        )
    };
}
pub(crate) use official;

pub(crate) const ROW_COLS: &str = concat!(
    "d.doc_id, d.template_id, d.template_version, d.created_by, d.created_at, d.updated_at, d.quarter, ",
    "d.change_count, d.status, d.total, d.grade, d.complete, d.on_site, d.vetoes, d.conflicts, ",
    "d.evidence_problems, ",
    official!("d"),
    ", d.purpose"
);

pub(crate) fn inspection_from_row(r: &Row) -> StoreResult<InspectionRow> {
    let centre = centre_from_row(r)?;
    let o = super::rows::CENTRE_COL_COUNT; // the centre's columns come first
    Ok(InspectionRow {
        doc: doc_id_from(get(r, o)?)?,
        centre_code: centre.code,
        centre_name: centre.name,
        centre_type: centre.centre_type,
        region: centre.region,
        centre_position: [centre.lon, centre.lat],
        template: TemplateRefView { id: get(r, o + 1)?, version: get_u32(r, o + 2)? },
        created_by: get(r, o + 3)?,
        created_at: get(r, o + 4)?,
        updated_at: get(r, o + 5)?,
        quarter: get(r, o + 6)?,
        change_count: get_u64(r, o + 7)?,
        official: get(r, o + 16)?,
        purpose: parse_text(&get::<String>(r, o + 17)?)?,
        summary: DocSummary {
            status: parse_text(&get::<String>(r, o + 8)?)?,
            total: get(r, o + 9)?,
            grade: parse_opt(get(r, o + 10)?)?,
            complete: get(r, o + 11)?,
            on_site: parse_opt(get(r, o + 12)?)?,
            vetoes: get_u32(r, o + 13)?,
            conflicts: get_u32(r, o + 14)?,
            evidence_problems: get_u32(r, o + 15)?,
            figures: Default::default(),
        },
    })
}

/// The `FROM … WHERE …` of an inspection list and its arguments, in PostgreSQL.
pub(crate) fn inspection_filter_sql(f: &InspectionFilter) -> (String, Vec<String>) {
    crate::db::sql::inspection_filter(f, keyset::POSTGRES)
}

/// The arguments of a statement as parameters.
pub(crate) fn params_of(args: &[String]) -> Vec<P<'_>> {
    args.iter().map(|a| a as P<'_>).collect()
}

fn score_from_row(r: &Row, with_report: bool) -> StoreResult<ScoreRow> {
    let heads: Vec<u8> = get(r, 1)?;
    let report: Option<Vec<u8>> = if with_report { get(r, 6)? } else { None };
    Ok(ScoreRow {
        id: get(r, 0)?,
        heads: heads.chunks(32).map(hex::encode).collect(),
        total: get(r, 2)?,
        grade: parse_text(&get::<String>(r, 3)?)?,
        reason: get(r, 4)?,
        computed_at: get(r, 5)?,
        report: report.and_then(|b| inflate(&b)).and_then(|j| serde_json::from_slice(&j).ok()),
    })
}

impl DocStore for PgStore {
    fn server_actor(&self) -> StoreResult<automerge::ActorId> {
        let fresh = automerge::ActorId::random().to_bytes().to_vec();
        let bytes: Vec<u8> = self.write(move |c| {
            c.execute("INSERT INTO meta (key, value) VALUES ('server_actor', $1) ON CONFLICT DO NOTHING", &[&fresh])?;
            get(&c.query_one("SELECT value FROM meta WHERE key = 'server_actor'", &[])?, 0)
        })?;
        Ok(automerge::ActorId::from(bytes))
    }

    fn load_doc(&self, doc: &DocumentId) -> StoreResult<Option<StoredDoc>> {
        let doc = *doc;
        self.read(move |c| {
            let Some(r) = c.query_opt(
                "SELECT centre_code, template_id, template_version, created_by, created_at, quarter, snapshot, purpose
                 FROM documents WHERE doc_id = $1",
                &[&id(&doc)],
            )?
            else {
                return Ok(None);
            };
            let meta = DocMeta {
                doc,
                centre_code: get(&r, 0)?,
                template: TemplateRef { id: get(&r, 1)?, version: get_u32(&r, 2)? },
                created_by: get(&r, 3)?,
                created_at: get(&r, 4)?,
                quarter: get(&r, 5)?,
                purpose: parse_text(&get::<String>(&r, 7)?)?,
            };
            let snapshot: Vec<u8> = get(&r, 6)?;
            let changes = c
                .query("SELECT bytes FROM changes WHERE doc_id = $1 ORDER BY pos", &[&id(&doc)])?
                .iter()
                .map(|r| get(r, 0))
                .collect::<StoreResult<Vec<Vec<u8>>>>()?;
            Ok(Some(StoredDoc { meta, snapshot, changes }))
        })
    }

    fn inspection(&self, doc: &DocumentId) -> StoreResult<Option<InspectionRow>> {
        let doc = *doc;
        self.read(move |c| {
            let sql = format!(
                "SELECT {}, {ROW_COLS} FROM documents d JOIN centres c ON c.code = d.centre_code WHERE d.doc_id = $1",
                centre_cols_of_c()
            );
            c.query_opt(&sql, &[&id(&doc)])?.map(|r| inspection_from_row(&r)).transpose()
        })
    }

    fn is_member(&self, doc: &DocumentId, username: &str) -> StoreResult<bool> {
        let (doc, username) = (*doc, username.to_owned());
        self.read(move |c| {
            get(
                &c.query_one(
                    "SELECT EXISTS(SELECT 1 FROM members WHERE doc_id = $1 AND username = $2)",
                    &[&id(&doc), &username],
                )?,
                0,
            )
        })
    }

    fn members_of(&self, docs: &[DocumentId]) -> StoreResult<std::collections::HashMap<DocumentId, Vec<String>>> {
        let ids: Vec<Vec<u8>> = docs.iter().map(|d| d.as_bytes().to_vec()).collect();
        self.read(move |c| {
            let mut out: std::collections::HashMap<DocumentId, Vec<String>> = std::collections::HashMap::new();
            for r in
                c.query("SELECT doc_id, username FROM members WHERE doc_id = ANY($1) ORDER BY username", &[&ids])?
            {
                out.entry(doc_id_from(get(&r, 0)?)?).or_default().push(get(&r, 1)?);
            }
            Ok(out)
        })
    }

    fn commit_round(&self, writes: Vec<DocWrite>, device_heads: Option<DeviceHeads>, now: i64) -> StoreResult<()> {
        self.write(move |c| {
            for w in &writes {
                insert_doc_write(c, w, now)?;
            }
            if let Some((device, heads)) = &device_heads {
                for (doc, h) in heads {
                    c.execute(
                        "INSERT INTO device_docs (device_id, doc_id, heads) VALUES ($1, $2, $3)
                         ON CONFLICT (device_id, doc_id) DO UPDATE SET heads = excluded.heads
                         WHERE device_docs.heads <> excluded.heads",
                        &[device, &id(doc), &heads_to_bytes(h)],
                    )?;
                }
                // Minute resolution is enough, and spares a row write per round.
                c.execute(
                    "UPDATE devices SET last_seen_at = $2::bigint
                     WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $2::bigint - 60000)",
                    &[device, &now],
                )?;
            }
            let docs: Vec<DocumentId> = writes.iter().map(|w| w.meta.doc).collect();
            stamp_docs(c, &docs)
        })
    }

    fn device_heads(&self, device_id: i64, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>> {
        let doc = *doc;
        self.read(move |c| {
            let row = c.query_opt(
                "SELECT heads FROM device_docs WHERE device_id = $1 AND doc_id = $2",
                &[&device_id, &id(&doc)],
            )?;
            row.map(|r| get::<Vec<u8>>(&r, 0).and_then(|b| heads_from(&b))).transpose()
        })
    }

    fn shared(&self) -> bool {
        true
    }

    fn stored_heads(&self, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>> {
        let doc = *doc;
        self.read(move |c| {
            let row = c.query_opt("SELECT heads FROM documents WHERE doc_id = $1", &[&id(&doc)])?;
            row.map(|r| get::<Vec<u8>>(&r, 0).and_then(|b| heads_from(&b)).map(sorted)).transpose()
        })
    }

    fn changed_since(&self, username: &str, cursor: u64, limit: u32) -> StoreResult<Changed> {
        let username = username.to_owned();
        // A read transaction is one snapshot: the feed's value and the rows
        // agree (see `feed`).
        self.read(move |c| {
            let seq = feed::current(c)?;
            Ok(Changed {
                docs: docs_since(c, &username, cursor, limit)?,
                assignments: assignments_since(c, &username, cursor)?,
                seq,
            })
        })
    }

    fn current_seq(&self) -> StoreResult<u64> {
        self.read(feed::current)
    }

    fn list_inspections(&self, f: &InspectionFilter, p: PageReq) -> StoreResult<Page<InspectionRow>> {
        let f = f.clone();
        self.read(move |c| {
            let (filter, args) = inspection_filter_sql(&f);
            let total: i64 = get(&c.query_one(&keyset::count_sql(&filter), &params_of(&args))?, 0)?;
            let keys = inspection_keys(f.sort, f.ascending);
            let select = format!("{}, {ROW_COLS}", centre_cols_of_c());
            let (sql, args) = keyset::page_sql(&select, &filter, args, String::from, &keys, &p, keyset::POSTGRES)?;
            let rows = c.query(&sql, &params_of(&args))?.iter().map(inspection_from_row).collect::<StoreResult<_>>()?;
            Ok(keyset::page_of(rows, total, &p, |r| inspection_cursor(r, f.sort)))
        })
    }

    fn latest_score(&self, doc: &DocumentId) -> StoreResult<Option<ScoreRow>> {
        let doc = *doc;
        self.read(move |c| {
            c.query_opt(
                "SELECT s.id, s.heads, s.total, s.grade, s.reason, s.computed_at, d.report
                 FROM scores s JOIN documents d ON d.doc_id = s.doc_id WHERE s.doc_id = $1
                 ORDER BY s.id DESC LIMIT 1",
                &[&id(&doc)],
            )?
            .map(|r| score_from_row(&r, true))
            .transpose()
        })
    }

    fn score_history(&self, doc: &DocumentId) -> StoreResult<Vec<ScoreRow>> {
        let doc = *doc;
        self.read(move |c| {
            c.query(
                "SELECT id, heads, total, grade, reason, computed_at FROM scores WHERE doc_id = $1 ORDER BY id LIMIT 10000",
                &[&id(&doc)],
            )?
            .iter()
            .map(|r| score_from_row(r, false))
            .collect()
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
        self.write(move |c| {
            insert_score(c, &doc, &heads, &score, now)?;
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
        let (tid, tver) = template.map_or((None, 0), |t| (Some(t.id.clone()), i64::from(t.version)));
        let (centre, quarter) = (centre_code.to_owned(), quarter.to_owned());
        self.read(move |c| {
            c.query_opt(
                "SELECT doc_id FROM assignments WHERE centre_code = $1 AND quarter = $2 AND purpose = $3
                     AND ($4::text IS NULL OR (template_id = $4 AND template_version = $5))
                 ORDER BY id LIMIT 1",
                &[&centre, &quarter, &purpose.as_str(), &tid, &tver],
            )?
            .map(|r| doc_id_from(get(&r, 0)?))
            .transpose()
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
                // document (a follow-up's task is also its template). The
                // task's lock makes the second wait for the first's commit.
                let task = format!("{}\u{1f}{}\u{1f}{}", w.meta.centre_code, w.meta.quarter, w.meta.purpose.as_str());
                c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&task])?;
                let own_template = w.meta.purpose == Purpose::FollowUp;
                let existing = c.query_opt(
                    "SELECT doc_id FROM assignments WHERE centre_code = $1 AND quarter = $2 AND purpose = $3
                         AND (NOT $4 OR (template_id = $5 AND template_version = $6))
                     ORDER BY id LIMIT 1",
                    &[
                        &w.meta.centre_code,
                        &w.meta.quarter,
                        &w.meta.purpose.as_str(),
                        &own_template,
                        &w.meta.template.id,
                        &i64::from(w.meta.template.version),
                    ],
                )?;
                match existing {
                    Some(r) => doc = doc_id_from(get(&r, 0)?)?,
                    None => insert_doc_write(c, w, now)?,
                }
            }
            let r = c.query_one(
                "SELECT centre_code, quarter, template_id, template_version, purpose FROM documents WHERE doc_id = $1",
                &[&id(&doc)],
            )?;
            let (centre, quarter, tid, tver, purpose): (String, String, String, i64, String) =
                (get(&r, 0)?, get(&r, 1)?, get(&r, 2)?, get(&r, 3)?, get(&r, 4)?);
            for inspector in &inspectors {
                c.execute(
                    "INSERT INTO assignments (centre_code, quarter, inspector, doc_id, template_id, template_version,
                         assigned_by, created_at, cancelled, updated_seq, purpose)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, 0, $9)
                     ON CONFLICT (doc_id, inspector) DO UPDATE SET cancelled = FALSE",
                    &[&centre, &quarter, inspector, &id(&doc), &tid, &tver, &assigned_by, &now, &purpose],
                )?;
                c.execute(
                    "INSERT INTO members (doc_id, username) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[&id(&doc), inspector],
                )?;
            }
            // Every member hears of the new team (their notices carry it), and
            // the document reaches the new inspectors through their cursors.
            let live =
                c.query("SELECT id FROM assignments WHERE doc_id = $1 AND NOT cancelled ORDER BY id", &[&id(&doc)])?;
            let first = feed::take(c, u64::try_from(live.len() + 1).unwrap_or(u64::MAX))?;
            for (n, r) in live.iter().enumerate() {
                let aid: i64 = get(r, 0)?;
                let seq = big(first + u64::try_from(n).unwrap_or(0));
                c.execute("UPDATE assignments SET updated_seq = $2 WHERE id = $1", &[&aid, &seq])?;
            }
            let doc_seq = big(first + u64::try_from(live.len()).unwrap_or(0));
            c.execute("UPDATE documents SET updated_seq = $2 WHERE doc_id = $1", &[&id(&doc), &doc_seq])?;
            let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE doc_id = $1 AND inspector = $2");
            let mut out = Vec::new();
            for inspector in &inspectors {
                out.push(assignment_from_row(&c.query_one(&sql, &[&id(&doc), inspector])?)?);
            }
            Ok(out)
        })
    }

    fn cancel_assignment(&self, id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            let n = c.execute("UPDATE assignments SET cancelled = TRUE WHERE id = $1 AND NOT cancelled", &[&id])?;
            if n == 1 {
                let seq = big(feed::take(c, 1)?);
                c.execute("UPDATE assignments SET updated_seq = $2 WHERE id = $1", &[&id, &seq])?;
            }
            Ok(n == 1)
        })
    }

    fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>> {
        self.read(move |c| {
            let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE id = $1");
            c.query_opt(&sql, &[&id])?.map(|r| assignment_from_row(&r)).transpose()
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
                 WHERE {SCOPE_SQL} AND ($4 = '' OR a.inspector = $4) AND ($5 = '' OR a.quarter = $5)
                 ORDER BY a.quarter DESC, a.centre_code, a.inspector LIMIT 5000"
            );
            c.query(&sql, &[&prov, &city, &county, &inspector, &quarter])?.iter().map(assignment_from_row).collect()
        })
    }

    fn received(&self, doc: &DocumentId, sha256s: &[String]) -> StoreResult<BTreeSet<String>> {
        let (doc, shas) = (*doc, sha256s.to_vec());
        self.read(move |c| {
            let rows = c.query(
                "SELECT g.sha256 FROM photo_grants g JOIN blobs b ON b.sha256 = g.sha256
                 WHERE g.doc_id = $1 AND g.sha256 = ANY($2)",
                &[&id(&doc), &shas],
            )?;
            rows.iter().map(|r| get(r, 0)).collect()
        })
    }

    fn quarter_reported(&self, centre_code: &str, quarter: &str) -> StoreResult<bool> {
        let (centre, quarter) = (centre_code.to_owned(), quarter.to_owned());
        self.read(move |c| {
            get(
                &c.query_one(
                    "SELECT EXISTS(SELECT 1 FROM reported_quarters r JOIN centres c ON c.code = $1
                     WHERE r.quarter = $2 AND (r.province = '' OR r.province = c.province)
                     AND (r.city = '' OR r.city = c.city) AND (r.county = '' OR r.county = c.county))",
                    &[&centre, &quarter],
                )?,
                0,
            )
        })
    }
}

/// The latest score's summary, copied to the document's row for lists and
/// statistics (after a round and after a re-score alike).
fn write_summary(c: &mut Db<'_, '_>, doc: &DocumentId, s: &DocSummary) -> StoreResult<()> {
    c.execute(
        "UPDATE documents SET status = $2, total = $3, grade = $4, complete = $5, on_site = $6, vetoes = $7,
             conflicts = $8, evidence_problems = $9, figures = $10 WHERE doc_id = $1",
        &[
            &id(doc),
            &text_of(&s.status),
            &s.total,
            &s.grade.as_ref().map(text_of),
            &s.complete,
            &s.on_site.as_ref().map(text_of),
            &i64::from(s.vetoes),
            &i64::from(s.conflicts),
            &i64::from(s.evidence_problems),
            &crate::db::sql::figures_json(&s.figures),
        ],
    )?;
    Ok(())
}

fn docs_since(c: &mut Db<'_, '_>, username: &str, cursor: u64, limit: u32) -> StoreResult<Vec<(DocumentId, u64)>> {
    let rows = c.query(
        "SELECT d.doc_id, d.updated_seq FROM members m JOIN documents d ON d.doc_id = m.doc_id
         WHERE m.username = $1 AND d.updated_seq > $2 ORDER BY d.updated_seq LIMIT $3",
        &[&username, &big(cursor), &i64::from(limit)],
    )?;
    rows.iter().map(|r| Ok((doc_id_from(get(r, 0)?)?, get_u64(r, 1)?))).collect()
}

/// The assignments of an inspector that changed after `cursor`: part of the change feed.
fn assignments_since(c: &mut Db<'_, '_>, inspector: &str, cursor: u64) -> StoreResult<Vec<(Assignment, u64)>> {
    let sql = format!(
        "SELECT {ASSIGNMENT_COLS}, updated_seq FROM assignments WHERE inspector = $1 AND updated_seq > $2
         ORDER BY updated_seq LIMIT 500"
    );
    let rows = c.query(&sql, &[&inspector, &big(cursor)])?;
    rows.iter().map(|r| Ok((assignment_from_row(r)?, get_u64(r, 11)?))).collect()
}
