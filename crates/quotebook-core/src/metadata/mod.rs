//! Page metadata: title, authors, site, published date, description, language and
//! canonical URL, read from a whole page or from the reduced capture the extension sends.
//!
//! The input is tokenized with our own tokenizer alone (`quotebook_html::tokenizer`; no
//! tree is built): the head's
//! `<title>`, `<meta>` and `<link>` tags, the JSON-LD blocks, and the few body elements
//! that carry a byline or a date are all that is read. The capture script sends exactly
//! those elements, selected by [`metadata_capture_selectors`]; with a whole page the same
//! elements are found among the rest.
//!
//! Sources, best first: JSON-LD's article node, then `<meta>` tags (Open Graph, Dublin
//! Core, `article:*`, Parse.ly, Twitter, plain `name=`), then the document (`<title>`,
//! `<html lang>`, bylines, `<time datetime>`).

mod byline;
mod date;
mod jsonld;
mod title;
mod url;

use quotebook_html::tokenizer::{StartTag, TextKind, Token, Tokenizer, normalize_newlines};
use serde::{Deserialize, Serialize};

pub use date::{PageDate, normalize_date, parse_date};
pub use url::{resolve_url, same_registrable_domain};

/// What the core knows about a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub title: Option<String>,
    /// Each author's name, in the page's order, without "By".
    pub authors: Vec<String>,
    pub site_name: Option<String>,
    /// ISO 8601: `2019-01-03`, `2019-01-03T07:00:02Z`, `2015-07-24T05:36:09+01:00`, or
    /// without an offset when the page gave none.
    pub published: Option<String>,
    pub description: Option<String>,
    /// A BCP 47 tag as the page declares it (`en`, `pt-BR`).
    pub language: Option<String>,
    /// `<link rel=canonical>` or `og:url`, absolute, only when on the same site as the
    /// page's URL.
    pub canonical_url: Option<String>,
}

impl Metadata {
    /// The authors joined with ", " (what a template's `author` shows).
    pub fn byline(&self) -> Option<String> {
        (!self.authors.is_empty()).then(|| self.authors.join(", "))
    }
}

/// The CSS selector list the capture script must send (each matching element's
/// `outerHTML`, in document order, skipping elements inside one already sent, after an
/// `<html lang="...">` start tag carrying the document's language) when it cannot send
/// the whole page: the `<head>`, the JSON-LD blocks, the body elements that carry bylines
/// and dates, the `<h1>` and `<h2>` headings (a `<title>` is checked against them), the `<meta>`
/// and canonical `<link>` tags pages leave in their body.
/// [`extract_metadata`] reads no more than these.
pub fn metadata_capture_selectors() -> &'static str {
    concat!(
        "head, script[type=\"application/ld+json\"], ",
        "[rel~=\"author\" i], [itemprop*=\"author\" i], [itemprop*=\"datePublished\" i], ",
        "[itemprop*=\"dateCreated\" i], [class*=\"byline\" i], [class*=\"author\" i], ",
        "[id*=\"byline\" i], [id*=\"author\" i], [class*=\"dateline\" i], ",
        "[id*=\"dateline\" i], [class*=\"writtenby\" i], [id*=\"writtenby\" i], ",
        "address, time, h1, h2, meta, link[rel~=\"canonical\" i], ",
        "[class*=\"date\" i], [class*=\"published\" i], [class*=\"posted\" i], ",
        "[class*=\"datum\" i], [class*=\"fecha\" i]"
    )
}

/// Extracts the metadata of a page (a whole page, or the capture described by
/// [`metadata_capture_selectors`]; the `<html lang>` of a capture can be sent as
/// `<html lang="...">` before it). `page_url` resolves relative canonical URLs and decides
/// which canonical URLs are on the same site. Never panics; absent fields stay `None`.
pub fn extract_metadata(html: &str, page_url: &str) -> Metadata {
    extract_metadata_with_text(html, None, page_url)
}

/// [`extract_metadata`], with the page's visible text as the capture sends it (blocks
/// separated by `\n`; `quotebook_html::page_text::visible_text` of a whole page): where
/// no element or tag gives the page's date, the one printed next to the headline is
/// read from it.
pub fn extract_metadata_with_text(html: &str, page_text: Option<&str>, page_url: &str) -> Metadata {
    extract_metadata_titled(html, page_text, page_url, TitleConvention::Metadata)
}

/// Which title a page gets where it rewords its headline: the headline the reader sees
/// (`<h1>`) says one thing, the title the page declares (`og:title`, JSON-LD, `<title>`)
/// another. Labelled sets disagree on it: Readability's corpus takes the declared title,
/// the development set's labels the headline (`tests/metadata-dev/README.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TitleConvention {
    /// The declared title, cleaned of the site's name and checked against the headings
    /// only where it is a clipped or decorated form of one. Every note takes it.
    #[default]
    Metadata,
    /// The page's one `<h1>` where it has three words or more and shares at least half
    /// of them with the declared title. Measured beside [`TitleConvention::Metadata`] by
    /// `cargo xtask metadata`, to show what the choice costs on each set.
    Headline,
}

/// [`extract_metadata_with_text`], the title taken by `convention`.
pub fn extract_metadata_titled(
    html: &str,
    page_text: Option<&str>,
    page_url: &str,
    convention: TitleConvention,
) -> Metadata {
    let doc = scan(html);
    let ld = jsonld::read(&doc.ld_blocks).unwrap_or_default();
    // `property=` (RDFa, Open Graph) is more specific than `name=`: it wins for one key.
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            [true, false].iter().find_map(|prop| {
                doc.metas
                    .iter()
                    .find(|(key, v, p)| key == k && p == prop && !v.is_empty())
                    .map(|(_, v, _)| v.clone())
            })
        })
    };

    // Title.
    let doc_title = doc
        .title
        .as_deref()
        .map(collapse_ws)
        .filter(|t| !t.is_empty());
    let ld_title = match (&ld.headline, &ld.name) {
        (Some(h), Some(n)) if h != n => {
            // `name` is sometimes the publisher's, or the `<title>` with the site's name:
            // the one a heading repeats, else whichever the document's own title agrees
            // with more (the headline on a tie).
            let dt = doc_title.as_deref().unwrap_or("");
            let named_site = ld.publisher.as_deref() == Some(n.as_str());
            let headed = |t: &str| doc.headings.iter().any(|x| collapse_ws(t) == x.bare);
            if headed(h) {
                Some(h.clone())
            } else if headed(n) || (!named_site && word_overlap(n, dt) > word_overlap(h, dt)) {
                Some(n.clone())
            } else {
                Some(h.clone())
            }
        }
        (h, n) => h.clone().or_else(|| n.clone()),
    };
    // A video's or a web page's node names its article less surely than the page's tags.
    let (ld_title, ld_weak_title) = if ld.article {
        (ld_title, None)
    } else {
        (None, ld_title)
    };
    let site_name = meta(&["og:site_name"])
        .or_else(|| ld.publisher.clone())
        .or_else(|| meta(&["application-name"]));
    // Every name the page gives itself: a title segment or an "author" equal to one of
    // them names the site, not the article or a person.
    let sites: Vec<String> = [
        meta(&["og:site_name"]),
        ld.publisher.clone(),
        meta(&["application-name"]),
        meta(&["twitter:site"]).map(|s| s.trim_start_matches('@').to_string()),
    ]
    .into_iter()
    .flatten()
    .map(|s| collapse_ws(&s))
    .filter(|s| !s.is_empty())
    .collect();
    let host = url::host(page_url).unwrap_or_default();
    // A heading that is the `<title>`'s last segment, after a longer first part, is the
    // site's logo ("Was ist Freie Software - MyOOS Community Forum" under an `<h1>` "MyOOS
    // Community Forum"): a name of the site.
    let mut title_sites = sites.clone();
    if let Some(t) = &doc_title {
        title_sites.extend(
            doc.h1s
                .iter()
                .filter(|h| {
                    [" - ", " | ", " – ", " — "].iter().any(|sep| {
                        t.strip_suffix(h.as_str())
                            .and_then(|rest| rest.strip_suffix(sep))
                            .is_some_and(|rest| rest.split_whitespace().count() >= 3)
                    })
                })
                .cloned(),
        );
    }
    let cleaned_doc_title = doc_title
        .as_deref()
        .map(|t| clean_document_title(&title::clean_title(t, &title_sites, &host), &doc.h1s));
    let title = ld_title
        .or_else(|| {
            meta(&[
                "dc:title",
                "dcterm:title",
                "dcterms:title",
                "og:title",
                "weibo:article:title",
                "weibo:webpage:title",
                "title",
                "twitter:title",
                "parsely-title",
            ])
        })
        .or(ld_weak_title)
        .map(|t| title::clean_title(&t, &title_sites, &host))
        // A site's name, or a word like "Home", where the document says more.
        .filter(|t| {
            let doc = cleaned_doc_title.as_deref().unwrap_or(t);
            let generic = sites.iter().any(|s| s.eq_ignore_ascii_case(t))
                || (t.split_whitespace().count() < 2
                    && !doc.to_lowercase().contains(&t.to_lowercase()));
            !generic || doc == t
        })
        .or(cleaned_doc_title.clone());
    // The headline the reader sees, where the title is a clipped or decorated form of it.
    let sources: Vec<String> = [
        ld.headline.clone(),
        ld.name.clone(),
        meta(&["dc:title", "dcterm:title", "dcterms:title"]),
        meta(&["og:title"]),
        meta(&["twitter:title"]),
        meta(&["parsely-title"]),
    ]
    .into_iter()
    .flatten()
    .collect();
    let title = title.map(|t| {
        let t = match convention {
            TitleConvention::Metadata => t,
            TitleConvention::Headline => title::prefer_headline(t, &doc.headings),
        };
        title::agree_with_heading(
            t,
            cleaned_doc_title.as_deref(),
            &sources,
            &doc.headings,
            &host,
        )
    });

    // Authors: the person before the publisher. Candidates by source, best first: the
    // JSON-LD authors, `article:author` and the other author tags, `<meta name=author>`,
    // then the byline elements; a candidate naming the site (or an organisation) only
    // when nothing names a person, a user name only when nothing gives a full name.
    // A publisher that is a person names the writer, not an organisation.
    let org_sites: Vec<String> = sites
        .iter()
        .filter(|s| !(ld.publisher_is_person && ld.publisher.as_ref() == Some(*s)))
        .cloned()
        .collect();
    let names_site = |n: &str| names_an_organisation(n, &org_sites, &host, &ld.author_orgs);
    let mut candidates: Vec<Vec<String>> = Vec::new();
    let mut byline_dates = Vec::new();
    candidates.push(
        ld.authors
            .iter()
            .flat_map(|a| byline::clean_author_field(a).names)
            .collect(),
    );
    for keys in [
        &["article:author", "og:article:author"][..],
        &["parsely-author", "sailthru:author", "byl"][..],
        &[
            "dc:creator",
            "dcterm:creator",
            "dcterms:creator",
            "citation_author",
        ][..],
    ] {
        let mut found = Vec::new();
        for (k, v, _) in &doc.metas {
            if keys.contains(&k.as_str()) && !looks_like_url(v) {
                for n in byline::clean_author_field(v).names {
                    if !found.contains(&n) {
                        found.push(n);
                    }
                }
            }
        }
        candidates.push(found);
    }
    // "Written by" in the label/value pairs a page gives Twitter's cards (WordPress's SEO
    // plugins write the post's author there).
    candidates.insert(2, labelled_author(&doc.metas));
    let mut meta_authors = Vec::new();
    for (k, v, _) in &doc.metas {
        if k == "author" && !looks_like_url(v) {
            meta_authors.extend(byline::clean_author_field(v).names);
        }
    }
    candidates.push(meta_authors);
    let tagged = candidates.len();
    for b in doc
        .bylines
        .iter()
        .filter(|b| !b.is_empty() && b.chars().count() < 200)
    {
        let cleaned = byline::clean_byline(b);
        byline_dates.extend(cleaned.date);
        candidates.push(cleaned.names);
    }
    // Last, a byline printed as a line of the page's text.
    let text_byline = page_text
        .map(|text| byline_in_text(text, &headline_lines(&title, &doc)))
        .unwrap_or_default();
    candidates.push(text_byline.clone());
    // A letter alone is an avatar's or an initial's, never a name; a quotation mark opens
    // a headline's or a quotation's words.
    for c in &mut candidates {
        c.retain(|n| {
            n.chars().filter(|c| c.is_alphanumeric()).count() >= 2
                && !n.contains(['"', '\u{201c}', '\u{201d}', '\u{201e}', '\u{ab}', '\u{bb}'])
        });
    }
    // Each candidate's persons: "Ann Bo, CNN" names Ann Bo.
    let persons: Vec<Vec<String>> = candidates
        .iter()
        .map(|c| c.iter().filter(|n| !names_site(n)).cloned().collect())
        .collect();
    let full = |c: &Vec<String>| !c.iter().all(|n| byline::looks_like_handle(n));
    let authors = persons
        .iter()
        .find(|c| !c.is_empty() && full(c))
        .or_else(|| persons.iter().find(|c| !c.is_empty()))
        .or_else(|| candidates.iter().find(|c| !c.is_empty()))
        .cloned()
        .unwrap_or_default();
    // A tag that names the same persons and more: the others are co-authors the first
    // source left out (JSON-LD naming the first of the two a `<meta>` names).
    let same = |a: &String, b: &String| collapse_ws(a).eq_ignore_ascii_case(&collapse_ws(b));
    let authors = persons[..tagged]
        .iter()
        .filter(|c| c.len() > authors.len() && !authors.is_empty())
        .filter(|c| !c.iter().any(|n| byline::looks_like_handle(n)))
        .find(|c| authors.iter().all(|a| c.iter().any(|n| same(a, n))))
        .cloned()
        .unwrap_or(authors);
    // A user name made of a person's names ("christian.stadtfeld") stands for the full
    // name the page prints ("Christian P. Stadtfeld"). Then each name once, whichever
    // source gave it twice (two `<meta name=author>` tags, a user name and its name).
    let mut unique: Vec<String> = Vec::with_capacity(authors.len());
    for n in authors {
        let n = page_text
            .filter(|_| byline::looks_like_handle(&n))
            .and_then(|text| byline::name_of_handle(&n, text))
            .unwrap_or(n);
        if !unique.iter().any(|m| m.eq_ignore_ascii_case(&n)) {
            unique.push(n);
        }
    }
    let authors = unique;
    // The tags often name the first author alone where the byline the reader sees names
    // them all, or a first name alone ("Todd") where the byline prints the full name.
    let covers = |full: &String, n: &String| {
        full.eq_ignore_ascii_case(n)
            || (!n.contains(' ')
                && full
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case(n)))
    };
    let has = |all: &[String], n: &String| all.iter().any(|m| covers(m, n));
    let fuller = text_byline.len() > authors.len()
        || text_byline
            .iter()
            .zip(&authors)
            .any(|(t, a)| t.split_whitespace().count() > a.split_whitespace().count());
    let authors = if !authors.is_empty()
        && text_byline.len() >= authors.len()
        && fuller
        && authors.iter().all(|n| has(&text_byline, n))
    {
        text_byline
    } else {
        authors
    };

    // The page's URL, else the address it names as its own.
    let url_date = date_in_url(page_url).or_else(|| {
        doc.canonical
            .iter()
            .cloned()
            .chain(meta(&["og:url"]))
            .find_map(|c| date_in_url(&c))
    });
    // Published date: the first candidate that parses.
    let published = ld
        .published
        .iter()
        .cloned()
        .chain(meta(&[
            "article:published_time",
            "og:article:published_time",
        ]))
        .chain(meta(&[
            "og:published_time",
            "article:published",
            "parsely-pub-date",
            "pub-date",
            "sailthru:date",
            "dc:date",
            "dcterms:created",
            "dcterms:date",
            "date",
            "publishdate",
            "pubdate",
            "dc:date:issued",
            "dc:date:created",
            "dcterms:issued",
            "citation_publication_date",
            "citation_date",
            "publish-date",
            "publish_date",
            "published-date",
            "published_date",
            "publication_date",
            "date_published",
            "release_date",
            "originalpublicationdate",
            "rnews:datepublished",
            // Rarer names for the same date, which publishing systems and analytics
            // tags use.
            "og:pubdate",
            "og:publish_date",
            "og:datepublished",
            "og:article:published",
            "article:published_date",
            "article:publicationdate",
            "article:post_date",
            "article:created",
            "published_time",
            "publish_time",
            "publisheddate",
            "displaydate",
            "dateposted",
            "datecreated",
            "date_created",
            "dc:created",
            "dc:date:publication",
            "content_create_date",
            "bt:pubdate",
            "cxenseparse:recs:publishtime",
            "dcsext:articlefirstpublished",
            "shareaholic:article_published_time",
        ]))
        .chain(doc.dates.iter().cloned())
        .find_map(|d| normalize_date(&d))
        // Dates written in the text of a date element or a byline, then the URL's, then
        // the first reader's comment's (published on the day, often).
        .or_else(|| {
            let in_text = |t: &String| date::find_date_in_date_text(t);
            doc.published_date_texts
                .iter()
                .chain(&doc.date_texts)
                .filter_map(in_text)
                .chain(byline_dates)
                .chain(url_date)
                .chain(
                    page_text
                        .and_then(|text| date_near_headline(text, &headline_lines(&title, &doc))),
                )
                // A revision date: a page never revised gives its publication date
                // there alone, and one revised is rarely far from it.
                .chain(
                    ld.modified
                        .iter()
                        .cloned()
                        .chain(meta(&[
                            "article:modified_time",
                            "og:article:modified_time",
                            "og:updated_time",
                            "article:modified",
                            "datemodified",
                            "dcterms:modified",
                            "dc:modified",
                            "modified",
                            "last-modified",
                        ]))
                        .find_map(|d| parse_date(&d)),
                )
                .chain(doc.comment_date_texts.iter().filter_map(in_text))
                .map(|d| d.to_string())
                .next()
        });
    // A date in the URL's path is set when the page is first published and never
    // revised, where tags are sometimes rewritten with a later date: when they name
    // different days, the URL's wins.
    let published = match (url_date, published) {
        (Some(u), Some(p))
            if parse_date(&p)
                .is_some_and(|d| (d.year, d.month, d.day) != (u.year, u.month, u.day)) =>
        {
            Some(u.to_string())
        }
        (_, p) => p,
    };

    let description = ld.description.clone().or_else(|| {
        meta(&[
            "dc:description",
            "dcterm:description",
            "dcterms:description",
            "og:description",
            "weibo:article:description",
            "weibo:webpage:description",
            "description",
            "twitter:description",
        ])
    });

    let language = doc
        .lang
        .clone()
        .or_else(|| meta(&["content-language", "dc:language", "og:locale"]))
        .or_else(|| ld.language.clone())
        .map(|l| l.trim().replace('_', "-"))
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 35
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });

    // Canonical URL: resolved against <base href> (itself resolved against the page).
    let base = doc
        .base_href
        .as_deref()
        .and_then(|b| resolve_url(page_url, b))
        .unwrap_or_else(|| page_url.to_string());
    let canonical_url = doc
        .canonical
        .iter()
        .cloned()
        .chain(meta(&["og:url"]))
        .filter_map(|c| resolve_url(&base, &c))
        .find(|c| same_registrable_domain(c, page_url));

    Metadata {
        title: title.filter(|t| !t.is_empty()),
        authors,
        site_name: site_name.map(|s| collapse_ws(&s)).filter(|s| !s.is_empty()),
        published,
        description: description
            .map(|d| collapse_ws(&d))
            .filter(|d| !d.is_empty()),
        language,
        canonical_url,
    }
}

/// An author's name that names the site or an organisation rather than a person: one of
/// the names the site gives itself (`sites`), its host ("L-MAG" on l-mag.de), their
/// initials ("Deutsche Welle" on dw.com), with or without an article ("Die Furche"), an
/// organisation the JSON-LD names as author, or a name with a company's legal form or a
/// web address ("Example Media GmbH", "Ann Bo e.V.").
fn names_an_organisation(n: &str, sites: &[String], host: &str, orgs: &[String]) -> bool {
    let squash = title::compact;
    let lower = collapse_ws(n).to_lowercase();
    let words: Vec<&str> = lower.split(' ').collect();
    const ARTICLES: &[&str] = &["the", "die", "der", "das", "le", "la", "les", "el", "il"];
    let bare = match words.split_first() {
        Some((first, rest)) if ARTICLES.contains(first) && !rest.is_empty() => rest.join(" "),
        _ => lower.clone(),
    };
    // The host's labels but the top-level domain ("l-mag" of l-mag.de, "cnn" of
    // edition.cnn.com), compared with a one-word name only: "John Smith" on johnsmith.com
    // is the person who writes there.
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.pop();
    let host_names: Vec<String> = labels
        .iter()
        .filter(|l| !["www", "co", "com", "org", "net", "ac", "gov", "edu"].contains(l))
        .map(|l| squash(l))
        .filter(|l| l.chars().count() >= 2)
        .collect();
    let mut known: Vec<String> = sites
        .iter()
        .chain(orgs)
        .map(|s| squash(s))
        .filter(|s| !s.is_empty())
        .collect();
    known.push(squash(host.trim_start_matches("www.")));
    if !bare.contains(' ') {
        known.extend(host_names.iter().cloned());
    }
    let initials: String = bare
        .split(' ')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .collect();
    let n_squashed = squash(&bare);
    if n_squashed.is_empty() {
        return false;
    }
    known.contains(&n_squashed)
        || known.contains(&squash(&lower))
        || (bare.contains(' ')
            && initials.chars().count() >= 2
            && (known.contains(&initials) || host_names.contains(&initials)))
        || words
            .iter()
            .any(|w| byline::is_legal_form(w) || looks_like_url(w) || w.starts_with("www."))
}

/// The value of the `twitter:dataN` whose `twitter:labelN` says "Written by".
fn labelled_author(metas: &[(String, String, bool)]) -> Vec<String> {
    const LABELS: &[&str] = &[
        "written by",
        "author",
        "authors",
        "verfasst von",
        "geschrieben von",
        "autor",
        "autorin",
        "von",
        "escrito por",
        "écrit par",
        "scritto da",
        "door",
    ];
    let get = |k: &str| metas.iter().find(|(key, ..)| key == k).map(|(_, v, _)| v);
    (1..=4)
        .find_map(|i| {
            let label = get(&format!("twitter:label{i}"))?;
            let label = collapse_ws(label).to_lowercase();
            let label = label.trim_end_matches(':');
            LABELS
                .contains(&label)
                .then(|| get(&format!("twitter:data{i}")))
                .flatten()
        })
        .map(|v| byline::clean_byline(v).names)
        .unwrap_or_default()
}

/// `/2019/10/21/` in a URL's path.
fn date_in_url(page_url: &str) -> Option<PageDate> {
    let path = page_url.split("://").nth(1)?.split_once('/')?.1;
    let parts: Vec<&str> = path.split(['/', '?', '#']).collect();
    parts.windows(3).find_map(|w| {
        let num = |s: &str, n: usize| {
            (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())?
        };
        let d = PageDate {
            year: num(w[0], 4)? as i32,
            month: num(w[1], 2)? as u8,
            day: num(w[2], 2)? as u8,
            time: None,
            offset_minutes: None,
        };
        normalize_date(&d.to_string()).and_then(|s| parse_date(&s))
    })
}

/// How many lines of the page's text after the headline, and before it, a date printed
/// with the article is looked for in: a byline or dateline sits just above or below it.
const LINES_AFTER_HEADLINE: usize = 12;
const LINES_BEFORE_HEADLINE: usize = 3;
/// Lines longer than this are running text, where a date is an event's, not the page's.
const DATELINE_MAX_CHARS: usize = 160;

/// The texts a line of the page's text may show the headline as: the title and the
/// `<h1>`s (whole, and without a kicker), lower case, of two words or more.
fn headline_lines(title: &Option<String>, doc: &Doc) -> Vec<String> {
    title
        .iter()
        .map(String::as_str)
        .chain(
            doc.headings
                .iter()
                .filter(|h| h.level == 1)
                .flat_map(|h| [h.text.as_str(), h.bare.as_str()]),
        )
        .map(|h| collapse_ws(h).to_lowercase())
        .filter(|h| h.split_whitespace().count() >= 2)
        .collect()
}

/// The lines of `text` next to the first line that is one of `headlines` (see
/// [`headline_lines`]): those after it, nearest first, then those before it. Empty when
/// no line is a headline.
fn lines_near_headline<'a>(text: &'a str, headlines: &[String]) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    // Compared without whitespace: a kicker and a headline in inline elements of one
    // heading may be printed with no space between them.
    let key = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    // The title's line before any heading's: a page may have other `<h1>`s ("Navigation
    // und Service") above the article.
    let keys: Vec<String> = lines.iter().map(|l| key(l)).collect();
    let Some(at) = headlines.iter().find_map(|h| {
        let h = key(h);
        keys.iter().position(|l| *l == h)
    }) else {
        return Vec::new();
    };
    let after = lines.iter().skip(at + 1).take(LINES_AFTER_HEADLINE);
    let before = lines[at.saturating_sub(LINES_BEFORE_HEADLINE)..at]
        .iter()
        .rev();
    after.chain(before).copied().collect()
}

/// The first date written in a short line next to the headline in the page's text.
/// None when no line is a headline: a date elsewhere on a page (a sidebar's, a
/// comment's) says nothing of the article's.
fn date_near_headline(text: &str, headlines: &[String]) -> Option<PageDate> {
    let lines: Vec<&str> = lines_near_headline(text, headlines)
        .into_iter()
        // Running text says when something happened, except for a date it opens with
        // ("27.1.2022 - Bei der ...", "(21. November 2022) Energie..."): a dateline.
        .filter_map(|l| {
            if l.chars().count() <= DATELINE_MAX_CHARS {
                return Some(l);
            }
            let opening = l.char_indices().nth(40).map_or(l, |(i, _)| &l[..i]);
            let (_, at) = date::find_date_in_text(opening)?;
            let before = opening[..at].trim();
            (before.is_empty() || before == "(").then_some(opening)
        })
        // An embedded post's signature ("— Ann (@ann) May 3, 2020").
        .filter(|l| !l.contains("(@"))
        .collect();
    // A revision date ("Updated Jul 24, 2018") only when no line gives another.
    lines
        .iter()
        .find_map(|l| date::find_date_in_text(before_revision(l)).map(|(d, _)| d))
        .or_else(|| {
            lines
                .iter()
                .find_map(|l| date::find_date_in_text(l).map(|(d, _)| d))
        })
}

/// Words that introduce a revision date in a dateline.
const REVISION_WORDS: &[&str] = &[
    "updated",
    "last updated",
    "modified",
    "aktualisiert",
    "zuletzt geändert",
    "geändert",
    "mis à jour",
    "actualizado",
    "actualización",
    "aggiornato",
];

/// The part of a line before a word introducing a revision date.
fn before_revision(line: &str) -> &str {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        return line;
    }
    let at = REVISION_WORDS
        .iter()
        .filter_map(|w| lower.find(w))
        .min()
        .unwrap_or(line.len());
    line.get(..at).unwrap_or(line)
}

/// The names of a byline printed as a line of the page's text: "By Ann Bo" next to the
/// headline, or a labelled "Autor: Ann Bo" anywhere (articles sign off with one).
fn byline_in_text(text: &str, headlines: &[String]) -> Vec<String> {
    // "By" or "Author" on a line of its own, the names on the next (each in its own
    // element).
    let mut joined = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let alone = |words: &[&str]| words.iter().any(|w| line.trim().eq_ignore_ascii_case(w));
        let last = lines.peek().is_none();
        joined.push_str(line);
        if !last && alone(&["by", "von", "par", "por", "door"]) {
            joined.push(' ');
        } else if !last && alone(&["author", "autor", "autorin", "auteur", "autora"]) {
            joined.push_str(": ");
        } else {
            joined.push('\n');
        }
    }
    let text = joined.as_str();
    let near = lines_near_headline(text, headlines);
    near.iter()
        .map(|l| byline::byline_in_text_line(l, true))
        .chain(text.lines().map(|l| byline::byline_in_text_line(l, false)))
        .find(|names| !names.is_empty())
        // Last, a name in the line that dates the article.
        .or_else(|| {
            near.iter()
                .find_map(|l| byline::person_in_dateline(l))
                .map(|n| vec![n])
        })
        .unwrap_or_default()
}

/// A `<title>` often ends (or starts) with the site's name after a separator: keep the
/// part that names the article when it is long enough to stand alone.
fn clean_document_title(title: &str, h1s: &[String]) -> String {
    let words = |s: &str| s.split_whitespace().count();
    const SEPS: [&str; 8] = [" | ", " - ", " – ", " — ", " \\ ", " / ", " > ", " » "];
    let last_sep = SEPS
        .iter()
        .filter_map(|s| title.rfind(s).map(|i| (i, s.len())))
        .max_by_key(|(i, _)| *i);
    let first_sep = SEPS
        .iter()
        .filter_map(|s| title.find(s).map(|i| (i, s.len())))
        .min_by_key(|(i, _)| *i);
    // The last segment is the site's name, unless the reader sees it as the headline
    // ("Site: Home / Speeches / The speech's title").
    if let Some((i, len)) = last_sep {
        let last = title[i + len..].trim();
        if words(last) >= 3 && h1s.iter().any(|h| collapse_ws(h) == last) {
            return last.to_string();
        }
    }
    let mut out = title.to_string();
    if let (Some((li, _)), Some((fi, flen))) = (last_sep, first_sep) {
        out = title[..li].trim().to_string();
        if words(&out) < 3 {
            out = title[fi + flen..].trim().to_string();
        }
    } else if let Some(i) = title.find(": ") {
        // "Site: Article title", unless a heading repeats the whole title.
        if !h1s.iter().any(|h| collapse_ws(h) == title) {
            let after = title[i + 2..].trim();
            if words(after) >= 3 {
                out = after.to_string();
            }
        }
    }
    let n = words(&out);
    if n <= 4 && (last_sep.is_none() || n != words(title) - 1) {
        // Too little left: the whole title says more.
        return title.to_string();
    }
    out
}

/// The share of `a`'s words that appear in `b` (0 to 1).
fn word_overlap(a: &str, b: &str) -> f64 {
    let theirs: Vec<String> = b.split_whitespace().map(str::to_lowercase).collect();
    let ours: Vec<String> = a.split_whitespace().map(str::to_lowercase).collect();
    if ours.is_empty() {
        return 0.0;
    }
    ours.iter().filter(|w| theirs.contains(w)).count() as f64 / ours.len() as f64
}

/// Collapses runs of whitespace into one space and trims.
pub(crate) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn looks_like_url(s: &str) -> bool {
    let t = s.trim_start();
    let lower = |p: &str| {
        t.len() >= p.len() && t.is_char_boundary(p.len()) && t[..p.len()].eq_ignore_ascii_case(p)
    };
    lower("http://") || lower("https://") || lower("www.") || lower("//")
}

/// What the scan of a page collects.
#[derive(Default)]
struct Doc {
    title: Option<String>,
    lang: Option<String>,
    /// (normalised key, content, from `property=`) of each `<meta>` with content, in order.
    metas: Vec<(String, String, bool)>,
    canonical: Vec<String>,
    base_href: Option<String>,
    ld_blocks: Vec<String>,
    /// Text of byline elements, in document order.
    bylines: Vec<String>,
    /// `datetime`/`content` of date elements, `datePublished` first.
    dates: Vec<String>,
    h1s: Vec<String>,
    /// The `<h1>` and `<h2>` headings, in order: level, whole text, text without kickers
    /// (see [`is_kicker`]).
    headings: Vec<title::Heading>,
    /// Text of date elements (a class naming a date), in document order.
    date_texts: Vec<String>,
    /// Text of the elements marked `itemprop="datePublished"` (or `dateCreated`) without a
    /// machine-readable value: the page's own label for what they say.
    published_date_texts: Vec<String>,
    /// Text of the date elements heading readers' comments.
    comment_date_texts: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextSink {
    Title,
    JsonLd,
    Ignore,
}

#[derive(Default)]
struct ScanState {
    doc: Doc,
    /// Open elements (names), approximately: void elements are never pushed and end tags
    /// close up to their nearest match.
    stack: Vec<String>,
    raw: Option<TextSink>,
    buf: String,
    /// Byline elements being read (nested ones too): stack depth at which each opened,
    /// its rank in document order, its text so far.
    byline: Vec<(usize, usize, String)>,
    /// Finished byline elements: rank in document order, text.
    bylines_done: Vec<(usize, String)>,
    byline_seq: usize,
    /// The heading being read: stack depth, level, its whole text, its text without
    /// kickers.
    h1: Option<(usize, u8, String, String)>,
    /// Depth of the kicker inside the heading being read, while in it.
    kicker: Option<usize>,
    /// Depth of the readers' comment being read, while in it: no byline inside it.
    comment: Option<usize>,
    /// Date elements being read: stack depth at which each opened, what it dates, its
    /// text so far.
    datebox: Vec<(usize, DateBox, String)>,
    published_dates: Vec<String>,
    other_dates: Vec<String>,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];

fn attr<'a>(tag: &'a StartTag, name: &str) -> Option<&'a str> {
    tag.attr(name)
}

fn has_token(value: Option<&str>, token: &str) -> bool {
    value.is_some_and(|v| {
        v.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case(token))
    })
}

/// A comment's header ("comment-author", "comment-meta"): its names and dates are a
/// reader's, not the article's. Only the element's own class and id are read, so that the
/// capture (which sends the element without its ancestors) and the whole page agree.
fn is_comment_part(tag: &StartTag) -> bool {
    let ident = format!(
        "{} {}",
        attr(tag, "class").unwrap_or(""),
        attr(tag, "id").unwrap_or("")
    )
    .to_ascii_lowercase();
    ident.contains("comment") || ident.contains("kommentar")
}

/// A reader's comment, or the list of them: a class `comment` or `comments` (WordPress's
/// and others' `<li class="comment">`), an id `comments` or `comment-<number>`. The
/// capture's `isCommentContainer` (`capture.js`) tells one the same way, and skips the
/// elements inside one as this scan does.
fn is_comment_container(tag: &StartTag) -> bool {
    let class = attr(tag, "class").unwrap_or("");
    let id = attr(tag, "id").unwrap_or("");
    class
        .split_ascii_whitespace()
        .any(|t| t == "comment" || t == "comments")
        || id == "comments"
        || id
            .strip_prefix("comment-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn is_byline_element(tag: &StartTag) -> bool {
    if is_comment_part(tag) {
        return false;
    }
    if &*tag.name == "address"
        || has_token(attr(tag, "rel"), "author")
        || attr(tag, "itemprop").is_some_and(|v| v.to_ascii_lowercase().contains("author"))
    {
        return true;
    }
    let ident = format!(
        "{} {}",
        attr(tag, "class").unwrap_or(""),
        attr(tag, "id").unwrap_or("")
    );
    // The author of another article, teased beside this one ("teaser__author"), or of a
    // quotation ("quote_author").
    let lower = ident.to_ascii_lowercase();
    if lower.split_whitespace().any(|token| {
        [
            "teaser",
            "related",
            "slider",
            "recommend",
            "sidebar",
            "widget",
            "promo",
            "quote",
            "zitat",
            "testimonial",
        ]
        .iter()
        .any(|w| token.contains(w))
            && ["author", "byline"].iter().any(|w| token.contains(w))
    }) {
        return false;
    }
    ["byline", "author", "dateline", "writtenby"]
        .iter()
        .any(|w| mentions(&ident, w))
}

/// An element inside a heading that is not the headline: a kicker or overline above it
/// ("Corona-Pandemie", "Abstandsregeln : "), a subtitle run into it, the separator or
/// screen-reader text between them.
fn is_kicker(tag: &StartTag) -> bool {
    let class = attr(tag, "class").unwrap_or("").to_ascii_lowercase();
    [
        "kicker",
        "overline",
        "topline",
        "toptitle",
        "dachzeile",
        "roofline",
        "supertitle",
        "eyebrow",
        "subtitle",
        "subline",
        "colon",
        "visually-hidden",
        "sr-only",
        "screen-reader",
        "element-invisible",
        "offscreen",
    ]
    .iter()
    .any(|w| class.contains(w))
}

/// What a date element's text dates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DateBox {
    /// Something on the page, maybe the article.
    Page,
    /// The article's publication, by `itemprop`.
    Published,
    /// A reader's comment.
    Comment,
}

/// `itemprop="datePublished"` or `dateCreated`.
fn is_published_prop(tag: &StartTag) -> bool {
    attr(tag, "itemprop").is_some_and(|v| {
        let v = v.to_ascii_lowercase();
        v.contains("datepublished") || v.contains("datecreated")
    })
}

fn is_date_element(tag: &StartTag) -> bool {
    if &*tag.name == "time" || is_published_prop(tag) {
        return true;
    }
    let class = attr(tag, "class").unwrap_or("");
    [
        "datum",
        "fecha",
        "date",
        "published",
        "posted",
        "pubdate",
        "postdate",
        "publishdate",
    ]
    .iter()
    .any(|w| mentions_word(class, w))
}

/// Like [`mentions`], and `word` starts a word too: `news-date`, `postDate`,
/// `entry-date` do, `update` and `validate` do not.
fn mentions_word(ident: &str, word: &str) -> bool {
    let lower = ident.to_ascii_lowercase();
    lower.match_indices(word).any(|(i, _)| {
        let starts = i == 0
            || !ident.as_bytes()[i - 1].is_ascii_lowercase()
            || ident.as_bytes()[i].is_ascii_uppercase();
        let rest = &ident[i + word.len()..];
        let mut chars = rest.chars();
        let ends = match chars.next() {
            None => true,
            Some('s') | Some('S') => !chars.next().is_some_and(|c| c.is_ascii_lowercase()),
            Some(c) => !c.is_ascii_lowercase(),
        };
        starts && ends
    })
}

/// Whether `ident` (class names and id) mentions `word` (lowercase) as a word of its own:
/// `post-author`, `authorName`, `bylines` do, `authorization` does not.
fn mentions(ident: &str, word: &str) -> bool {
    let lower = ident.to_ascii_lowercase();
    lower.match_indices(word).any(|(i, _)| {
        let rest = &ident[i + word.len()..];
        let mut chars = rest.chars();
        match chars.next() {
            None => true,
            Some('s') | Some('S') => !chars.next().is_some_and(|c| c.is_ascii_lowercase()),
            Some(c) => !c.is_ascii_lowercase(),
        }
    })
}

impl ScanState {
    /// Takes a start tag; returns how the text after it is to be read.
    fn start(&mut self, tag: &StartTag) -> TextKind {
        let name: &str = &tag.name;
        match name {
            "html" if self.doc.lang.is_none() => {
                self.doc.lang = attr(tag, "lang")
                    .or_else(|| attr(tag, "xml:lang"))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
            "meta" => {
                let content = attr(tag, "content").map(str::trim).unwrap_or("");
                if !content.is_empty() {
                    let props = attr(tag, "property")
                        .into_iter()
                        .flat_map(str::split_ascii_whitespace)
                        .map(|k| (k, true));
                    let names = attr(tag, "name")
                        .map(str::trim)
                        .into_iter()
                        .chain(attr(tag, "http-equiv").map(str::trim))
                        .chain(
                            attr(tag, "itemprop")
                                .into_iter()
                                .flat_map(str::split_ascii_whitespace),
                        )
                        .map(|k| (k, false));
                    for (k, from_property) in props.chain(names) {
                        let key = k.to_ascii_lowercase().replace('.', ":");
                        let key = key.split_whitespace().collect::<String>();
                        if key == "datepublished" {
                            self.published_dates.push(content.to_string());
                        }
                        self.doc
                            .metas
                            .push((key, content.to_string(), from_property));
                    }
                }
            }
            "link" => {
                if has_token(attr(tag, "rel"), "canonical")
                    && let Some(h) = attr(tag, "href")
                {
                    self.doc.canonical.push(h.trim().to_string());
                }
            }
            "base" if self.doc.base_href.is_none() => {
                self.doc.base_href = attr(tag, "href").map(|h| h.trim().to_string());
            }
            _ => {}
        }
        // Dates in the body.
        let itemprop = attr(tag, "itemprop").unwrap_or("").to_ascii_lowercase();
        if name != "meta"
            && (itemprop.contains("datepublished") || itemprop.contains("datecreated"))
        {
            if let Some(v) = attr(tag, "datetime").or_else(|| attr(tag, "content")) {
                self.published_dates.push(v.to_string());
            }
        } else if name == "time"
            && let Some(v) = attr(tag, "datetime")
        {
            if attr(tag, "pubdate").is_some() {
                self.published_dates.push(v.to_string());
            } else {
                self.other_dates.push(v.to_string());
            }
        }

        let raw = match name {
            "title" => Some((TextSink::Title, TextKind::Rcdata)),
            "textarea" => Some((TextSink::Ignore, TextKind::Rcdata)),
            "script"
                if attr(tag, "type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                Some((TextSink::JsonLd, TextKind::ScriptData))
            }
            "script" => Some((TextSink::Ignore, TextKind::ScriptData)),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                Some((TextSink::Ignore, TextKind::Rawtext))
            }
            _ => None,
        };
        if let Some((sink, kind)) = raw {
            self.raw = Some(sink);
            self.buf.clear();
            return kind;
        }
        if tag.self_closing && !VOID.contains(&name) && (name == "svg" || name == "math") {
            return TextKind::Data;
        }
        if VOID.contains(&name) {
            if name == "br" {
                self.text(" ");
            }
            return TextKind::Data;
        }
        self.stack.push(name.to_string());
        // Separate the words of neighbouring elements.
        self.text(" ");
        if self.comment.is_none() && is_comment_container(tag) {
            self.comment = Some(self.stack.len());
        }
        if self.byline.len() < 8
            && self.comment.is_none()
            && name != "body"
            && name != "html"
            && is_byline_element(tag)
        {
            self.byline
                .push((self.stack.len(), self.byline_seq, String::new()));
            self.byline_seq += 1;
        }
        if self.datebox.len() < 4 && name != "body" && name != "html" && is_date_element(tag) {
            let kind = if is_comment_part(tag) {
                DateBox::Comment
            } else if is_published_prop(tag) {
                DateBox::Published
            } else {
                DateBox::Page
            };
            self.datebox.push((self.stack.len(), kind, String::new()));
        }
        if (name == "h1" || name == "h2") && self.h1.is_none() {
            let level = if name == "h1" { 1 } else { 2 };
            self.h1 = Some((self.stack.len(), level, String::new(), String::new()));
        } else if self.h1.is_some() && self.kicker.is_none() && is_kicker(tag) {
            self.kicker = Some(self.stack.len());
        }
        TextKind::Data
    }

    fn end(&mut self, name: &str) {
        if let Some(sink) = self.raw.take() {
            let text = std::mem::take(&mut self.buf);
            match sink {
                TextSink::Title if self.doc.title.is_none() => self.doc.title = Some(text),
                TextSink::JsonLd => self.doc.ld_blocks.push(text),
                _ => {}
            }
            return;
        }
        if let Some(pos) = self.stack.iter().rposition(|n| n == name) {
            self.stack.truncate(pos);
        }
        let depth = self.stack.len();
        if self.comment.is_some_and(|d| depth < d) {
            self.comment = None;
        }
        while self.byline.last().is_some_and(|(d, _, _)| depth < *d)
            && let Some((_, seq, text)) = self.byline.pop()
        {
            self.bylines_done.push((seq, collapse_ws(&text)));
        }
        while self.datebox.last().is_some_and(|(d, ..)| depth < *d)
            && let Some((_, kind, text)) = self.datebox.pop()
        {
            let text = collapse_ws(&text);
            if !text.is_empty() && text.chars().count() < 200 {
                match kind {
                    DateBox::Comment => self.doc.comment_date_texts.push(text),
                    DateBox::Published => self.doc.published_date_texts.push(text),
                    DateBox::Page => self.doc.date_texts.push(text),
                }
            }
        }
        if self.kicker.is_some_and(|d| depth < d) {
            self.kicker = None;
        }
        if self.h1.as_ref().is_some_and(|(d, ..)| depth < *d)
            && let Some((_, level, text, bare)) = self.h1.take()
        {
            self.doc.h1s.push(collapse_ws(&text));
            self.doc.headings.push(title::Heading {
                level,
                text: collapse_ws(&text),
                bare: collapse_ws(&bare),
            });
        }
        self.text(" ");
    }

    fn text(&mut self, s: &str) {
        if self.raw.is_some() {
            self.buf.push_str(s);
            return;
        }
        for (_, _, t) in self.byline.iter_mut().filter(|(_, _, t)| t.len() < 2_000) {
            t.push_str(s);
        }
        for (.., t) in self.datebox.iter_mut().filter(|(.., t)| t.len() < 2_000) {
            t.push_str(s);
        }
        if let Some((_, _, t, bare)) = &mut self.h1
            && t.len() < 2_000
        {
            t.push_str(s);
            if self.kicker.is_none() {
                bare.push_str(s);
            }
        }
    }
}

fn scan(html: &str) -> Doc {
    let input = normalize_newlines(html);
    let mut tokens = Tokenizer::new(&input);
    let mut st = ScanState::default();
    while let Some(token) = tokens.next_token() {
        match token {
            Token::Start(tag) => {
                let kind = st.start(&tag);
                tokens.set_text_kind(kind);
            }
            Token::End(name) => st.end(&name),
            Token::Text(t) => st.text(&t),
            Token::Comment(_) | Token::Doctype => {}
        }
    }
    while let Some((_, seq, text)) = st.byline.pop() {
        st.bylines_done.push((seq, collapse_ws(&text)));
    }
    st.bylines_done.sort_by_key(|(seq, _)| *seq);
    st.doc.bylines = st.bylines_done.drain(..).map(|(_, t)| t).collect();
    if let Some(TextSink::Title) = st.raw
        && st.doc.title.is_none()
    {
        st.doc.title = Some(std::mem::take(&mut st.buf));
    }
    st.doc.dates = st
        .published_dates
        .into_iter()
        .chain(st.other_dates)
        .collect();
    st.doc
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "http://example.com/news/2020/story.html?utm_source=x";

    #[test]
    fn reads_head_meta_and_jsonld() {
        let html = r#"<!doctype html><html lang="en-GB"><head>
            <title>Story title - Example News</title>
            <meta property="og:title" content="OG &amp; title">
            <meta property="og:site_name" content="Example News">
            <meta name="description" content=" A  story. ">
            <meta name="author" content="By Jane Roe">
            <meta property="article:published_time" content="2020-05-01T10:00:00+02:00">
            <link rel="canonical" href="/news/2020/story.html">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"LD headline","author":[{"name":"Ann"},{"name":"Bo"}],"datePublished":"2020-05-01T08:00:00Z"}</script>
            </head><body><p class="byline">By Someone Else</p></body></html>"#;
        let m = extract_metadata(html, PAGE);
        assert_eq!(m.title.as_deref(), Some("LD headline"));
        assert_eq!(m.authors, vec!["Ann", "Bo"]);
        assert_eq!(m.site_name.as_deref(), Some("Example News"));
        assert_eq!(m.published.as_deref(), Some("2020-05-01T08:00:00Z"));
        assert_eq!(m.description.as_deref(), Some("A story."));
        assert_eq!(m.language.as_deref(), Some("en-GB"));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("http://example.com/news/2020/story.html")
        );
        assert_eq!(m.byline().as_deref(), Some("Ann, Bo"));
    }

    #[test]
    fn meta_then_document_fallbacks() {
        let html = r#"<html><head><title>A Long Article Title Here | Site</title>
            <meta property="og:title" content="OG &amp; title"><meta name="author" content="By Jane Roe">
            <meta property="og:url" content="https://evil.example.org/x"></head>
            <body><script>var s = "<p class='byline'>fake</p>";</script>
            <div class="post-author"><a rel="author" href="/u">Mary  Major</a></div>
            <time datetime="2019-03-04">March 4</time></body></html>"#;
        let m = extract_metadata(html, PAGE);
        assert_eq!(m.title.as_deref(), Some("OG & title"));
        assert_eq!(m.authors, vec!["Jane Roe"]);
        assert_eq!(m.published.as_deref(), Some("2019-03-04"));
        assert_eq!(
            m.canonical_url, None,
            "another site's og:url is not canonical"
        );

        let bare = extract_metadata(&html.replace("<meta property=\"og:title\" content=\"OG &amp; title\"><meta name=\"author\" content=\"By Jane Roe\">", ""), PAGE);
        assert_eq!(bare.title.as_deref(), Some("A Long Article Title Here"));
        assert_eq!(bare.authors, vec!["Mary Major"]);
    }

    #[test]
    fn capture_without_head_and_broken_input() {
        let capture = r#"<span itemprop="author">Li Wei</span><span itemprop="datePublished" content="2021-02-03T04:05:06+08:00"></span>"#;
        let m = extract_metadata(capture, "https://news.example.cn/a");
        assert_eq!(m.authors, vec!["Li Wei"]);
        assert_eq!(m.published.as_deref(), Some("2021-02-03T04:05:06+08:00"));
        assert_eq!(m.title, None);
        for junk in [
            "",
            "<",
            "<title>unterminated",
            "<script type=application/ld+json>{",
            "<<<>>>&&&",
            "\u{feff}<html lang=\"\u{0}\">",
        ] {
            let _ = extract_metadata(junk, "not a url");
        }
        assert_eq!(
            extract_metadata("<title>unterminated", PAGE)
                .title
                .as_deref(),
            Some("unterminated")
        );
    }

    /// Random soup of tag and entity fragments: never a panic.
    #[test]
    fn random_markup_never_panics() {
        const PIECES: &[&str] = &[
            "<html lang=",
            "\"en\">",
            "<head>",
            "<title>",
            "</title>",
            "<meta name=author content=\"",
            "\">",
            "<script type=application/ld+json>",
            "{\"@type\":\"Article\",\"author\":",
            "[",
            "]",
            "{",
            "}",
            "\"x\"",
            "</script>",
            "<div class=byline>",
            "</div>",
            "<time datetime=\"",
            "2020-02-30",
            "2020-01-01T10:00Z",
            "<link rel=canonical href=\"",
            "//other/",
            "../",
            "&amp;",
            "&#x1F600;",
            "中文",
            "<",
            ">",
            "\u{0}",
            "<!--",
            "-->",
            "<base href=\"",
            "javascript:x",
            "<svg><title>",
            "</svg>",
            "<address>",
            "<br/>",
        ];
        let mut seed = 0x0ddc_0ffe_e0dd_f00d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..500 {
            let html: String = (0..next(60)).map(|_| PIECES[next(PIECES.len())]).collect();
            let m = extract_metadata(&html, PAGE);
            if let Some(c) = &m.canonical_url {
                assert!(same_registrable_domain(c, PAGE), "{c}");
            }
            if let Some(d) = &m.published {
                assert!(parse_date(d).is_some(), "{d}");
            }
        }
    }

    #[test]
    fn rarer_publication_meta_names() {
        for (key, attr) in [
            ("og:pubdate", "property"),
            ("article.post_date", "name"),
            ("DC.date.publication", "name"),
            ("cXenseParse:recs:publishtime", "name"),
            ("displaydate", "name"),
        ] {
            let html =
                format!("<head><meta {attr}=\"{key}\" content=\"2018-06-07T08:09:10Z\"></head>");
            assert_eq!(
                extract_metadata(&html, PAGE).published.as_deref(),
                Some("2018-06-07T08:09:10Z"),
                "{key}"
            );
        }
    }

    #[test]
    fn the_date_printed_next_to_the_headline_in_the_page_text() {
        let url = "https://example.com/story";
        let html = "<html><head><title>Rain is back - Example</title></head>\
                    <body><h1>Rain is back</h1></body></html>";
        let text = "Example\nNews Sport\nRain is back\nBy Ann Bo | 28. September 2019\n\
                    The rain of 3 March 2001 was worse.";
        let m = extract_metadata_with_text(html, Some(text), url);
        assert_eq!(m.published.as_deref(), Some("2019-09-28"));
        assert_eq!(
            extract_metadata(html, url).published,
            None,
            "no text, no date"
        );

        // Another `<h1>` above the article's, whose lines say nothing of it.
        let navigated = html.replace("<body>", "<body><h1>Navigation und Service</h1>");
        let menu = "Navigation und Service\n".to_string() + &"Home\n".repeat(20);
        let lines = menu + "Rain is back\nLübeck, 31. März 2003\nIt rained.";
        let m = extract_metadata_with_text(&navigated, Some(&lines), url);
        assert_eq!(m.published.as_deref(), Some("2003-03-31"));

        // Above the headline, as a dateline.
        let above = "Menu\nApr 7, 2009\nRain is back\nIt rained.";
        let m = extract_metadata_with_text(html, Some(above), url);
        assert_eq!(m.published.as_deref(), Some("2009-04-07"));

        // A kicker printed against the headline, with no space between them.
        let kicked = "<html><head><title>Rain is back - Example</title></head><body>\
                      <h1><span>Weather</span> <span>Rain is back today</span></h1></body></html>";
        let joined = "Menu\nWeatherRain is back today\n28. September 2019";
        let m = extract_metadata_with_text(kicked, Some(joined), url);
        assert_eq!(m.published.as_deref(), Some("2019-09-28"));

        // The publication's date before the revision's, which is the last resort; an
        // embedded post's date is not the page's.
        let revised = "Rain is back\nBy Ann Bo Updated Jul 24, 2018\nPosted 2 May 2018";
        let m = extract_metadata_with_text(html, Some(revised), url);
        assert_eq!(m.published.as_deref(), Some("2018-05-02"));
        let revised = "Rain is back\nBy Ann Bo Updated Jul 24, 2018\nIt rained.";
        let m = extract_metadata_with_text(html, Some(revised), url);
        assert_eq!(m.published.as_deref(), Some("2018-07-24"));
        let tweet = "Rain is back\n\u{2014} Ann Bo (@annbo) November 3, 2023";
        let m = extract_metadata_with_text(html, Some(tweet), url);
        assert_eq!(m.published, None);

        // A date in running text, or on a page whose headline the text does not show, is
        // not the article's.
        let running = format!(
            "Rain is back\nThe rain of 3 March 2001, {}, was worse.",
            "which everyone remembers well ".repeat(6)
        );
        let m = extract_metadata_with_text(html, Some(&running), url);
        assert_eq!(m.published, None);
        let elsewhere = "Other story\n28. September 2019\nMore";
        let m = extract_metadata_with_text(html, Some(elsewhere), url);
        assert_eq!(m.published, None);

        // A byline line beside the headline names the author; so does a labelled one
        // anywhere, and a sign-off (the opener and a name alone on the line).
        let m = extract_metadata_with_text(html, Some(text), url);
        assert_eq!(m.authors, ["Ann Bo"]);
        let signed = "Rain is back\nIt rained.\nMore\n".repeat(8) + "Autor: Cyd Ivo Ex";
        let m = extract_metadata_with_text(html, Some(&signed), url);
        assert_eq!(m.authors, ["Cyd Ivo Ex"]);
        let far = "Rain is back\nIt rained.\nMore\n".repeat(8) + "By Cyd Ivo Ex";
        let m = extract_metadata_with_text(html, Some(&far), url);
        assert_eq!(m.authors, ["Cyd Ivo Ex"]);
        let label = "Rain is back\nIt rained.\nMore\n".repeat(8) + "Autor\nCyd Ivo Ex,\nIt rained.";
        let m = extract_metadata_with_text(html, Some(&label), url);
        assert_eq!(
            m.authors,
            ["Cyd Ivo Ex"],
            "a label alone, the name on the next line"
        );
        let far = "Rain is back\nIt rained.\nMore\n".repeat(8) + "By Cyd Ivo Ex, in Lyon";
        let m = extract_metadata_with_text(html, Some(&far), url);
        assert!(m.authors.is_empty(), "{:?}", m.authors);

        // The visible byline names more authors than the tags: all of them; a user name
        // becomes the full name the text prints.
        let one = html.replace(
            "</head>",
            "<meta name=\"author\" content=\"Ann Bo\"></head>",
        );
        let both = "Rain is back\nvon Ann Bo, Cyd Ivo\nIt rained.";
        let m = extract_metadata_with_text(&one, Some(both), url);
        assert_eq!(m.authors, ["Ann Bo", "Cyd Ivo"]);
        let other = "Rain is back\nvon Cyd Ivo, Eve Fo\nIt rained.";
        let m = extract_metadata_with_text(&one, Some(other), url);
        assert_eq!(m.authors, ["Ann Bo"], "not the same byline");
        let handle = html.replace(
            "</head>",
            "<meta name=\"author\" content=\"ann.bo\"></head>",
        );
        let m = extract_metadata_with_text(&handle, Some("Rain is back\nFoto: Ann K. Bo"), url);
        assert_eq!(m.authors, ["Ann K. Bo"]);

        // The page's own tags come first.
        let tagged = html.replace(
            "</head>",
            "<meta property=\"article:published_time\" content=\"2019-09-27\"></head>",
        );
        let m = extract_metadata_with_text(&tagged, Some(text), url);
        assert_eq!(m.published.as_deref(), Some("2019-09-27"));
    }

    #[test]
    fn a_revision_date_only_when_nothing_else_dates_the_page() {
        let modified = r#"<head><meta property="article:modified_time" content="2021-03-04T05:06:07Z"></head>"#;
        assert_eq!(
            extract_metadata(modified, PAGE).published.as_deref(),
            Some("2021-03-04T05:06:07Z")
        );
        let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","dateModified":"2021-03-05"}</script>"#;
        assert_eq!(
            extract_metadata(ld, PAGE).published.as_deref(),
            Some("2021-03-05")
        );
        // The publication, printed or in the URL, goes first.
        let printed = modified.replace("</head>", "</head><body><time>2. März 2021</time></body>");
        assert_eq!(
            extract_metadata(&printed, PAGE).published.as_deref(),
            Some("2021-03-02")
        );
        assert_eq!(
            extract_metadata(modified, "https://example.com/2021/01/02/story")
                .published
                .as_deref(),
            Some("2021-01-02")
        );
    }

    #[test]
    fn the_url_date_wins_over_tags_naming_another_day() {
        let html = r#"<head><meta property="article:published_time" content="2019-05-06T10:00:00Z"></head>"#;
        let url = "https://example.com/news/2016/08/29/story.html";
        assert_eq!(
            extract_metadata(html, url).published.as_deref(),
            Some("2016-08-29")
        );
        // The same day: the tag's time is kept.
        let same = html.replace("2019-05-06", "2016-08-29");
        assert_eq!(
            extract_metadata(&same, url).published.as_deref(),
            Some("2016-08-29T10:00:00Z")
        );
        assert_eq!(
            extract_metadata(html, PAGE).published.as_deref(),
            Some("2019-05-06T10:00:00Z")
        );
        // The address the page names as its own, when the one it was read at has none.
        let canonical = html.replace(
            "</head>",
            r#"<link rel="canonical" href="https://example.com/2016/08/29/story"></head>"#,
        );
        assert_eq!(
            extract_metadata(&canonical, PAGE).published.as_deref(),
            Some("2016-08-29")
        );
    }

    #[test]
    fn a_published_itemprop_printed_as_text() {
        let html = r#"<body><ul><li class="teaser-date">1. Mai 2020</li></ul>
            <h1>Story</h1><span itemprop="datePublished">18. Januar 2019</span></body>"#;
        assert_eq!(
            extract_metadata(html, PAGE).published.as_deref(),
            Some("2019-01-18")
        );
        let without = html.replace(" itemprop=\"datePublished\"", "");
        assert_eq!(
            extract_metadata(&without, PAGE).published.as_deref(),
            Some("2020-05-01")
        );
    }

    #[test]
    fn dates_printed_in_time_and_datum_elements() {
        let time = "<body><h1>Post</h1><time>3. Mai 2020</time></body>";
        assert_eq!(
            extract_metadata(time, PAGE).published.as_deref(),
            Some("2020-05-03")
        );
        let datum = "<body><div class=\"artikel-datum\">Kultur, 2.11.22</div></body>";
        assert_eq!(
            extract_metadata(datum, PAGE).published.as_deref(),
            Some("2022-11-02")
        );
        let other = "<body><div class=\"artikel-daten\">2.11.22</div></body>";
        assert_eq!(extract_metadata(other, PAGE).published, None);
    }

    #[test]
    fn persons_before_organisations() {
        let authors = |head: &str, url: &str| extract_metadata(head, url).authors;
        assert_eq!(
            authors(
                r#"<meta name="author" content="Rob Picheta, CNN"><meta itemprop="author" content="Rob Picheta, CNN"><meta name="twitter:site" content="@CNN">"#,
                "https://edition.cnn.com/a"
            ),
            ["Rob Picheta"]
        );
        assert_eq!(
            authors(
                r#"<meta name="author" content="Deutsche Welle"><p class="author">Von Kossi Tia</p>"#,
                "https://www.dw.com/fr/a"
            ),
            ["Kossi Tia"]
        );
        for org in [
            "Die FURCHE",
            "L-MAG",
            "Bund der Verbraucher e.V.",
            "Web GmbH www.w.de",
        ] {
            let head = format!(
                r#"<meta property="og:site_name" content="Furche"><meta name="author" content="{org}"><span class="author__name">Ann Bo</span>"#
            );
            assert_eq!(
                authors(&head, "https://www.l-mag.de/a"),
                ["Ann Bo"],
                "{org}"
            );
        }
        assert_eq!(
            authors(
                r#"<meta name="author" content="John Smith">"#,
                "https://johnsmith.com/a"
            ),
            ["John Smith"],
            "a person's own site"
        );
        assert_eq!(
            authors(
                r#"<meta name="author" content="Example News">"#,
                "https://example.com/a"
            ),
            ["Example News"],
            "nothing names a person"
        );
        assert_eq!(
            authors(
                r#"<meta property="og:site_name" content="Daily"><meta name="author" content="Daily"><meta name="author" content="daily">"#,
                PAGE
            ),
            ["Daily"],
            "the site's name alone, once (a fuzzing find)"
        );
        assert_eq!(
            authors(
                r#"<span class="teaser__author">Cy Dee</span><span class="author">Ann Bo</span>"#,
                PAGE
            ),
            ["Ann Bo"],
            "another article's author"
        );
        assert_eq!(
            authors(
                r#"<div class="quote_author">Thomas Mann</div><span class="author">Ann Bo</span>"#,
                PAGE
            ),
            ["Ann Bo"],
            "a quotation's author"
        );
        assert_eq!(
            authors(
                r#"<div class="teaser-box author"><div>Ann Bo</div></div>"#,
                PAGE
            ),
            ["Ann Bo"],
            "a box of the author's"
        );
    }

    #[test]
    fn the_visible_byline_completes_the_tags() {
        let html = r#"<meta name="author" content="Todd"><h1>New robot samples blood</h1>"#;
        let text = "Menu\nNew robot samples blood\nBy\nTodd Bates\nFebruary 5, 2020\nBody";
        let m = extract_metadata_with_text(html, Some(text), PAGE);
        assert_eq!(m.authors, ["Todd Bates"]);
        let text = "Menu\nNew robot samples blood\nBy\nTed Bates\nBody";
        let m = extract_metadata_with_text(html, Some(text), PAGE);
        assert_eq!(m.authors, ["Todd"], "another person");
    }

    #[test]
    fn a_tag_naming_the_same_author_and_more_completes_the_first() {
        let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Ann Bo"}}</script>"#;
        let page =
            |meta: &str| format!(r#"<head>{ld}<meta property="author" content="{meta}"></head>"#);
        let m = extract_metadata(&page("Ann Bo,Cy Di"), PAGE);
        assert_eq!(m.authors, ["Ann Bo", "Cy Di"]);
        let m = extract_metadata(&page("Eve Fa,Cy Di"), PAGE);
        assert_eq!(m.authors, ["Ann Bo"], "other persons");
        let m = extract_metadata(&page("Ann Bo,CD"), PAGE);
        assert_eq!(m.authors, ["Ann Bo"], "initials are no co-author");
    }

    #[test]
    fn the_headline_convention_takes_a_reworded_headline() {
        let html = "<title>Vision Pro hands-on: the display moment</title>\
                    <h1>Vision Pro is the display moment for headsets</h1>";
        let titled = |html: &str, c| extract_metadata_titled(html, None, PAGE, c).title;
        assert_eq!(
            titled(html, TitleConvention::Metadata).as_deref(),
            Some("Vision Pro hands-on: the display moment")
        );
        assert_eq!(
            extract_metadata(html, PAGE).title,
            titled(html, TitleConvention::Metadata)
        );
        assert_eq!(
            titled(html, TitleConvention::Headline).as_deref(),
            Some("Vision Pro is the display moment for headsets")
        );
        let two = format!("{html}<h1>Sign in to comment</h1>");
        assert_eq!(
            titled(&two, TitleConvention::Headline).as_deref(),
            Some("Vision Pro hands-on: the display moment"),
            "two headings: none is surely the headline"
        );
        let other = html.replace("Vision Pro is the display moment", "Weather for Tuesday");
        assert_eq!(
            titled(&other, TitleConvention::Headline).as_deref(),
            Some("Vision Pro hands-on: the display moment"),
            "a heading with few of the title's words"
        );
    }

    #[test]
    fn a_blog_published_by_its_writer() {
        let graph = r##"<script type="application/ld+json">{"@graph":[
            {"@type":["Person","Organization"],"@id":"#me","name":"Ann Bo"},
            {"@type":"Article","author":{"@id":"#me"},"publisher":{"@id":"#me"}}]}</script>
            <div class="c3rq_author">Cy Di</div>"##;
        let m = extract_metadata(graph, PAGE);
        assert_eq!(m.authors, ["Ann Bo"], "the writer, who publishes the blog");
        let org = graph.replace(r#"["Person","Organization"]"#, r#""Organization""#);
        let m = extract_metadata(&org, PAGE);
        assert_eq!(m.authors, ["Cy Di"], "a person before the publisher");
    }

    #[test]
    fn a_letter_or_a_quotation_is_no_name() {
        let m = extract_metadata(r#"<div class="byline">J</div>"#, PAGE);
        assert!(m.authors.is_empty(), "{:?}", m.authors);
        let m = extract_metadata(
            r#"<div class="byline">J</div><div class="author">Ann Bo</div>"#,
            PAGE,
        );
        assert_eq!(m.authors, ["Ann Bo"]);
        let m = extract_metadata(r#"<meta name="author" content="Ann Bo, V.">"#, PAGE);
        assert_eq!(m.authors, ["Ann Bo"]);
        let m = extract_metadata(
            "<div class=\"byline\">Shows \u{201c}You are so kind</div><div class=\"author\">Ann Bo</div>",
            PAGE,
        );
        assert_eq!(m.authors, ["Ann Bo"], "a quotation's words");
    }

    #[test]
    fn a_dateline_opening_the_first_paragraph() {
        let html = "<h1>Energy prices and your rights</h1>";
        let body = "Consumers see one price rise after another. ".repeat(6);
        for opening in ["(21. November 2022) ", "21.11.2022 - "] {
            let text = format!("Energy prices and your rights\nBy Ann Bo\n{opening}{body}");
            let m = extract_metadata_with_text(html, Some(&text), PAGE);
            assert_eq!(m.published.as_deref(), Some("2022-11-21"), "{opening}");
        }
        let text = format!("Energy prices and your rights\nSince 1 October 2022 {body}");
        let m = extract_metadata_with_text(html, Some(&text), PAGE);
        assert_eq!(m.published, None, "an event's date in running text");
    }

    #[test]
    fn a_logo_heading_in_the_title() {
        let html = "<title>Was ist Freie Software - MyOOS Community Forum</title><h1>MyOOS Community Forum</h1>";
        assert_eq!(
            extract_metadata(html, PAGE).title.as_deref(),
            Some("Was ist Freie Software")
        );
    }

    #[test]
    fn written_by_in_twitter_labels() {
        let html = r#"<head><meta name="author" content="Site Team">
            <meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Karo Herr">
            <meta name="twitter:label2" content="Est. reading time"><meta name="twitter:data2" content="9 minutes">
            </head>"#;
        assert_eq!(extract_metadata(html, PAGE).authors, vec!["Karo Herr"]);
        let html = html.replace("Verfasst von", "Reading time");
        assert_eq!(extract_metadata(&html, PAGE).authors, vec!["Site Team"]);
    }

    #[test]
    fn comment_headers_are_not_bylines() {
        let html = r#"<body><h1>Post</h1><p>Text</p>
            <div class="comment-author vcard">Reader One</div>
            <span class="comment-date">3. Mai 2020</span>
            <div class="post-author">Ann Miller</div></body>"#;
        let m = extract_metadata(html, PAGE);
        assert_eq!(m.authors, vec!["Ann Miller"]);
        assert_eq!(
            m.published.as_deref(),
            Some("2020-05-03"),
            "the last resort"
        );
        let dated = html.replace("</body>", "<p class=entry-date>1. Mai 2020</p></body>");
        assert_eq!(
            extract_metadata(&dated, PAGE).published.as_deref(),
            Some("2020-05-01")
        );
        let m = extract_metadata(&html.replace("comment-", "entry-"), PAGE);
        assert_eq!(m.authors, vec!["Reader One"]);

        // A byline inside a reader's comment, or inside the list of them.
        for open in [
            r#"<li class="comment even">"#,
            r#"<li id="comment-52175">"#,
            r#"<li id="comments">"#,
        ] {
            let html = format!(
                r#"<ol>{open}<div class="byline">Reader Zed</div></li></ol>
                <p class="author">Ann Miller</p>"#
            );
            assert_eq!(
                extract_metadata(&html, PAGE).authors,
                ["Ann Miller"],
                "{open}"
            );
        }
        let html = r#"<li id="comment-form"><div class="byline">Reader Zed</div></li>"#;
        assert_eq!(extract_metadata(html, PAGE).authors, ["Reader Zed"]);
    }

    #[test]
    fn byline_class_names_are_words() {
        for yes in [
            "byline",
            "post-author",
            "authorName",
            "p-author h-card",
            "x Authors",
            "dateline",
            "written_byline",
        ] {
            assert!(
                mentions(yes, "author") || mentions(yes, "byline") || mentions(yes, "dateline"),
                "{yes}"
            );
        }
        for no in ["authorization", "coauthored", "bylinear"] {
            assert!(!mentions(no, "author") && !mentions(no, "byline"), "{no}");
        }
    }

    #[test]
    fn document_title_cleanup() {
        assert_eq!(
            clean_document_title("Why the sky is blue, explained | The Site", &[]),
            "Why the sky is blue, explained"
        );
        assert_eq!(clean_document_title("Site | Short", &[]), "Site | Short");
        assert_eq!(
            clean_document_title("Mag: Five words in the title", &[]),
            "Five words in the title"
        );
        assert_eq!(
            clean_document_title(
                "Mag: Five words in the title",
                &["Mag: Five words in the title".into()]
            ),
            "Mag: Five words in the title"
        );
        let speech = "Site: Home / Speeches / A speech at the convention";
        assert_eq!(
            clean_document_title(speech, &["A speech at the convention".into()]),
            "A speech at the convention",
            "the last segment is the headline"
        );
        assert_eq!(
            clean_document_title(speech, &[]),
            speech,
            "without the heading, too little is left before the last segment"
        );
    }

    #[test]
    fn selectors_cover_what_the_scanner_reads() {
        let s = metadata_capture_selectors();
        for needle in [
            "head",
            "application/ld+json",
            "rel~=\"author\"",
            "itemprop*=\"author\" i",
            "datePublished",
            "byline",
            "address",
            "time, ",
            "datum",
        ] {
            assert!(s.contains(needle), "{needle}");
        }
    }
}
