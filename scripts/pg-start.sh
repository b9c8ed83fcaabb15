#!/usr/bin/env bash
# Throwaway PostgreSQL 15 on 127.0.0.1 for the test suite.
#
#   scripts/pg-start.sh [start [BASE]]   initdb + start under BASE (default: a new temp dir), create
#                                        database readiness_test; the last stdout line is its URL
#   scripts/pg-start.sh stop BASE        stop that server and delete BASE
#
# BASE holds data/ (the cluster), sock/ (the Unix socket) and postgres.log. Runs the server as the
# postgres OS user when started as root; installs postgresql-15 with apt-get when it is missing.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
DB_NAME=readiness_test

log() { echo "pg-start: $*" >&2; }

as_postgres() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_postgres_installed() {
    if [[ ! -x $PG_BIN/initdb ]]; then
        log "installing postgresql-15"
        # The package would otherwise create and start a 'main' cluster on port 5432.
        mkdir -p /etc/postgresql-common/createcluster.d
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/no-main-cluster.conf
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql-15 >&2
    fi
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        log "creating the postgres system user"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin postgres
    fi
}

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
    else
        echo $((20000 + RANDOM % 40000))
    fi
}

start() {
    local base=${1:-}
    ensure_postgres_installed
    if [[ -z $base ]]; then
        base=$(mktemp -d -t readiness-pg.XXXXXX)
    fi
    mkdir -p "$base"
    base=$(cd "$base" && pwd)
    if [[ -e $base/data ]]; then
        log "$base/data already exists; stop that server first or pick another directory"
        exit 1
    fi
    mkdir -p "$base/data" "$base/sock"
    if [[ $EUID -eq 0 ]]; then
        chown -R postgres:postgres "$base"
        # mktemp makes the directory 0700; postgres must be able to reach it from /tmp.
        chmod 0755 "$base"
    fi

    as_postgres "$PG_BIN/initdb" -D "$base/data" -A trust -U postgres \
        --encoding=UTF8 --no-locale --no-sync >"$base/initdb.log" 2>&1 || {
        cat "$base/initdb.log" >&2
        exit 1
    }

    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        # fsync and friends off: this cluster is thrown away, speed matters more than durability.
        if as_postgres "$PG_BIN/pg_ctl" -D "$base/data" -l "$base/postgres.log" -w -t 60 \
            -o "-p $port -k $base/sock -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            break
        fi
        log "start on port $port failed (attempt $attempt); log:"
        tail -n 20 "$base/postgres.log" >&2 || true
        if [[ $attempt -eq 5 ]]; then
            exit 1
        fi
    done

    as_postgres "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB_NAME" >&2

    log "server running from $base (stop: scripts/pg-start.sh stop $base)"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/$DB_NAME"
}

stop() {
    local base=${1:?usage: pg-start.sh stop BASE}
    if [[ ! -f $base/data/PG_VERSION ]]; then
        log "$base holds no cluster made by pg-start.sh; leaving it alone"
        exit 1
    fi
    if [[ -f $base/data/postmaster.pid ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$base/data" -m immediate -w stop >/dev/null
    fi
    rm -rf "$base"
}

case ${1:-start} in
start) start "${2:-}" ;;
stop) stop "${2:-}" ;;
*)
    echo "usage: $0 [start [BASE]] | stop BASE" >&2
    exit 2
    ;;
esac
