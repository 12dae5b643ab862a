//! Just enough URL handling for canonical links: resolving a reference against a base,
//! and deciding whether two URLs share a registrable domain. The resolver is the
//! converter's: one resolver for links and canonical URLs.

/// Splits `scheme://authority` from the rest; `None` unless `url` is an absolute
/// `http(s)` URL with a host.
fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.is_empty() || authority.contains(char::is_whitespace) {
        return None;
    }
    Some((scheme, authority, tail))
}

/// The host of an absolute http(s) URL, lowercased, without user info or port.
pub(crate) fn host(url: &str) -> Option<String> {
    let (_, authority, _) = split(url.trim())?;
    let hostport = authority.rsplit('@').next()?;
    let host = if hostport.starts_with('[') {
        hostport.split_inclusive(']').next()?
    } else {
        hostport.split(':').next()?
    };
    (!host.is_empty()).then(|| host.trim_end_matches('.').to_ascii_lowercase())
}

/// Second-level labels under which registries sell names (`co.uk`, `com.au`): an
/// approximation of the public suffix list, which is too large to carry.
const SECOND_LEVEL: &[&str] = &[
    "co", "com", "net", "org", "gov", "edu", "ac", "ne", "or", "go", "gob", "nic", "mil",
];

/// The registrable part of a host: `news.bbc.co.uk` → `bbc.co.uk`, `www.example.com` →
/// `example.com`. IP addresses are kept whole.
pub(crate) fn registrable_domain(host: &str) -> &str {
    if host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let keep = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    if n <= keep {
        return host;
    }
    let skip: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    &host[skip..]
}

/// Whether two absolute http(s) URLs share a registrable domain (approximated); the
/// scheme may differ, as canonical links often upgrade to https. Looser than the note
/// identity's [`crate::url::same_host`]: a mobile page (`m.`) may name its desktop page
/// as canonical, and the note still shows it.
pub fn same_registrable_domain(a: &str, b: &str) -> bool {
    match (host(a), host(b)) {
        (Some(x), Some(y)) => registrable_domain(&x) == registrable_domain(&y),
        _ => false,
    }
}

/// Resolves `reference` against the absolute http(s) URL `base`, the way a browser
/// resolves a link (with the converter's resolver: one resolver for links and canonical
/// URLs). Returns `None` when the result would not be an absolute http(s) URL
/// (`javascript:`, `mailto:`, a broken base).
pub fn resolve_url(base: &str, reference: &str) -> Option<String> {
    let base = base.trim();
    split(base)?;
    let resolved = quotebook_html::convert::resolve_url(base, reference)?;
    let (scheme, authority, tail) = split(&resolved)?;
    // A special URL's path is never empty: `https://a.example` is `https://a.example/`.
    Some(if tail.starts_with('/') {
        resolved
    } else {
        format!("{scheme}://{authority}/{tail}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_browser() {
        let b = "http://a.example/b/c/d;p?q#f";
        for (r, want) in [
            ("g", "http://a.example/b/c/g"),
            ("./g", "http://a.example/b/c/g"),
            ("g/", "http://a.example/b/c/g/"),
            ("/g", "http://a.example/g"),
            ("//g.example/x", "http://g.example/x"),
            ("?y", "http://a.example/b/c/d;p?y"),
            ("#s", "http://a.example/b/c/d;p?q#s"),
            ("../g", "http://a.example/b/g"),
            ("../../../g", "http://a.example/g"),
            ("..", "http://a.example/b/"),
            ("", "http://a.example/b/c/d;p?q"),
            ("HTTPS://A.example/x/../y", "https://A.example/y"),
            ("https://a.example", "https://a.example/"),
        ] {
            assert_eq!(resolve_url(b, r).as_deref(), Some(want), "{r}");
        }
        assert_eq!(resolve_url(b, "javascript:alert(1)"), None);
        assert_eq!(resolve_url(b, "mailto:x@y"), None);
        assert_eq!(resolve_url("not a url", "g"), None);
    }

    #[test]
    fn same_registrable_domain_approximates_the_public_suffix_list() {
        assert!(same_registrable_domain(
            "https://www.example.com/a",
            "http://example.com/b"
        ));
        assert!(same_registrable_domain(
            "https://m.bbc.co.uk/a",
            "https://www.bbc.co.uk/b"
        ));
        assert!(!same_registrable_domain(
            "https://bbc.co.uk/a",
            "https://itv.co.uk/b"
        ));
        assert!(!same_registrable_domain(
            "https://example.com.evil.org/",
            "https://example.com/"
        ));
        assert!(same_registrable_domain(
            "http://user@host.example:8080/x",
            "http://host.example/"
        ));
        assert!(!same_registrable_domain(
            "http://10.0.0.1/",
            "http://10.0.0.2/"
        ));
        assert!(!same_registrable_domain(
            "ftp://example.com/",
            "http://example.com/"
        ));
    }
}
