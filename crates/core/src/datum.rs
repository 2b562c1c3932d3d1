//! Map datums of Chinese positions. Phones fix in WGS-84, but the positions
//! a bureau copies from a web map are usually on GCJ-02 (高德, 腾讯) or BD-09
//! (百度), 100–700 m off. The registry keeps every position in WGS-84 and
//! remembers which datum it was entered in; the conversion is the published
//! GCJ-02/BD-09 algorithm of the `coordtransform` crate (its inverse is
//! iterated to below a millimetre).

use serde::{Deserialize, Serialize};

/// The datum a position was taken in.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Datum {
    /// WGS-84, or CGCS2000 (国家大地坐标系), which differs from it by
    /// centimetres: GPS and BeiDou receivers, 天地图.
    #[default]
    Wgs84,
    /// GCJ-02 (国测局坐标, "火星坐标"): 高德, 腾讯 and most Chinese web maps.
    Gcj02,
    /// BD-09 (百度坐标): Baidu Maps.
    Bd09,
}

impl Datum {
    pub const ALL: [Datum; 3] = [Self::Wgs84, Self::Gcj02, Self::Bd09];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wgs84 => "wgs84",
            Self::Gcj02 => "gcj02",
            Self::Bd09 => "bd09",
        }
    }

    /// Reads `wgs84` (also `cgcs2000`), `gcj02` or `bd09`; an empty field is WGS-84.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "" | "wgs84" | "cgcs2000" => Some(Self::Wgs84),
            "gcj02" => Some(Self::Gcj02),
            "bd09" => Some(Self::Bd09),
            _ => None,
        }
    }

    pub fn is_wgs84(&self) -> bool {
        *self == Self::Wgs84
    }

    /// The WGS-84 position of `(lat, lon)` given in this datum. Outside
    /// mainland China the Chinese datums apply no offset, so neither does this.
    pub fn to_wgs84(self, lat: f64, lon: f64) -> (f64, f64) {
        let (lon, lat) = match self {
            Self::Wgs84 => (lon, lat),
            Self::Gcj02 => coordtransform::gcj02_to_wgs84(lon, lat),
            Self::Bd09 => coordtransform::bd09_to_wgs84(lon, lat),
        };
        (lat, lon)
    }

    /// The position in this datum of a WGS-84 `(lat, lon)`: what the map the
    /// position came from shows, for display next to the stored value.
    pub fn from_wgs84(self, lat: f64, lon: f64) -> (f64, f64) {
        let (lon, lat) = match self {
            Self::Wgs84 => (lon, lat),
            Self::Gcj02 => coordtransform::wgs84_to_gcj02(lon, lat),
            Self::Bd09 => coordtransform::wgs84_to_bd09(lon, lat),
        };
        (lat, lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Haversine, Point};

    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
    }

    // The reference points published with eviltransform (the common test
    // vectors of the GCJ-02 algorithm): WGS-84 lat, lon → GCJ-02 lat, lon.
    const GCJ: [((f64, f64), (f64, f64)); 3] = [
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)), // Shanghai
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)), // Shenzhen
        ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)), // Beijing
    ];
    // BD-09 lat, lon (Tiananmen on Baidu Maps) → GCJ-02 and WGS-84, the
    // example published with the coordtransform libraries (wandergis's
    // JavaScript one and its ports).
    const BD: (f64, f64) = (39.915, 116.404);
    const BD_AS_GCJ: (f64, f64) = (39.90865673957631, 116.39762729119315);
    const BD_AS_WGS: (f64, f64) = (39.907253214522164, 116.3913836995125);

    #[test]
    fn gcj02_reference_points_convert_to_within_5_m() {
        for (wgs, gcj) in GCJ {
            assert!(metres(Datum::Gcj02.from_wgs84(wgs.0, wgs.1), gcj) < 0.01, "forward {wgs:?}");
            let back = Datum::Gcj02.to_wgs84(gcj.0, gcj.1);
            assert!(metres(back, wgs) < 5.0, "{gcj:?} → {back:?}, {} m off", metres(back, wgs));
            // The datums really differ by hundreds of metres here.
            assert!(metres(wgs, gcj) > 100.0);
        }
    }

    #[test]
    fn bd09_reference_point_converts_to_within_5_m() {
        let got = Datum::Bd09.to_wgs84(BD.0, BD.1);
        assert!(metres(got, BD_AS_WGS) < 5.0, "{got:?} is {} m off", metres(got, BD_AS_WGS));
        let back = Datum::Bd09.from_wgs84(got.0, got.1);
        assert!(metres(back, BD) < 0.01, "round trip {back:?}");
        // Through GCJ-02 the same point lands where the published GCJ-02 value is.
        let gcj = Datum::Gcj02.from_wgs84(got.0, got.1);
        assert!(metres(gcj, BD_AS_GCJ) < 5.0, "{gcj:?}");
        assert!(metres(BD, BD_AS_WGS) > 100.0);
    }

    #[test]
    fn wgs84_is_unchanged_and_abroad_nothing_moves() {
        assert_eq!(Datum::Wgs84.to_wgs84(38.04, 114.51), (38.04, 114.51));
        // Seoul is outside the GCJ-02 region.
        let seoul = (37.5665, 126.978);
        assert!(metres(Datum::Gcj02.to_wgs84(seoul.0, seoul.1), seoul) < 0.01);
    }

    #[test]
    fn names_parse() {
        assert_eq!(Datum::parse("GCJ-02"), Some(Datum::Gcj02));
        assert_eq!(Datum::parse("bd09"), Some(Datum::Bd09));
        assert_eq!(Datum::parse("CGCS2000"), Some(Datum::Wgs84));
        assert_eq!(Datum::parse(""), Some(Datum::Wgs84));
        assert_eq!(Datum::parse("utm"), None);
    }
}
