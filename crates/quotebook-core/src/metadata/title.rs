//! Title cleaning: what pages add to an article's title — the site's name after or
//! before a separator, "(Published 2016)", "Opinion | ", a forum's "r/<name> - ", character
//! references escaped twice.

use quotebook_html::tokenizer::{Token, Tokenizer};

use super::collapse_ws;

const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " · ", " • ", " » ", " :: ", " ~ ", " // ",
];

/// Letters and digits only, lower case: how a site's name and its domain are compared.
fn compact(s: &str) -> String {
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
    if seg.chars().count() < 3 {
        return false;
    }
    if sites
        .iter()
        .any(|s| compact(s.trim_start_matches("www.")) == seg)
    {
        return true;
    }
    let host = host.trim_start_matches("www.");
    if host.is_empty() {
        return false;
    }
    let domain = super::url::registrable_domain(host);
    let label = compact(domain.split('.').next().unwrap_or(domain));
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

/// Cleans a page's title: `sites` are the names the page gives itself, `host` the page's
/// host.
pub(crate) fn clean_title(title: &str, sites: &[String], host: &str) -> String {
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
            "Blog Archiv » Podcasts in Plex einbinden"
        );
        assert_eq!(c("Example | A story", "Example", "example.org"), "A story");
    }

    #[test]
    fn titles_without_the_site_are_kept() {
        assert_eq!(
            c("Part one - part two | Other", "Site", "site.com"),
            "Part one - part two | Other"
        );
        assert_eq!(c("Site", "Site", "site.com"), "Site");
        assert_eq!(c("Plain title", "", ""), "Plain title");
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
