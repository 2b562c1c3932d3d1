//! One command per `Backend` method of the UI (ui/src/lib/backend.ts).
//! They are async so the store and the scoring run on the async runtime's
//! threads, never on the thread that draws the window.

use std::sync::Arc;
use tauri::State;
use tauri::ipc::{InvokeBody, Request, Response};
use xuncha_client::app::{
    App, AppError, AppResult, AppStatus, CentreCard, CentreDetail, EnrolRequest, FixInput, InspectionView, Language,
    Me, SyncPanel,
};
use xuncha_core::document::Answer;

type Shared<'a> = State<'a, Arc<App>>;

#[tauri::command]
pub async fn status(app: Shared<'_>) -> AppResult<AppStatus> {
    app.status()
}

#[tauri::command]
pub async fn set_language(app: Shared<'_>, language: Language) -> AppResult<()> {
    app.set_language(language)
}

#[tauri::command]
pub async fn enrol(app: Shared<'_>, req: EnrolRequest) -> AppResult<Me> {
    app.enrol(req).await
}

#[tauri::command]
pub async fn centres(app: Shared<'_>) -> AppResult<Vec<CentreCard>> {
    app.centres()
}

#[tauri::command]
pub async fn centre(app: Shared<'_>, code: String) -> AppResult<CentreDetail> {
    app.centre(&code)
}

#[tauri::command]
pub async fn inspection(app: Shared<'_>, doc: String) -> AppResult<InspectionView> {
    app.inspection(&doc)
}

#[tauri::command]
pub async fn set_answer(app: Shared<'_>, doc: String, item: String, answer: Answer) -> AppResult<InspectionView> {
    app.set_answer(&doc, &item, answer)
}

#[tauri::command]
pub async fn mark_not_applicable(app: Shared<'_>, doc: String, item: String) -> AppResult<InspectionView> {
    app.mark_not_applicable(&doc, &item)
}

#[tauri::command]
pub async fn clear_answer(app: Shared<'_>, doc: String, item: String) -> AppResult<InspectionView> {
    app.clear_answer(&doc, &item)
}

#[tauri::command]
pub async fn set_notes(
    app: Shared<'_>,
    doc: String,
    item: Option<String>,
    base: Option<String>,
    text: String,
) -> AppResult<InspectionView> {
    app.set_notes(&doc, item.as_deref(), base.as_deref(), &text)
}

/// The photo's bytes are the raw request body (no JSON array of numbers);
/// the inspection and item travel in the `x-doc` and `x-item` headers.
#[tauri::command]
pub async fn add_photo(app: Shared<'_>, request: Request<'_>) -> AppResult<InspectionView> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::bad_input("send the photo's bytes as the body"));
    };
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (doc, item) = (header("x-doc"), header("x-item"));
    app.add_photo(doc, (!item.is_empty()).then_some(item), bytes)
}

#[tauri::command]
pub async fn thumbnail(app: Shared<'_>, sha256: String) -> AppResult<Response> {
    app.thumbnail(&sha256).map(Response::new)
}

#[tauri::command]
pub async fn add_fix(app: Shared<'_>, doc: String, fix: FixInput) -> AppResult<InspectionView> {
    app.add_fix(&doc, fix)
}

#[tauri::command]
pub async fn resolve_conflict(app: Shared<'_>, doc: String, item: String, choice: u32) -> AppResult<InspectionView> {
    app.resolve_conflict(&doc, &item, choice)
}

#[tauri::command]
pub async fn sign_off(app: Shared<'_>, doc: String) -> AppResult<InspectionView> {
    app.sign_off(&doc)
}

#[tauri::command]
pub async fn sync_status(app: Shared<'_>) -> AppResult<SyncPanel> {
    app.sync_panel()
}

#[tauri::command]
pub async fn sync_now(app: Shared<'_>) -> AppResult<()> {
    app.sync_now()
}

/// Saves the device's log for support, in Downloads where there is one.
#[tauri::command]
pub async fn export_log(handle: tauri::AppHandle, app: Shared<'_>) -> AppResult<String> {
    use tauri::Manager;
    let dir = handle.path().download_dir().or_else(|_| handle.path().app_data_dir()).map_err(|e| {
        xuncha_client::app::AppError::new(
            xuncha_client::app::ErrorCode::Storage,
            format!("no folder to export to: {e}"),
        )
    })?;
    app.export_log(&dir)
}
