//! The few URL operations notes need: identity, tracking-parameter removal, same-host tests.
//!
//! Browsers hand us URLs already parsed and serialised (lower-case scheme and host,
//! percent-encoded), so these work on the serialised form without a full URL parser.

/// Query parameters that only track where a reader came from; they never select content.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "ref",
    "ref_src",
    "ref_url",
    "_hsenc",
    "_hsmi",
    "__hssc",
    "__hstc",
    "__hsfp",
    "hsctatracking",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wickedid",
    "_ga",
    "_gl",
    "s_cid",
    "srsltid",
];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || TRACKING_PARAMS.contains(&name.as_str())
}

/// `url` without its fragment and without tracking parameters; meaningful parameters stay
/// in their order.
pub fn clean(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
            !pair.is_empty() && !is_tracking(name)
        })
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// Whether `url` is absolute (has a scheme).
pub(crate) fn is_absolute(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The host (with port) of an absolute URL, lower-cased, `www.` dropped.
fn host_without_www(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    (!host.is_empty()).then_some(host)
}

/// Whether two absolute URLs have the same host and port, ignoring a leading `www.`;
/// `http` and `https` count as the same, since pages often declare the other one.
///
/// Stricter than the metadata's [`crate::metadata::same_registrable_domain`] on purpose:
/// a page's canonical URL decides which note its quotes join, and on shared hosts
/// (`alice.github.io`, `bob.github.io`) a page must not adopt another host's note.
pub(crate) fn same_host(a: &str, b: &str) -> bool {
    match (host_without_www(a), host_without_www(b)) {
        (Some(ha), Some(hb)) => ha == hb,
        _ => false,
    }
}

/// The identity of the note a page's quotes go to: its declared canonical URL when that is
/// absolute and on the page's own host ([`same_host`]), else the page URL cleaned.
pub fn note_identity(page_url: &str, canonical: Option<&str>) -> String {
    match canonical.map(str::trim) {
        Some(canonical) if is_absolute(canonical) && same_host(canonical, page_url) => {
            clean(canonical)
        }
        _ => clean(page_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_fragment_and_tracking_but_keeps_meaning() {
        assert_eq!(clean("https://a.example/p#x"), "https://a.example/p");
        assert_eq!(
            clean("https://a.example/p?id=3&utm_source=tw&UTM_Medium=s&fbclid=z&page=2#t"),
            "https://a.example/p?id=3&page=2"
        );
        assert_eq!(clean("https://a.example/p?ref=hn"), "https://a.example/p");
        assert_eq!(
            clean("https://a.example/p?reference=1"),
            "https://a.example/p?reference=1"
        );
    }

    #[test]
    fn canonical_only_on_the_same_host() {
        let page = "https://www.a.example/p?utm_source=x";
        assert_eq!(
            note_identity(page, Some("https://a.example/canon")),
            "https://a.example/canon"
        );
        assert_eq!(
            note_identity(page, Some("https://evil.example/x")),
            "https://www.a.example/p"
        );
        assert_eq!(
            note_identity(page, Some("/relative")),
            "https://www.a.example/p"
        );
        assert_eq!(note_identity(page, None), "https://www.a.example/p");
    }

    #[test]
    fn absolute_urls() {
        assert!(is_absolute("chrome://settings"));
        assert!(is_absolute("file:///tmp/a.html"));
        assert!(!is_absolute("/a"));
        assert!(!is_absolute("a b:c"));
    }
}
