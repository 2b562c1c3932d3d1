//! Reading template and variant files (TOML). Items are deserialised one by
//! one so that a malformed item (an unknown answer type, a misspelt field) is
//! reported with its id, not just a line number.

use super::validate::{Collector, MAX_FILE_BYTES, TemplateErrorKind, valid_id};
use super::{Item, Template, TemplateErrors, TemplateVariant, validate};
use serde::de::DeserializeOwned;

/// What a template file contains: a full template or a provincial variant.
#[derive(Debug, Clone)]
pub enum TemplateFile {
    Template(Box<Template>),
    Variant(Box<TemplateVariant>),
}

impl TemplateFile {
    /// Parses either kind; a file with a top-level `base` key is a variant.
    /// A template is validated here; a variant once resolved against its base.
    pub fn parse(file: &str, source: &str) -> Result<Self, TemplateErrors> {
        let table = parse_table(file, source)?;
        if table.contains_key("base") {
            parse_variant_table(file, table).map(|v| Self::Variant(Box::new(v)))
        } else {
            parse_template_table(file, table).map(|t| Self::Template(Box::new(t)))
        }
    }
}

/// Parses and validates a full template. `file` names it in errors.
pub fn parse_template(file: &str, source: &str) -> Result<Template, TemplateErrors> {
    parse_template_table(file, parse_table(file, source)?)
}

/// Parses a provincial variant (validated when resolved against its base).
pub fn parse_variant(file: &str, source: &str) -> Result<TemplateVariant, TemplateErrors> {
    parse_variant_table(file, parse_table(file, source)?)
}

/// The default templates shipped with Xuncha: the current version of each
/// centre type's first, then the earlier versions inspections may still use.
pub fn builtin_templates() -> Result<Vec<Template>, TemplateErrors> {
    [
        ("templates/community.toml", include_str!("../../../../templates/community.toml")),
        ("templates/block.toml", include_str!("../../../../templates/block.toml")),
        ("templates/township.toml", include_str!("../../../../templates/township.toml")),
        ("templates/village.toml", include_str!("../../../../templates/village.toml")),
        ("templates/v1/community.toml", include_str!("../../../../templates/v1/community.toml")),
        ("templates/v1/block.toml", include_str!("../../../../templates/v1/block.toml")),
        ("templates/v1/township.toml", include_str!("../../../../templates/v1/township.toml")),
        ("templates/v1/village.toml", include_str!("../../../../templates/v1/village.toml")),
    ]
    .into_iter()
    .map(|(file, src)| parse_template(file, src))
    .collect()
}

fn single(file: &str, kind: TemplateErrorKind) -> TemplateErrors {
    let mut c = Collector::new(file);
    c.push(None, None, kind);
    TemplateErrors(c.errors)
}

fn parse_table(file: &str, source: &str) -> Result<toml::Table, TemplateErrors> {
    if source.len() > MAX_FILE_BYTES {
        return Err(single(file, TemplateErrorKind::TooLarge(source.len())));
    }
    toml::from_str(source).map_err(|e| single(file, TemplateErrorKind::Parse(e.to_string())))
}

fn parse_template_table(file: &str, mut table: toml::Table) -> Result<Template, TemplateErrors> {
    let mut c = Collector::new(file);
    // Take the items out so the rest deserialises on its own.
    let mut raw_items: Vec<(String, Vec<toml::Value>)> = Vec::new();
    if let Some(toml::Value::Array(sections)) = table.get_mut("sections") {
        for section in sections.iter_mut() {
            let toml::Value::Table(st) = section else { continue };
            let id = st.get("id").and_then(|v| v.as_str()).unwrap_or("?").to_owned();
            let items = match st.insert("items".into(), toml::Value::Array(Vec::new())) {
                Some(toml::Value::Array(items)) => items,
                _ => Vec::new(),
            };
            raw_items.push((id, items));
        }
    }
    let mut template: Template = match toml::Value::Table(table).try_into() {
        Ok(t) => t,
        Err(e) => {
            c.push(None, None, TemplateErrorKind::Parse(clean(e)));
            return Err(TemplateErrors(c.errors));
        }
    };
    for (section, (sid, raw)) in template.sections.iter_mut().zip(raw_items) {
        section.items = deserialize_items(&mut c, Some(&sid), raw);
    }
    c.finish()?;
    validate(&template, file)?;
    Ok(template)
}

fn parse_variant_table(file: &str, mut table: toml::Table) -> Result<TemplateVariant, TemplateErrors> {
    let mut c = Collector::new(file);
    let mut raw_added: Vec<toml::Value> = Vec::new();
    if let Some(toml::Value::Array(adds)) = table.get_mut("add") {
        for (n, add) in adds.iter_mut().enumerate() {
            if let toml::Value::Table(at) = add {
                // A placeholder keeps the rest of the entry deserialisable.
                match at.insert("item".into(), toml::Value::Table(placeholder())) {
                    Some(item) => raw_added.push(item),
                    None => {
                        let msg = format!("[[add]] entry {} has no [add.item]", n + 1);
                        c.push(None, None, TemplateErrorKind::Parse(msg));
                    }
                }
            }
        }
    }
    if !c.errors.is_empty() {
        return Err(TemplateErrors(c.errors));
    }
    let mut variant: TemplateVariant = match toml::Value::Table(table).try_into() {
        Ok(v) => v,
        Err(e) => {
            c.push(None, None, TemplateErrorKind::Parse(clean(e)));
            return Err(TemplateErrors(c.errors));
        }
    };
    let items = deserialize_items(&mut c, None, raw_added);
    for (add, item) in variant.add.iter_mut().zip(items) {
        add.item = item;
    }
    c.finish()?;
    if !valid_id(&variant.id) {
        return Err(single(file, TemplateErrorKind::BadId(variant.id.clone())));
    }
    Ok(variant)
}

fn deserialize_items(c: &mut Collector, section: Option<&str>, raw: Vec<toml::Value>) -> Vec<Item> {
    let mut items = Vec::with_capacity(raw.len());
    for (n, value) in raw.into_iter().enumerate() {
        let id = value.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        match deserialize::<Item>(value) {
            Ok(item) => items.push(item),
            Err(msg) => {
                let id = id.unwrap_or_else(|| format!("#{} (no id)", n + 1));
                c.push(section, Some(&id), TemplateErrorKind::Parse(msg));
            }
        }
    }
    items
}

fn deserialize<T: DeserializeOwned>(value: toml::Value) -> Result<T, String> {
    value.try_into().map_err(clean)
}

/// toml's messages end with a newline and sometimes say "in `answer`"; keep them on one line.
fn clean(e: toml::de::Error) -> String {
    e.to_string().trim().replace('\n', " ")
}

fn placeholder() -> toml::Table {
    let mut t = toml::Table::new();
    t.insert("id".into(), "placeholder".into());
    let mut title = toml::Table::new();
    title.insert("zh".into(), "-".into());
    title.insert("en".into(), "-".into());
    t.insert("title".into(), toml::Value::Table(title));
    t.insert("source".into(), "-".into());
    let mut answer = toml::Table::new();
    answer.insert("type".into(), "text".into());
    t.insert("answer".into(), toml::Value::Table(answer));
    t
}
