//! Photo processing, pure functions over bytes: decode with limits, apply
//! EXIF orientation, bound the long side, re-encode (lossy WebP by default,
//! JPEG where the server asks for it), make a thumbnail, hash the stored bytes. The device runs it on capture; the
//! server runs the same decode on every upload, so a hostile file is refused
//! in both places.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// Bounds on what is decoded and what is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoLimits {
    /// Largest input file accepted, bytes.
    pub max_input_bytes: usize,
    /// Largest width or height the decoder will accept.
    pub max_dimension: u32,
    /// Largest number of pixels (decoders need several bytes per pixel beyond the output).
    pub max_pixels: u64,
    /// Decoder memory budget, bytes.
    pub max_decode_alloc: u64,
    /// Long side of the stored photo.
    pub long_side: u32,
    /// How photos and thumbnails are stored.
    pub format: PhotoFormat,
    pub jpeg_quality: u8,
    /// libwebp's quality factor (0–100).
    pub webp_quality: u8,
    pub thumb_long_side: u32,
    /// The thumbnail's quality, in either format.
    pub thumb_quality: u8,
}

/// The format photos are stored in. WebP is about half the bytes of JPEG at
/// the same SSIM (benches/photo_formats.rs prints the figures); JPEG stays
/// for a deployment whose other systems cannot read WebP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PhotoFormat {
    #[default]
    Webp,
    Jpeg,
}

impl PhotoFormat {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Webp => "image/webp",
            Self::Jpeg => "image/jpeg",
        }
    }
}

/// The largest photo file accepted as captured, before processing (a phone's
/// full-resolution JPEG is well under it).
pub const MAX_INPUT_BYTES: usize = 25 * 1024 * 1024;

/// Chosen from benches/photo_formats.rs: the highest quality whose photos
/// stay under half of JPEG quality 80's bytes (48% over the benchmark's ten).
/// Its SSIM is 0.01–0.15 below JPEG's (WebP smooths sensor noise and fine
/// texture, which SSIM counts); equal SSIM needs quality 90–95 and 67–80% of
/// the bytes. A province that wants that sets `photos.webp_quality`.
pub const WEBP_QUALITY: u8 = 85;

impl Default for PhotoLimits {
    fn default() -> Self {
        Self {
            max_input_bytes: MAX_INPUT_BYTES,
            max_dimension: 12_000,
            max_pixels: 48_000_000,
            max_decode_alloc: 512 * 1024 * 1024,
            long_side: 1600,
            format: PhotoFormat::default(),
            jpeg_quality: 80,
            webp_quality: WEBP_QUALITY,
            thumb_long_side: 320,
            thumb_quality: 70,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {0} bytes, over the {1} byte limit")]
    TooLarge(usize, usize),
    #[error("not a supported image (JPEG, PNG or WebP)")]
    NotAnImage,
    #[error("the image is {width}×{height}, over the {max} pixel limit")]
    TooManyPixels { width: u32, height: u32, max: u32 },
    #[error("the image is {width}×{height}; decoding it would need more than the {max_bytes} byte memory budget")]
    OverMemoryBudget { width: u32, height: u32, max_bytes: u64 },
    #[error("the image exceeds the decoding limits: {0}")]
    OverLimits(String),
    #[error("the image is damaged or truncated: {0}")]
    Damaged(String),
    #[error("could not encode the photo: {0}")]
    Encode(String),
}

/// One stored image: the bytes, their hash and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedImage {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
}

/// The photo as stored, and its thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedPhoto {
    pub photo: EncodedImage,
    pub thumbnail: EncodedImage,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Decodes with limits and applies EXIF orientation.
pub fn decode(bytes: &[u8], limits: &PhotoLimits) -> Result<DynamicImage, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_input_bytes {
        return Err(PhotoError::TooLarge(bytes.len(), limits.max_input_bytes));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| PhotoError::NotAnImage)?;
    let format = reader.format().ok_or(PhotoError::NotAnImage)?;
    // The JPEG decoder fills a truncated scan with grey instead of failing.
    if format == image::ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Damaged("the JPEG ends before its image data does".into()));
    }
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(limits.max_dimension);
    decode_limits.max_image_height = Some(limits.max_dimension);
    decode_limits.max_alloc = Some(limits.max_decode_alloc);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PhotoError::Damaged("zero-sized image".into()));
    }
    if width > limits.max_dimension
        || height > limits.max_dimension
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(PhotoError::TooManyPixels { width, height, max: limits.max_dimension });
    }
    if decoder.total_bytes() > limits.max_decode_alloc {
        return Err(PhotoError::OverMemoryBudget { width, height, max_bytes: limits.max_decode_alloc });
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok(image)
}

/// Walks the JPEG's segments and entropy-coded data and checks that an EOI
/// marker follows the scans. Scan data cannot contain a bare marker (0xFF is
/// stuffed as FF 00; FF D0–D7 are restart markers), so the walk is exact, and
/// an embedded EXIF thumbnail is skipped with its APP1 segment.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    loop {
        // Skip fill bytes before a marker.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else { return false };
        i += 2;
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let (Some(&hi), Some(&lo)) = (bytes.get(i), bytes.get(i + 1)) else { return false };
        i += usize::from(u16::from_be_bytes([hi, lo]));
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed byte or a restart.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(&0xFF), Some(&next)) if next != 0x00 && !(0xD0..=0xD7).contains(&next) => break,
                    (Some(_), Some(_)) => i += 1,
                    _ => return false,
                }
            }
        }
    }
}

fn classify(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(e) => PhotoError::OverLimits(e.to_string()),
        image::ImageError::Unsupported(_) => PhotoError::NotAnImage,
        other => PhotoError::Damaged(other.to_string()),
    }
}

/// The image with its long side bounded (never enlarged).
pub fn bounded(image: DynamicImage, long_side: u32) -> DynamicImage {
    if image.width().max(image.height()) > long_side {
        image.resize(long_side, long_side, image::imageops::FilterType::Triangle)
    } else {
        image
    }
}

/// Encodes `image` as `format` at `quality` (0–100).
pub fn encode(image: &DynamicImage, format: PhotoFormat, quality: u8) -> Result<EncodedImage, PhotoError> {
    let rgb = image.to_rgb8();
    let (width, height) = rgb.dimensions();
    let bytes = match format {
        PhotoFormat::Jpeg => {
            let mut bytes = Vec::new();
            JpegEncoder::new_with_quality(&mut bytes, quality)
                .encode_image(&rgb)
                .map_err(|e| PhotoError::Encode(e.to_string()))?;
            bytes
        }
        PhotoFormat::Webp => webp::Encoder::from_rgb(rgb.as_raw(), width, height)
            .encode_simple(false, f32::from(quality.min(100)))
            .map_err(|e| PhotoError::Encode(format!("WebP: {e:?}")))?
            .to_vec(),
    };
    Ok(EncodedImage { sha256: sha256_hex(&bytes), width, height, bytes, mime: format.mime() })
}

fn quality(limits: &PhotoLimits) -> u8 {
    match limits.format {
        PhotoFormat::Webp => limits.webp_quality,
        PhotoFormat::Jpeg => limits.jpeg_quality,
    }
}

/// Full processing on capture: the stored photo (metadata stripped by
/// re-encoding) and its thumbnail.
pub fn process(bytes: &[u8], limits: &PhotoLimits) -> Result<ProcessedPhoto, PhotoError> {
    // The full-size image is dropped as soon as it is resized; the thumbnail
    // comes from the resized one.
    let stored = bounded(decode(bytes, limits)?, limits.long_side);
    let photo = encode(&stored, limits.format, quality(limits))?;
    let thumbnail = encode(&bounded(stored, limits.thumb_long_side), limits.format, limits.thumb_quality)?;
    Ok(ProcessedPhoto { photo, thumbnail })
}

/// A thumbnail only (the server makes its own from uploaded photos).
pub fn thumbnail(bytes: &[u8], limits: &PhotoLimits) -> Result<EncodedImage, PhotoError> {
    thumbnail_of(decode(bytes, limits)?, limits)
}

/// A thumbnail of an image already decoded with [`decode`]: one decode per
/// photo, and the full-size pixels are dropped once resized.
pub fn thumbnail_of(image: DynamicImage, limits: &PhotoLimits) -> Result<EncodedImage, PhotoError> {
    encode(&bounded(image, limits.thumb_long_side), limits.format, limits.thumb_quality)
}
