//! Templates for devices, with ETags (templates never change under one
//! version, so a device revalidates with `If-None-Match` and gets 304).

use super::Catalog;
use super::store::TemplateRefView;
use super::templates::{KnownTemplate, etag_of};
use crate::accounts::store::Role;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, body_bytes, require_content_type};
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
use xuncha_core::template::TemplateRef;

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
    let list: Vec<TemplateSummary> = catalog.templates_for(&auth.user).iter().map(summary).collect();
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
    let k = catalog.template(&auth.user, &TemplateRef { id, version }).await?;
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
    let body = body_bytes(body, catalog.limits().upload_body_bytes)?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::BadRequest("a template is UTF-8 text".into()))?;
    let k = catalog.publish_variant(&auth.user, text).await?;
    Ok((StatusCode::CREATED, Json(summary(&k))).into_response())
}

fn summary(k: &KnownTemplate) -> TemplateSummary {
    TemplateSummary {
        id: k.template.id.clone(),
        version: k.template.version,
        centre_type: k.template.centre_type.as_str().to_owned(),
        title: k.template.title.clone(),
        province: k.template.province.clone(),
        base: k.template.base.as_ref().map(TemplateRefView::from),
        etag: k.etag.clone(),
    }
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
