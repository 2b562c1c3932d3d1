//! The catalogue service: centres within a user's region, the registry's
//! CSV import, and the templates a user may use, with provincial variants
//! published by a province's administrators.

use super::communities::{Community, parse_communities};
use super::import::{ImportError, parse_centres, store_centres};
use super::store::CatalogStore;
use super::templates::{KnownTemplate, Templates, variant_row};
use crate::accounts::store::{Role, User};
use crate::config::Limits;
use crate::storage::{StoreError, now_ms};
use std::sync::Arc;
use xuncha_core::Centre;
use xuncha_core::template::{TemplateRef, parse_variant, resolve_variant};

pub struct Catalog {
    store: Arc<dyn CatalogStore>,
    templates: Arc<Templates>,
    limits: Limits,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A file with bad rows: one entry per problem (`line N: …`); nothing was imported.
    #[error("{} problems; nothing was imported", .0.len())]
    BadRows(Vec<String>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, CatalogError>;

fn outside() -> CatalogError {
    CatalogError::Forbidden("this is outside your role or region".into())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| CatalogError::Internal(e.to_string()))?
}

impl Catalog {
    pub fn new(store: Arc<dyn CatalogStore>, templates: Arc<Templates>, limits: Limits) -> Self {
        Self { store, templates, limits }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// A centre in the user's region.
    pub async fn centre(self: &Arc<Self>, user: &User, code: String) -> R<Centre> {
        let this = self.clone();
        let centre = blocking(move || Ok(this.store.centre(&code)?)).await?.ok_or(CatalogError::NotFound("centre"))?;
        if !user.scope.covers(&centre.region) {
            return Err(outside());
        }
        Ok(centre)
    }

    /// Imports a registry CSV (administrators; every row within their region,
    /// and a centre moved only by someone who oversees where it is now). Any
    /// bad row refuses the whole file.
    pub async fn import(self: &Arc<Self>, user: &User, csv: &[u8]) -> R<usize> {
        if user.role != Role::Administrator {
            return Err(outside());
        }
        let rows =
            parse_centres(csv).map_err(|rows| CatalogError::BadRows(rows.iter().map(ToString::to_string).collect()))?;
        self.store_checked(user, rows).await
    }

    /// Registers or changes one centre from the form: the import's fields and
    /// rules (a position in GCJ-02 or BD-09 is stored in WGS-84). `code`
    /// names the centre the form is for.
    pub async fn save_centre(
        self: &Arc<Self>,
        user: &User,
        code: &str,
        fields: std::collections::BTreeMap<String, String>,
    ) -> R<Centre> {
        if user.role != Role::Administrator {
            return Err(outside());
        }
        let row = super::import::centre_from_form(&fields).map_err(CatalogError::BadRows)?;
        if row.centre.code != code {
            return Err(CatalogError::BadRows(vec!["`code` must be the centre's code in the address".into()]));
        }
        let centre = row.centre.clone();
        self.store_checked(user, vec![row]).await?;
        Ok(centre)
    }

    /// Stores checked rows when every centre, as it stands and as it was, is in the user's region.
    async fn store_checked(self: &Arc<Self>, user: &User, rows: Vec<super::import::ImportedCentre>) -> R<usize> {
        if let Some(c) = rows.iter().map(|r| &r.centre).find(|c| !user.scope.covers(&c.region)) {
            return Err(CatalogError::Forbidden(format!("centre `{}` is outside your region", c.code)));
        }
        let (this, scope) = (self.clone(), user.scope.clone());
        let n = blocking(move || {
            for c in rows.iter().map(|r| &r.centre) {
                if let Some(old) = this.store.centre(&c.code)?
                    && !scope.covers(&old.region)
                {
                    return Err(CatalogError::Forbidden(format!(
                        "centre `{}` is registered outside your region",
                        c.code
                    )));
                }
            }
            store_centres(this.store.as_ref(), &rows).map_err(|e| match e {
                ImportError::Store(e) => CatalogError::Store(e),
                ImportError::Rows(rows) => CatalogError::BadRows(rows.iter().map(ToString::to_string).collect()),
            })
        })
        .await?;
        tracing::info!(by = %user.username, n, "centres imported");
        Ok(n)
    }

    /// Imports community records (administrators; every row within their
    /// region, every centre named registered there). Any bad row refuses
    /// the whole file.
    pub async fn import_communities(self: &Arc<Self>, user: &User, csv: &[u8]) -> R<usize> {
        if user.role != Role::Administrator {
            return Err(outside());
        }
        let rows = parse_communities(csv)
            .map_err(|rows| CatalogError::BadRows(rows.iter().map(ToString::to_string).collect()))?;
        if let Some(c) = rows.iter().find(|c| !user.scope.covers(&c.region)) {
            return Err(CatalogError::Forbidden(format!("community `{}` is outside your region", c.code)));
        }
        let this = self.clone();
        let n = blocking(move || {
            let errors = centre_problems(this.store.as_ref(), &rows)?;
            if !errors.is_empty() {
                return Err(CatalogError::BadRows(errors));
            }
            Ok(this.store.upsert_communities(&rows, now_ms())?)
        })
        .await?;
        tracing::info!(by = %user.username, n, "communities imported");
        Ok(n)
    }

    /// The templates a user may use: the built-in ones and their province's
    /// variants (a follow-up's checklist belongs to its task, not this list).
    pub fn templates_for(&self, user: &User) -> Vec<KnownTemplate> {
        let province = &user.scope.province;
        self.templates
            .all()
            .into_iter()
            .filter(|k| province.is_empty() || k.template.province.as_deref().is_none_or(|p| p == province))
            .filter(|k| !k.template.is_follow_up())
            .collect()
    }

    /// One template version, when the user's province may use it. A
    /// follow-up's checklist quotes a centre's problems: only the task's
    /// inspectors and those overseeing the centre read it, and to anyone
    /// else it does not exist.
    pub async fn template(self: &Arc<Self>, user: &User, reference: &TemplateRef) -> R<KnownTemplate> {
        let k = self.templates.get(reference).ok_or(CatalogError::NotFound("template"))?;
        let province = &user.scope.province;
        if !province.is_empty() && k.template.province.as_deref().is_some_and(|p| p != province) {
            return Err(outside());
        }
        if !k.template.is_follow_up() {
            return Ok(k);
        }
        let (this, user, reference) = (self.clone(), user.clone(), reference.clone());
        let allowed = blocking(move || {
            let Some((code, inspectors)) = this.store.template_task(&reference)? else { return Ok(false) };
            let centre = this.store.centre(&code)?;
            Ok(inspectors.contains(&user.username) || centre.is_some_and(|c| user.oversees(&c.region)))
        })
        .await?;
        if allowed { Ok(k) } else { Err(CatalogError::NotFound("template")) }
    }

    /// Publishes a provincial variant (TOML) by an administrator of its
    /// province. Versions are immutable: an existing one is a conflict.
    pub async fn publish_variant(self: &Arc<Self>, user: &User, toml: &str) -> R<KnownTemplate> {
        if user.role != Role::Administrator {
            return Err(outside());
        }
        let variant = parse_variant("upload.toml", toml).map_err(|e| CatalogError::Invalid(e.to_string()))?;
        let mine = &user.scope;
        if !mine.province.is_empty() && mine.province != variant.province || !mine.city.is_empty() {
            return Err(CatalogError::Forbidden("a variant is uploaded by an administrator of its province".into()));
        }
        let base = self
            .templates
            .get(&variant.base)
            .ok_or_else(|| CatalogError::Invalid(format!("no base template {}", variant.base)))?;
        let resolved = resolve_variant(&variant, &base.template, "upload.toml")
            .map_err(|e| CatalogError::Invalid(e.to_string()))?;
        let exists =
            || CatalogError::Conflict(format!("template {} exists; publish a new version", resolved.reference()));
        if self.templates.get(&resolved.reference()).is_some() {
            return Err(exists());
        }
        let row = variant_row(&resolved, toml, &user.username, now_ms());
        let this = self.clone();
        if !blocking(move || Ok(this.store.put_variant(&row)?)).await? {
            return Err(exists());
        }
        tracing::info!(template = %resolved.reference(), by = %user.username, "variant published");
        self.templates.insert(resolved.clone());
        self.templates.get(&resolved.reference()).ok_or_else(|| CatalogError::Internal("variant vanished".into()))
    }
}

/// Each community naming a centre that is not registered, or registered
/// in another county.
pub fn centre_problems(store: &dyn CatalogStore, rows: &[Community]) -> crate::storage::StoreResult<Vec<String>> {
    let mut problems = Vec::new();
    for c in rows {
        let Some(code) = &c.centre_code else { continue };
        match store.centre(code)? {
            Some(x) if x.region.county == c.region.county && x.region.city == c.region.city => {}
            Some(_) => problems.push(format!("community `{}`: centre `{code}` is in another county", c.code)),
            None => problems.push(format!("community `{}`: no registered centre `{code}`", c.code)),
        }
    }
    Ok(problems)
}
