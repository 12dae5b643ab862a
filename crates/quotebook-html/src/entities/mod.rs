//! HTML's named character references, as a compact front-coded table (`table.rs`,
//! generated from html5ever's list by this module's test, `QUOTEBOOK_REGENERATE=1`), and
//! the numeric ones with the standard's replacements.
//!
//! The standard lists 2,231 names; 106 of them are the legacy ones written without their
//! semicolon, each the twin of a name with one. The table holds the 2,125 names with a
//! semicolon, without it, sorted, in one string (`DATA`, 18 KB); each entry is
//!
//! - one byte: how many leading bytes its name shares with the previous entry's (0 for the
//!   first entry of every block of 32 entries, which is spelled out in full),
//! - the rest of the name (ASCII letters and digits),
//! - one byte saying what follows and whether the name has a legacy twin: [`ONE`] (one
//!   character), [`LEGACY`] (one character, and the name may go without its semicolon) or
//!   [`TWO`] (two characters; no legacy name has two),
//! - the characters, in UTF-8.
//!
//! `BLOCKS[i]` is where entry `i * 32` starts in `DATA`. A lookup binary-searches the
//! blocks by their first names, then reads the entries in order from there, comparing only
//! those whose shared prefix can still match (see [`scan`]). The references browsers write
//! when they serialise a DOM (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&nbsp;`, and `&apos;`)
//! skip the table altogether: every one of the 4,992 references in the corpus articles,
//! 95% of those in the pages' sources.

#[rustfmt::skip]
mod table;

use table::{BLOCKS, DATA};

/// The byte after a name with one character and no legacy twin.
const ONE: u8 = b';';
/// The byte after a name with one character that may also be written without `;`.
const LEGACY: u8 = b',';
/// The byte after a name with two characters.
const TWO: u8 = b':';

/// The longest name without its semicolon that may be written without one (`frac34`,
/// `middot`).
const LONGEST_LEGACY: usize = 6;

/// How many bytes the UTF-8 character starting with `lead` takes.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7f => 1,
        0x80..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// The first entry of the last block whose first name sorts at most `name` (of the first
/// block when there is none).
fn block(name: &[u8]) -> usize {
    let data = DATA.as_bytes();
    let (mut lo, mut hi) = (0, BLOCKS.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = BLOCKS[mid] as usize + 1;
        let mut end = start;
        while data[end].is_ascii_alphanumeric() {
            end += 1;
        }
        if &data[start..end] <= name {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    BLOCKS[lo.saturating_sub(1)] as usize
}

/// Reads the entries from `at` (an entry's start) on, in order, up to the last that sorts
/// at most `name`, and returns the longest of those whose name is a prefix of `name`
/// (`name` itself included; only the legacy ones if `legacy`): its length, its kind byte
/// and where its characters start.
///
/// With `m` the length `name` shares with the previous entry (which sorts before `name`),
/// an entry sharing more than `m` bytes with that one sorts before `name` too, and one
/// sharing fewer sorts after it; only an entry sharing exactly `m` needs its bytes
/// compared. A block's first entry shares nothing (it is spelled out), so it is compared
/// in full.
fn scan(mut at: usize, name: &[u8], legacy: bool) -> Option<(usize, u8, usize)> {
    let data = DATA.as_bytes();
    let (mut m, mut found) = (0, None);
    while at < data.len() {
        let shared = data[at] as usize;
        let start = at + 1;
        let mut end = start;
        while data[end].is_ascii_alphanumeric() {
            end += 1;
        }
        let kind = data[end];
        debug_assert!(matches!(kind, ONE | LEGACY | TWO));
        let chars = end + 1;
        at = chars + utf8_len(data[chars]);
        if kind == TWO {
            at += utf8_len(data[at]);
        }
        if shared > m {
            continue;
        }
        if shared < m {
            if shared > 0 {
                break;
            }
            m = 0;
        }
        let (suffix, rest) = (&data[start..end], &name[m..]);
        let k = suffix.iter().zip(rest).take_while(|(a, b)| a == b).count();
        m += k;
        match (suffix.get(k), rest.get(k)) {
            (None, next) => {
                if !legacy || kind == LEGACY {
                    found = Some((m, kind, chars));
                }
                if next.is_none() {
                    break;
                }
            }
            (Some(a), Some(b)) if a < b => {}
            _ => break,
        }
    }
    found
}

/// The characters of the entry whose characters start at `at`, with kind byte `kind`.
fn chars(kind: u8, at: usize) -> Option<(char, Option<char>)> {
    let mut c = DATA[at..].chars();
    let first = c.next()?;
    Some((first, if kind == TWO { c.next() } else { None }))
}

/// The entry named `name` (without its `;`): its characters and whether it may go without
/// `;`.
fn find(name: &[u8]) -> Option<((char, Option<char>), bool)> {
    match scan(block(name), name, false)? {
        (len, kind, at) if len == name.len() => Some((chars(kind, at)?, kind == LEGACY)),
        _ => None,
    }
}

/// The longest legacy name `text` starts with (`text` holds letters and digits).
fn longest_legacy(text: &[u8]) -> Option<(usize, (char, Option<char>))> {
    let text = &text[..text.len().min(LONGEST_LEGACY)];
    // Every name has two characters at least, so the candidates all sort after the first
    // two characters of `text`, and up to `text`.
    let (len, _, at) = scan(block(text.get(..2)?), text, true)?;
    Some((len, chars(LEGACY, at)?))
}

/// The characters of the named reference `name` (without the `&`, with its `;` when it
/// has one), or `None` when the standard has no such name.
#[cfg(test)]
fn lookup(name: &str) -> Option<(char, Option<char>)> {
    let (base, semicolon) = match name.strip_suffix(';') {
        Some(base) => (base, true),
        None => (name, false),
    };
    if base.is_empty() || !base.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let (chars, legacy) = find(base.as_bytes())?;
    (semicolon || legacy).then_some(chars)
}

/// A named reference at the start of `rest` (the text after `&`, which starts with an
/// ASCII letter or digit), by the standard's longest-match rule: its length (after the
/// `&`), its characters, and whether it ended with `;`. `None` when no name matches.
pub(crate) fn match_named(rest: &str) -> Option<(usize, (char, Option<char>), bool)> {
    let b = rest.as_bytes();
    let common = match b {
        [b'a', b'm', b'p', b';', ..] => Some((4, '&')),
        [b'l', b't', b';', ..] => Some((3, '<')),
        [b'g', b't', b';', ..] => Some((3, '>')),
        [b'q', b'u', b'o', b't', b';', ..] => Some((5, '"')),
        [b'n', b'b', b's', b'p', b';', ..] => Some((5, '\u{a0}')),
        [b'a', b'p', b'o', b's', b';', ..] => Some((5, '\'')),
        _ => None,
    };
    if let Some((len, c)) = common {
        return Some((len, (c, None), true));
    }
    let run = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if b.get(run) == Some(&b';')
        && let Some((chars, _)) = find(&b[..run])
    {
        return Some((run + 1, chars, true));
    }
    // Only the legacy names, written without their semicolon, can match a prefix.
    longest_legacy(&b[..run]).map(|(len, chars)| (len, chars, false))
}

/// The character a numeric reference stands for, with the standard's replacements (NUL,
/// surrogates and values past U+10FFFF read as U+FFFD, the C1 controls as the Windows-1252
/// characters they were meant as); `value` saturates rather than overflows.
pub(crate) fn numeric(value: u32) -> char {
    const C1: [u16; 32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
        0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ];
    match value {
        0 => '\u{fffd}',
        0x80..=0x9f => match C1[(value - 0x80) as usize] {
            0 => char::from_u32(value).unwrap_or('\u{fffd}'),
            c => char::from_u32(u32::from(c)).unwrap_or('\u{fffd}'),
        },
        v => char::from_u32(v).unwrap_or('\u{fffd}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5ever::data::NAMED_ENTITIES;

    /// Entries per block of the table: each block's first entry is spelled out in full and
    /// indexed. 32 costs a lookup at most 32 cheap steps after the binary search, and the
    /// table 300 bytes gzipped less than 16.
    const BLOCK: usize = 32;

    /// A name with its semicolon but without it, its characters, and whether it has a
    /// legacy twin.
    type Entry = (&'static str, (char, Option<char>), bool);

    /// The characters of `name` in html5ever's list (`None` for the prefixes it lists
    /// with no characters, which are no names).
    fn standard(name: &str) -> Option<(char, Option<char>)> {
        let &(c1, c2) = NAMED_ENTITIES.get(name)?;
        (c1 != 0).then(|| {
            let second = (c2 != 0).then(|| char::from_u32(c2).unwrap());
            (char::from_u32(c1).unwrap(), second)
        })
    }

    /// The names with a semicolon, sorted.
    fn entries() -> Vec<Entry> {
        let mut entries: Vec<_> = NAMED_ENTITIES
            .keys()
            .filter_map(|name| {
                let base = name.strip_suffix(';')?;
                let chars = standard(name)?;
                let twin = standard(base);
                assert!(twin.is_none() || twin == Some(chars), "{base}");
                Some((base, chars, twin.is_some()))
            })
            .collect();
        entries.sort();
        entries
    }

    /// The generated table, as it should read, from html5ever's list.
    fn generate() -> String {
        let mut out = String::from(
            "// Generated from html5ever's list of named character references by\n\
             // `QUOTEBOOK_REGENERATE=1 cargo test -p quotebook-html entities`: do not edit.\n\
             // The format is described in `mod.rs`. One entry a line: the length shared with\n\
             // the previous name, the rest of the name, `;`, `,` (legacy) or `:` (two\n\
             // characters), the characters.\n\n\
             pub(super) const DATA: &str = \"\\\n",
        );
        let mut blocks = Vec::new();
        let (mut len, mut previous) = (0, "");
        for (i, &(name, (c1, c2), legacy)) in entries().iter().enumerate() {
            let shared = if i % BLOCK == 0 {
                blocks.push(len);
                0
            } else {
                previous
                    .bytes()
                    .zip(name.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()
            };
            assert!(name.bytes().all(|c| c.is_ascii_alphanumeric()), "{name}");
            assert!(
                !legacy || (c2.is_none() && name.len() <= LONGEST_LEGACY),
                "{name}"
            );
            let kind = match (c2, legacy) {
                (Some(_), _) => TWO,
                (None, true) => LEGACY,
                (None, false) => ONE,
            };
            out.push_str(&format!(
                "\\x{shared:02x}{}{}",
                &name[shared..],
                kind as char
            ));
            len += 1 + name.len() - shared + 1;
            for c in std::iter::once(c1).chain(c2) {
                if c.is_ascii_graphic() && c != '"' && c != '\\' {
                    out.push(c);
                } else {
                    out.push_str(&format!("\\u{{{:x}}}", c as u32));
                }
                len += c.len_utf8();
            }
            out.push_str("\\\n");
            previous = name;
        }
        assert!(len < usize::from(u16::MAX));
        out.push_str("\";\n\n");
        out.push_str(&format!(
            "// Where entry `i * {BLOCK}` starts in `DATA`.\n\
             pub(super) const BLOCKS: [u16; {}] = [\n",
            blocks.len()
        ));
        let mut line = String::from("   ");
        for block in blocks {
            let item = block.to_string();
            if line.len() + item.len() + 2 > 96 {
                out.push_str(&line);
                out.push('\n');
                line = String::from("   ");
            }
            line.push(' ');
            line.push_str(&item);
            line.push(',');
        }
        out.push_str(&line);
        out.push_str("\n];\n");
        out
    }

    #[test]
    fn the_entity_table_is_html5evers_list() {
        let expected = generate();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/entities/table.rs");
        if std::env::var_os("QUOTEBOOK_REGENERATE").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap();
        assert!(
            committed == expected,
            "src/entities/table.rs is not html5ever's list: QUOTEBOOK_REGENERATE=1 regenerates it"
        );
        let entries = entries();
        assert_eq!(entries.len(), 2125);
        assert_eq!(entries.iter().filter(|e| e.2).count(), 106);
        assert_eq!(BLOCKS.len(), entries.len().div_ceil(BLOCK));
    }

    #[test]
    fn every_name_of_the_standard_reads_back_and_nothing_else() {
        let mut names = 0;
        for name in NAMED_ENTITIES.keys() {
            let want = standard(name);
            assert_eq!(lookup(name), want, "{name}");
            names += usize::from(want.is_some());
            // Through the tokenizer's entry point: the name followed by text that
            // cannot continue it.
            let (semicolon, len) = (name.ends_with(';'), name.len());
            let matched = match_named(&format!("{name} x"));
            if let Some(chars) = want {
                assert_eq!(matched, Some((len, chars, semicolon)), "{name}");
            }
            // Without its semicolon, only a legacy name still matches in full.
            if let Some(base) = name.strip_suffix(';').filter(|_| want.is_some()) {
                let legacy = standard(base);
                assert_eq!(lookup(base), legacy, "{base}");
                let got = match_named(&format!("{base} "));
                assert_eq!(got.is_some_and(|m| m.0 == base.len()), legacy.is_some());
            }
            // Other cases and one letter changed: no name unless the list has it.
            let mut b = name.as_bytes().to_vec();
            for i in 0..b.len() {
                let c = b[i];
                for d in [c.to_ascii_uppercase(), c.to_ascii_lowercase(), c + 1, b'1'] {
                    b[i] = d;
                    if let Ok(other) = std::str::from_utf8(&b) {
                        assert_eq!(lookup(other), standard(other), "{other}");
                    }
                }
                b[i] = c;
            }
        }
        assert_eq!(names, 2231);
        for other in [
            "", ";", "amp;;", "am p;", "&amp;", "amp ", "zzzz;", "AAAA;", "0;", "\u{e9};",
        ] {
            assert_eq!(lookup(other), None, "{other:?}");
        }
    }

    /// The standard's rule, the slow way: the longest name of the list the text starts with.
    fn longest_name(rest: &str) -> Option<(usize, (char, Option<char>), bool)> {
        (1..=rest.len().min(40)).rev().find_map(|len| {
            let name = rest.get(..len)?;
            standard(name).map(|chars| (len, chars, name.ends_with(';')))
        })
    }

    #[test]
    fn the_longest_match_rule_on_names_cut_changed_and_extended() {
        let names: Vec<&str> = NAMED_ENTITIES.keys().copied().collect();
        let tails = ["", ";", "x", "1", ";x", "= ", " ", "amp;", "in;", "e;"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let name = names[next(names.len())];
            let mut text: Vec<u8> = name.as_bytes()[..next(name.len() + 1)].to_vec();
            if !text.is_empty() && next(3) == 0 {
                let i = next(text.len());
                text[i] = b"aAzZe0;qT"[next(9)];
            }
            text.extend_from_slice(tails[next(tails.len())].as_bytes());
            let text = String::from_utf8(text).unwrap();
            if !text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                continue;
            }
            assert_eq!(match_named(&text), longest_name(&text), "{text}");
            checked += 1;
        }
        assert!(checked > 150_000, "{checked}");
    }

    #[test]
    fn longest_match_and_numeric_replacements() {
        assert_eq!(match_named("amp;x"), Some((4, ('&', None), true)));
        assert_eq!(match_named("ampx"), Some((3, ('&', None), false)));
        assert_eq!(match_named("notit;"), Some((3, ('¬', None), false)));
        assert_eq!(match_named("notin;"), Some((6, ('∉', None), true)));
        assert_eq!(match_named("copy2"), Some((4, ('©', None), false)));
        assert_eq!(match_named("frac34x"), Some((6, ('¾', None), false)));
        assert_eq!(match_named("unknown;"), None);
        assert_eq!(
            match_named("nGt;"),
            Some((4, ('≫', Some('\u{20d2}')), true))
        );
        // The common ones, whose shortcut skips the table, read as the table has them.
        for name in ["amp;", "lt;", "gt;", "quot;", "nbsp;", "apos;"] {
            let (chars, legacy) = find(&name.as_bytes()[..name.len() - 1]).unwrap();
            assert_eq!(legacy, name != "apos;");
            assert_eq!(match_named(name), Some((name.len(), chars, true)));
            assert_eq!(standard(name), Some(chars));
        }
        assert_eq!(numeric(0), '\u{fffd}');
        assert_eq!(numeric(0x80), '€');
        assert_eq!(numeric(0x81), '\u{81}');
        assert_eq!(numeric(0xd800), '\u{fffd}');
        assert_eq!(numeric(0x110000), '\u{fffd}');
        assert_eq!(numeric(u32::MAX), '\u{fffd}');
        assert_eq!(numeric(0xfffe), '\u{fffe}');
        for i in 0..32u32 {
            let want = html5ever::data::C1_REPLACEMENTS[i as usize]
                .unwrap_or_else(|| char::from_u32(0x80 + i).unwrap());
            assert_eq!(numeric(0x80 + i), want);
        }
    }
}
