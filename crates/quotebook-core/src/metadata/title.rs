//! Title cleaning: what pages add to an article's title — the site's name after or
//! before a separator, "(Published 2016)", "Opinion | ", a forum's "r/<name> - ", character
//! references escaped twice.

use quotebook_html::tokenizer::{Token, Tokenizer};

use super::collapse_ws;

const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " · ", " • ", " » ", " › ", " :: ", " ~ ", " // ",
];

/// Letters and digits only, lower case: how a site's name and its domain are compared.
pub(crate) fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a title segment names the site: equal to one of its names (`og:site_name`, the
/// publisher) or to its domain (`Minuto30.com`, `handwerk magazin` for
/// `handwerk-magazin.de`, `amazed` for `amazedmag.de`).
fn names_site(segment: &str, sites: &[String], host: &str) -> bool {
    let seg = compact(segment.trim_start_matches("www."));
    let host = host.trim_start_matches("www.");
    let domain = super::url::registrable_domain(host);
    let label = domain_label(domain);
    // Two letters name the site only as its whole domain label ("DW" on dw.com).
    if seg.chars().count() == 2 && !host.is_empty() && seg == label {
        return true;
    }
    if seg.chars().count() < 3 {
        return false;
    }
    if sites
        .iter()
        .any(|s| compact(s.trim_start_matches("www.")) == seg)
    {
        return true;
    }
    if host.is_empty() {
        return false;
    }
    seg == compact(host)
        || seg == compact(domain)
        || seg == label
        || (seg.chars().count() >= 5 && label.starts_with(&seg))
}

/// Decodes character references a page escaped twice (`&amp;#8217;` read as `&#8217;`).
fn decode_leftover_references(s: &str) -> String {
    let has_ref = s.match_indices('&').any(|(i, _)| {
        let rest = &s[i + 1..];
        let end = rest.find(';').unwrap_or(usize::MAX);
        end <= 10
            && rest[..end]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '#')
    });
    if !has_ref || s.contains('<') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut tokens = Tokenizer::new(s);
    while let Some(t) = tokens.next_token() {
        if let Token::Text(t) = t {
            out.push_str(&t);
        }
    }
    out
}

/// Segments a blogging engine's themes put next to a post's title ("Site » Blog Archive »
/// Post").
const ENGINE_SEGMENTS: &[&str] = &["blog archive", "blog archiv"];

/// Cleans a page's title: `sites` are the names the page gives itself, `host` the page's
/// host.
pub(crate) fn clean_title(title: &str, sites: &[String], host: &str) -> String {
    let t = clean_title_of_site(title, sites, host);
    for sep in SEPARATORS {
        if let Some((first, rest)) = t.split_once(sep)
            && ENGINE_SEGMENTS.contains(&first.trim().to_lowercase().as_str())
            && !rest.trim().is_empty()
        {
            return rest.trim().to_string();
        }
        if let Some((rest, last)) = t.rsplit_once(sep)
            && ENGINE_SEGMENTS.contains(&last.trim().to_lowercase().as_str())
            && !rest.trim().is_empty()
        {
            return rest.trim().to_string();
        }
    }
    t
}

fn clean_title_of_site(title: &str, sites: &[String], host: &str) -> String {
    let mut t = collapse_ws(&decode_leftover_references(title));

    // "(Published 2016)", as archives append.
    if let Some(open) = t.rfind(" (Published ")
        && t.ends_with(')')
        && t[open + 12..t.len() - 1]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ')
    {
        t.truncate(open);
    }
    // "Opinion | ...", a forum's "r/name - ...".
    for prefix in ["Opinion | ", "OPINION | ", "Opinion: "] {
        if let Some(rest) = t.strip_prefix(prefix)
            && !rest.is_empty()
        {
            t = rest.to_string();
        }
    }
    if let Some(rest) = t.strip_prefix("r/")
        && let Some((name, after)) = rest.split_once(" - ").or_else(|| rest.split_once(": "))
        && !name.contains(' ')
        && !after.trim().is_empty()
    {
        t = after.trim().to_string();
    }

    // The site's name as a segment: drop it and what follows (the end of the title) or
    // what precedes it (the start).
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for sep in SEPARATORS {
        cuts.extend(t.match_indices(sep).map(|(i, s)| (i, i + s.len())));
    }
    cuts.sort();
    // Of two separators sharing a space ("« Aux usagers » - Attac"), the first is a
    // closing mark: the second cuts.
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(cuts.len());
    for (a, b) in cuts {
        match merged.last_mut() {
            Some(last) if a < last.1 => *last = (a, b),
            _ => merged.push((a, b)),
        }
    }
    let cuts = merged;
    if cuts.is_empty() {
        return t;
    }
    let mut bounds = vec![0];
    for (a, b) in &cuts {
        bounds.push(*a);
        bounds.push(*b);
    }
    bounds.push(t.len());
    let segments: Vec<(usize, usize)> = bounds.chunks(2).map(|p| (p[0], p[1])).collect();
    // From the end: "Title - Site", "Title - Site - Tagline".
    for (k, &(a, b)) in segments.iter().enumerate().skip(1).rev() {
        if names_site(&t[a..b], sites, host) {
            // Sections between the title and the site's name ("… | iPhone | Forum |
            // Site"), one word each, go with it.
            let mut k = k;
            while k >= 2 {
                let (a, b) = segments[k - 1];
                let kept = &t[..cuts[k - 2].0];
                if t[a..b].split_whitespace().count() != 1 || kept.split_whitespace().count() < 3 {
                    break;
                }
                k -= 1;
            }
            let keep = t[..cuts[k - 1].0].trim();
            if !keep.is_empty() {
                return keep.to_string();
            }
        }
    }
    // At the start: "Site | Title".
    let (a, b) = segments[0];
    if segments.len() >= 2 && names_site(&t[a..b], sites, host) {
        let keep = t[cuts[0].1..].trim();
        if !keep.is_empty() {
            return keep.to_string();
        }
    }
    t
}

/// Words that open a title and are no kicker of it ("The Secret Life of Pets").
const ARTICLES: &[&str] = &[
    "the", "a", "an", "der", "die", "das", "ein", "eine", "le", "la", "les", "un", "une", "el",
    "los", "las", "il", "lo", "de", "het", "een",
];

/// Words that name a site or a publication, never a person.
const SITE_WORDS: &[&str] = &[
    "blog",
    "community",
    "forum",
    "forums",
    "journal",
    "magazin",
    "magazine",
    "news",
    "online",
    "wiki",
    "zeitung",
];

/// Whether a title's segment could be a person's name: two to four words, each
/// capitalised, none a word that names a site ("Ann C. Bo", not "MyOOS Community Forum").
fn looks_like_name(segment: &str) -> bool {
    let words: Vec<&str> = segment.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| w.starts_with(char::is_uppercase))
        && !words
            .iter()
            .any(|w| SITE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// A title's segments between separators (a colon set apart by spaces among them).
fn split_segments(title: &str) -> Vec<&str> {
    let mut segments = vec![title];
    for sep in SEPARATORS.iter().chain(&[" : "]) {
        segments = segments.iter().flat_map(|s| s.split(sep)).collect();
    }
    segments.into_iter().map(str::trim).collect()
}

/// The first label of a registrable domain, compacted: `bayrischebembel` for
/// `bayrische-bembel.de`, `dw` for `dw.com`.
fn domain_label(domain: &str) -> String {
    compact(domain.split('.').next().unwrap_or(domain))
}

/// Whether one of a segment's words is the site's domain label (`label`, see
/// [`domain_label`]), or begins it ("Krimiblog-Archiv" on `krimiblog.de`, "Bayrische" on
/// `bayrische-bembel.de`).
fn names_site_word(segment: &str, label: &str) -> bool {
    !label.is_empty()
        && segment
            .split(|c: char| !c.is_alphanumeric())
            .map(compact)
            .any(|w| w.chars().count() >= 4 && label.starts_with(&w))
}

/// An `<h1>` or `<h2>` of the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Heading {
    pub level: u8,
    /// All its text.
    pub text: String,
    /// Its text without a kicker, subtitle or screen-reader text inside it.
    pub bare: String,
}

/// The words of a title in order, lower case, without punctuation.
fn title_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether two titles have no word in common.
fn disjoint(a: &str, b: &str) -> bool {
    let b = title_words(b);
    !title_words(a).iter().any(|w| b.contains(w))
}

/// The page's one `<h1>` in place of `title` where it has three words or more and shares
/// at least half of them with it: [`super::TitleConvention::Headline`].
pub(crate) fn prefer_headline(title: String, headings: &[Heading]) -> String {
    let words = title_words(&title);
    let mut h1s = headings
        .iter()
        .filter(|h| h.level == 1 && !title_words(&h.bare).is_empty());
    if let (Some(h), None) = (h1s.next(), h1s.next()) {
        let bare = title_words(&h.bare);
        let shared = bare.iter().filter(|w| words.contains(w)).count();
        if bare.len() >= 3 && shared * 2 >= bare.len() {
            return collapse_ws(&h.bare);
        }
    }
    title
}

/// The page's headline (its `<h1>`s; its `<h2>`s on pages without one) in place of
/// `title` where `title` is a decorated or clipped form of it:
///
/// - the whole heading, kicker included, where the headline is without it
///   ("Corona-Pandemie - Es kommt darauf an" for "Es kommt darauf an");
/// - its first words, cut short (a title trimmed to a length, "in Tennessee" dropped);
/// - the headline with a parenthesis appended ("Der Purzelbaum (2021/5)");
/// - nothing like it, and no other title of the page (`sources`: JSON-LD, Dublin Core,
///   Open Graph, Twitter, Parse.ly) like it either, where the document's `<title>` and the
///   headline agree: a section's or a site's title ("Pressemeldungen des Verbandes").
///
/// A heading is never taken alone: it may be a logo or a section's name.
pub(crate) fn agree_with_heading(
    title: String,
    doc_title: Option<&str>,
    sources: &[String],
    headings: &[Heading],
    host: &str,
) -> String {
    let words = title_words(&title);
    let mut candidates: Vec<&Heading> = headings
        .iter()
        .filter(|h| h.level == 1 && !title_words(&h.bare).is_empty())
        .collect();
    if candidates.is_empty() {
        candidates = headings
            .iter()
            .filter(|h| h.level == 2 && !title_words(&h.bare).is_empty())
            .collect();
    }
    for h in &candidates {
        let bare = title_words(&h.bare);
        if words == title_words(&h.text) && bare != words {
            return h.bare.clone();
        }
        if words.len() >= 3 && bare.len() > words.len() && bare.starts_with(&words) {
            return h.bare.clone();
        }
        if let Some(rest) = title.strip_prefix(h.bare.as_str())
            && rest.starts_with(" (")
            && rest.ends_with(')')
            && !rest.chars().any(char::is_alphabetic)
        {
            return h.bare.clone();
        }
    }
    // The headline as one segment of the title, the rest a short decoration the site's
    // names did not account for: a blog's name, a section, a subtitle ("Uberspace und
    // Let's Encrypt – Am Rande der Realität" over "Uberspace und Let's Encrypt").
    for h in &candidates {
        let bare = collapse_ws(&h.bare);
        if title_words(&bare).len() < 2 {
            continue;
        }
        for sep in SEPARATORS {
            // One segment of a few words. Names ("- Ann C. Bo", "- Ann Bo - Medium") say
            // who wrote it, which titles keep.
            let short = |rest: &str| {
                (1..=4).contains(&title_words(rest).len())
                    && !SEPARATORS.iter().any(|s| rest.contains(s))
                    && !looks_like_name(rest)
            };
            let before = title
                .strip_prefix(bare.as_str())
                .and_then(|r| r.strip_prefix(sep))
                .is_some_and(short);
            let after = title
                .strip_suffix(bare.as_str())
                .and_then(|r| r.strip_suffix(sep))
                .is_some_and(short);
            if before || after {
                return bare;
            }
        }
    }
    // The headline as one of three or more segments, each of the others a few words: a
    // site's name, its tagline and a section ("Ladensterben immer dramatischer » ☆☆☆ -
    // Watch e.V. - Aktuelle Geschehnisse"). A name among them says who wrote it, which
    // titles keep ("… - Ann C. Bo - Medium"), unless it names the site.
    let segments = split_segments(&title);
    if segments.len() >= 3 {
        let label = domain_label(super::url::registrable_domain(
            host.trim_start_matches("www."),
        ));
        for h in &candidates {
            let bare = title_words(&h.bare);
            if bare.len() < 3 {
                continue;
            }
            let Some(at) = segments.iter().position(|s| title_words(s) == bare) else {
                continue;
            };
            let site = |i: usize| names_site_word(segments[i], &label);
            // A segment beyond the site's name, seen from the headline, is the site's
            // tagline whatever its words.
            let beyond_site = |i: usize| {
                let between = if i < at { i + 1..at } else { at + 1..i };
                between.into_iter().any(site)
            };
            let decoration = |i: usize| {
                let name = looks_like_name(segments[i]);
                title_words(segments[i]).len() <= 5 && (!name || site(i) || beyond_site(i))
            };
            if (0..segments.len()).all(|i| i == at || decoration(i)) {
                return h.bare.clone();
            }
        }
    }
    // A section or topic set before the headline with a colon ("Chronik: Lotte Tobisch
    // ist tot" over "Lotte Tobisch ist tot"), or with nothing but a space, the kicker's
    // own element ending where the headline's begins ("SARS-2/COVID-19 Heute schon an
    // morgen denken").
    for h in &candidates {
        let headline = collapse_ws(&h.bare);
        let bare = title_words(&headline);
        let Some(kicker) = title.strip_suffix(headline.as_str()) else {
            continue;
        };
        let colon = kicker
            .strip_suffix(": ")
            .is_some_and(|k| bare.len() >= 3 && (1..=5).contains(&title_words(k).len()));
        let space = kicker
            .strip_suffix(' ')
            .filter(|k| !ARTICLES.contains(&k.to_lowercase().as_str()))
            .is_some_and(|k| bare.len() >= 4 && (1..=3).contains(&k.split_whitespace().count()));
        if colon || space {
            return headline;
        }
    }
    // A placeholder for a title ("Home"): one word the headline does not use.
    if let [h] = candidates[..]
        && let [word] = &words[..]
        && title_words(&h.bare).len() >= 3
        && !title_words(&h.bare).contains(word)
    {
        return h.bare.clone();
    }
    if let Some(doc) = doc_title
        && let Some(h) = candidates.first()
        && title_words(doc) == title_words(&h.bare)
        && disjoint(&title, doc)
        && sources.iter().filter(|s| !disjoint(s, &title)).count() <= 1
    {
        return h.bare.clone();
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(title: &str, site: &str, host: &str) -> String {
        let sites: Vec<String> = [site]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
            .collect();
        clean_title(title, &sites, host)
    }

    #[test]
    fn separators_sharing_a_space() {
        assert_eq!(
            c(
                "« Aux usagers » - Attac France",
                "Attac France",
                "france.attac.org"
            ),
            "« Aux usagers »"
        );
        assert_eq!(c("A - | B - | C", "", "x.org"), "A - | B - | C");
    }

    #[test]
    fn short_site_names() {
        assert_eq!(
            c(
                "Les éléphants en Guinée | DW | 23.05.2011",
                "DW.COM",
                "www.dw.com"
            ),
            "Les éléphants en Guinée"
        );
        assert_eq!(
            c("Die Zeit im Bild | ZB | 1.2.2020", "", "www.example.com"),
            "Die Zeit im Bild | ZB | 1.2.2020",
            "two letters that are not the domain"
        );
        assert_eq!(
            c("«Gute Löhne reichen nicht»", "", "x.ch"),
            "«Gute Löhne reichen nicht»",
            "the page's own quotation marks"
        );
        assert_eq!(c("“Why” and “how”", "", "x.ch"), "“Why” and “how”");
        assert_eq!(c("«Nein»", "", "x.ch"), "«Nein»", "one word");
    }

    #[test]
    fn a_kicker_before_the_headline() {
        let h = |bare: &str| Heading {
            level: 1,
            text: bare.to_string(),
            bare: bare.to_string(),
        };
        let agree = |t: &str, heading: &str| {
            agree_with_heading(t.to_string(), Some(t), &[], &[h(heading)], "")
        };
        assert_eq!(
            agree("Chronik: Lotte Tobisch ist tot", "Lotte Tobisch ist tot"),
            "Lotte Tobisch ist tot"
        );
        assert_eq!(
            agree(
                "Siemens und die Kohlemine Adani: Kaeser verarscht Neubauer",
                "Kaeser verarscht Neubauer"
            ),
            "Kaeser verarscht Neubauer",
            "a longer topic"
        );
        assert_eq!(
            agree(
                "Eine Mine, ein Konzern und viele offene Fragen: Kaeser verarscht Neubauer",
                "Kaeser verarscht Neubauer"
            ),
            "Eine Mine, ein Konzern und viele offene Fragen: Kaeser verarscht Neubauer",
            "a first half of its own"
        );
        assert_eq!(
            agree(
                "SARS-2/COVID-19 Heute schon an morgen denken",
                "Heute schon an morgen denken"
            ),
            "Heute schon an morgen denken",
            "a kicker in its own element"
        );
        assert_eq!(
            agree("The Secret Life of Pets", "Secret Life of Pets"),
            "The Secret Life of Pets",
            "an article is no kicker"
        );
        assert_eq!(
            agree("Tolles Neues Heute schon", "Neues Heute schon"),
            "Tolles Neues Heute schon",
            "three words are no headline without a colon"
        );
        assert_eq!(
            agree(
                "Rust: a language for everyone",
                "Rust: a language for everyone"
            ),
            "Rust: a language for everyone"
        );
        assert_eq!(
            agree(
                "Uberspace und Let’s Encrypt – Am Rande der Realität",
                "Uberspace und Let’s Encrypt"
            ),
            "Uberspace und Let’s Encrypt"
        );
        assert_eq!(
            agree("Kücknitz - So lief die Auktion", "So lief die Auktion"),
            "So lief die Auktion"
        );
        assert_eq!(
            agree("The Great Lie - Ann C. Bo", "The Great Lie"),
            "The Great Lie - Ann C. Bo",
            "the author's name"
        );
        assert_eq!(
            agree(
                "Was ist Freie Software - Oak Community Forum",
                "Was ist Freie Software"
            ),
            "Was ist Freie Software",
            "capitalised like a name, but a forum's"
        );
        assert_eq!(
            agree(
                "A long headline - and a second half that runs on for many more words here",
                "A long headline"
            ),
            "A long headline - and a second half that runs on for many more words here",
            "more than a decoration"
        );
        assert_eq!(
            agree("Why we must ask and ask: Is this fine", "Is this fine"),
            "Why we must ask and ask: Is this fine",
            "more than a section's name before the colon"
        );
    }

    #[test]
    fn site_name_after_the_title() {
        assert_eq!(
            c(
                "Why the sky is blue - The Daily Site",
                "The Daily Site",
                "x.com"
            ),
            "Why the sky is blue"
        );
        assert_eq!(
            c(
                "Histo-Monte: Pistenstopp - AutoSprintCH",
                "",
                "www.autosprint.ch"
            ),
            "Histo-Monte: Pistenstopp"
        );
        assert_eq!(
            c(
                "Cyber-Angriffe stoppen! - handwerk magazin",
                "",
                "www.handwerk-magazin.de"
            ),
            "Cyber-Angriffe stoppen!"
        );
        assert_eq!(
            c(
                "Energy Rising - 33 Tage Yoga - Mady Morrison - Yoga Lifestyle",
                "",
                "madymorrison.com"
            ),
            "Energy Rising - 33 Tage Yoga"
        );
        assert_eq!(
            c("La Policía dice | Minuto30.com", "", "www.minuto30.com"),
            "La Policía dice"
        );
        assert_eq!(
            c("White Passing - amazed", "", "amazedmag.de"),
            "White Passing"
        );
        assert_eq!(
            c("White Passing - ama", "", "amazedmag.de"),
            "White Passing - ama",
            "too short a part of the domain to be its name"
        );
    }

    #[test]
    fn site_name_before_the_title() {
        assert_eq!(
            c(
                "Disfunctions.de » Blog Archiv » Podcasts in Plex einbinden",
                "",
                "disfunctions.de"
            ),
            "Podcasts in Plex einbinden"
        );
        assert_eq!(c("Example | A story", "Example", "example.org"), "A story");
        assert_eq!(
            c("Blog Archive » A story", "", "example.org"),
            "A story",
            "a blogging engine's words"
        );
        assert_eq!(c("A story » Blog Archive", "", "example.org"), "A story",);
    }

    #[test]
    fn titles_without_the_site_are_kept() {
        assert_eq!(
            c("Part one - part two | Other", "Site", "site.com"),
            "Part one - part two | Other"
        );
        assert_eq!(c("Site", "Site", "site.com"), "Site");
        assert_eq!(
            c(
                "A long story here | iPhone | Forum | Site",
                "Site",
                "site.com"
            ),
            "A long story here",
            "one-word sections between the title and the site's name"
        );
        assert_eq!(
            c("A story | Part Two | Site", "Site", "site.com"),
            "A story | Part Two",
            "not a section's name"
        );
        assert_eq!(c("Plain title", "", ""), "Plain title");
    }

    #[test]
    fn the_headline_among_the_sites_segments() {
        let h = |bare: &str| Heading {
            level: 1,
            text: bare.into(),
            bare: bare.into(),
        };
        let a = |t: &str, heading: &str, host: &str| {
            agree_with_heading(t.into(), None, &[t.to_string()], &[h(heading)], host)
        };
        let title =
            "Shops close at a faster pace \u{bb} \u{2606}\u{2606} - Town Watch - Daily Notes";
        assert_eq!(
            a(title, "Shops close at a faster pace", "townwatch.org"),
            "Shops close at a faster pace",
            "the site's name, then its tagline"
        );
        assert_eq!(
            a(title, "Shops close at a faster pace", "other.org"),
            title,
            "\"Town Watch\" could be a person: kept"
        );
        assert_eq!(
            a(
                "Shops close at a faster pace - Ann C. Bo - Medium",
                "Shops close at a faster pace",
                "medium.com"
            ),
            "Shops close at a faster pace - Ann C. Bo - Medium",
            "who wrote it"
        );
        assert_eq!(
            a(
                "Shops close - at a faster pace than the town has seen in decades - Townwatch",
                "Shops close",
                "townwatch.org"
            ),
            "Shops close - at a faster pace than the town has seen in decades - Townwatch",
            "a long segment is not a decoration, and two words are no headline"
        );
    }

    #[test]
    fn the_headline_for_a_decorated_or_clipped_title() {
        let h = |level: u8, text: &str, bare: &str| Heading {
            level,
            text: text.into(),
            bare: bare.into(),
        };
        let a = |t: &str, doc: Option<&str>, hs: &[Heading]| {
            agree_with_heading(t.into(), doc, &[t.to_string()], hs, "")
        };
        // A kicker.
        let kicked = [h(
            1,
            "Corona - \u{201e}Es kommt darauf an\u{201c}",
            "\u{201e}Es kommt darauf an\u{201c}",
        )];
        assert_eq!(
            a("Corona-Pandemie - Es kommt darauf an", None, &kicked),
            "Corona-Pandemie - Es kommt darauf an",
            "not the heading's kicker"
        );
        assert_eq!(
            a("Corona - \"Es kommt darauf an\"", None, &kicked),
            "\u{201e}Es kommt darauf an\u{201c}"
        );
        // Clipped.
        let long = [h(
            1,
            "Cells erhöht Kapazität in Tennessee",
            "Cells erhöht Kapazität in Tennessee",
        )];
        assert_eq!(
            a("Cells erhöht Kapazität", None, &long),
            "Cells erhöht Kapazität in Tennessee"
        );
        assert_eq!(
            a("Cells Kapazität", None, &long),
            "Cells Kapazität",
            "too short to tell"
        );
        assert_eq!(
            a("Cells erhöht Tennessee", None, &long),
            "Cells erhöht Tennessee"
        );
        // A parenthesis; an <h2> only on pages without an <h1>.
        let h2 = [h(2, "Der Purzelbaum", "Der Purzelbaum")];
        assert_eq!(a("Der Purzelbaum (2021/5)", None, &h2), "Der Purzelbaum");
        let both = [h(1, "Mag", "Mag"), h(2, "Der Purzelbaum", "Der Purzelbaum")];
        assert_eq!(
            a("Der Purzelbaum (2021/5)", None, &both),
            "Der Purzelbaum (2021/5)"
        );
        // A section's title where <title> and headline agree.
        let news = [h(1, "Eva gewählt", "Eva gewählt")];
        assert_eq!(
            a("Pressemeldungen", Some("Eva gewählt"), &news),
            "Eva gewählt"
        );
        assert_eq!(
            a("Pressemeldungen", Some("Other"), &news),
            "Pressemeldungen"
        );
        assert_eq!(
            a("Eva Pressemeldungen", Some("Eva gewählt"), &news),
            "Eva Pressemeldungen"
        );
        // A different headline is no reason to change.
        assert_eq!(
            a(
                "This is a long title: Hello there",
                Some("This is a long title: Hello there"),
                &[h(
                    1,
                    "This is a long title: But different",
                    "This is a long title: But different"
                )]
            ),
            "This is a long title: Hello there"
        );
        assert_eq!(a("T", None, &[]), "T");
        // A placeholder title.
        let bye = [h(1, "Time to say goodbye.", "Time to say goodbye.")];
        assert_eq!(a("Home", None, &bye), "Time to say goodbye.");
        let two = [bye[0].clone(), h(1, "Another one here", "Another one here")];
        assert_eq!(a("Home", None, &two), "Home", "which heading?");
        assert_eq!(
            a(
                "Goodbye",
                None,
                &[h(1, "Time to say goodbye", "Time to say goodbye")]
            ),
            "Goodbye",
            "the headline's own word"
        );
    }

    #[test]
    fn decorations() {
        assert_eq!(
            c("A Look Back (Published 2016)", "", "nytimes.com"),
            "A Look Back"
        );
        assert_eq!(c("Opinion | The Case for X", "", "x.com"), "The Case for X");
        assert_eq!(
            c("r/rust - Announcing Rust 1.0", "", "www.reddit.com"),
            "Announcing Rust 1.0"
        );
        assert_eq!(
            c("Luboku, &#8216;Pale Blue Dot&#8217;", "", "x.com"),
            "Luboku, \u{2018}Pale Blue Dot\u{2019}"
        );
        assert_eq!(c("Olive &#038; Herb", "", "x.com"), "Olive & Herb");
        assert_eq!(c("Fish & Chips", "", "x.com"), "Fish & Chips");
    }
}
