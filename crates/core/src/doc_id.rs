//! Document ids: 16 random bytes shown as automerge-repo style URLs
//! (`automerge:<bs58check>`), so an automerge-repo peer could join later.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const PREFIX: &str = "automerge:";

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(try_from = "String", into = "String")]
#[ts(as = "String")]
pub struct DocumentId([u8; 16]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a document id (expected automerge:<base58check of 16 bytes>)")]
pub struct BadDocumentId(String);

impl DocumentId {
    pub fn random() -> Self {
        Self(rand::random())
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", bs58::encode(self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for DocumentId {
    type Err = BadDocumentId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadDocumentId(s.chars().take(80).collect());
        let body = s.strip_prefix(PREFIX).ok_or_else(bad)?;
        if body.len() > 40 {
            return Err(bad());
        }
        let bytes = bs58::decode(body).with_check(None).into_vec().map_err(|_| bad())?;
        bytes.try_into().map(Self).map_err(|_| bad())
    }
}

impl TryFrom<String> for DocumentId {
    type Error = BadDocumentId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DocumentId> for String {
    fn from(id: DocumentId) -> String {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let id = DocumentId::random();
        let s = id.to_string();
        assert!(s.starts_with("automerge:"));
        assert_eq!(s.parse::<DocumentId>().unwrap(), id);
        for bad in ["", "automerge:", "automerge:abc", "x:1234", &s.replace("automerge:", "automerge:1")] {
            assert!(bad.parse::<DocumentId>().is_err(), "{bad}");
        }
    }
}
