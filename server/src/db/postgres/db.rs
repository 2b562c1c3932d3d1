//! One transaction as the storage code sees it: statements by their SQL
//! text, prepared once per connection and kept.

use crate::storage::{StoreError, StoreResult};
use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};
use std::collections::HashMap;

/// Statements a connection keeps; past it the cache starts again (the
/// statements written with `format!` are few, but not fixed).
const MAX_STATEMENTS: usize = 512;

pub(crate) type StmtCache = HashMap<String, Statement>;

/// A parameter of a statement.
pub(crate) type P<'a> = &'a (dyn ToSql + Sync);

pub(crate) struct Db<'a, 't> {
    tx: &'a mut Transaction<'t>,
    stmts: &'a mut StmtCache,
}

impl<'a, 't> Db<'a, 't> {
    pub(super) fn new(tx: &'a mut Transaction<'t>, stmts: &'a mut StmtCache) -> Self {
        Self { tx, stmts }
    }

    fn prepared(&mut self, sql: &str) -> StoreResult<Statement> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).map_err(|e| in_statement(e, sql))?;
        if self.stmts.len() >= MAX_STATEMENTS {
            self.stmts.clear();
        }
        self.stmts.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    pub(crate) fn query(&mut self, sql: &str, params: &[P<'_>]) -> StoreResult<Vec<Row>> {
        let s = self.prepared(sql)?;
        self.tx.query(&s, params).map_err(|e| in_statement(e, sql))
    }

    pub(crate) fn query_opt(&mut self, sql: &str, params: &[P<'_>]) -> StoreResult<Option<Row>> {
        let s = self.prepared(sql)?;
        self.tx.query_opt(&s, params).map_err(|e| in_statement(e, sql))
    }

    pub(crate) fn query_one(&mut self, sql: &str, params: &[P<'_>]) -> StoreResult<Row> {
        let s = self.prepared(sql)?;
        self.tx.query_one(&s, params).map_err(|e| in_statement(e, sql))
    }

    /// The rows a statement changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[P<'_>]) -> StoreResult<u64> {
        let s = self.prepared(sql)?;
        self.tx.execute(&s, params).map_err(|e| in_statement(e, sql))
    }

    /// Statements without parameters, run as they are (no preparing).
    pub(crate) fn batch(&mut self, sql: &str) -> StoreResult<()> {
        Ok(self.tx.batch_execute(sql)?)
    }
}

/// The error with the statement it came from (its text, never its values)
/// and its cause, so a log says which query failed and why.
fn in_statement(e: postgres::Error, sql: &str) -> StoreError {
    use std::error::Error;
    let cause = e.source().map(|c| format!(" ({c})")).unwrap_or_default();
    let statement: String = sql.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect();
    match StoreError::from(e) {
        StoreError::Backend(text) => StoreError::Backend(format!("{text}{cause} in `{statement}`")),
        other => other,
    }
}

/// A column that must hold a value.
pub(crate) fn get<'r, T: postgres::types::FromSql<'r>>(r: &'r Row, i: usize) -> StoreResult<T> {
    Ok(r.try_get(i)?)
}

/// A BIGINT column read as a `u32` (versions, counts).
pub(crate) fn get_u32(r: &Row, i: usize) -> StoreResult<u32> {
    let v: i64 = r.try_get(i)?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("column {i} holds {v}, not a u32")))
}

/// A BIGINT column read as a `u64` (sequence numbers, sizes).
pub(crate) fn get_u64(r: &Row, i: usize) -> StoreResult<u64> {
    let v: i64 = r.try_get(i)?;
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("column {i} holds {v}, not a u64")))
}

/// A `u32` or `u64` as the BIGINT it is stored as.
pub(crate) fn big(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}
