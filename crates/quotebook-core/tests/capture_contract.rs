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
