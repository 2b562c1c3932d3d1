//! On-site verification against a centre's registered position and geofence.
//! No map tiles are needed: distance, bearing and accuracy are enough for the
//! inspector's panel and the supervisor's report.

use crate::Centre;
use crate::document::{FixSource, GpsFix};
use crate::template::LocationRule;
use geo::{Bearing, Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

/// One fix measured against the centre.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixCheck {
    pub distance_m: f64,
    /// Direction from the fix to the centre, degrees clockwise from north.
    pub bearing_deg: f64,
    pub accuracy_m: f64,
    pub inside_fence: bool,
    pub accurate_enough: bool,
    pub source: FixSource,
    pub mock: bool,
    pub at: i64,
}

impl FixCheck {
    /// Whether this fix proves presence: inside, accurate, and not typed in.
    pub fn proves_presence(&self) -> bool {
        self.inside_fence && self.accurate_enough && self.source != FixSource::Manual
    }
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnSiteStatus {
    /// A fix inside the geofence at the required accuracy.
    Verified,
    NoFix,
    /// Only hand-entered positions, which never prove presence.
    OnlyManual,
    /// Fixes inside the fence, but none accurate enough.
    Inaccurate,
    OutsideFence,
    /// The centre's registered position is not a valid coordinate.
    CentreWithoutPosition,
}

/// The report's on-site verdict. Not verified means flagged for the
/// supervisor, never blocked: external receivers look like mock locations.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnSite {
    pub status: OnSiteStatus,
    pub verified: bool,
    /// The fix that verified, or else the closest valid one.
    pub best: Option<FixCheck>,
    /// The verifying fix was reported as a mock location by the OS.
    pub mock_location: bool,
}

pub fn valid_coordinate(lat: f64, lon: f64) -> bool {
    lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Measures one fix against the centre; `None` when either position is invalid.
pub fn check_fix(centre: &Centre, fix: &GpsFix, rule: &LocationRule) -> Option<FixCheck> {
    if !valid_coordinate(centre.lat, centre.lon) || !valid_coordinate(fix.lat, fix.lon) {
        return None;
    }
    if !fix.accuracy_m.is_finite() || fix.accuracy_m < 0.0 {
        return None;
    }
    let here = Point::new(fix.lon, fix.lat);
    let there = Point::new(centre.lon, centre.lat);
    let distance_m = Haversine.distance(here, there);
    Some(FixCheck {
        distance_m,
        bearing_deg: if distance_m > 0.0 { Haversine.bearing(here, there) } else { 0.0 },
        accuracy_m: fix.accuracy_m,
        inside_fence: distance_m <= centre.geofence_m,
        accurate_enough: fix.accuracy_m <= rule.required_accuracy_m,
        source: fix.source,
        mock: fix.mock.unwrap_or(false),
        at: fix.at,
    })
}

/// The on-site verdict over all fixes of an inspection.
pub fn verify_on_site(centre: &Centre, fixes: &[GpsFix], rule: &LocationRule) -> OnSite {
    if !valid_coordinate(centre.lat, centre.lon) {
        return OnSite {
            status: OnSiteStatus::CentreWithoutPosition,
            verified: false,
            best: None,
            mock_location: false,
        };
    }
    let checks: Vec<FixCheck> = fixes.iter().filter_map(|f| check_fix(centre, f, rule)).collect();
    // Prefer a proving fix that is not a mock, then the closest one.
    let proving = checks
        .iter()
        .filter(|c| c.proves_presence())
        .min_by(|a, b| a.mock.cmp(&b.mock).then(a.distance_m.total_cmp(&b.distance_m)));
    if let Some(best) = proving {
        return OnSite {
            status: OnSiteStatus::Verified,
            verified: true,
            best: Some(best.clone()),
            mock_location: best.mock,
        };
    }
    let measured: Vec<&FixCheck> = checks.iter().filter(|c| c.source != FixSource::Manual).collect();
    let status = if checks.is_empty() {
        OnSiteStatus::NoFix
    } else if measured.is_empty() {
        OnSiteStatus::OnlyManual
    } else if measured.iter().any(|c| c.inside_fence) {
        OnSiteStatus::Inaccurate
    } else {
        OnSiteStatus::OutsideFence
    };
    let best = checks.iter().min_by(|a, b| a.distance_m.total_cmp(&b.distance_m)).cloned();
    OnSite { status, verified: false, best, mock_location: false }
}
