//! Why an inspection is made (检查类型). Shared by the document, which
//! records it, and templates, which may serve chosen purposes.

use serde::{Deserialize, Serialize};

/// Why an inspection is made. Fixed when it is created; a centre may have
/// one inspection per purpose and quarter (co-inspectors of one task share
/// it), and more than one follow-up.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 日常巡查
    #[default]
    Routine,
    /// 双随机抽查
    Random,
    /// 认定核查/验收
    Recognition,
    /// 专项检查
    Thematic,
    /// 复查
    FollowUp,
}

impl Purpose {
    pub const ALL: [Self; 5] = [Self::Routine, Self::Random, Self::Recognition, Self::Thematic, Self::FollowUp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Routine => "routine",
            Self::Random => "random",
            Self::Recognition => "recognition",
            Self::Thematic => "thematic",
            Self::FollowUp => "follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The name officials use.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Routine => "日常巡查",
            Self::Random => "双随机抽查",
            Self::Recognition => "认定核查",
            Self::Thematic => "专项检查",
            Self::FollowUp => "复查",
        }
    }
}
