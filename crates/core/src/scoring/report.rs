//! The report: a stable JSON shape (field order fixed, maps sorted).

use crate::document::InspectionSnapshot;
use crate::location::OnSite;
use crate::template::{GradeBands, Item, StatFigure, Template, TemplateRef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Grade bands of the evaluation; ordered worst to best.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 不合格
    Fail,
    /// 合格
    Pass,
    /// 良好
    Good,
    /// 优秀
    Excellent,
}

impl Grade {
    pub fn from_total(total: f64, bands: &GradeBands) -> Self {
        if total >= bands.excellent {
            Self::Excellent
        } else if total >= bands.good {
            Self::Good
        } else if total >= bands.pass {
            Self::Pass
        } else {
            Self::Fail
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Excellent => "优秀",
            Self::Good => "良好",
            Self::Pass => "合格",
            Self::Fail => "不合格",
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Passed,
    Partial,
    Failed,
    /// Answered, carries no points (facts, statistics figures, text).
    Recorded,
    NotApplicable,
    /// `applies_if` is false: the item does not apply to this centre.
    Skipped,
    Unanswered,
    Invalid,
}

impl ItemStatus {
    /// Whether the item stays in its section's denominator.
    pub fn counts(self) -> bool {
        !matches!(self, Self::NotApplicable | Self::Skipped)
    }

    pub(crate) fn from_points(points: f64, max: f64) -> Self {
        if max <= 0.0 {
            Self::Recorded
        } else if points >= max {
            Self::Passed
        } else if points <= 0.0 {
            Self::Failed
        } else {
            Self::Partial
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub id: String,
    pub section: String,
    pub status: ItemStatus,
    pub points: f64,
    pub max_points: f64,
    /// The numeric value scored, where the item has one (computed ratios, samples…).
    pub value: Option<f64>,
    pub problem: Option<String>,
}

impl ItemScore {
    pub(crate) fn new(item: &Item) -> Self {
        Self {
            id: item.id.clone(),
            section: String::new(),
            status: ItemStatus::Unanswered,
            points: 0.0,
            max_points: item.points,
            value: None,
            problem: None,
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionScore {
    pub id: String,
    pub weight: f64,
    pub earned: f64,
    pub possible: f64,
    /// False when every item is N/A or skipped: the section leaves the total.
    pub counted: bool,
    /// This section's contribution to the total (0–100 scale; for a bonus
    /// section the points it adds, at most its cap).
    pub score: f64,
    /// A bonus section (加分项), outside the 100.
    #[serde(default)]
    pub bonus: bool,
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoHit {
    pub item: String,
    pub rule: String,
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceProblemKind {
    /// A required photo is missing; the item earns no points.
    PhotoMissing,
    /// The photo's position is outside the geofence or not accurate enough.
    PhotoNotOnSite,
    PhotoWithoutLocation,
    /// The document lists the photo but its bytes have not reached the server.
    PhotoNotReceived,
    /// Fewer people asked than the item requires; the item earns no points.
    SampleTooSmall,
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceProblem {
    pub item: String,
    pub kind: EvidenceProblemKind,
    pub photo: Option<String>,
}

impl EvidenceProblem {
    pub(crate) fn new(item: &str, kind: EvidenceProblemKind, photo: Option<&str>) -> Self {
        Self { item: item.to_owned(), kind, photo: photo.map(str::to_owned) }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub template: TemplateRef,
    pub centre_code: String,
    /// The base score (基本分, 0–100) plus the bonus, rounded to two decimals.
    pub total: f64,
    /// 基本分: the requirements' score, 0–100 (0 in reports stored before
    /// bonus sections existed, whose total is all base).
    #[serde(default)]
    pub base_total: f64,
    /// 加分: points the bonus sections add, each at most its cap.
    #[serde(default)]
    pub bonus: f64,
    pub grade: Grade,
    /// Every applicable item (text excepted) is answered.
    pub complete: bool,
    pub sections: Vec<SectionScore>,
    pub items: Vec<ItemScore>,
    pub vetoes: Vec<VetoHit>,
    pub evidence_problems: Vec<EvidenceProblem>,
    pub unanswered: Vec<String>,
    /// Items with concurrent different answers still open.
    pub conflicts: Vec<String>,
    pub on_site: OnSite,
    /// Operating figures of Attachment 5 recorded in this inspection.
    pub figures: BTreeMap<StatFigure, f64>,
}

impl Report {
    pub(crate) fn empty(template: &Template, snap: &InspectionSnapshot, on_site: OnSite) -> Self {
        Self {
            template: template.reference(),
            centre_code: snap.centre_code.clone(),
            total: 0.0,
            base_total: 0.0,
            bonus: 0.0,
            grade: Grade::Fail,
            complete: false,
            sections: Vec::new(),
            items: Vec::new(),
            vetoes: Vec::new(),
            evidence_problems: Vec::new(),
            unanswered: Vec::new(),
            conflicts: Vec::new(),
            on_site,
            figures: BTreeMap::new(),
        }
    }

    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.items.iter().find(|i| i.id == id)
    }
}
