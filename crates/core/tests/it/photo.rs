//! Photo processing over bytes: orientation, bounds, hostile files.

use image::{ImageEncoder, RgbImage};
use xuncha_core::photo::{PhotoError, PhotoFormat, PhotoLimits, decode, process, sha256_hex, thumbnail};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_pixel(width, height, image::Rgb([10, 200, 30]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// Inserts an APP1 Exif segment with the given orientation right after SOI.
fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one IFD entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A tiny PNG whose header claims `width`×`height` (with a valid CRC).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(8, 8);
    // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn resizes_to_the_long_side_and_hashes_the_stored_bytes() {
    let p = process(&jpeg(3200, 2400), &PhotoLimits::default()).unwrap();
    assert_eq!((p.photo.width, p.photo.height), (1600, 1200));
    assert_eq!(p.photo.mime, "image/webp");
    assert_eq!(p.photo.sha256, sha256_hex(&p.photo.bytes));
    assert_eq!(p.thumbnail.width.max(p.thumbnail.height), 320);
    assert_eq!(p.thumbnail.mime, "image/webp");
    assert!(p.thumbnail.bytes.len() < p.photo.bytes.len());
    // Small images are not enlarged; PNG input becomes lossy WebP (RIFF…WEBPVP8 , not VP8L).
    let small = process(&png(640, 480), &PhotoLimits::default()).unwrap();
    assert_eq!((small.photo.width, small.photo.height), (640, 480));
    assert_eq!((&small.photo.bytes[..4], &small.photo.bytes[8..16]), (&b"RIFF"[..], &b"WEBPVP8 "[..]));
}

#[test]
fn a_server_may_ask_for_jpeg() {
    let limits = PhotoLimits { format: PhotoFormat::Jpeg, ..PhotoLimits::default() };
    let p = process(&png(640, 480), &limits).unwrap();
    assert_eq!(p.photo.mime, "image/jpeg");
    assert_eq!(&p.photo.bytes[..2], &[0xFF, 0xD8]);
    assert_eq!(&p.thumbnail.bytes[..2], &[0xFF, 0xD8]);
}

#[test]
fn a_webp_photo_decodes_within_the_limits_the_server_applies() {
    let p = process(&jpeg(2000, 1500), &PhotoLimits::default()).unwrap();
    // What the server does with an upload: decode within limits, then its own (JPEG) thumbnail.
    let server = PhotoLimits { format: PhotoFormat::Jpeg, ..PhotoLimits::default() };
    let image = decode(&p.photo.bytes, &server).unwrap();
    assert_eq!((image.width(), image.height()), (1600, 1200));
    let thumb = thumbnail(&p.photo.bytes, &server).unwrap();
    assert_eq!((thumb.mime, thumb.width), ("image/jpeg", 320));
    // A damaged WebP is refused, not decoded into grey.
    let cut = &p.photo.bytes[..p.photo.bytes.len() / 2];
    assert!(decode(cut, &server).is_err());
}

#[test]
fn applies_exif_orientation_and_strips_metadata() {
    let rotated = with_orientation(&jpeg(400, 200), 6); // 6 = rotate 90° clockwise
    let p = process(&rotated, &PhotoLimits::default()).unwrap();
    assert_eq!((p.photo.width, p.photo.height), (200, 400));
    assert!(!p.photo.bytes.windows(4).any(|w| w == b"Exif"), "metadata is not carried over");
}

#[test]
fn processing_is_deterministic() {
    let src = jpeg(1000, 700);
    let a = process(&src, &PhotoLimits::default()).unwrap();
    let b = process(&src, &PhotoLimits::default()).unwrap();
    assert_eq!(a.photo.sha256, b.photo.sha256);
}

#[test]
fn decompression_bombs_are_refused_before_decoding() {
    let bomb = png_claiming(100_000, 100_000);
    assert!(bomb.len() < 200);
    match process(&bomb, &PhotoLimits::default()) {
        Err(PhotoError::TooManyPixels { .. } | PhotoError::OverLimits(_)) => {}
        other => panic!("expected a size refusal, got {other:?}"),
    }
    // Within the dimension limit but over the memory budget.
    let limits = PhotoLimits { max_decode_alloc: 1024 * 1024, ..PhotoLimits::default() };
    assert!(matches!(process(&png_claiming(4000, 4000), &limits), Err(PhotoError::OverMemoryBudget { .. })));
}

#[test]
fn non_images_empty_and_oversized_files_get_clear_errors() {
    let limits = PhotoLimits::default();
    assert!(matches!(process(b"%PDF-1.7 not a photo at all", &limits), Err(PhotoError::NotAnImage)));
    assert!(matches!(process(b"", &limits), Err(PhotoError::Empty)));
    let small = PhotoLimits { max_input_bytes: 100, ..PhotoLimits::default() };
    assert!(matches!(process(&jpeg(64, 64), &small), Err(PhotoError::TooLarge(_, 100))));
    let e = process(b"GIF89a....", &limits).unwrap_err();
    assert!(!e.to_string().is_empty());
}

#[test]
fn truncated_files_are_refused() {
    let full = png(300, 300);
    let cut = &full[..full.len() / 2];
    assert!(
        matches!(process(cut, &PhotoLimits::default()), Err(PhotoError::Damaged(_))),
        "{:?}",
        process(cut, &PhotoLimits::default()).err()
    );
    let full = jpeg(600, 400);
    let cut = &full[..full.len() / 2];
    assert!(process(cut, &PhotoLimits::default()).is_err());
    assert!(thumbnail(&full[..40], &PhotoLimits::default()).is_err());
}
