//! Conformance of the registry's communities and dated statuses.

use super::{check, county, err};
use crate::catalog::communities::Community;
use crate::db::Store;
use xuncha_core::{CentreStatus, Region};

fn community(code: &str, centre: Option<&str>) -> Community {
    let s = county("长安区");
    Community {
        code: code.into(),
        name: format!("{code}社区"),
        region: Region { province: s.province, city: s.city, county: s.county, township: "建北街道".into() },
        is_new: code.ends_with('1'),
        total_floor_area_m2: Some(250_000.0),
        facility_area_m2: Some(26_000.0),
        service_facility_area_m2: None,
        households: Some(2_800.0),
        centre_code: centre.map(str::to_owned),
    }
}

pub(super) fn communities_and_dated_statuses(store: &dyn Store) -> Result<(), String> {
    super::centre(store, "C1", "长安区")?;
    let rows = [community("S1", Some("C1")), community("S2", Some("C1")), community("S3", None)];
    check(store.upsert_communities(&rows, 5).map_err(err)? == 3, "three stored")?;
    let served = store.communities_served(&["C1".into(), "C9".into()]).map_err(err)?;
    check(served.len() == 2 && served.iter().zip(&rows).all(|(a, b)| a == b), "C1's two, read back whole")?;
    let mut changed = community("S2", None);
    changed.households = Some(3_000.0);
    store.upsert_communities(&[changed], 6).map_err(err)?;
    check(store.communities_served(&["C1".into()]).map_err(err)?.len() == 1, "a re-import replaces by code")?;

    // C1 was imported (at 1) as built; the registry dates it built since 100.
    let scope = county("长安区");
    check(store.statuses_at(&scope, 50, false).map_err(err)?.get("C1") == Some(&CentreStatus::Built), "import time")?;
    store.date_statuses(&[("C1".into(), CentreStatus::UnderConstruction, 0)]).map_err(err)?;
    store.date_statuses(&[("C1".into(), CentreStatus::Built, 100)]).map_err(err)?;
    let at = |t: i64, or_first: bool| store.statuses_at(&scope, t, or_first).map_err(err);
    check(at(50, false)?.get("C1") == Some(&CentreStatus::Built), "the import's own record at 1 still stands")?;
    super::centre(store, "C2", "长安区")?;
    store.date_statuses(&[("C2".into(), CentreStatus::Built, 1_000)]).map_err(err)?;
    check(at(500, true)?.get("C2") == Some(&CentreStatus::Built), "with or_first, the first record stands in")?;
    check(!at(0, false)?.contains_key("C2"), "without it, nothing is known of C2 that early")
}
