//! A structural check of Automerge bytes from a device, run before Automerge
//! sees them. Automerge inflates DEFLATE data and expands run-length columns
//! without limits, so a few hostile bytes could ask for gigabytes. Accepted:
//! uncompressed document and change chunks (`save_nocompress()`,
//! `save_after()`) whose columns each declare a bounded number of values.
//! The HTTP body is compressed as a whole instead, by a bounded inflater.

use sha2::{Digest, Sha256};

/// Bounds on one payload.
#[derive(Debug, Clone, Copy)]
pub struct PayloadLimits {
    pub max_chunks: usize,
    /// Values one column may declare (a change column has one value per op).
    pub max_column_values: u64,
    /// Over the whole payload: the sum, per chunk, of its longest column.
    pub max_total_values: u64,
}

/// Operations one push may carry. A fully worked 200-item inspection with
/// 30 photos, 100 position fixes and a few thousand characters of notes is
/// about 10,000-15,000 operations over its whole history; this leaves ample
/// room and keeps the worst push to about a second of one core.
pub const MAX_OPS_PER_PUSH: u64 = 100_000;

impl Default for PayloadLimits {
    fn default() -> Self {
        Self { max_chunks: 20_000, max_column_values: MAX_OPS_PER_PUSH, max_total_values: MAX_OPS_PER_PUSH }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the Automerge data ends in the middle of a chunk")]
    Truncated,
    #[error("not Automerge data (bad magic bytes)")]
    NotAutomerge,
    #[error("compressed Automerge chunks or columns are not accepted; compress the request body instead")]
    Compressed,
    #[error("Automerge chunk type {0} is not accepted")]
    UnsupportedChunk(u8),
    #[error("more than {0} Automerge chunks")]
    TooManyChunks(usize),
    #[error("a column declares more than {0} values")]
    ColumnTooLong(u64),
    #[error("the payload declares more than {0} values in all")]
    TooManyValues(u64),
    #[error("a number in the Automerge data is malformed")]
    BadNumber,
}

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DEFLATE_BIT: u64 = 0b1000;
const MAX_COLUMNS: u64 = 1_000;

/// What a checked payload holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadInfo {
    pub chunks: usize,
    /// The heads of what the payload carries: the heads a document chunk
    /// names, and the changes no other change in it depends on. A device
    /// that sends everything it has beyond what the server acknowledged has
    /// exactly these heads, so it need not send them too.
    pub heads: Vec<[u8; 32]>,
}

/// Checks `bytes` against `limits` and finds the heads they carry.
pub fn check_payload(bytes: &[u8], limits: &PayloadLimits) -> Result<PayloadInfo, PayloadError> {
    let mut r = Reader(bytes);
    let mut chunks = 0;
    let mut total: u64 = 0;
    let mut tips: Vec<[u8; 32]> = Vec::new();
    let mut deps: Vec<[u8; 32]> = Vec::new();
    while !r.0.is_empty() {
        chunks += 1;
        if chunks > limits.max_chunks {
            return Err(PayloadError::TooManyChunks(limits.max_chunks));
        }
        if r.take(4)? != MAGIC {
            return Err(PayloadError::NotAutomerge);
        }
        r.take(4)?; // checksum, verified by Automerge
        // A change's hash is SHA-256 over its type, length and data.
        let hashed = r.0;
        let kind = *r.take(1)?.first().ok_or(PayloadError::Truncated)?;
        let len = r.len_prefix()?;
        let mut data = Reader(r.take(len)?);
        let hashed = hashed.get(..hashed.len() - r.0.len()).unwrap_or_default();
        let longest = match kind {
            0 => document(&mut data, limits, &mut tips)?,
            1 => {
                tips.push(Sha256::digest(hashed).into());
                change(&mut data, limits, &mut deps)?
            }
            2 => return Err(PayloadError::Compressed),
            other => return Err(PayloadError::UnsupportedChunk(other)),
        };
        total = total.saturating_add(longest);
        if total > limits.max_total_values {
            return Err(PayloadError::TooManyValues(limits.max_total_values));
        }
    }
    // Sorted once so the check is n log n: a hostile payload may declare
    // hundreds of thousands of dependencies.
    deps.sort_unstable();
    tips.retain(|t| deps.binary_search(t).is_err());
    tips.sort_unstable();
    tips.dedup();
    Ok(PayloadInfo { chunks, heads: tips })
}

/// Returns the number of values the chunk's longest column declares.
fn document(r: &mut Reader<'_>, limits: &PayloadLimits, heads_out: &mut Vec<[u8; 32]>) -> Result<u64, PayloadError> {
    let actors = r.uleb()?;
    for _ in 0..actors {
        let n = r.len_prefix()?;
        r.take(n)?;
    }
    let heads = r.len_prefix()?;
    let bytes = r.take(heads.checked_mul(32).ok_or(PayloadError::Truncated)?)?;
    heads_out.extend(bytes.chunks_exact(32).filter_map(|h| <[u8; 32]>::try_from(h).ok()));
    let change_cols = r.columns()?;
    let op_cols = r.columns()?;
    let mut longest = 0;
    for (spec, len) in change_cols.into_iter().chain(op_cols) {
        longest = longest.max(column(spec, r.take(len)?, limits)?);
    }
    Ok(longest)
}

fn change(r: &mut Reader<'_>, limits: &PayloadLimits, deps_out: &mut Vec<[u8; 32]>) -> Result<u64, PayloadError> {
    let deps = r.len_prefix()?;
    let bytes = r.take(deps.checked_mul(32).ok_or(PayloadError::Truncated)?)?;
    deps_out.extend(bytes.chunks_exact(32).filter_map(|h| <[u8; 32]>::try_from(h).ok()));
    let actor = r.len_prefix()?;
    r.take(actor)?;
    r.uleb()?; // seq
    r.uleb()?; // start op
    r.sleb()?; // time
    let message = r.len_prefix()?;
    r.take(message)?;
    let others = r.uleb()?;
    for _ in 0..others {
        let n = r.len_prefix()?;
        r.take(n)?;
    }
    let mut longest = 0;
    for (spec, len) in r.columns()? {
        longest = longest.max(column(spec, r.take(len)?, limits)?);
    }
    Ok(longest)
}

/// Counts the values a column declares, by its type (the low three bits).
fn column(spec: u64, data: &[u8], limits: &PayloadLimits) -> Result<u64, PayloadError> {
    let mut r = Reader(data);
    let max = limits.max_column_values;
    let mut count: u64 = 0;
    let mut add = |n: u64| {
        count = count.saturating_add(n);
        if count > max { Err(PayloadError::ColumnTooLong(max)) } else { Ok(()) }
    };
    match spec & 0b111 {
        7 => {} // raw values, sized by their metadata column
        4 => {
            while !r.0.is_empty() {
                add(r.uleb()?)?;
            }
        }
        kind => {
            while !r.0.is_empty() {
                let run = r.sleb()?;
                if run > 0 {
                    add(run.unsigned_abs())?;
                    r.value(kind)?;
                } else if run < 0 {
                    let n = run.unsigned_abs();
                    add(n)?;
                    for _ in 0..n {
                        r.value(kind)?;
                    }
                } else {
                    add(r.uleb()?)?;
                }
            }
        }
    }
    Ok(count)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], PayloadError> {
        if n > self.0.len() {
            return Err(PayloadError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, PayloadError> {
        let (first, rest) = self.0.split_first().ok_or(PayloadError::Truncated)?;
        self.0 = rest;
        Ok(*first)
    }

    fn uleb(&mut self) -> Result<u64, PayloadError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).checked_shl(shift).ok_or(PayloadError::BadNumber)?;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(PayloadError::BadNumber)
    }

    fn sleb(&mut self) -> Result<i64, PayloadError> {
        let mut value: i64 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift >= 64 {
                return Err(PayloadError::BadNumber);
            }
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Ok(value);
            }
        }
    }

    /// A length that must fit in what is left (so a count never allocates).
    fn len_prefix(&mut self) -> Result<usize, PayloadError> {
        let n = usize::try_from(self.uleb()?).map_err(|_| PayloadError::Truncated)?;
        if n > self.0.len() {
            return Err(PayloadError::Truncated);
        }
        Ok(n)
    }

    fn columns(&mut self) -> Result<Vec<(u64, usize)>, PayloadError> {
        let n = self.uleb()?;
        if n > MAX_COLUMNS {
            return Err(PayloadError::Truncated);
        }
        let mut cols = Vec::new();
        for _ in 0..n {
            let spec = self.uleb()?;
            if spec & DEFLATE_BIT != 0 {
                return Err(PayloadError::Compressed);
            }
            let len = self.uleb()?;
            cols.push((spec, usize::try_from(len).map_err(|_| PayloadError::Truncated)?));
        }
        Ok(cols)
    }

    /// Skips one value of an RLE column of the given type.
    fn value(&mut self, kind: u64) -> Result<(), PayloadError> {
        match kind {
            3 => self.sleb().map(drop),
            5 => {
                let n = self.len_prefix()?;
                self.take(n).map(drop)
            }
            _ => self.uleb().map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT};

    fn heads(d: &mut AutoCommit) -> Vec<[u8; 32]> {
        let mut h: Vec<[u8; 32]> = d.get_heads().into_iter().map(|h| h.0).collect();
        h.sort_unstable();
        h
    }

    fn doc_with_text(chars: usize) -> AutoCommit {
        let mut d = AutoCommit::new();
        let t = d.put_object(ROOT, "t", ObjType::Text).unwrap();
        d.splice_text(&t, 0, 0, &"巡".repeat(chars)).unwrap();
        d.put(ROOT, "n", 1).unwrap();
        d.commit();
        d
    }

    #[test]
    fn uncompressed_saves_and_changes_pass() {
        let mut d = doc_with_text(2_000);
        let info = check_payload(&d.save_nocompress(), &PayloadLimits::default()).unwrap();
        assert_eq!((info.chunks, info.heads.clone()), (1, heads(&mut d)));
        let before = d.get_heads();
        d.put(ROOT, "n", 2).unwrap();
        d.commit();
        d.put(ROOT, "m", "x").unwrap();
        d.commit();
        // The heads found are Automerge's own: the hashes are computed right.
        let info = check_payload(&d.save_after(&before), &PayloadLimits::default()).unwrap();
        assert_eq!((info.chunks, info.heads), (2, heads(&mut d)));
        let mut other = d.fork();
        other.put(ROOT, "o", 1).unwrap();
        other.commit();
        d.put(ROOT, "p", 1).unwrap();
        d.commit();
        d.merge(&mut other).unwrap();
        let info = check_payload(&d.save_after(&[]), &PayloadLimits::default()).unwrap();
        assert_eq!((info.chunks, info.heads), (5, heads(&mut d)), "two concurrent heads");
    }

    #[test]
    fn compressed_columns_truncation_and_long_columns_are_refused() {
        let mut d = doc_with_text(2_000);
        assert_eq!(
            check_payload(&d.save(), &PayloadLimits::default()).map(|i| i.chunks),
            Err(PayloadError::Compressed)
        );
        let plain = d.save_nocompress();
        assert_eq!(check_payload(&plain[..plain.len() - 3], &PayloadLimits::default()), Err(PayloadError::Truncated));
        assert_eq!(check_payload(b"not automerge at all", &PayloadLimits::default()), Err(PayloadError::NotAutomerge));
        let small = PayloadLimits { max_column_values: 100, ..PayloadLimits::default() };
        assert_eq!(check_payload(&plain, &small), Err(PayloadError::ColumnTooLong(100)));
        let few = PayloadLimits { max_total_values: 3_000, ..PayloadLimits::default() };
        assert_eq!(
            check_payload(&[plain.clone(), plain.clone()].concat(), &few),
            Err(PayloadError::TooManyValues(3_000))
        );
        let one = PayloadLimits { max_chunks: 1, ..PayloadLimits::default() };
        let mut two = plain.clone();
        two.extend_from_slice(&plain);
        assert_eq!(check_payload(&two, &one), Err(PayloadError::TooManyChunks(1)));
    }

    #[test]
    fn a_run_length_bomb_is_refused_before_automerge_expands_it() {
        // A change chunk whose one integer column repeats the value 7 2^40 times.
        let mut data = vec![0u8, 1, 0xaa, 1, 1, 0, 0, 0]; // deps, actor, seq, start op, time, message, others
        let col = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 7]; // sleb 2^40, then the value
        data.extend([1, 0x02, col.len() as u8]); // one column: spec 2 (integer), its length
        data.extend(col);
        let mut chunk = MAGIC.to_vec();
        chunk.extend([0, 0, 0, 0, 1, data.len() as u8]);
        chunk.extend(&data);
        assert_eq!(
            check_payload(&chunk, &PayloadLimits::default()),
            Err(PayloadError::ColumnTooLong(MAX_OPS_PER_PUSH))
        );
    }
}
