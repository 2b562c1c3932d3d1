//! Moving a deployment from SQLite to PostgreSQL (`xuncha-server migrate`):
//! every table copied row for row, in batches that each commit, then
//! verified (row counts per table, every document's heads). Re-running
//! after an interruption goes on where it stopped (rows already there are
//! kept); a target that already holds data is refused unless `resume` is
//! given. Photos are copied between object stores by [`copy_photos`].

use crate::storage::{StoreError, StoreResult};
use postgres::types::{ToSql, Type};
use rusqlite::types::Value;

/// Every table, parents before children (foreign keys), with the column
/// that orders a copy (its primary key's first column, or the SQLite rowid).
const TABLES: [(&str, &str); 32] = [
    ("users", "id"),
    ("devices", "id"),
    ("device_actors", "rowid"),
    ("sessions", "rowid"),
    ("known_clients", "rowid"),
    ("server_identity", "id"),
    ("centres", "rowid"),
    ("centre_status", "rowid"),
    ("regions", "rowid"),
    ("communities", "rowid"),
    ("template_variants", "rowid"),
    ("documents", "rowid"),
    ("changes", "rowid"),
    ("members", "rowid"),
    ("scores", "id"),
    ("item_results", "doc_id, item"),
    ("blobs", "rowid"),
    ("photo_refs", "rowid"),
    ("photo_grants", "rowid"),
    ("device_docs", "rowid"),
    ("assignments", "id"),
    ("reported_quarters", "rowid"),
    ("plans", "id"),
    ("plan_events", "id"),
    ("notices", "id"),
    ("problems", "id"),
    ("problem_events", "id"),
    ("publications", "id"),
    ("centre_figures", "id"),
    ("report_versions", "id"),
    ("exemplars", "id"),
    ("exemplar_events", "id"),
];

/// Rows per INSERT (and per committed batch).
const BATCH: usize = 500;

/// What a migration did, table by table.
#[derive(Debug, Default)]
pub struct Transferred {
    pub tables: Vec<(String, u64)>,
    pub documents_checked: u64,
}

impl std::fmt::Display for Transferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, n) in &self.tables {
            writeln!(f, "{table:>20}: {n} rows")?;
        }
        write!(f, "{} documents' heads verified", self.documents_checked)
    }
}

fn sqlite(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Copies the SQLite database at `from` into the PostgreSQL database `to`
/// (migrated to the current schema first).
pub fn sqlite_to_postgres(from: &std::path::Path, to: &str, resume: bool) -> StoreResult<Transferred> {
    // Opening migrates both to this build's schema (and refuses newer ones).
    crate::db::sqlite::SqliteStore::open(from)?.close();
    drop(crate::db::postgres::PgStore::open(to, 1)?);
    let src =
        rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sqlite)?;
    let mut dst = postgres::Client::connect(to, postgres::NoTls)?;
    let users: i64 = dst.query_one("SELECT count(*) FROM users", &[])?.try_get(0)?;
    if users > 0 && !resume {
        return Err(StoreError::Migration(
            "the target database holds data already; give --resume to go on with an interrupted migration".into(),
        ));
    }
    let mut out = Transferred::default();
    for (table, order) in TABLES {
        let n = copy_table(&src, &mut dst, table, order)?;
        let there: i64 = dst.query_one(&format!("SELECT count(*) FROM {table}"), &[])?.try_get(0)?;
        if u64::try_from(there).ok() != Some(n) {
            return Err(StoreError::Corrupt(format!("{table}: {n} rows in SQLite, {there} in PostgreSQL")));
        }
        tracing::info!(table, rows = n, "copied");
        out.tables.push((table.to_owned(), n));
    }
    copy_meta(&src, &mut dst)?;
    out.documents_checked = check_heads(&src, &mut dst)?;
    Ok(out)
}

/// The PostgreSQL types of a table's columns, in the SQLite table's order.
fn columns(src: &rusqlite::Connection, dst: &mut postgres::Client, table: &str) -> StoreResult<Vec<(String, Type)>> {
    let mut stmt =
        src.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")).map_err(sqlite)?;
    let names: Vec<String> =
        stmt.query_map([], |r| r.get(0)).map_err(sqlite)?.collect::<Result<_, _>>().map_err(sqlite)?;
    let probe = dst.prepare(&format!("SELECT {} FROM {table} LIMIT 0", names.join(", ")))?;
    Ok(names.into_iter().zip(probe.columns().iter().map(|c| c.type_().clone())).collect())
}

fn copy_table(src: &rusqlite::Connection, dst: &mut postgres::Client, table: &str, order: &str) -> StoreResult<u64> {
    let cols = columns(src, dst, table)?;
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    let mut stmt =
        src.prepare(&format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "))).map_err(sqlite)?;
    let mut rows = stmt.query([]).map_err(sqlite)?;
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH);
    loop {
        let next = rows.next().map_err(sqlite)?;
        let done = next.is_none();
        if let Some(r) = next {
            let values =
                (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>().map_err(sqlite)?;
            batch.push(values);
        }
        if batch.len() == BATCH || (done && !batch.is_empty()) {
            insert_batch(dst, table, &cols, &batch)?;
            batch.clear();
        }
        if done {
            break;
        }
    }
    // Identity columns go on after the copied ids.
    if cols.iter().any(|(n, t)| n == "id" && *t == Type::INT8) && table != "server_identity" {
        dst.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT max(id) FROM {table}), 1))"
            ),
            &[],
        )?;
    }
    let total: i64 = src.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(sqlite)?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// Inserts rows that are not there yet, in one transaction.
fn insert_batch(
    dst: &mut postgres::Client,
    table: &str,
    cols: &[(String, Type)],
    rows: &[Vec<Value>],
) -> StoreResult<u64> {
    let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(rows.len() * cols.len());
    let mut tuples = Vec::with_capacity(rows.len());
    for row in rows {
        let mut marks = Vec::with_capacity(cols.len());
        for ((name, ty), value) in cols.iter().zip(row) {
            params.push(convert(table, name, ty, value)?);
            marks.push(format!("${}", params.len()));
        }
        tuples.push(format!("({})", marks.join(", ")));
    }
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    // `changes.pos` is generated: rows arrive in the SQLite order, so it keeps it.
    let sql = format!(
        "INSERT INTO {table} ({}) {} VALUES {} ON CONFLICT DO NOTHING",
        names.join(", "),
        if cols.iter().any(|(n, t)| n == "id" && *t == Type::INT8) { "OVERRIDING SYSTEM VALUE" } else { "" },
        tuples.join(", ")
    );
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
    let mut tx = dst.transaction()?;
    let n = tx.execute(sql.as_str(), &refs)?;
    tx.commit()?;
    Ok(n)
}

/// One SQLite value as the PostgreSQL column's type.
fn convert(table: &str, column: &str, ty: &Type, v: &Value) -> StoreResult<Box<dyn ToSql + Sync>> {
    let bad = || StoreError::Corrupt(format!("{table}.{column}: {v:?} does not fit {ty}"));
    Ok(match (v, ty) {
        (Value::Null, t) if *t == Type::BOOL => Box::new(None::<bool>),
        (Value::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (Value::Null, t) if *t == Type::INT4 => Box::new(None::<i32>),
        (Value::Null, t) if *t == Type::FLOAT8 => Box::new(None::<f64>),
        (Value::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (Value::Null, _) => Box::new(None::<String>),
        (Value::Integer(i), t) if *t == Type::BOOL => Box::new(*i != 0),
        (Value::Integer(i), t) if *t == Type::INT8 => Box::new(*i),
        (Value::Integer(i), t) if *t == Type::INT4 => Box::new(i32::try_from(*i).map_err(|_| bad())?),
        #[allow(clippy::cast_precision_loss, reason = "SQLite stored a whole number in a REAL column")]
        (Value::Integer(i), t) if *t == Type::FLOAT8 => Box::new(*i as f64),
        (Value::Real(f), t) if *t == Type::FLOAT8 => Box::new(*f),
        (Value::Text(s), t) if *t == Type::TEXT => Box::new(s.clone()),
        (Value::Blob(b), t) if *t == Type::BYTEA => Box::new(b.clone()),
        _ => return Err(bad()),
    })
}

/// The change feed's clock and the server's actor.
fn copy_meta(src: &rusqlite::Connection, dst: &mut postgres::Client) -> StoreResult<()> {
    let seq: i64 = src.query_row("SELECT value FROM meta WHERE key = 'seq'", [], |r| r.get(0)).map_err(sqlite)?;
    // Never backwards: devices' cursors must stay behind the clock.
    dst.execute("UPDATE feed_seq SET value = GREATEST(value, $1) WHERE id = 1", &[&seq])?;
    let actor: Option<Vec<u8>> = src
        .query_row("SELECT value FROM meta WHERE key = 'server_actor'", [], |r| r.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
        .map_err(sqlite)?;
    if let Some(actor) = actor {
        dst.execute(
            "INSERT INTO meta (key, value) VALUES ('server_actor', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
            &[&actor],
        )?;
    }
    Ok(())
}

/// Every document's heads agree on both sides.
fn check_heads(src: &rusqlite::Connection, dst: &mut postgres::Client) -> StoreResult<u64> {
    let mut stmt = src.prepare("SELECT doc_id, heads FROM documents ORDER BY doc_id").map_err(sqlite)?;
    let mut rows = stmt.query([]).map_err(sqlite)?;
    let lookup = dst.prepare("SELECT heads FROM documents WHERE doc_id = $1")?;
    let mut n = 0;
    while let Some(r) = rows.next().map_err(sqlite)? {
        let (doc, heads): (Vec<u8>, Vec<u8>) = (r.get(0).map_err(sqlite)?, r.get(1).map_err(sqlite)?);
        let there: Option<Vec<u8>> = dst.query_opt(&lookup, &[&doc])?.map(|r| r.try_get(0)).transpose()?;
        if there.as_deref() != Some(heads.as_slice()) {
            return Err(StoreError::Corrupt(format!("document {} has other heads in PostgreSQL", hex::encode(&doc))));
        }
        n += 1;
    }
    Ok(n)
}
