//! The app's API: what the Tauri commands call, one method each. It parses
//! and checks what the UI sends, delegates to [`Device`] and [`Server`], and
//! answers with the views of [`views`]. Edits answer with the whole
//! checklist state so the UI shows the new provisional score at once.

mod error;
pub mod handoff;
pub mod views;

pub use error::{AppError, AppResult, ErrorCode};
pub use handoff::HandoffState;
pub use views::*;

use crate::device::{Device, RespondentInput};
use crate::store::settings::{self, Json};
use crate::sync::{Backoff, Server, SyncHandle, SyncState, now_ms, spawn_background_into};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use xuncha_core::document::{Answer, GpsFix};
use xuncha_core::location::{check_fix, valid_coordinate};
use xuncha_core::{Centre, DocumentId};

/// A photo takes the inspector's newest fix when it is at most this old.
const FIX_FRESH_MS: i64 = 15 * 60 * 1000;
/// Text an inspector types in one field (notes); the document bounds it again.
const MAX_TEXT_CHARS: usize = 20_000;
/// Photo bytes as captured, before processing: the limit the processing itself applies.
pub const MAX_PHOTO_BYTES: usize = xuncha_core::photo::MAX_INPUT_BYTES;

#[derive(Debug)]
pub struct App {
    dir: PathBuf,
    /// Replaced once, at enrolment (enrolment needs the device to itself).
    device: RwLock<Arc<Device>>,
    background: Mutex<Option<SyncHandle>>,
    /// A catalog refresh is running.
    refreshing: Arc<std::sync::atomic::AtomicBool>,
    platform: Platform,
    version: String,
    /// How often the background loop syncs while up to date.
    pub sync_every: Duration,
    /// The server address offered on first run (an office may preconfigure it).
    pub default_server: Option<String>,
    /// The hand-off on site being offered, or its outcome.
    handoff: Arc<Mutex<handoff::HandoffSlot>>,
    /// The background sync's state, for the sync panel.
    sync_state: Arc<tokio::sync::watch::Sender<SyncState>>,
    /// Bumped on every edit and every change of the sync state: what the
    /// page's sync panel and badge follow (`changes`).
    changed: Arc<tokio::sync::watch::Sender<u64>>,
}

impl App {
    /// Opens (or creates) the device store in `dir`.
    pub fn open(dir: &Path, platform: Platform, version: &str) -> AppResult<Self> {
        let device = Device::open(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
            device: RwLock::new(Arc::new(device)),
            background: Mutex::new(None),
            refreshing: Arc::default(),
            platform,
            version: version.to_owned(),
            sync_every: Duration::from_secs(60),
            default_server: None,
            handoff: Arc::default(),
            sync_state: Arc::new(tokio::sync::watch::channel(SyncState::Idle).0),
            changed: Arc::new(tokio::sync::watch::channel(0).0),
        })
    }

    pub fn device(&self) -> Arc<Device> {
        self.device.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn status(&self) -> AppResult<AppStatus> {
        let device = self.device();
        let store = device.store();
        let language = store.get(&settings::LANGUAGE)?.and_then(|l| Language::parse(&l)).unwrap_or_default();
        Ok(AppStatus {
            me: device.identity().map(|i| Me { username: i.username.clone(), display_name: i.display_name.clone() }),
            server_url: store.get(&settings::SERVER_URL)?.or_else(|| self.default_server.clone()),
            language,
            platform: self.platform,
            version: self.version.clone(),
        })
    }

    pub fn set_language(&self, language: Language) -> AppResult<()> {
        Ok(self.device().store().put(&settings::LANGUAGE, &language.as_str().to_owned())?)
    }

    /// Enrols this device, fetches the catalog and syncs once, then keeps
    /// syncing in the background. Must run inside a tokio runtime.
    pub async fn enrol(&self, req: EnrolRequest) -> AppResult<Me> {
        let url = req.server_url.trim().trim_end_matches('/');
        let parsed =
            reqwest::Url::parse(url).map_err(|_| AppError::bad_input(format!("`{url}` is not a web address")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(AppError::bad_input("the server address must start with http:// or https://"));
        }
        let username = req.username.trim();
        if username.is_empty() || req.password.is_empty() {
            return Err(AppError::bad_input("enter a username and a password"));
        }
        if self.device().identity().is_some() {
            return Err(AppError::bad_input("this device is already enrolled"));
        }
        let name = match req.device_name.trim() {
            "" => "Xuncha",
            n => n,
        };
        let mut device = Device::open(&self.dir)?;
        let server = Server::enrol(&mut device, url, username, &req.password, name).await?;
        let me = device.identity().map(|i| Me { username: i.username.clone(), display_name: i.display_name.clone() });
        let device = Arc::new(device);
        *self.device.write().unwrap_or_else(|p| p.into_inner()) = device.clone();
        // The account is enrolled whatever happens next; the background loop retries.
        if server.refresh_catalog(&device).await.is_ok() {
            let _ = server.sync(&device).await;
        }
        self.start_background();
        me.ok_or_else(|| AppError::new(ErrorCode::Internal, "enrolment left no identity"))
    }

    /// Starts the background sync once the device is enrolled. Must run
    /// inside a tokio runtime.
    pub fn start_background(&self) {
        let mut slot = self.background.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return;
        }
        let device = self.device();
        let Ok(server) = Server::of(&device) else { return };
        self.refresh_catalog();
        let (mut state, changed) = (self.sync_state.subscribe(), self.changed.clone());
        tokio::spawn(async move {
            while state.changed().await.is_ok() {
                changed.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
        *slot =
            Some(spawn_background_into(device, server, self.sync_every, Backoff::default(), self.sync_state.clone()));
    }

    /// Changes as they happen (an edit, the sync state): each bump means the
    /// sync panel may read differently now.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The checklist after an edit, telling the sync panel's listeners.
    fn edited(&self, doc: &str) -> AppResult<InspectionView> {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
        self.inspection(doc)
    }

    /// Templates and centres (with their latest official results) change
    /// rarely: refreshed at start and on "sync now", never waited for.
    fn refresh_catalog(&self) {
        use std::sync::atomic::Ordering;
        let device = self.device();
        let Ok(server) = Server::of(&device) else { return };
        // One refresh at a time: "sync now" pressed repeatedly at the
        // township office must not fetch the registry once per press.
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let refreshing = self.refreshing.clone();
        tokio::spawn(async move {
            let _ = server.refresh_catalog(&device).await;
            refreshing.store(false, Ordering::Release);
        });
    }

    pub fn sync_now(&self) -> AppResult<()> {
        if self.device().identity().is_none() {
            return Err(AppError::new(ErrorCode::NotEnrolled, "enrol this device first"));
        }
        if self.background.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
            self.refresh_catalog();
        }
        self.start_background();
        if let Some(handle) = self.background.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            handle.sync_now();
        }
        Ok(())
    }

    /// Writes the device's log (its newest part) to a file in `to_dir`
    /// for a support request; returns the file's path.
    pub fn export_log(&self, to_dir: &Path) -> AppResult<String> {
        let storage = |e: std::io::Error| AppError::new(ErrorCode::Storage, format!("exporting the log: {e}"));
        let text = crate::log::export(&self.dir).map_err(storage)?;
        let name = format!("xuncha-log-{}.txt", crate::sync::now_ms());
        let path = to_dir.join(name);
        std::fs::create_dir_all(to_dir).map_err(storage)?;
        std::fs::write(&path, text).map_err(storage)?;
        tracing::info!(path = %path.display(), "log exported");
        Ok(path.display().to_string())
    }

    pub fn sync_panel(&self) -> AppResult<SyncPanel> {
        let device = self.device();
        let state = match self.background.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(h) => h.state.borrow().clone(),
            None => SyncState::Idle,
        };
        let mut refused = Vec::new();
        for info in device.store().docs()? {
            if let Some(reason) = device.store().error(&info.doc)? {
                let centre_name = self.centre_record(&info.centre_code)?.map(|c| c.name);
                refused.push(DocIssue { doc: info.doc, centre_code: info.centre_code, centre_name, reason });
            }
        }
        Ok(SyncPanel {
            state,
            pending_documents: u32::try_from(device.unsynced_count()?).unwrap_or(u32::MAX),
            photos: device.photo_sync()?,
            last_success: device.store().get(&settings::LAST_SYNC)?,
            refused,
            server_url: device.store().get(&settings::SERVER_URL)?,
        })
    }

    pub fn centres(&self) -> AppResult<Vec<CentreCard>> {
        let device = self.device();
        let here = self.last_fix()?;
        let mut cards = Vec::new();
        for a in device.assignments_view()? {
            let centre = a.centre.clone();
            let distance_m = match (&centre, &here) {
                (Some(c), Some(fix)) => check_fix(c, fix, &Default::default()).map(|f| f.distance_m),
                _ => None,
            };
            let unsynced = a.sync.as_ref().is_some_and(|s| s.unsynced);
            // A task whose checklist has not reached the device yet waits for
            // the next sync like one whose document has not (no summary).
            let (stage, total, grade, answered, items) = match &a.summary {
                Some(s) => {
                    let stage = Stage::from_parts(s.status, s.started, unsynced);
                    // Computed items score from the registry alone; a score
                    // before any work would only mislead.
                    match stage {
                        Stage::NotStarted => (Some(stage), None, None, s.answered, s.items),
                        _ => (Some(stage), Some(s.total), Some(s.grade), s.answered, s.items),
                    }
                }
                None => (None, None, None, 0, 0),
            };
            cards.push(CentreCard {
                assignment: a.assignment.id,
                quarter: a.assignment.quarter.clone(),
                purpose: a.assignment.purpose,
                doc: a.assignment.doc,
                centre_code: a.assignment.centre_code.clone(),
                centre,
                stage,
                answered: u32::try_from(answered).unwrap_or(u32::MAX),
                items: u32::try_from(items).unwrap_or(u32::MAX),
                unsynced: a.sync.as_ref().is_some_and(|s| s.unsynced),
                refused: a.sync.and_then(|s| s.refused),
                distance_m,
                total,
                grade,
            });
        }
        Ok(cards)
    }

    pub fn centre(&self, code: &str) -> AppResult<CentreDetail> {
        let centre = self
            .centre_record(code)?
            .ok_or_else(|| AppError::new(ErrorCode::UnknownCentre, format!("no centre `{code}` on this device")))?;
        let cards: Vec<CentreCard> = self.centres()?.into_iter().filter(|c| c.centre_code == code).collect();
        let device = self.device();
        let mut last: Option<LastInspection> = None;
        for info in device.store().docs()?.into_iter().filter(|d| d.centre_code == code) {
            let snap = device.snapshot(&info.doc)?;
            let unsynced = device.doc_sync(&info.doc)?.unsynced;
            let stage = Stage::of(&snap, unsynced);
            if stage == Stage::NotStarted || last.as_ref().is_some_and(|l| l.started_at >= snap.created_at) {
                continue;
            }
            let Ok(report) = device.provisional_score(&info.doc, &centre) else { continue };
            last = Some(LastInspection {
                doc: info.doc,
                stage,
                total: report.total,
                grade: report.grade,
                started_at: snap.created_at,
            });
        }
        // The catalog keeps the server's record whole; `latest` rides along with the centre.
        #[derive(serde::Deserialize)]
        struct WithLatest {
            latest: Option<OfficialResult>,
        }
        let official = device
            .store()
            .centre(code)?
            .and_then(|json| serde_json::from_str::<WithLatest>(&json).ok())
            .and_then(|w| w.latest);
        Ok(CentreDetail { centre, cards, last, official })
    }

    pub fn inspection(&self, doc: &str) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        let device = self.device();
        let snapshot = device.snapshot(&id)?;
        let centre = self.centre_record(&snapshot.centre_code)?.ok_or_else(|| {
            AppError::new(
                ErrorCode::UnknownCentre,
                format!("centre `{}` is not on this device; sync first", snapshot.centre_code),
            )
        })?;
        let template = device.template(&snapshot.template)?;
        // The same engine and inputs as Device::provisional_score, on the snapshot already read.
        let report = xuncha_core::scoring::score(&template, &snapshot, &centre, &Default::default())
            .map_err(crate::device::ClientError::from)?;
        let sync = device.doc_sync(&id)?;
        let me = device.identity().map(|i| i.username.clone()).unwrap_or_default();
        let position =
            snapshot.gps_fixes.iter().max_by_key(|f| f.at).and_then(|f| check_fix(&centre, f, &template.location));
        let quarter = device.assignment_for(&id)?.map(|a| a.quarter).unwrap_or_default();
        Ok(InspectionView {
            doc: id,
            quarter,
            stage: Stage::of(&snapshot, sync.unsynced),
            signed_by_me: snapshot.sign_offs.contains_key(&me),
            centre,
            template,
            report,
            unsynced: sync.unsynced,
            refused: sync.refused,
            me,
            position,
            snapshot,
        })
    }

    pub fn set_answer(&self, doc: &str, item: &str, answer: Answer) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().set_answer(&id, item, answer, now_ms())?;
        self.edited(doc)
    }

    pub fn add_respondent(&self, doc: &str, item: &str, input: RespondentInput) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().add_respondent(&id, item, input, now_ms())?;
        self.edited(doc)
    }

    pub fn remove_respondent(&self, doc: &str, item: &str, index: u32) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().remove_respondent(&id, item, index as usize, now_ms())?;
        self.edited(doc)
    }

    pub fn mark_not_applicable(&self, doc: &str, item: &str) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().mark_not_applicable(&id, item, now_ms())?;
        self.edited(doc)
    }

    pub fn clear_answer(&self, doc: &str, item: &str) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().clear_answer(&id, item, now_ms())?;
        self.edited(doc)
    }

    /// `base` is the note as the screen had it before this edit (see
    /// `InspectionDoc::edit_notes`); without it the text replaces the note.
    pub fn set_notes(
        &self,
        doc: &str,
        item: Option<&str>,
        base: Option<&str>,
        text: &str,
    ) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        if text.chars().count() > MAX_TEXT_CHARS || base.is_some_and(|b| b.chars().count() > MAX_TEXT_CHARS) {
            return Err(AppError::bad_input(format!("notes are limited to {MAX_TEXT_CHARS} characters")));
        }
        self.device().set_notes(&id, item.filter(|i| !i.is_empty()), base, text, now_ms())?;
        self.edited(doc)
    }

    /// A photo carries the inspection's newest fix when that fix is recent:
    /// the inspector took a position on arrival and photographs on site.
    pub fn add_photo(&self, doc: &str, item: Option<&str>, bytes: &[u8]) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(AppError::new(ErrorCode::Photo, format!("a photo may be at most {MAX_PHOTO_BYTES} bytes")));
        }
        let device = self.device();
        let now = now_ms();
        // This inspector's own position only: a co-inspector's fix says where
        // they were, and the record is in this inspector's name.
        let me = device.identity().map(|i| i.username.clone()).unwrap_or_default();
        let gps = device
            .snapshot(&id)?
            .gps_fixes
            .into_iter()
            .filter(|f| f.by == me && now - f.at <= FIX_FRESH_MS)
            .max_by_key(|f| f.at);
        device.add_photo(&id, item.filter(|i| !i.is_empty()), bytes, gps, now)?;
        self.edited(doc)
    }

    pub fn thumbnail(&self, sha256: &str) -> AppResult<Vec<u8>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::bad_input("not a photo hash"));
        }
        // Photos taken on other devices have no bytes here until someone needs them.
        let bytes = self.device().store().thumbnail(sha256)?;
        bytes.ok_or_else(|| AppError::new(ErrorCode::Photo, "this photo is not on this device"))
    }

    pub fn add_fix(&self, doc: &str, fix: FixInput) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        if !valid_coordinate(fix.lat, fix.lon) {
            return Err(AppError::bad_input("latitude must be within ±90 and longitude within ±180"));
        }
        if !fix.accuracy_m.is_finite() || fix.accuracy_m <= 0.0 || fix.accuracy_m > 100_000.0 {
            return Err(AppError::bad_input("accuracy must be a positive number of metres"));
        }
        let device = self.device();
        let by = device.identity().map(|i| i.username.clone()).unwrap_or_default();
        let now = now_ms();
        // The platform's time of fix is kept when plausible (within the last
        // day): a cached position is older than the moment it is recorded,
        // and the supervisor should see when the inspector was really there.
        let at = fix.taken_at.filter(|t| (now - 86_400_000..=now + 60_000).contains(t)).unwrap_or(now);
        let gps = GpsFix {
            lat: fix.lat,
            lon: fix.lon,
            accuracy_m: fix.accuracy_m,
            source: fix.source,
            at,
            mock: fix.mock,
            by,
            signature: None, // the device signs it as it records it
        };
        device.add_gps_fix(&id, &gps, gps.at)?;
        device.store().put(&settings::LAST_FIX, &Json(gps))?;
        self.edited(doc)
    }

    pub fn resolve_conflict(&self, doc: &str, item: &str, choice: u32) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().resolve_conflict(&id, item, choice as usize, now_ms())?;
        self.edited(doc)
    }

    pub fn sign_off(&self, doc: &str) -> AppResult<InspectionView> {
        let id = parse_doc(doc)?;
        self.device().sign_off(&id, now_ms())?;
        // Signing is when an inspector most wants the work on the server.
        if let Some(h) = self.background.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            h.sync_now();
        }
        self.edited(doc)
    }

    fn centre_record(&self, code: &str) -> AppResult<Option<Centre>> {
        Ok(self.device().centre(code)?)
    }

    fn last_fix(&self) -> AppResult<Option<GpsFix>> {
        Ok(self.device().store().get(&settings::LAST_FIX)?.map(|Json(f)| f))
    }
}

fn parse_doc(doc: &str) -> AppResult<DocumentId> {
    doc.parse().map_err(|_| AppError::new(ErrorCode::UnknownInspection, format!("`{doc}` is not an inspection id")))
}
