//! Conformance of the registry's communities.

use super::{check, county, err};
use crate::catalog::communities::Community;
use crate::db::Store;
use xuncha_core::Region;

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

pub(super) fn communities(store: &dyn Store) -> Result<(), String> {
    super::centre(store, "C1", "长安区")?;
    let rows = [community("S1", Some("C1")), community("S2", Some("C1")), community("S3", None)];
    check(store.upsert_communities(&rows, 5).map_err(err)? == 3, "three stored")?;
    let served = store.communities_served(&["C1".into(), "C9".into()]).map_err(err)?;
    check(served.len() == 2 && served.iter().zip(&rows).all(|(a, b)| a == b), "C1's two, read back whole")?;
    let mut changed = community("S2", None);
    changed.households = Some(3_000.0);
    store.upsert_communities(&[changed], 6).map_err(err)?;
    check(store.communities_served(&["C1".into()]).map_err(err)?.len() == 1, "a re-import replaces by code")?;
    check(store.communities_served(&["C9".into()]).map_err(err)?.is_empty(), "a centre serving none")
}
