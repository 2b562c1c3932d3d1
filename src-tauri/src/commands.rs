//! The app's commands, each declared once in `commands!`: the Tauri command
//! (which only delegates to xuncha-client's `App`), the handler list, and
//! the TypeScript `Backend` interface and invoke wrappers the UI uses
//! (ui/src/lib/backend.gen.ts, written by this crate's test). They are async
//! so the store and the scoring run on the async runtime's threads, never
//! on the thread that draws the window.
//!
//! Each command is `read` (the UI sends it at once), `write` (the UI sends
//! it after the edit before it has settled, so edits land in order) or
//! `custom` (the UI's transport is hand-written in backend-tauri.ts, e.g. a
//! raw body). An `as (…) -> …` clause gives the TypeScript signature when
//! the Rust one is not what the UI calls.

use std::sync::Arc;
use tauri::State;
use tauri::ipc::{InvokeBody, Request, Response};
use xuncha_client::RespondentInput;
use xuncha_client::app::{
    App, AppError, AppResult, AppStatus, CentreCard, CentreDetail, EnrolRequest, ErrorCode, FixInput, HandoffState,
    InspectionView, Language, Me, SyncPanel,
};
use xuncha_client::handoff::HandoffReport;
use xuncha_core::document::Answer;

type Shared<'a> = State<'a, Arc<App>>;

/// One command as the generated TypeScript sees it.
#[cfg(test)]
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub kind: &'static str,
    pub doc: &'static str,
    /// Argument names and TypeScript types, in order.
    pub args: Vec<(&'static str, String)>,
    pub ret: String,
}

#[cfg(test)]
fn ts<T: ts_rs::TS + ?Sized>() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    match T::name(&cfg).as_str() {
        "null" => "void".to_owned(),
        other => other.to_owned(),
    }
}

macro_rules! commands {
    (@args ($($arg:ident: $ty:ty),*)) => { vec![$((stringify!($arg), ts::<$ty>())),*] };
    (@args ($($arg:ident: $ty:ty),*) ($($targ:ident: $tty:literal),*)) => {
        vec![$((stringify!($targ), $tty.to_owned())),*]
    };
    (@ret $ret:ty) => { ts::<$ret>() };
    (@ret $ret:ty, $tret:literal) => { $tret.to_owned() };
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident fn $name:ident($app:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty
        $(as ($($targ:ident: $tty:literal),*) -> $tret:literal)?
        { $($body:tt)* }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name(state: Shared<'_>, $($arg: $ty),*) -> AppResult<$ret> {
                let $app: &App = &state;
                $($body)*
            }
        )*

        /// Every command, for `tauri::Builder::invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        #[cfg(test)]
        pub fn specs() -> Vec<CommandSpec> {
            vec![$(
                CommandSpec {
                    name: stringify!($name),
                    kind: stringify!($kind),
                    doc: concat!($($doc, "\n"),*),
                    args: commands!(@args ($($arg: $ty),*) $(($($targ: $tty),*))?),
                    ret: commands!(@ret $ret $(, $tret)?),
                }
            ),*]
        }
    };
}

commands! {
    /// Who is enrolled, the chosen language, the platform.
    read fn status(app) -> AppStatus { app.status() }

    write fn set_language(app, language: Language) -> () { app.set_language(language) }

    /// First run: enrol this device with a server account.
    write fn enrol(app, req: EnrolRequest) -> Me { app.enrol(req).await }

    /// My centres: one card per assignment (not cancelled), newest quarter first.
    read fn centres(app) -> Vec<CentreCard> { app.centres() }

    read fn centre(app, code: String) -> CentreDetail { app.centre(&code) }

    /// The checklist screen's whole state, recomputed after every edit.
    read fn inspection(app, doc: String) -> InspectionView { app.inspection(&doc) }

    write fn set_answer(app, doc: String, item: String, answer: Answer) -> InspectionView {
        app.set_answer(&doc, &item, answer)
    }

    /// Records one person asked on site (现场随访) on a respondents item.
    write fn add_respondent(app, doc: String, item: String, respondent: RespondentInput) -> InspectionView {
        app.add_respondent(&doc, &item, respondent)
    }

    /// Removes a respondent this device's user recorded (`index` in the item's list).
    write fn remove_respondent(app, doc: String, item: String, index: u32) -> InspectionView {
        app.remove_respondent(&doc, &item, index)
    }

    write fn mark_not_applicable(app, doc: String, item: String) -> InspectionView {
        app.mark_not_applicable(&doc, &item)
    }

    write fn clear_answer(app, doc: String, item: String) -> InspectionView { app.clear_answer(&doc, &item) }

    /// `item` null: the inspection's general notes.
    /// `base` is the note as the screen had it before this edit: words a sync
    /// merged in since are kept (the device rebases the edit onto them).
    write fn set_notes(app, doc: String, item: Option<String>, text: String, base: Option<String>) -> InspectionView {
        app.set_notes(&doc, item.as_deref(), base.as_deref(), &text)
    }

    /// Photo bytes as captured (JPEG, PNG or WebP); the device processes them.
    /// They travel as the raw request body (no JSON array of numbers); the
    /// inspection and item in the `x-doc` and `x-item` headers.
    custom fn add_photo(app, request: Request<'_>) -> InspectionView
    as (doc: "string", item: "string | null", bytes: "Uint8Array") -> "InspectionView" {
        let InvokeBody::Raw(bytes) = request.body() else {
            return Err(AppError::bad_input("send the photo's bytes as the body"));
        };
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let (doc, item) = (header("x-doc"), header("x-item"));
        app.add_photo(doc, (!item.is_empty()).then_some(item), bytes)
    }

    /// A thumbnail's bytes (JPEG) by its hash, as a raw response.
    custom fn thumbnail(app, sha256: String) -> Response as (sha256: "string") -> "Uint8Array" {
        app.thumbnail(&sha256).map(Response::new)
    }

    write fn add_fix(app, doc: String, fix: FixInput) -> InspectionView { app.add_fix(&doc, fix) }

    /// Keeps the `choice`-th value of a conflicting answer (index into
    /// `snapshot.conflicts[].values`).
    write fn resolve_conflict(app, doc: String, item: String, choice: u32) -> InspectionView {
        app.resolve_conflict(&doc, &item, choice)
    }

    write fn sign_off(app, doc: String) -> InspectionView { app.sign_off(&doc) }

    read fn sync_status(app) -> SyncPanel { app.sync_panel() }

    /// Queued like an edit: "sync now" right after a sign-off must see the signature.
    write fn sync_now(app) -> () { app.sync_now() }

    /// Hand-off on site: waits for a co-inspector's phone; shows a link (QR
    /// code), this phone's address and an 8-digit code.
    write fn handoff_offer(app) -> HandoffState { app.handoff_offer().await }

    /// The offer's state: waiting, done (what was exchanged) or failed.
    read fn handoff_status(app) -> HandoffState { Ok(app.handoff_status()) }

    /// Joins the phone at `address` (ip:port, or its whole link) with its code.
    write fn handoff_join(app, address: String, code: String) -> HandoffReport {
        app.handoff_join(&address, &code).await
    }

    write fn handoff_cancel(app) -> () {
        app.handoff_cancel();
        Ok(())
    }

    /// Saves the device's log for support, in Downloads where there is one;
    /// resolves to the file's path.
    read fn export_log(app, handle: tauri::AppHandle) -> String as () -> "string" {
        use tauri::Manager;
        let dir = handle.path().download_dir().or_else(|_| handle.path().app_data_dir());
        let dir = dir.map_err(|e| AppError::new(ErrorCode::Storage, format!("no folder to export to: {e}")))?;
        app.export_log(&dir)
    }
}
