//! The device's secrets: the server's token and the Ed25519 key that signs
//! its evidence. They live apart from the store (whose file is copied for
//! support and backups): on desktop in `device-secrets.json` beside it,
//! readable by the user alone (mode 0600), written whole through a temporary
//! file. A phone build puts them in the platform keystore instead
//! (docs/app.md#secrets); this file is the desktop's and the tests' place.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use xuncha_core::evidence::SigningKey;

pub const FILE_NAME: &str = "device-secrets.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secrets {
    /// The bearer token the server gave at enrolment.
    #[serde(default)]
    pub token: Option<String>,
    /// The 32-byte seed of the device's signing key, hex.
    #[serde(default)]
    pub signing_key: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("the device's secrets cannot be read or written ({path}): {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("the device's secrets file {0} is damaged; enrol this device again")]
    Damaged(PathBuf),
}

impl Secrets {
    fn path(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    /// The secrets in `dir` (none yet: empty).
    pub fn load(dir: &Path) -> Result<Self, SecretsError> {
        let path = Self::path(dir);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| SecretsError::Damaged(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(SecretsError::Io { path, reason: e.to_string() }),
        }
    }

    /// Writes the secrets whole: a crash leaves the old file or the new one.
    pub fn save(&self, dir: &Path) -> Result<(), SecretsError> {
        let path = Self::path(dir);
        let io = |e: std::io::Error| SecretsError::Io { path: path.clone(), reason: e.to_string() };
        let tmp = dir.join(format!("{FILE_NAME}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(io)?;
        let json = serde_json::to_vec(self).map_err(|e| io(std::io::Error::other(e)))?;
        file.write_all(&json).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    pub fn signing_key(&self) -> Option<SigningKey> {
        let seed: [u8; 32] = hex::decode(self.signing_key.as_deref()?).ok()?.try_into().ok()?;
        Some(SigningKey::from_bytes(&seed))
    }

    /// A new key from the operating system's generator (through `rand`'s
    /// thread generator, a CSPRNG seeded from it).
    pub fn new_signing_key() -> SigningKey {
        SigningKey::from_bytes(&rand::random::<[u8; 32]>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Secrets::load(dir.path()).unwrap(), Secrets::default());
        let key = Secrets::new_signing_key();
        let s = Secrets { token: Some("t0k".into()), signing_key: Some(hex::encode(key.to_bytes())) };
        s.save(dir.path()).unwrap();
        let back = Secrets::load(dir.path()).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.signing_key().unwrap().verifying_key(), key.verifying_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        assert!(matches!(Secrets::load(dir.path()), Err(SecretsError::Damaged(_))));
    }
}
