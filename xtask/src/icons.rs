//! `cargo xtask icons`: renders the icon's source, `docs/icon/quotebook.svg`, into the PNGs
//! the manifest names (`extension/icons/icon-<size>.png`). The source keeps to what this
//! module draws (`rect` with `rx`, `circle`, `polygon`, solid `fill`), so the same source
//! gives the same bytes on every machine, and a test fails when the committed PNGs and the
//! source disagree.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Result, root};

/// Every size the manifest names: toolbar (16, 32), menus and the extensions page (48),
/// the stores and notifications (128).
pub const SIZES: [u32; 4] = [16, 32, 48, 128];
/// The source, relative to the repository's root.
pub const SOURCE: &str = "docs/icon/quotebook.svg";

/// The PNG of `size` px, relative to the repository's root.
pub fn png_path(size: u32) -> PathBuf {
    PathBuf::from(format!("extension/icons/icon-{size}.png"))
}

/// `cargo xtask icons`: writes every PNG from the source.
pub fn icons() -> Result<()> {
    let root = root();
    let icon = Icon::parse(&read(&root.join(SOURCE))?)?;
    for size in SIZES {
        let path = root.join(png_path(size));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, png(size, &icon.render(size)))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("xtask: wrote {}", path.display());
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb(u8, u8, u8);

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        r: f64,
    },
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
    },
    Polygon(Vec<(f64, f64)>),
}

impl Shape {
    fn contains(&self, px: f64, py: f64) -> bool {
        match self {
            Shape::Rect { x, y, w, h, r } => {
                if px < *x || py < *y || px > x + w || py > y + h {
                    return false;
                }
                // Inside the rectangle: outside only in a corner beyond its arc.
                let cx = px.clamp(x + r, x + w - r);
                let cy = py.clamp(y + r, y + h - r);
                (px - cx).powi(2) + (py - cy).powi(2) <= r * r
            }
            Shape::Circle { cx, cy, r } => (px - cx).powi(2) + (py - cy).powi(2) <= r * r,
            Shape::Polygon(points) => {
                // Even-odd rule: count the edges a ray to the right crosses.
                let mut inside = false;
                let mut j = points.len() - 1;
                for i in 0..points.len() {
                    let ((xi, yi), (xj, yj)) = (points[i], points[j]);
                    if (yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                    j = i;
                }
                inside
            }
        }
    }
}

/// The source: its square view box's side, and the shapes painted in order.
#[derive(Debug)]
struct Icon {
    side: f64,
    shapes: Vec<(Shape, Rgb)>,
}

/// Samples per pixel along each axis (the edges' antialiasing).
const SUPERSAMPLE: u32 = 8;

impl Icon {
    fn parse(svg: &str) -> Result<Icon> {
        let root = element(svg, "svg").ok_or("the icon source has no <svg> element")?;
        let view_box = attribute(root, "viewBox").ok_or("the <svg> has no viewBox")?;
        let side = match numbers(view_box)?[..] {
            [0.0, 0.0, w, h] if w == h && w > 0.0 => w,
            _ => return Err(format!("the viewBox must be a square from 0 0: {view_box}")),
        };
        let mut shapes = Vec::new();
        let mut rest = &svg[svg.find("<svg").unwrap_or(0) + 4..];
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let end = rest.find('>').ok_or("an unclosed tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('/') || tag.starts_with('!') {
                continue;
            }
            let name = tag.split_whitespace().next().unwrap_or("");
            let number = |key: &str| -> Result<f64> {
                let value = attribute(tag, key).ok_or(format!("<{name}> needs {key}"))?;
                value
                    .parse()
                    .map_err(|_| format!("<{name}> {key}={value:?} is not a number"))
            };
            let shape = match name {
                "rect" => Shape::Rect {
                    x: number("x")?,
                    y: number("y")?,
                    w: number("width")?,
                    h: number("height")?,
                    r: attribute(tag, "rx").map_or(Ok(0.0), |_| number("rx"))?,
                },
                "circle" => Shape::Circle {
                    cx: number("cx")?,
                    cy: number("cy")?,
                    r: number("r")?,
                },
                "polygon" => {
                    let points =
                        numbers(attribute(tag, "points").ok_or("<polygon> needs points")?)?;
                    if points.len() < 6 || points.len() % 2 != 0 {
                        return Err("<polygon> needs three points or more".into());
                    }
                    Shape::Polygon(points.chunks(2).map(|p| (p[0], p[1])).collect())
                }
                other => return Err(format!("the icon source may not use <{other}>")),
            };
            let fill = attribute(tag, "fill").ok_or(format!("<{name}> needs a fill"))?;
            shapes.push((shape, color(fill)?));
        }
        if shapes.is_empty() {
            return Err("the icon source draws nothing".into());
        }
        Ok(Icon { side, shapes })
    }

    /// RGBA pixels, rows top to bottom, not premultiplied.
    fn render(&self, size: u32) -> Vec<u8> {
        let scale = self.side / f64::from(size);
        let samples = f64::from(SUPERSAMPLE * SUPERSAMPLE);
        let mut out = Vec::with_capacity((size * size * 4) as usize);
        for row in 0..size {
            for column in 0..size {
                // Premultiplied colour and alpha, shapes painted over one another.
                let (mut r, mut g, mut b, mut a) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
                for (shape, Rgb(sr, sg, sb)) in &self.shapes {
                    let mut hits = 0u32;
                    for sy in 0..SUPERSAMPLE {
                        for sx in 0..SUPERSAMPLE {
                            let px = (f64::from(column)
                                + (f64::from(sx) + 0.5) / f64::from(SUPERSAMPLE))
                                * scale;
                            let py = (f64::from(row)
                                + (f64::from(sy) + 0.5) / f64::from(SUPERSAMPLE))
                                * scale;
                            hits += u32::from(shape.contains(px, py));
                        }
                    }
                    let cover = f64::from(hits) / samples;
                    r = f64::from(*sr) * cover + r * (1.0 - cover);
                    g = f64::from(*sg) * cover + g * (1.0 - cover);
                    b = f64::from(*sb) * cover + b * (1.0 - cover);
                    a = cover + a * (1.0 - cover);
                }
                let straight = |c: f64| {
                    if a > 0.0 {
                        (c / a).round().clamp(0.0, 255.0) as u8
                    } else {
                        0
                    }
                };
                out.extend([
                    straight(r),
                    straight(g),
                    straight(b),
                    (a * 255.0).round() as u8,
                ]);
            }
        }
        out
    }
}

/// The first `<name …>` tag's inside.
fn element<'a>(svg: &'a str, name: &str) -> Option<&'a str> {
    let start = svg.find(&format!("<{name}"))? + 1;
    let end = svg[start..].find('>')? + start;
    Some(&svg[start..end])
}

/// The value of ` key="…"` in a tag.
fn attribute<'a>(tag: &'a str, key: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {key}=\""))? + key.len() + 3;
    let end = tag[at..].find('"')? + at;
    Some(&tag[at..end])
}

fn numbers(text: &str) -> Result<Vec<f64>> {
    text.split([' ', ','])
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse()
                .map_err(|_| format!("{part:?} is not a number"))
        })
        .collect()
}

fn color(fill: &str) -> Result<Rgb> {
    let hex = fill
        .strip_prefix('#')
        .filter(|h| h.len() == 6)
        .ok_or(format!("fill {fill:?}: write colours as #rrggbb"))?;
    let byte =
        |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| format!("{fill}: {e}"));
    Ok(Rgb(byte(0)?, byte(2)?, byte(4)?))
}

/// An RGBA PNG of `size` × `size` (`pixels` as `render` gives them): one IDAT deflated by
/// Zopfli, whose output depends on nothing but its input.
fn png(size: u32, pixels: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(pixels.len() + size as usize);
    for row in pixels.chunks(size as usize * 4) {
        raw.push(0); // filter: none
        raw.extend_from_slice(row);
    }
    let mut deflated = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Zlib,
        &raw[..],
        &mut deflated,
    )
    .expect("deflating into memory");
    let mut header = Vec::new();
    header.extend(size.to_be_bytes());
    header.extend(size.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]); // 8 bits per channel, RGBA, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", &header),
        (b"IDAT", &deflated),
        (b"IEND", &Vec::new()),
    ] {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data.iter());
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }
    out
}

/// CRC-32 (ISO 3309), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Icon {
        Icon::parse(&read(&root().join(SOURCE)).unwrap()).unwrap()
    }

    /// WCAG's relative luminance of an sRGB colour.
    fn luminance(Rgb(r, g, b): Rgb) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    fn contrast(a: Rgb, b: Rgb) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// Every committed PNG is what the source renders, byte for byte, and a valid PNG of
    /// its size.
    #[test]
    fn the_committed_pngs_are_the_source_rendered() {
        let icon = source();
        for size in SIZES {
            let path = root().join(png_path(size));
            let committed = fs::read(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask icons`)", path.display()));
            assert!(
                committed.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{}",
                path.display()
            );
            assert_eq!(&committed[12..16], b"IHDR");
            assert_eq!(
                committed[16..20],
                size.to_be_bytes(),
                "width of {}",
                path.display()
            );
            assert_eq!(
                committed[20..24],
                size.to_be_bytes(),
                "height of {}",
                path.display()
            );
            assert!(
                committed == png(size, &icon.render(size)),
                "{} differs from {SOURCE}: run `cargo xtask icons`",
                path.display()
            );
        }
    }

    /// The manifest names every size, for the browser's own icons and the button's.
    #[test]
    fn the_manifest_names_every_size() {
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&root().join("extension/manifest.json")).unwrap()).unwrap();
        for key in ["/icons", "/action/default_icon"] {
            for size in SIZES {
                let named = manifest.pointer(&format!("{key}/{size}"));
                assert_eq!(
                    named.and_then(|v| v.as_str()),
                    Some(
                        png_path(size)
                            .strip_prefix("extension")
                            .unwrap()
                            .to_str()
                            .unwrap()
                    ),
                    "{key} {size}"
                );
            }
        }
    }

    /// Legible on light and dark toolbars: the tile stands out from both (WCAG's 3:1 for
    /// graphics) and the marks from the tile; at 16 px the tile still fills most of the
    /// icon and the marks still show.
    #[test]
    fn legible_on_light_and_dark_toolbars() {
        let icon = source();
        let tile = icon.shapes[0].1;
        let marks: Vec<Rgb> = icon.shapes[1..].iter().map(|s| s.1).collect();
        // Chromium's light and dark toolbars, and Firefox's dark one.
        for toolbar in [
            Rgb(0xff, 0xff, 0xff),
            Rgb(0x35, 0x36, 0x3a),
            Rgb(0x2b, 0x2a, 0x33),
            Rgb(0x20, 0x21, 0x24),
        ] {
            let ratio = contrast(tile, toolbar);
            assert!(ratio >= 3.0, "tile on {toolbar:?}: {ratio:.2}");
        }
        for mark in marks {
            let ratio = contrast(mark, tile);
            assert!(ratio >= 3.0, "marks on the tile: {ratio:.2}");
        }
        for size in SIZES {
            let pixels = icon.render(size);
            let total = (size * size) as usize;
            let opaque = pixels.chunks(4).filter(|p| p[3] == 255).count();
            let light = pixels
                .chunks(4)
                .filter(|p| p[3] == 255 && luminance(Rgb(p[0], p[1], p[2])) > 0.6)
                .count();
            assert!(
                opaque * 10 >= total * 7,
                "{size} px: {opaque} of {total} opaque"
            );
            assert!(
                light * 20 >= total,
                "{size} px: {light} of {total} pixels of the marks"
            );
            assert!(
                light * 3 <= total,
                "{size} px: {light} of {total} pixels of the marks"
            );
        }
    }

    #[test]
    fn sources_outside_what_is_drawn_are_refused() {
        let svg = |body: &str| format!("<svg viewBox=\"0 0 10 10\">{body}</svg>");
        assert!(Icon::parse(&svg("<path d=\"M0 0\" fill=\"#000000\"/>")).is_err());
        assert!(Icon::parse(&svg("<circle cx=\"1\" cy=\"1\" r=\"1\" fill=\"red\"/>")).is_err());
        assert!(Icon::parse(&svg("")).is_err());
        let one = Icon::parse(&svg(
            "<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" fill=\"#102030\"/>",
        ))
        .unwrap();
        let pixels = one.render(2);
        assert_eq!(pixels, [0x10, 0x20, 0x30, 255].repeat(4));
    }

    #[test]
    fn crc_of_png_chunks() {
        // IEND's CRC, as every PNG ends with it.
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
    }
}
