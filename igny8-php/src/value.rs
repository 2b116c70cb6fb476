//! PHP values ⇄ JSON values: the one conversion every method goes through, so arrays have the
//! shapes of the REST API's JSON (core types are (de)serialised with serde on the other side).

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ArrayKey, ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

use crate::error::Failure;

/// Deepest nesting of arrays accepted from PHP. Deeper values are refused rather than walked:
/// an array that holds a reference to itself (`$a['x'] = &$a`) is infinitely deep, and walking
/// it would overflow the stack and kill the PHP worker.
pub(crate) const MAX_DEPTH: usize = 64;

/// A PHP value as JSON: a list (keys 0…n-1) becomes an array, any other array an object
/// (integer keys as strings); objects are refused (arrays are the contract).
pub(crate) fn from_php(zval: &Zval) -> Result<Value, Failure> {
    value_at(zval, 0)
}

/// [`from_php`] of a value inside `depth` arrays.
fn value_at(zval: &Zval, depth: usize) -> Result<Value, Failure> {
    if let Some(inner) = zval.reference().or_else(|| zval.indirect()) {
        return value_at(inner, depth);
    }
    if zval.is_null() {
        return Ok(Value::Null);
    }
    if zval.is_bool() {
        return Ok(Value::Bool(zval.is_true()));
    }
    if let Some(n) = zval.long() {
        return Ok(Value::from(n));
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Failure::invalid(format!("{f} is not a finite number")));
    }
    if let Some(s) = zval.str() {
        return Ok(Value::String(s.to_owned()));
    }
    if zval.is_string() {
        return Err(Failure::invalid("a string is not valid UTF-8"));
    }
    if let Some(array) = zval.array() {
        return array_at(array, depth);
    }
    let what = if zval.is_object() {
        "an object"
    } else {
        "a resource or other special value"
    };
    Err(Failure::invalid(format!(
        "{what} cannot be passed to IGNY8 (use arrays, strings, numbers, booleans and null)"
    )))
}

/// A PHP array as JSON (see [`from_php`]).
pub(crate) fn from_array(array: &ZendHashTable) -> Result<Value, Failure> {
    array_at(array, 0)
}

/// [`from_array`] of an array inside `depth` others.
fn array_at(array: &ZendHashTable, depth: usize) -> Result<Value, Failure> {
    if depth >= MAX_DEPTH {
        return Err(Failure::invalid(format!(
            "the value is nested more than {MAX_DEPTH} levels deep (an array that contains \
             a reference to itself is infinitely deep)"
        )));
    }
    let depth = depth + 1;
    if array.has_sequential_keys() && !array.is_empty() {
        return array
            .values()
            .map(|v| value_at(v, depth))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    let mut map = Map::new();
    for (key, value) in array.iter() {
        let key = match key {
            ArrayKey::Long(i) => i.to_string(),
            other => String::try_from(other).map_err(|_| Failure::invalid("a key is not UTF-8"))?,
        };
        map.insert(key, value_at(value, depth)?);
    }
    Ok(Value::Object(map))
}

/// JSON as a PHP value: objects become string-keyed arrays, arrays lists.
pub(crate) fn to_php(value: Value) -> Result<Zval, Failure> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => zval.set_string(&s, false).map_err(Failure::php)?,
        Value::Array(_) | Value::Object(_) => zval.set_hashtable(to_array(value)?),
    }
    Ok(zval)
}

/// JSON as a PHP array (a scalar becomes a one-element list).
pub(crate) fn to_array(value: Value) -> Result<ZBox<ZendHashTable>, Failure> {
    let mut table = ZendHashTable::new();
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                table
                    .insert(key.as_str(), to_php(value)?)
                    .map_err(Failure::php)?;
            }
        }
        Value::Array(items) => {
            for value in items {
                table.push(to_php(value)?).map_err(Failure::php)?;
            }
        }
        scalar => table.push(to_php(scalar)?).map_err(Failure::php)?,
    }
    Ok(table)
}
