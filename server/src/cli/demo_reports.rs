//! The demo's quarterly report chain (填报 → 审核 → 上报) for the last
//! complete quarter: 长安区 submitted, was returned by 石家庄市 with a
//! comment, resubmitted and was approved; 桥西区's report waits for the
//! city's review, so the city cannot consolidate yet and the province has
//! nothing to send to the ministry.

use crate::accounts::passwords::hash_password;
use crate::accounts::store::{NewUser, Role, Scope, User};
use crate::reporting::service::{Decision, ReviewReport, SubmitReport};
use crate::reporting::store::ReportHeader;
use crate::state::AppState;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn header(unit: &str, preparer: &str, checker: &str, phone: &str) -> ReportHeader {
    ReportHeader { unit: unit.into(), preparer: preparer.into(), checker: checker.into(), phone: phone.into() }
}

fn submit(quarter: &str, header: ReportHeader, reason: &str) -> SubmitReport {
    SubmitReport { quarter: quarter.into(), header, reason: reason.into() }
}

/// Seeds 石家庄市's supervisor (with `password`) and the reports of the
/// quarter before `demo_quarter`; returns the city supervisor's name.
pub(super) async fn seed(
    state: &AppState,
    [changan, qiaoxi]: [&User; 2],
    (demo_quarter, password): (&str, &str),
) -> Res<String> {
    let city = Scope { province: "河北省".into(), city: "石家庄市".into(), county: String::new() };
    let new = NewUser {
        username: "sup-shijiazhuang".into(),
        display_name: "石家庄市商务局 陈科长".into(),
        role: Role::Supervisor,
        scope: city,
        centres: Vec::new(),
        password_hash: hash_password(password)?,
    };
    let city_sup = state.store.create_user(new, crate::storage::now_ms())?;
    let q = crate::quarter::offset(demo_quarter, -1).ok_or("no quarter before the demo's")?;
    let changan_header = header("石家庄市长安区商务局", "赵敏", "张建国", "0311-86012345");
    let v1 = state.reports.submit(changan, submit(&q, changan_header.clone(), "")).await?;
    let returned = ReviewReport {
        decision: Decision::Return,
        comment: "西兆通镇生活综合服务中心营业额环比翻倍，请核实台账后重新上报。".into(),
    };
    state.reports.review(&city_sup, v1.summary.id, returned).await?;
    let reason = "已核实台账：西兆通镇中心新增入驻商户，营业额属实。";
    let v2 = state.reports.submit(changan, submit(&q, changan_header, reason)).await?;
    let approved = ReviewReport { decision: Decision::Approve, comment: "同意。".into() };
    state.reports.review(&city_sup, v2.summary.id, approved).await?;
    let qiaoxi_header = header("石家庄市桥西区商务局", "孙丽", "刘强", "0311-87654321");
    state.reports.submit(qiaoxi, submit(&q, qiaoxi_header, "")).await?;
    Ok(city_sup.username)
}
