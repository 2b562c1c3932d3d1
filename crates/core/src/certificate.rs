//! Enrolment certificates: the server signs, with its own Ed25519 key, who a
//! device is (its id, key, user, actor ids, region) until an expiry. Two
//! devices of one server prove themselves to each other with these offline
//! (the hand-off on site), each knowing the server's public key from its
//! catalog. The signed bytes travel as they were signed (`body` is the JSON
//! text), so no re-serialisation can change what a signature covers.

use crate::evidence::{SigningKey, VerifyingKey};
use ed25519_dalek::{Signature, Signer as _, Verifier as _};
use serde::{Deserialize, Serialize};

const DOMAIN: &[u8] = b"xuncha certificate v1\0";
/// A certificate's body is small; anything larger is not one of ours.
const MAX_BODY: usize = 8 * 1024;

/// Who a device is, as its server vouches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CertificateBody {
    /// The issuing server's public key, hex.
    pub server_key: String,
    pub device: i64,
    /// The device's evidence key, hex.
    pub device_key: String,
    pub username: String,
    pub display_name: String,
    /// Hex Automerge actor ids the device writes with.
    pub actors: Vec<String>,
    /// The user's region, broadest first (province, city, county), as far as it goes.
    pub region: Vec<String>,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// A certificate as it travels: the signed JSON text and the server's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeviceCertificate {
    pub body: String,
    /// 64 bytes, hex.
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("the certificate is not one of ours: {0}")]
    Malformed(String),
    #[error("the certificate was issued by another server")]
    OtherServer,
    #[error("the certificate's signature does not verify")]
    BadSignature,
    #[error("the certificate expired; sync with the server to renew it")]
    Expired,
}

impl DeviceCertificate {
    /// Signs `body` with the server's key.
    pub fn issue(server: &SigningKey, body: &CertificateBody) -> Result<Self, CertificateError> {
        let body = serde_json::to_string(body).map_err(|e| CertificateError::Malformed(e.to_string()))?;
        let signature = hex::encode(server.sign(&message(&body)).to_bytes());
        Ok(Self { body, signature })
    }

    /// The body, once the signature verifies with `server` and `now` is
    /// before the expiry.
    pub fn verify(&self, server: &VerifyingKey, now: i64) -> Result<CertificateBody, CertificateError> {
        if self.body.len() > MAX_BODY {
            return Err(CertificateError::Malformed("too large".into()));
        }
        let body: CertificateBody =
            serde_json::from_str(&self.body).map_err(|e| CertificateError::Malformed(e.to_string()))?;
        if body.server_key != hex::encode(server.to_bytes()) {
            return Err(CertificateError::OtherServer);
        }
        let sig: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CertificateError::Malformed("the signature is not 64 bytes of hex".into()))?;
        server
            .verify(&message(&self.body), &Signature::from_bytes(&sig))
            .map_err(|_| CertificateError::BadSignature)?;
        if now >= body.expires_at {
            return Err(CertificateError::Expired);
        }
        Ok(body)
    }
}

impl CertificateBody {
    /// The device's evidence key.
    pub fn device_key(&self) -> Result<VerifyingKey, CertificateError> {
        let bytes: [u8; 32] = hex::decode(&self.device_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CertificateError::Malformed("the device key is not 32 bytes of hex".into()))?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| CertificateError::Malformed("not an Ed25519 key".into()))
    }

    /// The actor ids, decoded.
    pub fn actor_ids(&self) -> Result<Vec<automerge::ActorId>, CertificateError> {
        self.actors
            .iter()
            .map(|a| hex::decode(a).map(automerge::ActorId::from))
            .collect::<Result<_, _>>()
            .map_err(|_| CertificateError::Malformed("an actor id is not hex".into()))
    }
}

fn message(body: &str) -> Vec<u8> {
    [DOMAIN, body.as_bytes()].concat()
}

/// Parses a server's public key from hex.
pub fn server_key(hex_key: &str) -> Result<VerifyingKey, CertificateError> {
    let bytes: [u8; 32] = hex::decode(hex_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| CertificateError::Malformed("the server key is not 32 bytes of hex".into()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| CertificateError::Malformed("not an Ed25519 key".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(server: &SigningKey) -> CertificateBody {
        CertificateBody {
            server_key: hex::encode(server.verifying_key().to_bytes()),
            device: 3,
            device_key: hex::encode(SigningKey::from_bytes(&[2; 32]).verifying_key().to_bytes()),
            username: "wang".into(),
            display_name: "王芳".into(),
            actors: vec!["0a0b".into()],
            region: vec!["河北省".into(), "石家庄市".into(), "长安区".into()],
            issued_at: 100,
            expires_at: 200,
        }
    }

    #[test]
    fn a_certificate_verifies_with_its_server_until_it_expires() {
        let server = SigningKey::from_bytes(&[1; 32]);
        let cert = DeviceCertificate::issue(&server, &body(&server)).unwrap();
        assert_eq!(cert.verify(&server.verifying_key(), 199).unwrap(), body(&server));
        assert_eq!(cert.verify(&server.verifying_key(), 200), Err(CertificateError::Expired));
        let other = SigningKey::from_bytes(&[9; 32]);
        assert_eq!(cert.verify(&other.verifying_key(), 150), Err(CertificateError::OtherServer));
        // A body altered after signing: another user, a later expiry.
        for (from, to) in [("\"wang\"", "\"li\""), ("200", "900")] {
            let forged = DeviceCertificate { body: cert.body.replace(from, to), ..cert.clone() };
            assert_eq!(forged.verify(&server.verifying_key(), 150), Err(CertificateError::BadSignature), "{to}");
        }
        // Signed by another server that names this one.
        let fake = DeviceCertificate::issue(&other, &body(&server)).unwrap();
        assert_eq!(fake.verify(&server.verifying_key(), 150), Err(CertificateError::BadSignature));
    }
}
