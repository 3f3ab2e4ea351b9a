//! Front matter values as written, for the rules of `lints/` that read a
//! field. The parsed fields hold them typed (`version: 1.10` is the number
//! 1.1, which no rule's author wrote) and give no place to a list's items,
//! so the block is read again for them: on first use only, and once per
//! document, whatever the number of rules that read it.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::yaml::YamlLines;
use super::{Document, Pos};

/// A front matter value as written, and where its text starts.
pub struct Written {
    pub text: String,
    pub at: Pos,
}

/// Each key's values as written, in the keys' order, once read.
#[derive(Default)]
pub struct WrittenValues(OnceLock<Vec<Vec<Written>>>);

impl Document {
    /// The values of `field`, or of a key aliased to it, as written: one
    /// for a scalar, each item of a list, none for a mapping.
    pub fn written_values(&self, field: &str) -> &[Written] {
        let Some(fields) = self.fields() else {
            return &[];
        };
        let Some(key) =
            (fields.keys.iter()).position(|k| k.name == field || k.canonical == Some(field))
        else {
            return &[];
        };
        let all = self.written.0.get_or_init(|| read(self));
        all.get(key).map_or(&[], Vec::as_slice)
    }
}

fn read(doc: &Document) -> Vec<Vec<Written>> {
    let Some(block) = doc.front_matter.block() else {
        return Vec::new();
    };
    let yaml = &doc.text[block.yaml.clone()];
    let Ok(Shape::Map(values)) = serde_saphyr::from_str(yaml) else {
        return Vec::new();
    };
    let lines = YamlLines::new(yaml);
    let written = |item: Spanned<Shape>| {
        let span = item.defined.span();
        let source = yaml.get(span.byte_offset()? as usize..)?;
        let source = &source[..(span.byte_len()? as usize).min(source.len())];
        let text = match item.value {
            Shape::Text(Some(text)) => text,
            Shape::Text(None) => source.trim().to_string(),
            Shape::List(_) | Shape::Map(_) => return None,
        };
        // A quoted value's text starts after its quote, a block
        // scalar's (`|`) on the next line.
        let first_line = text.lines().next().unwrap_or_default();
        let start = lines.offset(item.referenced.line(), item.referenced.column())
            + source.find(first_line).unwrap_or(0);
        let at = doc.lines.pos(&doc.text, block.yaml.start + start);
        Some(Written { text, at })
    };
    values
        .into_iter()
        .map(|value| match value.value {
            Shape::List(items) => items.into_iter().filter_map(written).collect(),
            _ => written(value).into_iter().collect(),
        })
        .collect()
}

/// A YAML node, as [`Document::written_values`] reads it.
enum Shape {
    /// A scalar: the string, or `None` for one YAML reads as a number or a
    /// boolean, whose text is taken as written.
    Text(Option<String>),
    List(Vec<Spanned<Shape>>),
    /// A mapping's values, in order; its keys are not read.
    Map(Vec<Spanned<Shape>>),
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};

        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Shape;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Shape, E> {
                Ok(Shape::Text(Some(v.to_string())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Text(None))
            }
            fn visit_i128<E>(self, _: i128) -> Result<Shape, E> {
                Ok(Shape::Text(None))
            }
            fn visit_u128<E>(self, _: u128) -> Result<Shape, E> {
                Ok(Shape::Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Text(None))
            }
            // An empty value has none.
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::List(Vec::new()))
            }
            fn visit_none<E>(self) -> Result<Shape, E> {
                Ok(Shape::List(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Shape::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                let mut values = Vec::new();
                while map.next_key::<IgnoredAny>()?.is_some() {
                    values.push(map.next_value()?);
                }
                Ok(Shape::Map(values))
            }
        }
        d.deserialize_any(V)
    }
}
