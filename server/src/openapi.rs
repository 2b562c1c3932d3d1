//! The OpenAPI document, generated from the handlers' annotations.

use crate::routes::{assignments, blobs, centres, health, inspections, session, sync, templates, users};
use axum::Json;
use utoipa::OpenApi;

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Xuncha (巡查) server", description = "Field inspection of convenience consumer service centres: sync, photos, reports."),
    paths(
        health::health,
        session::login, session::logout, session::me, session::enrol, session::list_devices, session::revoke,
        sync::sync,
        blobs::head_blob, blobs::patch_blob, blobs::get_blob, blobs::get_thumbnail,
        centres::list_centres, centres::get_centre, centres::import,
        templates::list_templates, templates::get_template, templates::upload_variant,
        assignments::create, assignments::list, assignments::cancel,
        inspections::list, inspections::get_one, inspections::report, inspections::scores, inspections::review,
        users::list, users::create,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
