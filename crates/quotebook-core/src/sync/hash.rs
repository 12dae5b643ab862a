//! Content hashes: SHA-256 in lower-case hex.

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, 64 lower-case hex digits.
pub fn hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A hash of several parts that cannot be confused with another split of the same bytes
/// (each part is prefixed with its length).
pub(crate) fn hash_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

/// A short hash (64 bits) for a quote's rendered block: enough to notice that it changed.
pub(crate) fn short_hash(bytes: &[u8]) -> String {
    let mut full = hash(bytes);
    full.truncate(16);
    full
}

/// A note's digest for incremental sync: the SHA-256 of the note's JSON text, as one line
/// of a backup written by [`crate::library::Library::to_json`] holds it (the extension's
/// stored notes serialise to the same text). Equal digests mean equal text, hence equal
/// notes; a note whose text is laid out otherwise only costs a resend.
pub fn note_digest(note_json: &str) -> String {
    hash(note_json.as_bytes())
}

/// Every key of a stored note's JSON (the note's, its quotes', their selectors'), in an
/// order consistent with [`crate::note::Note::to_json`]: serialising a stored note with
/// its keys in this order (JavaScript's `JSON.stringify(note, NOTE_KEYS)`, whatever order
/// the browser's storage gave them) gives the very text a backup line holds, hence the
/// same [`note_digest`].
pub const NOTE_KEYS: &[&str] = &[
    "schema",
    "id",
    "url",
    "canonical",
    "aliases",
    "title",
    "authors",
    "site",
    "published",
    "description",
    "lang",
    "markdown",
    "text",
    "created",
    "updated",
    "quotes",
    "comment",
    "tags",
    "fragment",
    "selector",
    "private",
    "position",
    "exact",
    "prefix",
    "suffix",
    "kind",
    "repeated",
    "images",
    "alt",
    "caption",
    "name",
    "hash",
    "mime",
    "width",
    "height",
    "size",
    "error",
];

/// A SHA-256 fed piece by piece (and by `serde_json::to_writer`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Hasher(Sha256);

impl Hasher {
    /// Adds one part, length-prefixed as in [`hash_parts`].
    pub(crate) fn part(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sha256_values() {
        assert_eq!(
            hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(short_hash(b"abc"), "ba7816bf8f01cfea");
        assert_eq!(note_digest("abc"), hash(b"abc"));
    }

    /// What `JSON.stringify(value, NOTE_KEYS)` writes: objects' keys in that order.
    fn stringify_with_keys(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Object(map) => {
                let fields: Vec<String> = NOTE_KEYS
                    .iter()
                    .filter_map(|k| {
                        map.get(*k).map(|v| {
                            format!(
                                "{}:{}",
                                serde_json::to_string(k).unwrap(),
                                stringify_with_keys(v)
                            )
                        })
                    })
                    .collect();
                format!("{{{}}}", fields.join(","))
            }
            serde_json::Value::Array(items) => {
                let items: Vec<String> = items.iter().map(stringify_with_keys).collect();
                format!("[{}]", items.join(","))
            }
            other => other.to_string(),
        }
    }

    #[test]
    fn note_keys_give_the_backup_line_whatever_the_stored_order() {
        use crate::note::{Note, Quote, TextSelector};
        let quote = Quote {
            id: "q1".into(),
            markdown: "*M*".into(),
            text: "T".into(),
            created: "2024-01-01T00:00:00.000Z".into(),
            comment: "C".into(),
            tags: vec!["t".into()],
            fragment: Some("text=T".into()),
            selector: Some(TextSelector {
                exact: "T".into(),
                prefix: "p".into(),
                suffix: "s".into(),
                repeated: true,
            }),
            private: true,
            position: Some(7),
            kind: crate::note::QuoteKind::Idea,
            images: vec![crate::note::ImageRef {
                url: "https://a.example/i.png".into(),
                alt: "A".into(),
                hash: Some("h".into()),
                width: Some(3),
                ..Default::default()
            }],
        };
        let note = Note {
            schema: crate::note::SCHEMA_VERSION,
            id: "https://a.example/".into(),
            url: "https://a.example/?x".into(),
            canonical: Some("https://a.example/".into()),
            aliases: vec!["https://b.example/".into()],
            title: "Ti\"tle\n".into(),
            authors: vec!["A".into()],
            site: Some("S".into()),
            published: Some("2023".into()),
            description: Some("D".into()),
            lang: Some("en".into()),
            created: "2024-01-01T00:00:00.000Z".into(),
            updated: "2024-01-02T00:00:00.000Z".into(),
            quotes: vec![
                quote.clone(),
                Quote {
                    selector: None,
                    fragment: None,
                    position: None,
                    ..quote
                },
            ],
        };
        let line = note.to_json();
        // serde_json's Value sorts keys, as a browser's storage may.
        let sorted: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(stringify_with_keys(&sorted), line);
        assert_eq!(
            note_digest(&stringify_with_keys(&sorted)),
            note_digest(&line)
        );
    }

    #[test]
    fn parts_are_delimited() {
        assert_ne!(
            hash_parts([&b"ab"[..], b"c"]),
            hash_parts([&b"a"[..], b"bc"])
        );
        assert_eq!(
            hash_parts([&b"ab"[..], b"c"]),
            hash_parts([&b"ab"[..], b"c"])
        );
    }
}
