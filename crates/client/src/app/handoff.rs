//! The hand-off screen's API: offer (wait for a co-inspector's phone with a
//! link and a code), join (with the other phone's address and code), the
//! state of an offer, and cancel. The exchange itself is `crate::handoff`.

use super::{App, AppError, AppResult, ErrorCode};
use crate::handoff::{self, HandoffReport, Offer};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use ts_rs::TS;

/// How long an offer waits for the other phone.
const OFFER_WAIT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HandoffState {
    Idle,
    /// Waiting for the other phone: show `link` as a QR code, with `address` and `code`.
    Waiting {
        link: String,
        address: String,
        code: String,
        until: i64,
    },
    Done {
        report: HandoffReport,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Default)]
pub(super) struct HandoffSlot {
    state: Option<HandoffState>,
    task: Option<tokio::task::AbortHandle>,
}

/// This device's address on the local network (the route it would use; no
/// packet is sent), or loopback without one.
fn local_ip() -> IpAddr {
    let probe = || -> std::io::Result<IpAddr> {
        let socket = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9))?;
        Ok(socket.local_addr()?.ip())
    };
    probe().ok().filter(|ip| !ip.is_unspecified()).unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

impl App {
    fn handoff_slot(&self) -> std::sync::MutexGuard<'_, HandoffSlot> {
        self.handoff.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens an offer and waits for the other phone in the background.
    /// Must run inside a tokio runtime.
    pub async fn handoff_offer(&self) -> AppResult<HandoffState> {
        self.handoff_cancel();
        let device = self.device();
        let offer = Offer::open(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)).await?;
        let address = SocketAddr::new(local_ip(), offer.addr.port()).to_string();
        let link = format!("{}{address}/{}", handoff::LINK_SCHEME, offer.code);
        let until = crate::sync::now_ms() + i64::try_from(OFFER_WAIT.as_millis()).unwrap_or(i64::MAX);
        let waiting = HandoffState::Waiting { link, address, code: offer.code.clone(), until };
        let (slot, changed) = (self.handoff.clone(), self.changed.clone());
        let task = tokio::spawn(async move {
            let state = match offer.accept(&device, OFFER_WAIT).await {
                Ok(report) => HandoffState::Done { report },
                Err(e) => HandoffState::Failed { reason: e.to_string() },
            };
            slot.lock().unwrap_or_else(|p| p.into_inner()).state = Some(state);
            changed.send_modify(|n| *n = n.wrapping_add(1));
        });
        let mut s = self.handoff_slot();
        s.state = Some(waiting.clone());
        s.task = Some(task.abort_handle());
        Ok(waiting)
    }

    pub fn handoff_status(&self) -> HandoffState {
        self.handoff_slot().state.clone().unwrap_or(HandoffState::Idle)
    }

    /// Joins the phone offering at `address` (`ip:port`) with `code`; a
    /// scanned link carries both (`address` may be the whole link).
    pub async fn handoff_join(&self, address: &str, code: &str) -> AppResult<HandoffReport> {
        let (addr, code) = match address.trim().starts_with(handoff::LINK_SCHEME) {
            true => handoff::parse_link(address)?,
            false => {
                let addr: SocketAddr = address.trim().parse().map_err(|_| {
                    AppError::new(ErrorCode::BadInput, "the address is the other phone's, as it shows it (ip:port)")
                })?;
                (addr, code.trim().to_owned())
            }
        };
        let device = self.device();
        let report = handoff::join(&device, addr, &code).await?;
        self.handoff_slot().state = Some(HandoffState::Done { report: report.clone() });
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
        Ok(report)
    }

    /// Stops waiting; a finished exchange is kept.
    pub fn handoff_cancel(&self) {
        let mut s = self.handoff_slot();
        if let Some(task) = s.task.take() {
            task.abort();
        }
        if matches!(s.state, Some(HandoffState::Waiting { .. })) {
            s.state = None;
        }
    }
}
