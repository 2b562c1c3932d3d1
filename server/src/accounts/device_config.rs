//! What an enrolled device learns from its server besides the catalog: the
//! photo format the deployment wants, the server's public key, and a fresh
//! enrolment certificate (signed by the server's key, valid `CERT_DAYS`)
//! that the device shows another device of this server during a hand-off on
//! site, offline.

use super::store::Scope;
use super::{AccountError, Accounts, DeviceAuth};
use automerge::ActorId;
use serde::{Deserialize, Serialize};
use xuncha_core::certificate::{CertificateBody, DeviceCertificate};
use xuncha_core::evidence::SigningKey;
use xuncha_core::photo::PhotoFormat;

/// How long a certificate lets a device prove itself offline: a device
/// syncs at least this often in practice, and renews it each time.
pub const CERT_DAYS: i64 = 30;

/// The deployment's photo settings (`[photos]` in the configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhotoSettings {
    /// `webp` (the default) or `jpeg`, for other systems that cannot read WebP.
    pub format: PhotoFormat,
    /// libwebp's quality (1–100) when the format is WebP.
    pub webp_quality: u8,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        Self { format: PhotoFormat::Webp, webp_quality: xuncha_core::photo::WEBP_QUALITY }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeviceConfig {
    pub device: i64,
    #[schema(value_type = String)]
    pub photo_format: PhotoFormat,
    pub webp_quality: u8,
    /// The server's Ed25519 public key (hex): it verifies other devices' certificates.
    pub server_key: String,
    /// None for a device enrolled without a key (an app before signing).
    #[schema(value_type = Option<Object>)]
    pub certificate: Option<DeviceCertificate>,
}

impl Accounts {
    /// The server's certificate-signing key, read (or made, once for every
    /// instance) from the store on first use.
    async fn server_key(&self) -> Result<SigningKey, AccountError> {
        if let Some(key) = self.server_key.get() {
            return Ok(key.clone());
        }
        let store = self.store.clone();
        let seed = tokio::task::spawn_blocking(move || {
            store.server_signing_key(&rand::random::<[u8; 32]>(), crate::storage::now_ms())
        })
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))??;
        Ok(self.server_key.get_or_init(|| SigningKey::from_bytes(&seed)).clone())
    }

    pub async fn device_config(&self, auth: &DeviceAuth) -> Result<DeviceConfig, AccountError> {
        let key = self.server_key().await?;
        let server_key = hex::encode(key.verifying_key().to_bytes());
        let certificate = match auth.device.public_key {
            None => None,
            Some(device_key) => {
                let now = crate::storage::now_ms();
                let body = CertificateBody {
                    server_key: server_key.clone(),
                    device: auth.device.id,
                    device_key: hex::encode(device_key),
                    username: auth.user.username.clone(),
                    display_name: auth.user.display_name.clone(),
                    actors: auth.device.actors.iter().map(ActorId::to_hex_string).collect(),
                    region: region(&auth.user.scope),
                    issued_at: now,
                    expires_at: now + CERT_DAYS * 86_400_000,
                };
                Some(DeviceCertificate::issue(&key, &body).map_err(|e| AccountError::Internal(e.to_string()))?)
            }
        };
        let photos = &self.config().photos;
        Ok(DeviceConfig {
            device: auth.device.id,
            photo_format: photos.format,
            webp_quality: photos.webp_quality.clamp(1, 100),
            server_key,
            certificate,
        })
    }
}

/// The region's levels, broadest first, as far as the scope goes.
fn region(s: &Scope) -> Vec<String> {
    [&s.province, &s.city, &s.county].into_iter().take_while(|l| !l.is_empty()).cloned().collect()
}
