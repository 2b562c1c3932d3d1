//! The evaluation system (考核评价体系) as data: templates, their validation,
//! provincial variants and loading. The format is documented in
//! `docs/templates.md`; the built-in templates live in `templates/`.

mod load;
mod migration;
mod validate;
mod variant;

pub use load::{TemplateFile, builtin_templates, parse_template, parse_variant};
pub use migration::{ItemMapping, MigrationPlan, MigrationTable, plan as plan_migration, plan_stragglers, stragglers};
pub use validate::{TemplateError, TemplateErrorKind, TemplateErrors, validate};
pub use variant::{AddedItem, ItemOverride, TemplateVariant, resolve_variant};

use crate::centre::{CentreField, CentreType};
use crate::i18n::I18n;
use serde::{Deserialize, Serialize};

/// The format version of template files this build reads.
pub const TEMPLATE_FORMAT: u32 = 1;

/// Names one version of one template; recorded in every inspection document.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    pub id: String,
    pub version: u32,
}

impl std::fmt::Display for TemplateRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

/// A resolved evaluation template: what scoring and the checklist use.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub format: u32,
    pub id: String,
    pub version: u32,
    pub centre_type: CentreType,
    pub title: I18n,
    /// Says where the weights come from; the defaults are Xuncha's own proposal.
    pub weights_note: I18n,
    /// For a resolved provincial variant: the template it was derived from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<TemplateRef>,
    /// For a provincial variant: the province it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(default)]
    pub grades: GradeBands,
    #[serde(default)]
    pub location: LocationRule,
    /// The purposes this template serves (a 认定核查 variant, say); empty:
    /// every purpose but follow-up. A follow-up template (复查) is made by the
    /// server for one task from the problems it re-checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<crate::purpose::Purpose>>", optional)]
    pub purposes: Vec<crate::purpose::Purpose>,
    /// Days a centre is given to rectify a problem, per severity (整改期限).
    #[serde(default, skip_serializing_if = "RectifyDeadlines::is_default")]
    #[ts(as = "Option<RectifyDeadlines>", optional)]
    pub deadlines: RectifyDeadlines,
    /// How open drafts of an earlier version move to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub migration: Option<MigrationTable>,
    pub sections: Vec<Section>,
}

/// Days from the approval of an inspection to the deadline of a problem it
/// found, per severity. Xuncha's defaults: a veto item 7 days, a serious
/// problem (a critical item failed) 15, any other 30; a province's variant
/// may set its own.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RectifyDeadlines {
    pub veto: u32,
    pub serious: u32,
    pub general: u32,
}

impl Default for RectifyDeadlines {
    fn default() -> Self {
        Self { veto: 7, serious: 15, general: 30 }
    }
}

impl RectifyDeadlines {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl Template {
    pub fn reference(&self) -> TemplateRef {
        TemplateRef { id: self.id.clone(), version: self.version }
    }

    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections.iter().flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.id == id)
    }

    /// Whether the item belongs to a bonus section (加分项): failing it is no problem.
    pub fn is_bonus_item(&self, id: &str) -> bool {
        self.sections.iter().any(|s| s.is_bonus() && s.items.iter().any(|i| i.id == id))
    }

    /// A template the server made for one follow-up task (复查).
    pub fn is_follow_up(&self) -> bool {
        self.purposes.contains(&crate::purpose::Purpose::FollowUp)
    }

    /// Whether an inspection of `purpose` may use this template.
    pub fn serves(&self, purpose: crate::purpose::Purpose) -> bool {
        match self.purposes.is_empty() {
            true => purpose != crate::purpose::Purpose::FollowUp,
            false => self.purposes.contains(&purpose),
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: I18n,
    /// Share of the total score; the weights of a template add up to 100.
    /// A bonus section has none: it adds points outside the 100.
    #[serde(default)]
    pub weight: f64,
    /// 基本分 (scored within the 100) or 加分项 (added on top, capped).
    #[serde(default, skip_serializing_if = "SectionKind::is_scored")]
    #[ts(optional, as = "Option<SectionKind>")]
    pub kind: SectionKind,
    /// For a bonus section: the most points it adds to the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cap: Option<f64>,
    pub items: Vec<Item>,
}

impl Section {
    pub fn is_bonus(&self) -> bool {
        self.kind == SectionKind::Bonus
    }
}

/// How a section counts. Chinese evaluation tables separate 基本分 (the
/// requirements, out of 100) from 加分项 (encouraged practice, added on top
/// up to a cap), so an encouraged practice that is absent costs nothing.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// 基本分: the section's weight is its share of the 100 points.
    #[default]
    Scored,
    /// 加分项: item points are added to the total, at most `cap` for the section.
    Bonus,
}

impl SectionKind {
    pub fn is_scored(&self) -> bool {
        *self == Self::Scored
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub title: I18n,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<I18n>,
    /// Where the requirement comes from: a section of 商服贸函〔2018〕157号 or
    /// a named standard, in both languages. Older templates wrote one string,
    /// which is read as the same text in both.
    #[serde(deserialize_with = "crate::i18n::text_or_i18n")]
    pub source: I18n,
    pub answer: AnswerSpec,
    /// Points within the section; 0 for facts that are recorded but not scored.
    #[serde(default)]
    pub points: f64,
    /// For number, computed and sample items: the score for a value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    #[serde(default)]
    pub na_allowed: bool,
    /// A critical (veto, 一票否决) item fails the whole inspection when its rule is hit.
    #[serde(default)]
    pub critical: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto: Option<VetoRule>,
    #[serde(default)]
    pub evidence: Evidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_if: Option<Condition>,
    /// Marks an operating figure of Attachment 5 that feeds the quarterly statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stat: Option<StatFigure>,
    /// A text item whose every line is a problem the inspector found (问题清单):
    /// each becomes a rectification record when the inspection is approved.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub lists_problems: bool,
    /// Photos of what an earlier inspection found (原问题照片), shown beside
    /// the item so a follow-up (复查) compares before and after: SHA-256 of
    /// photos the task's inspectors may read. At most [`MAX_REFERENCE_PHOTOS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub reference_photos: Vec<String>,
}

/// Reference photos one item shows at most.
pub const MAX_REFERENCE_PHOTOS: usize = 4;

/// How an item is answered.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerSpec {
    /// Yes earns the points, no earns none.
    YesNo,
    /// An integer rating from `min` to `max`; points scale linearly.
    Scale {
        min: i64,
        max: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        labels: Vec<I18n>,
    },
    /// A measured number, scored by the item's thresholds.
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// One option; each option earns a fraction of the points.
    ChoiceOne { options: Vec<ChoiceOption> },
    /// Any options; each option earns its own points, capped at the item's points.
    ChoiceMany { options: Vec<ChoiceOption> },
    /// A survey sample (e.g. resident satisfaction): people asked and people
    /// satisfied; the ratio is scored by the thresholds.
    Sample {
        #[serde(default)]
        min_asked: u32,
    },
    /// On-site interviews (现场随访) recorded one respondent at a time (time,
    /// satisfied or not, an opinion, a phone number for 回访): the share
    /// satisfied is scored by the thresholds. Inspectors add records; the
    /// count and the rate are computed.
    Respondents {
        #[serde(default)]
        min_asked: u32,
    },
    /// Not typed but computed: `numerator / denominator * scale`, scored by the thresholds.
    Computed {
        numerator: Operand,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        denominator: Option<Operand>,
        #[serde(default = "one")]
        scale: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// Free text; never scored.
    Text,
}

fn one() -> f64 {
    1.0
}

impl AnswerSpec {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::YesNo => "yes_no",
            Self::Scale { .. } => "scale",
            Self::Number { .. } => "number",
            Self::ChoiceOne { .. } => "choice_one",
            Self::ChoiceMany { .. } => "choice_many",
            Self::Sample { .. } => "sample",
            Self::Respondents { .. } => "respondents",
            Self::Computed { .. } => "computed",
            Self::Text => "text",
        }
    }

    /// Whether the item's value is a number scored through thresholds.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Self::Number { .. } | Self::Sample { .. } | Self::Respondents { .. } | Self::Computed { .. })
    }

    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            Self::ChoiceOne { options } | Self::ChoiceMany { options } => options,
            _ => &[],
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: I18n,
    /// choice_many: points this option earns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// choice_one: fraction (0–1) of the item's points this option earns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// Choosing this option orders rectification (e.g. 一般隐患，需限期整改).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub rectify: bool,
}

/// An input of a computed item: `item:<id>` (a number answer) or `centre:<field>`.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[ts(as = "String")]
pub enum Operand {
    Item(String),
    Centre(CentreField),
}

impl TryFrom<String> for Operand {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if let Some(id) = s.strip_prefix("item:") {
            Ok(Self::Item(id.to_owned()))
        } else if let Some(field) = s.strip_prefix("centre:") {
            CentreField::parse(field).map(Self::Centre).ok_or_else(|| {
                format!("unknown centre field `{field}` (expected floor_area_m2, community_floor_area_m2, households or population_served)")
            })
        } else {
            Err(format!("operand `{s}` must start with `item:` or `centre:`"))
        }
    }
}

impl From<Operand> for String {
    fn from(o: Operand) -> String {
        match o {
            Operand::Item(id) => format!("item:{id}"),
            Operand::Centre(f) => format!("centre:{}", f.as_str()),
        }
    }
}

/// A value band: `gte` and/or `lte` bound it; the best matching band gives
/// the fraction of the item's points earned.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<f64>,
    pub fraction: f64,
}

impl Threshold {
    pub fn matches(&self, v: f64) -> bool {
        self.gte.is_none_or(|g| v >= g) && self.lte.is_none_or(|l| v <= l)
    }
}

/// When a critical item fails the inspection. Exactly one field is set, and
/// it must fit the item's answer type.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoRule {
    /// yes_no: the answer that vetoes ("no" or "yes").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<YesNo>,
    /// number, computed, sample: a value below this vetoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// number, computed: a value above this vetoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// choice_one: choosing one of these options vetoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// choice_many: selecting fewer options than this vetoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fewer_than: Option<u32>,
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNo {
    Yes,
    No,
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    #[serde(default)]
    pub photo: PhotoRule,
    /// Photos must carry a position inside the centre's geofence.
    #[serde(default)]
    pub on_site: bool,
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoRule {
    None,
    #[default]
    Optional,
    /// The item earns no points until a photo is attached to it.
    Required,
}

/// Applicability: the item counts only when an earlier fact item says so
/// (`item` with exactly one of `equals` (yes_no), `includes`
/// (choice_one/choice_many) or `gte` (number)), or only for centres of one
/// zone (`zone` alone).
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub item: Option<String>,
    /// The centre's zone (东中部/西部, [`crate::Centre::zone`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub zone: Option<crate::Zone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<f64>,
}

/// The operating figures of Attachment 5 (营业额、服务人次、员工数量 …).
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatFigure {
    /// 营业额, in 10,000 yuan (万元) for the quarter.
    Turnover10kYuan,
    /// 服务人次 — service visits in the quarter.
    ServiceVisits,
    /// 员工数量 — staff.
    Staff,
    /// 入驻商户数 — businesses operating in the centre.
    Tenants,
}

/// Grade bands (优秀 / 良好 / 合格 / 不合格). The defaults are Xuncha's proposal.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBands {
    pub excellent: f64,
    pub good: f64,
    pub pass: f64,
}

impl Default for GradeBands {
    fn default() -> Self {
        Self { excellent: 90.0, good: 75.0, pass: 60.0 }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationRule {
    /// A fix counts as on site only when its accuracy is at least this good, in metres.
    pub required_accuracy_m: f64,
}

impl Default for LocationRule {
    fn default() -> Self {
        Self { required_accuracy_m: 50.0 }
    }
}
