//! Spreadsheet downloads every feature shares: CSV that Excel opens in
//! Chinese and never evaluates, and one-sheet XLSX.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell a spreadsheet will not evaluate (CSV injection).
pub fn cell(s: &str) -> String {
    if s.parse::<f64>().is_ok() {
        return s.to_owned();
    }
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

pub fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = csv_head(header);
    out.extend(csv_rows(rows));
    out
}

/// The start of a CSV download: a UTF-8 byte order mark, so Excel opens
/// the Chinese text correctly, and the header.
pub fn csv_head(header: &[&str]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(csv_rows(std::iter::once(header.iter().map(|h| (*h).to_owned()).collect())));
    out
}

/// CSV lines of `rows`, each cell safe from spreadsheet evaluation.
pub fn csv_rows(rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        // Writing into memory cannot fail short of allocation failure.
        let _ = w.write_record(r.iter().map(|c| cell(c)));
    }
    w.into_inner().unwrap_or_default()
}

/// A worksheet: its name, header and rows; a cell of a column `numeric`
/// accepts is written as a number when it reads as one.
#[derive(Debug)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
    pub numeric: fn(usize) -> bool,
}

/// A workbook: each sheet with the title row, the header in bold, then its rows.
pub fn xlsx_of(title: &str, sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let sheet = book.add_worksheet().set_name(s.name)?;
        sheet.write_string_with_format(0, 0, title, &bold)?;
        for (c, h) in (0u16..).zip(s.header.iter()) {
            sheet.write_string_with_format(2, c, *h, &bold)?;
            sheet.set_column_width(c, 16)?;
        }
        for (r, row) in (3u32..).zip(s.rows.iter()) {
            for (c, v) in (0u16..).zip(row.iter()) {
                match v.parse::<f64>() {
                    Ok(n) if (s.numeric)(usize::from(c)) => sheet.write_number(r, c, n)?,
                    // A string cell is never evaluated: no apostrophe needed here.
                    _ => sheet.write_string(r, c, v)?,
                };
            }
        }
    }
    book.save_to_buffer()
}
