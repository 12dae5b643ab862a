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
        if c.eat(b'.') || c.eat(b',') {
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
}
