//! Any HTML (raw, or built from the tags metadata is read from) and any page URL give
//! metadata without panicking, within a time bound, and keep the promises of `Metadata`:
//! the published date is `None` or valid ISO 8601 (checked here by a parser of its own,
//! and stable when normalised again); the canonical URL is absolute http(s) on the page's
//! site, and absent when the page URL is not http(s); the other fields are trimmed and
//! never empty.
#![no_main]

use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use quotebook_core::metadata::{extract_metadata_with_text, normalize_date};
use quotebook_html::page_text::visible_text;

const TIME_BOUND: Duration = Duration::from_secs(5);

#[derive(Debug, Arbitrary)]
struct Input {
    page_url: PageUrl,
    html: Html,
}

#[derive(Debug, Arbitrary)]
enum PageUrl {
    Plain,
    Deep,
    CoUk,
    Ip,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Html {
    Raw(String),
    Built(Vec<Tag>),
}

#[derive(Debug, Arbitrary)]
enum Tag {
    Meta {
        key: MetaKey,
        property: bool,
        content: Value,
    },
    Canonical(Value),
    Base(Value),
    Title(String),
    Lang(String),
    Time(Value),
    Byline(Byline, String),
    Heading(String),
    JsonLd(Vec<LdField>),
    JsonLdRaw(String),
    Text(String),
}

#[derive(Debug, Arbitrary)]
enum Value {
    Text(String),
    Date(DatePiece),
    Url(UrlPiece),
}

#[derive(Debug, Arbitrary)]
struct DatePiece {
    year: u16,
    month: u8,
    day: u8,
    time: Option<(u8, u8, u8, u16)>,
    offset: Option<i16>,
    prose: bool,
    suffix: String,
}

#[derive(Debug, Arbitrary)]
struct UrlPiece {
    scheme: u8,
    host: HostPiece,
    path: String,
}

#[derive(Debug, Arbitrary)]
enum HostPiece {
    Same,
    Sub,
    Other,
    Relative,
    Text(String),
}

#[derive(Debug, Arbitrary)]
enum MetaKey {
    OgUrl,
    OgTitle,
    OgSiteName,
    PublishedTime,
    DcDate,
    Date,
    Author,
    ArticleAuthor,
    Description,
    ContentLanguage,
    OgLocale,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Byline {
    Address,
    RelAuthor,
    ItempropAuthor,
    ClassByline,
    IdAuthor,
    ItempropDate,
}

#[derive(Debug, Arbitrary)]
enum LdField {
    Type(String),
    Headline(Value),
    Name(Value),
    DatePublished(Value),
    Author(Vec<Value>),
    Publisher(Value),
    Graph(Vec<Vec<LdField>>),
    Other(String, Value),
}

const PLAIN: &str = "https://www.example.com/a/b.html?x=1";

fn page_url(p: &PageUrl) -> String {
    match p {
        PageUrl::Plain => PLAIN.into(),
        PageUrl::Deep => "http://news.example.com/".into(),
        PageUrl::CoUk => "https://www.bbc.co.uk/news/1".into(),
        PageUrl::Ip => "http://127.0.0.1:8080/p".into(),
        PageUrl::Other(s) => s.clone(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        Value::Date(d) => {
            let mut out = if d.prose {
                const MONTHS: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                let m = MONTHS[usize::from(d.month) % 12];
                format!("{m} {}, {}", d.day % 40, d.year % 12000)
            } else {
                format!(
                    "{:04}-{:02}-{:02}",
                    d.year % 12000,
                    d.month % 14,
                    d.day % 40
                )
            };
            if let Some((h, m, s, ms)) = d.time {
                out.push_str(&format!("T{:02}:{:02}:{:02}", h % 26, m % 62, s % 62));
                if ms % 3 != 0 {
                    out.push_str(&format!(".{}", ms));
                }
            }
            if let Some(o) = d.offset {
                let o = i32::from(o) % 1200;
                if o == 0 {
                    out.push('Z');
                } else {
                    let sign = if o < 0 { '-' } else { '+' };
                    out.push_str(&format!("{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60));
                }
            }
            out.push_str(&d.suffix);
            out
        }
        Value::Url(u) => {
            let scheme = ["https://", "http://", "HTTP://", "//", "javascript:", ""]
                [usize::from(u.scheme) % 6];
            let host = match &u.host {
                HostPiece::Same => "www.example.com".to_owned(),
                HostPiece::Sub => "blog.example.com".to_owned(),
                HostPiece::Other => "example.org".to_owned(),
                HostPiece::Relative => String::new(),
                HostPiece::Text(t) => t.clone(),
            };
            if host.is_empty() {
                u.path.clone()
            } else {
                format!("{scheme}{host}/{}", u.path)
            }
        }
    }
}

fn ld_fields(fields: &[LdField]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for f in fields {
        let (k, v) = match f {
            LdField::Type(t) => ("@type".to_owned(), serde_json::Value::from(t.as_str())),
            LdField::Headline(v) => ("headline".into(), value(v).into()),
            LdField::Name(v) => ("name".into(), value(v).into()),
            LdField::DatePublished(v) => ("datePublished".into(), value(v).into()),
            LdField::Author(names) => (
                "author".into(),
                serde_json::Value::Array(
                    names
                        .iter()
                        .map(|n| serde_json::json!({"@type": "Person", "name": value(n)}))
                        .collect(),
                ),
            ),
            LdField::Publisher(v) => (
                "publisher".into(),
                serde_json::json!({"@type": "Organization", "name": value(v)}),
            ),
            LdField::Graph(nodes) => (
                "@graph".into(),
                serde_json::Value::Array(nodes.iter().map(|n| ld_fields(n)).collect()),
            ),
            LdField::Other(k, v) => (k.clone(), value(v).into()),
        };
        map.insert(k, v);
    }
    serde_json::Value::Object(map)
}

fn html(h: &Html) -> String {
    let tags = match h {
        Html::Raw(s) => return s.clone(),
        Html::Built(tags) => tags,
    };
    let mut out = String::from("<!doctype html>");
    for tag in tags {
        match tag {
            Tag::Meta {
                key,
                property,
                content,
            } => {
                let key = match key {
                    MetaKey::OgUrl => "og:url",
                    MetaKey::OgTitle => "og:title",
                    MetaKey::OgSiteName => "og:site_name",
                    MetaKey::PublishedTime => "article:published_time",
                    MetaKey::DcDate => "dc:date",
                    MetaKey::Date => "date",
                    MetaKey::Author => "author",
                    MetaKey::ArticleAuthor => "article:author",
                    MetaKey::Description => "description",
                    MetaKey::ContentLanguage => "content-language",
                    MetaKey::OgLocale => "og:locale",
                    MetaKey::Other(k) => k,
                };
                let attr = if *property { "property" } else { "name" };
                out.push_str(&format!(
                    "<meta {attr}=\"{}\" content=\"{}\">",
                    escape(key),
                    escape(&value(content))
                ));
            }
            Tag::Canonical(v) => out.push_str(&format!(
                "<link rel=\"canonical\" href=\"{}\">",
                escape(&value(v))
            )),
            Tag::Base(v) => out.push_str(&format!("<base href=\"{}\">", escape(&value(v)))),
            Tag::Title(t) => out.push_str(&format!("<title>{}</title>", escape(t))),
            Tag::Lang(l) => out.push_str(&format!("<html lang=\"{}\">", escape(l))),
            Tag::Time(v) => out.push_str(&format!(
                "<time datetime=\"{}\">x</time>",
                escape(&value(v))
            )),
            Tag::Byline(kind, text) => {
                let open = match kind {
                    Byline::Address => "<address>",
                    Byline::RelAuthor => "<a rel=\"author\" href=\"/me\">",
                    Byline::ItempropAuthor => "<span itemprop=\"author\">",
                    Byline::ClassByline => "<div class=\"post-byline\">",
                    Byline::IdAuthor => "<p id=\"authorName\">",
                    Byline::ItempropDate => "<span itemprop=\"datePublished\">",
                };
                out.push_str(open);
                out.push_str(&escape(text));
                out.push_str("</span></div></p></a></address>");
            }
            Tag::Heading(t) => out.push_str(&format!("<h1>{}</h1>", escape(t))),
            Tag::JsonLd(fields) => out.push_str(&format!(
                "<script type=\"application/ld+json\">{}</script>",
                ld_fields(fields)
            )),
            Tag::JsonLdRaw(raw) => out.push_str(&format!(
                "<script type=\"application/ld+json\">{raw}</script>"
            )),
            Tag::Text(t) => out.push_str(t),
        }
    }
    out
}

fn two_digits(b: &[u8]) -> Option<u32> {
    (b.len() == 2 && b.iter().all(u8::is_ascii_digit))
        .then(|| u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'))
}

/// `YYYY-MM-DD`, optionally `THH:MM:SS`, `.fff`, and `Z` or `±HH:MM`, of a real day.
fn valid_iso(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let (Some(month), Some(day)) = (two_digits(&b[5..7]), two_digits(&b[8..10])) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if year == 0 || day == 0 || day > days {
        return false;
    }
    let rest = &b[10..];
    if rest.is_empty() {
        return true;
    }
    if rest.len() < 9 || rest[0] != b'T' || rest[3] != b':' || rest[6] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        two_digits(&rest[1..3]),
        two_digits(&rest[4..6]),
        two_digits(&rest[7..9]),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = &rest[9..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [] | [b'Z'] => true,
        [sign, h1, h2, b':', m1, m2] if *sign == b'+' || *sign == b'-' => {
            matches!((two_digits(&[*h1, *h2]), two_digits(&[*m1, *m2])), (Some(h), Some(m)) if h <= 18 && m < 60)
        }
        _ => false,
    }
}

/// The host of an absolute http(s) URL, lowercased, by a reading of its own.
fn http_host(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit('@').next()?;
    let host = if hostport.starts_with('[') {
        hostport.split_inclusive(']').next()?
    } else {
        hostport.split(':').next()?
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_owned())
}

/// The last two labels of a host: two hosts on one site share at least these.
fn last_two_labels(host: &str) -> Vec<&str> {
    host.rsplit('.').take(2).collect()
}

fn clean(field: &str, s: &str) {
    assert!(!s.is_empty(), "{field} is empty");
    assert_eq!(s.trim(), s, "{field} is not trimmed");
}

fuzz_target!(|input: Input| {
    let page_url = page_url(&input.page_url);
    let html = html(&input.html);
    let start = Instant::now();
    // With the page's text, as the capture sends it.
    let meta = extract_metadata_with_text(&html, Some(&visible_text(&html)), &page_url);
    let elapsed = start.elapsed();
    assert!(elapsed < TIME_BOUND, "{elapsed:?} for {} bytes", html.len());

    if let Some(published) = &meta.published {
        assert!(
            valid_iso(published),
            "published {published:?} from {html:?}"
        );
        assert_eq!(
            normalize_date(published).as_deref(),
            Some(published.as_str()),
            "normalising again changes it"
        );
    }
    if let Some(canonical) = &meta.canonical_url {
        let page_host = http_host(&page_url)
            .unwrap_or_else(|| panic!("canonical {canonical:?} for page URL {page_url:?}"));
        let host = http_host(canonical)
            .unwrap_or_else(|| panic!("canonical {canonical:?} is not absolute http(s)"));
        assert_eq!(
            last_two_labels(&host),
            last_two_labels(&page_host),
            "canonical {canonical:?} is on another site than {page_url:?}"
        );
        assert!(
            !canonical.contains(['\t', '\n', '\r']),
            "canonical {canonical:?}"
        );
    }
    if let Some(title) = &meta.title {
        assert!(!title.is_empty());
    }
    for author in &meta.authors {
        clean("an author", author);
    }
    for (i, a) in meta.authors.iter().enumerate() {
        assert!(!meta.authors[..i].contains(a), "author {a:?} twice");
    }
    if let Some(site) = &meta.site_name {
        clean("the site name", site);
    }
    if let Some(description) = &meta.description {
        clean("the description", description);
    }
    if let Some(language) = &meta.language {
        assert!(
            !language.is_empty()
                && language.len() <= 35
                && language
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "language {language:?}"
        );
    }
});
