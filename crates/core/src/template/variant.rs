//! Provincial variants: a province's local standard expressed as changes to
//! a base template (policy 二(一): provinces may publish local standards).
//! The resolved template carries the variant's own id and version.

use super::validate::{Collector, TemplateErrorKind};
use super::{Evidence, GradeBands, Item, Template, TemplateErrors, TemplateRef, Threshold, VetoRule, validate};
use crate::I18n;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateVariant {
    pub format: u32,
    pub id: String,
    pub version: u32,
    pub province: String,
    pub title: I18n,
    #[serde(default)]
    pub weights_note: Option<I18n>,
    pub base: TemplateRef,
    #[serde(default)]
    pub grades: Option<GradeBands>,
    /// The purposes the variant serves (e.g. `["recognition"]` for a
    /// 认定核查 checklist); absent: every purpose but follow-up.
    #[serde(default)]
    pub purposes: Vec<crate::purpose::Purpose>,
    /// Days to rectify per severity; absent: the base's.
    #[serde(default)]
    pub deadlines: Option<super::RectifyDeadlines>,
    #[serde(default)]
    pub section_weights: BTreeMap<String, f64>,
    #[serde(default)]
    pub items: BTreeMap<String, ItemOverride>,
    #[serde(default)]
    pub add: Vec<AddedItem>,
    #[serde(default)]
    pub remove: Vec<String>,
    /// How drafts of the variant's earlier version move to this one; absent:
    /// the base's item mapping, from the variant's previous version.
    #[serde(default)]
    pub migration: Option<super::MigrationTable>,
}

/// Fields of a base item a province may change. Absent fields keep the base value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemOverride {
    pub points: Option<f64>,
    pub thresholds: Option<Vec<Threshold>>,
    pub na_allowed: Option<bool>,
    pub critical: Option<bool>,
    pub veto: Option<VetoRule>,
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddedItem {
    pub section: String,
    /// Insert after this item; at the end of the section when absent.
    #[serde(default)]
    pub after: Option<String>,
    pub item: Item,
}

/// Applies a variant to its base and validates the result as a template.
pub fn resolve_variant(v: &TemplateVariant, base: &Template, file: &str) -> Result<Template, TemplateErrors> {
    let mut c = Collector::new(file);
    if v.base.id != base.id {
        c.push(None, None, TemplateErrorKind::UnknownBase(v.base.id.clone()));
        return c.finish().map(|()| base.clone());
    }
    if v.base.version != base.version {
        c.push(
            None,
            None,
            TemplateErrorKind::BaseVersionMismatch {
                base: base.id.clone(),
                variant: v.base.version,
                actual: base.version,
            },
        );
    }
    let mut t = base.clone();
    t.format = v.format;
    t.id = v.id.clone();
    t.version = v.version;
    t.title = v.title.clone();
    t.base = Some(base.reference());
    t.province = Some(v.province.clone());
    if let Some(note) = &v.weights_note {
        t.weights_note = note.clone();
    }
    if let Some(grades) = &v.grades {
        t.grades = grades.clone();
    }
    if v.purposes.contains(&crate::purpose::Purpose::FollowUp) {
        c.push(None, None, TemplateErrorKind::Conflicting("follow-up checklists are made by the server for each task"));
    }
    t.purposes = v.purposes.clone();
    if let Some(d) = v.deadlines {
        t.deadlines = d;
    }
    // The base's table maps the base's earlier version; a variant moves its own.
    t.migration = v.migration.clone().or_else(|| {
        let items = base.migration.as_ref()?.items.clone();
        Some(super::MigrationTable { from_version: v.version.checked_sub(1).filter(|n| *n > 0)?, items })
    });
    for (sid, weight) in &v.section_weights {
        match t.sections.iter_mut().find(|s| &s.id == sid) {
            Some(s) => s.weight = *weight,
            None => unknown(&mut c, "section_weights entry", sid),
        }
    }
    for (iid, o) in &v.items {
        match t.sections.iter_mut().flat_map(|s| s.items.iter_mut()).find(|i| &i.id == iid) {
            Some(item) => apply(item, o),
            None => unknown(&mut c, "item override", iid),
        }
    }
    for iid in &v.remove {
        let before = t.items().count();
        for s in &mut t.sections {
            s.items.retain(|i| &i.id != iid);
        }
        if t.items().count() == before {
            unknown(&mut c, "removed item", iid);
        }
    }
    for add in &v.add {
        let Some(section) = t.sections.iter_mut().find(|s| s.id == add.section) else {
            unknown(&mut c, "section of added item", &add.section);
            continue;
        };
        let at = match &add.after {
            None => Some(section.items.len()),
            Some(after) => section.items.iter().position(|i| &i.id == after).map(|p| p + 1),
        };
        match at {
            Some(at) => section.items.insert(at, add.item.clone()),
            None => unknown(&mut c, "`after` of added item", add.after.as_deref().unwrap_or_default()),
        }
    }
    c.finish()?;
    validate(&t, file)?;
    Ok(t)
}

fn unknown(c: &mut Collector, what: &'static str, target: &str) {
    c.push(None, None, TemplateErrorKind::VariantUnknownTarget { what, target: target.into() });
}

fn apply(item: &mut Item, o: &ItemOverride) {
    if let Some(p) = o.points {
        item.points = p;
    }
    if let Some(th) = &o.thresholds {
        item.thresholds = th.clone();
    }
    if let Some(na) = o.na_allowed {
        item.na_allowed = na;
    }
    if let Some(critical) = o.critical {
        item.critical = critical;
        if !critical {
            item.veto = None;
        }
    }
    if let Some(veto) = &o.veto {
        item.veto = Some(veto.clone());
    }
    if let Some(e) = &o.evidence {
        item.evidence = e.clone();
    }
}
