//! Problems, notices and the problem record. Dates are China dates as
//! YYYY-MM-DD text, so deadlines compare as text.

use super::SqliteStore;
use super::prelude::*;
use super::rows::{doc_id_from, parse_text, text_of};
use crate::db::keyset;
use crate::db::sql::{PROBLEM_KEYS, problem_cursor};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use xuncha_core::problems::Severity;
use xuncha_core::{DocumentId, Region};

const PROBLEM_COLS: &str = "id, doc_id, key, centre_code, centre_name, province, city, county, township, quarter, \
     purpose, item, title_zh, title_en, finding, photos, severity, action, deadline, responsible, state, notice_id, \
     feedback_at, escalated, followup_doc, closed_on, closed_doc, created_at, updated_at, \
     (SELECT number FROM notices WHERE notices.id = problems.notice_id)";

const NOTICE_COLS: &str =
    "id, number, centre_code, centre_name, province, city, county, office, issued_by, issued_on, issued_at";

fn json_list(col: usize, text: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

fn doc_col(col: usize, bytes: Option<Vec<u8>>) -> rusqlite::Result<Option<DocumentId>> {
    bytes
        .map(|b| {
            doc_id_from(b)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Blob, e.into()))
        })
        .transpose()
}

fn problem_from_row(r: &Row<'_>) -> rusqlite::Result<Problem> {
    let severity: String = r.get(16)?;
    let state: ProblemState = parse_text(20, &r.get::<_, String>(20)?)?;
    Ok(Problem {
        id: r.get(0)?,
        doc: doc_col(1, Some(r.get(1)?))?.ok_or_else(|| super::rows::conversion(1, "no document".into()))?,
        key: r.get(2)?,
        centre_code: r.get(3)?,
        centre_name: r.get(4)?,
        region: Region { province: r.get(5)?, city: r.get(6)?, county: r.get(7)?, township: r.get(8)? },
        quarter: r.get(9)?,
        purpose: parse_text(10, &r.get::<_, String>(10)?)?,
        item: r.get(11)?,
        title_zh: r.get(12)?,
        title_en: r.get(13)?,
        finding: r.get(14)?,
        photos: json_list(15, &r.get::<_, String>(15)?)?,
        severity: Severity::parse(&severity).ok_or_else(|| super::rows::conversion(16, severity.clone()))?,
        action: r.get(17)?,
        // The service knows today's date.
        overdue: false,
        deadline: r.get(18)?,
        responsible: r.get(19)?,
        state,
        notice_id: r.get(21)?,
        notice_number: r.get(29)?,
        feedback_at: r.get(22)?,
        escalated: r.get(23)?,
        followup_doc: doc_col(24, r.get(24)?)?,
        closed_on: r.get(25)?,
        closed_doc: doc_col(26, r.get(26)?)?,
        created_at: r.get(27)?,
        updated_at: r.get(28)?,
    })
}

fn notice_from_row(r: &Row<'_>) -> rusqlite::Result<Notice> {
    Ok(Notice {
        id: r.get(0)?,
        number: r.get(1)?,
        centre_code: r.get(2)?,
        centre_name: r.get(3)?,
        scope: Scope { province: r.get(4)?, city: r.get(5)?, county: r.get(6)? },
        office: r.get(7)?,
        issued_by: r.get(8)?,
        issued_on: r.get(9)?,
        issued_at: r.get(10)?,
    })
}

/// The WHERE clause of a filter, with its arguments.
fn filter_sql(f: &ProblemFilter) -> (String, Vec<Value>) {
    let mut conds = vec![
        "(?1 = '' OR province = ?1)".to_owned(),
        "(?2 = '' OR city = ?2)".to_owned(),
        "(?3 = '' OR county = ?3)".to_owned(),
    ];
    let mut args: Vec<Value> = vec![
        Value::Text(f.scope.province.clone()),
        Value::Text(f.scope.city.clone()),
        Value::Text(f.scope.county.clone()),
    ];
    let mut add = |cond: &str, v: Value| {
        args.push(v);
        conds.push(cond.replace('?', &format!("?{}", args.len())));
    };
    if let Some(t) = &f.township {
        add("township = ?", Value::Text(t.clone()));
    }
    if let Some(c) = &f.centre {
        add("centre_code = ?", Value::Text(c.clone()));
    }
    if let Some(d) = &f.doc {
        add("doc_id = ?", Value::Blob(d.as_bytes().to_vec()));
    }
    if let Some(n) = f.notice {
        add("notice_id = ?", Value::Integer(n));
    }
    if let Some(s) = f.state {
        add("state = ?", Value::Text(text_of(&s)));
    }
    if let Some(s) = f.severity {
        add("severity = ?", Value::Text(s.as_str().to_owned()));
    }
    if let Some((due, today)) = &f.due {
        let cond = match due {
            Due::Open => "state = 'issued' AND deadline >= ?",
            Due::Overdue => "state = 'issued' AND deadline < ?",
            Due::OnTime => "state = 'closed' AND closed_on <= deadline AND ? != ''",
            Due::Late => "state = 'closed' AND closed_on > deadline AND ? != ''",
        };
        add(cond, Value::Text(today.clone()));
    }
    (format!("FROM problems WHERE {}", conds.join(" AND ")), args)
}

fn append_event(c: &Connection, id: i64, e: &ProblemEvent) -> StoreResult<()> {
    let photos = serde_json::to_string(&e.photos).map_err(|e| StoreError::Backend(e.to_string()))?;
    c.execute(
        "INSERT INTO problem_events (problem_id, at, by, kind, detail, photos) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, e.at, e.by, e.kind, e.detail, photos],
    )?;
    Ok(())
}

impl ProblemStore for SqliteStore {
    fn record_problems(&self, s: &ProblemSource, found: &[NewProblem], now: i64) -> StoreResult<usize> {
        let (s, found) = (s.clone(), found.to_vec());
        self.write(move |c| {
            let mut added = 0;
            for p in &found {
                let photos = serde_json::to_string(&p.photos).map_err(|e| StoreError::Backend(e.to_string()))?;
                let n = c.execute(
                    "INSERT INTO problems (doc_id, key, centre_code, centre_name, province, city, county, township,
                         quarter, purpose, item, title_zh, title_en, finding, photos, severity, deadline, responsible,
                         created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)
                     ON CONFLICT (doc_id, key) DO NOTHING",
                    params![
                        s.doc.as_bytes().as_slice(),
                        p.key,
                        s.centre_code,
                        s.centre_name,
                        s.region.province,
                        s.region.city,
                        s.region.county,
                        s.region.township,
                        s.quarter,
                        s.purpose.as_str(),
                        p.item,
                        p.title_zh,
                        p.title_en,
                        p.finding,
                        photos,
                        p.severity.as_str(),
                        p.deadline,
                        p.responsible,
                        now
                    ],
                )?;
                if n == 1 {
                    let event = ProblemEvent {
                        at: now,
                        by: s.by.clone(),
                        kind: "found".into(),
                        detail: p.finding.clone(),
                        photos: Vec::new(),
                    };
                    append_event(c, c.last_insert_rowid(), &event)?;
                    added += 1;
                }
            }
            Ok(added)
        })
    }

    fn problem(&self, id: i64) -> StoreResult<Option<Problem>> {
        self.read(|c| {
            let sql = format!("SELECT {PROBLEM_COLS} FROM problems WHERE id = ?1");
            Ok(c.query_row(&sql, [id], problem_from_row).optional()?)
        })
    }

    fn problems(&self, f: &ProblemFilter, p: PageReq) -> StoreResult<Page<Problem>> {
        let f = f.clone();
        self.read(move |c| {
            let (filter, args) = filter_sql(&f);
            let total: i64 =
                c.query_row(&keyset::count_sql(&filter), rusqlite::params_from_iter(&args), |r| r.get(0))?;
            let (sql, args) =
                keyset::page_sql(PROBLEM_COLS, &filter, args, Value::from, &PROBLEM_KEYS, &p, keyset::SQLITE)?;
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), problem_from_row)?;
            let rows = rows.collect::<Result<Vec<_>, _>>()?;
            Ok(keyset::page_of(rows, total, &p, problem_cursor))
        })
    }

    fn problem_events(&self, id: i64) -> StoreResult<Vec<ProblemEvent>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT at, by, kind, detail, photos FROM problem_events WHERE problem_id = ?1 ORDER BY id LIMIT 1000",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok(ProblemEvent {
                    at: r.get(0)?,
                    by: r.get(1)?,
                    kind: r.get(2)?,
                    detail: r.get(3)?,
                    photos: json_list(4, &r.get::<_, String>(4)?)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn change_problem(&self, id: i64, change: &ProblemChange, event: &ProblemEvent) -> StoreResult<bool> {
        let (change, event) = (change.clone(), event.clone());
        self.write(move |c| {
            let now = event.at;
            let n = match &change {
                ProblemChange::Edit { severity, action, deadline, responsible, finding } => c.execute(
                    "UPDATE problems SET severity = ?2, action = ?3, deadline = ?4, responsible = ?5, finding = ?6,
                         updated_at = ?7 WHERE id = ?1 AND state = 'draft'",
                    params![id, severity.as_str(), action, deadline, responsible, finding, now],
                )?,
                ProblemChange::Feedback { at } => c.execute(
                    "UPDATE problems SET feedback_at = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'issued'",
                    params![id, at, now],
                )?,
                ProblemChange::Recheck => c.execute(
                    "UPDATE problems SET updated_at = ?2 WHERE id = ?1 AND state = 'issued'",
                    params![id, now],
                )?,
                ProblemChange::Escalate => c.execute(
                    "UPDATE problems SET escalated = 1, updated_at = ?2 WHERE id = ?1 AND state = 'issued'",
                    params![id, now],
                )?,
                ProblemChange::FollowUp { doc } => c.execute(
                    "UPDATE problems SET followup_doc = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'issued'",
                    params![id, doc.as_bytes().as_slice(), now],
                )?,
                ProblemChange::Close { doc, on } => c.execute(
                    "UPDATE problems SET state = 'closed', closed_doc = ?2, closed_on = ?3, updated_at = ?4
                     WHERE id = ?1 AND state = 'issued'",
                    params![id, doc.as_bytes().as_slice(), on, now],
                )?,
            };
            if n == 0 {
                return Ok(false);
            }
            append_event(c, id, &event)?;
            Ok(true)
        })
    }

    fn issue_notice(&self, n: &NewNotice, problems: &[i64], event: &ProblemEvent) -> StoreResult<Option<Notice>> {
        let (n, problems, event) = (n.clone(), problems.to_vec(), event.clone());
        let id = self.write(move |c| {
            for p in &problems {
                let ok: Option<i64> = c
                    .query_row(
                        "SELECT 1 FROM problems WHERE id = ?1 AND state = 'draft' AND centre_code = ?2",
                        params![p, n.centre_code],
                        |r| r.get(0),
                    )
                    .optional()?;
                if ok.is_none() {
                    return Ok(None);
                }
            }
            let year = n.issued_on.get(..4).unwrap_or_default().to_owned();
            let seq: i64 = c.query_row(
                "SELECT count(*) + 1 FROM notices WHERE province = ?1 AND city = ?2 AND county = ?3
                     AND substr(issued_on, 1, 4) = ?4",
                params![n.scope.province, n.scope.city, n.scope.county, year],
                |r| r.get(0),
            )?;
            let number = format!("{}商整〔{year}〕{seq}号", n.prefix);
            c.execute(
                "INSERT INTO notices (number, centre_code, centre_name, province, city, county, office, issued_by,
                     issued_on, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    number,
                    n.centre_code,
                    n.centre_name,
                    n.scope.province,
                    n.scope.city,
                    n.scope.county,
                    n.office,
                    n.issued_by,
                    n.issued_on,
                    n.issued_at
                ],
            )?;
            let notice = c.last_insert_rowid();
            for p in &problems {
                c.execute(
                    "UPDATE problems SET state = 'issued', notice_id = ?2, updated_at = ?3 WHERE id = ?1",
                    params![p, notice, n.issued_at],
                )?;
                append_event(c, *p, &ProblemEvent { detail: number.clone(), ..event.clone() })?;
            }
            Ok(Some(notice))
        })?;
        id.map(|id| self.notice(id)?.ok_or_else(|| StoreError::Corrupt("a notice vanished as it was issued".into())))
            .transpose()
    }

    fn notice(&self, id: i64) -> StoreResult<Option<Notice>> {
        self.read(|c| {
            let sql = format!("SELECT {NOTICE_COLS} FROM notices WHERE id = ?1");
            Ok(c.query_row(&sql, [id], notice_from_row).optional()?)
        })
    }

    fn centres_with_open_problems(&self, scope: &Scope) -> StoreResult<Vec<String>> {
        let args = [scope.province.clone(), scope.city.clone(), scope.county.clone()];
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT centre_code FROM problems
                 WHERE state != 'closed'
                     AND (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2) AND (?3 = '' OR county = ?3)
                 LIMIT 100000",
            )?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn ledger(&self, scope: &Scope, today: &str) -> StoreResult<Vec<LedgerRow>> {
        let args = [scope.province.clone(), scope.city.clone(), scope.county.clone(), today.to_owned()];
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT city, county,
                     sum(state = 'draft'),
                     sum(state = 'issued' AND deadline >= ?4),
                     sum(state = 'issued' AND deadline < ?4),
                     sum(state = 'closed' AND closed_on <= deadline),
                     sum(state = 'closed' AND closed_on > deadline)
                 FROM problems
                 WHERE (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2) AND (?3 = '' OR county = ?3)
                 GROUP BY city, county ORDER BY city, county LIMIT 10000",
            )?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                let n = |i: usize| r.get::<_, i64>(i).map(|v| u64::try_from(v).unwrap_or(0));
                Ok(LedgerRow {
                    city: r.get(0)?,
                    county: r.get(1)?,
                    draft: n(2)?,
                    open: n(3)?,
                    overdue: n(4)?,
                    closed_on_time: n(5)?,
                    closed_late: n(6)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
