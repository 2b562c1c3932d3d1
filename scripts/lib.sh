# Shared helpers for scripts/run.sh and scripts/test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Installs the Debian packages that are missing; does nothing when all are there.
ensure_apt() {
    local missing=()
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# Rust components the checks use.
ensure_rust() {
    command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
}

# What building and driving the Tauri app needs (TOOLCHAIN.md).
TAURI_APT=(build-essential pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev libxdo-dev
    libayatana-appindicator3-dev librsvg2-dev)
# WebKitWebDriver and Xvfb for the app, Debian's Chromium and Firefox ESR for the dashboard
# (playwright-core never downloads a browser), and a CJK font, or screenshots
# and the zh-CN UI show boxes.
E2E_APT=(webkit2gtk-driver xvfb xauth fonts-wqy-zenhei chromium firefox-esr)

# Services the tests start on temporary directories: PostgreSQL (its
# binaries; scripts/postgres.sh makes and runs a throwaway cluster) and
# nginx (the reverse proxy of deploy/nginx.conf, in front of two instances).
SERVICES_APT=(postgresql nginx)

# s3s-fs, pinned (the last release this toolchain builds), for photos in
# object storage; installed once into ~/.cargo/bin.
ensure_s3s_fs() {
    if ! cargo install --list | grep -q '^s3s-fs v0.14.1:'; then
        cargo install s3s-fs --version 0.14.1 --features binary --locked
    fi
}

# tauri-driver, pinned; installed once into ~/.cargo/bin.
ensure_tauri_driver() {
    if ! cargo install --list | grep -q '^tauri-driver v2.1.0:'; then
        cargo install tauri-driver --version 2.1.0 --locked
    fi
}

# The UI's dependencies exactly as locked, then its checks, unit tests and build.
build_ui() {
    echo "==> ui: npm ci, svelte-check, vitest, vite build"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test && npm run build)
}
