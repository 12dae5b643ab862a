//! HTML's named character references, as a compact sorted table (`entities_table.rs`,
//! generated from html5ever's list by this module's test, `QUOTEBOOK_REGENERATE=1`), and
//! the numeric ones with the standard's replacements.
//!
//! The table holds every name of the standard's list (2,231, the 106 legacy ones that may
//! go without their semicolon listed twice, as the standard does), about 30 KB in all:
//! the names in one string, their end offsets, and their code points.

#[rustfmt::skip]
mod table;

use table::{CODES, ENDS, NAMES, SECONDS};

/// The longest name without its semicolon that may be written without one (`frac34`,
/// `middot`).
const LONGEST_LEGACY: usize = 6;

fn name(i: usize) -> &'static str {
    let start = if i == 0 { 0 } else { ENDS[i - 1] as usize };
    &NAMES[start..ENDS[i] as usize]
}

/// The characters of the named reference `name` (without the `&`, with its `;` when it
/// has one), or `None` when the standard has no such name.
pub fn lookup(name_: &str) -> Option<(char, Option<char>)> {
    let (mut lo, mut hi) = (0, ENDS.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match name(mid).cmp(name_) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => {
                let code = CODES[mid];
                let first = char::from_u32(code & 0x1f_ffff)?;
                let second = match code >> 21 {
                    0 => None,
                    i => char::from_u32(SECONDS[i as usize - 1]),
                };
                return Some((first, second));
            }
        }
    }
    None
}

/// A named reference at the start of `rest` (the text after `&`, which starts with an
/// ASCII letter or digit), by the standard's longest-match rule: its length (after the
/// `&`), its characters, and whether it ended with `;`. `None` when no name matches.
pub fn match_named(rest: &str) -> Option<(usize, (char, Option<char>), bool)> {
    let b = rest.as_bytes();
    let run = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if b.get(run) == Some(&b';')
        && let Some(chars) = lookup(&rest[..=run])
    {
        return Some((run + 1, chars, true));
    }
    // Only the legacy names, written without their semicolon, can match a prefix.
    (2..=run.min(LONGEST_LEGACY))
        .rev()
        .find_map(|len| lookup(&rest[..len]).map(|chars| (len, chars, false)))
}

/// The character a numeric reference stands for, with the standard's replacements (NUL,
/// surrogates and values past U+10FFFF read as U+FFFD, the C1 controls as the Windows-1252
/// characters they were meant as); `value` saturates rather than overflows.
pub fn numeric(value: u32) -> char {
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

    /// The generated table, as it should read, from html5ever's list.
    fn generate() -> String {
        let mut entries: Vec<(&str, u32, u32)> = html5ever::data::NAMED_ENTITIES
            .entries()
            .filter(|(_, (c1, _))| *c1 != 0)
            .map(|(k, (c1, c2))| (*k, *c1, *c2))
            .collect();
        entries.sort();
        let mut seconds: Vec<u32> = entries.iter().map(|e| e.2).filter(|&c| c != 0).collect();
        seconds.sort();
        seconds.dedup();
        let mut out = String::from(
            "// Generated from html5ever's list of named character references by\n\
             // `QUOTEBOOK_REGENERATE=1 cargo test -p quotebook-html entities`: do not edit.\n\
             // The names, sorted, in one string; `ENDS[i]` is where name `i` ends; `CODES[i]` is\n\
             // its first code point, plus (index + 1 in `SECONDS`) << 21 for a second one.\n\n",
        );
        out.push_str("pub(super) const NAMES: &str = \"\\\n");
        let mut line = 0;
        for (name, _, _) in &entries {
            out.push_str(name);
            line += name.len();
            if line > 80 {
                out.push_str("\\\n");
                line = 0;
            }
        }
        out.push_str("\";\n\npub(super) const ENDS: [u16; ");
        out.push_str(&format!("{}] = [\n", entries.len()));
        let mut end = 0;
        let mut items = Vec::new();
        for (name, _, _) in &entries {
            end += name.len();
            items.push(end.to_string());
        }
        push_items(&mut out, &items);
        out.push_str(&format!(
            "pub(super) const CODES: [u32; {}] = [\n",
            entries.len()
        ));
        let items: Vec<String> = entries
            .iter()
            .map(|&(_, c1, c2)| {
                let second = if c2 == 0 {
                    0
                } else {
                    seconds.iter().position(|&s| s == c2).unwrap() as u32 + 1
                };
                format!("{:#x}", c1 | second << 21)
            })
            .collect();
        push_items(&mut out, &items);
        out.push_str(&format!(
            "pub(super) const SECONDS: [u32; {}] = [\n",
            seconds.len()
        ));
        let items: Vec<String> = seconds.iter().map(|c| format!("{c:#x}")).collect();
        push_items(&mut out, &items);
        out
    }

    fn push_items(out: &mut String, items: &[String]) {
        let mut line = String::from("   ");
        for item in items {
            if line.len() + item.len() + 2 > 96 {
                out.push_str(&line);
                out.push('\n');
                line = String::from("   ");
            }
            line.push(' ');
            line.push_str(item);
            line.push(',');
        }
        out.push_str(&line);
        out.push_str("\n];\n\n");
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
        // And every name reads back as html5ever has it.
        let mut count = 0;
        for (name, &(c1, c2)) in html5ever::data::NAMED_ENTITIES.entries() {
            let got = lookup(name);
            if c1 == 0 {
                assert_eq!(got, None, "{name} is only a prefix");
                continue;
            }
            count += 1;
            let want = (
                char::from_u32(c1).unwrap(),
                char::from_u32(c2).filter(|_| c2 != 0),
            );
            assert_eq!(got, Some(want), "{name}");
        }
        assert_eq!(count, ENDS.len());
        assert!(count > 2200, "{count}");
        let legacy = (0..ENDS.len()).filter(|&i| !name(i).ends_with(';')).count();
        assert_eq!(legacy, 106);
        assert!((0..ENDS.len()).all(|i| name(i).ends_with(';') || name(i).len() <= LONGEST_LEGACY));
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
