//! The scoring engine: a pure function from (template, inspection snapshot,
//! centre record, evidence facts) to a report. The device runs it for the
//! provisional score offline, the server for the official one; same input,
//! same report.
//!
//! Rules (documented in docs/scoring.md):
//! - an item's share of its section is its points over the points of the
//!   section's counted items; a section's share of the total is its weight
//!   over the weights of the counted sections, so the total is 0–100;
//! - N/A (where allowed) and items whose `applies_if` is false leave the
//!   denominator; unanswered and invalid answers stay in it with 0 points;
//! - a required photo that is missing zeroes the item; location and upload
//!   problems of photos are flags for the supervisor and change no points;
//! - a bonus section (加分项) adds its earned points on top, up to its cap,
//!   so the total is 0–100 plus the caps, and a missing bonus costs nothing;
//! - any veto hit makes the grade 不合格 whatever the total.

mod answer;
mod report;

pub use answer::{AnswerError, check_answer, threshold_fraction};
pub use report::*;

use crate::Centre;
use crate::document::{Answer, InspectionSnapshot};
use crate::location::{check_fix, verify_on_site};
use crate::template::{AnswerSpec, Condition, Item, Operand, PhotoRule, Template, YesNo};
use std::collections::{BTreeMap, BTreeSet};

/// Facts about the evidence that live outside the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceFacts {
    /// Photo hashes whose bytes have arrived (server side). `None` when every
    /// photo is known to be present, as on the device that took them.
    pub received_photos: Option<BTreeSet<String>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("the inspection uses template {inspection}, not {given}")]
    TemplateMismatch { inspection: String, given: String },
}

/// Scores an inspection. Pure: no clock, no I/O, deterministic.
pub fn score(
    template: &Template,
    snap: &InspectionSnapshot,
    centre: &Centre,
    facts: &EvidenceFacts,
) -> Result<Report, ScoreError> {
    if snap.template != template.reference() {
        return Err(ScoreError::TemplateMismatch {
            inspection: snap.template.to_string(),
            given: template.reference().to_string(),
        });
    }
    let mut r = Report::empty(template, snap, verify_on_site(centre, &snap.gps_fixes, &template.location));

    // Items that are out of play (skipped or N/A): gates and operands that are
    // out of play take their dependents with them. References only point
    // backwards, so one pass in template order is enough.
    let mut out_of_play: BTreeSet<String> = BTreeSet::new();
    let with_photo: BTreeSet<&str> = snap.photos.values().filter_map(|p| p.item_id.as_deref()).collect();
    for section in &template.sections {
        let mut earned = 0.0;
        let mut possible = 0.0;
        for item in &section.items {
            let mut s = score_item(template, item, snap, centre, &out_of_play, &with_photo, &mut r);
            if s.status.counts() {
                earned += s.points;
                possible += s.max_points;
            } else {
                out_of_play.insert(item.id.clone());
            }
            // Sums use exact points; the report shows them rounded.
            s.points = round2(s.points);
            r.items.push(ItemScore { section: section.id.clone(), ..s });
        }
        let bonus = section.is_bonus();
        r.sections.push(SectionScore {
            id: section.id.clone(),
            weight: section.weight,
            earned,
            possible,
            counted: !bonus && section.weight > 0.0 && possible > 0.0,
            // A bonus section adds its earned points, up to its cap.
            score: if bonus { round2(earned.min(section.cap.unwrap_or(0.0)).max(0.0)) } else { 0.0 },
            bonus,
        });
    }

    let counted_weight: f64 = r.sections.iter().filter(|s| s.counted).map(|s| s.weight).sum();
    let mut total = 0.0;
    for s in r.sections.iter_mut().filter(|s| s.counted) {
        s.score = round2(100.0 * s.weight / counted_weight * (s.earned / s.possible));
        total += s.weight * (s.earned / s.possible);
    }
    r.base_total = if counted_weight > 0.0 { round2((100.0 * total / counted_weight).clamp(0.0, 100.0)) } else { 0.0 };
    r.bonus = round2(r.sections.iter().filter(|s| s.bonus).map(|s| s.score).sum());
    r.total = round2(r.base_total + r.bonus);
    r.grade = if r.vetoes.is_empty() { Grade::from_total(r.total, &template.grades) } else { Grade::Fail };

    photo_flags(template, snap, centre, facts, &mut r);
    r.conflicts = snap.conflicts.iter().map(|c| c.item.clone()).collect();
    r.complete = r.unanswered.is_empty() && !r.items.iter().any(|i| i.status == ItemStatus::Invalid);
    Ok(r)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn score_item(
    template: &Template,
    item: &Item,
    snap: &InspectionSnapshot,
    centre: &Centre,
    out_of_play: &BTreeSet<String>,
    with_photo: &BTreeSet<&str>,
    r: &mut Report,
) -> ItemScore {
    let mut s = ItemScore::new(item);
    if let Some(cond) = &item.applies_if
        && (cond.item.as_ref().is_some_and(|fact| out_of_play.contains(fact))
            || condition_false(template, cond, snap, centre))
    {
        s.status = ItemStatus::Skipped;
        return s;
    }
    let answer = snap.answers.get(&item.id).map(|a| &a.answer);
    match (&item.answer, answer) {
        (AnswerSpec::Text, _) => {
            s.status =
                if snap.item_notes.contains_key(&item.id) { ItemStatus::Recorded } else { ItemStatus::Unanswered };
            return s;
        }
        (AnswerSpec::Respondents { min_asked }, _) => {
            let people = snap.respondents.get(&item.id).map(Vec::as_slice).unwrap_or_default();
            if people.is_empty() {
                s.status = ItemStatus::Unanswered;
                r.unanswered.push(item.id.clone());
                return s;
            }
            let satisfied = people.iter().filter(|p| p.satisfied).count();
            let ratio = satisfied as f64 / people.len() as f64;
            s.value = Some(ratio);
            if people.len() < *min_asked as usize {
                // Too few asked to earn points, and too few to veto.
                r.evidence_problems.push(EvidenceProblem::new(&item.id, EvidenceProblemKind::SampleTooSmall, None));
            } else {
                s.points = item.points * threshold_fraction(&item.thresholds, ratio);
                veto_numeric(item, ratio, r);
            }
        }
        (AnswerSpec::Computed { numerator, denominator, scale, .. }, _) => {
            let operands = std::iter::once(numerator).chain(denominator);
            if operands.into_iter().any(|o| matches!(o, Operand::Item(id) if out_of_play.contains(id))) {
                s.status = ItemStatus::Skipped;
                return s;
            }
            match computed_value(template, numerator, denominator.as_ref(), *scale, snap, centre) {
                Computed::Missing(what) => {
                    s.status = ItemStatus::Unanswered;
                    s.problem = Some(format!("needs {what}"));
                    r.unanswered.push(item.id.clone());
                    return s;
                }
                Computed::DivideByZero(what) => {
                    s.status = ItemStatus::Invalid;
                    s.problem = Some(format!("{what} is 0"));
                    return s;
                }
                Computed::Value(v) => {
                    s.value = Some(v);
                    s.points = item.points * threshold_fraction(&item.thresholds, v);
                    veto_numeric(item, v, r);
                }
            }
        }
        (_, None) => {
            s.status = ItemStatus::Unanswered;
            r.unanswered.push(item.id.clone());
            return s;
        }
        (_, Some(answer)) => {
            if let Err(e) = check_answer(item, answer) {
                s.status = ItemStatus::Invalid;
                s.problem = Some(e.to_string());
                return s;
            }
            if *answer == Answer::NotApplicable {
                s.status = ItemStatus::NotApplicable;
                return s;
            }
            let (points, value) = answer::earned(item, answer);
            s.points = points;
            s.value = value;
            let too_small = matches!((&item.answer, answer),
                (AnswerSpec::Sample { min_asked, .. }, Answer::Sample { asked, .. }) if asked < min_asked);
            if too_small {
                // A sample too small to earn points is also too small to veto.
                s.points = 0.0;
                r.evidence_problems.push(EvidenceProblem::new(&item.id, EvidenceProblemKind::SampleTooSmall, None));
            } else {
                veto_answer(item, answer, value, r);
            }
            if let (Some(stat), Answer::Number(v)) = (item.stat, answer) {
                r.figures.insert(stat, *v);
            }
        }
    }
    if item.evidence.photo == PhotoRule::Required && !with_photo.contains(item.id.as_str()) {
        s.points = 0.0;
        r.evidence_problems.push(EvidenceProblem::new(&item.id, EvidenceProblemKind::PhotoMissing, None));
    }
    s.status = ItemStatus::from_points(s.points, s.max_points);
    s
}

/// A condition is false only when its fact is answered otherwise; an
/// unanswered fact keeps the item in, so missing data never hides an item.
/// A zone condition reads the centre record, which always has a zone.
fn condition_false(template: &Template, cond: &Condition, snap: &InspectionSnapshot, centre: &Centre) -> bool {
    if let Some(zone) = cond.zone {
        return centre.zone() != zone;
    }
    let Some(fact) = cond.item.as_deref() else { return false };
    let Some(record) = snap.answers.get(fact) else { return false };
    let answer = &record.answer;
    // An invalid answer (including N/A where N/A is not allowed) keeps the item in.
    if template.item(fact).is_none_or(|fact| check_answer(fact, answer).is_err()) {
        return false;
    }
    if *answer == Answer::NotApplicable {
        return true;
    }
    match answer {
        Answer::YesNo(b) => cond.equals.is_some_and(|e| e != *b),
        Answer::Choice(id) => cond.includes.as_ref().is_some_and(|o| o != id),
        Answer::Choices(ids) => cond.includes.as_ref().is_some_and(|o| !ids.contains(o)),
        Answer::Number(v) => cond.gte.is_some_and(|g| *v < g),
        _ => false,
    }
}

enum Computed {
    Value(f64),
    Missing(String),
    DivideByZero(String),
}

fn operand_value(template: &Template, op: &Operand, snap: &InspectionSnapshot, centre: &Centre) -> Result<f64, String> {
    match op {
        Operand::Item(id) => match (template.item(id), snap.answers.get(id).map(|a| &a.answer)) {
            // Only a valid answer (within the fact's bounds) feeds a computed check.
            (Some(fact), Some(a @ Answer::Number(v))) if check_answer(fact, a).is_ok() => Ok(*v),
            _ => Err(format!("a valid answer to `{id}`")),
        },
        Operand::Centre(field) => field
            .read(centre)
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("the centre's registered {}", field.as_str())),
    }
}

fn computed_value(
    template: &Template,
    num: &Operand,
    den: Option<&Operand>,
    scale: f64,
    snap: &InspectionSnapshot,
    centre: &Centre,
) -> Computed {
    let n = match operand_value(template, num, snap, centre) {
        Ok(v) => v,
        Err(what) => return Computed::Missing(what),
    };
    let d = match den.map(|d| operand_value(template, d, snap, centre)) {
        None => 1.0,
        Some(Ok(v)) => v,
        Some(Err(what)) => return Computed::Missing(what),
    };
    if d == 0.0 {
        let what = den.map(|d| String::from(d.clone())).unwrap_or_default();
        return Computed::DivideByZero(what);
    }
    Computed::Value(n / d * scale)
}

fn veto_numeric(item: &Item, v: f64, r: &mut Report) {
    let Some(rule) = item.veto.as_ref().filter(|_| item.critical) else { return };
    if let Some(b) = rule.below.filter(|b| v < *b) {
        r.vetoes.push(VetoHit { item: item.id.clone(), rule: format!("value {v} below {b}") });
    }
    if let Some(a) = rule.above.filter(|a| v > *a) {
        r.vetoes.push(VetoHit { item: item.id.clone(), rule: format!("value {v} above {a}") });
    }
}

fn veto_answer(item: &Item, answer: &Answer, value: Option<f64>, r: &mut Report) {
    let Some(rule) = item.veto.as_ref().filter(|_| item.critical) else { return };
    let hit = match answer {
        Answer::YesNo(b) => rule
            .answer
            .map(|a| (a == YesNo::Yes) == *b)
            .unwrap_or(false)
            .then(|| format!("answered {}", if *b { "yes" } else { "no" })),
        Answer::Choice(id) => rule.options.as_ref().filter(|o| o.contains(id)).map(|_| format!("chose `{id}`")),
        Answer::Choices(ids) => rule
            .fewer_than
            .filter(|n| (ids.len() as u64) < u64::from(*n))
            .map(|n| format!("{} selected, fewer than {n}", ids.len())),
        Answer::Number(_) | Answer::Sample { .. } => {
            if let Some(v) = value {
                veto_numeric(item, v, r);
            }
            None
        }
        _ => None,
    };
    if let Some(rule) = hit {
        r.vetoes.push(VetoHit { item: item.id.clone(), rule });
    }
}

/// Flags photos attached to on-site items that lack a position or were taken
/// outside the fence, and photos whose bytes have not arrived yet.
fn photo_flags(template: &Template, snap: &InspectionSnapshot, centre: &Centre, facts: &EvidenceFacts, r: &mut Report) {
    if snap.photos.is_empty() {
        return;
    }
    let by_item: BTreeMap<&str, &Item> = template.items().map(|(_, i)| (i.id.as_str(), i)).collect();
    for photo in snap.photos.values() {
        let item = photo.item_id.as_deref().and_then(|id| by_item.get(id));
        if let Some(item) = item.filter(|i| i.evidence.on_site) {
            let kind = match &photo.gps {
                None => Some(EvidenceProblemKind::PhotoWithoutLocation),
                Some(fix) => match check_fix(centre, fix, &template.location) {
                    Some(c) if c.proves_presence() => None,
                    _ => Some(EvidenceProblemKind::PhotoNotOnSite),
                },
            };
            if let Some(kind) = kind {
                r.evidence_problems.push(EvidenceProblem::new(&item.id, kind, Some(&photo.sha256)));
            }
        }
        if facts.received_photos.as_ref().is_some_and(|got| !got.contains(&photo.sha256)) {
            let item = photo.item_id.as_deref().unwrap_or("");
            r.evidence_problems.push(EvidenceProblem::new(
                item,
                EvidenceProblemKind::PhotoNotReceived,
                Some(&photo.sha256),
            ));
        }
    }
}
