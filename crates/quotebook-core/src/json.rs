//! JSON in, one way for every type.
//!
//! Each way serde reads a type is a copy of that type's deserialiser in the wasm module:
//! typed straight from the text (serde_json's `StrRead` deserialiser) and from an already
//! parsed [`serde_json::Value`] are two. Notes are read from values (a backup holds them
//! as values until their schema is known), so everything else is read that way too: the
//! text parsed into a value, the value then read as the type (BENCHMARKS.md, "WASM size").

use serde::de::DeserializeOwned;

/// Reads `T` from JSON text through a [`serde_json::Value`]. Syntax errors carry their line
/// and column; the typed pass's errors (a missing field, a wrong type) do not, and a key
/// given twice keeps its last value.
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str::<serde_json::Value>(json).and_then(serde_json::from_value)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::from_json;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct Options {
        pattern: String,
        tz_offset_minutes: i32,
        offsets: Vec<[usize; 2]>,
        keep: Option<String>,
    }

    #[test]
    fn reads_a_type_through_a_value_as_serde_json_reads_it_from_text() {
        let json =
            r#"{"pattern":"{{title}}","tzOffsetMinutes":-90,"offsets":[[1,2]],"keep":null,"x":1}"#;
        let through_value: Options = from_json(json).unwrap();
        assert_eq!(
            through_value,
            serde_json::from_str::<Options>(json).unwrap()
        );
        assert_eq!(through_value.tz_offset_minutes, -90);
        assert_eq!(from_json::<Options>("{}").unwrap(), Options::default());
    }

    #[test]
    fn errors_are_serde_jsons_syntax_ones_with_their_position_typed_ones_without() {
        let syntax = from_json::<Options>("{\"pattern\":")
            .unwrap_err()
            .to_string();
        assert_eq!(syntax, "EOF while parsing a value at line 1 column 11");
        let typed = from_json::<Options>(r#"{"tzOffsetMinutes":"x"}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(typed, "invalid type: string \"x\", expected i32");
        // A key given twice keeps its last value (read straight from the text, the typed
        // pass refused it as a duplicate field).
        let twice: Options = from_json(r#"{"pattern":"a","pattern":"b"}"#).unwrap();
        assert_eq!(twice.pattern, "b");
    }
}
