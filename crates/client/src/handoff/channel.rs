//! The encrypted channel of a hand-off, bound to the pairing code. SPAKE2
//! (the `spake2` crate) turns the short code into a strong shared key that
//! only a holder of the code can derive, and an eavesdropper cannot test
//! guesses against offline; that key is the pre-shared key of a Noise
//! `NNpsk0` handshake (the `snow` crate), which gives the channel its
//! ephemeral keys and encryption. A wrong code fails the handshake. Nothing
//! here is hand-made cryptography: only framing.

use super::HandoffError;
use spake2::{Ed25519Group, Identity, Password, Spake2};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const NOISE: &str = "Noise_NNpsk0_25519_ChaChaPoly_BLAKE2s";
const SPAKE_ID: &[u8] = b"xuncha hand-off v1";
/// Noise's own limit on one message.
const NOISE_MAX: usize = 65_535;
const TAG: usize = 16;
/// Largest application message (a batch of documents' changes).
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The device that shows the code and waits.
    Offerer,
    /// The device that types or scans it.
    Joiner,
}

pub struct Channel {
    stream: TcpStream,
    noise: snow::TransportState,
    /// The Noise handshake hash: each side signs it to bind its certificate to this channel.
    pub binding: Vec<u8>,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel").finish_non_exhaustive()
    }
}

async fn write_frame(stream: &mut TcpStream, bytes: &[u8]) -> Result<(), HandoffError> {
    let len = u16::try_from(bytes.len()).map_err(|_| HandoffError::Protocol("a frame over 64 KiB".into()))?;
    stream.write_all(&len.to_be_bytes()).await?;
    stream.write_all(bytes).await?;
    Ok(())
}

async fn read_frame(stream: &mut TcpStream) -> Result<Vec<u8>, HandoffError> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf).await?;
    Ok(buf)
}

fn noise(e: snow::Error) -> HandoffError {
    HandoffError::Protocol(format!("the encrypted channel failed: {e}"))
}

impl Channel {
    /// Runs the key exchange and the handshake over `stream` with `code`.
    pub async fn open(mut stream: TcpStream, code: &str, role: Role) -> Result<Self, HandoffError> {
        let (spake, outbound) =
            Spake2::<Ed25519Group>::start_symmetric(&Password::new(code.as_bytes()), &Identity::new(SPAKE_ID));
        write_frame(&mut stream, &outbound).await?;
        let inbound = read_frame(&mut stream).await?;
        let key = spake.finish(&inbound).map_err(|_| HandoffError::Protocol("a malformed key exchange".into()))?;
        let psk: [u8; 32] = key.try_into().map_err(|_| HandoffError::Protocol("a key of the wrong size".into()))?;
        let params = NOISE.parse().map_err(noise)?;
        let builder = snow::Builder::new(params).psk(0, &psk).map_err(noise)?;
        let mut hs = match role {
            Role::Joiner => builder.build_initiator(),
            Role::Offerer => builder.build_responder(),
        }
        .map_err(noise)?;
        let mut buf = vec![0u8; NOISE_MAX];
        let wrong_code = |_| HandoffError::WrongCode;
        // NNpsk0: -> psk, e   <- e, ee. A different code is a different psk:
        // the first message read fails to decrypt.
        match role {
            Role::Joiner => {
                let n = hs.write_message(&[], &mut buf).map_err(noise)?;
                write_frame(&mut stream, buf.get(..n).unwrap_or_default()).await?;
                let msg = read_frame(&mut stream).await?;
                hs.read_message(&msg, &mut buf).map_err(wrong_code)?;
            }
            Role::Offerer => {
                let msg = read_frame(&mut stream).await?;
                hs.read_message(&msg, &mut buf).map_err(wrong_code)?;
                let n = hs.write_message(&[], &mut buf).map_err(noise)?;
                write_frame(&mut stream, buf.get(..n).unwrap_or_default()).await?;
            }
        }
        let binding = hs.get_handshake_hash().to_vec();
        Ok(Self { stream, noise: hs.into_transport_mode().map_err(noise)?, binding })
    }

    /// Sends one message: its length, then its bytes, in encrypted frames.
    pub async fn send(&mut self, message: &[u8]) -> Result<(), HandoffError> {
        if message.len() > MAX_MESSAGE {
            return Err(HandoffError::Protocol(format!("a message over {MAX_MESSAGE} bytes")));
        }
        let mut plain = (message.len() as u64).to_be_bytes().to_vec();
        plain.extend_from_slice(message);
        let mut buf = vec![0u8; NOISE_MAX];
        for chunk in plain.chunks(NOISE_MAX - TAG) {
            let n = self.noise.write_message(chunk, &mut buf).map_err(noise)?;
            write_frame(&mut self.stream, buf.get(..n).unwrap_or_default()).await?;
        }
        self.stream.flush().await?;
        Ok(())
    }

    /// Receives one message (refusing one over `MAX_MESSAGE`).
    pub async fn receive(&mut self) -> Result<Vec<u8>, HandoffError> {
        let mut buf = vec![0u8; NOISE_MAX];
        let mut plain = Vec::new();
        let mut want: Option<usize> = None;
        loop {
            let frame = read_frame(&mut self.stream).await?;
            let n = self.noise.read_message(&frame, &mut buf).map_err(noise)?;
            plain.extend_from_slice(buf.get(..n).unwrap_or_default());
            if want.is_none() && plain.len() >= 8 {
                let mut len = [0u8; 8];
                len.copy_from_slice(plain.get(..8).unwrap_or_default());
                let len = usize::try_from(u64::from_be_bytes(len)).unwrap_or(usize::MAX);
                if len > MAX_MESSAGE {
                    return Err(HandoffError::Protocol(format!("the peer sent a message over {MAX_MESSAGE} bytes")));
                }
                want = Some(len + 8);
            }
            if let Some(total) = want {
                if plain.len() > total {
                    return Err(HandoffError::Protocol("a message longer than it said".into()));
                }
                if plain.len() == total {
                    plain.drain(..8);
                    return Ok(plain);
                }
            }
        }
    }
}
