//! A fault-injecting TCP proxy between devices and the server: added
//! latency, a bandwidth cap, connections cut after N bytes (which truncates
//! requests or responses), resets instead of clean closes, and a "link down"
//! switch. Faults take effect at once, on open connections too (a device's
//! HTTP client keeps its connection): `cut_after` counts from when it is set.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// New connections are refused (reset at once).
    pub link_down: bool,
    /// Added to every chunk forwarded, each way.
    pub latency: Duration,
    /// Bytes per second, each way, shared by all connections (one link).
    pub bytes_per_sec: Option<u64>,
    /// A connection is cut once this many bytes crossed it (both ways together).
    pub cut_after: Option<u64>,
    /// Cut with a TCP reset rather than a clean close.
    pub reset: bool,
}

/// The faults and a generation that changes with every `set`.
type Shared = Arc<Mutex<(u64, Faults)>>;

#[derive(Debug)]
pub struct Proxy {
    pub url: String,
    faults: Shared,
    /// Bytes forwarded, each way: (to the server, to devices).
    pub up: Arc<AtomicU64>,
    pub down: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy on a loopback port in front of `upstream` (`host:port`).
    pub async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let faults: Shared = Arc::new(Mutex::new((0, Faults::default())));
        let (up, down) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let upstream = upstream.to_owned();
        let now = tokio::time::Instant::now();
        let u = Direction { bytes: up.clone(), free_at: Arc::new(Mutex::new(now)) };
        let d = Direction { bytes: down.clone(), free_at: Arc::new(Mutex::new(now)) };
        let f = faults.clone();
        let task = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let (upstream, u, d, f) = (upstream.clone(), u.clone(), d.clone(), f.clone());
                tokio::spawn(async move {
                    if current(&f).1.link_down {
                        let _ = inbound.set_zero_linger();
                        return;
                    }
                    let Ok(outbound) = TcpStream::connect(&upstream).await else { return };
                    relay(inbound, outbound, f, (u, d)).await;
                });
            }
        });
        Self { url, faults, up, down, task }
    }

    pub fn set(&self, faults: Faults) {
        if let Ok(mut f) = self.faults.lock() {
            *f = (f.0 + 1, faults);
        }
    }

    pub fn clear(&self) {
        self.set(Faults::default());
    }

    pub fn bytes(&self) -> (u64, u64) {
        (self.up.load(Ordering::Relaxed), self.down.load(Ordering::Relaxed))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn current(f: &Shared) -> (u64, Faults) {
    f.lock().map(|g| g.clone()).unwrap_or_default()
}

/// Bytes crossed a connection since the faults' generation `.0` was set.
type Crossed = Arc<Mutex<(u64, u64)>>;

/// A direction of the link: bytes forwarded and when it is next free.
#[derive(Debug, Clone)]
struct Direction {
    bytes: Arc<AtomicU64>,
    free_at: Arc<Mutex<tokio::time::Instant>>,
}

async fn relay(mut inbound: TcpStream, mut outbound: TcpStream, faults: Shared, (up, down): (Direction, Direction)) {
    let _ = inbound.set_nodelay(true);
    let _ = outbound.set_nodelay(true);
    let crossed: Crossed = Arc::new(Mutex::new((current(&faults).0, 0)));
    let reset = Arc::new(AtomicBool::new(false));
    {
        let (ri, wi) = inbound.split();
        let (ro, wo) = outbound.split();
        let to_server = pump(ri, wo, faults.clone(), crossed.clone(), up, reset.clone());
        let to_device = pump(ro, wi, faults, crossed, down, reset.clone());
        // Either direction ending (or being cut) ends the connection.
        tokio::select! {
            () = to_server => {},
            () = to_device => {},
        }
    }
    if reset.load(Ordering::Relaxed) {
        // Closing with linger 0 sends a reset instead of a clean close.
        let _ = inbound.set_zero_linger();
        let _ = outbound.set_zero_linger();
    }
}

/// Forwards one direction. Reading and writing are separate tasks joined by
/// a queue, so latency delays each chunk without serialising them (a
/// propagation delay), while the bandwidth cap paces the writes.
async fn pump(
    mut from: impl tokio::io::AsyncRead + Unpin,
    mut to: impl tokio::io::AsyncWrite + Unpin,
    shared: Shared,
    crossed: Crossed,
    link: Direction,
    reset_on_cut: Arc<AtomicBool>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>, Option<bool>)>();
    let writer_faults = shared.clone();
    let reader = async move {
        let mut buf = vec![0u8; 8 * 1024];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let mut chunk = buf.get(..n).unwrap_or_default();
            let (generation, faults) = current(&shared);
            let before = match crossed.lock() {
                Ok(mut c) => {
                    if c.0 != generation {
                        *c = (generation, 0);
                    }
                    let before = c.1;
                    c.1 += n as u64;
                    before
                }
                Err(_) => 0,
            };
            // `Some(reset)` marks the last chunk before a cut.
            let mut cut = None;
            if faults.link_down {
                // Open connections die too when the link goes down.
                chunk = &[];
                cut = Some(true);
            }
            if let Some(limit) = faults.cut_after
                && before + n as u64 >= limit
            {
                chunk = chunk.get(..usize::try_from(limit.saturating_sub(before)).unwrap_or(0)).unwrap_or_default();
                cut = Some(faults.reset);
            }
            if tx.send((tokio::time::Instant::now() + faults.latency, chunk.to_vec(), cut)).is_err() || cut.is_some() {
                return;
            }
        }
    };
    let writer = async move {
        while let Some((due, chunk, cut)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if let Some(bps) = current(&writer_faults).1.bytes_per_sec.filter(|b| *b > 0) {
                // The link carries one chunk at a time, whichever connection it is from.
                let done = match link.free_at.lock() {
                    Ok(mut free) => {
                        let start = (*free).max(tokio::time::Instant::now());
                        *free = start + Duration::from_secs_f64(chunk.len() as f64 / bps as f64);
                        *free
                    }
                    Err(_) => tokio::time::Instant::now(),
                };
                tokio::time::sleep_until(done).await;
            }
            if to.write_all(&chunk).await.is_err() {
                return;
            }
            link.bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            if let Some(reset) = cut {
                reset_on_cut.store(reset, Ordering::Relaxed);
                return;
            }
        }
    };
    // The writer drains what was read before the reader ended.
    let (_, ()) = tokio::join!(reader, writer);
}
