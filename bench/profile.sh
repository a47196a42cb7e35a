#!/usr/bin/env bash
# Flame graphs of Civitas on SQLite, one per scenario, into bench/profiles/SCENARIO-sqlite.svg:
# where the server's threads (the runtime's `civitas-worker`s and SQLite's `sqlx-sqlite-wor`)
# spend their CPU under the benchmark's load (32 connections, 10 s, a 2,000-person registry).
#
#   bench/profile.sh [SCENARIO …]     default: refresh code_redemption sso passkey discovery
#
# Uses the release build (symbols kept, call stacks unwound from .eh_frame: no rebuild with
# frame pointers), `perf` and inferno (`cargo install inferno` when it is missing). Samples
# every CPU at 99 Hz; the load generator's own threads are left out of the graph.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
scenarios=("$@")
[ "${#scenarios[@]}" -gt 0 ] || scenarios=(refresh code_redemption sso passkey discovery)

if ! command -v perf >/dev/null 2>&1; then
    echo "==> installing linux-perf"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
fi
if ! command -v inferno-flamegraph >/dev/null 2>&1; then
    echo "==> cargo install inferno"
    cargo install --locked inferno
fi

target_dir="${CARGO_TARGET_DIR:-target}"
echo "==> cargo build --release (civitas and civitas-loadgen)"
cargo build --locked --release -p civitas -p civitas-loadgen

work=$(mktemp -d -t civitas-profile-XXXXXX)
trap 'rm -rf "$work"' EXIT
commit=$(git rev-parse --short=12 HEAD)
for s in "${scenarios[@]}"; do
    echo "==> $s"
    perf record -q -F 99 --call-graph dwarf,32768 -a -o "$work/perf.data" -- \
        "$target_dir/release/civitas-loadgen" --civitas-bin "$target_dir/release/civitas" \
        --targets sqlite --scenarios "$s" --rounds 1 --duration 10 --import-rows 2000 \
        --out-md "$work/report.md" --out-json "$work/report.json" >"$work/loadgen.log" 2>&1
    perf script -i "$work/perf.data" --comms civitas-worker,sqlx-sqlite-wor 2>/dev/null \
        | inferno-collapse-perf \
        | inferno-flamegraph --title "Civitas on SQLite: $s (commit $commit, 32 connections, 10 s)" \
        > "bench/profiles/$s-sqlite.svg"
    grep -E "^\[..:..\]   [a-zA-Z]" "$work/loadgen.log" | grep -v "ready\|import" || true
    echo "    bench/profiles/$s-sqlite.svg"
done
echo "==> bench/profile.sh: ${#scenarios[@]} flame graph(s) in bench/profiles/"
