//! The written forms of the small enums (statuses, tiers, kinds) from one table per enum, so the
//! stored, displayed and parsed forms cannot drift apart.

/// Gives an enum its written forms from the table `{ Variant => "name" | "alias", ... }`:
/// `as_str` (documented by the doc comments written before the enum's name) and `Display` give
/// the name; after `unknown:`, `FromStr` reads a name or an alias in any case, surrounding spaces
/// ignored. An unknown text is the error variant given (`Error::Variant`, holding the text as
/// typed), or, given a noun such as `"deal kind"`, a sentence naming it and listing the names.
/// A final `serde` (de)serialises the enum as its name, read back as `FromStr` reads it.
macro_rules! text_enum {
    (
        $(#[$doc:meta])* $ty:ident { $($variant:ident => $name:literal $(| $alias:literal)*),+ $(,)? }
    ) => {
        impl $ty {
            $(#[$doc])*
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    (
        $(#[$doc:meta])* $ty:ident { $($variant:ident => $name:literal $(| $alias:literal)*),+ $(,)? },
        unknown: $error:ident :: $unknown:ident
    ) => {
        $crate::text_enum::text_enum!($(#[$doc])* $ty { $($variant => $name),+ });

        impl ::std::str::FromStr for $ty {
            type Err = $error;

            /// Parses a written form, any case, surrounding spaces ignored.
            fn from_str(s: &str) -> Result<Self, $error> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($name $(| $alias)* => Ok(Self::$variant),)+
                    _ => Err($error::$unknown(s.to_owned())),
                }
            }
        }
    };
    (
        $(#[$doc:meta])* $ty:ident { $($variant:ident => $name:literal $(| $alias:literal)*),+ $(,)? },
        unknown: $what:literal
    ) => {
        $crate::text_enum::text_enum!($(#[$doc])* $ty { $($variant => $name),+ });

        impl ::std::str::FromStr for $ty {
            type Err = String;

            /// Parses a written form, any case, surrounding spaces ignored.
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($name $(| $alias)* => Ok(Self::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", $what, " {:?}: use {}"),
                        other,
                        [$($name),+].join(", ")
                    )),
                }
            }
        }
    };
    (
        $(#[$doc:meta])* $ty:ident { $($table:tt)+ },
        unknown: $error:ident :: $unknown:ident,
        serde
    ) => {
        $crate::text_enum::text_enum!($(#[$doc])* $ty { $($table)+ }, unknown: $error::$unknown);

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer)?
                    .parse()
                    .map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

pub(crate) use text_enum;
