//! A simulated inspector's device: enrolled, holding documents with their
//! ack heads and a cursor, speaking the sync protocol over HTTP.

use automerge::{ActorId, ChangeHash};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use xuncha_core::DocumentId;
use xuncha_core::document::{Answer, AnswerRecord, InspectionDoc};
use xuncha_core::sync::{
    CBOR_MIME, DocPush, DocStatus, Heads, SYNC_PROTOCOL, SyncRequest, SyncResponse, decode_response, encode,
};
use xuncha_core::template::{Template, TemplateRef};

#[derive(Debug)]
pub struct LocalDoc {
    pub doc: InspectionDoc,
    /// The server heads this device last stored.
    pub ack: Vec<ChangeHash>,
}

#[derive(Debug)]
pub struct Device {
    pub url: String,
    pub token: String,
    pub username: String,
    pub actor: ActorId,
    pub device_id: i64,
    pub docs: BTreeMap<DocumentId, LocalDoc>,
    pub cursor: u64,
    pub http: reqwest::Client,
}

impl Device {
    pub async fn enrol(url: &str, username: &str) -> Self {
        Self::enrol_with(url, username, crate::PASSWORD).await
    }

    pub async fn enrol_with(url: &str, username: &str, password: &str) -> Self {
        Self::enrol_keyed(url, username, password, None).await
    }

    /// Enrols with an evidence key, as the app does: its records must be signed.
    pub async fn enrol_signing(url: &str, username: &str) -> (Self, xuncha_core::evidence::SigningKey) {
        let key = xuncha_core::evidence::SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        (Self::enrol_keyed(url, username, crate::PASSWORD, Some(&key)).await, key)
    }

    async fn enrol_keyed(
        url: &str,
        username: &str,
        password: &str,
        key: Option<&xuncha_core::evidence::SigningKey>,
    ) -> Self {
        let http = reqwest::Client::new();
        let public_key = key.map(|k| hex::encode(k.verifying_key().to_bytes()));
        let res = http
            .post(format!("{url}/api/v1/devices"))
            .json(&serde_json::json!({"username": username, "password": password, "device_name": "test phone",
                "public_key": public_key}))
            .send()
            .await
            .expect("enrol");
        assert_eq!(res.status(), reqwest::StatusCode::CREATED);
        let body: Value = res.json().await.expect("json");
        let actor_hex = body["actors"][0].as_str().expect("actor");
        Self {
            url: url.to_owned(),
            token: body["token"].as_str().expect("token").to_owned(),
            username: username.to_owned(),
            actor: ActorId::from(hex::decode(actor_hex).expect("hex actor")),
            device_id: body["device_id"].as_i64().expect("id"),
            docs: BTreeMap::new(),
            cursor: 0,
            http,
        }
    }

    /// The round the device would send now: the documents with changes the
    /// server has not acknowledged (the cursor brings down the others).
    pub fn request(&mut self) -> SyncRequest {
        let docs = self
            .docs
            .iter_mut()
            .filter_map(|(id, local)| {
                let am = local.doc.automerge_mut();
                let heads = am.get_heads();
                if heads == local.ack {
                    return None;
                }
                // A whole save is smaller only for a document the server has never seen.
                let changes = if local.ack.is_empty() { am.save_nocompress() } else { am.save_after(&local.ack) };
                Some(DocPush { doc: *id, client_heads: Heads(heads), ack_heads: Heads(local.ack.clone()), changes })
            })
            .collect();
        SyncRequest { protocol: SYNC_PROTOCOL, cursor: self.cursor, docs }
    }

    /// Sends an encoded body (gzip) and returns the raw response.
    pub async fn post_raw(&self, body: &[u8]) -> reqwest::Response {
        self.post_body(body).send().await.expect("sync request")
    }

    /// A sync request; bodies over 1 KiB are gzipped (smaller ones gain nothing).
    fn post_body(&self, body: &[u8]) -> reqwest::RequestBuilder {
        let req = self
            .http
            .post(format!("{}/api/v1/sync", self.url))
            .bearer_auth(&self.token)
            .header("content-type", CBOR_MIME);
        if body.len() <= 1024 {
            return req.body(body.to_vec());
        }
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(body).expect("gzip");
        req.header("content-encoding", "gzip").body(gz.finish().expect("gzip"))
    }

    pub async fn send(&mut self, req: &SyncRequest) -> SyncResponse {
        let res = self.post_raw(&encode(req)).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "sync failed");
        let res = decode_response(&res.bytes().await.expect("body")).expect("decode");
        self.apply(&res, Some(req));
        res
    }

    /// A round that may fail (server gone): nothing is applied then.
    pub async fn try_sync(&mut self) -> Result<SyncResponse, String> {
        let req = self.request();
        let res = self.post_body(&encode(&req)).send().await.map_err(|e| e.to_string())?;
        if res.status() != reqwest::StatusCode::OK {
            return Err(format!("status {}", res.status()));
        }
        let bytes = res.bytes().await.map_err(|e| e.to_string())?;
        let res = decode_response(&bytes).map_err(|e| e.to_string())?;
        self.apply(&res, Some(&req));
        Ok(res)
    }

    /// One round with everything unacknowledged.
    pub async fn sync(&mut self) -> SyncResponse {
        let req = self.request();
        self.send(&req).await
    }

    /// Stores what the server sent; moves ack heads and the cursor. Empty
    /// server heads mean "the heads you sent in `req`".
    pub fn apply(&mut self, res: &SyncResponse, req: Option<&SyncRequest>) {
        for reply in &res.docs {
            let accepted = !matches!(reply.status, DocStatus::Refused { .. });
            let sent = req.and_then(|r| r.docs.iter().find(|p| p.doc == reply.doc)).map(|p| p.client_heads.0.clone());
            let server_heads =
                if reply.server_heads.is_empty() { sent.unwrap_or_default() } else { reply.server_heads.0.clone() };
            match self.docs.get_mut(&reply.doc) {
                Some(local) => {
                    if !reply.changes.is_empty() {
                        local.doc.automerge_mut().load_incremental(&reply.changes).expect("apply changes");
                    }
                    if accepted {
                        local.ack = server_heads.clone();
                    }
                }
                None if !reply.changes.is_empty() => {
                    let doc = InspectionDoc::load(&reply.changes, self.actor.clone()).expect("load offered doc");
                    self.docs.insert(reply.doc, LocalDoc { doc, ack: server_heads.clone() });
                }
                None => {}
            }
        }
        self.cursor = res.cursor;
    }

    pub fn doc(&mut self, id: &str) -> &mut InspectionDoc {
        let id: DocumentId = id.parse().expect("doc id");
        &mut self.docs.get_mut(&id).expect("document on device").doc
    }

    pub async fn template(&self, t: &TemplateRef) -> Template {
        let res = self
            .http
            .get(format!("{}/api/v1/templates/{}/{}", self.url, t.id, t.version))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("template");
        res.json().await.expect("template json")
    }

    pub fn answer(&mut self, doc: &str, template: &Template, item: &str, answer: Answer) {
        let by = self.username.clone();
        self.doc(doc)
            .set_answer(template, item, &AnswerRecord { answer, by, at: xuncha_server::now_ms() })
            .expect("answer");
    }

    /// Uploads a photo's bytes whole (one tus PATCH from offset 0).
    pub async fn upload(&self, bytes: &[u8]) -> reqwest::StatusCode {
        let sha = xuncha_core::photo::sha256_hex(bytes);
        self.http
            .patch(format!("{}/api/v1/blobs/{sha}", self.url))
            .bearer_auth(&self.token)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", "0")
            .header("upload-length", bytes.len().to_string())
            .body(bytes.to_vec())
            .send()
            .await
            .expect("upload")
            .status()
    }
}
