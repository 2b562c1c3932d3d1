//! Follow-up visits (复查). A supervisor sends inspectors to re-check a
//! centre's open problems: the server makes a checklist for that one task,
//! an item per problem with the original finding, requirement and deadline,
//! answered 已整改 / 部分整改 / 未整改 with a photo taken on site. It reaches
//! the inspectors' devices like any assignment and is worked offline. When
//! the follow-up is approved, each problem found rectified, with its photo
//! on site, is closed (销号) with the follow-up as evidence; the others stay
//! open and say so in their record.

use super::service::{ProblemError, Problems};
use super::store::{Problem, ProblemChange, ProblemEvent, ProblemFilter, ProblemState};
use crate::accounts::store::{Role, User};
use crate::dates;
use crate::inspections::InspectionError;
use crate::inspections::assign::Task;
use crate::inspections::store::{Assignment, InspectionRow};
use crate::storage::{PageReq, now_ms};
use std::sync::Arc;
use xuncha_core::document::{Answer, InspectionSnapshot, Purpose};
use xuncha_core::scoring::{ItemStatus, Report};
use xuncha_core::template::{
    AnswerSpec, ChoiceOption, Evidence, Item, MAX_REFERENCE_PHOTOS, PhotoRule, Section, TEMPLATE_FORMAT, Template,
    validate,
};
use xuncha_core::{Centre, I18n};

/// How a refused assignment answers here.
fn refused(e: InspectionError) -> ProblemError {
    match e {
        InspectionError::Forbidden => ProblemError::Forbidden,
        InspectionError::Invalid(m) => ProblemError::Invalid(m),
        InspectionError::Store(e) => ProblemError::Store(e),
        other => ProblemError::Internal(other.to_string()),
    }
}

/// Problems one follow-up re-checks at most.
pub const MAX_PROBLEMS: u32 = 200;
const ITEM_PREFIX: &str = "p";
const RECTIFIED: &str = "rectified";

type R<T> = Result<T, ProblemError>;

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn option(id: &str, zh: &str, en: &str, fraction: f64) -> ChoiceOption {
    ChoiceOption { id: id.into(), label: I18n::new(zh, en), points: None, fraction: Some(fraction), rectify: false }
}

fn item(p: &Problem) -> Item {
    let action = if p.action.is_empty() { "按要求整改到位" } else { &p.action };
    let finding = clip(&p.finding, 150);
    Item {
        id: format!("{ITEM_PREFIX}{}", p.id),
        // What was found, where the inspector reads first.
        title: I18n::new(
            clip(&format!("{}：{finding}", p.title_zh), 300),
            clip(&format!("{}: {finding}", p.title_en), 300),
        ),
        guidance: Some(I18n::new(
            clip(&format!("整改要求：{}。整改期限：{}。", clip(action, 300), p.deadline), 480),
            clip(&format!("Required: {}. Deadline: {}.", clip(action, 300), p.deadline), 480),
        )),
        source: I18n::new(
            format!("问题清单第{}号（{} {}）", p.id, p.quarter, p.purpose.zh()),
            format!("Problem list No. {} ({} {})", p.id, p.quarter, p.purpose.as_str()),
        ),
        answer: AnswerSpec::ChoiceOne {
            options: vec![
                option(RECTIFIED, "已整改到位", "Rectified", 1.0),
                option("partly", "部分整改", "Partly rectified", 0.5),
                option("not", "未整改", "Not rectified", 0.0),
            ],
        },
        points: 1.0,
        thresholds: Vec::new(),
        na_allowed: false,
        critical: false,
        veto: None,
        evidence: Evidence { photo: PhotoRule::Required, on_site: true },
        applies_if: None,
        stat: None,
        lists_problems: false,
        reference_photos: reference_photos(p),
    }
}

/// The photos of the finding the follow-up's item shows (原问题照片).
fn reference_photos(p: &Problem) -> Vec<String> {
    p.photos.iter().take(MAX_REFERENCE_PHOTOS).cloned().collect()
}

/// The checklist of one follow-up task: an item per problem, scored as the
/// share of problems rectified.
pub fn checklist(id: &str, centre: &Centre, problems: &[Problem]) -> Template {
    Template {
        format: TEMPLATE_FORMAT,
        id: id.to_owned(),
        version: 1,
        centre_type: centre.centre_type,
        title: I18n::new(format!("复查：{}", centre.name), format!("Follow-up: {}", centre.name)),
        weights_note: I18n::new(
            "复查清单由待整改问题生成，每个问题一项，按整改到位的比例计分。",
            "Made from the open problems, one item each; the score is the share rectified.",
        ),
        base: None,
        province: Some(centre.region.province.clone()),
        grades: Default::default(),
        location: Default::default(),
        purposes: vec![Purpose::FollowUp],
        deadlines: Default::default(),
        migration: None,
        sections: vec![Section {
            id: "followup".into(),
            title: I18n::new("整改复查", "Rectification re-check"),
            weight: 100.0,
            kind: Default::default(),
            cap: None,
            items: problems.iter().map(item).collect(),
        }],
    }
}

impl Problems {
    /// Sends inspectors to re-check a centre's issued, open problems: a
    /// follow-up task with its own checklist, for the current quarter.
    pub async fn follow_up(
        self: &Arc<Self>,
        user: &User,
        centre_code: &str,
        inspectors: Vec<String>,
    ) -> R<Vec<Assignment>> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(ProblemError::Forbidden);
        }
        let (this, by, code) = (self.clone(), user.clone(), centre_code.to_owned());
        let (assignments, id, problems) = tokio::task::spawn_blocking(move || -> R<_> {
            let inspections = this.inspections();
            let centre = inspections.catalog().centre(&code)?.ok_or(ProblemError::NotFound("centre"))?;
            if !by.oversees(&centre.region) {
                return Err(ProblemError::NotFound("centre"));
            }
            let filter = ProblemFilter {
                centre: Some(code.clone()),
                state: Some(ProblemState::Issued),
                ..ProblemFilter::default()
            };
            let mut problems = this.store().problems(&filter, PageReq::new(1, MAX_PROBLEMS))?.items;
            if problems.is_empty() {
                return Err(ProblemError::State("this centre has no issued, open problem to re-check".into()));
            }
            problems.sort_by_key(|p| p.id);
            let id = format!("followup-{}", hex::encode(rand::random::<[u8; 8]>()));
            let template = checklist(&id, &centre, &problems);
            validate(&template, &id).map_err(|e| ProblemError::Internal(e.to_string()))?;
            let quarter = crate::quarter::quarter_of(now_ms());
            let task = Task {
                centre_code: &code,
                quarter: &quarter,
                purpose: Purpose::FollowUp,
                template: Some(template.reference()),
            };
            // A refused task stores nothing, not even its checklist.
            inspections.check_task(&by, &task, &inspectors).map_err(refused)?;
            let row = crate::catalog::templates::variant_row(&template, "复查", &by.username, now_ms());
            inspections.catalog().put_variant(&row)?;
            inspections.templates().insert(template.clone());
            let assignments = inspections.assign_task(&by, &task, &inspectors).map_err(refused)?;
            let doc = assignments.first().map(|a| a.doc).ok_or_else(|| refused(InspectionError::NotFound))?;
            // The follow-up's inspectors may read the photos its items show.
            for sha in problems.iter().flat_map(reference_photos) {
                this.photos().grant_blob(&sha, &[doc])?;
            }
            let names = assignments.iter().map(|a| a.inspector.as_str()).collect::<Vec<_>>().join("、");
            for p in &problems {
                let event = ProblemEvent {
                    at: now_ms(),
                    by: by.username.clone(),
                    kind: "follow_up".into(),
                    detail: format!("复查：{names}"),
                    photos: Vec::new(),
                };
                this.store().change_problem(p.id, &ProblemChange::FollowUp { doc }, &event)?;
            }
            Ok((assignments, id, problems))
        })
        .await
        .map_err(|e| ProblemError::Internal(e.to_string()))??;
        tracing::info!(centre = centre_code, by = %user.username, template = %id, problems = problems.len(), "follow-up assigned");
        Ok(assignments)
    }

    /// An approved follow-up: rectified problems with their photo on site
    /// are closed with it as evidence; the others stay open, recorded.
    pub(super) fn follow_up_approved(
        &self,
        row: &InspectionRow,
        snap: &InspectionSnapshot,
        report: &Report,
        by: &str,
    ) -> R<()> {
        let today = dates::today();
        for scored in &report.items {
            let Some(id) = scored.id.strip_prefix(ITEM_PREFIX).and_then(|n| n.parse::<i64>().ok()) else { continue };
            let Some(problem) = self.store().problem(id)? else { continue };
            if problem.centre_code != row.centre_code || problem.state != ProblemState::Issued {
                continue;
            }
            let answer = snap.answers.get(&scored.id).map(|a| &a.answer);
            let rectified =
                matches!(answer, Some(Answer::Choice(c)) if c == RECTIFIED) && scored.status == ItemStatus::Passed;
            let note = snap.item_notes.get(&scored.id).map(|n| n.trim()).unwrap_or_default();
            let photos: Vec<String> = snap
                .photos
                .iter()
                .filter(|(_, p)| p.item_id.as_deref() == Some(scored.id.as_str()))
                .map(|(sha, _)| sha.clone())
                .collect();
            let said = match answer {
                Some(Answer::Choice(c)) if c == RECTIFIED && !rectified => "复查称已整改，但缺少现场照片，未销号",
                Some(Answer::Choice(c)) if c == RECTIFIED => "复查确认已整改到位，销号",
                Some(Answer::Choice(c)) if c == "partly" => "复查：部分整改",
                Some(_) => "复查：未整改",
                None => "复查未检查此问题",
            };
            let detail = if note.is_empty() { said.to_owned() } else { format!("{said}。{note}") };
            let kind = if rectified { "closed" } else { "not_rectified" };
            let event = ProblemEvent { at: now_ms(), by: by.to_owned(), kind: kind.into(), detail, photos };
            let change = match rectified {
                true => ProblemChange::Close { doc: row.doc, on: today.clone() },
                false => ProblemChange::Recheck,
            };
            self.store().change_problem(id, &change, &event)?;
        }
        Ok(())
    }
}
