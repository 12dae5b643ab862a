//! A native text-directive matcher, following the specification's "find a range from a
//! text directive" algorithm over the page text, used to check that a generated fragment
//! selects exactly the quote and nothing else.
//!
//! Like the `text-fragments-polyfill` (which the browser tests use as the judge), it
//! enumerates matches rather than stopping at the first, so a directive can be checked
//! for uniqueness: browsers highlight the first match, the polyfill only a unique one.

use super::text::{Prepared, WordBounds, fold_term, is_boundary_char};

/// A parsed `text=` directive: `[prefix-,]start[,end][,-suffix]`, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextDirective {
    pub prefix: Option<String>,
    pub start: String,
    pub end: Option<String>,
    pub suffix: Option<String>,
}

/// Characters left as they are in a directive term: those `encodeURIComponent` keeps,
/// less `-` (which the directive syntax uses).
fn keep(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
}

/// Percent-encodes a directive term (UTF-8): `-`, `,`, `&`, spaces, `#`, `%` and every
/// other character outside `encodeURIComponent`'s unreserved set.
pub fn encode_term(term: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(term.len() * 3);
    for &b in term.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// Decodes `%XX` escapes; `None` when they do not form UTF-8.
pub fn decode_term(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl TextDirective {
    /// The directive's value as it goes after `text=`, percent-encoded.
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        if let Some(p) = &self.prefix {
            out.push_str(&encode_term(p));
            out.push_str("-,");
        }
        out.push_str(&encode_term(&self.start));
        if let Some(e) = &self.end {
            out.push(',');
            out.push_str(&encode_term(e));
        }
        if let Some(s) = &self.suffix {
            out.push_str(",-");
            out.push_str(&encode_term(s));
        }
        out
    }

    /// Parses a directive value (what follows `text=`, or a whole `#:~:text=...` hash
    /// holding one text directive). `None` when malformed.
    pub fn parse(value: &str) -> Option<TextDirective> {
        let v = value.trim_start_matches('#');
        let v = v.split_once(":~:").map_or(v, |(_, d)| d);
        let v = v
            .split('&')
            .find_map(|d| d.strip_prefix("text="))
            .unwrap_or(v);
        let mut parts: Vec<&str> = v.split(',').collect();
        if parts.is_empty() || parts.len() > 4 {
            return None;
        }
        let prefix = match parts.first() {
            Some(p) if p.ends_with('-') && parts.len() > 1 => {
                let p = parts.remove(0);
                Some(decode_term(&p[..p.len() - 1])?)
            }
            _ => None,
        };
        let suffix = match parts.last() {
            Some(s) if s.starts_with('-') && parts.len() > 1 => {
                let s = parts.pop()?;
                Some(decode_term(&s[1..])?)
            }
            _ => None,
        };
        let (start, end) = match parts.as_slice() {
            [s] => (decode_term(s)?, None),
            [s, e] => (decode_term(s)?, Some(decode_term(e)?)),
            _ => return None,
        };
        let empty = |t: &Option<String>| t.as_ref().is_some_and(String::is_empty);
        if start.is_empty() || empty(&prefix) || empty(&end) || empty(&suffix) {
            return None;
        }
        Some(TextDirective {
            prefix,
            start,
            end,
            suffix,
        })
    }
}

enum Suffix {
    Match,
    Misplaced,
    NoMatch,
}

/// The matching state over one prepared page text.
struct Search<'p, 'a> {
    p: &'p Prepared<'a>,
    mode: WordBounds,
}

impl Search<'_, '_> {
    /// Characters skipped between a context term and the text it must be next to: the
    /// specification skips whitespace, the polyfill whitespace and punctuation. Block
    /// separators are whitespace.
    fn skip(&self, mut i: usize) -> usize {
        while let Some(c) = self.p.char_at(i) {
            let skip = match self.mode {
                WordBounds::Unicode => c.is_whitespace(),
                WordBounds::Punctuation => is_boundary_char(c),
            };
            if !skip {
                break;
            }
            i += c.len_utf8();
        }
        i
    }

    /// The first occurrence of folded `term` starting at or after `from`, bounded as
    /// asked (the polyfill always bounds both ends).
    fn find(
        &self,
        term: &str,
        from: usize,
        start_bounded: bool,
        end_bounded: bool,
    ) -> Option<(usize, usize)> {
        if term.is_empty() {
            return None;
        }
        let norm = &self.p.norm;
        let mut pos = from;
        while pos <= norm.len() {
            let idx = pos + norm.get(pos..)?.find(term)?;
            let end = idx + term.len();
            let ok = match self.mode {
                WordBounds::Unicode => {
                    (!start_bounded || self.p.is_word_boundary(idx))
                        && (!end_bounded || self.p.is_word_boundary(end))
                }
                WordBounds::Punctuation => self.p.punct_bounded(idx, end),
            };
            if ok {
                return Some((idx, end));
            }
            pos = idx + norm[idx..].chars().next().map_or(1, char::len_utf8);
        }
        None
    }

    /// Whether folded `term` occurs at `pos` exactly, bounded as [`Search::find`] asks.
    fn at(
        &self,
        term: &str,
        pos: usize,
        start_bounded: bool,
        end_bounded: bool,
    ) -> Option<(usize, usize)> {
        if term.is_empty() || !self.p.norm.get(pos..)?.starts_with(term) {
            return None;
        }
        let end = pos + term.len();
        let ok = match self.mode {
            WordBounds::Unicode => {
                (!start_bounded || self.p.is_word_boundary(pos))
                    && (!end_bounded || self.p.is_word_boundary(end))
            }
            WordBounds::Punctuation => self.p.punct_bounded(pos, end),
        };
        ok.then_some((pos, end))
    }

    /// The suffix test: the first bounded occurrence of the suffix after `after` (past
    /// skippable characters) must start right there. Only that position is examined: an
    /// occurrence further on and none at all differ only in that the latter lets the
    /// search stop early, which `last` (the suffix's last occurrence) tells cheaply.
    fn check_suffix(&self, suffix: &str, after: usize, last: Option<usize>) -> Suffix {
        let at = self.skip(after);
        if self.at(suffix, at, false, true).is_some() {
            Suffix::Match
        } else if last.is_none_or(|l| l < at) {
            Suffix::NoMatch
        } else {
            Suffix::Misplaced
        }
    }
}

/// Finds up to `limit` ranges the directive selects in the page text, in order, as
/// byte ranges of the folded text (see [`Prepared`]).
pub(crate) fn find_folded(
    p: &Prepared<'_>,
    d: &TextDirective,
    mode: WordBounds,
    limit: usize,
) -> Vec<(usize, usize)> {
    let s = Search { p, mode };
    let start = fold_term(&d.start);
    let end = d.end.as_deref().map(fold_term);
    let prefix = d.prefix.as_deref().map(fold_term);
    let suffix = d.suffix.as_deref().map(fold_term);
    let start_end_bounded = end.is_some() || suffix.is_none();
    let next = |i: usize| i + p.char_at(i).map_or(1, char::len_utf8);
    let last_suffix = suffix.as_deref().and_then(|x| p.norm.rfind(x));
    let last_start = p.norm.rfind(start.as_str());

    let mut results = Vec::new();
    let mut search = 0;
    let n = p.len();
    'outer: while search < n && results.len() < limit {
        let potential;
        if let Some(prefix) = &prefix {
            let Some(pm) = s.find(prefix, search, true, false) else {
                break;
            };
            search = next(pm.0);
            let ms = s.skip(pm.1);
            if ms >= n {
                break;
            }
            // The start must follow the prefix right away; only that position counts.
            let Some(m) = s.at(&start, ms, false, start_end_bounded) else {
                if last_start.is_none_or(|l| l < ms) {
                    break;
                }
                continue;
            };
            potential = m;
        } else {
            let Some(m) = s.find(&start, search, true, start_end_bounded) else {
                break;
            };
            search = next(m.0);
            potential = m;
        }

        if let Some(end) = &end {
            let mut from = potential.1;
            while results.len() < limit {
                let Some(e) = s.find(end, from, true, suffix.is_none()) else {
                    break;
                };
                from = next(e.0);
                let candidate = (potential.0, e.1);
                match &suffix {
                    None => results.push(candidate),
                    Some(sfx) => match s.check_suffix(sfx, candidate.1, last_suffix) {
                        Suffix::NoMatch => break,
                        Suffix::Match => results.push(candidate),
                        Suffix::Misplaced => {}
                    },
                }
            }
        } else if let Some(sfx) = &suffix {
            match s.check_suffix(sfx, potential.1, last_suffix) {
                Suffix::NoMatch => break 'outer,
                Suffix::Match => results.push(potential),
                Suffix::Misplaced => {}
            }
        } else {
            results.push(potential);
        }
    }
    results
}

/// Finds up to `limit` ranges that the directive selects in `page_text` (blocks separated
/// by `\n`), as byte ranges of `page_text`.
pub fn find_matches(
    page_text: &str,
    directive: &TextDirective,
    mode: WordBounds,
    limit: usize,
) -> Vec<(usize, usize)> {
    let p = Prepared::new(page_text);
    find_folded(&p, directive, mode, limit)
        .into_iter()
        .map(|(a, b)| p.to_original(a, b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> TextDirective {
        TextDirective::parse(s).unwrap_or_else(|| panic!("parse {s}"))
    }

    fn texts<'a>(page: &'a str, dir: &str, mode: WordBounds) -> Vec<&'a str> {
        find_matches(page, &d(dir), mode, 10)
            .into_iter()
            .map(|(a, b)| &page[a..b])
            .collect::<Vec<_>>()
    }

    #[test]
    fn parse_and_encode_round_trip() {
        let dir = TextDirective {
            prefix: Some("a-b".into()),
            start: "x, y & z".into(),
            end: Some("50%".into()),
            suffix: Some("é #1".into()),
        };
        let enc = dir.encode();
        assert_eq!(enc, "a%2Db-,x%2C%20y%20%26%20z,50%25,-%C3%A9%20%231");
        assert_eq!(TextDirective::parse(&enc), Some(dir.clone()));
        assert_eq!(TextDirective::parse(&format!("#:~:text={enc}")), Some(dir));
        for bad in ["", ",", "a,b,c,d,e", "%zz", "-,x", "x,-", "%C3"] {
            assert_eq!(TextDirective::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn start_only_is_case_and_accent_insensitive_and_word_bounded() {
        let page = "The cat sat.\nA CAT, a category; a Cát.";
        assert_eq!(
            texts(page, "cat", WordBounds::Unicode),
            vec!["cat", "CAT", "Cát"]
        );
        assert_eq!(
            texts(page, "cat", WordBounds::Punctuation),
            vec!["cat", "CAT", "Cát"]
        );
    }

    #[test]
    fn terms_never_span_blocks_but_ranges_do() {
        let page = "one two\nthree four";
        assert!(texts(page, "two%20three", WordBounds::Unicode).is_empty());
        assert_eq!(
            texts(page, "two,three", WordBounds::Unicode),
            vec!["two\nthree"]
        );
    }

    #[test]
    fn prefix_and_suffix_disambiguate() {
        let page = "red apple pie. green apple tart. red apple tart.";
        assert_eq!(texts(page, "apple", WordBounds::Unicode).len(), 3);
        assert_eq!(
            texts(page, "green-,apple", WordBounds::Unicode),
            vec!["apple"]
        );
        let m = find_matches(page, &d("red-,apple,-tart"), WordBounds::Unicode, 10);
        assert_eq!(
            m,
            vec![(
                page.rfind("apple").unwrap(),
                page.rfind("apple").unwrap() + 5
            )]
        );
        // A prefix ending in punctuation, the next block's start.
        let page2 = "Intro:\nbody text\nbody text";
        assert_eq!(
            find_matches(page2, &d("intro%3A-,body"), WordBounds::Unicode, 10).len(),
            1
        );
    }

    #[test]
    fn every_end_after_the_start_is_a_match() {
        let page = "alpha beta gamma. beta delta gamma.";
        // Two ends follow the single start: ambiguous for the polyfill.
        assert_eq!(texts(page, "alpha,gamma", WordBounds::Unicode).len(), 2);
        assert_eq!(
            texts(page, "alpha,gamma,-.%20beta", WordBounds::Unicode),
            vec!["alpha beta gamma"]
        );
    }

    #[test]
    fn modes_differ_on_cjk_and_punctuation() {
        let page = "我们的中文测试。";
        assert_eq!(texts(page, "中文", WordBounds::Unicode), vec!["中文"]);
        assert!(texts(page, "中文", WordBounds::Punctuation).is_empty());
        assert_eq!(
            texts(page, "我们的中文测试", WordBounds::Punctuation),
            vec!["我们的中文测试"]
        );
        // The specification skips only whitespace before a suffix, the polyfill punctuation too.
        let page = "so it ends, and then";
        assert_eq!(
            texts(page, "ends,-%2C%20and", WordBounds::Unicode),
            vec!["ends"]
        );
        assert!(texts(page, "ends,-%2C%20and", WordBounds::Punctuation).is_empty());
        assert_eq!(
            texts(page, "ends,-and", WordBounds::Punctuation),
            vec!["ends"]
        );
    }
}
