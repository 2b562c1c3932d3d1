//! Conformance of the 标杆样板 storage.

use super::{check, county, err};
use crate::db::Store;
use crate::exemplars::store::{Basis, CaseWriteUp, ExemplarEvent, ExemplarState, NewExemplar};
use xuncha_core::CentreType;
use xuncha_core::scoring::Grade;

fn nomination(code: &str) -> NewExemplar {
    NewExemplar {
        centre_code: code.into(),
        centre_name: format!("{code}中心"),
        centre_type: CentreType::Township,
        region: county("长安区"),
        case: CaseWriteUp { title: "案例".into(), summary: "经验".into(), practices: vec!["做法".into()] },
        basis: Basis { doc: "d".into(), quarter: "2026Q4".into(), total: 95.0, grade: Grade::Excellent },
    }
}

fn event(kind: &str, at: i64) -> ExemplarEvent {
    ExemplarEvent { at, by: "sup".into(), kind: kind.into(), detail: String::new() }
}

pub(super) fn exemplars(store: &dyn Store) -> Result<(), String> {
    use ExemplarState::*;
    let id = store.nominate(&nomination("T1"), &event("nominated", 1)).map_err(err)?.ok_or("nominated")?;
    check(store.nominate(&nomination("T1"), &event("nominated", 2)).map_err(err)?.is_none(), "one live per centre")?;
    check(
        !store.move_exemplar(id, &[Publicized], Recognised, None, &event("recognised", 3)).map_err(err)?,
        "from the wrong state",
    )?;
    check(
        store.move_exemplar(id, &[Nominated], Publicized, Some("2027-01-10"), &event("publicized", 4)).map_err(err)?,
        "publicised",
    )?;
    store.note_exemplar(id, &event("objection", 5)).map_err(err)?;
    let e = store.exemplar(id).map_err(err)?.ok_or("read back")?;
    check(e.state == Publicized && e.comment_until.as_deref() == Some("2027-01-10"), "state and date")?;
    check(e.events.iter().map(|v| v.kind.as_str()).eq(["nominated", "publicized", "objection"]), "events in order")?;
    check(e.case.practices == ["做法"] && e.basis.total == 95.0, "case and basis kept")?;
    check(
        store.move_exemplar(id, &[Nominated, Publicized], Rejected, None, &event("rejected", 6)).map_err(err)?,
        "rejected",
    )?;
    check(
        store.nominate(&nomination("T1"), &event("nominated", 7)).map_err(err)?.is_some(),
        "again after a rejection",
    )?;
    let province = crate::accounts::store::Scope { province: "河北省".into(), ..Default::default() };
    check(store.exemplars(&province, &[Nominated, Rejected], 10).map_err(err)?.len() == 2, "by state")?;
    check(store.exemplars(&province, &[Recognised], 10).map_err(err)?.is_empty(), "none recognised")?;
    check(store.exemplars(&county("桥西区"), &[Nominated, Rejected], 10).map_err(err)?.is_empty(), "another county")
}
