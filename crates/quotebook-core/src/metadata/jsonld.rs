//! JSON-LD (`<script type="application/ld+json">`): the article node and what it says.

use serde_json::Value;

/// What one page's JSON-LD blocks say about its article.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct LdArticle {
    pub headline: Option<String>,
    pub name: Option<String>,
    pub authors: Vec<String>,
    /// The authors typed as organisations (a publisher signing as the author).
    pub author_orgs: Vec<String>,
    pub publisher: Option<String>,
    /// The publisher is a person: the blog's writer, not an organisation.
    pub publisher_is_person: bool,
    pub published: Option<String>,
    /// The article's revision date (`dateModified`): a last resort for the publication
    /// date.
    pub modified: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub url: Option<String>,
    /// The node is an article (a `NewsArticle`, a `BlogPosting`…), not a page, a video or
    /// another work the page merely shows.
    pub article: bool,
}

/// `@type`s that describe the page's main content.
const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "AdvertiserContentArticle",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "Report",
    "SatiricalArticle",
    "ScholarlyArticle",
    "MedicalScholarlyArticle",
    "SocialMediaPosting",
    "BlogPosting",
    "LiveBlogPosting",
    "DiscussionForumPosting",
    "TechArticle",
    "APIReference",
    "Blog",
    "CreativeWork",
    "Review",
    "Recipe",
    "HowTo",
    "VideoObject",
    "WebPage",
    "ItemPage",
    "AboutPage",
    "ProfilePage",
    "QAPage",
    "FAQPage",
    "Book",
    "Chapter",
    "Course",
    "Episode",
];

/// Types in [`ARTICLE_TYPES`] that describe a page or a medium around the article
/// rather than the article itself.
const PAGE_TYPES: &[&str] = &[
    "Blog",
    "CreativeWork",
    "VideoObject",
    "WebPage",
    "ItemPage",
    "AboutPage",
    "ProfilePage",
    "QAPage",
    "FAQPage",
];

/// Removes what pages wrap their JSON in: HTML comments, CDATA markers.
fn unwrap_script(text: &str) -> &str {
    let mut t = text.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = t.strip_prefix(open) {
            t = inner.strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    t
}

/// A node's `@type`s: one string or an array of them.
fn node_types(node: &Value) -> Vec<&str> {
    match node.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn type_rank(node: &Value) -> Option<usize> {
    node_types(node)
        .iter()
        .filter_map(|t| {
            let t = t.rsplit(['/', ':']).next().unwrap_or(t);
            ARTICLE_TYPES.iter().position(|a| *a == t)
        })
        .min()
}

/// Every object node in a JSON-LD value: top-level arrays and `@graph`s flattened.
fn collect_nodes<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect_nodes(i, out, depth + 1)),
        Value::Object(map) => {
            out.push(v);
            if let Some(g) = map.get("@graph") {
                collect_nodes(g, out, depth + 1);
            }
            // A WebPage whose mainEntity is the article.
            if let Some(m) = map.get("mainEntity") {
                collect_nodes(m, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A name from a string, an object with `name` (or given/family names), or an array.
fn names(v: &Value, by_id: &dyn Fn(&str) -> Option<Value>, out: &mut Vec<String>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::String(s) => push_name(out, s),
        Value::Array(items) => items.iter().for_each(|i| names(i, by_id, out, depth + 1)),
        Value::Object(map) => {
            if let Some(n) = map.get("name") {
                names(n, by_id, out, depth + 1);
            } else if let (Some(g), Some(f)) = (
                map.get("givenName").and_then(Value::as_str),
                map.get("familyName").and_then(Value::as_str),
            ) {
                push_name(out, &format!("{g} {f}"));
            } else if let Some(id) = map.get("@id").and_then(Value::as_str)
                && let Some(target) = by_id(id)
                && target.get("name").is_some()
            {
                names(&target, by_id, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The names of the organisations among an `author` value's objects.
fn organisations(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| organisations(i, out)),
        Value::Object(map) => {
            let typed = node_types(v)
                .iter()
                .any(|t| t.ends_with("Organization") || *t == "Corporation");
            if typed && let Some(n) = map.get("name").and_then(Value::as_str) {
                push_name(out, n);
            }
        }
        _ => {}
    }
}

fn push_name(out: &mut Vec<String>, s: &str) {
    let s = super::collapse_ws(s);
    if !s.is_empty() && !super::looks_like_url(&s) && !out.contains(&s) {
        out.push(s);
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(super::collapse_ws(s)).filter(|s| !s.is_empty()),
        Value::Array(a) => text(a.first()),
        Value::Object(o) => text(o.get("@value").or_else(|| o.get("name"))),
        _ => None,
    }
}

/// Reads the best article node out of the page's JSON-LD blocks (the most specific
/// article type wins; among equals, the first). Invalid JSON is skipped.
pub(crate) fn read(blocks: &[String]) -> Option<LdArticle> {
    let values: Vec<Value> = blocks
        .iter()
        .filter_map(|b| serde_json::from_str(unwrap_script(b)).ok())
        .collect();
    let mut nodes = Vec::new();
    for v in &values {
        collect_nodes(v, &mut nodes, 0);
    }
    let by_id = |id: &str| -> Option<Value> {
        nodes
            .iter()
            .find(|n| {
                n.get("@id").and_then(Value::as_str) == Some(id)
                    && n.as_object().is_some_and(|o| o.len() > 1)
            })
            .map(|n| (*n).clone())
    };
    let (rank, best) = nodes
        .iter()
        .filter_map(|n| type_rank(n).map(|r| (r, *n)))
        .min_by_key(|(r, _)| *r)?;
    let mut authors = Vec::new();
    let mut author_orgs = Vec::new();
    if let Some(a) = best.get("author").or_else(|| best.get("creator")) {
        names(a, &by_id, &mut authors, 0);
        organisations(a, &mut author_orgs);
    }
    let mut publisher = Vec::new();
    let mut publisher_is_person = false;
    if let Some(p) = best.get("publisher") {
        names(p, &by_id, &mut publisher, 0);
        // A blog published by its writer: the publisher is a Person (Yoast types such a
        // site ["Person", "Organization"]), referred to by its `@id`.
        let person = |n: &Value| node_types(n).contains(&"Person");
        publisher_is_person = match p.get("@id").and_then(Value::as_str) {
            Some(id) if p.get("@type").is_none() => by_id(id).is_some_and(|n| person(&n)),
            _ => person(p),
        };
    }
    if publisher.is_empty() {
        // A WebSite node names the site.
        if let Some(site) = nodes
            .iter()
            .find(|n| n.get("@type").and_then(Value::as_str) == Some("WebSite"))
        {
            names(site, &by_id, &mut publisher, 0);
        }
    }
    Some(LdArticle {
        headline: text(best.get("headline")),
        name: text(best.get("name")),
        authors,
        author_orgs,
        publisher: publisher.into_iter().next(),
        publisher_is_person,
        // Else another node's (a WebPage beside the article, the article inside a page).
        published: text(best.get("datePublished"))
            .or_else(|| text(best.get("dateCreated")))
            .or_else(|| {
                let mut ranked: Vec<(usize, &Value)> = nodes
                    .iter()
                    .filter_map(|n| type_rank(n).map(|r| (r, *n)))
                    .collect();
                ranked.sort_by_key(|(r, _)| *r);
                ranked
                    .iter()
                    .find_map(|(_, n)| text(n.get("datePublished")))
            }),
        modified: text(best.get("dateModified")),
        description: text(best.get("description")),
        language: text(best.get("inLanguage")),
        url: text(best.get("url"))
            .or_else(|| text(best.get("mainEntityOfPage")).filter(|u| super::looks_like_url(u))),
        article: !PAGE_TYPES.contains(&ARTICLE_TYPES[rank]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(json: &str) -> LdArticle {
        read(&[json.to_string()]).expect("an article node")
    }

    #[test]
    fn graph_and_author_shapes() {
        let a = one(r##"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","@id":"#site","name":"Example Times"},
            {"@type":"Person","@id":"#p1","name":"Ann Author"},
            {"@type":"NewsArticle","headline":"Big  news","author":[{"@id":"#p1"},"Bob Writer",{"@type":"Person","name":"Cy"}],
             "datePublished":"2020-01-02T03:04:05Z"}]}"##);
        assert_eq!(a.headline.as_deref(), Some("Big news"));
        assert_eq!(a.authors, vec!["Ann Author", "Bob Writer", "Cy"]);
        assert_eq!(a.publisher.as_deref(), Some("Example Times"));
        assert_eq!(a.published.as_deref(), Some("2020-01-02T03:04:05Z"));
        assert!(a.article);
        assert!(PAGE_TYPES.iter().all(|t| ARTICLE_TYPES.contains(t)));
        assert!(one(r#"{"@type":"Recipe","name":"Cake"}"#).article);
        assert!(one(r#"{"@type":"HowTo","name":"Sew a cloth"}"#).article);
        assert!(!one(r#"{"@type":"VideoObject","name":"Clip"}"#).article);
    }

    #[test]
    fn arrays_of_blocks_prefer_articles_and_survive_bad_json() {
        let blocks = vec![
            "{ not json".to_string(),
            r#"[{"@type":"Organization","name":"Org"},{"@type":["BlogPosting"],"name":"Post","author":{"name":"Dee"},"publisher":{"name":"Blog Co"}}]"#.to_string(),
            r#"<!-- {"@type":"WebPage","name":"Page"} -->"#.to_string(),
        ];
        let a = read(&blocks).unwrap();
        assert_eq!(a.name.as_deref(), Some("Post"));
        assert_eq!(a.authors, vec!["Dee"]);
        assert_eq!(a.publisher.as_deref(), Some("Blog Co"));
    }

    #[test]
    fn organisations_signing_as_authors_are_told_apart() {
        let a = one(
            r#"{"@type":"NewsArticle","author":[{"@type":"NewsMediaOrganization","name":"Daily"},{"@type":"Person","name":"Ann Bo"}]}"#,
        );
        assert_eq!(a.authors, vec!["Daily", "Ann Bo"]);
        assert_eq!(a.author_orgs, vec!["Daily"]);
    }

    #[test]
    fn a_date_from_another_node() {
        let a = one(
            r#"{"@graph":[{"@type":"WebPage","datePublished":"2021-01-02"},{"@type":"Article","headline":"H"}]}"#,
        );
        assert_eq!(a.headline.as_deref(), Some("H"));
        assert_eq!(a.published.as_deref(), Some("2021-01-02"));
        let a = one(
            r#"{"@graph":[{"@type":"WebPage","datePublished":"2021-01-02"},{"@type":"Article","datePublished":"2021-01-01"}]}"#,
        );
        assert_eq!(a.published.as_deref(), Some("2021-01-01"));
    }

    #[test]
    fn nothing_useful_gives_none() {
        assert_eq!(
            read(&["{\"@type\":\"Organization\",\"name\":\"x\"}".into()]),
            None
        );
        assert_eq!(read(&["[]".into(), "null".into()]), None);
    }
}
