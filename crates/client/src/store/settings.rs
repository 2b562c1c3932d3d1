//! The device's settings, typed: each has one name and one type here, and
//! the store's `settings` table is read and written only through them. A
//! value that no longer reads as its type is reported as damaged, never
//! taken for absent. The stored text of each stays what earlier versions
//! wrote (plain text and numbers, JSON for records), so no migration.

use super::{Store, StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// How a setting's value is kept as text.
pub trait SettingValue: Sized {
    fn encode(&self) -> Result<String, String>;
    fn decode(text: &str) -> Result<Self, String>;
}

impl SettingValue for String {
    fn encode(&self) -> Result<String, String> {
        Ok(self.clone())
    }
    fn decode(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
}

impl SettingValue for i64 {
    fn encode(&self) -> Result<String, String> {
        Ok(self.to_string())
    }
    fn decode(text: &str) -> Result<Self, String> {
        text.parse().map_err(|e| format!("{e}"))
    }
}

impl SettingValue for u64 {
    fn encode(&self) -> Result<String, String> {
        Ok(self.to_string())
    }
    fn decode(text: &str) -> Result<Self, String> {
        text.parse().map_err(|e| format!("{e}"))
    }
}

/// A record kept as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<T>(pub T);

impl<T: Serialize + DeserializeOwned> SettingValue for Json<T> {
    fn encode(&self) -> Result<String, String> {
        serde_json::to_string(&self.0).map_err(|e| e.to_string())
    }
    fn decode(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map(Json).map_err(|e| e.to_string())
    }
}

/// A named setting of type `T`.
#[derive(Debug)]
pub struct Setting<T> {
    pub key: &'static str,
    kind: PhantomData<fn() -> T>,
}

impl<T> Setting<T> {
    pub const fn new(key: &'static str) -> Self {
        Self { key, kind: PhantomData }
    }
}

/// The server this device enrolled with.
pub const SERVER_URL: Setting<String> = Setting::new("server_url");
/// The device's id on that server.
pub const DEVICE_ID: Setting<i64> = Setting::new("device_id");
/// Who uses the device (set at enrolment): the actor id (hex) and the user.
pub const ACTOR: Setting<String> = Setting::new("actor");
pub const USERNAME: Setting<String> = Setting::new("username");
pub const DISPLAY_NAME: Setting<String> = Setting::new("display_name");
/// The language chosen on the device (`zh-CN` or `en`).
pub const LANGUAGE: Setting<String> = Setting::new("language");
/// The change-feed cursor: stored only after what it covers is stored.
pub const CURSOR: Setting<u64> = Setting::new("cursor");
/// When the last sync succeeded (ms since the epoch).
pub const LAST_SYNC: Setting<i64> = Setting::new("last_sync_at");
/// The newest position this device recorded, for distances on the list.
pub const LAST_FIX: Setting<Json<xuncha_core::document::GpsFix>> = Setting::new("last_fix");
/// Where stores before version 0.1's secrets file kept the token.
pub const LEGACY_TOKEN: Setting<String> = Setting::new("token");

impl Store {
    pub fn get<T: SettingValue>(&self, s: &Setting<T>) -> StoreResult<Option<T>> {
        match self.setting(s.key)? {
            None => Ok(None),
            Some(text) => {
                T::decode(&text).map(Some).map_err(|e| StoreError::Damaged(format!("setting {}: {e}", s.key)))
            }
        }
    }

    pub fn put<T: SettingValue>(&self, s: &Setting<T>, value: &T) -> StoreResult<()> {
        let text = value.encode().map_err(|e| StoreError::Damaged(format!("setting {}: {e}", s.key)))?;
        self.set_setting(s.key, &text)
    }

    pub fn remove<T>(&self, s: &Setting<T>) -> StoreResult<()> {
        self.delete_setting(s.key)
    }
}
