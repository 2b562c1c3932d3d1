#!/usr/bin/env bash
# Runs every test of Xuncha, installing what it needs first (idempotent).
# This is the command .ci/run calls.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_apt build-essential pkg-config
ensure_rust

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test (unit, integration, property tests; benches run once as tests)"
cargo test --workspace --all-targets --locked
