//! What the device's server tells it besides the catalog
//! (`GET /api/v1/devices/current`): the photo format the deployment wants,
//! the server's public key and this device's enrolment certificate, kept
//! typed in the store and renewed at every catalog refresh.

use crate::store::settings::{Json, Setting};
use crate::store::{Store, StoreResult};
use serde::{Deserialize, Serialize};
use xuncha_core::certificate::DeviceCertificate;
use xuncha_core::photo::{PhotoFormat, PhotoLimits};

/// The setting that keeps it (the other settings are in `store::settings`).
pub const DEVICE_CONFIG: Setting<Json<DeviceConfig>> = Setting::new("device_config");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceConfig {
    pub device: i64,
    pub photo_format: PhotoFormat,
    pub webp_quality: u8,
    pub server_key: String,
    #[serde(default)]
    pub certificate: Option<DeviceCertificate>,
}

impl DeviceConfig {
    /// How this device processes a photo: the server's format and quality
    /// within the default limits.
    pub fn photo_limits(config: Option<&Self>) -> PhotoLimits {
        let defaults = PhotoLimits::default();
        match config {
            Some(c) => PhotoLimits { format: c.photo_format, webp_quality: c.webp_quality.clamp(1, 100), ..defaults },
            None => defaults,
        }
    }
}

impl Store {
    pub fn device_config(&self) -> StoreResult<Option<DeviceConfig>> {
        Ok(self.get(&DEVICE_CONFIG)?.map(|Json(c)| c))
    }

    pub fn set_device_config(&self, config: &DeviceConfig) -> StoreResult<()> {
        self.put(&DEVICE_CONFIG, &Json(config.clone()))
    }
}
