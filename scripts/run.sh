#!/usr/bin/env bash
# Runs Xuncha: the server with demo data on the embedded SQLite default.
# Data lives in ./data (XUNCHA_DATA_DIR overrides); the address is
# 127.0.0.1:8080 (XUNCHA_BIND overrides). The demo seed runs once; later runs
# keep what the data directory holds. The inspector app and the dashboard
# join this command as their issues land.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_apt build-essential pkg-config
ensure_rust
export XUNCHA_DATA_DIR="${XUNCHA_DATA_DIR:-$ROOT/data}"
export XUNCHA_BIND="${XUNCHA_BIND:-127.0.0.1:8080}"
cargo build --locked --release -p xuncha-server
server="$ROOT/target/release/xuncha-server"
"$server" demo
echo "Demo users (password xuncha-demo-2026): admin, hebei-admin, sup-changan, sup-qiaoxi, insp-wang, insp-li, insp-zhao"
echo "API: http://$XUNCHA_BIND/api/v1 — OpenAPI: http://$XUNCHA_BIND/api/openapi.json — Ctrl-C stops"
exec "$server" serve
