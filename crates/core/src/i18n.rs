//! Bilingual text: every label a user sees exists in zh-CN and English.

use serde::{Deserialize, Serialize};

/// A label in simplified Chinese (the product's default) and English.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct I18n {
    pub zh: String,
    pub en: String,
}

impl I18n {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    /// The language that is missing, if any (empty or whitespace only).
    pub fn missing_language(&self) -> Option<&'static str> {
        if self.zh.trim().is_empty() {
            Some("zh")
        } else if self.en.trim().is_empty() {
            Some("en")
        } else {
            None
        }
    }

    pub fn max_len(&self) -> usize {
        self.zh.chars().count().max(self.en.chars().count())
    }
}

/// Reads a text written either as `{ zh, en }` or, in older templates, as
/// one string, which then stands for both languages.
pub fn text_or_i18n<'de, D: serde::Deserializer<'de>>(d: D) -> Result<I18n, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Both(I18n),
        One(String),
    }
    match Either::deserialize(d) {
        Ok(Either::Both(t)) => Ok(t),
        Ok(Either::One(s)) => Ok(I18n { zh: s.clone(), en: s }),
        Err(_) => Err(serde::de::Error::custom("expected a text `{ zh = \"…\", en = \"…\" }` or a string")),
    }
}
