//! JSON in, one way for every type.
//!
//! Each way serde reads a type is a copy of that type's deserialiser in the wasm module:
//! typed straight from the text (serde_json's `StrRead` deserialiser) and from an already
//! parsed [`serde_json::Value`] are two. Notes are read from values (a backup holds them
//! as values until their schema is known), so everything else is read that way too: the
//! text parsed into a value, the value then read as the type (BENCHMARKS.md, "WASM size").
//!
//! The value is read by [`from_value`]'s own deserialiser, not serde_json's: serde_json's
//! also reads a struct from an array of its fields (`[id, note, at]`), so every struct had
//! a second, sequence visitor compiled that no input of ours uses. Ours reads structs from
//! objects only, and is otherwise serde_json's reading of a value: the same visits, the
//! same errors.

use serde::de::value::StringDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, Expected, IntoDeserializer,
    MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde_json::{Error, Map, Number, Value};

/// Reads `T` from JSON text through a [`serde_json::Value`]. Syntax errors carry their line
/// and column; the typed pass's errors (a missing field, a wrong type) do not, and a key
/// given twice keeps its last value.
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, Error> {
    serde_json::from_str::<Value>(json).and_then(from_value)
}

/// Reads `T` from a parsed value, as `serde_json::from_value` does, but a struct only from
/// an object.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(De(value))
}

/// What a value is, for error messages (serde_json's wording).
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// Numbers: only the number arm, as for the other single-kind types.
macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.0 {
                    Value::Number(n) => visit_number(&n, visitor),
                    other => Err(invalid_type(&other, &visitor)),
                }
            }
        )*
    };
}

struct De(Value);

impl<'de> Deserializer<'de> for De {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => visit_number(&n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, visitor),
        }
    }

    // A type that takes one kind of value gets only that arm, and the shared error for the
    // others (the error a visitor's default method gives): each primitive, string and
    // sequence type was otherwise a copy of every arm above.
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_string(s),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit unit_struct newtype_struct tuple_struct enum identifier
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        drop(self);
        visitor.visit_unit()
    }
}

/// The error for a value of the wrong kind (non-generic: one copy for every type).
fn invalid_type(value: &Value, expected: &dyn Expected) -> Error {
    Error::invalid_type(unexpected(value), expected)
}

fn visit_number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => visitor.visit_u64(u),
        (None, Some(i)) => visitor.visit_i64(i),
        _ => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, Error> {
    let len = items.len();
    let mut seq = Seq(items.into_iter());
    let value = visitor.visit_seq(&mut seq)?;
    match seq.0.len() {
        0 => Ok(value),
        _ => Err(Error::invalid_length(len, &"fewer elements in array")),
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    map: Map<String, Value>,
    visitor: V,
) -> Result<V::Value, Error> {
    let len = map.len();
    let mut entries = Entries {
        iter: map.into_iter(),
        value: None,
    };
    let value = visitor.visit_map(&mut entries)?;
    match entries.iter.len() {
        0 => Ok(value),
        _ => Err(Error::invalid_length(len, &"fewer elements in map")),
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(De(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries {
    iter: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key: StringDeserializer<Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(De(value)),
            None => Err(Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

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

    /// Every typed input of the module, read by ours and by serde_json's deserialiser of a
    /// value: the same result, or the same error message.
    #[test]
    fn reads_as_serde_jsons_value_deserialiser_does() {
        use crate::library::Deleted;
        use crate::note::Note;
        use crate::sync::SyncState;
        use crate::template::{RenderOptions, Templates};
        use crate::{Capture, ClipRequest};

        fn same<T>(json: &str)
        where
            T: DeserializeOwned + PartialEq + std::fmt::Debug,
        {
            let value: Value = serde_json::from_str(json).unwrap();
            let ours = from_value::<T>(value.clone()).map_err(|e| e.to_string());
            let theirs = serde_json::from_value::<T>(value).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{json}");
        }
        let note = r#"{"schema":2,"id":"https://a.example/","url":"https://a.example/?x","canonical":null,
            "aliases":["https://b.example/"],"title":"T","authors":["A","B"],"site":"S","lang":"en",
            "created":"2024-01-01T00:00:00Z","updated":"2024-01-02T00:00:00Z","unknown":{"deep":[1,-2,3.5,null,true]},
            "quotes":[{"id":"q1","markdown":"**m**","text":"m","created":"c","comment":"","tags":["t"],
            "fragment":"text=m","selector":{"exact":"m","prefix":"p","suffix":"s"},"private":true,"position":12},
            {"id":"q2","selector":null,"position":null}]}"#;
        same::<Note>(note);
        for bad in [
            r#"{"schema":"2"}"#,
            r#"{"schema":-1}"#,
            r#"{"schema":1.5}"#,
            r#"{"schema":4294967296}"#,
            r#"{"quotes":{}}"#,
            r#"{"quotes":[{"position":-3}]}"#,
            r#"{"quotes":[{"selector":{"exact":"m"}}]}"#,
            r#"{"quotes":[{"selector":"m"}]}"#,
            r#"{"quotes":[{"tags":[1]}]}"#,
            r#"{"quotes":[{"private":null}]}"#,
            r#"{"title":null}"#,
            r#"{"aliases":null}"#,
            "null",
            "7",
        ] {
            same::<Note>(bad);
        }
        same::<Capture>(
            r#"{"url":"u","baseUrl":null,"ranges":["<b>x</b>"],"offsets":[[1,2],[3,4]],"incognito":false}"#,
        );
        same::<Capture>(r#"{"offsets":[[1,2,3]]}"#);
        same::<Capture>(r#"{"offsets":[[1]]}"#);
        same::<Capture>(r#"{"offsets":[1]}"#);
        same::<ClipRequest>(
            r#"{"capture":{"url":"u"},"now":"n","quoteId":"q","tags":["a"],"allowPrivate":true,"former":[{"schema":1},"x",null]}"#,
        );
        same::<ClipRequest>(r#"{"capture":"x"}"#);
        same::<Vec<Deleted>>(r#"[{"id":"a","at":"t"},{"id":"b","note":"n","at":"t"}]"#);
        same::<Vec<Deleted>>(r#"[{"id":"a"}]"#);
        same::<Vec<Deleted>>(r#"{"id":"a"}"#);
        same::<SyncState>(
            r#"{"schema":1,"pattern":"p","files":{"n1":{"path":"a.md","written":"w","version":"v","frame":"f","quotes":[{"id":"q","block":"b"}],"edited":true}}}"#,
        );
        same::<SyncState>(r#"{"schema":1,"files":{"n1":{"path":"a.md"}}}"#);
        same::<SyncState>(r#"{"schema":1,"files":[]}"#);
        same::<Templates>(r#"{"note":"{{ title }}","quote":""}"#);
        same::<RenderOptions>(r#"{"tzOffsetMinutes":-60,"locale":"fr","quoteOrder":"page"}"#);
        same::<RenderOptions>(r#"{"quoteOrder":"random"}"#);
        same::<RenderOptions>(r#"{"tzOffsetMinutes":99999999999}"#);
        same::<RenderOptions>(r#"{"tzOffsetMinutes":null}"#);
        same::<RenderOptions>(r#"{"tzOffsetMinutes":-1.5}"#);
        same::<Note>(r#"{"schema":2,"quotes":[{"position":true}]}"#);
        same::<Note>(r#"{"schema":2,"quotes":[{"position":1.5}]}"#);
        same::<Note>(r#"{"schema":2,"quotes":[{"position":[1]}]}"#);
        same::<Vec<String>>(r#"["a","b"]"#);
        same::<Vec<String>>(r#"{"a":"b"}"#);
        same::<Vec<Value>>(r#"[{"a":[1,{"b":null}]},"x",2.5,-1,true]"#);
    }

    #[test]
    fn a_struct_is_read_from_an_object_only() {
        // serde_json's value deserialiser also takes a struct's fields in order from an
        // array; no input of ours is written so, and ours refuses it.
        let array: Value = serde_json::json!(["a", null, "t"]);
        assert!(serde_json::from_value::<crate::library::Deleted>(array.clone()).is_ok());
        assert_eq!(
            from_value::<crate::library::Deleted>(array)
                .unwrap_err()
                .to_string(),
            "invalid type: sequence, expected struct Deleted"
        );
    }
}
