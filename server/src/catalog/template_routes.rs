//! Templates for devices, with ETags (templates never change under one
//! version, so a device revalidates with `If-None-Match` and gets 304).

use super::Catalog;
use super::store::TemplateRefView;
use super::templates::{etag_of, variant_row};
use crate::accounts::store::Role;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, blocking, body_bytes, require_content_type};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::I18n;
use xuncha_core::template::{TemplateRef, parse_variant, resolve_variant};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateSummary {
    pub id: String,
    pub version: u32,
    pub centre_type: String,
    #[schema(value_type = Object)]
    pub title: I18n,
    pub province: Option<String>,
    pub base: Option<TemplateRefView>,
    pub etag: String,
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
}

fn with_etag(mut res: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    res
}

/// Templates the caller may use: the built-in ones and their province's variants.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates",
    responses((status = 200, body = [TemplateSummary]), (status = 304)))]
pub async fn list_templates(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let province = auth.user.scope.province.clone();
    let list: Vec<TemplateSummary> = catalog
        .templates
        .all()
        .into_iter()
        .filter(|k| province.is_empty() || k.template.province.as_deref().is_none_or(|p| p == province))
        .map(|k| TemplateSummary {
            id: k.template.id.clone(),
            version: k.template.version,
            centre_type: k.template.centre_type.as_str().to_owned(),
            title: k.template.title.clone(),
            province: k.template.province.clone(),
            base: k.template.base.as_ref().map(TemplateRefView::from),
            etag: k.etag.clone(),
        })
        .collect();
    let joined: String = list.iter().map(|t| t.etag.as_str()).collect();
    let etag = etag_of(joined.as_bytes());
    if not_modified(&headers, &etag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    Ok(with_etag(Json(list).into_response(), &etag))
}

/// One template version as JSON.
#[utoipa::path(get, path = "/api/v1/templates/{id}/{version}", tag = "templates",
    params(("id" = String, Path), ("version" = u32, Path)),
    responses((status = 200, body = Object, description = "The resolved template (xuncha_core::template::Template)"), (status = 304), (status = 404, body = ErrorBody)))]
pub async fn get_template(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    Path((id, version)): Path<(String, u32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let k = catalog.templates.get(&TemplateRef { id, version }).ok_or_else(|| ApiError::NotFound("template".into()))?;
    let province = &auth.user.scope.province;
    if !province.is_empty() && k.template.province.as_deref().is_some_and(|p| p != province) {
        return Err(ApiError::forbidden());
    }
    if not_modified(&headers, &k.etag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &k.etag));
    }
    let mut res = k.json.to_string().into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(with_etag(res, &k.etag))
}

/// Uploads a provincial variant (TOML) for the administrator's province.
#[utoipa::path(post, path = "/api/v1/templates", tag = "templates", request_body(content = String, content_type = "application/toml"),
    responses((status = 201, body = TemplateSummary), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_variant(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    auth.require(&[Role::Administrator])?;
    require_content_type(&headers, "application/toml")?;
    let body = body_bytes(body, catalog.limits.upload_body_bytes)?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::BadRequest("a template is UTF-8 text".into()))?;
    let variant = parse_variant("upload.toml", text).map_err(|e| ApiError::Invalid(e.to_string()))?;
    let mine = &auth.user.scope;
    if !mine.province.is_empty() && mine.province != variant.province || !mine.city.is_empty() {
        return Err(ApiError::Forbidden("a variant is uploaded by an administrator of its province".into()));
    }
    let base = catalog
        .templates
        .get(&variant.base)
        .ok_or_else(|| ApiError::Invalid(format!("no base template {}", variant.base)))?;
    let resolved =
        resolve_variant(&variant, &base.template, "upload.toml").map_err(|e| ApiError::Invalid(e.to_string()))?;
    if catalog.templates.get(&resolved.reference()).is_some() {
        return Err(ApiError::Conflict(format!("template {} exists; publish a new version", resolved.reference())));
    }
    let row = variant_row(&resolved, text, &auth.user.username, crate::storage::now_ms());
    let st = catalog.clone();
    if !blocking(move || Ok(st.store.put_variant(&row)?)).await? {
        return Err(ApiError::Conflict(format!("template {} exists; publish a new version", resolved.reference())));
    }
    tracing::info!(template = %resolved.reference(), by = %auth.user.username, "variant published");
    catalog.templates.insert(resolved.clone());
    let k =
        catalog.templates.get(&resolved.reference()).ok_or_else(|| ApiError::Internal("variant vanished".into()))?;
    let summary = TemplateSummary {
        id: resolved.id.clone(),
        version: resolved.version,
        centre_type: resolved.centre_type.as_str().to_owned(),
        title: resolved.title.clone(),
        province: resolved.province.clone(),
        base: resolved.base.as_ref().map(TemplateRefView::from),
        etag: k.etag,
    };
    Ok((StatusCode::CREATED, Json(summary)).into_response())
}

pub fn router<S>(upload_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    let (schemas, paths, list_and_upload) = routes!(list_templates, upload_variant);
    let list_and_upload = list_and_upload.layer(DefaultBodyLimit::max(upload_bytes));
    OpenApiRouter::new().routes((schemas, paths, list_and_upload)).routes(routes!(get_template))
}
