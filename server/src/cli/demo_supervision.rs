//! Demo rectification: problems found by approved inspections, notices,
//! feedback, an overdue problem and a follow-up task (复查) on a device.

use crate::accounts::store::User;
use crate::dates;
use crate::problems::service::ProblemEdit;
use crate::problems::store::{Problem, ProblemFilter};
use crate::state::AppState;
use crate::storage::{PageReq, now_ms};
use xuncha_core::DocumentId;
use xuncha_core::document::ReviewStatus;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn approve_and_list(state: &AppState, by: &User, doc: DocumentId) -> Res<Vec<Problem>> {
    state.inspections.review(by, doc, ReviewStatus::Approved, "同意。".into(), Default::default()).await?;
    let filter = ProblemFilter { doc: Some(doc), ..ProblemFilter::default() };
    let mut found = state.problems.list(by, filter, PageReq { page: 1, per_page: 200 }).await?.items;
    found.sort_by_key(|p| p.id);
    Ok(found)
}

/// 长安区: the village visit approved; two of its problems issued in a
/// notice, one already past its deadline, the other with the centre's
/// feedback; the rest wait to be issued. Returns how many were found.
pub(super) async fn changan(state: &AppState, sup: &User, doc: DocumentId) -> Res<usize> {
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
    state.problems.feedback(sup, answered.id, "已安排专人整改，预计本月底前完成。").await?;
    Ok(found.len())
}

/// 桥西区: insp-zhao's visit approved, its problems issued, and insp-zhao
/// sent back to re-check them. Returns how many problems the follow-up holds.
pub(super) async fn qiaoxi(state: &AppState, sup: &User, doc: DocumentId, inspector: &User) -> Res<usize> {
    let found = approve_and_list(state, sup, doc).await?;
    let ids: Vec<i64> = found.iter().take(3).map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let centre = found.first().map(|p| p.centre_code.clone()).unwrap_or_default();
    state.problems.issue(sup, ids.clone(), None).await?;
    state.problems.follow_up(sup, &centre, vec![inspector.username.clone()]).await?;
    Ok(ids.len())
}
