#!/usr/bin/env bash
# Runs Xuncha. Today (foundation only) this validates the evaluation templates
# and scores one demo inspection per centre type; the server with demo data
# and the inspector app take over this command as they land.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_apt build-essential pkg-config
ensure_rust
cargo run --locked -p xuncha-core --example demo
