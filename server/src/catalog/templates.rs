//! The evaluation templates the server knows: the built-in ones and the
//! provincial variants administrators upload. Templates are immutable once
//! known (a change is a new version), so their ETags never go stale.

use super::store::{CatalogStore, VariantRow};
use crate::storage::StoreResult;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use xuncha_core::Centre;
use xuncha_core::document::Purpose;
use xuncha_core::template::{Template, TemplateRef, builtin_templates};

#[derive(Debug, Clone)]
pub struct KnownTemplate {
    pub template: Arc<Template>,
    pub json: Arc<str>,
    pub etag: String,
}

#[derive(Debug, Default)]
pub struct Templates {
    by_ref: RwLock<BTreeMap<TemplateRef, KnownTemplate>>,
}

fn known(template: Template) -> KnownTemplate {
    let json = serde_json::to_string(&template).unwrap_or_default();
    let etag = etag_of(json.as_bytes());
    KnownTemplate { template: Arc::new(template), json: json.into(), etag }
}

impl Templates {
    /// The built-in templates and every stored variant.
    pub fn load(store: &dyn CatalogStore) -> StoreResult<Self> {
        let this = Self::default();
        // The built-in templates are checked by the test suite; a broken one
        // here would be a build defect, so it is logged and skipped.
        match builtin_templates() {
            Ok(list) => list.into_iter().for_each(|t| this.insert(t)),
            Err(e) => tracing::error!(%e, "built-in templates are invalid"),
        }
        for v in store.variants()? {
            match serde_json::from_str::<Template>(&v.json) {
                Ok(t) => this.insert(t),
                Err(e) => tracing::error!(template = %v.template, %e, "stored variant unreadable"),
            }
        }
        Ok(this)
    }

    pub fn insert(&self, t: Template) {
        if let Ok(mut map) = self.by_ref.write() {
            map.insert(t.reference(), known(t));
        }
    }

    pub fn get(&self, r: &TemplateRef) -> Option<KnownTemplate> {
        self.by_ref.read().ok()?.get(r).cloned()
    }

    pub fn all(&self) -> Vec<KnownTemplate> {
        self.by_ref.read().map(|m| m.values().cloned().collect()).unwrap_or_default()
    }

    /// The template a new inspection of `centre` for `purpose` uses: the
    /// newest of its province's variants made for that purpose, else of its
    /// province's general variants, else the newest built-in one.
    pub fn for_centre(&self, centre: &Centre, purpose: Purpose) -> Option<KnownTemplate> {
        let map = self.by_ref.read().ok()?;
        let of_type =
            || map.values().filter(|k| k.template.centre_type == centre.centre_type && k.template.serves(purpose));
        let newest = |it: Vec<&KnownTemplate>| it.into_iter().max_by_key(|k| k.template.version).cloned();
        let province = Some(centre.region.province.as_str());
        let local = || of_type().filter(|k| k.template.province.as_deref() == province);
        newest(local().filter(|k| !k.template.purposes.is_empty()).collect())
            .or_else(|| newest(local().collect()))
            .or_else(|| newest(of_type().filter(|k| k.template.province.is_none()).collect()))
    }

    /// Whether an inspection a device starts for `centre` may use `t`: its
    /// type, built in or a variant of the centre's province, and not a
    /// follow-up's (the server makes those for one task).
    pub fn fits(t: &Template, centre: &Centre) -> bool {
        t.centre_type == centre.centre_type
            && t.province.as_deref().is_none_or(|p| p == centre.region.province)
            && !t.is_follow_up()
    }
}

/// A strong ETag: the first 128 bits of the content's SHA-256.
pub fn etag_of(bytes: &[u8]) -> String {
    let hex = hex::encode(Sha256::digest(bytes));
    format!("\"{}\"", hex.get(..32).unwrap_or(&hex))
}

pub fn variant_row(t: &Template, source: &str, by: &str, now: i64) -> VariantRow {
    VariantRow {
        template: t.reference(),
        province: t.province.clone().unwrap_or_default(),
        centre_type: t.centre_type,
        source: source.to_owned(),
        json: serde_json::to_string(t).unwrap_or_default(),
        created_by: by.to_owned(),
        created_at: now,
    }
}
