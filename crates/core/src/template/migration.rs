//! Moving an open draft to a newer version of its template (ODK users have
//! asked for this for years, getodk/collect#5947). A new version may carry a
//! `[migration]` table naming renamed items and how old answers translate;
//! everything else follows from the two versions:
//! - an item with the same id whose answer is still valid keeps it;
//! - a renamed item's answer moves to its new id, translated if the table says how;
//! - an answer that has no item, or is not valid for it any more, is kept as
//!   history in the document (shown, never scored);
//! - items new in this version start unanswered.

use super::{AnswerSpec, Template};
use crate::document::{Answer, AnswerRecord, InspectionSnapshot};
use crate::scoring::check_answer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `[migration]` table of a template version.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationTable {
    /// The version whose drafts this table moves (the one before, usually).
    pub from_version: u32,
    /// Old item id → where its answer goes.
    #[serde(default)]
    pub items: BTreeMap<String, ItemMapping>,
}

/// Where one old item's answer goes.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemMapping {
    /// The item's new id; absent: the same id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to: Option<String>,
    /// Old answer → new option id. Keys are `yes`/`no` for a yes/no item and
    /// option ids for a choice item (each chosen option of a choice_many
    /// item is translated on its own; options not listed keep their id).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, as = "Option<BTreeMap<String, String>>")]
    pub answers: BTreeMap<String, String>,
}

/// What moving one draft from `old` to `new` does; computed, not applied.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MigrationPlan {
    /// Old item id → (new item id, the answer it gets there).
    pub moved: BTreeMap<String, (String, AnswerRecord)>,
    /// Answers that stay under the same id unchanged.
    pub kept: Vec<String>,
    /// Old item id → its answer, kept as history: no item takes it.
    pub removed: BTreeMap<String, AnswerRecord>,
    /// Items of the new version that nothing answers yet.
    pub added: Vec<String>,
}

fn translate(answer: &Answer, map: &BTreeMap<String, String>) -> Answer {
    let tr = |k: &str| map.get(k).cloned();
    match answer {
        Answer::YesNo(b) => tr(if *b { "yes" } else { "no" }).map(Answer::Choice).unwrap_or_else(|| answer.clone()),
        Answer::Choice(o) => Answer::Choice(tr(o).unwrap_or_else(|| o.clone())),
        Answer::Choices(os) => Answer::Choices(os.iter().map(|o| tr(o).unwrap_or_else(|| o.clone())).collect()),
        other => other.clone(),
    }
}

/// Plans the move of `answers` (item id → record) from `old` to `new`.
/// `answers` may be a whole draft's or only the stragglers a device wrote
/// on the old version after the draft moved.
pub fn plan(old: &Template, new: &Template, answers: &BTreeMap<String, AnswerRecord>) -> MigrationPlan {
    let table = new.migration.as_ref().filter(|m| m.from_version == old.version);
    let mut p = MigrationPlan::default();
    for (id, record) in answers {
        let mapping = table.and_then(|m| m.items.get(id));
        let target = mapping.and_then(|m| m.to.clone()).unwrap_or_else(|| id.clone());
        let answer = mapping.map_or_else(|| record.answer.clone(), |m| translate(&record.answer, &m.answers));
        let fits = new.item(&target).is_some_and(|item| {
            !matches!(item.answer, AnswerSpec::Computed { .. } | AnswerSpec::Text)
                && check_answer(item, &answer).is_ok()
        });
        if !fits {
            p.removed.insert(id.clone(), record.clone());
        } else if target == *id && answer == record.answer {
            p.kept.push(id.clone());
        } else {
            p.moved.insert(id.clone(), (target, AnswerRecord { answer, ..record.clone() }));
        }
    }
    p.added = new.items().map(|(_, i)| i.id.clone()).filter(|id| old.item(id).is_none()).collect();
    p
}

/// The answers of a moved draft still in the old version's terms: under an
/// id the template does not know, not valid for the item of that id (an
/// item whose kind changed), or a value its table translates. They are what
/// a device wrote on the old version after the draft moved.
pub fn stragglers(template: &Template, snap: &InspectionSnapshot) -> BTreeMap<String, AnswerRecord> {
    let table = template.migration.as_ref();
    let old_terms = |id: &str, a: &Answer| {
        template.item(id).is_none_or(|item| check_answer(item, a).is_err())
            || table.and_then(|m| m.items.get(id)).is_some_and(|m| m.to.is_none() && translate(a, &m.answers) != *a)
    };
    snap.answers.iter().filter(|(id, r)| old_terms(id, &r.answer)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Plans carrying the stragglers of a moved draft: each lands on its mapped
/// item unless that item already holds a different answer; those are
/// returned apart, as conflicts for the supervisor to settle.
pub fn plan_stragglers(
    old: &Template,
    new: &Template,
    snap: &InspectionSnapshot,
) -> (MigrationPlan, BTreeMap<String, AnswerRecord>) {
    let mut p = plan(old, new, &stragglers(new, snap));
    p.added.clear();
    let mut conflicting = BTreeMap::new();
    p.moved.retain(|old_id, (target, record)| {
        let clash = target != old_id && snap.answers.get(target).is_some_and(|now| now.answer != record.answer);
        if clash {
            conflicting.insert(old_id.clone(), record.clone());
        }
        !clash
    });
    (p, conflicting)
}
