//! Small date parsing: what pages put in `datePublished`, `article:published_time`,
//! `<time datetime>` and friends, normalised to ISO 8601. No clock, no time zone database.

use std::fmt;

use crate::time::days_from_civil;

/// A date, optionally with a time of day and a UTC offset, as read from a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// Hours, minutes, seconds and milliseconds, when the page gave a time.
    pub time: Option<(u8, u8, u8, u16)>,
    /// Minutes east of UTC, when the page gave an offset (`Z` is 0).
    pub offset_minutes: Option<i32>,
}

impl PageDate {
    /// Milliseconds since the Unix epoch. A missing time counts as midnight and a missing
    /// offset as UTC (pages that omit it usually mean their server's time: the best a
    /// reader without a clock can do).
    pub fn unix_millis(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        );
        let (h, m, s, ms) = self.time.unwrap_or((0, 0, 0, 0));
        let secs = days * 86_400 + i64::from(h) * 3_600 + i64::from(m) * 60 + i64::from(s)
            - i64::from(self.offset_minutes.unwrap_or(0)) * 60;
        secs * 1_000 + i64::from(ms)
    }
}

/// ISO 8601: `2019-01-03`, `2019-01-03T07:00:02`, `2019-01-03T07:00:02.125Z`,
/// `2015-07-24T05:36:09+01:00` (milliseconds only when not zero).
impl fmt::Display for PageDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if let Some((h, m, s, ms)) = self.time {
            write!(f, "T{h:02}:{m:02}:{s:02}")?;
            if ms != 0 {
                write!(f, ".{ms:03}")?;
            }
            match self.offset_minutes {
                Some(0) => f.write_str("Z")?,
                Some(off) => {
                    let sign = if off < 0 { '-' } else { '+' };
                    let a = off.unsigned_abs();
                    write!(f, "{sign}{:02}:{:02}", a / 60, a % 60)?;
                }
                None => {}
            }
        }
        Ok(())
    }
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses the date formats pages use: ISO 8601 / RFC 3339 (also with a space for `T`,
/// `+0100` or `+01` offsets, any number of fraction digits), RFC 2822
/// (`Tue, 03 Jan 2019 07:00:02 GMT`) and English prose (`January 7, 2025 at 6:01 am`,
/// `7 January 2025`). Returns `None` for anything else or an impossible date.
pub fn parse_date(input: &str) -> Option<PageDate> {
    let s = input.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    let d = parse_iso(s).or_else(|| parse_prose(s))?;
    valid(&d).then_some(d)
}

/// The normalised ISO 8601 form of a date string, if it parses.
pub fn normalize_date(input: &str) -> Option<String> {
    parse_date(input).map(|d| d.to_string())
}

fn valid(d: &PageDate) -> bool {
    (1..=9999).contains(&d.year)
        && (1..=12).contains(&d.month)
        && d.day >= 1
        && d.day <= days_in_month(d.year, d.month)
        && d.time.is_none_or(|(h, m, s, _)| h < 24 && m < 60 && s < 61)
        && d.offset_minutes.is_none_or(|o| o.abs() <= 18 * 60)
}

/// A cursor over ASCII bytes.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.i.checked_add(n)?;
        let slice = self.b.get(self.i..end)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i = end;
        Some(
            slice
                .iter()
                .fold(0, |acc, c| acc * 10 + u32::from(c - b'0')),
        )
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

fn parse_iso(s: &str) -> Option<PageDate> {
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)? as i32;
    c.eat(b'-').then_some(())?;
    let month = c.digits(2)? as u8;
    c.eat(b'-').then_some(())?;
    let day = c.digits(2)? as u8;
    let mut date = PageDate {
        year,
        month,
        day,
        time: None,
        offset_minutes: None,
    };
    if c.done() {
        return Some(date);
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let h = c.digits(2)? as u8;
    c.eat(b':').then_some(())?;
    let m = c.digits(2)? as u8;
    let mut sec = 0;
    let mut ms = 0u16;
    if c.eat(b':') {
        sec = c.digits(2)? as u8;
        // A colon before the fraction is a page's mistake ("22:06:08:684Z") that still
        // says when.
        if c.eat(b'.') || c.eat(b',') || c.eat(b':') {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.i += 1;
            }
            let frac = &s[start..c.i];
            if frac.is_empty() {
                return None;
            }
            let mut v = 0u16;
            for (k, ch) in frac.bytes().take(3).enumerate() {
                v += u16::from(ch - b'0') * [100, 10, 1][k];
            }
            ms = v;
        }
    }
    date.time = Some((h, m, sec, ms));
    // Some pages put a space before the zone.
    c.eat(b' ');
    if c.done() {
        return Some(date);
    }
    date.offset_minutes = Some(parse_offset(&s[c.i..])?);
    Some(date)
}

/// `Z`, `UTC`, `GMT`, `+01:00`, `+0100`, `+01`, `-05:00`…
fn parse_offset(s: &str) -> Option<i32> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("gmt")
    {
        return Some(0);
    }
    // Common North American abbreviations, which pages still print.
    let named = [
        ("EST", -300),
        ("EDT", -240),
        ("CST", -360),
        ("CDT", -300),
        ("MST", -420),
        ("MDT", -360),
        ("PST", -480),
        ("PDT", -420),
    ];
    if let Some((_, off)) = named.iter().find(|(n, _)| t.eq_ignore_ascii_case(n)) {
        return Some(*off);
    }
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    let t = t.replace('\u{2212}', "-");
    let mut c = Cur {
        b: t.as_bytes(),
        i: 0,
    };
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return None;
    };
    let h = c.digits(2)? as i32;
    c.eat(b':');
    let m = if c.done() { 0 } else { c.digits(2)? as i32 };
    c.done().then_some(sign * (h * 60 + m))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_of(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (0..12)
        .find(|&i| w == MONTHS[i] || full[i].starts_with(&w) || (i == 8 && w == "sept"))
        .map(|i| i as u8 + 1)
}

/// RFC 2822 and English prose dates, read as words: a month name, a day, a year, an
/// optional `h:mm[:ss]` with `am`/`pm`, an optional zone.
fn parse_prose(s: &str) -> Option<PageDate> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let (mut year, mut month, mut day) = (None, None, None);
    let mut time: Option<(u8, u8, u8, u16)> = None;
    let mut offset = None;
    for w in words {
        let lw = w.to_ascii_lowercase();
        if month.is_none()
            && let Some(m) = month_of(w)
        {
            month = Some(m);
        } else if w.contains(':') && time.is_none() {
            let mut parts = w.split(':');
            let h: u8 = parts.next()?.parse().ok()?;
            let mi: u8 = parts.next()?.get(..2)?.parse().ok()?;
            let sec: u8 = parts
                .next()
                .and_then(|p| p.get(..2)?.parse().ok())
                .unwrap_or(0);
            time = Some((h, mi, sec, 0));
        } else if (lw == "am" || lw == "a.m." || lw == "pm" || lw == "p.m.") && time.is_some() {
            if let Some((h, mi, sec, ms)) = time {
                let h = match (lw.starts_with('p'), h) {
                    (true, h) if h < 12 => h + 12,
                    (false, 12) => 0,
                    (_, h) => h,
                };
                time = Some((h, mi, sec, ms));
            }
        } else if let Some(off) = (time.is_some()).then(|| parse_offset(w)).flatten() {
            offset = Some(off);
        } else if w.bytes().all(|b| b.is_ascii_digit())
            || w.ends_with("st")
            || w.ends_with("nd")
            || w.ends_with("rd")
            || w.ends_with("th")
        {
            let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let n: u32 = digits.parse().ok()?;
            if digits.len() == 4 && year.is_none() {
                year = Some(n as i32);
            } else if digits.len() <= 2 && day.is_none() {
                day = Some(n as u8);
            }
        }
    }
    let (year, month, day) = (year?, month?, day?);
    Some(PageDate {
        year,
        month,
        day,
        time,
        offset_minutes: time.and(offset),
    })
}

/// Month names as pages print them in text, in English, German, French, Spanish, Dutch,
/// Italian and Portuguese
/// (abbreviations are prefixes of at least three letters).
const MONTH_NAMES: [(&str, u8); 71] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // Dutch, Italian and Portuguese where they differ from the above.
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("dezembro", 12),
    ("mrz", 3),
    ("okt", 10),
    ("dez", 12),
    ("sept", 9),
];

fn month_in_text(word: &str) -> Option<u8> {
    let w = word.trim_end_matches(['.', ',']).to_lowercase();
    if w.chars().count() < 3 {
        return None;
    }
    MONTH_NAMES
        .iter()
        .find(|(name, _)| *name == w)
        .or_else(|| MONTH_NAMES.iter().find(|(name, _)| name.starts_with(&w)))
        .map(|(_, m)| *m)
}

/// A day number as printed before or after a month name: `7`, `07.`, `7th`, `1er`, `3,`.
fn day_in_text(word: &str) -> Option<u8> {
    let w = word.trim_end_matches(['.', ',']);
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if digits.is_empty()
        || digits.len() > 2
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !["", "st", "nd", "rd", "th", "er"].contains(&suffix)
    {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_in_text(word: &str) -> Option<i32> {
    let w = word.trim_end_matches(['.', ',', ';', ':']);
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1900..2200).contains(y))
}

/// `31.12.2020`, `31.12.20` is not read (which century?); `2020-12-31`.
fn numeric_in_text(word: &str) -> Option<(i32, u8, u8)> {
    let w = word.trim_end_matches(['.', ',', ';', ':']);
    let parts: Vec<&str> = w.split(['.', '-']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<i32>().ok();
    if w.contains('.') && parts[0].len() <= 2 && parts[1].len() <= 2 && parts[2].len() == 4 {
        Some((n(parts[2])?, n(parts[1])? as u8, n(parts[0])? as u8))
    } else if w.contains('-') && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2 {
        Some((n(parts[0])?, n(parts[1])? as u8, n(parts[2])? as u8))
    } else {
        None
    }
}

/// The first calendar date written in running text (a byline, a dateline), and the byte
/// offset where it starts: `21. April 2020`, `8 January 2020`, `Jan 18, 2019`,
/// `01.12.2021`, `2021-12-01`. Only the date is read, never a time of day.
pub(crate) fn find_date_in_text(text: &str) -> Option<(PageDate, usize)> {
    let words: Vec<(usize, &str)> = text
        .split_word_bound_indices_simple()
        .into_iter()
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let make = |year: i32, month: u8, day: u8| {
        let d = PageDate {
            year,
            month,
            day,
            time: None,
            offset_minutes: None,
        };
        valid(&d).then_some(d)
    };
    for (i, &(at, w)) in words.iter().enumerate() {
        let next = |k: usize| words.get(i + k).map(|(_, w)| *w).unwrap_or("");
        if let Some((y, m, d)) = numeric_in_text(w)
            && let Some(date) = make(y, m, d)
        {
            return Some((date, at));
        }
        if let Some(day) = day_in_text(w) {
            // `21. April 2020`, `8 de enero de 2020`.
            let (mut k, mut month_word) = (1, next(1));
            if month_word == "de" {
                k += 1;
                month_word = next(k);
            }
            if let Some(month) = month_in_text(month_word) {
                let mut year_word = next(k + 1);
                if year_word == "de" {
                    year_word = next(k + 2);
                }
                if let Some(year) = year_in_text(year_word)
                    && let Some(date) = make(year, month, day)
                {
                    return Some((date, at));
                }
            }
        }
        if let Some(month) = month_in_text(w)
            && let Some(day) = day_in_text(next(1))
            && let Some(year) = year_in_text(next(2))
            && let Some(date) = make(year, month, day)
        {
            return Some((date, at));
        }
    }
    None
}

/// Like [`find_date_in_text`], for the text of an element the page marks as a date: there
/// a short numeric date with a two-digit year (`23.09.22`, `2.11.22`, as German and
/// Austrian pages print them) is read too, as a year of this century.
pub(crate) fn find_date_in_date_text(text: &str) -> Option<PageDate> {
    if let Some((d, _)) = find_date_in_text(text) {
        return Some(d);
    }
    text.split_word_bound_indices_simple()
        .into_iter()
        .find_map(|(_, w)| {
            let parts: Vec<&str> = w.trim_end_matches([',', ';', ':']).split('.').collect();
            let [day, month, year] = parts[..] else {
                return None;
            };
            let num = |p: &str, max: usize| {
                (!p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse::<u32>().ok())
                    .flatten()
            };
            if year.len() != 2 {
                return None;
            }
            let d = PageDate {
                year: 2000 + num(year, 2)? as i32,
                month: num(month, 2)? as u8,
                day: num(day, 2)? as u8,
                time: None,
                offset_minutes: None,
            };
            valid(&d).then_some(d)
        })
}

/// Splitting text into words with their offsets: runs between whitespace, `,`, `|`, `/`,
/// `·`, `•` and parentheses, and a letter's run apart from the digits that follow it.
trait WordIndices {
    fn split_word_bound_indices_simple(&self) -> Vec<(usize, &str)>;
}

impl WordIndices for str {
    fn split_word_bound_indices_simple(&self) -> Vec<(usize, &str)> {
        let is_sep = |c: char| {
            c.is_whitespace() || matches!(c, ',' | '|' | '/' | '\u{b7}' | '\u{2022}' | '(' | ')')
        };
        let mut out = Vec::new();
        let mut start = None;
        let mut last = ' ';
        for (i, c) in self.char_indices() {
            match (is_sep(c), start) {
                (true, Some(s)) => {
                    out.push((s, &self[s..i]));
                    start = None;
                }
                // A name and a date in neighbouring elements print with no space between
                // them ("Ann Bo3.11.2023"): a digit after a letter starts a word.
                (false, Some(s)) if c.is_ascii_digit() && last.is_alphabetic() => {
                    out.push((s, &self[s..i]));
                    start = Some(i);
                }
                (false, None) => start = Some(i),
                _ => {}
            }
            last = c;
        }
        if let Some(s) = start {
            out.push((s, &self[s..]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<String> {
        normalize_date(s)
    }

    #[test]
    fn iso_forms_normalise() {
        assert_eq!(n("2024-06-25").as_deref(), Some("2024-06-25"));
        assert_eq!(
            n("2018-04-05T06:00").as_deref(),
            Some("2018-04-05T06:00:00")
        );
        assert_eq!(
            n("2021-11-01T10:52:50+0100").as_deref(),
            Some("2021-11-01T10:52:50+01:00")
        );
        assert_eq!(
            n("2022-01-10T22:06:08:684Z").as_deref(),
            n("2022-01-10T22:06:08.684Z").as_deref(),
            "a colon before the fraction"
        );
        assert!(n("2022-01-10T22:06:08.684Z").is_some());
        assert_eq!(
            n("2019-01-03T07:00:02.000Z").as_deref(),
            Some("2019-01-03T07:00:02Z")
        );
        assert_eq!(
            n("2017-11-03 03:01:00.000000").as_deref(),
            Some("2017-11-03T03:01:00")
        );
        assert_eq!(
            n("2017-11-24T18:42:20.314667").as_deref(),
            Some("2017-11-24T18:42:20.314")
        );
        assert_eq!(
            n("2015-07-10T09:53:00-04:00").as_deref(),
            Some("2015-07-10T09:53:00-04:00")
        );
        assert_eq!(
            n("2015-07-10T09:53:00-04").as_deref(),
            Some("2015-07-10T09:53:00-04:00")
        );
        assert_eq!(
            n("2015-07-10T09:53:00 UTC").as_deref(),
            Some("2015-07-10T09:53:00Z")
        );
    }

    #[test]
    fn prose_forms_normalise() {
        assert_eq!(
            n("Tue, 03 Jan 2019 07:00:02 GMT").as_deref(),
            Some("2019-01-03T07:00:02Z")
        );
        assert_eq!(n("January 7, 2025").as_deref(), Some("2025-01-07"));
        assert_eq!(
            n("April 28, 2019 at 6:01 pm").as_deref(),
            Some("2019-04-28T18:01:00")
        );
        assert_eq!(
            n("12:30 am, 3rd March 2020").as_deref(),
            Some("2020-03-03T00:30:00")
        );
        assert_eq!(n("Sept. 9 2001").as_deref(), Some("2001-09-09"));
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in [
            "",
            "yesterday",
            "2019-02-30",
            "2019-13-01",
            "2019-01-01T25:00",
            "2019-01-01T10:00+99:00",
            "9999999-01-01",
            "2019-01-01Tx",
            "ü2019-01-01",
            "2019-01-01T10:00:00.",
            "2019-01-01T10:00:00+",
            "May",
            "2019-01-01T10:00:00\u{2212}",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
        assert_eq!(
            n("2019-01-01T10:00:00\u{2212}05:00").as_deref(),
            Some("2019-01-01T10:00:00-05:00")
        );
    }

    #[test]
    fn instants_compare_across_offsets() {
        let a = parse_date("2015-07-24T05:36:09+01:00").unwrap();
        let b = parse_date("2015-07-24T04:36:09Z").unwrap();
        assert_eq!(a.unix_millis(), b.unix_millis());
        assert_eq!(parse_date("1970-01-01T00:00:00Z").unwrap().unix_millis(), 0);
        assert_eq!(
            parse_date("2000-03-01").unwrap().unix_millis(),
            951_868_800_000
        );
    }

    #[test]
    fn dates_in_running_text() {
        let f = |s: &str| find_date_in_text(s).map(|(d, at)| (d.to_string(), at));
        assert_eq!(
            f("VON MORITZ GATHMANN am 21. April 2020"),
            Some(("2020-04-21".into(), 23))
        );
        assert_eq!(
            f("Janic Cathomen, 01.12.2021").map(|x| x.0),
            Some("2021-12-01".into())
        );
        assert_eq!(
            f("Tanja Karrasch3.11.2023"),
            Some(("2023-11-03".into(), 14)),
            "a name and a date with no space between them"
        );
        assert_eq!(
            f("Emily Burack 8 January 2020, 3:51 pm 11 Edit").map(|x| x.0),
            Some("2020-01-08".into())
        );
        assert_eq!(f("Jan 18, 2019").map(|x| x.0), Some("2019-01-18".into()));
        assert_eq!(
            f("21. Jan 2022 // Dominik Ricker").map(|x| x.0),
            Some("2022-01-21".into())
        );
        assert_eq!(f("le 3 mars 2021").map(|x| x.0), Some("2021-03-03".into()));
        assert_eq!(
            f("8 de enero de 2020").map(|x| x.0),
            Some("2020-01-08".into())
        );
        assert_eq!(f("3 maart 2021").map(|x| x.0), Some("2021-03-03".into()));
        assert_eq!(
            f("12 settembre 2019").map(|x| x.0),
            Some("2019-09-12".into())
        );
        assert_eq!(
            f("5 de outubro de 2020").map(|x| x.0),
            Some("2020-10-05".into())
        );
        assert_eq!(
            f("posted 2021-12-01 by x").map(|x| x.0),
            Some("2021-12-01".into())
        );
        for none in [
            "",
            "Hace 13 horas",
            "3 days ago",
            "31.02.2020",
            "12.12.20",
            "May 2020",
            "Version 1.2.3",
            "45 min",
        ] {
            assert_eq!(f(none), None, "{none}");
        }
    }

    #[test]
    fn two_digit_years_in_date_elements() {
        let f = |s: &str| find_date_in_date_text(s).map(|d| d.to_string());
        assert_eq!(f("Kultur, 2.11.22"), Some("2022-11-02".into()));
        assert_eq!(f("23.09.22 - Saarland"), Some("2022-09-23".into()));
        assert_eq!(f("am 5. März 2021, 12.12.20"), Some("2021-03-05".into()));
        for none in ["31.02.22", "1.2.3", "12.12.2", "v1.13.22x", "2.11.022", ""] {
            assert_eq!(f(none), None, "{none}");
        }
        assert_eq!(find_date_in_text("12.12.20"), None, "not in running text");
    }
}
