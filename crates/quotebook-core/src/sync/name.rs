//! File names from the reader's pattern, valid on Windows, macOS and Linux, and never
//! leaving the synced folder.
//!
//! A pattern is a relative path whose components may hold placeholders: `{title}`,
//! `{date}` (the note's creation day, `YYYY-MM-DD`), `{year}`, `{month}`, `{site}` and
//! `{id}`. A `/` written in the pattern makes a subfolder; a `/` (or `\`) inside a value
//! never does. Every component is sanitised on its own, and the file always ends in `.md`.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::error::Error;

/// The pattern used when the reader sets none.
pub const DEFAULT_PATTERN: &str = "{title}.md";

/// The most bytes of UTF-8 a file or folder name may take on common file systems.
pub(crate) const MAX_NAME_BYTES: usize = 255;

/// The most bytes a name this module makes may take: room is left for the suffix a
/// writer adds to a temporary file beside it (Chromium's `createWritable()` writes to
/// `NAME.crswap`, or `NAME.1.crswap` when that is taken), so that a long title can always
/// be written. Our own temporary files ([`temp_name`]) do not depend on the name at all.
pub(crate) const NAME_BUDGET: usize = MAX_NAME_BYTES - 16;

const EXTENSION: &str = ".md";

/// The values a pattern can use, taken from a note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameFields {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The site's host name, without `www.`.
    pub site: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Title,
    Date,
    Year,
    Month,
    Site,
    Id,
}

/// A parsed file name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    /// One entry per path component; the last is the file's stem (its `.md` removed).
    components: Vec<Vec<Piece>>,
}

impl Default for Pattern {
    fn default() -> Self {
        Pattern::parse(DEFAULT_PATTERN).expect("the default pattern parses")
    }
}

impl Pattern {
    /// Reads a pattern such as `{date} {title}.md` or `{site}/{title}.md`. A missing `.md`
    /// is added; unknown placeholders, unbalanced braces and empty patterns are refused.
    pub fn parse(source: &str) -> Result<Pattern, Error> {
        let bad = |why: &str| Error::InvalidData(format!("file name pattern {source:?}: {why}"));
        let trimmed = source.trim();
        let body = trimmed.strip_suffix(EXTENSION).unwrap_or(trimmed);
        if body.is_empty() {
            return Err(bad("it is empty"));
        }
        let mut components = Vec::new();
        for text in body.split(['/', '\\']) {
            let mut pieces = Vec::new();
            let mut rest = text;
            while !rest.is_empty() {
                if let Some(after) = rest.strip_prefix('{') {
                    let (name, tail) = after
                        .split_once('}')
                        .ok_or_else(|| bad("a `{` is never closed"))?;
                    pieces.push(match name {
                        "title" => Piece::Title,
                        "date" => Piece::Date,
                        "year" => Piece::Year,
                        "month" => Piece::Month,
                        "site" => Piece::Site,
                        "id" => Piece::Id,
                        other => {
                            return Err(bad(&format!(
                                "unknown placeholder {{{other}}} (known: {{title}}, {{date}}, \
                                 {{year}}, {{month}}, {{site}}, {{id}})"
                            )));
                        }
                    });
                    rest = tail;
                } else {
                    let end = rest.find(['{', '}']).unwrap_or(rest.len());
                    if end == 0 {
                        return Err(bad("a `}` is never opened"));
                    }
                    pieces.push(Piece::Literal(rest[..end].to_owned()));
                    rest = &rest[end..];
                }
            }
            // Empty components (`a//b`, a leading `/`) are dropped: a pattern is always
            // relative to the synced folder.
            if !pieces.is_empty() {
                components.push(pieces);
            }
        }
        if components.is_empty() {
            return Err(bad("it names no file"));
        }
        Ok(Pattern {
            source: source.to_owned(),
            components,
        })
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.source
    }

    /// The folders and the file stem this pattern gives for `fields`, each sanitised.
    pub fn apply(&self, fields: &NameFields) -> (Vec<String>, String) {
        let mut parts: Vec<String> = self
            .components
            .iter()
            .map(|pieces| {
                let mut text = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Literal(s) => text.push_str(s),
                        Piece::Title => text.push_str(&fields.title),
                        Piece::Date => text.push_str(&fields.date),
                        Piece::Year => text.push_str(fields.date.get(..4).unwrap_or_default()),
                        Piece::Month => text.push_str(fields.date.get(5..7).unwrap_or_default()),
                        Piece::Site => text.push_str(&fields.site),
                        Piece::Id => text.push_str(&fields.id),
                    }
                }
                text
            })
            .collect();
        let stem = parts.pop().unwrap_or_default();
        let folders = parts
            .iter()
            .map(|folder| {
                let clean = sanitize(folder, "_");
                cut_to_bytes(&clean, NAME_BUDGET, "_")
            })
            .collect();
        (folders, sanitize(&stem, "Untitled"))
    }
}

/// The path of a note's file: its folders, then `stem.md`, or `stem (n).md` for the n-th
/// candidate (n ≥ 2), the stem cut so the name fits in [`NAME_BUDGET`].
pub fn candidate(folders: &[String], stem: &str, n: usize) -> String {
    let suffix = if n >= 2 {
        format!(" ({n}){EXTENSION}")
    } else {
        EXTENSION.to_owned()
    };
    let stem = cut_to_bytes(stem, NAME_BUDGET - suffix.len(), "Untitled");
    let mut path = String::new();
    for folder in folders {
        path.push_str(folder);
        path.push('/');
    }
    path.push_str(&stem);
    path.push_str(&suffix);
    path
}

/// The key under which two paths collide on a file system that ignores case or Unicode
/// normalisation (macOS stores `é` composed and decomposed as one name): lowercased, then
/// in NFC.
pub fn collision_key(path: &str) -> String {
    path.to_lowercase().nfc().collect()
}

/// The name of the temporary file a writer makes beside the file it replaces (`pid`: its
/// process, `n`: its attempt). Short and independent of that file's name, which may
/// already take every byte the file system allows.
pub fn temp_name(pid: u32, n: u32) -> String {
    format!(".quotebook-{pid}-{n}.tmp")
}

/// One name made safe on every common file system: no forbidden or invisible characters,
/// no leading dots or spaces, no trailing dots or spaces, not a reserved device name.
/// Returns `fallback` when nothing is left.
pub(crate) fn sanitize(text: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '/' | '\\' | '|' | ':' => '-',
            '"' | '<' | '>' | '?' | '*' => continue,
            c if c.is_whitespace() => ' ',
            // Invisible characters make a name look like another one.
            c if c.is_control() || quotebook_html::chars::is_invisible(c) => continue,
            c => c,
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    let trimmed = out
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let mut name = if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed.to_owned()
    };
    if is_reserved(&name) {
        let base_end = name.find('.').unwrap_or(name.len());
        name.insert(base_end, '_');
    }
    name
}

/// Cuts `text` to at most `max` bytes between two grapheme clusters (an accent stays on
/// its letter, a flag or a family emoji whole), then drops the trailing dots and spaces the
/// cut may have exposed.
fn cut_to_bytes(text: &str, max: usize, fallback: &str) -> String {
    let end = if text.len() <= max {
        text.len()
    } else {
        text.grapheme_indices(true)
            .map(|(i, g)| i + g.len())
            .take_while(|&end| end <= max)
            .last()
            .unwrap_or(0)
    };
    let cut = text[..end].trim_end_matches(['.', ' ']);
    if cut.is_empty() {
        fallback.to_owned()
    } else {
        cut.to_owned()
    }
}

/// Windows' device names, with any extension: `CON`, `nul.txt`, `COM1.md`, `LPT¹`…
fn is_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper = base.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = upper.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (prefix == "COM" || prefix == "LPT")
        && rest.len() == 1
        && (rest[0].is_ascii_digit() || matches!(rest[0], '¹' | '²' | '³'))
}

/// Whether `path` is a relative path that stays inside the synced folder and is a name
/// this module could have produced: the executors refuse any other (a state file from a
/// shared folder is not trusted).
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|component| {
            !component.is_empty()
                && component.len() <= MAX_NAME_BYTES
                && sanitize(component, "") == component
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str) -> NameFields {
        NameFields {
            title: title.into(),
            date: "2024-06-05".into(),
            site: "example.com".into(),
            id: "https://example.com/a".into(),
        }
    }

    fn path(pattern: &str, title: &str) -> String {
        let (folders, stem) = Pattern::parse(pattern).unwrap().apply(&fields(title));
        candidate(&folders, &stem, 1)
    }

    #[test]
    fn placeholders_fill_in() {
        assert_eq!(path("{title}.md", "Hello"), "Hello.md");
        assert_eq!(path("{date} {title}", "Hello"), "2024-06-05 Hello.md");
        assert_eq!(
            path("{site}/{year}/{month} {title}.md", "Hi"),
            "example.com/2024/06 Hi.md"
        );
        assert_eq!(path("{id}", ""), "https---example.com-a.md");
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in ["", ".md", "{nope}.md", "{title", "title}", "//"] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn forbidden_characters_and_separators_never_make_paths() {
        assert_eq!(path("{title}", "../../etc/passwd"), "-..-etc-passwd.md");
        assert_eq!(path("{title}", "/abs/path"), "-abs-path.md");
        assert_eq!(path("{title}", "C:\\Windows\\x"), "C--Windows-x.md");
        assert_eq!(path("{title}", "a<b>c:\"d\"|e?f*g"), "abc-d-efg.md");
        assert_eq!(
            path("{title}", "tab\there\nnew\u{7}line"),
            "tab here newline.md"
        );
        assert_eq!(path("{title}", "evil\u{202e}dm.exe"), "evildm.exe.md");
        assert_eq!(path("../{title}", "x"), "_/x.md");
        assert_eq!(path("/{title}", "x"), "x.md");
        assert_eq!(path("{title}", ".quotebook"), "quotebook.md");
    }

    #[test]
    fn trailing_dots_spaces_and_empty_titles() {
        assert_eq!(path("{title}", "  Why?.. "), "Why.md");
        assert_eq!(path("{title}", "..."), "Untitled.md");
        assert_eq!(path("{title}", ""), "Untitled.md");
    }

    #[test]
    fn reserved_device_names_get_a_suffix() {
        for name in [
            "CON", "con", "Nul", "aux", "PRN", "COM1", "lpt9", "COM¹", "nul.tar",
        ] {
            let got = path("{title}", name);
            assert_ne!(got.to_lowercase(), format!("{}.md", name.to_lowercase()));
            assert!(got.contains('_'), "{name} → {got}");
        }
        assert_eq!(path("{title}", "CONTROL"), "CONTROL.md");
        assert_eq!(path("{title}", "COM10"), "COM10.md");
    }

    #[test]
    fn long_names_are_cut_on_a_char_boundary_keeping_the_extension() {
        let title = "é".repeat(300);
        let name = path("{title}", &title);
        assert!(name.len() <= NAME_BUDGET);
        assert!(name.ends_with(".md"));
        let (folders, stem) = Pattern::default().apply(&fields(&title));
        let second = candidate(&folders, &stem, 12);
        assert!(
            second.len() <= NAME_BUDGET && second.ends_with("é (12).md"),
            "{second}"
        );
    }

    /// Issue 17, point 5: a title of any script fits, in every component, with a browser's
    /// swap suffix after it; our temporary names are short whatever the name; and no cut
    /// splits what a reader sees as one character.
    #[test]
    fn long_titles_fit_with_any_suffix_and_keep_graphemes_whole() {
        let titles = [
            "漢字かな交じり文".repeat(40),
            "👨\u{200d}👩\u{200d}👧\u{200d}👦".repeat(40),
            format!("a{}", "e\u{301}".repeat(300)),
            "🇫🇷🇯🇵".repeat(60),
            format!("x{}", "\u{1100}\u{1161}\u{11a8}".repeat(100)),
            "ठ्ठि".repeat(100),
        ];
        for title in &titles {
            assert!(title.len() > MAX_NAME_BYTES);
            for pattern in [
                "{title}.md",
                "{title}/{title}.md",
                "{date} {title}/x {title}",
            ] {
                let (folders, stem) = Pattern::parse(pattern).unwrap().apply(&fields(title));
                for n in [1, 2, 999_999] {
                    let path = candidate(&folders, &stem, n);
                    for component in path.split('/') {
                        assert!(
                            component.len() + ".1.crswap".len() <= MAX_NAME_BYTES,
                            "{} bytes: {component}",
                            component.len()
                        );
                        // What is kept of the title ends between two graphemes of it.
                        let kept = component
                            .trim_start_matches("2024-06-05 ")
                            .trim_start_matches("x ")
                            .trim_end_matches(".md")
                            .trim_end_matches(&format!(" ({n})"));
                        // Invisible characters (a zero-width joiner) are dropped first.
                        let clean = sanitize(title, "");
                        assert!(clean.starts_with(kept), "{kept:?}");
                        assert!(
                            clean.grapheme_indices(true).any(|(i, _)| i == kept.len()),
                            "cut inside a grapheme: {kept:?}"
                        );
                    }
                }
            }
        }
        let longest = temp_name(u32::MAX, u32::MAX);
        assert!(longest.len() <= 40 && longest.starts_with('.'), "{longest}");
        assert_ne!(temp_name(1, 0), temp_name(1, 1));
        assert_ne!(temp_name(1, 0), temp_name(2, 0));
    }

    /// Issue 17, point 7: names that one file system stores as one collide here too: case,
    /// and Unicode normalisation (macOS keeps NFC and NFD spellings as one name).
    #[test]
    fn collision_keys_ignore_case_and_normalisation() {
        let composed = "Caf\u{e9}/R\u{e9}sum\u{e9}.md";
        let decomposed = "Cafe\u{301}/Re\u{301}sume\u{301}.md";
        assert_ne!(composed, decomposed);
        assert_eq!(collision_key(composed), collision_key(decomposed));
        assert_eq!(
            collision_key("CAFE\u{301}.md"),
            collision_key("caf\u{e9}.md")
        );
        assert_eq!(collision_key("\u{212b}.md"), collision_key("\u{e5}.md"));
        assert_ne!(collision_key("cafe.md"), collision_key("caf\u{e9}.md"));
    }

    #[test]
    fn safe_relative_paths() {
        assert!(is_safe_relative("a/b c.md"));
        for bad in [
            "",
            "/a.md",
            "../a.md",
            "a/../b.md",
            "a//b.md",
            ".quotebook/state.json",
        ] {
            assert!(!is_safe_relative(bad), "{bad:?}");
        }
        assert!(!is_safe_relative("a\\b.md"));
        assert!(!is_safe_relative("C:x.md"));
        assert!(!is_safe_relative("con.md"));
    }
}
