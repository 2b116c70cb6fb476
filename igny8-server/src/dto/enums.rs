//! One OpenAPI type for every string enum of the core: `E<KeywordStatus>` is documented as a
//! string with the enum's values and named after it.

use std::borrow::Cow;

use igny8_core::enums::StringEnum;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{
    ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type,
};
use serde_json::Value;

/// A core string enum on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct E<T>(pub T);

impl<T: StringEnum> Type for E<T> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        Cow::Borrowed(T::NAME)
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Reference(T::NAME.to_owned())
    }

    fn register(registry: &mut Registry) {
        registry.create_schema::<Self, _>(T::NAME.to_owned(), |_| MetaSchema {
            enum_items: T::VALUES
                .iter()
                .map(|v| Value::String(v.as_str().to_owned()))
                .collect(),
            ..MetaSchema::new("string")
        });
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<T: StringEnum> ParseFromJSON for E<T> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(s)) => s.parse().map(E).map_err(ParseError::custom),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl<T: StringEnum> ParseFromParameter for E<T> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        value.parse().map(E).map_err(ParseError::custom)
    }
}

impl<T: StringEnum> ToJSON for E<T> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.as_str().to_owned()))
    }
}

/// A list's `ordering` parameter: one of the sort fields `F`, ascending (`volume`) or
/// descending (`-volume`), documented with every value it takes. The core parses it.
#[derive(Debug, Clone)]
pub struct Ordering<F>(pub String, std::marker::PhantomData<F>);

impl<F> Ordering<F> {
    /// The text as sent.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<F: StringEnum + Send + Sync> Type for Ordering<F> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("ordering_{}", F::NAME))
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut values = vec![Value::String(String::new())];
        for v in F::VALUES {
            values.push(Value::String(v.as_str().to_owned()));
            values.push(Value::String(format!("-{}", v.as_str())));
        }
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            enum_items: values,
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<F: StringEnum + Send + Sync> ParseFromParameter for Ordering<F> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Ordering(value.to_owned(), std::marker::PhantomData))
    }
}
