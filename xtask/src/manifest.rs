//! One manifest source (`extension/manifest.json`), rendered per build.

use serde_json::{Value, json};

/// The public half of the RSA key that fixes the unpacked extension's id:
/// `dcpofdeomimecllgicmlhifcdaagmphh` (the first 16 bytes of SHA-256 of this DER key, each
/// hex digit mapped to `a`–`p`; `tests/e2e/lib.mjs` recomputes and checks it). The private
/// half was not kept: Chromium needs only the public key to derive the id, and store
/// packages (which must not carry a `key`) are signed by the stores.
pub const PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqx5GzChhVHJ5uYQQK+v9AlJXbTESMlebSJphb1EgaPyqPnMbOb88JOfYurTd7rZEPwOxAA+RUU9hg3mH4RUjmdPBVfceHdMju0GPEIIpJ1OKfKDzPWwVTFV+pL4AEZvaE7R8cGkxYQswsZeidD0OqY8lJ1sgrBRddrWIZail4GxZnPD2flz4o2TRPCsAHXkpjxSZ5gsTKd0rnP67zVEtxTE++0NsUWx+K2NMmfUgVKGXpTeyhlPSwYrZSOcB/BD/VepChsErVDc6NPH/nmr/0DB1czxgZj8fdB/yzXh3Yaw68TTMWw/0qRdOKoExpxUhCOh77WSPf8OoZy9MjCqwDwIDAQAB";

/// The host the end-to-end tests serve their fixture pages from.
pub const TEST_HOST_PERMISSION: &str = "http://127.0.0.1/*";

/// The builds rendered from the one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `extension/dist/chrome/`: the unpacked extension people load, with a fixed `key`.
    Chrome,
    /// `extension/dist/chrome-test/`: the same plus host permission for the test server,
    /// because headless tests cannot make the user gesture that grants `activeTab`.
    ChromeTest,
}

impl Flavour {
    pub const ALL: [Flavour; 2] = [Flavour::Chrome, Flavour::ChromeTest];

    pub fn dir_name(self) -> &'static str {
        match self {
            Flavour::Chrome => "chrome",
            Flavour::ChromeTest => "chrome-test",
        }
    }
}

/// Renders the manifest source for one build.
pub fn render(source: &str, version: &str, flavour: Flavour) -> Result<String, String> {
    let mut manifest: Value = serde_json::from_str(source)
        .map_err(|e| format!("extension/manifest.json is not valid JSON: {e}"))?;
    let object = manifest
        .as_object_mut()
        .ok_or("extension/manifest.json must hold a JSON object")?;
    for forbidden in ["key", "host_permissions", "content_scripts", "version"] {
        if object.contains_key(forbidden) {
            return Err(format!(
                "extension/manifest.json must not set {forbidden:?}: xtask adds it per build"
            ));
        }
    }
    object.insert("version".into(), json!(version));
    object.insert("key".into(), json!(PUBLIC_KEY));
    if flavour == Flavour::ChromeTest {
        object.insert("host_permissions".into(), json!([TEST_HOST_PERMISSION]));
        if let Some(Value::String(name)) = object.get_mut("name") {
            name.push_str(" (test build)");
        }
    }
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(flavour: Flavour) -> Value {
        let source = std::fs::read_to_string(crate::root().join("extension/manifest.json"))
            .expect("the manifest source");
        serde_json::from_str(&render(&source, "1.2.3", flavour).unwrap()).unwrap()
    }

    fn strings(value: &Value) -> Vec<&str> {
        value
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_shipped_manifest_asks_for_the_least() {
        let m = rendered(Flavour::Chrome);
        assert_eq!(m["manifest_version"], 3);
        assert_eq!(m["version"], "1.2.3");
        let mut permissions = strings(&m["permissions"]);
        permissions.sort_unstable();
        // `unlimitedStorage` (no install warning) lets a large library outgrow the 10 MB
        // quota of `storage.local` instead of failing to save. `notifications` tells of a
        // failed save where no page can show it (browser pages, the store, the PDF viewer).
        assert_eq!(
            permissions,
            [
                "activeTab",
                "contextMenus",
                "notifications",
                "scripting",
                "storage",
                "unlimitedStorage"
            ]
        );
        assert!(m.get("host_permissions").is_none());
        // Issue 16: the images' origins, asked for one at a time when the reader saves an
        // image, or all at once when they allow "Fetch images"; issue 15: all sites when the
        // reader turns on the automatic highlights. None is granted at install.
        assert_eq!(
            strings(&m["optional_host_permissions"]),
            ["http://*/*", "https://*/*", "<all_urls>"]
        );
        assert!(m.get("content_scripts").is_none());
        // The card is the one page a web page may frame, and only at the session's dynamic
        // address: any other extension page stays out of reach of web pages.
        let resources = m["web_accessible_resources"].as_array().unwrap();
        assert_eq!(resources.len(), 1);
        assert_eq!(strings(&resources[0]["resources"]), ["card/card.html"]);
        assert_eq!(resources[0]["use_dynamic_url"], true);
        assert_eq!(m["key"], PUBLIC_KEY);
        let csp = m["content_security_policy"]["extension_pages"]
            .as_str()
            .unwrap();
        assert!(
            !csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"),
            "{csp}"
        );
        // Issue 17, point 10: what the pages may load is the CSP's to say, not only the
        // previews' sanitiser's. Images: the package and the blob: URLs of stored images;
        // connections: the package (the wasm module is fetched from it) and, for keeping
        // an image's bytes (issue 16), http(s) addresses, which the extension can read
        // only where the reader granted the image's origin (host permissions stay
        // optional, none granted at install). Framing: one policy covers every extension
        // page in MV3, and the card must sit in web pages; which pages a web page may load
        // at all is `web_accessible_resources`' to say.
        let mut directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        directives.sort_unstable();
        assert_eq!(
            directives,
            [
                "base-uri 'none'",
                "connect-src 'self' http: https:",
                "default-src 'self'",
                "form-action 'none'",
                "frame-ancestors 'self' http: https:",
                "img-src 'self' blob:",
                "object-src 'none'",
                "script-src 'self' 'wasm-unsafe-eval'",
            ],
            "{csp}"
        );
        assert_eq!(m["background"]["type"], "module");
    }

    #[test]
    fn only_the_test_build_gets_the_test_host() {
        let m = rendered(Flavour::ChromeTest);
        assert_eq!(strings(&m["host_permissions"]), [TEST_HOST_PERMISSION]);
        let shipped = rendered(Flavour::Chrome);
        assert_eq!(m["permissions"], shipped["permissions"]);
    }

    #[test]
    fn the_source_may_not_set_what_builds_add() {
        let err = render(r#"{"name":"x","key":"k"}"#, "1", Flavour::Chrome).unwrap_err();
        assert!(err.contains("\"key\""), "{err}");
        assert!(render("[1]", "1", Flavour::Chrome).is_err());
        assert!(render("{", "1", Flavour::Chrome).is_err());
    }
}
