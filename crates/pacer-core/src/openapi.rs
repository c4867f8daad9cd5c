//! OpenAPI schemas written by hand (feature `openapi`), where a type is not written as its
//! Rust shape: enums read from text, and pairs written as two-element arrays.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};

/// The schema of an enum written as one of `names` (for `ToSchema` by hand, where the enum is
/// read from text rather than derived with serde).
pub(crate) fn schema_of_names(names: impl IntoIterator<Item = &'static str>, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)).description(Some(description)).into()
}

/// A `(name, amount)` pair, written `["name", 1200]`: the schema of `(String, i64)` fields.
/// (Described without `prefixItems`, which not every OpenAPI tool reads.)
pub struct NamedAmount;

impl utoipa::PartialSchema for NamedAmount {
    fn schema() -> RefOr<Schema> {
        let item = AnyOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ObjectBuilder::new().schema_type(Type::Integer));
        ArrayBuilder::new()
            .items(item)
            .min_items(Some(2))
            .max_items(Some(2))
            .description(Some("A name, then an amount: [\"name\", 1200]"))
            .into()
    }
}

impl utoipa::ToSchema for NamedAmount {}
