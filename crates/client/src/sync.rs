//! The sync engine: enrolment, catalog refresh, sync rounds (docs/sync.md)
//! and resumable photo uploads. A round stores what the server sent before
//! it moves the cursor, so an interruption at any point resumes.

use crate::device::{ClientError, Device, Identity};
use crate::server_config::DeviceConfig;
use crate::store::settings;
use automerge::ActorId;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Deserialize;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use xuncha_core::sync::{CBOR_MIME, DocStatus, SYNC_PROTOCOL, SyncRequest, decode_response, encode};
use xuncha_core::template::{Template, TemplateRef};

/// Bytes of changes per request (well under the server's 8 MiB body cap).
pub const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Documents per request (the server takes at most 100).
pub const BATCH_DOCS: usize = 50;
/// One PATCH of a photo upload.
pub const PHOTO_CHUNK: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the server cannot be reached: {0}")]
    Offline(String),
    #[error("the server answered {status}: {message}")]
    Server { status: u16, code: String, message: String },
    #[error("the server's answer is malformed: {0}")]
    Protocol(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl From<crate::store::StoreError> for SyncError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Client(e.into())
    }
}

/// A connection to the server this device is enrolled with.
#[derive(Debug, Clone)]
pub struct Server {
    http: reqwest::Client,
    url: String,
    token: String,
    /// Bytes per PATCH of a photo upload.
    pub photo_chunk: usize,
    pub stats: std::sync::Arc<Stats>,
    /// Where progress is reported while syncing (the background loop's state).
    progress: Option<std::sync::Arc<tokio::sync::watch::Sender<SyncState>>>,
}

#[derive(Debug, Deserialize)]
struct Enrolment {
    device_id: i64,
    token: String,
    actors: Vec<String>,
    user: EnrolledUser,
}

#[derive(Debug, Deserialize)]
struct EnrolledUser {
    username: String,
    display_name: String,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

fn offline(e: reqwest::Error) -> SyncError {
    SyncError::Offline(e.to_string())
}

async fn check(res: reqwest::Response) -> Result<reqwest::Response, SyncError> {
    if res.status().is_success() {
        return Ok(res);
    }
    let status = res.status().as_u16();
    let body: Option<ErrorBody> = res.json().await.ok();
    let (code, message) =
        body.map(|b| (b.code, b.message)).unwrap_or_else(|| ("http".into(), format!("status {status}")));
    Err(SyncError::Server { status, code, message })
}

/// Reference thumbnails fetched per sync at most, and the largest kept.
const REFERENCE_FETCHES: usize = 64;
const MAX_THUMBNAIL_BYTES: usize = 512 * 1024;

/// A sync answer after inflating (the server sends at most 8 MiB of changes).
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

fn inflate(bytes: &[u8], max: usize) -> Result<Vec<u8>, SyncError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| SyncError::Protocol(format!("damaged gzip answer: {e}")))?;
    if out.len() > max {
        return Err(SyncError::Protocol("the answer inflates past its limit".into()));
    }
    Ok(out)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // Sync answers are inflated here, with a limit, and counted as sent.
        .no_gzip()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap_or_default()
}

impl Server {
    /// Enrols this device for `username`: stores the token, the actor id and who uses it.
    pub async fn enrol(
        device: &mut Device,
        url: &str,
        username: &str,
        password: &str,
        name: &str,
    ) -> Result<Self, SyncError> {
        let http = client();
        let url = url.trim_end_matches('/').to_owned();
        // The key is made here, before the request: the server registers
        // its public half with the device, and only this device holds the rest.
        let key = crate::secrets::Secrets::new_signing_key();
        let public_key = hex::encode(key.verifying_key().to_bytes());
        let res = http
            .post(format!("{url}/api/v1/devices"))
            .json(&serde_json::json!({"username": username, "password": password, "device_name": name,
                "public_key": public_key}))
            .send()
            .await
            .map_err(offline)?;
        let e: Enrolment = check(res).await?.json().await.map_err(|e| SyncError::Protocol(e.to_string()))?;
        let actor = e
            .actors
            .first()
            .and_then(|a| hex::decode(a).ok())
            .ok_or_else(|| SyncError::Protocol("no actor id".into()))?;
        device.store().put(&settings::SERVER_URL, &url)?;
        device.set_enrolment(e.device_id, &e.token, key)?;
        device.set_identity(Identity {
            actor: ActorId::from(actor),
            username: e.user.username,
            display_name: e.user.display_name,
        })?;
        Ok(Self { http, url, token: e.token, photo_chunk: PHOTO_CHUNK, stats: Default::default(), progress: None })
    }

    /// The server this device enrolled with.
    pub fn of(device: &Device) -> Result<Self, SyncError> {
        let token = device.secrets()?.token;
        match (device.store().get(&settings::SERVER_URL)?, token) {
            (Some(url), Some(token)) => Ok(Self {
                http: client(),
                url,
                token,
                photo_chunk: PHOTO_CHUNK,
                stats: Default::default(),
                progress: None,
            }),
            _ => Err(SyncError::Client(ClientError::NotEnrolled)),
        }
    }

    /// Fetches this device's settings and certificate, templates
    /// (revalidated by ETag) and the centres of the user's region.
    pub async fn refresh_catalog(&self, device: &Device) -> Result<(), SyncError> {
        self.fetch_device_config(device).await?;
        #[derive(Deserialize)]
        struct Summary {
            id: String,
            version: u32,
        }
        let res = self
            .http
            .get(format!("{}/api/v1/templates", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(offline)?;
        let list: Vec<Summary> = check(res).await?.json().await.map_err(|e| SyncError::Protocol(e.to_string()))?;
        for s in list {
            let tref = TemplateRef { id: s.id, version: s.version };
            self.fetch_template(device, &tref).await?;
        }
        let mut page: u32 = 1;
        loop {
            let res = self
                .http
                .get(format!("{}/api/v1/centres?page={page}&per_page=200", self.url))
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(offline)?;
            let body: serde_json::Value =
                check(res).await?.json().await.map_err(|e| SyncError::Protocol(e.to_string()))?;
            let items = body.get("items").and_then(|i| i.as_array()).cloned().unwrap_or_default();
            for c in &items {
                if let Some(code) = c.get("code").and_then(|v| v.as_str()) {
                    device.put_centre(code, &c.to_string())?;
                }
            }
            let total = body.get("total").and_then(serde_json::Value::as_u64).unwrap_or(0);
            if items.is_empty() || u64::from(page) * 200 >= total {
                return Ok(());
            }
            page += 1;
        }
    }

    /// The photo format, the server's key and a renewed certificate. A
    /// server before device settings answers 404: the defaults stay.
    async fn fetch_device_config(&self, device: &Device) -> Result<(), SyncError> {
        let url = format!("{}/api/v1/devices/current", self.url);
        let res = self.http.get(url).bearer_auth(&self.token).send().await.map_err(offline)?;
        if res.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(());
        }
        let config: DeviceConfig = check(res).await?.json().await.map_err(|e| SyncError::Protocol(e.to_string()))?;
        device.store().set_device_config(&config)?;
        Ok(())
    }

    /// Updates the progress of a running sync, if anyone is watching.
    fn report(&self, update: impl FnOnce(&mut usize, &mut usize)) {
        if let Some(tx) = &self.progress {
            tx.send_modify(|s| {
                if let SyncState::Syncing { documents, photos_left, .. } = s {
                    update(documents, photos_left);
                }
            });
        }
    }

    /// Documents first (enough for scoring and triage), then photos, which
    /// can wait for a better link. Returns the number of sync rounds.
    pub async fn sync(&self, device: &Device) -> Result<u32, SyncError> {
        let rounds = self.sync_documents(device).await?;
        self.fetch_task_templates(device).await?;
        self.fetch_reference_thumbnails(device).await?;
        self.upload_photos(device).await?;
        Ok(rounds)
    }

    /// Thumbnails of the photos the tasks' items show (a follow-up's 原问题照片),
    /// a bounded number per sync. One the server does not have yet (its
    /// device has not uploaded it) is asked for again next time.
    async fn fetch_reference_thumbnails(&self, device: &Device) -> Result<(), SyncError> {
        for sha in device.missing_reference_photos(REFERENCE_FETCHES)? {
            let url = format!("{}/api/v1/blobs/{sha}/thumbnail", self.url);
            let res = self.http.get(url).bearer_auth(&self.token).send().await.map_err(offline)?;
            if res.status() == reqwest::StatusCode::NOT_FOUND {
                continue;
            }
            let res = check(res).await?;
            if res.content_length().is_some_and(|n| n > MAX_THUMBNAIL_BYTES as u64) {
                continue;
            }
            let bytes = res.bytes().await.map_err(offline)?;
            self.stats.received(bytes.len());
            if bytes.len() <= MAX_THUMBNAIL_BYTES {
                device.store().put_reference_thumbnail(&sha, &bytes, now_ms())?;
            }
        }
        Ok(())
    }

    /// Fetches one template, revalidated by its ETag when cached.
    async fn fetch_template(&self, device: &Device, tref: &TemplateRef) -> Result<(), SyncError> {
        let cached = device.store().template(tref)?;
        let mut req = self
            .http
            .get(format!("{}/api/v1/templates/{}/{}", self.url, tref.id, tref.version))
            .bearer_auth(&self.token);
        if let Some((_, etag)) = &cached {
            req = req.header("if-none-match", etag);
        }
        let res = req.send().await.map_err(offline)?;
        if res.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(());
        }
        let res = check(res).await?;
        let etag = res.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let t: Template = res.json().await.map_err(|e| SyncError::Protocol(e.to_string()))?;
        device.put_template(&t, &etag)?;
        Ok(())
    }

    /// The templates of this device's tasks that it lacks: a follow-up's
    /// checklist (复查) is its task's alone, in no list of templates.
    async fn fetch_task_templates(&self, device: &Device) -> Result<(), SyncError> {
        let mut wanted = std::collections::BTreeSet::new();
        for json in device.store().assignments()? {
            if let Ok(a) = serde_json::from_str::<xuncha_core::sync::AssignmentNotice>(&json)
                && !a.cancelled
                && device.store().template(&a.template)?.is_none()
            {
                wanted.insert(a.template);
            }
        }
        for tref in &wanted {
            self.fetch_template(device, tref).await?;
        }
        Ok(())
    }

    /// Sync rounds until nothing is left to push and the server has nothing more.
    pub async fn sync_documents(&self, device: &Device) -> Result<u32, SyncError> {
        let mut rounds = 0;
        loop {
            let mut outgoing = device.outgoing()?;
            // Split under the size cap; the rest goes in the next round.
            let mut size = 0;
            let keep = outgoing
                .iter()
                .take_while(|o| {
                    size += o.push.changes.len();
                    size <= BATCH_BYTES
                })
                .count()
                .clamp(usize::from(!outgoing.is_empty()), BATCH_DOCS);
            let rest = outgoing.len() > keep;
            outgoing.truncate(keep);
            let sent: std::collections::HashMap<_, _> =
                outgoing.iter().map(|o| (o.push.doc, o.heads.clone())).collect();
            let pushes = outgoing.into_iter().map(|o| o.push).collect();
            let cursor = device.store().get(&settings::CURSOR)?.unwrap_or(0);
            let req = SyncRequest { protocol: SYNC_PROTOCOL, cursor, docs: pushes };
            let (pushed, started) = (req.docs.len(), std::time::Instant::now());
            let res =
                self.round(&req).await.inspect_err(|e| tracing::warn!(error = %e, pushed, "sync round failed"))?;
            rounds += 1;
            let refused: Vec<String> = res
                .docs
                .iter()
                .filter_map(|d| match &d.status {
                    DocStatus::Refused { code, message } => {
                        tracing::warn!(doc = %d.doc, code = %code, message = %message, "the server refused a document");
                        Some(code.clone())
                    }
                    _ => None,
                })
                .collect();
            tracing::info!(pushed, received = res.docs.len(), refused = %refused.join(","), more = res.more,
                ms = started.elapsed().as_millis(), "sync round");
            let now = now_ms();
            for reply in &res.docs {
                device.apply_reply(reply, sent.get(&reply.doc).map(Vec::as_slice), now)?;
            }
            for a in &res.assignments {
                device.put_assignment(a)?;
            }
            // Only now, with everything stored, does the cursor move.
            device.store().put(&settings::CURSOR, &res.cursor)?;
            let left = device.outgoing().map(|o| o.len()).unwrap_or(0);
            self.report(|documents, _| *documents = left);
            if !res.more && !rest {
                break;
            }
        }
        Ok(rounds)
    }

    async fn round(&self, req: &SyncRequest) -> Result<xuncha_core::sync::SyncResponse, SyncError> {
        let body = encode(req);
        let mut builder = self
            .http
            .post(format!("{}/api/v1/sync", self.url))
            .bearer_auth(&self.token)
            .header("content-type", CBOR_MIME)
            .header("accept-encoding", "gzip");
        builder = if body.len() > 1024 {
            let mut gz = GzEncoder::new(Vec::new(), Compression::default());
            gz.write_all(&body).map_err(|e| SyncError::Protocol(e.to_string()))?;
            let gz = gz.finish().map_err(|e| SyncError::Protocol(e.to_string()))?;
            self.stats.sent(gz.len());
            builder.header("content-encoding", "gzip").body(gz)
        } else {
            self.stats.sent(body.len());
            builder.body(body)
        };
        let res = check(builder.send().await.map_err(offline)?).await?;
        let gzipped = res.headers().get("content-encoding").is_some_and(|v| v.as_bytes() == b"gzip");
        let bytes = res.bytes().await.map_err(offline)?;
        self.stats.received(bytes.len());
        let body = if gzipped { inflate(&bytes, MAX_RESPONSE_BYTES)? } else { bytes.to_vec() };
        decode_response(&body).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    /// Uploads pending photos. Each starts at the offset the server last
    /// confirmed; only when the server disagrees (409) does a HEAD ask it
    /// where it stands, so a first upload costs one request per chunk.
    /// Two photos go up at a time, so one's round trip overlaps the other's
    /// bytes and a slow link stays busy.
    pub async fn upload_photos(&self, device: &Device) -> Result<(), SyncError> {
        // Thumbnails first: small, and enough for a supervisor to triage.
        // Thumbnails are small: four at a time keep a slow link busy.
        let thumbs = device.store().pending_thumbnails()?;
        for batch in thumbs.chunks(4) {
            let mut uploads = tokio::task::JoinSet::new();
            for (photo, thumb, bytes) in batch.iter().cloned() {
                let server = self.clone();
                uploads.spawn(async move { (photo, server.upload_small(&thumb, &bytes).await) });
            }
            while let Some(joined) = uploads.join_next().await {
                let (photo, done) = joined.map_err(|e| SyncError::Protocol(e.to_string()))?;
                settle(device, &photo, done)?;
                device.store().set_thumbnail_done(&photo)?;
            }
        }
        let pending = device.store().pending_photos()?;
        for pair in pending.chunks(2) {
            let (a, b) = match pair {
                [a, b] => tokio::join!(self.upload_one(device, a), self.upload_one(device, b)),
                [a] => (self.upload_one(device, a).await, Ok(())),
                _ => (Ok(()), Ok(())),
            };
            if let Some(p) = pair.first() {
                settle(device, &p.sha256, a)?;
            }
            if let Some(p) = pair.get(1) {
                settle(device, &p.sha256, b)?;
            }
            self.report(|_, photos_left| *photos_left = photos_left.saturating_sub(pair.len()));
        }
        Ok(())
    }

    async fn upload_one(&self, device: &Device, p: &crate::store::StoredPhoto) -> Result<(), SyncError> {
        {
            let url = format!("{}/api/v1/blobs/{}", self.url, p.sha256);
            let bytes = device.store().photo_bytes(&p.sha256, false)?.unwrap_or_default();
            let mut offset = p.uploaded;
            let mut asked = false;
            while offset < p.size {
                let start = usize::try_from(offset).unwrap_or(usize::MAX);
                let end = start.saturating_add(self.photo_chunk.max(1)).min(bytes.len());
                let part = bytes.get(start..end).unwrap_or_default().to_vec();
                let res = self.patch(&url, offset, p.size, part).await?;
                if res.status() == reqwest::StatusCode::CONFLICT && !asked {
                    asked = true;
                    let (at, complete) = self.committed(&url).await?;
                    offset = if complete { p.size } else { at };
                    device.store().set_uploaded(&p.sha256, offset, complete)?;
                    continue;
                }
                let res = check(res).await?;
                let header =
                    res.headers().get("upload-offset").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
                offset = header.unwrap_or(end as u64);
                device.store().set_uploaded(&p.sha256, offset, offset >= p.size)?;
            }
        }
        Ok(())
    }

    /// Uploads a small blob in one request (a 409 means the server already
    /// has part or all of it; the HEAD then says whether it is complete).
    async fn upload_small(&self, sha: &str, bytes: &[u8]) -> Result<(), SyncError> {
        let url = format!("{}/api/v1/blobs/{sha}", self.url);
        let total = bytes.len() as u64;
        let res = self.patch(&url, 0, total, bytes.to_vec()).await?;
        if res.status() == reqwest::StatusCode::CONFLICT {
            let (offset, complete) = self.committed(&url).await?;
            if !complete {
                let rest = bytes.get(usize::try_from(offset).unwrap_or(usize::MAX)..).unwrap_or_default();
                check(self.patch(&url, offset, total, rest.to_vec()).await?).await?;
            }
            return Ok(());
        }
        check(res).await.map(drop)
    }

    /// Sends one part of an upload at `offset` of `total` bytes.
    async fn patch(&self, url: &str, offset: u64, total: u64, part: Vec<u8>) -> Result<reqwest::Response, SyncError> {
        self.stats.sent(part.len());
        self.http
            .patch(url)
            .bearer_auth(&self.token)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .header("upload-length", total.to_string())
            .body(part)
            .send()
            .await
            .map_err(offline)
    }

    /// The server's committed offset of an upload, and whether it is complete.
    async fn committed(&self, url: &str) -> Result<(u64, bool), SyncError> {
        let res = check(self.http.head(url).bearer_auth(&self.token).send().await.map_err(offline)?).await?;
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let header = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let offset = header("upload-offset").and_then(|v| v.parse().ok()).unwrap_or(0);
        Ok((offset, header("x-upload-complete").as_deref() == Some("true")))
    }
}

/// One photo's outcome: a refusal that retrying cannot fix (the server
/// says the photo is unacceptable) marks it failed so it never blocks the
/// others; anything else (offline, throttled, signed out) stops the upload.
fn settle(device: &Device, sha: &str, outcome: Result<(), SyncError>) -> Result<(), SyncError> {
    match outcome {
        Err(SyncError::Server { status: 403 | 413 | 415 | 422, code, message }) => {
            tracing::warn!(photo = sha, code = %code, message = %message, "the server refused a photo");
            device.store().set_photo_failed(sha, &format!("{code}: {message}"))?;
            Ok(())
        }
        other => other,
    }
}

/// Bytes of request and response bodies this connection moved (as they
/// crossed the network, compressed), and requests made.
#[derive(Debug, Default)]
pub struct Stats {
    pub body_up: AtomicU64,
    pub body_down: AtomicU64,
    pub requests: AtomicU64,
}

impl Stats {
    fn sent(&self, n: usize) {
        self.body_up.fetch_add(n as u64, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn received(&self, n: usize) {
        self.body_down.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// (bytes up, bytes down, requests)
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (
            self.body_up.load(Ordering::Relaxed),
            self.body_down.load(Ordering::Relaxed),
            self.requests.load(Ordering::Relaxed),
        )
    }
}

/// The overall state the app shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Not tried yet.
    Idle,
    /// A sync is running: documents still to push, and photos still to
    /// upload out of those it started with.
    Syncing {
        documents: usize,
        photos: usize,
        photos_left: usize,
    },
    UpToDate {
        at: i64,
    },
    /// The server cannot be reached; the next try is in `retry_in_ms`.
    Offline {
        reason: String,
        retry_in_ms: u64,
    },
    /// The server refused the sync as a whole (e.g. the device was revoked).
    Error {
        reason: String,
    },
}

/// The app's handle on the background sync: its state, and a way to sync now.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    pub state: tokio::sync::watch::Receiver<SyncState>,
    now: std::sync::Arc<tokio::sync::Notify>,
}

impl SyncHandle {
    /// Syncs at once (e.g. the user pulled to refresh, or a network appeared).
    pub fn sync_now(&self) {
        self.now.notify_one();
    }
}

/// Syncs in the background: every `every` while up to date, with backoff
/// and jitter while the server is unreachable, and at once on `sync_now`.
pub fn spawn_background(
    device: std::sync::Arc<Device>,
    server: Server,
    every: Duration,
    backoff: Backoff,
) -> SyncHandle {
    let (tx, _) = tokio::sync::watch::channel(SyncState::Idle);
    spawn_background_into(device, server, every, backoff, std::sync::Arc::new(tx))
}

/// As [`spawn_background`], reporting into `tx` (the app's own channel, so
/// its listeners are there before the loop starts).
pub fn spawn_background_into(
    device: std::sync::Arc<Device>,
    server: Server,
    every: Duration,
    mut backoff: Backoff,
    tx: std::sync::Arc<tokio::sync::watch::Sender<SyncState>>,
) -> SyncHandle {
    let rx = tx.subscribe();
    let mut server = server;
    server.progress = Some(tx.clone());
    let now = std::sync::Arc::new(tokio::sync::Notify::new());
    let wake = now.clone();
    tokio::spawn(async move {
        loop {
            let documents = device.outgoing().map(|o| o.len()).unwrap_or(0);
            let photos = device.store().pending_photos().map(|p| p.len()).unwrap_or(0);
            let _ = tx.send(SyncState::Syncing { documents, photos, photos_left: photos });
            let wait = match server.sync(&device).await {
                Ok(_) => {
                    backoff.reset();
                    let at = now_ms();
                    // Kept across restarts for the sync panel; failing to note
                    // the time is not worth failing a sync that succeeded.
                    let _ = device.store().put(&settings::LAST_SYNC, &at);
                    let _ = tx.send(SyncState::UpToDate { at });
                    every
                }
                Err(SyncError::Offline(reason)) => {
                    let d = backoff.next_delay();
                    tracing::info!(reason = %reason, retry_in_ms = d.as_millis(), "offline");
                    let retry_in_ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
                    let _ = tx.send(SyncState::Offline { reason, retry_in_ms });
                    d
                }
                Err(e) => {
                    tracing::error!(error = %e, "sync failed");
                    let _ = tx.send(SyncState::Error { reason: e.to_string() });
                    backoff.next_delay()
                }
            };
            if tx.is_closed() {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {},
                () = wake.notified() => {},
            }
        }
    });
    SyncHandle { state: rx, now }
}

/// Waits between attempts while the server is unreachable: exponential,
/// capped, with jitter so a township office's devices do not retry together.
#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Self { attempt: 0, base, max }
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self { attempt: 0, base: Duration::from_secs(2), max: Duration::from_secs(600) }
    }
}

impl Backoff {
    pub fn next_delay(&mut self) -> Duration {
        let exp = self.base.saturating_mul(1u32.checked_shl(self.attempt.min(20)).unwrap_or(u32::MAX));
        self.attempt = self.attempt.saturating_add(1);
        exp.min(self.max).mul_f64(rand::random_range(0.5..1.5)).min(self.max)
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_resets() {
        let mut b = Backoff { attempt: 0, base: Duration::from_secs(1), max: Duration::from_secs(60) };
        let first = b.next_delay();
        assert!(first >= Duration::from_millis(500) && first <= Duration::from_millis(1500));
        for _ in 0..30 {
            assert!(b.next_delay() <= Duration::from_secs(60));
        }
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(1500));
    }
}
