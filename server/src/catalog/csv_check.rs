//! What every registry import shares: a bound on rows, and a problem named by its line.

/// Rows in one imported file, at most.
pub const MAX_ROWS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

/// Reads a registry file whole: the header against `columns` (every one of
/// `required` present), then each row through `row`, each key (`key`) once,
/// at most [`MAX_ROWS`]. Any problem refuses the file, every problem listed
/// with its line. `what` names a row in messages (`centre`, `community`).
pub fn parse_rows<T>(
    csv_text: &[u8],
    (columns, required): (&[&str], &[&str]),
    what: &str,
    key: fn(&T) -> &str,
    row: fn(&[String], &csv::StringRecord) -> Result<T, Vec<String>>,
) -> Result<Vec<T>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(csv_text);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(vec![RowError { line: 1, message: e.to_string() }]),
    };
    let mut errors: Vec<RowError> = header
        .iter()
        .filter(|h| !columns.contains(&h.as_str()))
        .map(|h| RowError { line: 1, message: format!("unknown column `{h}` (columns: {})", columns.join(", ")) })
        .collect();
    errors.extend(
        required
            .iter()
            .filter(|r| !header.iter().any(|h| h == *r))
            .map(|r| RowError { line: 1, message: format!("missing column `{r}`") }),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let (mut rows, mut keys) = (Vec::new(), std::collections::BTreeSet::new());
    for (i, record) in reader.records().enumerate() {
        let line = record.as_ref().ok().and_then(|r| r.position()).map_or(i as u64 + 2, |p| p.line());
        if i >= MAX_ROWS {
            errors.push(RowError { line, message: format!("more than {MAX_ROWS} rows; split the file") });
            break;
        }
        match record.map_err(|e| vec![e.to_string()]).and_then(|r| row(&header, &r)) {
            Ok(x) if !keys.insert(key(&x).to_owned()) => {
                errors.push(RowError { line, message: format!("{what} code `{}` appears twice", key(&x)) })
            }
            Ok(x) => rows.push(x),
            Err(problems) => errors.extend(problems.into_iter().map(|message| RowError { line, message })),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}
