//! Appending quotes to a file the reader edited, without touching a byte of theirs.

const BOM: &[u8] = b"\xef\xbb\xbf";

/// `existing` followed by `blocks`, each separated from what precedes it by a blank line,
/// in the file's own line endings (CRLF when its first line ends so). The existing bytes
/// are kept as they are (a BOM, a missing final line break: one is added first).
pub fn append_blocks<'a>(existing: &[u8], blocks: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let crlf = uses_crlf(existing);
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut out = Vec::with_capacity(existing.len() + 256);
    out.extend_from_slice(existing);
    let body_start = if existing.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    if out.len() > body_start && !out.ends_with(b"\n") {
        // A truncated CRLF file may end in a lone CR: complete that line break.
        out.extend_from_slice(if out.ends_with(b"\r") { b"\n" } else { eol });
    }
    for block in blocks {
        let body = &out[body_start..];
        let blank_before = body.is_empty() || ends_with_blank_line(body);
        if !blank_before {
            out.extend_from_slice(eol);
        }
        for line in block.strip_suffix('\n').unwrap_or(block).split('\n') {
            out.extend_from_slice(line.strip_suffix('\r').unwrap_or(line).as_bytes());
            out.extend_from_slice(eol);
        }
    }
    out
}

/// Whether the file's line endings are CRLF: its first line break decides.
fn uses_crlf(bytes: &[u8]) -> bool {
    match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => i > 0 && bytes[i - 1] == b'\r',
        None => false,
    }
}

/// Whether `body` (ending with a line break) ends with an empty line, or holds only line
/// breaks.
fn ends_with_blank_line(body: &[u8]) -> bool {
    let without_last = trim_eol(body);
    without_last.is_empty() || without_last.ends_with(b"\n")
}

fn trim_eol(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

/// Whether the file holds `block` as whole lines, whatever its line endings and BOM.
pub fn contains_block(file: &[u8], block: &str) -> bool {
    let block = block.strip_suffix('\n').unwrap_or(block).as_bytes();
    if block.is_empty() {
        return true;
    }
    let file = file.strip_prefix(BOM).unwrap_or(file);
    let mut haystack = Vec::with_capacity(file.len() + 2);
    haystack.push(b'\n');
    let mut i = 0;
    while i < file.len() {
        if file[i] == b'\r' && file.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        haystack.push(file[i]);
        i += 1;
    }
    if !haystack.ends_with(b"\n") {
        haystack.push(b'\n');
    }
    let mut needle = Vec::with_capacity(block.len() + 2);
    needle.push(b'\n');
    needle.extend(block.iter().copied().filter(|&b| b != b'\r'));
    needle.push(b'\n');
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn append(existing: &str, blocks: &[&str]) -> String {
        String::from_utf8(append_blocks(existing.as_bytes(), blocks.iter().copied())).unwrap()
    }

    #[test]
    fn appends_after_a_blank_line() {
        assert_eq!(append("a\n", &["> q\n"]), "a\n\n> q\n");
        assert_eq!(append("a\n\n", &["> q\n"]), "a\n\n> q\n");
        assert_eq!(
            append("a\n", &["> q\n", "> r\n>\n> s\n"]),
            "a\n\n> q\n\n> r\n>\n> s\n"
        );
    }

    #[test]
    fn adds_the_missing_final_line_break() {
        assert_eq!(append("a", &["> q\n"]), "a\n\n> q\n");
    }

    #[test]
    fn keeps_crlf_and_bom() {
        assert_eq!(
            append("\u{feff}a\r\nb", &["> q\n>\n> r"]),
            "\u{feff}a\r\nb\r\n\r\n> q\r\n>\r\n> r\r\n"
        );
        assert_eq!(append("\u{feff}", &["> q\n"]), "\u{feff}> q\n");
        assert_eq!(append("a\r\n\r", &["> q\n"]), "a\r\n\r\n> q\r\n");
    }

    #[test]
    fn empty_files_take_the_blocks_alone() {
        assert_eq!(append("", &["> q\n"]), "> q\n");
        assert_eq!(append("\n", &["> q\n"]), "\n> q\n");
    }

    #[test]
    fn the_reader_bytes_are_a_prefix() {
        for existing in ["x", "x\r", "x\r\n", "\u{feff}", "a\n\n\n", "\u{feff}a\r\n"] {
            assert!(append(existing, &["> q\n"]).starts_with(existing));
        }
    }

    #[test]
    fn finds_blocks_as_whole_lines() {
        assert!(contains_block(b"x\n\n> a\n> b\n", "> a\n> b\n"));
        assert!(contains_block(b"\xef\xbb\xbf> a\r\n> b", "> a\n> b\n"));
        assert!(!contains_block(b"> > a\n", "> a\n"));
        assert!(!contains_block(b"> ab\n", "> a\n"));
        assert!(!contains_block(b"> a\n", "> a\n> b\n"));
    }
}
