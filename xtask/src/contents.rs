//! What a package must hold: the files its manifest names, and, from there, the files each
//! page, script and style sheet refers to (HTML `src`/`href`, JavaScript imports,
//! `scripting.executeScript` files, `runtime.getURL`, `new URL(…, import.meta.url)`, CSS
//! `url()`), plus each language's `_locales/<lang>/messages.json`. `cargo xtask dist` checks
//! every package against it, so nothing ships that nothing loads (test files, sources kept
//! by accident, a vendored library no page imports) and nothing loaded is missing.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::Result;

/// Checks that `files` (path → bytes, '/' between folders) holds exactly the files its
/// `manifest.json` reaches; the error lists what is unreferenced and what is missing.
pub fn check(files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let reached = reached(files)?;
    let unreferenced: Vec<&String> = files.keys().filter(|f| !reached.contains(*f)).collect();
    let missing: Vec<&String> = reached.iter().filter(|f| !files.contains_key(*f)).collect();
    if unreferenced.is_empty() && missing.is_empty() {
        return Ok(());
    }
    let mut problems = Vec::new();
    if !unreferenced.is_empty() {
        problems.push(format!("nothing refers to {unreferenced:?}"));
    }
    if !missing.is_empty() {
        problems.push(format!("referred to but missing: {missing:?}"));
    }
    Err(format!("the package's files: {}", problems.join("; ")))
}

/// Every path reached from `manifest.json`, present in `files` or not.
pub fn reached(files: &BTreeMap<String, Vec<u8>>) -> Result<BTreeSet<String>> {
    let manifest: Value = serde_json::from_slice(
        files
            .get("manifest.json")
            .ok_or("the package has no manifest.json")?,
    )
    .map_err(|e| format!("manifest.json: {e}"))?;
    let mut seen = BTreeSet::from(["manifest.json".to_string()]);
    let mut pending: Vec<String> = manifest_files(&manifest);
    if manifest.get("default_locale").is_some() {
        // The browser reads every language's messages.
        pending.extend(
            files
                .keys()
                .filter(|f| {
                    let parts: Vec<&str> = f.split('/').collect();
                    parts.len() == 3 && parts[0] == "_locales" && parts[2] == "messages.json"
                })
                .cloned(),
        );
    }
    while let Some(path) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let Some(bytes) = files.get(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(bytes);
        let (relative, rooted) = if path.ends_with(".html") {
            (html_refs(&text), Vec::new())
        } else if path.ends_with(".js") {
            js_refs(&text)
        } else if path.ends_with(".css") {
            (css_refs(&text), Vec::new())
        } else {
            continue;
        };
        for reference in relative {
            if let Some(resolved) = resolve(&path, &reference) {
                pending.push(resolved);
            }
        }
        for reference in rooted {
            if let Some(resolved) = resolve("", &reference) {
                pending.push(resolved);
            }
        }
    }
    Ok(seen)
}

/// The files the manifest names itself.
fn manifest_files(manifest: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut strings = |value: Option<&Value>| match value {
        Some(Value::String(s)) => out.push(s.clone()),
        Some(Value::Array(items)) => {
            out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        Some(Value::Object(map)) => {
            out.extend(map.values().filter_map(Value::as_str).map(str::to_owned));
        }
        _ => {}
    };
    let at = |pointer: &str| manifest.pointer(pointer);
    for pointer in [
        "/background/service_worker",
        "/background/scripts",
        "/background/page",
        "/action/default_popup",
        "/action/default_icon",
        "/options_ui/page",
        "/options_page",
        "/icons",
        "/devtools_page",
        "/sidebar_action/default_panel",
    ] {
        strings(at(pointer));
    }
    for list in ["/content_scripts", "/web_accessible_resources"] {
        if let Some(Value::Array(items)) = at(list) {
            for item in items {
                for key in ["js", "css", "resources"] {
                    strings(item.get(key));
                }
            }
        }
    }
    out.into_iter()
        .filter_map(|path| resolve("", &path))
        .collect()
}

/// The quoted string starting at `text[at..]` (after spaces), if there is one.
fn quoted(text: &str, at: usize) -> Option<&str> {
    let rest = text[at..].trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(&body[..end])
}

/// Every `needle` in `text` followed by a quoted string: the strings.
fn after<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.match_indices(needle)
        .filter_map(|(i, _)| quoted(text, i + needle.len()))
        .collect()
}

/// The attributes `src` and `href` of an HTML page.
fn html_refs(text: &str) -> Vec<String> {
    [" src=", " href="]
        .iter()
        .flat_map(|needle| after(text, needle))
        .map(str::to_owned)
        .collect()
}

/// A style sheet's `url(…)` and `@import`.
fn css_refs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = after(text, "@import")
        .into_iter()
        .map(str::to_owned)
        .collect();
    for (i, _) in text.match_indices("url(") {
        let rest = &text[i + 4..];
        let inner = quoted(rest, 0)
            .map(str::to_owned)
            .or_else(|| rest.find(')').map(|end| rest[..end].trim().to_owned()));
        out.extend(inner);
    }
    out
}

/// A script's references: relative to it (imports, `new URL(…, import.meta.url)`) and
/// relative to the extension's root (`runtime.getURL`, `executeScript` files). The
/// packages' scripts are minified (`build.rs`): no space need come before or after a keyword.
fn js_refs(text: &str) -> (Vec<String>, Vec<String>) {
    let mut relative = Vec::new();
    for needle in ["from", "import(", "import", "new URL("] {
        for found in after(text, needle) {
            // Module specifiers are paths; `from 'x'` in prose is not.
            if found.starts_with("./") || found.starts_with("../") || needle == "new URL(" {
                relative.push(found.to_owned());
            }
        }
    }
    let mut rooted: Vec<String> = after(text, "getURL(")
        .into_iter()
        .map(str::to_owned)
        .collect();
    // `executeScript({files: […]})`, and `registerContentScripts([{js: […]}])`.
    for (i, needle) in text
        .match_indices("files:")
        .chain(text.match_indices("js:"))
    {
        let rest = text[i + needle.len()..].trim_start();
        if let Some(list) = rest.strip_prefix('[').and_then(|r| r.split(']').next()) {
            for item in list.split(',') {
                if let Some(path) = quoted(item, 0) {
                    rooted.push(path.to_owned());
                }
            }
        }
    }
    (relative, rooted)
}

/// `reference` resolved against the file `from` (its folder), as a package path; `None`
/// for what is not a file of the package (other schemes, fragments, absolute URLs).
fn resolve(from: &str, reference: &str) -> Option<String> {
    let reference = reference.split(['#', '?']).next()?;
    if reference.is_empty() || reference.contains(':') || reference.starts_with("//") {
        return None;
    }
    let mut parts: Vec<&str> = if let Some(rooted) = reference.strip_prefix('/') {
        return resolve("", rooted);
    } else {
        let mut dir: Vec<&str> = from.split('/').collect();
        dir.pop();
        dir
    };
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        entries
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn references_resolve_from_each_file() {
        assert_eq!(
            resolve("popup/popup.html", "../ui/ui.css").as_deref(),
            Some("ui/ui.css")
        );
        assert_eq!(
            resolve("popup/popup.html", "popup.js").as_deref(),
            Some("popup/popup.js")
        );
        assert_eq!(resolve("a/b.js", "/c.js").as_deref(), Some("c.js"));
        assert_eq!(resolve("x.js", "./y.js#f").as_deref(), Some("y.js"));
        assert_eq!(resolve("x.js", "../y.js"), None);
        for outside in [
            "https://a.example/x.js",
            "data:,x",
            "#top",
            "//cdn/x.js",
            "",
        ] {
            assert_eq!(resolve("x.html", outside), None, "{outside}");
        }
    }

    fn example() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "manifest.json",
                r#"{"default_locale": "en", "background": {"service_worker": "bg.js"},
                    "action": {"default_popup": "popup/p.html"}, "icons": {"16": "i/16.png"}}"#,
            ),
            ("_locales/en/messages.json", "{}"),
            ("_locales/fr/messages.json", "{}"),
            (
                "bg.js",
                "import { a } from './lib/a.js';\n// words from 'nowhere'\n\
                 api.scripting.executeScript({ target, files: ['capture.js'] });",
            ),
            (
                "lib/a.js",
                "export * from \"./b.js\"; const u = api.runtime.getURL('w/m.wasm');\n\
                 api.scripting.registerContentScripts([{ id, matches, js: ['auto.js'] }]);",
            ),
            (
                "lib/b.js",
                "const m = import('../lazy.js'); new URL('x.bin', import.meta.url);",
            ),
            ("lib/x.bin", "x"),
            ("lazy.js", ""),
            ("capture.js", ""),
            ("auto.js", ""),
            ("w/m.wasm", ""),
            ("i/16.png", ""),
            (
                "popup/p.html",
                "<link rel=\"stylesheet\" href=\"../s.css\"><a href=\"https://x.example/\">x</a>\
                 <script type=\"module\" src=\"p.js\"></script>",
            ),
            ("popup/p.js", "import '../side.js';"),
            ("side.js", ""),
            (
                "s.css",
                "@import 'more.css'; body { background: url(bg.svg) }",
            ),
            ("more.css", ""),
            ("bg.svg", ""),
        ]
    }

    #[test]
    fn a_package_of_only_what_is_referenced_passes() {
        check(&package(&example())).unwrap();
    }

    /// The same package with its scripts as esbuild's `--minify-whitespace` writes them.
    #[test]
    fn minified_scripts_refer_to_the_same_files() {
        let minified: BTreeMap<&str, &str> = [
            (
                "bg.js",
                r#"import{a}from"./lib/a.js";api.scripting.executeScript({target,files:["capture.js"]});"#,
            ),
            (
                "lib/a.js",
                r#"export*from"./b.js";const u=api.runtime.getURL("w/m.wasm");api.scripting.registerContentScripts([{id,matches,js:["auto.js"]}]);"#,
            ),
            (
                "lib/b.js",
                r#"const m=import("../lazy.js");new URL("x.bin",import.meta.url);"#,
            ),
            ("popup/p.js", r#"import"../side.js";"#),
        ]
        .into();
        let entries: Vec<(&str, &str)> = example()
            .into_iter()
            .map(|(p, t)| (p, minified.get(p).copied().unwrap_or(t)))
            .collect();
        assert_eq!(
            reached(&package(&entries)).unwrap(),
            reached(&package(&example())).unwrap()
        );
        check(&package(&entries)).unwrap();
        let without_side: Vec<_> = entries
            .into_iter()
            .filter(|(p, _)| *p != "side.js")
            .collect();
        assert!(
            check(&package(&without_side))
                .unwrap_err()
                .contains("side.js")
        );
    }

    #[test]
    fn unreferenced_and_missing_files_are_named() {
        let mut entries = example();
        entries.push(("test/test.html", "<p>"));
        entries.push(("vendor/unused.js", ""));
        entries.retain(|(p, _)| *p != "lazy.js" && *p != "bg.svg" && *p != "auto.js");
        let err = check(&package(&entries)).unwrap_err();
        assert!(
            err.contains(r#"nothing refers to ["test/test.html", "vendor/unused.js"]"#),
            "{err}"
        );
        assert!(
            err.contains(r#"referred to but missing: ["auto.js", "bg.svg", "lazy.js"]"#),
            "{err}"
        );
    }
}
