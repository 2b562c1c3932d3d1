//! Centres (便民消费服务中心) as registered by the commerce bureaus.

pub use crate::datum::Datum;
use serde::{Deserialize, Serialize};

/// The four inspectable centre types of the policy, section 二(一).
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreType {
    /// 社区便民服务中心 — urban community convenience service centre (Attachment 1).
    Community,
    /// 街区生活服务集聚中心 — street-block life service cluster (Attachment 2).
    Block,
    /// 乡（镇）生活综合服务中心 — township comprehensive life service centre (Attachment 3).
    Township,
    /// 村级生活综合服务站 — village-level comprehensive service station (Attachment 3).
    Village,
}

impl CentreType {
    pub const ALL: [CentreType; 4] = [Self::Community, Self::Block, Self::Township, Self::Village];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Community => "community",
            Self::Block => "block",
            Self::Township => "township",
            Self::Village => "village",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Community => "社区便民服务中心",
            Self::Block => "街区生活服务集聚中心",
            Self::Township => "乡（镇）生活综合服务中心",
            Self::Village => "村级生活综合服务站",
        }
    }
}

impl std::str::FromStr for CentreType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown centre type `{s}` (expected community, block, township or village)"))
    }
}

/// Construction status, the three columns of Attachment 4 (built / under construction / planned).
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreStatus {
    Planned,
    UnderConstruction,
    Built,
}

impl CentreStatus {
    pub const ALL: [CentreStatus; 3] = [Self::Built, Self::UnderConstruction, Self::Planned];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::UnderConstruction => "under_construction",
            Self::Built => "built",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Administrative location of a centre, by name or code at each level.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Region {
    pub province: String,
    pub city: String,
    pub county: String,
    #[serde(default)]
    pub township: String,
}

/// The registered facts about a centre that scoring needs. Figures the
/// inspector measures on site are answers in the inspection, not fields here.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Centre {
    pub code: String,
    pub name: String,
    pub centre_type: CentreType,
    pub region: Region,
    pub lat: f64,
    pub lon: f64,
    /// Radius of the geofence around the registered position, in metres.
    pub geofence_m: f64,
    /// Registered business floor area of the centre, m².
    #[serde(default)]
    pub floor_area_m2: Option<f64>,
    /// Total floor area of the community the centre serves, m² (plan norm: facilities ≥ 10% of it).
    #[serde(default)]
    pub community_floor_area_m2: Option<f64>,
    #[serde(default)]
    pub households: Option<f64>,
    #[serde(default)]
    pub population_served: Option<f64>,
    pub status: CentreStatus,
    /// 东中部 or 西部 when set by the county; otherwise the province decides
    /// (see [`Centre::zone`]). SB/T 10393-2005 sets village shops by zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub zone: Option<Zone>,
    /// The datum the position was entered in; `lat`/`lon` are always WGS-84.
    #[serde(default, skip_serializing_if = "Datum::is_wgs84")]
    #[ts(optional, as = "Option<Datum>")]
    pub datum: Datum,
}

impl Centre {
    /// The zone the centre's standards follow: the county's setting, else its province's.
    pub fn zone(&self) -> Zone {
        self.zone.unwrap_or_else(|| Zone::of_province(&self.region.province))
    }
}

/// The two zones of the national rural shop standard (SB/T 10393-2005
/// 《农家店建设与改造规范》): 东中部 (eastern and central) and 西部 (western).
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    EastCentral,
    West,
}

/// The twelve provinces of the 西部大开发 programme.
const WESTERN_PROVINCES: [&str; 12] =
    ["重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "内蒙古", "广西"];

impl Zone {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EastCentral => "east_central",
            Self::West => "west",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "east_central" | "东中部" => Some(Self::EastCentral),
            "west" | "西部" => Some(Self::West),
            _ => None,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::EastCentral => "东中部",
            Self::West => "西部",
        }
    }

    /// The zone of a province by name (`四川省`, `广西壮族自治区`…).
    /// Counties of other provinces that enjoy western treatment (湘西, 恩施…)
    /// are set on the centre.
    pub fn of_province(province: &str) -> Self {
        if WESTERN_PROVINCES.iter().any(|p| province.starts_with(p)) { Self::West } else { Self::EastCentral }
    }
}

/// A field of the centre record a computed item may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreField {
    FloorAreaM2,
    CommunityFloorAreaM2,
    Households,
    PopulationServed,
}

impl CentreField {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "floor_area_m2" => Self::FloorAreaM2,
            "community_floor_area_m2" => Self::CommunityFloorAreaM2,
            "households" => Self::Households,
            "population_served" => Self::PopulationServed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FloorAreaM2 => "floor_area_m2",
            Self::CommunityFloorAreaM2 => "community_floor_area_m2",
            Self::Households => "households",
            Self::PopulationServed => "population_served",
        }
    }

    pub fn read(self, centre: &Centre) -> Option<f64> {
        match self {
            Self::FloorAreaM2 => centre.floor_area_m2,
            Self::CommunityFloorAreaM2 => centre.community_floor_area_m2,
            Self::Households => centre.households,
            Self::PopulationServed => centre.population_served,
        }
    }
}
