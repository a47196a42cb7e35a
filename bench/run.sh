#!/usr/bin/env bash
# The benchmarks (issues #7 and #15), one bounded command: builds Civitas and the load generator in
# release mode, then runs every scenario against Civitas on SQLite, Civitas on PostgreSQL (a
# throwaway local server) and panva's oidc-provider (bench/peer), alternating, and writes
# BENCHMARKS.md and bench/results.json. Traffic goes to 127.0.0.1 only.
#
#   bench/run.sh [--duration SECS] [--connections N] [--sessions N] [--rounds N] [--smoke]
#
# Before the load, the micro benchmarks each scenario's floor is summed from (ES256 sign and
# verify, a write's share of a group commit: `cargo bench --bench micro`, about a minute).
#
# --smoke: debug build, 1-second scenarios, one round, small imports, no micro benchmarks;
# the report goes to a temporary folder (the committed files stay as they are). Installs
# what is missing (Node.js, npm, wrk, PostgreSQL) with apt-get when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

command_line="bench/run.sh${*:+ $*}"
duration=10 connections=32 sessions=8 rounds=1 smoke=0
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
        --connections) connections="${2:?--connections needs a value}"; shift 2 ;;
        --sessions) sessions="${2:?--sessions needs a value}"; shift 2 ;;
        --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
        --smoke) smoke=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 >&2 ;;
    esac
done
for n in "$duration" "$connections" "$sessions" "$rounds"; do
    case "$n" in ''|*[!0-9]*) echo "not a number: $n" >&2; exit 2 ;; esac
done

started=$(date +%s)

have_postgres() {
    command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
have_postgres || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing ${missing[*]} (the benchmarks need them)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The peer's dependencies, pinned by its package-lock.json.
peer_version=$(node -p "require('./bench/peer/package-lock.json').packages['node_modules/oidc-provider'].version")
installed=$(node -p "try { require('./bench/peer/node_modules/oidc-provider/package.json').version } catch { '' }")
if [ "$installed" != "$peer_version" ]; then
    echo "==> npm ci in bench/peer (oidc-provider $peer_version)"
    (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)
fi

target_dir="${CARGO_TARGET_DIR:-target}"
if [ "$smoke" = 1 ]; then
    profile=debug
    build_flags=()
    out=$(mktemp -d -t civitas-bench-smoke-XXXXXX)
    extra=(--duration 1 --rounds 1 --import-rows 2000 --ledger-records 20000 --smoke
           --out-md "$out/BENCHMARKS.md" --out-json "$out/results.json")
else
    profile=release
    build_flags=(--release)
    extra=(--duration "$duration" --rounds "$rounds" --floor-dir "$target_dir/criterion")
fi

echo "==> cargo build ${build_flags[*]} (civitas and civitas-loadgen)"
build_started=$(date +%s)
cargo build --locked "${build_flags[@]}" -p civitas -p civitas-loadgen
build_secs=$(( $(date +%s) - build_started ))

if [ "$smoke" = 0 ]; then
    echo "==> micro benchmarks for the floors (cargo bench --bench micro)"
    rm -rf "$target_dir/criterion/id_token_sign_ES256" "$target_dir/criterion/es256_verify_ring" \
        "$target_dir/criterion/write_share_batch_32"
    cargo bench --locked --bench micro -- --warm-up-time 1 --measurement-time 3 \
        '^(id_token_sign_ES256|es256_verify_ring|write_share_batch_32)$'
fi

echo "==> benchmarks ($command_line)"
status=0
"$target_dir/$profile/civitas-loadgen" \
    --civitas-bin "$target_dir/$profile/civitas" \
    --profile "$profile" \
    --peer-dir bench/peer \
    --connections "$connections" \
    --sessions "$sessions" \
    --build-secs "$build_secs" \
    --command "$command_line" \
    "${extra[@]}" || status=$?

total=$(( $(date +%s) - started ))
if [ "$smoke" = 1 ]; then
    echo "==> smoke run: report in $out/BENCHMARKS.md"
fi
echo "==> bench/run.sh: exit $status after ${total} s (build ${build_secs} s)"
exit "$status"
