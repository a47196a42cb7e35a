#!/usr/bin/env bash
# Civitas as a nation runs it, as plain processes on loopback: a PostgreSQL primary, a
# synchronous standby (pg_basebackup, synchronous_standby_names), two Civitas instances on
# the same database and key folder, and nginx in front of them. For people without a
# container engine, and for the failover and restart tests.
#
#   scripts/cluster.sh start [DIR]          start everything; prints the address to open
#   scripts/cluster.sh start --database-only [DIR]   only the primary and its standby
#   scripts/cluster.sh stop [DIR]           stop everything and keep DIR (its logs)
#   scripts/cluster.sh status [DIR]         what runs, which database host is the primary
#   scripts/cluster.sh fail-primary [DIR]   crash the primary (immediate stop, as a power cut)
#   scripts/cluster.sh promote [DIR]        promote the standby to primary
#   scripts/cluster.sh kill-instance N [DIR]     SIGKILL Civitas instance N (1 or 2)
#   scripts/cluster.sh restart-instance N [DIR]  start instance N again (after a kill)
#
# DIR defaults to ./.cluster. It holds the data folders, logs, keys and `env`, a file of
# shell variables (PROXY_URL, INSTANCE_1_URL, INSTANCE_2_URL, DATABASE_URL, …) for scripts
# and tests. CLUSTER_CIVITAS_BIN picks the binary (default: target/release/civitas, built if missing).
# Needs PostgreSQL's server binaries and nginx (Debian: apt-get install postgresql nginx-light).
set -euo pipefail

usage() {
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

command="${1:-}"
[ -n "$command" ] || usage 2 >&2
shift
instance="" database_only=0
case "$command" in
    start)
        if [ "${1:-}" = --database-only ]; then database_only=1; shift; fi
        ;;
    kill-instance|restart-instance)
        instance="${1:?$command needs an instance number (1 or 2)}"; shift
        case "$instance" in 1|2) ;; *) echo "no instance $instance: there are 1 and 2" >&2; exit 2 ;; esac
        ;;
    -h|--help|help) usage 0 ;;
esac
dir="${1:-.cluster}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"

die() { echo "cluster: $*" >&2; exit 1; }

pg_bin() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/pg_ctl" ]; then
        pg_config --bindir
        return
    fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$d" ] && [ -x "$d/pg_ctl" ] || die "no PostgreSQL server binaries (apt-get install postgresql)"
    echo "$d"
}

# PostgreSQL refuses to run as root: its commands run as the postgres user then.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() { # URL SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

load_env() {
    [ -f "$dir/env" ] || die "$dir/env is missing: start the cluster first (scripts/cluster.sh start $dir)"
    # shellcheck disable=SC1091
    . "$dir/env"
}

start_instance() { # N
    local n="$1" port_var="INSTANCE_$1_PORT"
    local port="${!port_var}"
    (
        cd "$dir"
        CIVITAS_LISTEN="127.0.0.1:$port" \
        CIVITAS_ISSUER="$PROXY_URL" \
        CIVITAS_DATABASE__URL="$DATABASE_URL" \
        CIVITAS_KEYS__DIR="$dir/keys" \
        CIVITAS_HTTP__TRUSTED_PROXIES="[127.0.0.1/32]" \
        CIVITAS_LOG__FILTER="${CIVITAS_LOG__FILTER:-civitas=info}" \
            setsid "$CLUSTER_CIVITAS_BIN" serve >>"$dir/civitas-$n.log" 2>&1 &
        echo $! >"$dir/civitas-$n.pid"
    )
    wait_for "http://127.0.0.1:$port/readyz" 60 || die "instance $n did not become ready: see $dir/civitas-$n.log"
}

stop_pid_file() { # FILE SIGNAL
    [ -f "$1" ] || return 0
    local pid
    pid=$(cat "$1")
    kill "-$2" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$1"
}

cmd_start() {
    [ "$database_only" = 1 ] || command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] \
        || die "nginx is missing (apt-get install nginx-light)"
    [ ! -f "$dir/env" ] || die "$dir already holds a cluster: scripts/cluster.sh stop $dir, then remove it"
    local bin
    bin=$(pg_bin)
    CLUSTER_CIVITAS_BIN="${CLUSTER_CIVITAS_BIN:-$root/target/release/civitas}"
    if [ "$database_only" = 0 ] && [ ! -x "$CLUSTER_CIVITAS_BIN" ]; then
        echo "==> cargo build --release (no $CLUSTER_CIVITAS_BIN yet)"
        (cd "$root" && cargo build --release --locked -p civitas)
    fi
    local primary_port standby_port proxy_port p1 p2
    primary_port=$(free_port); standby_port=$(free_port); proxy_port=$(free_port)
    p1=$(free_port); p2=$(free_port)
    mkdir -p "$dir/pg" "$dir/keys" "$dir/nginx"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pg"

    echo "==> PostgreSQL primary on 127.0.0.1:$primary_port"
    as_pg "$bin/initdb" -D "$dir/pg/primary" -U civitas --auth=trust -E UTF8 --locale=C >"$dir/pg/initdb.log"
    cat >>"$dir/pg/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$dir/pg'
wal_level = replica
max_wal_senders = 4
wal_keep_size = 256MB
max_connections = 200
EOF
    as_pg "$bin/pg_ctl" -D "$dir/pg/primary" -l "$dir/pg/primary.log" -w start >/dev/null

    echo "==> synchronous standby on 127.0.0.1:$standby_port (pg_basebackup)"
    as_pg "$bin/pg_basebackup" -D "$dir/pg/standby" -h 127.0.0.1 -p "$primary_port" -U civitas -R -X stream
    cat >>"$dir/pg/standby/postgresql.auto.conf" <<EOF
port = $standby_port
primary_conninfo = 'host=127.0.0.1 port=$primary_port user=civitas application_name=standby'
EOF
    as_pg "$bin/pg_ctl" -D "$dir/pg/standby" -l "$dir/pg/standby.log" -w start >/dev/null
    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U civitas)
    for _ in $(seq 1 100); do
        state=$("${psql[@]}" -p "$primary_port" -d postgres -tAc \
            "SELECT state FROM pg_stat_replication WHERE application_name = 'standby'")
        [ "$state" = streaming ] && break
        sleep 0.1
    done
    [ "$state" = streaming ] || die "the standby does not stream: see $dir/pg/standby.log"
    # From here a commit is acknowledged only once the standby has it on disk.
    "${psql[@]}" -p "$primary_port" -d postgres \
        -c "ALTER SYSTEM SET synchronous_standby_names = 'standby'" -c "SELECT pg_reload_conf()" >/dev/null
    "${psql[@]}" -p "$primary_port" -d postgres -c "CREATE DATABASE civitas" >/dev/null

    cat >"$dir/env" <<EOF
PG_BIN='$bin'
PRIMARY_PORT=$primary_port
STANDBY_PORT=$standby_port
DATABASE_URL='postgres://civitas@127.0.0.1:$primary_port,127.0.0.1:$standby_port/civitas?target_session_attrs=read-write'
PRIMARY_URL='postgres://civitas@127.0.0.1:$primary_port/civitas'
STANDBY_URL='postgres://civitas@127.0.0.1:$standby_port/civitas'
CLUSTER_CIVITAS_BIN='$CLUSTER_CIVITAS_BIN'
INSTANCE_1_PORT=$p1
INSTANCE_2_PORT=$p2
INSTANCE_1_URL='http://127.0.0.1:$p1'
INSTANCE_2_URL='http://127.0.0.1:$p2'
PROXY_PORT=$proxy_port
PROXY_URL='http://localhost:$proxy_port'
EOF
    load_env
    if [ "$database_only" = 1 ]; then
        echo "cluster: database up — $DATABASE_URL (variables in $dir/env)"
        return
    fi

    echo "==> migrations, then Civitas instances on 127.0.0.1:$p1 and 127.0.0.1:$p2"
    CIVITAS_DATABASE__URL="$DATABASE_URL" CIVITAS_KEYS__DIR="$dir/keys" CIVITAS_LOG__FILTER=warn \
        "$CLUSTER_CIVITAS_BIN" migrate >>"$dir/migrate.log" 2>&1 || die "migrations failed: see $dir/migrate.log"
    # One after the other: the first creates the signing keys, the second finds them.
    start_instance 1
    start_instance 2

    echo "==> nginx on 127.0.0.1:$proxy_port"
    local user_line=""
    [ "$(id -u)" = 0 ] && user_line="user root;"
    cat >"$dir/nginx/nginx.conf" <<EOF
# Written by scripts/cluster.sh: deploy/nginx.conf's rules, on loopback.
$user_line
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    upstream civitas {
        server 127.0.0.1:$p1 max_fails=2 fail_timeout=5s;
        server 127.0.0.1:$p2 max_fails=2 fail_timeout=5s;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$proxy_port;
        client_max_body_size 64k;
        location / {
            proxy_pass http://civitas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_next_upstream error timeout http_503;
        }
        location = /metrics { return 404; }
    }
}
EOF
    "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
    wait_for "$PROXY_URL/readyz" 10 || die "nginx does not answer: see $dir/nginx/error.log"
    echo "cluster: up — open $PROXY_URL (PostgreSQL primary :$PRIMARY_PORT, standby :$STANDBY_PORT; variables in $dir/env)"
}

cmd_stop() {
    load_env
    [ -f "$dir/nginx/nginx.pid" ] && { nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -s quit 2>/dev/null || true; }
    stop_pid_file "$dir/civitas-1.pid" TERM
    stop_pid_file "$dir/civitas-2.pid" TERM
    local d
    for d in primary standby; do
        [ -f "$dir/pg/$d/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/$d" -m fast -w stop >/dev/null 2>&1 || true
    done
    rm -f "$dir/env"
    echo "cluster: stopped (data and logs stay in $dir)"
}

cmd_status() {
    load_env
    local d port
    for d in primary standby; do
        port_var="$(echo "$d" | tr a-z A-Z)_PORT"; port="${!port_var}"
        if as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/$d" status >/dev/null 2>&1; then
            role=$("$PG_BIN/psql" -X -h 127.0.0.1 -p "$port" -U civitas -d postgres -tAc \
                "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null || echo "not answering")
            echo "postgres $d (:$port): running, $role"
        else
            echo "postgres $d (:$port): stopped"
        fi
    done
    for n in 1 2; do
        url_var="INSTANCE_${n}_URL"
        code=$(curl -s -o /dev/null -w '%{http_code}' "${!url_var}/readyz" || true)
        echo "civitas $n (${!url_var}): readyz ${code:-000}"
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' "$PROXY_URL/readyz" || true)
    echo "nginx ($PROXY_URL): readyz ${code:-000}"
}

case "$command" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    fail-primary)
        load_env
        as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/primary" -m immediate -w stop >/dev/null
        echo "cluster: primary stopped at once (no shutdown checkpoint, as in a crash)"
        ;;
    promote)
        load_env
        as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/standby" -w promote >/dev/null
        echo "cluster: the standby (:$STANDBY_PORT) is now the primary"
        ;;
    kill-instance)
        load_env
        stop_pid_file "$dir/civitas-$instance.pid" KILL
        echo "cluster: instance $instance killed (SIGKILL)"
        ;;
    restart-instance)
        load_env
        [ ! -f "$dir/civitas-$instance.pid" ] || ! kill -0 "$(cat "$dir/civitas-$instance.pid")" 2>/dev/null \
            || die "instance $instance is running"
        start_instance "$instance"
        echo "cluster: instance $instance started again"
        ;;
    *) echo "unknown command: $command" >&2; usage 2 >&2 ;;
esac
