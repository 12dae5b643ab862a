//! Just enough YAML to write frontmatter values that always parse back as the same string.

use quotebook_html::chars::is_bidi_control;

/// Appends `value` as a plain scalar when that is unambiguous, otherwise double-quoted.
pub(crate) fn push_scalar(out: &mut String, value: &str) {
    if is_plain_safe(value) {
        out.push_str(value);
        return;
    }
    push_quoted(out, value);
}

/// Appends `value` double-quoted, with every character YAML could misread escaped.
pub(crate) fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) || is_not_printable(c) => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{code:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Outside YAML's printable set (`U+FFFE`, `U+FFFF`), or a byte order mark, which YAML
/// allows only at the start of a stream: strict readers refuse the whole document.
fn is_not_printable(c: char) -> bool {
    matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// A conservative test: plain scalars are only used for text made of characters that can
/// never start, end or interrupt one (letters, digits and URL punctuation), that does not
/// read as another type (`true`, `null`, `1.5`), and has no `: ` or ` #`.
fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    // Values starting with a digit may read as numbers (`1e3`, `0x1F`, `1_000`) or dates;
    // only full timestamps stay plain, which frontmatter readers (Obsidian, Dataview) are
    // meant to see as dates.
    if first.is_ascii_digit() {
        return is_timestamp(value)
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-:.+".contains(c));
    }
    if !first.is_ascii_alphabetic() {
        return false;
    }
    if value.ends_with([' ', ':']) || value.contains(": ") || value.contains(" #") {
        return false;
    }
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~:/?=&%+@,;!$()*".contains(c) || (c == ' '));
    // Anything YAML 1.1 or 1.2 would read as a bool or null must be quoted.
    let typed = matches!(
        value.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    );
    ok && !typed
}

fn is_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && value.contains('T')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(v: &str) -> String {
        let mut s = String::new();
        push_scalar(&mut s, v);
        s
    }

    #[test]
    fn plain_where_unambiguous() {
        assert_eq!(
            scalar("https://a.example/b?c=d&e"),
            "https://a.example/b?c=d&e"
        );
        assert_eq!(scalar("Marc Brooker"), "Marc Brooker");
        assert_eq!(
            scalar("2024-06-05T12:57:03.217Z"),
            "2024-06-05T12:57:03.217Z"
        );
    }

    #[test]
    fn quoted_where_yaml_would_misread() {
        assert_eq!(scalar("You don't need it?"), "\"You don't need it?\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("- item"), "\"- item\"");
        assert_eq!(scalar("#tag"), "\"#tag\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("1.5"), "\"1.5\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("line\nbreak \"q\""), "\"line\\nbreak \\\"q\\\"\"");
        assert_eq!(scalar("bidi\u{202e}"), "\"bidi\\u202e\"");
        // The Arabic letter mark is a bidirectional control too (the policy in
        // quotebook_html::chars).
        assert_eq!(scalar("a\u{61c}b"), "\"a\\u061cb\"");
    }
}
