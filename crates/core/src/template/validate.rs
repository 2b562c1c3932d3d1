//! Template validation. Every rule names the file, the section or item and
//! what to fix, and all problems are reported at once so an administrator
//! can correct a file in one pass.

use super::{AnswerSpec, Item, Operand, TEMPLATE_FORMAT, Template};
use std::collections::{HashMap, HashSet};

pub const MAX_SECTIONS: usize = 50;
pub const MAX_ITEMS: usize = 500;
pub const MAX_OPTIONS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 500;
pub const MAX_ID_CHARS: usize = 64;
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Points, weights and bounds stay in a range where sums are exact enough.
pub const MAX_POINTS: f64 = 1_000_000.0;
pub const MAX_SCALE_STEPS: i64 = 1000;
const WEIGHT_EPSILON: f64 = 1e-6;

/// One problem in one template file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {}{kind}", location(.section, .item))]
pub struct TemplateError {
    pub file: String,
    pub section: Option<String>,
    pub item: Option<String>,
    pub kind: TemplateErrorKind,
}

fn location(section: &Option<String>, item: &Option<String>) -> String {
    match (section, item) {
        (_, Some(i)) => format!("item `{i}`: "),
        (Some(s), None) => format!("section `{s}`: "),
        (None, None) => String::new(),
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct TemplateErrors(pub Vec<TemplateError>);

impl TemplateErrors {
    pub fn kinds(&self) -> impl Iterator<Item = &TemplateErrorKind> {
        self.0.iter().map(|e| &e.kind)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateErrorKind {
    #[error("cannot read the file: {0}")]
    Parse(String),
    #[error("the file is {0} bytes; templates are limited to {MAX_FILE_BYTES} bytes")]
    TooLarge(usize),
    #[error("unsupported format {0}; this build reads format {TEMPLATE_FORMAT}")]
    UnsupportedFormat(u32),
    #[error("`{field}` is missing its {language} translation")]
    MissingTranslation { field: String, language: &'static str },
    #[error("`{field}` is longer than {MAX_TEXT_CHARS} characters")]
    TextTooLong { field: String },
    #[error("id `{0}` must be 1–{MAX_ID_CHARS} characters of a-z, 0-9, `_`, `.` or `-`")]
    BadId(String),
    #[error("duplicate id `{0}`")]
    DuplicateId(String),
    #[error("too many {what}: {count} (at most {max})")]
    TooMany { what: &'static str, count: usize, max: usize },
    #[error("version must be a positive integer")]
    BadVersion,
    #[error("section weights add up to {0}, not 100")]
    WeightsNotHundred(f64),
    #[error("`{field}` must be a number from 0 to 1000000 (got {value})")]
    BadNumber { field: String, value: f64 },
    #[error("the section has weight {0} but no item carries points")]
    WeightWithoutPoints(f64),
    #[error("the section has weight 0, so the points of its items could never count")]
    PointsWithoutWeight,
    #[error("the section has no items")]
    EmptySection,
    #[error("`source` is empty: every item must cite the policy or a local standard")]
    MissingSource,
    #[error("thresholds are only for number, computed and sample items, not {0}")]
    ThresholdOnNonNumeric(&'static str),
    #[error("the item carries points but has no thresholds to score its value")]
    MissingThresholds,
    #[error("a threshold needs `gte` or `lte`, and a fraction between 0 and 1")]
    BadThreshold,
    #[error("text items cannot carry points")]
    TextWithPoints,
    #[error("scale needs min < max (got {min}..{max}) and either no labels or one per step")]
    BadScale { min: i64, max: i64 },
    #[error("number bounds need min ≤ max")]
    BadBounds,
    #[error("{0}")]
    BadOptions(String),
    #[error("the option points add up to {sum}, below the item's {points} points, which could never be earned")]
    OptionPointsBelowItem { sum: f64, points: f64 },
    #[error("the item is critical but has no veto rule")]
    VetoWithoutRule,
    #[error("the item has a veto rule but is not marked critical")]
    RuleWithoutCritical,
    #[error(
        "the veto rule must set exactly one of answer, below, above, options, fewer_than, with a finite bound, a non-empty option list, or a count from 1 to the number of options"
    )]
    AmbiguousVeto,
    #[error("veto rule `{rule}` does not apply to a {answer_type} item")]
    VetoMismatch { rule: &'static str, answer_type: &'static str },
    #[error("`{0}` refers to an unknown option")]
    UnknownOption(String),
    #[error("{what} refers to `{target}`, which is not an earlier item of this template")]
    UnknownReference { what: &'static str, target: String },
    #[error(
        "{what} refers to `{target}`, which carries points; facts that gate or feed other items must have points = 0"
    )]
    ReferenceCarriesPoints { what: &'static str, target: String },
    #[error("{what} refers to `{target}`, a {answer_type} item, which cannot be used that way")]
    ReferenceTypeMismatch { what: &'static str, target: String, answer_type: &'static str },
    #[error("applies_if must name an earlier `item` with exactly one of equals, includes, gte, or a `zone` alone")]
    AmbiguousCondition,
    #[error("{0}")]
    BadBonus(&'static str),
    #[error("migration: {0}")]
    BadMigration(String),
    #[error("the items' points add up to {sum}, below the section's cap of {cap}, which could never be reached")]
    BonusCapUnreachable { sum: f64, cap: f64 },
    #[error("stat figures must be number items with points = 0")]
    BadStat,
    #[error("stat figure {0} is recorded by more than one item")]
    DuplicateStat(String),
    #[error("grade bands need 0 < pass < good < excellent ≤ 100")]
    BadGrades,
    #[error("{0}")]
    Conflicting(&'static str),
    #[error("required_accuracy_m must be > 0")]
    BadAccuracy,
    #[error("variant base `{0}` is not a known template")]
    UnknownBase(String),
    #[error("variant is for version {variant} of `{base}`, but that template is at version {actual}")]
    BaseVersionMismatch { base: String, variant: u32, actual: u32 },
    #[error("{what} `{target}` is not in the base template")]
    VariantUnknownTarget { what: &'static str, target: String },
}

pub(crate) struct Collector<'a> {
    file: &'a str,
    pub errors: Vec<TemplateError>,
}

impl<'a> Collector<'a> {
    pub fn new(file: &'a str) -> Self {
        Self { file, errors: Vec::new() }
    }

    pub fn push(&mut self, section: Option<&str>, item: Option<&str>, kind: TemplateErrorKind) {
        self.errors.push(TemplateError {
            file: self.file.to_owned(),
            section: section.map(str::to_owned),
            item: item.map(str::to_owned),
            kind,
        });
    }

    pub fn finish(self) -> Result<(), TemplateErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(TemplateErrors(self.errors)) }
    }
}

pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-'))
}

fn non_negative(v: f64) -> bool {
    v.is_finite() && (0.0..=MAX_POINTS).contains(&v)
}

/// Checks a resolved template. `file` names it in the errors.
pub fn validate(t: &Template, file: &str) -> Result<(), TemplateErrors> {
    let mut c = Collector::new(file);
    if t.format != TEMPLATE_FORMAT {
        c.push(None, None, TemplateErrorKind::UnsupportedFormat(t.format));
    }
    if !valid_id(&t.id) {
        c.push(None, None, TemplateErrorKind::BadId(t.id.clone()));
    }
    if t.version == 0 {
        c.push(None, None, TemplateErrorKind::BadVersion);
    }
    text(&mut c, None, None, "title", &t.title);
    text(&mut c, None, None, "weights_note", &t.weights_note);
    let g = &t.grades;
    if !(g.pass > 0.0 && g.pass < g.good && g.good < g.excellent && g.excellent <= 100.0) {
        c.push(None, None, TemplateErrorKind::BadGrades);
    }
    if !(t.location.required_accuracy_m.is_finite() && t.location.required_accuracy_m > 0.0) {
        c.push(None, None, TemplateErrorKind::BadAccuracy);
    }
    if t.sections.len() > MAX_SECTIONS {
        let kind = TemplateErrorKind::TooMany { what: "sections", count: t.sections.len(), max: MAX_SECTIONS };
        c.push(None, None, kind);
    }
    let item_count = t.sections.iter().map(|s| s.items.len()).sum::<usize>();
    if item_count > MAX_ITEMS {
        c.push(None, None, TemplateErrorKind::TooMany { what: "items", count: item_count, max: MAX_ITEMS });
    }

    let weight_sum: f64 = t.sections.iter().filter(|s| !s.is_bonus()).map(|s| s.weight).sum();
    if (weight_sum - 100.0).abs() > WEIGHT_EPSILON {
        c.push(None, None, TemplateErrorKind::WeightsNotHundred(weight_sum));
    }

    let mut section_ids = HashSet::new();
    // Items seen so far, in template order: references may only point backwards.
    let mut earlier: HashMap<&str, &Item> = HashMap::new();
    let mut stats = HashSet::new();
    for s in &t.sections {
        let sid = Some(s.id.as_str());
        if !valid_id(&s.id) {
            c.push(sid, None, TemplateErrorKind::BadId(s.id.clone()));
        }
        if !section_ids.insert(s.id.as_str()) {
            c.push(sid, None, TemplateErrorKind::DuplicateId(s.id.clone()));
        }
        text(&mut c, sid, None, "title", &s.title);
        if !non_negative(s.weight) {
            c.push(sid, None, TemplateErrorKind::BadNumber { field: "weight".into(), value: s.weight });
        }
        if s.items.is_empty() {
            c.push(sid, None, TemplateErrorKind::EmptySection);
        }
        let points: f64 = s.items.iter().map(|i| i.points).sum();
        if s.is_bonus() {
            check_bonus(&mut c, s, points);
        } else {
            if s.weight > 0.0 && points <= 0.0 {
                c.push(sid, None, TemplateErrorKind::WeightWithoutPoints(s.weight));
            }
            if s.weight == 0.0 && points > 0.0 {
                c.push(sid, None, TemplateErrorKind::PointsWithoutWeight);
            }
            if s.cap.is_some() {
                c.push(sid, None, TemplateErrorKind::BadBonus("only a bonus section (kind = \"bonus\") has a cap"));
            }
        }
        for item in &s.items {
            check_item(&mut c, sid, item, &earlier);
            if let Some(stat) = item.stat
                && !stats.insert(stat)
            {
                let name = serde_json::to_value(stat).ok().and_then(|v| v.as_str().map(str::to_owned));
                let kind = TemplateErrorKind::DuplicateStat(name.unwrap_or_default());
                c.push(sid, Some(&item.id), kind);
            }
            if earlier.insert(item.id.as_str(), item).is_some() {
                c.push(sid, Some(&item.id), TemplateErrorKind::DuplicateId(item.id.clone()));
            }
        }
    }
    c.finish()
}

/// A bonus section (加分项) adds its items' points on top of the 100, up to
/// its cap: no weight, a reachable cap, and nothing in it can veto.
fn check_bonus(c: &mut Collector, s: &super::Section, points: f64) {
    let sid = Some(s.id.as_str());
    if s.weight != 0.0 {
        c.push(
            sid,
            None,
            TemplateErrorKind::BadBonus("a bonus section has no weight: its points are added outside the 100"),
        );
    }
    match s.cap {
        Some(cap) if cap.is_finite() && cap > 0.0 && cap <= 100.0 => {
            if points < cap {
                c.push(sid, None, TemplateErrorKind::BonusCapUnreachable { sum: points, cap });
            }
        }
        _ => c.push(sid, None, TemplateErrorKind::BadBonus("a bonus section needs a `cap` above 0 and at most 100")),
    }
    for item in s.items.iter().filter(|i| i.critical || i.stat.is_some() || i.lists_problems) {
        c.push(
            sid,
            Some(&item.id),
            TemplateErrorKind::BadBonus(
                "a bonus item rewards practice: it cannot veto, record a statistic or list problems",
            ),
        );
    }
}

fn text(c: &mut Collector, section: Option<&str>, item: Option<&str>, field: &str, t: &crate::I18n) {
    if let Some(language) = t.missing_language() {
        c.push(section, item, TemplateErrorKind::MissingTranslation { field: field.into(), language });
    }
    if t.max_len() > MAX_TEXT_CHARS {
        c.push(section, item, TemplateErrorKind::TextTooLong { field: field.into() });
    }
}

fn check_item(c: &mut Collector, sid: Option<&str>, item: &Item, earlier: &HashMap<&str, &Item>) {
    let iid = Some(item.id.as_str());
    let answer_type = item.answer.type_name();
    if !valid_id(&item.id) {
        c.push(sid, iid, TemplateErrorKind::BadId(item.id.clone()));
    }
    text(c, sid, iid, "title", &item.title);
    if let Some(g) = &item.guidance {
        text(c, sid, iid, "guidance", g);
    }
    if item.source.zh.trim().is_empty() && item.source.en.trim().is_empty() {
        c.push(sid, iid, TemplateErrorKind::MissingSource);
    } else {
        text(c, sid, iid, "source", &item.source);
    }
    let mut err = |kind| c.push(sid, iid, kind);
    if !non_negative(item.points) {
        err(TemplateErrorKind::BadNumber { field: "points".into(), value: item.points });
    }

    // Thresholds.
    if item.answer.is_numeric() {
        if item.points > 0.0 && item.thresholds.is_empty() {
            err(TemplateErrorKind::MissingThresholds);
        }
    } else if !item.thresholds.is_empty() {
        err(TemplateErrorKind::ThresholdOnNonNumeric(answer_type));
    }
    let ratio = matches!(item.answer, AnswerSpec::Sample { .. } | AnswerSpec::Respondents { .. });
    for th in &item.thresholds {
        let bounded = th.gte.is_some() || th.lte.is_some();
        let finite = th.gte.is_none_or(f64::is_finite) && th.lte.is_none_or(f64::is_finite);
        let ordered = !matches!((th.gte, th.lte), (Some(g), Some(l)) if g > l);
        // A sample's value is a ratio: `gte = 90` for 90% could never match.
        let in_range = !ratio || [th.gte, th.lte].into_iter().flatten().all(|v| (0.0..=1.0).contains(&v));
        if !bounded || !finite || !ordered || !in_range || !(0.0..=1.0).contains(&th.fraction) {
            err(TemplateErrorKind::BadThreshold);
        }
    }
    if item.critical && item.na_allowed {
        err(TemplateErrorKind::Conflicting("a critical item cannot allow N/A, or N/A would dodge its veto"));
    }
    if item.na_allowed && item.evidence.photo == super::PhotoRule::Required {
        err(TemplateErrorKind::Conflicting(
            "an item that requires a photo cannot allow N/A, or N/A would score better than an unproved answer",
        ));
    }
    if item.na_allowed
        && matches!(item.answer, AnswerSpec::Computed { .. } | AnswerSpec::Text | AnswerSpec::Respondents { .. })
    {
        err(TemplateErrorKind::Conflicting(
            "computed, text and respondents items are not answered, so N/A cannot apply",
        ));
    }

    if item.lists_problems && !matches!(item.answer, AnswerSpec::Text) {
        err(TemplateErrorKind::Conflicting("only a text item lists problems, one per line"));
    }
    let is_sha = |s: &String| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if item.reference_photos.len() > super::MAX_REFERENCE_PHOTOS || !item.reference_photos.iter().all(is_sha) {
        err(TemplateErrorKind::Conflicting("reference photos are at most four lowercase hex SHA-256 names"));
    }
    match &item.answer {
        AnswerSpec::Text if item.points > 0.0 => err(TemplateErrorKind::TextWithPoints),
        AnswerSpec::Scale { min, max, labels } => {
            let steps = max.checked_sub(*min).filter(|d| (1..=MAX_SCALE_STEPS).contains(d));
            let labels_ok = labels.is_empty() || steps.is_some_and(|d| labels.len() as i64 == d + 1);
            if steps.is_none() || !labels_ok {
                err(TemplateErrorKind::BadScale { min: *min, max: *max });
            }
            for (n, label) in labels.iter().enumerate() {
                if let Some(language) = label.missing_language() {
                    err(TemplateErrorKind::MissingTranslation { field: format!("labels[{n}]"), language });
                }
            }
        }
        AnswerSpec::Number { min, max, .. } => {
            if min.is_some_and(|v| !v.is_finite()) || max.is_some_and(|v| !v.is_finite()) {
                err(TemplateErrorKind::BadBounds);
            } else if let (Some(lo), Some(hi)) = (min, max)
                && lo > hi
            {
                err(TemplateErrorKind::BadBounds);
            }
        }
        AnswerSpec::ChoiceOne { options } | AnswerSpec::ChoiceMany { options } => {
            check_options(&mut err, item, options.as_slice());
        }
        AnswerSpec::Computed { numerator, denominator, scale, .. } => {
            if !(scale.is_finite() && *scale > 0.0) {
                err(TemplateErrorKind::BadNumber { field: "scale".into(), value: *scale });
            }
            for operand in std::iter::once(numerator).chain(denominator) {
                if let Operand::Item(target) = operand {
                    check_reference(&mut err, "computed operand", target, earlier, |a| {
                        matches!(a, AnswerSpec::Number { .. })
                    });
                }
            }
        }
        _ => {}
    }

    // Veto.
    match (&item.veto, item.critical) {
        (None, true) => err(TemplateErrorKind::VetoWithoutRule),
        (Some(_), false) => err(TemplateErrorKind::RuleWithoutCritical),
        (Some(v), true) => {
            let set = [
                v.answer.map(|_| "answer"),
                v.below.map(|_| "below"),
                v.above.map(|_| "above"),
                v.options.as_ref().map(|_| "options"),
                v.fewer_than.map(|_| "fewer_than"),
            ];
            let rules: Vec<&'static str> = set.into_iter().flatten().collect();
            match rules.as_slice() {
                [rule] => {
                    let fits = match *rule {
                        "answer" => matches!(item.answer, AnswerSpec::YesNo),
                        "below" => item.answer.is_numeric(),
                        "above" => matches!(item.answer, AnswerSpec::Number { .. } | AnswerSpec::Computed { .. }),
                        "options" => matches!(item.answer, AnswerSpec::ChoiceOne { .. }),
                        _ => matches!(item.answer, AnswerSpec::ChoiceMany { .. }),
                    };
                    if !fits {
                        err(TemplateErrorKind::VetoMismatch { rule, answer_type });
                    }
                    let finite = v.below.is_none_or(f64::is_finite) && v.above.is_none_or(f64::is_finite);
                    let options = item.answer.options().len();
                    let count_ok = v.fewer_than.is_none_or(|n| n >= 1 && n as usize <= options);
                    if !finite || !count_ok || v.options.as_ref().is_some_and(Vec::is_empty) {
                        err(TemplateErrorKind::AmbiguousVeto);
                    }
                    for o in v.options.iter().flatten() {
                        if !item.answer.options().iter().any(|opt| &opt.id == o) {
                            err(TemplateErrorKind::UnknownOption(format!("veto.options {o}")));
                        }
                    }
                }
                _ => err(TemplateErrorKind::AmbiguousVeto),
            }
        }
        (None, false) => {}
    }

    // Applicability.
    if let Some(cond) = &item.applies_if {
        let set = [cond.equals.is_some(), cond.includes.is_some(), cond.gte.is_some()];
        let tests = set.iter().filter(|s| **s).count();
        if let (Some(target), None, 1) = (&cond.item, cond.zone, tests) {
            let fits = |a: &AnswerSpec| match a {
                AnswerSpec::YesNo => cond.equals.is_some(),
                AnswerSpec::ChoiceOne { options } | AnswerSpec::ChoiceMany { options } => {
                    cond.includes.as_ref().is_some_and(|o| options.iter().any(|opt| &opt.id == o))
                }
                AnswerSpec::Number { .. } => cond.gte.is_some_and(f64::is_finite),
                _ => false,
            };
            check_reference(&mut err, "applies_if", target, earlier, fits);
        } else if !(cond.item.is_none() && cond.zone.is_some() && tests == 0) {
            err(TemplateErrorKind::AmbiguousCondition);
        }
    }

    if item.stat.is_some() && (!matches!(item.answer, AnswerSpec::Number { .. }) || item.points > 0.0) {
        err(TemplateErrorKind::BadStat);
    }
}

fn check_options(err: &mut impl FnMut(TemplateErrorKind), item: &Item, options: &[super::ChoiceOption]) {
    let many = matches!(item.answer, AnswerSpec::ChoiceMany { .. });
    let min = if many { 1 } else { 2 };
    if options.len() < min {
        err(TemplateErrorKind::BadOptions(format!("{} needs at least {min} options", item.answer.type_name())));
    }
    if options.len() > MAX_OPTIONS {
        err(TemplateErrorKind::TooMany { what: "options", count: options.len(), max: MAX_OPTIONS });
    }
    let mut ids = HashSet::new();
    for o in options {
        if !valid_id(&o.id) {
            err(TemplateErrorKind::BadId(o.id.clone()));
        }
        if !ids.insert(o.id.as_str()) {
            err(TemplateErrorKind::DuplicateId(o.id.clone()));
        }
        if let Some(language) = o.label.missing_language() {
            err(TemplateErrorKind::MissingTranslation { field: format!("option {} label", o.id), language });
        }
        if o.label.max_len() > MAX_TEXT_CHARS {
            err(TemplateErrorKind::TextTooLong { field: format!("option {} label", o.id) });
        }
        let ok = if many {
            o.fraction.is_none() && o.points.is_some_and(non_negative)
        } else {
            o.points.is_none() && o.fraction.is_some_and(|f| (0.0..=1.0).contains(&f))
        };
        if !ok {
            let want = if many { "`points` (≥ 0) and no fraction" } else { "`fraction` (0–1) and no points" };
            err(TemplateErrorKind::BadOptions(format!("option `{}` needs {want}", o.id)));
        }
    }
    if many {
        let sum: f64 = options.iter().filter_map(|o| o.points).sum();
        if sum < item.points {
            err(TemplateErrorKind::OptionPointsBelowItem { sum, points: item.points });
        }
    }
}

fn check_reference(
    err: &mut impl FnMut(TemplateErrorKind),
    what: &'static str,
    target: &str,
    earlier: &HashMap<&str, &Item>,
    fits: impl Fn(&AnswerSpec) -> bool,
) {
    match earlier.get(target) {
        None => err(TemplateErrorKind::UnknownReference { what, target: target.into() }),
        Some(t) if t.points > 0.0 => err(TemplateErrorKind::ReferenceCarriesPoints { what, target: target.into() }),
        Some(t) if !fits(&t.answer) => err(TemplateErrorKind::ReferenceTypeMismatch {
            what,
            target: target.into(),
            answer_type: t.answer.type_name(),
        }),
        Some(_) => {}
    }
}
