//! The capture script and the core agree on what the page sends for metadata: the script's
//! selector list is the core's, to the character.

use quotebook_core::metadata_capture_selectors;

#[test]
fn the_capture_script_sends_what_the_metadata_extractor_reads() {
    let script = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../extension/capture.js"
    ))
    .expect("extension/capture.js is readable");
    let selectors = metadata_capture_selectors().replace('\'', "\\'");
    assert!(
        script.contains(&format!("const METADATA_SELECTORS = '{selectors}';")),
        "extension/capture.js must set METADATA_SELECTORS to the core's list:\n{selectors}"
    );
}

/// The value of `const NAME = a * b * …;` in `file` (integers multiplied, as the scripts
/// write their limits).
fn js_limit(file: &str, name: &str) -> usize {
    let path = format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let marker = format!("const {name} = ");
    let start = source
        .find(&marker)
        .unwrap_or_else(|| panic!("{file}: no `{marker}`"))
        + marker.len();
    let end = start + source[start..].find(';').expect("the statement's end");
    source[start..end]
        .split('*')
        .map(|factor| {
            factor
                .trim()
                .parse::<usize>()
                .unwrap_or_else(|e| panic!("{file}: {name}: {factor:?}: {e}"))
        })
        .product()
}

/// The capture script checks the core's limits before sending anything, and the service
/// worker words them: the numbers must be the core's, or a capture the script lets through
/// is refused later (or one the core would take is refused early).
#[test]
fn the_extension_checks_the_cores_limits() {
    use quotebook_core::clip::{MAX_CAPTURE, MAX_SELECTION};
    use quotebook_core::convert::MAX_URL;
    assert_eq!(
        js_limit("extension/capture.js", "MAX_SELECTION"),
        MAX_SELECTION
    );
    assert_eq!(
        js_limit("extension/save.js", "MAX_SELECTION"),
        MAX_SELECTION
    );
    assert_eq!(js_limit("extension/capture.js", "MAX_CAPTURE"), MAX_CAPTURE);
    assert_eq!(js_limit("extension/save.js", "MAX_CAPTURE"), MAX_CAPTURE);
    assert_eq!(js_limit("extension/capture.js", "MAX_URL"), MAX_URL);
}
