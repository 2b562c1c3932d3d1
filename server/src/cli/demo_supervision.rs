//! Demo rectification: problems found by approved inspections, notices,
//! feedback, an overdue problem and a follow-up task (复查) on a device.

use crate::accounts::store::User;
use crate::dates;
use crate::plans::service::PlanRequest;
use crate::plans::store::{PlanCriteria, PoolEntry};
use crate::problems::service::ProblemEdit;
use crate::problems::store::{Problem, ProblemFilter};
use crate::state::AppState;
use crate::storage::{PageReq, now_ms};
use xuncha_core::CentreType;
use xuncha_core::DocumentId;
use xuncha_core::document::Purpose;
use xuncha_core::document::ReviewStatus;
use xuncha_core::draw::Sampling;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn approve_and_list(state: &AppState, by: &User, doc: DocumentId) -> Res<Vec<Problem>> {
    state.inspections.review(by, doc, ReviewStatus::Approved, "同意。".into(), Default::default()).await?;
    let filter = ProblemFilter { doc: Some(doc), ..ProblemFilter::default() };
    let mut found = state.problems.list(by, filter, PageReq::new(1, 200)).await?.items;
    found.sort_by_key(|p| p.id);
    Ok(found)
}

/// 长安区: the village visit approved; two of its problems issued in a
/// notice, one already past its deadline, the other with the centre's
/// feedback; the rest wait to be issued. Returns how many were found.
/// `photo`: the bytes of the centre's rectification photo.
pub(super) async fn changan(state: &AppState, sup: &User, doc: DocumentId, photo: Vec<u8>) -> Res<usize> {
    let found = approve_and_list(state, sup, doc).await?;
    let [late, answered, ..] = found.as_slice() else { return Ok(found.len()) };
    let yesterday = dates::days_after(now_ms() - 2 * 86_400_000, 1);
    let edit = ProblemEdit {
        deadline: Some(yesterday),
        action: Some("立即整改，补齐价格公示牌并明码标价".into()),
        ..ProblemEdit::default()
    };
    state.problems.edit(sup, late.id, edit).await?;
    state.problems.issue(sup, vec![late.id, answered.id], None).await?;
    let feedback = "已安排专人整改，预计本月底前完成。附整改现场照片。";
    let photo = state.photos.accept_whole(sup, photo, vec![answered.doc]).await?;
    state.problems.feedback(sup, answered.id, feedback, vec![photo]).await?;
    Ok(found.len())
}

/// 桥西区: insp-zhao's visit approved, its problems issued, and insp-zhao
/// sent back to re-check them. Returns how many problems the follow-up holds.
pub(super) async fn qiaoxi(state: &AppState, sup: &User, doc: DocumentId, inspector: &User) -> Res<usize> {
    let mut found = approve_and_list(state, sup, doc).await?;
    // The follow-up shows the findings' own photos (原问题照片): pictured ones first.
    found.sort_by_key(|p| p.photos.is_empty());
    let ids: Vec<i64> = found.iter().take(3).map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let centre = found.first().map(|p| p.centre_code.clone()).unwrap_or_default();
    state.problems.issue(sup, ids.clone(), None).await?;
    state.problems.follow_up(sup, &centre, vec![inspector.username.clone()]).await?;
    Ok(ids.len())
}

/// 长安区's random check of its township centres this quarter: a plan drawn
/// with a published seed and confirmed. Returns the plan and the task's document.
pub(super) async fn random_check(state: &AppState, sup: &User, quarter: &str) -> Res<(i64, DocumentId)> {
    let plan = PlanRequest {
        name: "2026年第四季度长安区乡镇中心双随机抽查".into(),
        quarter: quarter.into(),
        purpose: Purpose::Random,
        county: None,
        criteria: PlanCriteria { centre_types: vec![CentreType::Township], ..PlanCriteria::default() },
        sampling: Sampling::Count(1),
        per_task: 1,
        seed: Some("2026Q4-长安区-乡镇".into()),
        pool: vec![PoolEntry {
            username: "insp-li".into(),
            credential: "冀石商执 0013".into(),
            county: String::new(),
            township: String::new(),
            conflicts: Vec::new(),
        }],
    };
    let plan = state.plans.create(sup, plan).await?;
    state.plans.draw(sup, plan.id).await?;
    let plan = state.plans.confirm(sup, plan.id).await?;
    let code = plan.draw.and_then(|d| d.result.tasks.into_iter().next()).map(|t| t.centre_code);
    let doc =
        state.inspections.store().assigned_doc(&code.ok_or("no task drawn")?, &plan.quarter, Purpose::Random, None)?;
    Ok((plan.id, doc.ok_or("no task document")?))
}

/// The random check approved and its plan's results published by the province.
pub(super) async fn publish(state: &AppState, sup: &User, admin: &User, (plan, doc): (i64, DocumentId)) -> Res<()> {
    state.inspections.review(sup, doc, ReviewStatus::Approved, "同意。".into(), Default::default()).await?;
    state.publications.publish(admin, plan, "").await?;
    Ok(())
}
