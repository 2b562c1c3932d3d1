//! Photo bytes on a 2G link: each photo resized to 1600 px (the stored size)
//! and encoded as JPEG quality 80 and as lossy WebP at several qualities.
//! Printed per photo: bytes, SSIM of the decoded result against the 1600 px
//! original (luma, 8×8 windows, image-compare's MSSIM), and encoding time;
//! then, per WebP quality, the share of JPEG's bytes and the photos whose
//! SSIM is below JPEG's. `WEBP_QUALITY` in src/photo.rs is chosen from this.
//!
//! The photos: the webp crate's own `assets/lake.jpg` (4000×2250, a real
//! photo in the registry already) whole and two 1600 px crops of it at full
//! detail, and seven generated scenes an inspector photographs: foliage,
//! a printed notice, a low-light room with sensor noise, a shop shelf, a
//! brick wall, a building against the sky and a shop sign.
//!
//! `cargo bench -p xuncha-core --bench photo_formats` measures; under
//! `cargo test` two small scenes run once so the benchmark keeps working.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    missing_debug_implementations
)]

use image::{DynamicImage, GrayImage, Rgb, RgbImage};
use image_compare::Algorithm;
use std::path::PathBuf;
use std::time::Instant;
use xuncha_core::photo::{PhotoFormat, WEBP_QUALITY, bounded, encode};

const QUALITIES: [u8; 5] = [75, 80, 85, 90, 95];

/// A small deterministic generator (xorshift): the scenes are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() % 10_000) as f32 / 10_000.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
    /// Roughly normal (sum of uniforms), mean 0, deviation ~1.
    fn gauss(&mut self) -> f32 {
        (0..6).map(|_| self.unit()).sum::<f32>() - 3.0
    }
}

fn clamp(v: f32) -> u8 {
    v.clamp(0.0, 255.0) as u8
}

/// Smooth value noise in [0, 1], several octaves.
fn value_noise(w: u32, h: u32, seed: u64, cell: u32, octaves: u32) -> Vec<f32> {
    let mut out = vec![0.0f32; (w * h) as usize];
    let mut amp = 1.0;
    let mut total = 0.0;
    let mut size = cell;
    for o in 0..octaves {
        let (gw, gh) = (w / size + 2, h / size + 2);
        let mut rng = Rng(seed.wrapping_add(u64::from(o) * 7919) | 1);
        let grid: Vec<f32> = (0..gw * gh).map(|_| rng.unit()).collect();
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f32 / size as f32, y as f32 / size as f32);
                let (ix, iy) = (fx as u32, fy as u32);
                let (tx, ty) = (fx - ix as f32, fy - iy as f32);
                let g = |a: u32, b: u32| grid[(b * gw + a) as usize];
                let top = g(ix, iy) * (1.0 - tx) + g(ix + 1, iy) * tx;
                let bottom = g(ix, iy + 1) * (1.0 - tx) + g(ix + 1, iy + 1) * tx;
                out[(y * w + x) as usize] += amp * (top * (1.0 - ty) + bottom * ty);
            }
        }
        total += amp;
        amp *= 0.5;
        size = (size / 2).max(1);
    }
    out.iter_mut().for_each(|v| *v /= total);
    out
}

fn foliage(w: u32, h: u32) -> RgbImage {
    let n = value_noise(w, h, 11, 64, 6);
    let mut rng = Rng(5);
    RgbImage::from_fn(w, h, |x, y| {
        let v = n[(y * w + x) as usize];
        let grain = rng.gauss() * 6.0;
        Rgb([clamp(40.0 + 90.0 * v + grain), clamp(70.0 + 140.0 * v + grain), clamp(20.0 + 50.0 * v + grain)])
    })
}

/// A printed notice photographed under uneven light: rows of glyph-like marks.
fn notice(w: u32, h: u32) -> RgbImage {
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let light = 235.0 - 40.0 * (x as f32 / w as f32) - 20.0 * (y as f32 / h as f32);
        Rgb([clamp(light), clamp(light - 3.0), clamp(light - 10.0)])
    });
    let mut rng = Rng(17);
    let glyph = 22;
    let mut y = 90;
    while y + glyph < h - 60 {
        let mut x = 80;
        while x + glyph < w - 80 {
            // One character: a few strokes inside its cell.
            for _ in 0..4 + rng.below(4) {
                let horizontal = rng.below(2) == 0;
                let (sx, sy) = (x + rng.below(glyph - 4), y + rng.below(glyph - 4));
                let len = 6 + rng.below(glyph - 6);
                for t in 0..len {
                    for k in 0..3 {
                        let (px, py) = if horizontal { (sx + t, sy + k) } else { (sx + k, sy + t) };
                        if px < w && py < h {
                            img.put_pixel(px, py, Rgb([30, 30, 35]));
                        }
                    }
                }
            }
            x += glyph + 6 + if rng.below(9) == 0 { glyph } else { 0 };
        }
        y += glyph + 18;
    }
    img
}

/// A dim room: a lamp's gradient, dark furniture, strong sensor noise.
fn low_light(w: u32, h: u32) -> RgbImage {
    let mut rng = Rng(23);
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - w as f32 * 0.7, y as f32 - h as f32 * 0.3);
        let lamp = 70.0 * (-(dx * dx + dy * dy) / (w as f32 * w as f32 * 0.08)).exp();
        let shelf = if (y / 120) % 3 == 0 && x < w / 2 { -15.0 } else { 0.0 };
        let base = 18.0 + lamp + shelf;
        let noise = rng.gauss() * 9.0;
        Rgb([clamp(base * 1.1 + noise), clamp(base + noise * 1.2), clamp(base * 0.8 + noise * 1.4)])
    })
}

/// A shop shelf: rows of coloured packs with labels and hard edges.
fn shelf(w: u32, h: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(w, h, Rgb([200, 200, 195]));
    let mut rng = Rng(31);
    let row = h / 5;
    for r in 0..5 {
        let mut x = 10;
        while x < w - 10 {
            let pack_w = 40 + rng.below(90);
            let pack_h = row - 30 - rng.below(40);
            let colour = [rng.below(256) as u8, rng.below(256) as u8, rng.below(256) as u8];
            for py in (r * row + row - pack_h - 10)..(r * row + row - 10) {
                for px in x..(x + pack_w).min(w - 10) {
                    let label = (py as i64 - (r * row + row - pack_h / 2) as i64).abs() < 12;
                    let c = if label { [250, 250, 240] } else { colour };
                    img.put_pixel(px, py, Rgb(c));
                }
            }
            x += pack_w + 4;
        }
        for py in (r * row + row - 10)..(r * row + row) {
            for px in 0..w {
                img.put_pixel(px, py, Rgb([90, 80, 70]));
            }
        }
    }
    img
}

fn bricks(w: u32, h: u32) -> RgbImage {
    let n = value_noise(w, h, 41, 16, 4);
    let mut rng = Rng(43);
    RgbImage::from_fn(w, h, |x, y| {
        let course = y / 40;
        let offset = if course % 2 == 0 { 0 } else { 45 };
        let mortar = y % 40 < 5 || (x + offset) % 90 < 5;
        let v = n[(y * w + x) as usize] * 50.0 + rng.gauss() * 5.0;
        if mortar {
            Rgb([clamp(170.0 + v), clamp(165.0 + v), clamp(155.0 + v)])
        } else {
            Rgb([clamp(140.0 + v), clamp(60.0 + v * 0.5), clamp(45.0 + v * 0.4)])
        }
    })
}

/// A building against a smooth sky: gradients banding shows first in.
fn building(w: u32, h: u32) -> RgbImage {
    let mut rng = Rng(47);
    RgbImage::from_fn(w, h, |x, y| {
        let sky = y as f32 / h as f32;
        let inside = x > w / 4 && x < w * 3 / 4 && y > h / 3;
        let window = inside && (x / 30) % 3 == 1 && (y / 40) % 2 == 1;
        let noise = rng.gauss() * 2.0;
        match (inside, window) {
            (_, true) => Rgb([clamp(60.0 + noise), clamp(80.0 + noise), clamp(110.0 + noise)]),
            (true, false) => Rgb([clamp(190.0 + noise), clamp(185.0 + noise), clamp(175.0 + noise)]),
            _ => Rgb([
                clamp(90.0 + 80.0 * sky + noise),
                clamp(140.0 + 60.0 * sky + noise),
                clamp(230.0 - 20.0 * sky + noise),
            ]),
        }
    })
}

/// A shop sign: red board, big yellow characters, a little grain.
fn sign(w: u32, h: u32) -> RgbImage {
    let mut rng = Rng(53);
    let strokes: Vec<(u32, u32, u32, bool)> = (0..60)
        .map(|_| (rng.below(w - 200) + 100, rng.below(h / 2) + h / 4, 60 + rng.below(140), rng.below(2) == 0))
        .collect();
    let mut grain = Rng(59);
    RgbImage::from_fn(w, h, |x, y| {
        let on = strokes.iter().any(|&(sx, sy, len, horizontal)| {
            if horizontal {
                x >= sx && x < sx + len && y >= sy && y < sy + 18
            } else {
                x >= sx && x < sx + 18 && y >= sy && y < sy + len
            }
        });
        let g = grain.gauss() * 4.0;
        if on {
            Rgb([clamp(245.0 + g), clamp(210.0 + g), clamp(40.0 + g)])
        } else {
            Rgb([clamp(185.0 + g), clamp(25.0 + g), clamp(30.0 + g)])
        }
    })
}

/// The webp crate's `assets/lake.jpg` from cargo's registry (the crate is a
/// dependency, so its source is there whenever this builds).
fn lake() -> Option<DynamicImage> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let registry = std::fs::read_dir(home.join("registry").join("src")).ok()?;
    for index in registry.flatten() {
        let Ok(crates) = std::fs::read_dir(index.path()) else { continue };
        for c in crates.flatten() {
            let name = c.file_name().to_string_lossy().into_owned();
            if name.starts_with("webp-0.3") {
                let path = c.path().join("assets").join("lake.jpg");
                if let Ok(bytes) = std::fs::read(&path) {
                    return image::load_from_memory(&bytes).ok();
                }
            }
        }
    }
    None
}

fn luma(img: &DynamicImage) -> GrayImage {
    img.to_luma8()
}

struct Measured {
    bytes: usize,
    ssim: f64,
    ms: f64,
}

fn measure(original: &DynamicImage, format: PhotoFormat, quality: u8) -> Measured {
    let started = Instant::now();
    let encoded = encode(original, format, quality).unwrap();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let decoded = image::load_from_memory(&encoded.bytes).unwrap();
    let ssim = image_compare::gray_similarity_structure(&Algorithm::MSSIMSimple, &luma(original), &luma(&decoded))
        .unwrap()
        .score;
    Measured { bytes: encoded.bytes.len(), ssim, ms }
}

/// A generated scene: its name and how it is drawn at a size.
type Scene = (&'static str, fn(u32, u32) -> RgbImage);

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (w, h) = if full { (2400, 1800) } else { (320, 240) };
    let mut photos: Vec<(String, DynamicImage)> = Vec::new();
    if full {
        match lake() {
            Some(l) => {
                photos.push(("lake.jpg (4000×2250, whole)".into(), l.clone()));
                photos.push(("lake.jpg crop: sky and trees".into(), l.crop_imm(0, 0, 1600, 1200)));
                photos.push(("lake.jpg crop: water and shore".into(), l.crop_imm(2400, 1050, 1600, 1200)));
            }
            None => println!("lake.jpg not found in cargo's registry: generated scenes only"),
        }
    }
    let scenes: [Scene; 7] = [
        ("foliage (texture)", foliage),
        ("printed notice (text)", notice),
        ("low-light room (noise)", low_light),
        ("shop shelf", shelf),
        ("brick wall", bricks),
        ("building and sky (gradient)", building),
        ("shop sign", sign),
    ];
    let take = if full { scenes.len() } else { 2 };
    for (name, make) in scenes.iter().take(take) {
        photos.push(((*name).into(), DynamicImage::ImageRgb8(make(w, h))));
    }

    println!("photo formats: {} photos, long side 1600 px; JPEG q80 against WebP q{QUALITIES:?}", photos.len());
    println!("{:<32} {:>9} {:>7} {:>6} | per WebP quality: KB, SSIM, ms", "photo", "JPEG KB", "SSIM", "ms");
    // Per quality: (sum of WebP bytes, sum of JPEG bytes, photos below JPEG's SSIM, slowest ms).
    let mut totals = vec![(0usize, 0usize, 0usize, 0.0f64); QUALITIES.len()];
    for (name, photo) in &photos {
        let original = bounded(photo.clone(), 1600);
        let jpeg = measure(&original, PhotoFormat::Jpeg, 80);
        let mut line = format!("{name:<32} {:>9.1} {:>7.4} {:>6.0} |", jpeg.bytes as f64 / 1024.0, jpeg.ssim, jpeg.ms);
        for (i, q) in QUALITIES.iter().enumerate() {
            let webp = measure(&original, PhotoFormat::Webp, *q);
            assert!(webp.bytes > 0 && webp.ssim > 0.0, "WebP q{q} of {name} decodes");
            line += &format!(" q{q}: {:.1} {:.4} {:.0}", webp.bytes as f64 / 1024.0, webp.ssim, webp.ms);
            let t = &mut totals[i];
            t.0 += webp.bytes;
            t.1 += jpeg.bytes;
            t.2 += usize::from(webp.ssim + 1e-4 < jpeg.ssim);
            t.3 = t.3.max(webp.ms);
        }
        println!("{line}");
    }
    for (q, (webp, jpeg, worse, slowest)) in QUALITIES.iter().zip(&totals) {
        let chosen = if *q == WEBP_QUALITY { "  ← WEBP_QUALITY" } else { "" };
        println!(
            "WebP q{q}: {:.1}% of JPEG q80's bytes; SSIM below JPEG's on {worse} of {} photos; slowest encode {slowest:.0} ms{chosen}",
            100.0 * *webp as f64 / (*jpeg).max(1) as f64,
            photos.len()
        );
    }
}
