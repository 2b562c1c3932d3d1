#!/usr/bin/env bash
# Runs Xuncha: the server with demo data on the embedded SQLite default, the
# supervisor dashboard at its root and, where a display exists, the inspector
# app pointed at it.
# Data lives in ./data (XUNCHA_DATA_DIR overrides); the address is
# 127.0.0.1:8080 (XUNCHA_BIND overrides). The demo seed runs once; later runs
# keep what the data directory holds. The app keeps its own data in the
# user's app data directory (XUNCHA_APP_DATA_DIR overrides).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

with_app=0
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then with_app=1; fi

if [ "$with_app" = 1 ]; then ensure_apt "${TAURI_APT[@]}"; else ensure_apt build-essential pkg-config; fi
ensure_rust
export XUNCHA_DATA_DIR="${XUNCHA_DATA_DIR:-$ROOT/data}"
export XUNCHA_BIND="${XUNCHA_BIND:-127.0.0.1:8080}"
export XUNCHA_UI_DIR="${XUNCHA_UI_DIR:-$ROOT/ui/dist}"

echo "==> ui: npm ci, vite build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
if [ "$with_app" = 1 ]; then
    cargo build --locked --release -p xuncha-server -p xuncha-app
else
    cargo build --locked --release -p xuncha-server
fi
server="$ROOT/target/release/xuncha-server"
"$server" demo
echo "Demo users (password xuncha-demo-2026): admin, hebei-admin, sup-changan, sup-qiaoxi, insp-wang, insp-li, insp-zhao"
echo "Dashboard: http://$XUNCHA_BIND/ — API: http://$XUNCHA_BIND/api/v1 — OpenAPI: http://$XUNCHA_BIND/api/openapi.json — Ctrl-C stops"

if [ "$with_app" = 0 ]; then
    echo "(no display: the inspector app is not started)"
    exec "$server" serve
fi

"$server" serve &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null' EXIT INT TERM
echo "==> the inspector app (sign in as insp-wang, insp-li or insp-zhao); closing it leaves the server running"
XUNCHA_SERVER_URL="http://$XUNCHA_BIND" "$ROOT/target/release/xuncha-app" || true
wait "$server_pid"
