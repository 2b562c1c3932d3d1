//! The OpenAPI document's frame: its paths come from the router itself
//! (`routes::api_router`), so every served route is described.

use axum::Json;
use utoipa::OpenApi;

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Xuncha (巡查) server", description = "Field inspection of convenience consumer service centres: sync, photos, reports."),
    components(schemas(crate::http::ErrorBody)),
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

/// What every route may answer besides its own responses, and the shape of
/// the parameters many routes share, added in one place so that no route's
/// annotation forgets them:
/// - 400 for any route with parameters or a body (they may not parse);
/// - 401 for any route that needs a token, 403 for any of those (role,
///   region) and for any state-changing route (`cross_site`);
/// - 404 for any route with a path parameter;
/// - 413 and 415 for any route with a body;
/// - 429 for sign-in, enrolment and sync (their limits);
/// - `sha256` a 64-character lowercase hex string, `quarter` like 2026Q4,
///   `page` from 1, `per_page` from 1 to 200.
///
/// Applied once the router has put its paths in (`routes::router`).
#[derive(Debug)]
pub struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut api.paths.paths {
            let ops = [
                (&mut item.get, false),
                (&mut item.head, false),
                (&mut item.post, true),
                (&mut item.put, true),
                (&mut item.patch, true),
                (&mut item.delete, true),
            ];
            for (op, changes_state) in ops {
                if let Some(op) = op.as_mut() {
                    common_answers(path, op, changes_state);
                }
            }
        }
    }
}

fn common_answers(path: &str, op: &mut utoipa::openapi::path::Operation, changes_state: bool) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let public = op.security.as_ref().is_some_and(Vec::is_empty);
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path) || path.contains('{');
    let has_input = !params.is_empty() || op.request_body.is_some();
    let limited = matches!(path, "/api/v1/login" | "/api/v1/devices" | "/api/v1/sync") && changes_state;
    let mut add = |code: &str, why: &str| {
        let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        let response = ResponseBuilder::new().description(why).content("application/json", body).build();
        op.responses.responses.entry(code.to_owned()).or_insert_with(|| response.into());
    };
    if has_input {
        add("400", "a parameter or the body does not parse");
    }
    if !public {
        add("401", "no valid token or session");
        add("403", "outside the caller's role or region");
    }
    if changes_state {
        add("403", "outside the caller's role or region, or a cross-site request");
    }
    if has_path {
        add("404", "no such thing, or not visible to the caller");
    }
    if op.request_body.is_some() {
        add("413", "the body is over its limit");
        add("415", "the body's content type is not the one this route takes");
    }
    if limited {
        add("429", "over a rate limit, or busy; see Retry-After");
    }
    for p in op.parameters.iter_mut().flatten() {
        if let Some(schema) = constrained(&p.name) {
            p.schema = Some(schema.into());
        }
    }
}

/// The schema of a parameter every route spells the same way.
fn constrained(name: &str) -> Option<utoipa::openapi::schema::Object> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let int = || ObjectBuilder::new().schema_type(Type::Integer);
    match name {
        "sha256" => Some(text().pattern(Some("^[0-9a-f]{64}$")).build()),
        "quarter" => Some(text().pattern(Some("^[0-9]{4}Q[1-4]$")).build()),
        "page" => Some(int().minimum(Some(1)).build()),
        "per_page" => Some(int().minimum(Some(1)).maximum(Some(200)).build()),
        _ => None,
    }
}

pub async fn openapi_json(doc: std::sync::Arc<utoipa::openapi::OpenApi>) -> Json<utoipa::openapi::OpenApi> {
    Json((*doc).clone())
}
