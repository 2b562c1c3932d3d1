//! The plan norms of communities (商服贸函〔2018〕157号 三(二)): in a new
//! community (新建社区), commercial and comprehensive service facilities of
//! at least 10% of its total floor area; in every community, at least 30 m²
//! of comprehensive service facilities (社区综合服务设施) per 100 households.
//! Both are the community's, computed from its record, never from one
//! centre's floor area.

use crate::catalog::communities::Community;
use serde::Serialize;

pub const MIN_FACILITY_RATIO: f64 = 0.10;
pub const MIN_M2_PER_100_HOUSEHOLDS: f64 = 30.0;

/// One community's norms; null where a recorded figure is missing (not a fail).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CommunityNorms {
    pub code: String,
    pub name: String,
    pub is_new: bool,
    /// Facilities ÷ total floor area: new communities only (none for an existing one).
    pub facility_ratio: Option<f64>,
    pub ratio_ok: Option<bool>,
    /// 社区综合服务设施 m² per 100 households.
    pub service_per_100_households_m2: Option<f64>,
    pub per_100_ok: Option<bool>,
}

pub fn community_norms(c: &Community) -> CommunityNorms {
    let ratio = match c.is_new {
        true => c.facility_area_m2.zip(c.total_floor_area_m2.filter(|t| *t > 0.0)).map(|(f, t)| f / t),
        false => None,
    };
    let per_100 = c.service_facility_area_m2.zip(c.households.filter(|h| *h > 0.0)).map(|(a, h)| a / h * 100.0);
    CommunityNorms {
        code: c.code.clone(),
        name: c.name.clone(),
        is_new: c.is_new,
        facility_ratio: ratio.map(|r| (r * 10_000.0).round() / 10_000.0),
        ratio_ok: ratio.map(|r| r >= MIN_FACILITY_RATIO),
        service_per_100_households_m2: per_100.map(|p| (p * 100.0).round() / 100.0),
        per_100_ok: per_100.map(|p| p >= MIN_M2_PER_100_HOUSEHOLDS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuncha_core::Region;

    fn community(is_new: bool) -> Community {
        // A large new estate: 250,000 m² for 2,800 households.
        Community {
            code: "S1".into(),
            name: "东关社区".into(),
            region: Region::default(),
            is_new,
            total_floor_area_m2: Some(250_000.0),
            facility_area_m2: Some(26_000.0),
            service_facility_area_m2: Some(900.0),
            households: Some(2_800.0),
            centre_code: Some("C1".into()),
        }
    }

    #[test]
    fn a_new_community_meets_both_norms_on_its_own_figures() {
        let n = community_norms(&community(true));
        assert_eq!((n.facility_ratio, n.ratio_ok), (Some(0.104), Some(true)));
        assert_eq!((n.service_per_100_households_m2, n.per_100_ok), (Some(32.14), Some(true)));
    }

    #[test]
    fn the_ten_percent_norm_is_for_new_communities_only_and_missing_figures_are_not_fails() {
        let old = community_norms(&community(false));
        assert_eq!((old.facility_ratio, old.ratio_ok), (None, None));
        let mut c = community(true);
        c.facility_area_m2 = Some(24_999.0);
        assert_eq!(community_norms(&c).ratio_ok, Some(false), "just under 10%");
        c.facility_area_m2 = Some(25_000.0);
        assert_eq!(community_norms(&c).ratio_ok, Some(true), "exactly 10% meets it");
        c.households = None;
        assert_eq!(community_norms(&c).per_100_ok, None);
        c.households = Some(3_001.0);
        assert_eq!(community_norms(&c).per_100_ok, Some(false), "900 m² for 3,001 households is under 30");
    }
}
