//! Keyset paging, written once for both SQL backends: the keys a list is
//! sorted by, the `ORDER BY` they give, the condition that starts a page
//! just after (or just before) a cursor, and the counting that stops at
//! `MAX_COUNT`. A cursor's numbers are checked and written into the
//! statement; its texts are bound as parameters; ids are written as hex.

use crate::storage::{Chunk, Cursor, CursorKey, MAX_COUNT, Page, PageReq, Seek, StoreError, StoreResult};

/// How a backend writes parameter `n` (from 1): `?1` in SQLite, `$1` in PostgreSQL.
pub(crate) type Mark = fn(usize) -> String;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Int,
    Real,
    Text,
    /// A document id, kept as bytes and carried as hex.
    Doc,
}

/// One sort key: an expression over the list's tables (from the code,
/// never from a request), what it holds, and its direction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    pub expr: &'static str,
    pub kind: Kind,
    pub desc: bool,
}

/// How a backend writes a parameter, a byte string (from hex), the test
/// that a text column holds a parameter's text, and the number under a key
/// of a JSON text column (NULL when absent).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    pub mark: Mark,
    pub bytes: fn(&str) -> String,
    pub contains: fn(&str, &str) -> String,
    pub json_number: fn(&str, &str) -> String,
}

pub(crate) const SQLITE: Dialect = Dialect {
    mark: |n| format!("?{n}"),
    bytes: |hex| format!("x'{hex}'"),
    contains: |column, mark| format!("instr({column}, {mark}) > 0"),
    json_number: |column, key| format!("CAST(json_extract({column}, '$.{key}') AS DOUBLE PRECISION)"),
};
pub(crate) const POSTGRES: Dialect = Dialect {
    mark: |n| format!("${n}"),
    bytes: |hex| format!("'\\x{hex}'::bytea"),
    contains: |column, mark| format!("strpos({column}, {mark}) > 0"),
    json_number: |column, key| format!("CAST({column}::jsonb ->> '{key}' AS DOUBLE PRECISION)"),
};

/// `ORDER BY …` of the keys; `reverse` walks the list backwards.
pub(crate) fn order_by(keys: &[Key], reverse: bool) -> String {
    let parts: Vec<String> =
        keys.iter().map(|k| format!("{} {}", k.expr, if k.desc != reverse { "DESC" } else { "ASC" })).collect();
    format!("ORDER BY {}", parts.join(", "))
}

/// One cursor key as SQL: a number written out, a text bound as parameter
/// `next` (pushed onto `args`), an id as a hex literal.
fn value(kind: Kind, key: &CursorKey, d: Dialect, args: &mut Vec<String>, first: usize) -> StoreResult<String> {
    let bad = || StoreError::BadCursor;
    Ok(match (kind, key) {
        (Kind::Int, CursorKey::Int(v)) => v.to_string(),
        (Kind::Real, CursorKey::Int(v)) => v.to_string(),
        (Kind::Real, CursorKey::Real(v)) if v.is_finite() => format!("{v:?}"),
        (Kind::Text, CursorKey::Text(v)) => {
            args.push(v.clone());
            (d.mark)(first + args.len() - 1)
        }
        (Kind::Doc, CursorKey::Text(v)) if v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (d.bytes)(&v.to_ascii_lowercase())
        }
        _ => return Err(bad()),
    })
}

/// ` AND (…)`: rows strictly after the cursor in key order (before it,
/// when `before`), with the texts it binds, numbered from `first`.
pub(crate) fn beyond(
    keys: &[Key],
    cursor: &Cursor,
    before: bool,
    first: usize,
    d: Dialect,
) -> StoreResult<(String, Vec<String>)> {
    if cursor.0.len() != keys.len() {
        return Err(StoreError::BadCursor);
    }
    let mut args = Vec::new();
    let values: Vec<String> =
        keys.iter().zip(&cursor.0).map(|(k, c)| value(k.kind, c, d, &mut args, first)).collect::<StoreResult<_>>()?;
    let op = |k: &Key| if k.desc != before { "<" } else { ">" };
    let pairs: Vec<(&Key, String)> = keys.iter().zip(values).collect();
    // One direction throughout: a row comparison, which both backends
    // answer from an index on the keys.
    if let Some((first, _)) = pairs.first().filter(|(f, _)| pairs.iter().all(|(k, _)| k.desc == f.desc)) {
        let exprs: Vec<&str> = pairs.iter().map(|(k, _)| k.expr).collect();
        let values: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
        return Ok((format!(" AND ({}) {} ({})", exprs.join(", "), op(first), values.join(", ")), args));
    }
    // Mixed directions: equal on the keys before, beyond on this one.
    let ors: Vec<String> = (1..=pairs.len())
        .map(|n| {
            let (last, before) =
                pairs.get(..n).and_then(<[_]>::split_last).map_or((None, &[][..]), |(l, b)| (Some(l), b));
            let mut terms: Vec<String> = before.iter().map(|(k, v)| format!("{} = {v}", k.expr)).collect();
            if let Some((k, v)) = last {
                terms.push(format!("{} {} {v}", k.expr, op(k)));
            }
            format!("({})", terms.join(" AND "))
        })
        .collect();
    Ok((format!(" AND ({})", ors.join(" OR ")), args))
}

/// `SELECT count(*)` of a `FROM … WHERE …`, stopping at one past `MAX_COUNT`.
pub(crate) fn count_sql(filter: &str) -> String {
    format!("SELECT count(*) FROM (SELECT 1 {filter} LIMIT {}) capped", MAX_COUNT + 1)
}

/// The statement for one page: its `filter` (`FROM … WHERE …`, binding
/// `args`), its keys, and the page asked for. Returns the statement and
/// every argument (a cursor's texts made arguments by `text`); the caller
/// reads `per_page + 1` rows with it.
pub(crate) fn page_sql<A>(
    select: &str,
    filter: &str,
    mut args: Vec<A>,
    text: fn(String) -> A,
    keys: &[Key],
    p: &PageReq,
    d: Dialect,
) -> StoreResult<(String, Vec<A>)> {
    let (seek, reverse) = match &p.seek {
        Seek::Number => (String::new(), false),
        Seek::After(c) | Seek::Before(c) => {
            let before = matches!(p.seek, Seek::Before(_));
            let (sql, more) = beyond(keys, c, before, args.len() + 1, d)?;
            args.extend(more.into_iter().map(text));
            (sql, before)
        }
    };
    let sql = format!(
        "SELECT {select} {filter}{seek} {} LIMIT {} OFFSET {}",
        order_by(keys, reverse),
        u64::from(p.per_page) + 1,
        p.offset()
    );
    Ok((sql, args))
}

/// The rows just after `after` (or the first), at most `limit`: one chunk
/// of a region read to its end.
pub(crate) fn chunk(after: Option<&Cursor>, limit: u32) -> PageReq {
    PageReq { page: 1, per_page: limit, seek: after.map_or(Seek::Number, |c| Seek::After(c.clone())) }
}

/// The chunk of `rows` (read with `page_sql` and `chunk`).
pub(crate) fn chunk_of<T>(mut rows: Vec<T>, limit: u32, cursor: impl Fn(&T) -> Cursor) -> Chunk<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Chunk { next: rows.last().filter(|_| more).map(cursor), items: rows }
}

/// The page of `rows` (read with `page_sql`: one row too many when there
/// is more in the direction read), with the links to its neighbours.
pub(crate) fn page_of<T>(mut rows: Vec<T>, count: i64, p: &PageReq, cursor: impl Fn(&T) -> Cursor) -> Page<T> {
    let per_page = p.per_page as usize;
    let more = rows.len() > per_page;
    rows.truncate(per_page);
    let backwards = matches!(p.seek, Seek::Before(_));
    if backwards {
        rows.reverse();
    }
    let has_next = if backwards { true } else { more };
    let has_prev = match p.seek {
        Seek::Number => p.page > 1,
        Seek::After(_) => true,
        Seek::Before(_) => more,
    };
    let count = u64::try_from(count).unwrap_or(0);
    Page {
        next: rows.last().filter(|_| has_next).map(|r| cursor(r).encode()),
        prev: rows.first().filter(|_| has_prev).map(|r| cursor(r).encode()),
        items: rows,
        total: count.min(MAX_COUNT),
        total_exact: count <= MAX_COUNT,
        page: p.page,
        per_page: p.per_page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [Key; 2] =
        [Key { expr: "d.total", kind: Kind::Real, desc: false }, Key { expr: "d.doc_id", kind: Kind::Doc, desc: true }];

    #[test]
    fn a_cursor_of_mixed_directions_expands_to_alternatives() {
        let c = Cursor(vec![CursorKey::Real(81.5), CursorKey::Text("ab".repeat(16))]);
        let (sql, args) = beyond(&KEYS, &c, false, 3, SQLITE).unwrap();
        assert_eq!(sql, format!(" AND ((d.total > 81.5) OR (d.total = 81.5 AND d.doc_id < x'{}'))", "ab".repeat(16)));
        assert!(args.is_empty());
        let (sql, _) = beyond(&KEYS, &c, true, 3, POSTGRES).unwrap();
        assert!(sql.starts_with(" AND ((d.total < 81.5) OR (d.total = 81.5 AND d.doc_id > '\\xabab"), "{sql}");
    }

    #[test]
    fn texts_are_bound_and_one_direction_compares_rows() {
        let keys = [
            Key { expr: "c.name", kind: Kind::Text, desc: true },
            Key { expr: "c.code", kind: Kind::Text, desc: true },
        ];
        let c = Cursor(vec![CursorKey::Text("x' OR 1=1 --".into()), CursorKey::Text("C1".into())]);
        let (sql, args) = beyond(&keys, &c, false, 13, POSTGRES).unwrap();
        assert_eq!(sql, " AND (c.name, c.code) < ($13, $14)");
        assert_eq!(args, ["x' OR 1=1 --", "C1"]);
    }

    #[test]
    fn a_cursor_that_does_not_fit_the_keys_is_refused() {
        let refused =
            |keys: Vec<CursorKey>| matches!(beyond(&KEYS, &Cursor(keys), false, 1, SQLITE), Err(StoreError::BadCursor));
        assert!(refused(vec![CursorKey::Real(1.0)]));
        assert!(refused(vec![CursorKey::Text("1".into()), CursorKey::Text("ab".repeat(16))]));
        assert!(refused(vec![CursorKey::Real(1.0), CursorKey::Text("zz".repeat(16))]));
        assert!(refused(vec![CursorKey::Real(1.0), CursorKey::Text("ab' OR '1".into())]));
        assert!(refused(vec![CursorKey::Real(f64::NAN), CursorKey::Text("ab".repeat(16))]));
    }

    #[test]
    fn tokens_round_trip_and_garbage_is_no_cursor() {
        let c = Cursor(vec![CursorKey::Int(-3), CursorKey::Real(2.0), CursorKey::Text("站".into())]);
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not base64!"), None);
        assert_eq!(Cursor::decode(""), None);
        assert_eq!(Cursor::decode(&"A".repeat(5_000)), None);
    }

    #[test]
    fn pages_link_to_their_neighbours() {
        let cursor = |r: &i64| Cursor(vec![CursorKey::Int(*r)]);
        let first = page_of(vec![1, 2, 3], 7, &PageReq::new(1, 2), cursor);
        assert_eq!(first.items, [1, 2]);
        assert_eq!((first.prev.is_some(), first.next.as_deref()), (false, Some(cursor(&2).encode().as_str())));
        let after = PageReq { page: 2, per_page: 2, seek: Seek::After(cursor(&2)) };
        let last = page_of(vec![3], 7, &after, cursor);
        assert_eq!((last.prev.as_deref(), last.next), (Some(cursor(&3).encode().as_str()), None));
        // Read backwards from 3: rows 2 and 1 came, and nothing before them.
        let before = PageReq { page: 1, per_page: 2, seek: Seek::Before(cursor(&3)) };
        let back = page_of(vec![2, 1], 7, &before, cursor);
        assert_eq!(back.items, [1, 2]);
        assert_eq!((back.prev, back.next.is_some()), (None, true));
        let many = page_of(Vec::<i64>::new(), 20_000, &PageReq::new(1, 2), cursor);
        assert_eq!((many.total, many.total_exact), (MAX_COUNT, false));
    }
}
