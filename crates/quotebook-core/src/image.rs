//! Images kept with a quote: recognised by their bytes (never by a name or a declared
//! type), measured, checked against the limits and addressed by their SHA-256.
//!
//! Only raster formats a browser shows without running anything are taken: PNG, JPEG,
//! GIF, WebP and AVIF. SVG is refused: it can carry scripts and external references, and
//! a sanitiser that could be trusted with it is not part of the core yet.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sync::hash;

/// The most one image may take, in bytes.
pub const MAX_IMAGE: usize = 10 * 1024 * 1024;

/// The most the images kept with one quote may take together, in bytes.
pub const MAX_QUOTE_IMAGES: usize = 25 * 1024 * 1024;

/// What an image's bytes are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageInfo {
    /// SHA-256 of the bytes, lower-case hex: the name the bytes are stored under.
    pub hash: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// In bytes.
    pub size: usize,
    /// The file extension for the format, without a dot.
    pub extension: String,
}

/// Why bytes are not kept as an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// None of the formats taken (text served as `image/png`, HTML, SVG…).
    NotAnImage(String),
    /// Over [`MAX_IMAGE`]; the size in bytes.
    TooLarge(usize),
    /// The quote's images together would pass [`MAX_QUOTE_IMAGES`]; their size in bytes.
    QuoteTooLarge(usize),
    /// 1×1 (or smaller): a tracking pixel, not a picture.
    TrackingPixel,
}

impl ImageError {
    /// The stable code the extension translates.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::NotAnImage(_) => "not_an_image",
            ImageError::TooLarge(_) => "image_too_large",
            ImageError::QuoteTooLarge(_) => "quote_images_too_large",
            ImageError::TrackingPixel => "tracking_pixel",
        }
    }

    /// `code: message`, as [`crate::note::ImageRef::error`] keeps it.
    pub fn coded(&self) -> String {
        format!("{}: {self}", self.code())
    }
}

fn megabytes(n: usize) -> String {
    let tenths = (n * 10).div_ceil(1024 * 1024);
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::NotAnImage(what) => write!(
                f,
                "not an image Quotebook keeps ({what}); only PNG, JPEG, GIF, WebP and AVIF are"
            ),
            ImageError::TooLarge(n) => write!(
                f,
                "the image takes {}; Quotebook keeps images up to {}, so the note links to \
                 it instead",
                megabytes(*n),
                megabytes(MAX_IMAGE)
            ),
            ImageError::QuoteTooLarge(n) => write!(
                f,
                "the quote's images would take {}; Quotebook keeps up to {} for one quote, \
                 so the note links to the rest",
                megabytes(*n),
                megabytes(MAX_QUOTE_IMAGES)
            ),
            ImageError::TrackingPixel => f.write_str("a 1×1 image (a tracking pixel), not kept"),
        }
    }
}

impl std::error::Error for ImageError {}

/// A recognised format and the image's dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub mime: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Recognises `bytes` by their signature and reads the dimensions from the header.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, ImageError> {
    let found = |mime, extension, (width, height): (u32, u32)| Sniffed {
        mime,
        extension,
        width,
        height,
    };
    let truncated = || ImageError::NotAnImage("a truncated or damaged header".into());
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png(bytes)
            .map(|d| found("image/png", "png", d))
            .ok_or_else(truncated);
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return jpeg(bytes)
            .map(|d| found("image/jpeg", "jpg", d))
            .ok_or_else(truncated);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return (bytes.len() >= 10)
            .then(|| (u32::from(le16(bytes, 6)), u32::from(le16(bytes, 8))))
            .map(|d| found("image/gif", "gif", d))
            .ok_or_else(truncated);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return webp(bytes)
            .map(|d| found("image/webp", "webp", d))
            .ok_or_else(truncated);
    }
    if is_avif(bytes) {
        return avif(bytes)
            .map(|d| found("image/avif", "avif", d))
            .ok_or_else(truncated);
    }
    Err(ImageError::NotAnImage(describe(bytes)))
}

/// A few words on what unrecognised bytes look like, for the message.
fn describe(bytes: &[u8]) -> String {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&bytes[..0], |i| &bytes[i..]);
    let lower: Vec<u8> = start.iter().take(256).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if bytes.is_empty() {
        "no bytes".into()
    } else if has(b"<svg") {
        "an SVG drawing, which can carry scripts".into()
    } else if has(b"<html") || has(b"<!doctype") {
        "an HTML page".into()
    } else if std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
        "text".into()
    } else {
        "an unknown format".into()
    }
}

/// Recognises, measures and hashes `bytes`: what to store them as, or why not to.
pub fn inspect(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    if bytes.len() > MAX_IMAGE {
        return Err(ImageError::TooLarge(bytes.len()));
    }
    let sniffed = sniff(bytes)?;
    if sniffed.width <= 1 && sniffed.height <= 1 {
        return Err(ImageError::TrackingPixel);
    }
    Ok(ImageInfo {
        hash: hash::hash(bytes),
        mime: sniffed.mime.into(),
        width: sniffed.width,
        height: sniffed.height,
        size: bytes.len(),
        extension: sniffed.extension.into(),
    })
}

/// The extension for a mime type this module produces (`bin` for any other).
pub fn extension_of(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        _ => "bin",
    }
}

/// The bytes of a `data:` URL with `;base64` or percent-encoded data, if it is one.
pub fn data_url_bytes(url: &str) -> Option<Vec<u8>> {
    let rest = url
        .get(..5)?
        .eq_ignore_ascii_case("data:")
        .then(|| &url[5..])?;
    let (header, data) = rest.split_once(',')?;
    if header
        .rsplit(';')
        .next()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("base64"))
    {
        use base64::Engine;
        let cleaned: Vec<u8> = percent_decode(data)
            .into_iter()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(&cleaned)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&cleaned))
            .ok()
    } else {
        Some(percent_decode(data))
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le24(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], 0])
}

/// The first chunk of a PNG is its `IHDR`: width and height, big-endian.
fn png(b: &[u8]) -> Option<(u32, u32)> {
    (b.len() >= 24 && &b[12..16] == b"IHDR").then(|| (be32(b, 16), be32(b, 20)))
}

/// Walks the JPEG's marker segments to the first start-of-frame.
fn jpeg(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xff {
            return None;
        }
        let marker = b[i + 1];
        match marker {
            // Fill bytes before a marker.
            0xff => {
                i += 1;
                continue;
            }
            // Markers without a length.
            0x01 | 0xd0..=0xd9 => {
                i += 2;
                continue;
            }
            _ => {}
        }
        let len = usize::from(be16(b, i + 2));
        if len < 2 {
            return None;
        }
        let is_frame = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_frame {
            if i + 9 > b.len() {
                return None;
            }
            return Some((u32::from(be16(b, i + 7)), u32::from(be16(b, i + 5))));
        }
        i += 2 + len;
    }
    None
}

/// A WebP's first chunk: lossy (`VP8 `), lossless (`VP8L`) or extended (`VP8X`).
fn webp(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() < 30 {
        return None;
    }
    match &b[12..16] {
        b"VP8 " => (b[23..26] == [0x9d, 0x01, 0x2a]).then(|| {
            (
                u32::from(le16(b, 26) & 0x3fff),
                u32::from(le16(b, 28) & 0x3fff),
            )
        }),
        b"VP8L" => (b[20] == 0x2f).then(|| {
            let bits = u32::from_le_bytes([b[21], b[22], b[23], b[24]]);
            ((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
        }),
        b"VP8X" => Some((le24(b, 24) + 1, le24(b, 27) + 1)),
        _ => None,
    }
}

/// An ISO base media file whose `ftyp` box names an AVIF brand.
fn is_avif(b: &[u8]) -> bool {
    if b.len() < 16 || &b[4..8] != b"ftyp" {
        return false;
    }
    let size = (be32(b, 0) as usize).clamp(16, b.len());
    let brand = |at: usize| matches!(&b[at..at + 4], b"avif" | b"avis");
    brand(8) || (16..size).step_by(4).any(|at| at + 4 <= size && brand(at))
}

/// The first image spatial extents (`ispe`) property: the primary image's size.
fn avif(b: &[u8]) -> Option<(u32, u32)> {
    let window = &b[..b.len().min(64 * 1024)];
    let at = window.windows(4).position(|w| w == b"ispe")?;
    // `ispe`, then version and flags (4 bytes), then width and height.
    let start = at + 8;
    (start + 8 <= b.len()).then(|| (be32(b, start), be32(b, start + 4)))
}

/// Bytes as serde's bytes (a `Uint8Array` through serde-wasm-bindgen), read back from
/// bytes or a sequence of numbers.
pub mod serde_bytes_compat {
    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> de::Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_byte_buf(Bytes)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal PNG header of `w`×`h` (what the sniffer reads), padded with an `IEND`.
    pub(crate) fn png_bytes(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b.extend(b"\0\0\0\0IEND\xaeB`\x82");
        b
    }

    fn jpeg_bytes(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0xff, 0xd8];
        // An APP0 segment to walk past, then a baseline frame.
        b.extend([0xff, 0xe0, 0, 16]);
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xff, 0xc0, 0, 17, 8]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b.extend([0xff, 0xd9]);
        b
    }

    #[test]
    fn each_format_is_recognised_with_its_size() {
        let png = sniff(&png_bytes(640, 480)).unwrap();
        assert_eq!((png.mime, png.width, png.height), ("image/png", 640, 480));
        let jpg = sniff(&jpeg_bytes(300, 200)).unwrap();
        assert_eq!((jpg.mime, jpg.width, jpg.height), ("image/jpeg", 300, 200));
        let mut gif = b"GIF89a".to_vec();
        gif.extend(20u16.to_le_bytes());
        gif.extend(10u16.to_le_bytes());
        gif.extend([0; 8]);
        let g = sniff(&gif).unwrap();
        assert_eq!((g.mime, g.width, g.height), ("image/gif", 20, 10));

        let mut lossless = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        let bits: u32 = (99) | (49 << 14);
        lossless.extend(bits.to_le_bytes());
        lossless.extend([0; 8]);
        let w = sniff(&lossless).unwrap();
        assert_eq!((w.mime, w.width, w.height), ("image/webp", 100, 50));

        let mut lossy = b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a".to_vec();
        lossy.extend(64u16.to_le_bytes());
        lossy.extend(32u16.to_le_bytes());
        lossy.extend([0; 4]);
        assert_eq!(sniff(&lossy).unwrap().width, 64);

        let mut extended = b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0".to_vec();
        extended.extend([0x3f, 0x01, 0x00, 0xc7, 0x00, 0x00]);
        extended.extend([0; 4]);
        let x = sniff(&extended).unwrap();
        assert_eq!((x.width, x.height), (320, 200));

        let mut avif = vec![0, 0, 0, 20];
        avif.extend(b"ftypavif\0\0\0\0mif1");
        avif.extend(b"\0\0\0\x14ispe\0\0\0\0");
        avif.extend(800u32.to_be_bytes());
        avif.extend(600u32.to_be_bytes());
        let a = sniff(&avif).unwrap();
        assert_eq!((a.mime, a.width, a.height), ("image/avif", 800, 600));
    }

    #[test]
    fn a_png_named_jpg_is_a_png_and_text_served_as_png_is_refused() {
        // Names and declared types never reach the sniffer: the bytes decide.
        let info = inspect(&png_bytes(2, 2)).unwrap();
        assert_eq!(
            (info.mime.as_str(), info.extension.as_str()),
            ("image/png", "png")
        );
        let err = inspect(b"Not found\n").unwrap_err();
        assert_eq!(err.code(), "not_an_image");
        assert!(err.to_string().contains("text"), "{err}");
        let html = inspect(b"<!DOCTYPE html><html><body>login</body></html>").unwrap_err();
        assert!(html.to_string().contains("HTML page"), "{html}");
    }

    #[test]
    fn svg_is_refused_as_it_can_carry_scripts() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;
        let err = inspect(svg).unwrap_err();
        assert_eq!(err.code(), "not_an_image");
        assert!(err.to_string().contains("SVG"), "{err}");
    }

    #[test]
    fn tracking_pixels_and_oversized_images_are_refused() {
        assert_eq!(inspect(&png_bytes(1, 1)), Err(ImageError::TrackingPixel));
        let mut big = png_bytes(4000, 4000);
        big.resize(60 * 1024 * 1024, 0);
        let err = inspect(&big).unwrap_err();
        assert_eq!(err, ImageError::TooLarge(60 * 1024 * 1024));
        assert!(err.to_string().contains("60.0 MB"), "{err}");
        assert!(err.coded().starts_with("image_too_large: "));
    }

    #[test]
    fn truncated_headers_are_refused_not_a_panic() {
        for bytes in [
            &b"\x89PNG\r\n\x1a\n"[..],
            b"\xff\xd8\xff\xe0\0",
            b"GIF89a\x01",
            b"RIFF\0\0\0\0WEBPVP8 ",
            b"\0\0\0\x10ftypavif\0\0\0\0",
        ] {
            for end in 0..=bytes.len() {
                assert!(inspect(&bytes[..end]).is_err());
            }
        }
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_bytes() {
        let bytes = png_bytes(10, 10);
        assert_eq!(inspect(&bytes).unwrap().hash, hash::hash(&bytes));
        assert_eq!(inspect(&bytes).unwrap().hash.len(), 64);
    }

    #[test]
    fn data_urls_decode() {
        assert_eq!(
            data_url_bytes("data:image/png;base64,aGk="),
            Some(b"hi".to_vec())
        );
        assert_eq!(
            data_url_bytes("DATA:text/plain,a%20b"),
            Some(b"a b".to_vec())
        );
        assert_eq!(data_url_bytes("https://a.example/x.png"), None);
        assert_eq!(data_url_bytes("data:image/png;base64,!!"), None);
    }
}
