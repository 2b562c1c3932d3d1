//! Demo centre operators (运营主体) and the figures centres reported
//! themselves: a company running two 长安区 centres that reported the last
//! two periods, and the operator of 北豆村综合服务站 (the village with
//! issued problems), whose figures for the period now due are still open.

use crate::accounts::store::User;
use crate::operators::service::{FigureReport, NewOperator};
use crate::operators::store::FigureValues;
use crate::quarter;
use crate::state::AppState;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn operator(
    state: &AppState,
    sup: &User,
    (username, name): (&str, &str),
    centres: &[&str],
    password: &str,
) -> Res<User> {
    let req = NewOperator {
        username: username.into(),
        display_name: name.into(),
        password: password.into(),
        centres: centres.iter().map(|c| (*c).to_owned()).collect(),
    };
    Ok(state.operators.create_operator(sup, req).await?)
}

async fn report(
    state: &AppState,
    by: &User,
    code: &str,
    period: &str,
    values: FigureValues,
    photo: Option<String>,
) -> Res<()> {
    let report = FigureReport {
        centre_code: code.into(),
        period: period.into(),
        values,
        ledger_photo: photo,
        note: None,
        confirmed: Some(true),
    };
    state.operators.submit(by, report).await?;
    Ok(())
}

/// Seeds both operators (with `password`) and their figures of the two
/// periods before `demo_quarter`; returns the two accounts' names.
/// `ledger`: the bytes of a ledger photo.
pub(super) async fn seed(
    state: &AppState,
    sup: &User,
    (demo_quarter, password): (&str, &str),
    ledger: Vec<u8>,
) -> Res<[String; 2]> {
    let company =
        operator(state, sup, ("op-changan", "长安区惠民商贸有限公司"), &["130102-C01", "130102-T01"], password).await?;
    let village = operator(state, sup, ("op-beidou", "北豆村综合服务站 李站长"), &["130102-V01"], password).await?;
    // The period the demo quarter's inspections observe (上一完整季度), and the one before.
    let due = quarter::offset(demo_quarter, -1).ok_or("no quarter before the demo's")?;
    let before = quarter::offset(&due, -1).ok_or("no quarter before the due one")?;
    let photo = state.operators.ledger_photo(&company, "130102-C01".into(), ledger).await?;
    let values = |turnover_wan: f64, visits: i64, staff: i64, merchants: i64| FigureValues {
        turnover_wan,
        visits,
        staff,
        merchants,
    };
    report(state, &company, "130102-C01", &before, values(86.4, 12_300, 14, 9), None).await?;
    report(state, &company, "130102-C01", &due, values(91.2, 12_950, 14, 10), Some(photo)).await?;
    report(state, &company, "130102-T01", &before, values(142.0, 20_480, 22, 16), None).await?;
    // A doubling, confirmed by the reporter: the supervisor sees the warning it raised.
    report(state, &company, "130102-T01", &due, values(301.5, 21_200, 23, 17), None).await?;
    report(state, &village, "130102-V01", &before, values(18.6, 3_100, 3, 2), None).await?;
    Ok([company.username, village.username])
}
