//! Instants as the core meets them: RFC 3339 strings passed in by callers. Parsing and
//! formatting in the reader's time zone, with no clock and no time-zone database (the
//! caller passes the offset it observes).

/// Milliseconds since the Unix epoch for an RFC 3339 / ISO 8601 instant such as
/// `2024-06-05T12:57:03.217Z` or `2024-06-05T14:57:03+02:00`; a bare date is midnight UTC.
pub fn parse_instant(text: &str) -> Option<i64> {
    let text = text.trim();
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut millis = days_from_civil(year, month as u32, day as u32) * 86_400_000;
    if b.len() == 10 {
        return Some(millis);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = num(17..19)?;
        i = 19;
    }
    let mut fraction_ms = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let digits = &text[start..end.min(start + 3)];
        fraction_ms = format!("{digits:0<3}").parse().ok()?;
        i = end;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    millis += ((hour * 60 + minute) * 60 + second) * 1000 + fraction_ms;
    let offset_minutes = match &text[i..] {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = zone[1..].replace(':', "");
            if zone.len() != 4 || !zone.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            sign * (zone[..2].parse::<i64>().ok()? * 60 + zone[2..].parse::<i64>().ok()?)
        }
    };
    Some(millis - offset_minutes * 60_000)
}

/// Milliseconds since the Unix epoch for a full RFC 3339 date-time and nothing looser:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `±HH:MM`, on a real calendar
/// day. What a backup from elsewhere must hold where [`parse_instant`] (which also reads
/// bare dates and missing zones, as pages write them) would guess.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let zone = &b[i..];
    let zone_ok = matches!(zone, b"Z" | b"z")
        || (zone.len() == 6
            && matches!(zone[0], b'+' | b'-')
            && zone[1..3].iter().all(u8::is_ascii_digit)
            && zone[3] == b':'
            && zone[4..6].iter().all(u8::is_ascii_digit)
            && text[i + 1..i + 3] < *"24"
            && text[i + 4..i + 6] < *"60");
    let (year, month, day): (i64, u32, u32) = (
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    );
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    if !zone_ok || day == 0 || day > days_in_month {
        return None;
    }
    parse_instant(text)
}

/// The calendar fields of an instant seen at `offset_minutes` east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
    /// 0 = Monday.
    pub weekday: u32,
    pub offset_minutes: i32,
}

pub fn civil(millis: i64, offset_minutes: i32) -> Civil {
    let local = millis + i64::from(offset_minutes) * 60_000;
    let (days, ms) = (local.div_euclid(86_400_000), local.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (ms / 3_600_000) as u32,
        minute: (ms / 60_000 % 60) as u32,
        second: (ms / 1000 % 60) as u32,
        millis: (ms % 1000) as u32,
        // 1970-01-01 was a Thursday.
        weekday: (days + 3).rem_euclid(7) as u32,
        offset_minutes,
    }
}

/// `millis` as `2024-06-05T12:57:03.217Z`, like JavaScript's `toISOString`.
pub fn format_rfc3339(millis: i64) -> String {
    let c = civil(millis, 0);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_round_trip() {
        let ms = parse_instant("2024-06-05T12:57:03.217Z").unwrap();
        assert_eq!(ms, 1_717_592_223_217);
        assert_eq!(format_rfc3339(ms), "2024-06-05T12:57:03.217Z");
        assert_eq!(parse_instant("2024-06-05T14:57:03.217+02:00"), Some(ms));
        assert_eq!(parse_instant("2024-06-05"), Some(1_717_545_600_000));
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in [
            "",
            "2024",
            "2024-13-01",
            "2024-06-05T25:00",
            "2024-06-05Tab:cd",
            "é024-06-05",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_is_read_strictly() {
        let ms = parse_instant("2024-06-05T12:57:03.217Z");
        assert_eq!(parse_rfc3339("2024-06-05T12:57:03.217Z"), ms);
        assert_eq!(parse_rfc3339("2024-06-05T14:57:03.217+02:00"), ms);
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z"),
            parse_instant("2024-02-29")
        );
        for loose in [
            "~",
            "",
            "2024-06-05",
            "2024-06-05T12:57",
            "2024-06-05T12:57:03",
            "2024-06-05 12:57:03Z",
            "2024-06-05T12:57:03.Z",
            "2024-06-05T12:57:03+0200",
            "2024-06-05T12:57:03+24:00",
            "2023-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-06-05T12:57:03Z~",
            "9999-99-99T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(loose), None, "{loose}");
        }
    }

    #[test]
    fn civil_in_a_time_zone() {
        let c = civil(parse_instant("2024-06-05T23:30:00Z").unwrap(), 120);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute),
            (2024, 6, 6, 1, 30)
        );
        assert_eq!(c.weekday, 3); // Thursday
    }
}
