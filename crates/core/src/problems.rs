//! What an approved inspection orders rectified (问题清单): the findings the
//! server turns into problem records. A function of the template, the
//! document and its score, so the device could show the same list.
//!
//! A finding comes from
//! - a veto item that was hit (severity veto);
//! - an item that failed (serious when the item is critical, else general);
//! - an answer whose option the template marks `rectify` (一般隐患，需限期整改);
//! - each line of a text item marked `lists_problems` (逐条写明问题).

use crate::document::{Answer, InspectionSnapshot};
use crate::i18n::I18n;
use crate::scoring::{ItemStatus, Report};
use crate::template::{AnswerSpec, Item, Template};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Findings one inspection gives at most; lines beyond are left out.
pub const MAX_FINDINGS: usize = 200;
/// Characters of a finding's text kept.
pub const MAX_FINDING_CHARS: usize = 1_000;
/// Photos linked to one finding at most.
const MAX_PHOTOS: usize = 20;

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 否决项: a veto rule was hit.
    Veto,
    /// 严重问题: a critical item failed.
    Serious,
    /// 一般问题.
    General,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Veto => "veto",
            Self::Serious => "serious",
            Self::General => "general",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Veto, Self::Serious, Self::General].into_iter().find(|v| v.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Veto => "否决项",
            Self::Serious => "严重问题",
            Self::General => "一般问题",
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable within the inspection: approving it again finds the same keys.
    pub key: String,
    pub item: Option<String>,
    /// The item's title, as the template words it.
    pub title: I18n,
    /// What was found: the answer and the inspector's note.
    pub finding: String,
    pub severity: Severity,
    /// Photos (SHA-256) recorded for the item.
    pub photos: Vec<String>,
    /// Days to rectify, from the template's deadlines.
    pub deadline_days: u32,
}

/// The findings of an inspection, in template order.
pub fn findings(template: &Template, snap: &InspectionSnapshot, report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    for (_, item) in template.items() {
        if item.lists_problems {
            out.extend(listed(template, snap, item));
            continue;
        }
        // An encouraged practice (加分项) that is absent is no problem to rectify.
        if template.is_bonus_item(&item.id) {
            continue;
        }
        let Some(severity) = severity(item, snap, report) else { continue };
        let mut finding = answer_text(item, snap, report);
        if let Some(note) = snap.item_notes.get(&item.id).map(|n| n.trim()).filter(|n| !n.is_empty()) {
            finding = if finding.is_empty() { note.to_owned() } else { format!("{finding}；{note}") };
        }
        out.push(Finding {
            key: format!("item:{}", item.id),
            item: Some(item.id.clone()),
            title: item.title.clone(),
            finding: clip(&finding),
            severity,
            photos: photos(snap, &item.id),
            deadline_days: days(template, severity),
        });
    }
    out.truncate(MAX_FINDINGS);
    out
}

fn severity(item: &Item, snap: &InspectionSnapshot, report: &Report) -> Option<Severity> {
    if report.vetoes.iter().any(|v| v.item == item.id) {
        return Some(Severity::Veto);
    }
    let scored = report.item(&item.id)?;
    if scored.status == ItemStatus::Failed {
        return Some(if item.critical { Severity::Serious } else { Severity::General });
    }
    let rectify = |id: &str| item.answer.options().iter().any(|o| o.id == id && o.rectify);
    let ordered = match snap.answers.get(&item.id).map(|a| &a.answer) {
        Some(Answer::Choice(o)) => rectify(o),
        Some(Answer::Choices(os)) => os.iter().any(|o| rectify(o)),
        _ => false,
    };
    (ordered && scored.status.counts()).then_some(Severity::General)
}

/// The answer in words (zh), as the notice prints it.
fn answer_text(item: &Item, snap: &InspectionSnapshot, report: &Report) -> String {
    let label = |id: &str| {
        item.answer.options().iter().find(|o| o.id == id).map_or_else(|| id.to_owned(), |o| o.label.zh.clone())
    };
    let unit = match &item.answer {
        AnswerSpec::Number { unit, .. } | AnswerSpec::Computed { unit, .. } => unit.clone().unwrap_or_default(),
        _ => String::new(),
    };
    match snap.answers.get(&item.id).map(|a| &a.answer) {
        Some(Answer::YesNo(yes)) => format!("检查结果：{}", if *yes { "是" } else { "否" }),
        Some(Answer::Choice(o)) => format!("检查结果：{}", label(o)),
        Some(Answer::Choices(os)) => {
            format!("检查结果：{}", os.iter().map(|o| label(o)).collect::<Vec<_>>().join("、"))
        }
        Some(Answer::Scale(v)) => format!("评分：{v}"),
        Some(Answer::Number(v)) => format!("实测：{v}{unit}"),
        Some(Answer::Sample { asked, satisfied }) => format!("抽样{asked}人，满意{satisfied}人"),
        Some(Answer::NotApplicable) => String::new(),
        None => match report.item(&item.id).and_then(|s| s.value) {
            Some(v) => format!("计算值：{v:.2}{unit}"),
            None => "未达到要求".to_owned(),
        },
    }
}

/// One finding per non-empty line of a `lists_problems` text item, keyed by
/// its content so that editing one line does not duplicate the others.
fn listed(template: &Template, snap: &InspectionSnapshot, item: &Item) -> Vec<Finding> {
    let Some(text) = snap.item_notes.get(&item.id) else { return Vec::new() };
    let mut seen = std::collections::BTreeSet::new();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| seen.insert(*l))
        .take(MAX_FINDINGS)
        .map(|line| {
            let digest = Sha256::digest(line.as_bytes());
            let hash = hex::encode(digest.get(..8).unwrap_or_default());
            Finding {
                key: format!("line:{}:{hash}", item.id),
                item: None,
                title: item.title.clone(),
                finding: clip(line),
                severity: Severity::General,
                // The list's photos show what was found; each line carries them.
                photos: photos(snap, &item.id),
                deadline_days: days(template, Severity::General),
            }
        })
        .collect()
}

fn photos(snap: &InspectionSnapshot, item: &str) -> Vec<String> {
    let mut p: Vec<(i64, String)> = snap
        .photos
        .iter()
        .filter(|(_, p)| p.item_id.as_deref() == Some(item))
        .map(|(sha, p)| (p.taken_at, sha.clone()))
        .collect();
    p.sort();
    p.into_iter().map(|(_, sha)| sha).take(MAX_PHOTOS).collect()
}

fn days(template: &Template, severity: Severity) -> u32 {
    let d = template.deadlines;
    match severity {
        Severity::Veto => d.veto,
        Severity::Serious => d.serious,
        Severity::General => d.general,
    }
}

fn clip(text: &str) -> String {
    text.chars().take(MAX_FINDING_CHARS).collect()
}
