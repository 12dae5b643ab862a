//! Byline cleaning: the names in the text of a byline element or an author field, without
//! what pages run together with them (dates, "Posted:", relative times, roles, handles,
//! view counts, the outlet), and a date when the byline carries one.

use super::collapse_ws;
use super::date::{PageDate, find_date_in_text};

/// What a byline says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Byline {
    pub names: Vec<String>,
    pub date: Option<PageDate>,
}

/// Words that introduce the names ("By", "Posted by"...), matched case-insensitively at a
/// word boundary; the names follow the last one.
const INTRODUCERS: &[&str] = &[
    "written by",
    "posted by",
    "published by",
    "eingestellt von",
    "verfasst von",
    "geschrieben von",
    "author:",
    "authors:",
    "autor:",
    "autorin:",
    "autoren:",
    "auteur:",
    "auteurs:",
    "autora:",
    "autores:",
    "text:",
    "by",
    "von",
    "par",
    "por",
    "door",
    "di",
];

/// Words after which nothing is a name: dates and times, counters, reading times,
/// links to an author's page, comment and share prompts.
const STOPS: &[&str] = &[
    "posted",
    "published",
    "updated",
    "last updated",
    "veröffentlicht",
    "aktualisiert",
    "publié",
    "publicado",
    "actualizado",
    "il y a",
    "alle artikel",
    "all articles",
    "all posts",
    "more from",
    "mehr von",
    "tiempo de lectura",
    "lesezeit",
    "reading time",
    "min read",
    "read more",
    "views",
    "comments",
    "kommentare",
    "share",
    "teilen",
    "follow",
    "edit",
    "datum",
    "stand",
    "kontakt",
    "contact",
    "more posts",
    "weitere beiträge",
    "|",
    "•",
    "·",
    "//",
    "—",
    "–",
];

/// Short words that end the names only when a number follows soon ("am 21. April",
/// "on May 3", "vor 2 Stunden"): elsewhere they may belong to a name ("Le Pen").
const CONNECTORS: &[&str] = &[
    "am", "on", "at", "le", "el", "den", "um", "vor", "hace", "il",
];

/// Form labels and placeholders that byline-like elements hold instead of a name.
const LABELS: &[&str] = &[
    "no author",
    "sponsored content",
    "gesponserte inhalte",
    "advertisement",
    "anzeige",
    "name",
    "author",
    "authors",
    "autor",
    "autoren",
    "auteur",
    "auteurs",
    "autores",
    "admin",
    "administrator",
    "anonymous",
    "unknown",
];

/// Introducers that are also particles inside names ("Christoph von Ritter", "Leonardo
/// di Caprio"): in an author field, which holds names, they introduce only at its start.
const PARTICLES: &[&str] = &["von", "di", "par", "por", "door"];

/// Days of the week, whole and abbreviated, which bylines print before a date
/// ("Ann Bo Fr, 18. Oktober 2019"): never the end of a name.
const WEEKDAYS: &[&str] = &[
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mo",
    "di",
    "mi",
    "do",
    "fr",
    "sa",
    "so",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
];

/// Words of a job line, not of a name.
const ROLES: &[&str] = &[
    "editor",
    "reporter",
    "correspondent",
    "writer",
    "staff",
    "columnist",
    "contributor",
    "photographer",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "redaktion",
    "chefredakteur",
    "autor",
    "autorin",
    "redactor",
    "redactora",
    "journaliste",
    "rédacteur",
    "senior",
    "chief",
    "founder",
    "ceo",
    "professor",
];

/// Position of `phrase` in `lower` as whole words (the phrase itself may end in
/// punctuation), from `from` on.
fn find_phrase(lower: &str, phrase: &str, from: usize) -> Option<usize> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let edge_needed = phrase
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let start_needed = phrase.chars().next().is_some_and(char::is_alphanumeric);
    lower
        .get(from..)?
        .match_indices(phrase)
        .map(|(i, _)| i + from)
        .find(|&i| {
            (!start_needed || !word(lower[..i].chars().next_back()))
                && (!edge_needed || !word(lower[i + phrase.len()..].chars().next()))
        })
}

/// Cleans the text of a byline element or line.
pub(crate) fn clean_byline(raw: &str) -> Byline {
    clean(raw, false)
}

/// Cleans an author field (JSON-LD, a `<meta>` tag), which holds names, not a sentence:
/// a name's particle ("von", "di") is not read as "by".
pub(crate) fn clean_author_field(raw: &str) -> Byline {
    clean(raw, true)
}

fn clean(raw: &str, field: bool) -> Byline {
    // French sets a space before a colon ("Auteur : Ann Bo").
    let text = collapse_ws(raw).replace(" :", ":");
    let lower = text.to_lowercase();
    // Lowercasing keeps byte offsets only for text whose case maps keep lengths.
    if lower.len() != text.len() {
        return Byline {
            names: split_names(&text),
            date: find_date_in_text(&text).map(|(d, _)| d),
        };
    }
    let mut out = Byline::default();
    // Copyright lines and comment headers ("Ann says:") name no author.
    if lower.contains('©')
        || lower.contains("copyright")
        || lower.contains("all rights reserved")
        || [" says:", " sagt:", " dice:", " a dit", " schreibt:"]
            .iter()
            .any(|s| lower.trim_end().ends_with(s.trim_end()) || lower.contains(s))
    {
        return out;
    }
    let date = find_date_in_text(&text);
    out.date = date.map(|(d, _)| d);

    // "<date> at <time> by <name>", "Posted on <date> by <name>": the names follow the
    // last introducer; without one, the byline starts with them.
    let mut start = 0;
    for intro in INTRODUCERS {
        let mut from = 0;
        while let Some(i) = find_phrase(&lower, intro, from) {
            let end = i + intro.len();
            let particle = field && i > 0 && PARTICLES.contains(intro);
            // "Photos by Cy Dee" credits other work, after the author's names.
            let before = lower[..i].trim_end().trim_end_matches(':');
            let credit = OTHER_CREDITS.iter().any(|c| {
                before
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .is_some_and(|w| w == *c)
            });
            if end > start && end < lower.len() && !particle && !credit {
                start = end;
            }
            from = end;
        }
    }
    // A date before the introducer is skipped with it; one after it ends the names.
    let mut end = text.len();
    if let Some((_, at)) = date
        && at >= start
    {
        end = end.min(at);
    }
    for stop in STOPS {
        if let Some(i) = find_phrase(&lower, stop, start) {
            // Names never open with one ("Posted on", "Veröffentlicht am" alone).
            if lower[start..i].trim().is_empty() && stop.chars().all(char::is_alphabetic) {
                return out;
            }
            end = end.min(i);
        }
    }
    for credit in OTHER_CREDITS {
        if let Some(i) = find_phrase(&lower, credit, start)
            && i > start
        {
            end = end.min(i);
        }
    }
    for stop in CONNECTORS {
        let mut from = start;
        while let Some(i) = find_phrase(&lower, stop, from) {
            let soon = lower[i + stop.len()..]
                .chars()
                .take(16)
                .any(|c| c.is_ascii_digit());
            if i > start && soon {
                end = end.min(i);
                break;
            }
            from = i + stop.len();
        }
    }
    // An e-mail address or a link in brackets ends them too.
    if let Some(i) = text[start..end].find(['<', '(', '['])
        && i > 0
    {
        end = start + i;
    }
    // Names hold no digits: a token with one (a time, a count) ends them.
    let mut offset = start;
    for w in text[start..end].split_inclusive(char::is_whitespace) {
        if w.chars().any(|c| c.is_ascii_digit()) {
            end = offset;
            break;
        }
        offset += w.len();
    }
    if end <= start {
        return out;
    }
    // A day of the week before a date ("Fr, 18. Oktober") is not the end of a name ("Anh
    // Do", "Lee Sun" are names).
    let before_date = text[end..]
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.'))
        .starts_with(|c: char| c.is_ascii_digit());
    let names = &text[start..end];
    out.names = split_names(if before_date {
        trim_weekdays(names)
    } else {
        names
    });
    out
}

/// `names` without the days of the week (and their punctuation) that end it.
fn trim_weekdays(names: &str) -> &str {
    let mut s = names.trim_end();
    loop {
        let t = s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';'));
        let (head, last) = t.rsplit_once(char::is_whitespace).unwrap_or(("", t));
        if head.trim().is_empty() || !WEEKDAYS.contains(&last.to_lowercase().as_str()) {
            return s;
        }
        s = head.trim_end();
    }
}

/// Splits the names part of a byline into names: on `,`, `;`, "and", "und", "y", "et",
/// "&"; "Last, First" (two one-word parts) becomes "First Last"; handles, roles and
/// stray punctuation go.
fn split_names(s: &str) -> Vec<String> {
    // A spaced hyphen parts two names or a name and its outlet ("unocero - Ann Bo");
    // "Hans-Peter" and "L-MAG" are one.
    let mut parts: Vec<String> = s.split(" - ").map(str::to_string).collect();
    for sep in [";", " and ", " und ", " y ", " et ", " & ", " e "] {
        parts = parts
            .iter()
            .flat_map(|p| {
                let lower = p.to_lowercase();
                if lower.len() != p.len() {
                    return vec![p.clone()];
                }
                let mut out = Vec::new();
                let mut last = 0;
                let mut from = 0;
                while let Some(i) = find_phrase(&lower, sep.trim(), from) {
                    // "Mac & i" is one name: these join two names of two words or more.
                    let loose = [" y ", " et ", " & ", " e "].contains(&sep);
                    let words = |t: &str| t.split_whitespace().count();
                    let before_ok = !loose
                        || (words(&p[last..i]) >= 2 && words(&p[i + sep.trim().len()..]) >= 2);
                    if before_ok {
                        out.push(p[last..i].to_string());
                        last = i + sep.trim().len();
                    }
                    from = i + sep.trim().len();
                }
                out.push(p[last..].to_string());
                out
            })
            .collect();
    }
    let comma: Vec<Vec<&str>> = parts
        .iter()
        .map(|p| p.split(',').map(str::trim).collect())
        .collect();
    let mut names = Vec::new();
    for pieces in comma {
        let one_word = |p: &str| !p.is_empty() && !p.contains(' ');
        if pieces.len() == 2
            && one_word(pieces[0])
            && one_word(pieces[1])
            && parts.len() == 1
            && !is_role(pieces[1])
        {
            push_name(&mut names, &format!("{} {}", pieces[1], pieces[0]));
            continue;
        }
        for p in pieces {
            push_name(&mut names, p);
        }
    }
    names
}

fn is_role(part: &str) -> bool {
    let lower = part.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| ROLES.contains(&w))
}

/// News agencies, whose names follow a reporter's in wire copy ("Ann Bo, Associated
/// Press"): never a person's name.
const AGENCIES: &[&str] = &[
    "associated press",
    "the associated press",
    "ap",
    "reuters",
    "afp",
    "agence france-presse",
    "dpa",
    "apa",
    "kna",
    "epd",
    "sda",
    "efe",
    "ansa",
    "bloomberg",
    "upi",
];

/// A company's or an association's legal form ("GmbH", "e.V.", "Inc."): its name is an
/// organisation's.
pub(crate) fn is_legal_form(word: &str) -> bool {
    const LEGAL: &[&str] = &[
        "gmbh", "ag", "e.v", "e.v.", "ev", "kg", "inc", "inc.", "ltd", "ltd.", "llc", "plc",
        "s.a.", "sarl", "gbr", "ug", "verlag", "corp", "corp.",
    ];
    LEGAL.contains(&word.to_lowercase().trim_end_matches(',').trim())
}

/// Words after which a byline's part names a place, an outlet or a job rather than the
/// person ("Ann Bo in Berlin", "Cy Dee for The Mail on Sunday", "Ann Bo from MIT"), when a
/// capitalised word follows.
const NAME_ENDS: &[&str] = &["in", "for", "from", "at", "aus", "für"];

/// A part of a byline without what follows the name in it: a place, an outlet, an agency,
/// a job line. Empty when the part is not a name at all ("Special to The Post", "The
/// Washington Post").
fn name_part(part: &str) -> String {
    let mut words: Vec<&str> = part.split_whitespace().collect();
    // A label without its colon ("Author Ann Bo").
    if words.len() > 1 && LABELS.contains(&words[0].to_lowercase().as_str()) {
        words.remove(0);
    }
    // An organisation's name is kept whole, to be known as one.
    if words.iter().any(|w| is_legal_form(w)) {
        return words.join(" ");
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    if lower.first().is_some_and(|w| w == "the")
        || lower.starts_with(&["special".to_string(), "to".to_string()])
    {
        return String::new();
    }
    let mut end = words.len();
    for (i, w) in lower.iter().enumerate().skip(2) {
        let capital_next = words
            .get(i + 1)
            .is_some_and(|n| n.starts_with(char::is_uppercase));
        let role = ROLES.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()));
        if (NAME_ENDS.contains(&w.as_str()) && capital_next) || role {
            end = i;
            break;
        }
    }
    let mut kept = &words[..end];
    // A trailing agency ("CY DEE Associated Press").
    for take in [2, 1] {
        if kept.len() > take + 1 {
            let tail = kept[kept.len() - take..].join(" ").to_lowercase();
            if AGENCIES.contains(&tail.as_str()) {
                kept = &kept[..kept.len() - take];
                break;
            }
        }
    }
    let name = kept.join(" ");
    if AGENCIES.contains(&name.to_lowercase().as_str()) {
        return String::new();
    }
    name
}

fn push_name(out: &mut Vec<String>, part: &str) {
    let part = name_part(part);
    let words: Vec<&str> = part
        .split_whitespace()
        // Handles ("@ann") are not names.
        .filter(|w| !w.starts_with('@'))
        .collect();
    // A name said twice (an avatar's alternative text, then the link): "Ann Bo Ann Bo".
    let half = words.len() / 2;
    let words = if half > 0 && words.len().is_multiple_of(2) && words[..half] == words[half..] {
        &words[..half]
    } else {
        &words[..]
    };
    let name = words.join(" ");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')');
    // A full stop ends a sentence, not an initial ("Nicolas Gutierrez C.").
    let initial = name
        .rsplit(' ')
        .next()
        .is_some_and(|w| w.trim_end_matches('.').chars().count() == 1);
    let name = if initial {
        name.trim_end_matches(')')
    } else {
        name.trim_end_matches(['.', ')'])
    }
    .trim();
    let name = name.trim_start_matches(|c: char| !c.is_alphanumeric());
    // Two lower-case letters are initials or a handle ("ca"); "Bo" and "个人" are names.
    let initials = name.chars().count() < 3 && name.chars().all(|c| c.is_ascii_lowercase());
    if initials
        || name.is_empty()
        || name.split_whitespace().count() > 5
        || LABELS.iter().any(|l| name.eq_ignore_ascii_case(l))
        || is_role(name)
        || INTRODUCERS.iter().any(|i| name.eq_ignore_ascii_case(i))
        || !name.chars().any(char::is_alphabetic)
    {
        return;
    }
    if !out.iter().any(|n: &String| n.eq_ignore_ascii_case(name)) {
        out.push(name.to_string());
    }
}

/// How a line of the page's text may open when it is a byline ("By Ann Bo", "Text von
/// Ann Bo"); the labelled ones ("Autor: Ann Bo") stand anywhere on a page, the others only
/// next to the headline.
const TEXT_BYLINE_OPENERS: &[&str] = &[
    "by ",
    "von ",
    "par ",
    "por ",
    "door ",
    "text von ",
    "text und fotos von ",
    "written by: ",
    "by: ",
    "beitrag von ",
    "blog beitrag von ",
    "blogbeitrag von ",
    "ein beitrag von ",
    "artikel von ",
    "ein artikel von ",
    "geschrieben von ",
    "verfasst von ",
    "written by ",
    "posted by ",
    "escrito por ",
    "écrit par ",
];
/// The openers of a line that signs an article off with its author's name.
const SIGN_OFF_OPENERS: &[&str] = &["by ", "von ", "par ", "por ", "written by: ", "written by "];
const TEXT_BYLINE_LABELS: &[&str] = &[
    "author:", "authors:", "autor:", "autorin:", "autoren:", "auteur:", "auteurs:", "autora:",
    "autores:", "text:", "words:", "worte:",
];
/// Credits for other work that follow an author's name on the same line.
const OTHER_CREDITS: &[&str] = &[
    "illustration",
    "illustrationen",
    "fotos",
    "foto",
    "photos",
    "photo",
    "photography",
    "bilder",
    "grafik",
    "video",
];

/// The names of a byline printed as a line of the page's text (`near_headline`: the line
/// stands next to the headline), or nothing when the line is not one: it must open with
/// "By"-like words (only next to the headline) or an author label, be short, and
/// name persons (two to four words, each capitalised).
pub(crate) fn byline_in_text_line(line: &str, near_headline: bool) -> Vec<String> {
    // French sets a space before a colon ("Auteur : Ann Bo").
    let line = collapse_ws(line).replace(" :", ":");
    // A line of the article's details ("Opinion | By Ann Bo | May 3, 2020"): the byline
    // may be any of its parts.
    if line.contains(" | ") {
        return line
            .split(" | ")
            .map(|part| byline_in_text_part(part, near_headline))
            .find(|names| !names.is_empty())
            .unwrap_or_default();
    }
    byline_in_text_part(&line, near_headline)
}

fn byline_in_text_part(line: &str, near_headline: bool) -> Vec<String> {
    let mut line = line.trim().to_string();
    // "By" and the name in neighbouring inline elements print with no space between
    // them ("ByAlex Bo"); no word starts with "By" and a capital.
    for opener in ["By", "Von"] {
        if let Some(rest) = line.strip_prefix(opener)
            && rest.starts_with(char::is_uppercase)
        {
            line = format!("{opener} {rest}");
        }
    }
    let lower = line.to_lowercase();
    if line.chars().count() > 80 || lower.len() != line.len() {
        return Vec::new();
    }
    let opener = TEXT_BYLINE_LABELS
        .iter()
        .chain(TEXT_BYLINE_OPENERS.iter().filter(|_| near_headline))
        .filter(|o| lower.starts_with(*o))
        .map(|o| o.len())
        .max();
    // Far from the headline, an opener counts only where the line is the opener and a
    // name, nothing else: the sign-off under an article ("Von Ann Bo").
    let signed_off = || {
        SIGN_OFF_OPENERS
            .iter()
            .find(|o| lower.starts_with(*o))
            .filter(|o| looks_like_person(line[o.len()..].trim()))
            .map(|o| o.len())
    };
    let Some(open) = opener.or_else(signed_off) else {
        return Vec::new();
    };
    // "Text von Ann Bo Illustration von Cy Di": the author's part alone.
    let mut end = line.len();
    for credit in OTHER_CREDITS {
        if let Some(i) = find_phrase(&lower, credit, open) {
            end = end.min(i);
        }
    }
    let names = clean_byline(line.get(..end).unwrap_or(&line)).names;
    let person = |n: &String| looks_like_person(n);
    // "Autorin: Ann Bo, Projektleiterin in Tunis": the persons, when the line names one
    // first.
    if !names.first().is_some_and(person) {
        return Vec::new();
    }
    names.into_iter().filter(person).collect()
}

/// Two to four words, each capitalised: how a byline printed in the page's text names a
/// person.
fn looks_like_person(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// The person named in a short line that dates the article ("11.12.2019 - Ann Bo",
/// "04.02.2022 | 13:10 Uhr | Ann Bo", "The Daily 02/10/2020 Ann Bo", "Ann Bo | Publicado
/// hace 3 horas"), printed next to the headline: the one part of it, between separators
/// and numbers, that is a person's name.
pub(crate) fn person_in_dateline(line: &str) -> Option<String> {
    let line = collapse_ws(line);
    // A date, or a time of day, makes the line a dateline.
    let lower = line.to_lowercase();
    let dated = find_date_in_text(&line).is_some()
        || line.split(' ').any(|w| {
            let w = w.trim_end_matches(|c: char| !c.is_ascii_digit());
            w.split_once(':').is_some_and(|(h, m)| {
                (1..=2).contains(&h.len())
                    && m.len() == 2
                    && h.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
            })
        })
        || line.split(' ').any(|w| {
            // "02/10/2020", a day and a month in either order.
            let parts: Vec<&str> = w.split('/').collect();
            parts.len() == 3
                && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
                && (1..=2).contains(&parts[0].len())
                && (1..=2).contains(&parts[1].len())
                && [2, 4].contains(&parts[2].len())
        })
        || ["hace ", " ago", "vor "].iter().any(|w| lower.contains(w));
    if line.chars().count() > 100 || !dated {
        return None;
    }
    let mut parts: Vec<String> = vec![String::new()];
    for w in line.split(' ') {
        let separator = ["|", "-", "–", "—", "·", "•", "/"].contains(&w);
        if separator || w.chars().any(|c| c.is_ascii_digit()) {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(w);
        }
    }
    // Stricter than a byline's: letters only, and no weekday written out ("Donnerstag";
    // "Do" and "Sun" may be names).
    let person = |p: &String| {
        looks_like_person(p)
            && p.split_whitespace()
                .all(|w| w.chars().count() < 5 || !WEEKDAYS.contains(&w.to_lowercase().as_str()))
            && p.chars()
                .all(|c| c.is_alphabetic() || c == ' ' || matches!(c, '.' | '-' | '\''))
    };
    // A part with a comma or a colon is a sentence or a label, not a name.
    let persons: Vec<String> = parts
        .iter()
        .filter(|p| !p.is_empty() && !p.contains([',', ':']))
        .flat_map(|p| clean_byline(p).names)
        .filter(person)
        .collect();
    match &persons[..] {
        [one] if !is_role(one) => Some(one.clone()),
        _ => None,
    }
}

/// The full name a page's text writes for a user name made of a first and a last name
/// (`christian.stadtfeld`, `ann_bo`): the first "First Last" or "First X. Last" in
/// `text`, each word capitalised, compared without case.
pub(crate) fn name_of_handle(handle: &str, text: &str) -> Option<String> {
    let parts: Vec<&str> = handle.split(['.', '_', '-']).collect();
    let [first, last] = parts[..] else {
        return None;
    };
    let alphabetic = |p: &str| p.chars().count() >= 2 && p.chars().all(char::is_alphabetic);
    if !alphabetic(first) || !alphabetic(last) {
        return None;
    }
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let initial = |w: &str| {
        let mut c = w.chars();
        c.next().is_some_and(char::is_uppercase) && c.next() == Some('.') && c.next().is_none()
    };
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
            .trim_end_matches('.')
            .to_string()
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if !capital(&bare(w)) || !bare(w).eq_ignore_ascii_case(first) {
            continue;
        }
        for k in [1, 2] {
            let Some(end) = words.get(i + k) else {
                break;
            };
            let end = bare(end);
            let middle_ok = k == 1 || initial(words[i + 1]);
            if middle_ok && capital(&end) && end.eq_ignore_ascii_case(last) {
                let mut name: Vec<String> = words[i..i + k].iter().map(|w| bare(w)).collect();
                if k == 2 {
                    name[1] = words[i + 1].to_string();
                }
                name.push(end);
                return Some(name.join(" "));
            }
        }
    }
    None
}

/// A user name rather than a person's name: one word with dots, underscores or digits
/// (`christian.stadtfeld`, `jane_doe`, `r23`), or all lower case.
pub(crate) fn looks_like_handle(name: &str) -> bool {
    // Initials ("DT", "JF"): a person's, or the outlet's, never the full name.
    let initials =
        (2..=3).contains(&name.chars().count()) && name.chars().all(|c| c.is_ascii_uppercase());
    initials
        || name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            && (name.contains(['.', '_'])
                || name.chars().any(|c| c.is_ascii_digit())
                || name.chars().all(|c| !c.is_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        clean_byline(s).names
    }

    #[test]
    fn the_full_name_of_a_user_name() {
        let text = "Chefredakteur Christian P. Stadtfeld bewertet den Wahlausgang.";
        assert_eq!(
            name_of_handle("christian.stadtfeld", text).as_deref(),
            Some("Christian P. Stadtfeld")
        );
        assert_eq!(
            name_of_handle("ann_bo", "Photos: (Ann Bo)").as_deref(),
            Some("Ann Bo")
        );
        assert_eq!(
            name_of_handle("ann_bo", "ann bo wrote"),
            None,
            "not capitalised"
        );
        assert_eq!(name_of_handle("ann_bo", "Ann Marie Bo"), None);
        assert_eq!(name_of_handle("annbo", "Ann Bo"), None);
        assert_eq!(name_of_handle("ann.bo2", "Ann Bo"), None);
    }

    #[test]
    fn bylines_printed_as_lines_of_text() {
        let b = |l: &str, near: bool| byline_in_text_line(l, near);
        assert_eq!(b("By Ann Bo", true), ["Ann Bo"]);
        assert_eq!(
            b(
                "Text von Christian Seiler Illustration von Markus Roost",
                true
            ),
            ["Christian Seiler"]
        );
        assert_eq!(
            b("Autor: Klausmartin Friedrich", false),
            ["Klausmartin Friedrich"]
        );
        // Far from the headline, only a line that is the opener and a name: a sign-off.
        assert_eq!(b("Von Ann Bo", false), ["Ann Bo"]);
        assert_eq!(b("Written by: Ann Bo", false), ["Ann Bo"]);
        assert_eq!(
            b("By Ann Bo and friends", false),
            Vec::<String>::new(),
            "more than a name, not by the headline"
        );
        assert_eq!(
            b("Von Berlin aus fuhr er weiter", false),
            Vec::<String>::new()
        );
        assert_eq!(b("By the way", false), Vec::<String>::new());
        assert_eq!(
            b("By continuing you agree to our terms", true),
            Vec::<String>::new()
        );
        assert_eq!(b("Von wegen", true), Vec::<String>::new());
        assert_eq!(b("Text: siehe unten", false), Vec::<String>::new());
        let long = format!("By Ann Bo {}", "and many more words ".repeat(5));
        assert_eq!(b(&long, true), Vec::<String>::new());
    }

    #[test]
    fn introducers_and_a_lone_by() {
        assert_eq!(names("By Jane Roe"), ["Jane Roe"]);
        assert_eq!(
            names("VON MORITZ GATHMANN am 21. April 2020"),
            ["MORITZ GATHMANN"]
        );
        assert_eq!(names("Eingestellt von der Michel"), ["der Michel"]);
        assert_eq!(names("~ Cem Basman"), ["Cem Basman"]);
        assert!(names("By").is_empty());
        assert!(names("By ").is_empty());
    }

    #[test]
    fn dates_times_and_posted_lines_end_the_names() {
        let b = clean_byline("Janic Cathomen, 01.12.2021");
        assert_eq!(b.names, ["Janic Cathomen"]);
        assert_eq!(b.date.map(|d| d.to_string()).as_deref(), Some("2021-12-01"));
        assert_eq!(
            names("Emily Burack 8 January 2020, 3:51 pm 11 Edit"),
            ["Emily Burack"]
        );
        assert_eq!(
            names("Ann Bo Posted: March 3, 2020 Last Updated: March 4, 2020"),
            ["Ann Bo"]
        );
        assert_eq!(names("Ann Bo Updated 3 hours ago"), ["Ann Bo"]);
        assert_eq!(names("Ann Bo vor 2 Stunden"), ["Ann Bo"]);
        assert_eq!(names("Marine Le Pen"), ["Marine Le Pen"]);
    }

    #[test]
    fn date_at_time_by_name() {
        let b = clean_byline("April 28, 2019 at 6:01 am by Ann Bo");
        assert_eq!(b.names, ["Ann Bo"]);
        assert_eq!(b.date.map(|d| d.to_string()).as_deref(), Some("2019-04-28"));
        assert_eq!(names("Posted on 3 May 2020 by Cy Dee"), ["Cy Dee"]);
    }

    #[test]
    fn separators_and_several_names() {
        assert_eq!(
            names(
                "Isabel Caro , Rocío Latorre y José Miguel Wilson Hace 13 horas Tiempo de lectura: 8 minutos"
            ),
            ["Isabel Caro", "Rocío Latorre", "José Miguel Wilson"]
        );
        assert_eq!(
            names("Lars Fischer und Alina Schadwinkel"),
            ["Lars Fischer", "Alina Schadwinkel"]
        );
        assert_eq!(names("Ann Bo | The Daily Site"), ["Ann Bo"]);
        assert_eq!(names("Ann Bo; Cy Dee"), ["Ann Bo", "Cy Dee"]);
        assert_eq!(names("Ann Bo & Cy Dee"), ["Ann Bo", "Cy Dee"]);
        assert_eq!(names("Mac & i"), ["Mac & i"]);
    }

    #[test]
    fn roles_handles_counts_and_copyright() {
        assert_eq!(names("Jane Roe, Senior Reporter"), ["Jane Roe"]);
        assert_eq!(names("Williams Perdomo @wperdomod"), ["Williams Perdomo"]);
        assert_eq!(
            names("Johanna Kropfitsch Alle Artikel"),
            ["Johanna Kropfitsch"]
        );
        assert_eq!(names("Ann Bo 12,345 views"), ["Ann Bo"]);
        assert_eq!(names("Nicolas Gutierrez C."), ["Nicolas Gutierrez C."]);
        assert_eq!(names("Written by Ann Bo."), ["Ann Bo"]);
        assert!(names("Name").is_empty());
        assert!(names("ca").is_empty());
        assert_eq!(names("Bo"), ["Bo"]);
        assert_eq!(names("Ann Bo Ann Bo"), ["Ann Bo"]);
        assert_eq!(names("jesusfreak jesusfreak"), ["jesusfreak"]);
        assert_eq!(names("Ann Bo Ann"), ["Ann Bo Ann"]);
        assert!(names("© 2020 Example Media. All rights reserved.").is_empty());
        assert!(names("Aylin sagt:").is_empty());
        assert_eq!(
            names("Bradley M. Kuhn <bkuhn@ebb.org>"),
            ["Bradley M. Kuhn"]
        );
    }

    #[test]
    fn a_day_of_the_week_before_the_date() {
        assert_eq!(
            names("Von Tomas Spahn Fr, 18. Oktober 2019"),
            ["Tomas Spahn"]
        );
        assert_eq!(names("By Ann Bo Mon 3 May 2021"), ["Ann Bo"]);
        assert_eq!(
            names("Anh Do"),
            ["Anh Do"],
            "a surname, with no date after it"
        );
        assert_eq!(
            names("Lee Sun, 3 May 2021"),
            ["Lee"],
            "a comma ends the name"
        );
    }

    #[test]
    fn particles_in_author_fields() {
        let field = |s: &str| clean_author_field(s).names;
        assert_eq!(field("Christoph von Ritter"), ["Christoph von Ritter"]);
        assert_eq!(field("Von Ann Bo"), ["Ann Bo"]);
        assert_eq!(field("By Rob Picheta, CNN"), ["Rob Picheta", "CNN"]);
        assert_eq!(names("Text von Ann Bo"), ["Ann Bo"], "a byline's text");
        assert!(names("Auteurs").is_empty());
        assert!(names("Posted on").is_empty());
        assert!(names("Veröffentlicht am").is_empty());
        assert!(names("No Author").is_empty());
        assert!(names("Gesponserte Inhalte").is_empty());
        assert_eq!(names("Auteur : Kossivi Tiassou"), ["Kossivi Tiassou"]);
    }

    #[test]
    fn byline_lines_with_other_details() {
        let b = |l: &str| byline_in_text_line(l, true);
        assert_eq!(b("yas! | By Cara Stiles | April 13, 2020"), ["Cara Stiles"]);
        assert_eq!(
            byline_in_text_line("Auteur : Kossivi Tiassou", false),
            ["Kossivi Tiassou"]
        );
        assert!(b("News | Sport | Weather").is_empty());
        assert_eq!(b("ByAlex Bozarjian"), ["Alex Bozarjian"]);
        assert!(b("Byron").is_empty());
        assert_eq!(b("Blog Beitrag von Ann Bo"), ["Ann Bo"]);
        assert_eq!(b("Written by: Julie Mo"), ["Julie Mo"]);
        assert_eq!(
            byline_in_text_line("Autorin: Uta Sta, Projektleiterin in Tunis.", false),
            ["Uta Sta"]
        );
    }

    #[test]
    fn persons_in_datelines() {
        let p = |l: &str| person_in_dateline(l);
        assert_eq!(p("11.12.2019 - Amelie Loe").as_deref(), Some("Amelie Loe"));
        assert_eq!(
            p("04.02.2022 | 13:10 Uhr | Uta Helk").as_deref(),
            Some("Uta Helk")
        );
        assert_eq!(
            p("The Guardian 02/10/2020 Anna Faz").as_deref(),
            Some("Anna Faz")
        );
        assert_eq!(
            p("Jacobo Betancur Peláez | Publicado hace 3 horas").as_deref(),
            Some("Jacobo Betancur Peláez")
        );
        assert_eq!(p("Ann Bo | Cy Dee | 3 May 2020"), None, "two persons");
        assert_eq!(p("Ann Bo and Cy Dee"), None, "no date");
        assert_eq!(p("12 Kommentare | Jetzt lesen"), None);
        assert_eq!(p("CC Roadshow 2017"), None, "a year is no date");
        assert_eq!(p("31 Donnerstag Okt 2019"), None);
        assert_eq!(p("Reading Time: 3 mins read"), None);
        assert_eq!(p("The Oligarch, Right Sector, MH-17 and Joe's Son"), None);
        assert_eq!(p("Ann Bo, 12:30 Uhr").as_deref(), None, "a comma");
        assert_eq!(p("Ann Bo 12:30 Uhr").as_deref(), Some("Ann Bo"));
    }

    #[test]
    fn outlets_places_and_agencies_after_the_names() {
        assert_eq!(names("By Ann Bo, Special to The Post"), ["Ann Bo"]);
        assert_eq!(
            names("Glen Owen And Brendan Carlin For The Mail On Sunday"),
            ["Glen Owen", "Brendan Carlin"]
        );
        assert_eq!(names("By Ann Bo, Associated Press"), ["Ann Bo"]);
        assert_eq!(names("Ann Bo, The Washington Post"), ["Ann Bo"]);
        assert_eq!(
            names("By ANN BO AND CY DEE Associated Press"),
            ["ANN BO", "CY DEE"]
        );
        assert_eq!(names("By Ann Bo Staff writer"), ["Ann Bo"]);
        assert_eq!(names("Story by Ann Bo • Photos by Cy Dee"), ["Ann Bo"]);
        assert_eq!(names("Text: Ann Bo Fotos: Cy Dee"), ["Ann Bo"]);
        assert_eq!(names("By Ann Bo in London"), ["Ann Bo"]);
        assert_eq!(
            names("Mary in Wonder"),
            ["Mary in Wonder"],
            "two words only"
        );
        assert_eq!(names("Ann Bo for the win"), ["Ann Bo for the win"]);
        assert!(names("Reuters").is_empty());
    }

    #[test]
    fn last_comma_first() {
        assert_eq!(names("Roe, Jane"), ["Jane Roe"]);
        assert_eq!(names("Ann Bo, Cy Dee"), ["Ann Bo", "Cy Dee"]);
    }

    #[test]
    fn handles() {
        assert!(looks_like_handle("christian.stadtfeld"));
        assert!(looks_like_handle("r23"));
        assert!(looks_like_handle("gnaddrig"));
        assert!(looks_like_handle("DT"));
        assert!(!looks_like_handle("Bo"));
        assert!(!looks_like_handle("Ann Bo"));
        assert!(!looks_like_handle("Lynn"));
        assert!(!looks_like_handle("史蒂文的家_藍天"));
    }
}
