//! How every backend keeps a score's report: DEFLATE-compressed JSON (a
//! report compresses about fivefold and is written on every round).

/// Compresses a stored report.
pub(crate) fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

/// Inflates a stored report; the server wrote it, but it is bounded anyway.
pub(crate) fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes).take(64 * 1024 * 1024).read_to_end(&mut out).ok()?;
    Some(out)
}
