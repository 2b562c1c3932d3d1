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
log="$(mktemp)"
cargo test --workspace --all-targets --locked 2>&1 | tee "$log"

# One closing line for the whole run (cargo prints one per test binary).
read -r passed failed < <(awk '/^test result:/ {
    for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i }
} END { print p + 0, f + 0 }' "$log")
rm -f "$log"
echo
echo "all: ${passed} passed, ${failed} failed"
