//! Layered settings for every face: defaults → a settings file → `IGNY8_*` variables, merged
//! by [`figment`], with secrets held as [`SecretString`] so no `Debug` or log line shows them.
//!
//! The core reads neither the environment nor files (the binaries do, and hand the text and the
//! variables over); what lives here is the one place that knows how a layer overrides another,
//! how an `IGNY8_*` variable maps onto a field, and how a bad value is reported. Each settings
//! struct names its variables once, in a table of [`Var`]s next to its fields (for example
//! [`crate::ai::AiConfig::VARS`]); a binary joins the tables it uses into [`Section`]s.
//!
//! A bad value gives one plain sentence that names the variable and what it must be, e.g.
//! `IGNY8_RATE_LIMIT_READ must be a whole number, got "lots"`; the value of a secret is never
//! repeated.
//!
//! ```
//! use igny8_core::settings::{Loader, Section};
//! use igny8_core::publish::PublishConfig;
//!
//! let env = [("IGNY8_WORDPRESS_TIMEOUT_SECS".to_owned(), "90".to_owned())];
//! let config: PublishConfig = Loader::new(&PublishConfig::default())
//!     .env(&[Section::new("", PublishConfig::VARS)], env, |_| false)
//!     .unwrap()
//!     .extract()
//!     .unwrap();
//! assert_eq!(config.timeout_secs, 90);
//! ```

use std::collections::BTreeMap;

use figment::providers::Serialized;
use figment::value::{Dict, Empty, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
pub use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The prefix of every variable.
pub const PREFIX: &str = "IGNY8_";

/// The name of the environment layer in figment's metadata, to tell its errors apart.
const ENV_LAYER: &str = "IGNY8_* environment variables";

/// What a variable's value must be: how its text becomes a value, and what a bad value's error
/// says is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any text, trimmed.
    Text,
    /// A secret: trimmed text; empty means unset. Its value never appears in an error.
    Secret,
    /// Optional text: empty means unset.
    OptionalText,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); empty means false.
    Bool,
    /// A whole number, 0 or more.
    Whole,
    /// A whole number, 1 or more.
    Positive,
    /// A whole number that may be negative.
    Integer,
    /// A comma-separated list; each item is checked by the field's type.
    List(&'static str),
    /// One of these words, in any letter case.
    OneOf(&'static [&'static str]),
}

impl Expect {
    /// What a value must be, as the end of the sentence "IGNY8_X must be …".
    pub fn describe(self) -> String {
        match self {
            Self::Text | Self::OptionalText => "text".into(),
            Self::Secret => "a secret".into(),
            Self::Bool => "true or false".into(),
            Self::Whole => "a whole number".into(),
            Self::Positive => "a whole number of 1 or more".into(),
            Self::Integer => "a whole number (it may be negative)".into(),
            Self::List(items) => format!("a comma-separated list of {items}"),
            Self::OneOf(words) => match words {
                [] => "nothing".into(),
                [one] => (*one).into(),
                [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
            },
        }
    }

    /// The value the text stands for, or `None` when it is not one.
    fn value(self, text: &str) -> Option<Value> {
        let text = text.trim();
        Some(match self {
            Self::Text => Value::from(text),
            Self::Secret | Self::OptionalText if text.is_empty() => Value::from(Empty::None),
            Self::Secret | Self::OptionalText => Value::from(text),
            Self::Bool if text.is_empty() => Value::from(false),
            Self::Bool => Value::from(Value::from(text).to_bool_lossy()?),
            Self::Whole => Value::from(text.parse::<u64>().ok()?),
            Self::Positive => Value::from(text.parse::<u64>().ok().filter(|n| *n > 0)?),
            Self::Integer => Value::from(text.parse::<i64>().ok()?),
            Self::List(_) => Value::from(
                text.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(Value::from)
                    .collect::<Vec<_>>(),
            ),
            Self::OneOf(words) => {
                let word = text.to_ascii_lowercase();
                words.contains(&word.as_str()).then(|| Value::from(word))?
            }
        })
    }
}

/// One `IGNY8_*` variable: its name without the prefix, the field it sets (a dotted path
/// within its [`Section`]) and what its value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Var {
    /// The name after `IGNY8_` (`OPENAI_MODEL`).
    pub name: &'static str,
    /// The field, dotted for a nested one (`credit_prices.per_idea`).
    pub key: &'static str,
    /// What its value must be.
    pub expect: Expect,
}

impl Var {
    /// A variable `IGNY8_{name}` that sets `key`.
    pub const fn new(name: &'static str, key: &'static str, expect: Expect) -> Self {
        Self { name, key, expect }
    }
}

/// A table of variables whose fields sit under `at` (dotted; empty for the top level), the way
/// the server's settings hold the AI settings under `ai`.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    at: &'static str,
    vars: &'static [Var],
}

impl Section {
    /// The variables `vars`, for fields under `at`.
    pub const fn new(at: &'static str, vars: &'static [Var]) -> Self {
        Self { at, vars }
    }
}

/// A settings value that can't be used, said in one sentence for the person who set it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

/// A variable the environment layer set, to name it in an error about its field.
#[derive(Debug, Clone)]
struct Given {
    var: String,
    raw: String,
    expect: Expect,
}

/// One layer: a name for errors (a file's path) and its values.
struct Layer {
    name: String,
    dict: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

/// Builds settings from layers, each over the one before.
pub struct Loader {
    figment: Figment,
    given: BTreeMap<String, Given>,
}

impl Loader {
    /// Starts from `defaults` (normally `T::default()`).
    pub fn new<T: Serialize>(defaults: &T) -> Self {
        Self {
            figment: Figment::from(Serialized::defaults(defaults)),
            given: BTreeMap::new(),
        }
    }

    /// Lays `values` (a parsed settings file, say) over what is there; `name` (the file's
    /// path) names it in errors.
    pub fn layer(
        mut self,
        name: impl Into<String>,
        values: &impl Serialize,
    ) -> Result<Self, SettingsError> {
        let name = name.into();
        let dict = Value::serialize(values)
            .ok()
            .and_then(Value::into_dict)
            .ok_or_else(|| SettingsError(format!("{name}: not a table of settings")))?;
        self.figment = self.figment.merge(Layer { name, dict });
        Ok(self)
    }

    /// Lays the `IGNY8_*` variables among `vars` over what is there, as `sections` map them.
    /// Names without the prefix are skipped; a prefixed name that no section knows is an error
    /// unless `ignore` accepts its name (without the prefix): the variables of other commands
    /// and of the tests. When two variables set one field (a name and its older alias), the
    /// one later in its table wins.
    pub fn env(
        mut self,
        sections: &[Section],
        vars: impl IntoIterator<Item = (String, String)>,
        ignore: impl Fn(&str) -> bool,
    ) -> Result<Self, SettingsError> {
        // Each known variable with its place in the tables: of two names for one field (an
        // older alias) the one later in its table wins, whatever order the variables came in.
        let mut known = Vec::new();
        for (name, raw) in vars {
            let Some(short) = name.strip_prefix(PREFIX) else {
                continue;
            };
            let found = sections.iter().enumerate().find_map(|(s, section)| {
                let (v, var) = section
                    .vars
                    .iter()
                    .enumerate()
                    .find(|(_, v)| v.name == short)?;
                let key = match section.at {
                    "" => var.key.to_owned(),
                    at => format!("{at}.{}", var.key),
                };
                Some(((s, v), key, var.expect))
            });
            match found {
                Some((place, key, expect)) => known.push((place, key, name, raw, expect)),
                None if ignore(short) => {}
                None => return Err(SettingsError(format!("unknown setting {name}"))),
            }
        }
        known.sort_by_key(|k| k.0);
        let mut dict = Dict::new();
        for (_, key, var, raw, expect) in known {
            let value = expect
                .value(&raw)
                .ok_or_else(|| SettingsError(bad_value(&var, &raw, expect)))?;
            merge(&mut dict, figment::util::nest(&key, value));
            self.given.insert(key, Given { var, raw, expect });
        }
        self.figment = self.figment.merge(Layer {
            name: ENV_LAYER.into(),
            dict,
        });
        Ok(self)
    }

    /// The settings, or the first thing wrong with them.
    pub fn extract<T: DeserializeOwned>(&self) -> Result<T, SettingsError> {
        self.figment
            .extract()
            .map_err(|e| SettingsError(self.explain(e)))
    }

    /// A figment error in words: a value the environment gave is named by its variable.
    fn explain(&self, error: figment::Error) -> String {
        let error = error.into_iter().next().unwrap_or_else(|| "invalid".into());
        let from_env = error.metadata.as_ref().is_some_and(|m| m.name == ENV_LAYER);
        if from_env && let Some(given) = self.given.get(&error.path.join(".")) {
            if let figment::error::Kind::InvalidValue(_, expected) = &error.kind
                && let Some((min, max)) = integer_range(expected)
                && given.raw.trim().parse::<i128>().is_ok()
            {
                return format!(
                    "{} must be a whole number from {min} to {max}, got {:?}",
                    given.var, given.raw
                );
            }
            return bad_value(&given.var, &given.raw, given.expect);
        }
        let key = error.path.join(".");
        let source = error
            .metadata
            .as_ref()
            .map(|m| m.name.to_string())
            .unwrap_or_default();
        let kind = error.kind.to_string();
        match (source.is_empty(), key.is_empty()) {
            (true, true) => kind,
            (true, false) => format!("{key}: {kind}"),
            (false, true) => format!("{source}: {kind}"),
            (false, false) => format!("{source}: {key}: {kind}"),
        }
    }
}

/// The bounds of an integer field's type, as serde names it when a value doesn't fit.
fn integer_range(type_name: &str) -> Option<(i128, i128)> {
    Some(match type_name {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

/// "IGNY8_X must be …, got "…"" — without the value when it is a secret.
fn bad_value(var: &str, raw: &str, expect: Expect) -> String {
    match expect {
        Expect::Secret => format!("{var} is not a valid value (its value is not shown)"),
        _ => format!("{var} must be {}, got {raw:?}", expect.describe()),
    }
}

/// Merges `from` into `into`, nested dictionaries key by key.
fn merge(into: &mut Dict, from: Value) {
    let Some(from) = from.into_dict() else {
        return;
    };
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Dict(_, inner)), Value::Dict(_, more)) => {
                merge(inner, Value::from(more));
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// Serialises a secret in clear, for `#[serde(serialize_with)]` on fields that must be written
/// out (an example settings file) or layered (defaults). [`SecretString`] itself refuses to
/// serialise; only fields marked with this (or [`expose_option`]) are ever written.
pub fn expose<S: serde::Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

/// [`expose`] for an optional secret.
pub fn expose_option<S: serde::Serializer>(
    secret: &Option<SecretString>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_some(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Demo {
        port: u16,
        name: String,
        verbose: bool,
        #[serde(serialize_with = "expose_option")]
        api_key: Option<SecretString>,
        nested: Nested,
    }

    #[derive(Debug, Default, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Nested {
        mode: String,
        hosts: Vec<String>,
    }

    impl Default for Demo {
        fn default() -> Self {
            Self {
                port: 8011,
                name: "demo".into(),
                verbose: false,
                api_key: None,
                nested: Nested {
                    mode: "a".into(),
                    hosts: vec![],
                },
            }
        }
    }

    const VARS: &[Var] = &[
        Var::new("PORT", "port", Expect::Whole),
        Var::new("NAME", "name", Expect::Text),
        Var::new("VERBOSE", "verbose", Expect::Bool),
        Var::new("API_KEY", "api_key", Expect::Secret),
    ];
    const NESTED: &[Var] = &[
        Var::new("MODE", "mode", Expect::OneOf(&["a", "b"])),
        Var::new("HOSTS", "hosts", Expect::List("host names")),
    ];
    const SECTIONS: &[Section] = &[Section::new("", VARS), Section::new("nested", NESTED)];

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn load(file: Option<&str>, pairs: &[(&str, &str)]) -> Result<Demo, SettingsError> {
        let mut loader = Loader::new(&Demo::default());
        if let Some(file) = file {
            let table: serde_json::Value = serde_json::from_str(file).unwrap();
            loader = loader.layer("demo.toml", &table)?;
        }
        loader
            .env(SECTIONS, env(pairs), |name| name.starts_with("TEST_"))?
            .extract()
    }

    #[test]
    fn the_environment_wins_over_the_file_which_wins_over_the_defaults() {
        let d = load(None, &[]).unwrap();
        assert_eq!(
            (d.port, d.name.as_str(), d.nested.mode.as_str()),
            (8011, "demo", "a")
        );
        let file = r#"{"port": 9000, "name": "from-file", "nested": {"mode": "b"}}"#;
        let f = load(Some(file), &[]).unwrap();
        assert_eq!(
            (f.port, f.name.as_str(), f.nested.mode.as_str()),
            (9000, "from-file", "b")
        );
        let e = load(
            Some(file),
            &[
                ("IGNY8_PORT", " 9100 "),
                ("IGNY8_MODE", "A"),
                ("IGNY8_HOSTS", "x, y,,"),
                ("IGNY8_VERBOSE", "yes"),
                ("IGNY8_TEST_ANYTHING", "1"),
                ("PATH", "/bin"),
            ],
        )
        .unwrap();
        // The variable wins where it is set; the file's other values stay.
        assert_eq!((e.port, e.name.as_str()), (9100, "from-file"));
        assert_eq!(e.nested.mode, "a");
        assert_eq!(e.nested.hosts, ["x", "y"]);
        assert!(e.verbose);
        // An empty secret leaves it unset.
        assert!(
            load(None, &[("IGNY8_API_KEY", " ")])
                .unwrap()
                .api_key
                .is_none()
        );
    }

    #[test]
    fn bad_values_give_a_plain_error_naming_the_variable() {
        let err = |pairs: &[(&str, &str)]| load(None, pairs).unwrap_err().to_string();
        assert_eq!(
            err(&[("IGNY8_PORT", "abc")]),
            r#"IGNY8_PORT must be a whole number, got "abc""#
        );
        // Out of the field's range: caught when the value meets its type, with the range.
        assert_eq!(
            err(&[("IGNY8_PORT", "70000")]),
            r#"IGNY8_PORT must be a whole number from 0 to 65535, got "70000""#
        );
        assert_eq!(
            err(&[("IGNY8_VERBOSE", "maybe")]),
            r#"IGNY8_VERBOSE must be true or false, got "maybe""#
        );
        assert_eq!(
            err(&[("IGNY8_MODE", "c")]),
            r#"IGNY8_MODE must be a or b, got "c""#
        );
        assert_eq!(err(&[("IGNY8_NOPE", "1")]), "unknown setting IGNY8_NOPE");
        // A bad value in the file names the file and the key.
        let file = load(Some(r#"{"port": "many"}"#), &[])
            .unwrap_err()
            .to_string();
        assert!(file.starts_with("demo.toml: port: "), "{file}");
        let unknown = load(Some(r#"{"nope": 1}"#), &[]).unwrap_err().to_string();
        assert!(unknown.contains("nope"), "{unknown}");
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_never_echoed() {
        let d = load(None, &[("IGNY8_API_KEY", "sk-very-secret")]).unwrap();
        assert_eq!(
            d.api_key.as_ref().map(|k| k.expose_secret()),
            Some("sk-very-secret")
        );
        assert!(!format!("{d:?}").contains("sk-very-secret"));
        // Written out only through `expose_option`, for an example file.
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("sk-very-secret"));
        let err = bad_value("IGNY8_API_KEY", "sk-very-secret", Expect::Secret);
        assert!(err.contains("IGNY8_API_KEY") && !err.contains("sk-very-secret"));
    }
}
