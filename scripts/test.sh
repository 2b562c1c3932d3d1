#!/usr/bin/env bash
# Runs every test of Xuncha, installing what it needs first (idempotent).
# This is the command .ci/run calls.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Each stage's time, printed when the next begins and at the end.
STAGE="" STAGE_START=$SECONDS RUN_START=$SECONDS TIMES=()
stage() {
    if [ -n "$STAGE" ]; then
        TIMES+=("$(printf '%5d s  %s' $((SECONDS - STAGE_START)) "$STAGE")")
        echo "<== $STAGE: $((SECONDS - STAGE_START)) s"
    fi
    STAGE="$1" STAGE_START=$SECONDS
}

# A fresh clone builds everything once: incremental caches would only double
# target/ (CI's disk ran full at stop 20). Where target/ exists, cargo keeps
# the caller's setting, so a developer's warm builds stay warm.
if [ ! -d target ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
echo "disk before: $(df -h --output=avail . | tail -n 1 | tr -d ' ') free"

stage "set-up (apt, rust, tauri-driver)"

ensure_apt "${TAURI_APT[@]}" "${E2E_APT[@]}" "${SERVICES_APT[@]}"
ensure_rust
ensure_tauri_driver
ensure_s3s_fs

# The app embeds ui/dist at compile time, so the UI is built first.
stage "ui: npm ci, svelte-check, vitest, build"
build_ui

stage "cargo fmt"
echo "==> cargo fmt --check"
cargo fmt --all -- --check
stage "cargo clippy"
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# A throwaway PostgreSQL server for the storage tests on that backend.
PGDIR="$(mktemp -d /tmp/xuncha-pg.XXXXXX)"
S3_PID=""
trap '"$ROOT/scripts/postgres.sh" stop "$PGDIR"; [ -n "$S3_PID" ] && kill "$S3_PID"; rm -rf "$PGDIR" "$PGDIR-s3" "$PGDIR-s3.log"' EXIT
export XUNCHA_TEST_POSTGRES
XUNCHA_TEST_POSTGRES="$("$ROOT/scripts/postgres.sh" start "$PGDIR")"
export XUNCHA_REQUIRE_POSTGRES=1
echo "==> PostgreSQL for the tests: $XUNCHA_TEST_POSTGRES"
# A throwaway S3-protocol server for photos in object storage.
export XUNCHA_TEST_S3_ROOT="$PGDIR-s3" XUNCHA_TEST_S3_KEY=xuncha-test XUNCHA_TEST_S3_SECRET=xuncha-test-secret
export XUNCHA_TEST_S3
read -r XUNCHA_TEST_S3 S3_PID < <("$ROOT/scripts/s3.sh" start "$XUNCHA_TEST_S3_ROOT" "$XUNCHA_TEST_S3_KEY" "$XUNCHA_TEST_S3_SECRET")
echo "==> S3 (s3s-fs) for the tests: $XUNCHA_TEST_S3"

stage "cargo test"
echo "==> cargo test (unit, integration, property tests; benches run once as tests)"
log="$(mktemp)"
cargo test --workspace --all-targets --locked 2>&1 | tee "$log"

# One closing line for the whole run (cargo prints one per test binary).
read -r passed failed < <(awk '/^test result:/ {
    for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i }
} END { print p + 0, f + 0 }' "$log")
rm -f "$log"
echo "cargo: ${passed} passed, ${failed} failed"

stage "integration tests on PostgreSQL and S3"
echo "==> the integration tests again, each server on a database of its own in PostgreSQL and a bucket of its own in S3"
log="$(mktemp)"
XUNCHA_TEST_BACKEND=postgres XUNCHA_TEST_PHOTOS=s3 cargo test -p xuncha-tests --test it --locked 2>&1 | tee "$log"
read -r pg_passed pg_failed < <(awk '/^test result:/ {
    for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i }
} END { print p + 0, f + 0 }' "$log")
rm -f "$log"
echo "cargo on PostgreSQL and S3: ${pg_passed} passed, ${pg_failed} failed"

stage "end to end"
echo "==> end to end: the app binary through tauri-driver, the dashboard in Chromium, both against a real server"
cargo build --workspace --locked
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)

stage "bundles (release build)"
echo "==> bundles: deb and rpm (a release build of the app, as shipped)"
(cd src-tauri && ../tests/e2e/node_modules/.bin/tauri build --bundles deb rpm)
deb=$(ls -t target/release/bundle/deb/xuncha_*.deb | head -n 1)
rpm=$(ls -t target/release/bundle/rpm/xuncha-*.rpm | head -n 1)
dpkg-deb --contents "$deb" | grep 'usr/bin/xuncha-app$' >/dev/null || { echo "the .deb lacks usr/bin/xuncha-app"; exit 1; }
test -s "$rpm" || { echo "no .rpm was written"; exit 1; }
echo "bundles: $deb ($(du -h "$deb" | cut -f1)), $rpm ($(du -h "$rpm" | cut -f1))"
stage ""
echo
echo "disk after: $(df -h --output=avail . | tail -n 1 | tr -d ' ') free, target/ $(du -sh target | cut -f1)"
echo "stage times:"
printf '%s\n' "${TIMES[@]}"
echo "total: $((SECONDS - RUN_START)) s"
echo "all: cargo ${passed} passed, ${failed} failed; on PostgreSQL and S3 ${pg_passed} passed; ui unit tests, end-to-end tests and bundles passed (above)"
