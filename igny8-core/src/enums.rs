//! A macro for the string-valued enums stored in the database and shown in APIs.

/// A fieldless enum with a fixed set of snake_case string values (statuses, kinds, roles…):
/// what a transport needs to describe it (e.g. as an OpenAPI `enum`) without knowing it.
pub trait StringEnum: Copy + Send + Sync + std::str::FromStr<Err = String> + 'static {
    /// The type's name, e.g. `KeywordStatus`.
    const NAME: &'static str;
    /// Every value, in declaration order.
    const VALUES: &'static [Self];
    /// The value's string form.
    fn as_str(self) -> &'static str;
}

/// Declares a fieldless enum stored as a snake_case string, with `as_str`, `ALL`,
/// `FromStr` (with an error that lists the accepted values) and serde.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and displayed form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl $crate::enums::StringEnum for $name {
            const NAME: &'static str = stringify!($name);
            const VALUES: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown value {other:?}; expected one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

pub(crate) use string_enum;
