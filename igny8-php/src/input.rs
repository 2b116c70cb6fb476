//! PHP arrays into the core's input types: serde from the JSON form, with the REST API's
//! strictness (unknown fields are refused) and field-named errors.

use igny8_core::list::{PageRequest, Sort};
use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::error::Failure;

/// A JSON object (an empty PHP array is an empty object).
pub(crate) fn object(value: Value) -> Result<Map<String, Value>, Failure> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Array(a) if a.is_empty() => Ok(Map::new()),
        _ => Err(Failure::invalid("expected an array with string keys")),
    }
}

/// Takes one field out of an object.
pub(crate) fn take<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    field: &str,
) -> Result<Option<T>, Failure> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| Failure::field(field, e.to_string())),
    }
}

/// A list of ids.
pub(crate) fn ids<T: From<i64>>(value: Value) -> Result<Vec<T>, Failure> {
    let list: Vec<i64> = match value {
        Value::Array(items) => items
            .into_iter()
            .map(|v| v.as_i64().ok_or(()))
            .collect::<Result<_, _>>()
            .map_err(|()| Failure::field("ids", "must be a list of integer ids"))?,
        Value::Object(m) if m.is_empty() => Vec::new(),
        _ => return Err(Failure::field("ids", "must be a list of integer ids")),
    };
    Ok(list.into_iter().map(T::from).collect())
}

/// An input type from an object, refusing fields the type does not have.
///
/// PHP has one empty array for an empty list and an empty map, and it arrives as `{}`; where
/// the type wants a list there (`'media' => []`), the input is read again with every nested
/// empty `{}` as `[]`.
pub(crate) fn parse<T: DeserializeOwned + Serialize>(
    map: Map<String, Value>,
) -> Result<T, Failure> {
    let given: Vec<String> = map.keys().cloned().collect();
    let parsed: T = match serde_path_to_error::deserialize(Value::Object(map.clone())) {
        Ok(parsed) => parsed,
        Err(first) => {
            let mut lists = Value::Object(map);
            if !empty_maps_as_lists(&mut lists, 0) {
                return Err(path_error(first));
            }
            serde_path_to_error::deserialize(lists).map_err(|_| path_error(first))?
        }
    };
    refuse_unknown(&given, &parsed)?;
    Ok(parsed)
}

/// Turns every empty object below the top into an empty list; whether there was one.
fn empty_maps_as_lists(value: &mut Value, depth: usize) -> bool {
    match value {
        Value::Object(map) if map.is_empty() && depth > 0 => {
            *value = Value::Array(Vec::new());
            true
        }
        Value::Object(map) => map
            .values_mut()
            .fold(false, |any, v| empty_maps_as_lists(v, depth + 1) | any),
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, v| empty_maps_as_lists(v, depth + 1) | any),
        _ => false,
    }
}

/// A patch from an object: a field set to null clears the value (`Some(None)`), an absent
/// field is left alone.
pub(crate) fn patch<T: DeserializeOwned + Serialize>(
    map: Map<String, Value>,
) -> Result<T, Failure> {
    let given: Vec<String> = map.keys().cloned().collect();
    let parsed: T = serde_path_to_error::deserialize(PatchDeserializer(map)).map_err(path_error)?;
    refuse_unknown(&given, &parsed)?;
    Ok(parsed)
}

fn path_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Failure {
    let path = e.path().to_string();
    let message = e.inner().to_string();
    if path.is_empty() || path == "." {
        Failure::invalid(message)
    } else {
        Failure::field(&path, message)
    }
}

/// The fields of `given` that `parsed` does not have.
fn refuse_unknown<T: Serialize>(given: &[String], parsed: &T) -> Result<(), Failure> {
    let known = match serde_json::to_value(parsed) {
        Ok(Value::Object(map)) => map,
        _ => return Ok(()),
    };
    let unknown: Vec<igny8_core::FieldError> = given
        .iter()
        .filter(|k| !known.contains_key(k.as_str()))
        .map(|k| igny8_core::FieldError::new(k.clone(), "is not a field of this input"))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(igny8_core::Error::fields(unknown).into())
    }
}

/// Paging and ordering of a list query: `page`, `page_size`, `cursor`, `ordering`.
pub(crate) struct ListQuery {
    pub(crate) page: PageRequest,
    pub(crate) ordering: Option<String>,
}

impl ListQuery {
    /// Takes the paging fields out of `map`.
    pub(crate) fn take(map: &mut Map<String, Value>) -> Result<Self, Failure> {
        let page_size =
            take::<u64>(map, "page_size")?.unwrap_or(igny8_core::list::DEFAULT_PAGE_SIZE);
        let page = match take::<String>(map, "cursor")? {
            Some(c) if !c.is_empty() => PageRequest::after(c, page_size),
            Some(_) => PageRequest {
                with_total: false,
                ..PageRequest::new(1, page_size)
            },
            None => PageRequest::new(take::<u64>(map, "page")?.unwrap_or(1), page_size),
        };
        let ordering = take::<String>(map, "ordering")?.filter(|o| !o.trim().is_empty());
        Ok(Self { page, ordering })
    }

    /// The ordering, or the list's default.
    pub(crate) fn sort<F: std::str::FromStr<Err = String>>(
        &self,
        default: Sort<F>,
    ) -> Result<Sort<F>, Failure> {
        match &self.ordering {
            Some(o) => Ok(Sort::parse(o)?),
            None => Ok(default),
        }
    }
}

/// Renames aliases (`volume_min` → `min_volume`).
pub(crate) fn alias(map: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = map.remove(from) {
        map.entry(to.to_owned()).or_insert(v);
    }
}

/// Deserialises a struct from an object where `null` means `Some(None)` for
/// `Option<Option<T>>` fields (clear the value). For a plain `Option<T>` field, null is an
/// error naming the field (leave it out instead).
struct PatchDeserializer(Map<String, Value>);

impl<'de> Deserializer<'de> for PatchDeserializer {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(PatchMap {
            iter: self.0.into_iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct PatchMap {
    iter: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for PatchMap {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        seed.deserialize(PatchValue(self.value.take().unwrap_or(Value::Null)))
    }
}

/// A field's value: null is "present and null".
struct PatchValue(Value);

impl<'de> Deserializer<'de> for PatchValue {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_some(ClearValue),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// Null inside `Some`: `None` for an inner option, an error for anything else.
struct ClearValue;

impl<'de> Deserializer<'de> for ClearValue {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom(
            "cannot be null (leave it out to keep the value)",
        ))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
