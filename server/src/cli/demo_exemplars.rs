//! The demo's 标杆样板: 长安区 nominates 西兆通镇生活综合服务中心 (its
//! random check was 优秀) with its case write-up, and the province
//! publicises it for a week (see `/public/exemplars`).

use crate::accounts::store::User;
use crate::exemplars::service::{ExemplarAction, Nomination};
use crate::exemplars::store::CaseWriteUp;
use crate::state::AppState;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub(super) async fn seed(state: &AppState, county: &User, province: &User) -> Res<()> {
    let case = CaseWriteUp {
        title: "镇村联动的一站式生活服务".into(),
        summary: "西兆通镇生活综合服务中心整合商超、邮政快递、家政维修和农资服务，统一收银、统一配送，\
                  服务半径覆盖全镇十二个行政村，群众办事购物“一站办”。"
            .into(),
        practices: vec![
            "统一配送到村，村级服务站当日补货".into(),
            "便民服务清单和价格上墙公示".into(),
            "每季度听取村民代表意见建议".into(),
        ],
    };
    let nominated = state.exemplars.nominate(county, Nomination { centre_code: "130102-T01".into(), case }).await?;
    let until = crate::dates::days_after(crate::storage::now_ms(), 7);
    state.exemplars.act(province, nominated.id, ExemplarAction::Publicize { until }).await?;
    Ok(())
}
