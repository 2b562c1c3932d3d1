//! Problems, notices and the problem record. Dates are China dates as
//! YYYY-MM-DD text, so deadlines compare as text.

use super::PgStore;
use super::db::{P, get, get_u64};
use super::prelude::*;
use super::rows::{doc_id_from, json_col, parse_text, text_of};
use crate::db::keyset;
use crate::db::sql::{PROBLEM_KEYS, problem_cursor};
use postgres::Row;
use postgres::types::ToSql;
use xuncha_core::problems::Severity;
use xuncha_core::{DocumentId, Region};

const PROBLEM_COLS: &str = "id, doc_id, key, centre_code, centre_name, province, city, county, township, quarter, \
     purpose, item, title_zh, title_en, finding, photos, severity, action, deadline, responsible, state, notice_id, \
     feedback_at, escalated, followup_doc, closed_on, closed_doc, created_at, updated_at, \
     (SELECT number FROM notices WHERE notices.id = problems.notice_id)";

const NOTICE_COLS: &str =
    "id, number, centre_code, centre_name, province, city, county, office, issued_by, issued_on, issued_at";

fn doc_col(bytes: Option<Vec<u8>>) -> StoreResult<Option<DocumentId>> {
    bytes.map(doc_id_from).transpose()
}

fn problem_from_row(r: &Row) -> StoreResult<Problem> {
    let severity: String = get(r, 16)?;
    Ok(Problem {
        id: get(r, 0)?,
        doc: doc_id_from(get(r, 1)?)?,
        key: get(r, 2)?,
        centre_code: get(r, 3)?,
        centre_name: get(r, 4)?,
        region: Region { province: get(r, 5)?, city: get(r, 6)?, county: get(r, 7)?, township: get(r, 8)? },
        quarter: get(r, 9)?,
        purpose: parse_text(&get::<String>(r, 10)?)?,
        item: get(r, 11)?,
        title_zh: get(r, 12)?,
        title_en: get(r, 13)?,
        finding: get(r, 14)?,
        photos: json_col(r, 15)?,
        severity: Severity::parse(&severity).ok_or_else(|| StoreError::Corrupt(format!("severity {severity}")))?,
        action: get(r, 17)?,
        // The service knows today's date.
        overdue: false,
        deadline: get(r, 18)?,
        responsible: get(r, 19)?,
        state: parse_text(&get::<String>(r, 20)?)?,
        notice_id: get(r, 21)?,
        notice_number: get(r, 29)?,
        feedback_at: get(r, 22)?,
        escalated: get(r, 23)?,
        followup_doc: doc_col(get(r, 24)?)?,
        closed_on: get(r, 25)?,
        closed_doc: doc_col(get(r, 26)?)?,
        created_at: get(r, 27)?,
        updated_at: get(r, 28)?,
    })
}

fn notice_from_row(r: &Row) -> StoreResult<Notice> {
    Ok(Notice {
        id: get(r, 0)?,
        number: get(r, 1)?,
        centre_code: get(r, 2)?,
        centre_name: get(r, 3)?,
        scope: Scope { province: get(r, 4)?, city: get(r, 5)?, county: get(r, 6)? },
        office: get(r, 7)?,
        issued_by: get(r, 8)?,
        issued_on: get(r, 9)?,
        issued_at: get(r, 10)?,
    })
}

type Arg = Box<dyn ToSql + Sync + Send>;

/// The WHERE clause of a filter, with its arguments.
fn filter_sql(f: &ProblemFilter) -> (String, Vec<Arg>) {
    let mut conds = vec![
        "($1 = '' OR province = $1)".to_owned(),
        "($2 = '' OR city = $2)".to_owned(),
        "($3 = '' OR county = $3)".to_owned(),
    ];
    let mut args: Vec<Arg> =
        vec![Box::new(f.scope.province.clone()), Box::new(f.scope.city.clone()), Box::new(f.scope.county.clone())];
    let mut add = |cond: &str, v: Arg| {
        args.push(v);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    };
    if let Some(t) = &f.township {
        add("township = ?", Box::new(t.clone()));
    }
    if let Some(c) = &f.centre {
        add("centre_code = ?", Box::new(c.clone()));
    }
    if let Some(d) = &f.doc {
        add("doc_id = ?", Box::new(d.as_bytes().to_vec()));
    }
    if let Some(n) = f.notice {
        add("notice_id = ?", Box::new(n));
    }
    if let Some(s) = f.state {
        add("state = ?", Box::new(text_of(&s)));
    }
    if let Some(s) = f.severity {
        add("severity = ?", Box::new(s.as_str().to_owned()));
    }
    if let Some((due, today)) = &f.due {
        let cond = match due {
            Due::Open => "state = 'issued' AND deadline >= ?",
            Due::Overdue => "state = 'issued' AND deadline < ?",
            Due::OnTime => "state = 'closed' AND closed_on <= deadline AND ?::text <> ''",
            Due::Late => "state = 'closed' AND closed_on > deadline AND ?::text <> ''",
        };
        add(cond, Box::new(today.clone()));
    }
    (format!("FROM problems WHERE {}", conds.join(" AND ")), args)
}

fn append_event(c: &mut Db<'_, '_>, id: i64, e: &ProblemEvent) -> StoreResult<()> {
    let photos = serde_json::to_string(&e.photos).map_err(|e| StoreError::Backend(e.to_string()))?;
    c.execute(
        "INSERT INTO problem_events (problem_id, at, \"by\", kind, detail, photos) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id, &e.at, &e.by, &e.kind, &e.detail, &photos],
    )?;
    Ok(())
}

impl ProblemStore for PgStore {
    fn record_problems(&self, s: &ProblemSource, found: &[NewProblem], now: i64) -> StoreResult<usize> {
        let (s, found) = (s.clone(), found.to_vec());
        self.write(move |c| {
            let mut added = 0;
            for p in &found {
                let photos = serde_json::to_string(&p.photos).map_err(|e| StoreError::Backend(e.to_string()))?;
                let row = c.query_opt(
                    "INSERT INTO problems (doc_id, key, centre_code, centre_name, province, city, county, township,
                         quarter, purpose, item, title_zh, title_en, finding, photos, severity, deadline, responsible,
                         created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
                     ON CONFLICT (doc_id, key) DO NOTHING RETURNING id",
                    &[
                        &s.doc.as_bytes().as_slice(),
                        &p.key,
                        &s.centre_code,
                        &s.centre_name,
                        &s.region.province,
                        &s.region.city,
                        &s.region.county,
                        &s.region.township,
                        &s.quarter,
                        &s.purpose.as_str(),
                        &p.item,
                        &p.title_zh,
                        &p.title_en,
                        &p.finding,
                        &photos,
                        &p.severity.as_str(),
                        &p.deadline,
                        &p.responsible,
                        &now,
                    ],
                )?;
                if let Some(row) = row {
                    let event = ProblemEvent {
                        at: now,
                        by: s.by.clone(),
                        kind: "found".into(),
                        detail: p.finding.clone(),
                        photos: Vec::new(),
                    };
                    append_event(c, get(&row, 0)?, &event)?;
                    added += 1;
                }
            }
            Ok(added)
        })
    }

    fn problem(&self, id: i64) -> StoreResult<Option<Problem>> {
        self.read(move |c| {
            let sql = format!("SELECT {PROBLEM_COLS} FROM problems WHERE id = $1");
            c.query_opt(&sql, &[&id])?.map(|r| problem_from_row(&r)).transpose()
        })
    }

    fn problems(&self, f: &ProblemFilter, p: PageReq) -> StoreResult<Page<Problem>> {
        let f = f.clone();
        self.read(move |c| {
            let (filter, args) = filter_sql(&f);
            let total: i64 = {
                let params: Vec<P<'_>> = args.iter().map(|a| a.as_ref() as P<'_>).collect();
                get(&c.query_one(&keyset::count_sql(&filter), &params)?, 0)?
            };
            let text = |s: String| -> Arg { Box::new(s) };
            let (sql, args) = keyset::page_sql(PROBLEM_COLS, &filter, args, text, &PROBLEM_KEYS, &p, keyset::POSTGRES)?;
            let params: Vec<P<'_>> = args.iter().map(|a| a.as_ref() as P<'_>).collect();
            let rows = c.query(&sql, &params)?.iter().map(problem_from_row).collect::<StoreResult<_>>()?;
            Ok(keyset::page_of(rows, total, &p, problem_cursor))
        })
    }

    fn problem_events(&self, id: i64) -> StoreResult<Vec<ProblemEvent>> {
        self.read(move |c| {
            c.query(
                "SELECT at, \"by\", kind, detail, photos FROM problem_events WHERE problem_id = $1 ORDER BY id LIMIT 1000",
                &[&id],
            )?
            .iter()
            .map(|r| {
                Ok(ProblemEvent {
                    at: get(r, 0)?,
                    by: get(r, 1)?,
                    kind: get(r, 2)?,
                    detail: get(r, 3)?,
                    photos: json_col(r, 4)?,
                })
            })
            .collect()
        })
    }

    fn change_problem(&self, id: i64, change: &ProblemChange, event: &ProblemEvent) -> StoreResult<bool> {
        let (change, event) = (change.clone(), event.clone());
        self.write(move |c| {
            let now = event.at;
            // Each change is conditional on the state it applies to, so of
            // two instances changing one problem at once only one applies.
            let n = match &change {
                ProblemChange::Edit { severity, action, deadline, responsible, finding } => c.execute(
                    "UPDATE problems SET severity = $2, action = $3, deadline = $4, responsible = $5, finding = $6,
                         updated_at = $7 WHERE id = $1 AND state = 'draft'",
                    &[&id, &severity.as_str(), action, deadline, responsible, finding, &now],
                )?,
                ProblemChange::Feedback { at } => c.execute(
                    "UPDATE problems SET feedback_at = $2, updated_at = $3 WHERE id = $1 AND state = 'issued'",
                    &[&id, at, &now],
                )?,
                ProblemChange::Recheck => {
                    c.execute("UPDATE problems SET updated_at = $2 WHERE id = $1 AND state = 'issued'", &[&id, &now])?
                }
                ProblemChange::Escalate => c.execute(
                    "UPDATE problems SET escalated = TRUE, updated_at = $2 WHERE id = $1 AND state = 'issued'",
                    &[&id, &now],
                )?,
                ProblemChange::FollowUp { doc } => c.execute(
                    "UPDATE problems SET followup_doc = $2, updated_at = $3 WHERE id = $1 AND state = 'issued'",
                    &[&id, &doc.as_bytes().as_slice(), &now],
                )?,
                ProblemChange::Close { doc, on } => c.execute(
                    "UPDATE problems SET state = 'closed', closed_doc = $2, closed_on = $3, updated_at = $4
                     WHERE id = $1 AND state = 'issued'",
                    &[&id, &doc.as_bytes().as_slice(), on, &now],
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
            let year = n.issued_on.get(..4).unwrap_or_default().to_owned();
            // Notices of one region and year are numbered one at a time
            // across instances; the problems are locked while they are checked.
            let key =
                format!("notice\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{year}", n.scope.province, n.scope.city, n.scope.county);
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?;
            // In id order, so that two notices over some of the same problems
            // wait for each other rather than deadlock.
            c.execute("SELECT 1 FROM problems WHERE id = ANY($1) ORDER BY id FOR UPDATE", &[&problems])?;
            for p in &problems {
                let ok = c.query_opt(
                    "SELECT 1 FROM problems WHERE id = $1 AND state = 'draft' AND centre_code = $2",
                    &[p, &n.centre_code],
                )?;
                if ok.is_none() {
                    return Ok(None);
                }
            }
            let seq: i64 = get(
                &c.query_one(
                    "SELECT count(*) + 1 FROM notices WHERE province = $1 AND city = $2 AND county = $3
                         AND substr(issued_on, 1, 4) = $4",
                    &[&n.scope.province, &n.scope.city, &n.scope.county, &year],
                )?,
                0,
            )?;
            let number = format!("{}商整〔{year}〕{seq}号", n.prefix);
            let row = c.query_one(
                "INSERT INTO notices (number, centre_code, centre_name, province, city, county, office, issued_by,
                     issued_on, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    &number,
                    &n.centre_code,
                    &n.centre_name,
                    &n.scope.province,
                    &n.scope.city,
                    &n.scope.county,
                    &n.office,
                    &n.issued_by,
                    &n.issued_on,
                    &n.issued_at,
                ],
            )?;
            let notice: i64 = get(&row, 0)?;
            for p in &problems {
                c.execute(
                    "UPDATE problems SET state = 'issued', notice_id = $2, updated_at = $3 WHERE id = $1",
                    &[p, &notice, &n.issued_at],
                )?;
                append_event(c, *p, &ProblemEvent { detail: number.clone(), ..event.clone() })?;
            }
            Ok(Some(notice))
        })?;
        id.map(|id| self.notice(id)?.ok_or_else(|| StoreError::Corrupt("a notice vanished as it was issued".into())))
            .transpose()
    }

    fn notice(&self, id: i64) -> StoreResult<Option<Notice>> {
        self.read(move |c| {
            let sql = format!("SELECT {NOTICE_COLS} FROM notices WHERE id = $1");
            c.query_opt(&sql, &[&id])?.map(|r| notice_from_row(&r)).transpose()
        })
    }

    fn centres_with_open_problems(&self, scope: &Scope) -> StoreResult<Vec<String>> {
        let scope = scope.clone();
        self.read(move |c| {
            c.query(
                "SELECT DISTINCT centre_code FROM problems
                 WHERE state <> 'closed'
                     AND ($1 = '' OR province = $1) AND ($2 = '' OR city = $2) AND ($3 = '' OR county = $3)
                 LIMIT 100000",
                &[&scope.province, &scope.city, &scope.county],
            )?
            .iter()
            .map(|r| get(r, 0))
            .collect()
        })
    }

    fn ledger(&self, scope: &Scope, today: &str) -> StoreResult<Vec<LedgerRow>> {
        let (scope, today) = (scope.clone(), today.to_owned());
        self.read(move |c| {
            let rows = c.query(
                "SELECT city, county,
                     count(*) FILTER (WHERE state = 'draft'),
                     count(*) FILTER (WHERE state = 'issued' AND deadline >= $4),
                     count(*) FILTER (WHERE state = 'issued' AND deadline < $4),
                     count(*) FILTER (WHERE state = 'closed' AND closed_on <= deadline),
                     count(*) FILTER (WHERE state = 'closed' AND closed_on > deadline)
                 FROM problems
                 WHERE ($1 = '' OR province = $1) AND ($2 = '' OR city = $2) AND ($3 = '' OR county = $3)
                 GROUP BY city, county ORDER BY city, county LIMIT 10000",
                &[&scope.province, &scope.city, &scope.county, &today],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(LedgerRow {
                        city: get(r, 0)?,
                        county: get(r, 1)?,
                        draft: get_u64(r, 2)?,
                        open: get_u64(r, 3)?,
                        overdue: get_u64(r, 4)?,
                        closed_on_time: get_u64(r, 5)?,
                        closed_late: get_u64(r, 6)?,
                    })
                })
                .collect()
        })
    }
}
