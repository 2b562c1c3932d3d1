#!/usr/bin/env bash
# A throwaway S3-protocol server for the tests (s3s-fs, from crates.io with
# its `binary` feature; scripts/test.sh installs it): `scripts/s3.sh start
# DIR` serves the folder DIR (each bucket a subfolder) on a free loopback
# port and prints `ENDPOINT PID`; `scripts/s3.sh stop PID` stops it.
set -euo pipefail
cmd="${1:?start|stop}"
case "$cmd" in
start)
    dir="${2:?data directory}" key="${3:?access key}" secret="${4:?secret key}"
    mkdir -p "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    s3s-fs --host 127.0.0.1 --port "$port" --access-key "$key" --secret-key "$secret" "$dir" \
        >"$dir.log" 2>&1 &
    pid=$!
    # Ready when it accepts a connection (at most 30 s).
    for _ in $(seq 300); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            echo "http://127.0.0.1:$port $pid"
            exit 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$dir.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "s3s-fs did not start" >&2
    exit 1
    ;;
stop)
    kill "${2:?pid}" 2>/dev/null || true
    ;;
*)
    echo "usage: $0 start DIR KEY SECRET | stop PID" >&2
    exit 2
    ;;
esac
