//! Unicode word boundaries (UAX #29, "Word Boundaries", as of Unicode 17), for deep links'
//! terms: every character's word-break class from a compact table ([`table`], generated
//! by this module's test from the classification of the word segmenter the tests compare
//! with, `QUOTEBOOK_REGENERATE=1`), and the rules WB1–WB999 over it.
//!
//! The table lists the runs of code points of one class, gaps included (as runs of class
//! `ANY`): `CLASSES`, a byte per run, and `DELTAS`, how far each run starts after the one
//! before, as LEB128 numbers (2.3 KB; 1 to 3 bytes each). [`INDEX`], computed at compile
//! time, has where every 32nd run starts, so a lookup reads at most 31 deltas. `Extend`
//! and `Format` are one class here: no rule tells them apart.

#[rustfmt::skip]
mod table;

#[cfg(test)]
mod tests;

use table::{CLASSES, DELTAS};

// Word-break classes. The low five bits are the `Word_Break` value, [`PICT`] marks
// `Extended_Pictographic` (which only WB3c reads).
const ANY: u8 = 0;
const ALETTER: u8 = 1;
const HEBREW: u8 = 2;
const NUMERIC: u8 = 3;
const KATAKANA: u8 = 4;
const EXTEND_NUM_LET: u8 = 5;
const MID_LETTER: u8 = 6;
const MID_NUM: u8 = 7;
const MID_NUM_LET: u8 = 8;
const SINGLE_QUOTE: u8 = 9;
const DOUBLE_QUOTE: u8 = 10;
const REGIONAL: u8 = 11;
const WSEG_SPACE: u8 = 12;
/// `Extend` or `Format`.
const EXTEND: u8 = 13;
const ZWJ: u8 = 14;
const CR: u8 = 15;
const LF: u8 = 16;
const NEWLINE: u8 = 17;
/// The number of `Word_Break` values above.
#[cfg(test)]
const KINDS: u8 = 18;
const PICT: u8 = 0x20;
const KIND: u8 = 0x1f;

/// Runs per entry of [`INDEX`].
const BLOCK: usize = 32;
const BLOCKS: usize = CLASSES.len().div_ceil(BLOCK);

/// A LEB128 number of `DELTAS` at `at`, and where the next one starts.
const fn read_delta(mut at: usize) -> (u32, usize) {
    let (mut value, mut shift) = (0u32, 0);
    loop {
        let byte = DELTAS[at];
        at += 1;
        value |= ((byte & 0x7f) as u32) << shift;
        if byte < 0x80 {
            return (value, at);
        }
        shift += 7;
    }
}

/// For every [`BLOCK`]th run: where it starts, and where the delta to the run after it
/// is in `DELTAS`.
const INDEX: ([u32; BLOCKS], [u16; BLOCKS]) = {
    let (mut starts, mut ats) = ([0u32; BLOCKS], [0u16; BLOCKS]);
    let (mut run, mut start, mut at) = (0, 0, 0);
    while run < CLASSES.len() {
        if run % BLOCK == 0 {
            starts[run / BLOCK] = start;
            ats[run / BLOCK] = at as u16;
        }
        if run + 1 < CLASSES.len() {
            let (delta, next) = read_delta(at);
            start += delta;
            at = next;
        }
        run += 1;
    }
    assert!(at == DELTAS.len() && start < 0x11_0000);
    (starts, ats)
};

/// The class of code point `c`, and the code points `[lo, hi)` of its run.
const fn lookup(c: u32) -> (u8, u32, u32) {
    let (mut lo, mut hi) = (0, BLOCKS);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if INDEX.0[mid] <= c {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let (mut run, mut start, mut at) = (lo * BLOCK, INDEX.0[lo], INDEX.1[lo] as usize);
    loop {
        if run + 1 == CLASSES.len() {
            return (CLASSES[run], start, 0x11_0000);
        }
        let (delta, next_at) = read_delta(at);
        if start + delta > c {
            return (CLASSES[run], start, start + delta);
        }
        run += 1;
        start += delta;
        at = next_at;
    }
}

/// The class of every ASCII character, read from the table at compile time.
const ASCII: [u8; 128] = {
    let mut out = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        out[c] = lookup(c as u32).0;
        c += 1;
    }
    out
};

/// Classes of the characters of one text: the last run looked up is kept, since
/// neighbouring characters are mostly of one script and often of one run.
struct Classes {
    lo: u32,
    hi: u32,
    class: u8,
}

impl Classes {
    fn new() -> Classes {
        Classes {
            lo: 0,
            hi: 0,
            class: ANY,
        }
    }

    fn of(&mut self, c: char) -> u8 {
        let u = c as u32;
        if let Some(&k) = ASCII.get(u as usize) {
            return k;
        }
        if !(self.lo..self.hi).contains(&u) {
            (self.class, self.lo, self.hi) = lookup(u);
        }
        self.class
    }
}

#[cfg(test)]
fn class(c: char) -> u8 {
    lookup(c as u32).0
}

fn is_ignored(kind: u8) -> bool {
    kind == EXTEND || kind == ZWJ
}

fn is_newline(kind: u8) -> bool {
    matches!(kind, CR | LF | NEWLINE)
}

fn is_ahletter(kind: u8) -> bool {
    kind == ALETTER || kind == HEBREW
}

/// `MidLetter | MidNumLetQ` (WB6, WB7).
fn is_mid_letter(kind: u8) -> bool {
    matches!(kind, MID_LETTER | MID_NUM_LET | SINGLE_QUOTE)
}

/// `MidNum | MidNumLetQ` (WB11, WB12).
fn is_mid_num(kind: u8) -> bool {
    matches!(kind, MID_NUM | MID_NUM_LET | SINGLE_QUOTE)
}

/// One character with the `Extend`, `Format` and `ZWJ` characters that follow it (WB4:
/// they take their predecessor's part, except after a line break or at the start).
#[derive(Clone, Copy)]
struct Unit {
    start: usize,
    /// The first character's class, [`PICT`] included.
    first: u8,
    /// The last character's kind (for the rules before WB4, which read raw neighbours).
    last: u8,
}

/// The word boundaries of `s` as byte offsets, ascending: 0, every boundary inside, and
/// `s.len()` (just `[0]` for an empty `s`).
pub fn word_bounds(s: &str) -> Vec<usize> {
    let mut classes = Classes::new();
    bounds_with(s, |c| classes.of(c))
}

/// [`word_bounds`] with the classes from `class_of` (the table's generator tries other
/// classes for one character with it).
fn bounds_with(s: &str, mut class_of: impl FnMut(char) -> u8) -> Vec<usize> {
    let mut units: Vec<Unit> = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let k = class_of(c);
        let kind = k & KIND;
        if is_ignored(kind)
            && let Some(u) = units.last_mut()
            && !is_newline(u.first & KIND)
        {
            u.last = kind;
            continue;
        }
        units.push(Unit {
            start: i,
            first: k,
            last: kind,
        });
    }
    let mut out = Vec::with_capacity(units.len() + 1);
    out.push(0);
    // Regional indicators in a row so far, ending with the previous unit (WB15, WB16).
    let mut regional_run = 0usize;
    for j in 1..units.len() {
        let (prev, cur) = (units[j - 1], units[j]);
        regional_run = if prev.first & KIND == REGIONAL {
            regional_run + 1
        } else {
            0
        };
        let before = (j >= 2).then(|| units[j - 2].first & KIND);
        let after = units.get(j + 1).map(|u| u.first);
        if breaks(prev, cur, before, after, regional_run) {
            out.push(cur.start);
        } else if prev.last == ZWJ && cur.first & PICT != 0 {
            // After WB3c the pictograph counts as `Any` for the rules that follow: `Ⓜ`
            // (`ALetter`) then ends its word, as in the segmenter the tests compare with
            // (the standard would join it to a following letter by WB5).
            units[j].first = PICT | ANY;
        }
    }
    if !s.is_empty() {
        out.push(s.len());
    }
    out
}

/// Whether there is a boundary between units `prev` and `cur`, `before` being the kind of
/// the unit before `prev` and `after` the class of the one after `cur`.
fn breaks(
    prev: Unit,
    cur: Unit,
    before: Option<u8>,
    after: Option<u8>,
    regional_run: usize,
) -> bool {
    let (raw, next) = (prev.last, cur.first & KIND);
    // WB3, WB3a, WB3b: CR LF stays whole; otherwise break around line breaks.
    if raw == CR && next == LF {
        return false;
    }
    if is_newline(raw) || is_newline(next) {
        return true;
    }
    // WB3c: an emoji ZWJ sequence. WB3d: horizontal white space stays whole.
    if (raw == ZWJ && cur.first & PICT != 0) || (raw == WSEG_SPACE && next == WSEG_SPACE) {
        return false;
    }
    // (WB4: a unit only starts at an ignored character after a line break, which breaks.)
    let (l, r) = (prev.first & KIND, next);
    let before = before.unwrap_or(ANY);
    let after = after.unwrap_or(ANY);
    // Where WB6, WB7b and WB12 look past `cur`, a pictograph that `cur`'s last ZWJ joins
    // (WB3c) counts as the letter or digit they look for: `a'`, ZWJ and an emoji stay one
    // word, as in the segmenter the tests compare with.
    let zwj_pict = cur.last == ZWJ && after & PICT != 0;
    let after = after & KIND;
    let joined =
        // WB5–WB7: letters, and letters around an apostrophe, a period or a colon.
        (is_ahletter(l) && is_ahletter(r))
        || (is_ahletter(l) && is_mid_letter(r) && (is_ahletter(after) || zwj_pict))
        || (is_ahletter(before) && is_mid_letter(l) && is_ahletter(r))
        // WB7a–WB7c: Hebrew letters with quotes.
        || (l == HEBREW && r == SINGLE_QUOTE)
        || (l == HEBREW && r == DOUBLE_QUOTE && (after == HEBREW || zwj_pict))
        || (before == HEBREW && l == DOUBLE_QUOTE && r == HEBREW)
        // WB8–WB10: numbers, and letters with digits.
        || ((l == NUMERIC || is_ahletter(l)) && r == NUMERIC)
        || (l == NUMERIC && is_ahletter(r))
        // WB11, WB12: numbers around a comma, a period or an apostrophe.
        || (before == NUMERIC && is_mid_num(l) && r == NUMERIC)
        || (l == NUMERIC && is_mid_num(r) && (after == NUMERIC || zwj_pict))
        // WB13: Katakana.
        || (l == KATAKANA && r == KATAKANA)
        // WB13a, WB13b: connectors such as `_`.
        || (matches!(l, ALETTER | HEBREW | NUMERIC | KATAKANA | EXTEND_NUM_LET) && r == EXTEND_NUM_LET)
        || (l == EXTEND_NUM_LET && matches!(r, ALETTER | HEBREW | NUMERIC | KATAKANA))
        // WB15, WB16: regional indicators in pairs.
        || (l == REGIONAL && r == REGIONAL && regional_run % 2 == 1);
    // WB999: otherwise, break.
    !joined
}
