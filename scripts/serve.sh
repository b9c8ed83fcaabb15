#!/usr/bin/env bash
# Run the app as N Streamlit replicas on PostgreSQL behind HAProxy with sticky sessions.
#
#   scripts/serve.sh [--replicas N] [--port 8080] [--address 127.0.0.1] [--run-dir var/serve]
#
# Uses DATABASE_URL when set; otherwise starts a throwaway PostgreSQL (scripts/pg-start.sh) in
# RUN_DIR/pg, deleted on exit. Migrates and seeds the demo membership once (READINESS_DEMO=0: no
# demo), starts the replicas on free loopback ports, waits for each /_stcore/health, then HAProxy
# with RUN_DIR/haproxy.cfg (made from deploy/haproxy.cfg.template) on ADDRESS:PORT. Ctrl-C or
# TERM stops the proxy, the replicas and that PostgreSQL. RUN_DIR keeps the logs (replica-K.log,
# haproxy.log) and the PIDs (replica-K.pid, haproxy.pid). Installs haproxy with apt-get if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

replicas=2
port=8080
address=127.0.0.1
run_dir=var/serve
STARTUP_TIMEOUT_S=120

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case $1 in
    --replicas) replicas=${2:?--replicas needs a number}; shift 2 ;;
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --address) address=${2:?--address needs an address}; shift 2 ;;
    --run-dir) run_dir=${2:?--run-dir needs a directory}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "serve: unknown argument $1" >&2; usage ;;
    esac
done
if ! [[ $replicas =~ ^[1-9][0-9]*$ && $port =~ ^[1-9][0-9]*$ ]]; then
    echo "serve: --replicas and --port must be whole numbers above 0" >&2
    exit 2
fi

log() { echo "serve: $*" >&2; }

if [[ ! -x .venv/bin/python ]]; then
    log "no .venv: run scripts/app.sh (or scripts/test.sh) once to create it"
    exit 1
fi
if ! command -v haproxy >/dev/null; then
    log "installing haproxy"
    sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get install -y -qq haproxy >/dev/null 2>&1; then
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" apt-get install -y -qq haproxy
    fi
fi

mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
pg_base=""
pg_pid=""
pids=()

stop_all() {
    local pid
    # The proxy first (no new requests), then the replicas; each by its PID, then the database.
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "process $pid did not stop within 10 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    rm -f "$run_dir"/replica-*.pid "$run_dir/haproxy.pid"
    if [[ -n $pg_base ]]; then
        bash scripts/pg-start.sh stop "$pg_base" >/dev/null || true
        # A Ctrl-C reaches the postmaster too, and it may still be shutting down: wait for it.
        for _ in $(seq 50); do
            [[ -n $pg_pid ]] && kill -0 "$pg_pid" 2>/dev/null || break
            sleep 0.2
        done
    fi
    log "stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${DATABASE_URL:-} ]]; then
    pg_base=$run_dir/pg
    if [[ -e $pg_base ]]; then
        log "removing the PostgreSQL a previous run left in $pg_base"
        bash scripts/pg-start.sh stop "$pg_base" >/dev/null || rm -rf "$pg_base"
    fi
    log "starting a throwaway PostgreSQL in $pg_base"
    DATABASE_URL=$(bash scripts/pg-start.sh start "$pg_base" | tail -n 1)
    pg_pid=$(head -n 1 "$pg_base/data/postmaster.pid")
fi
export DATABASE_URL

# Once, before any replica: the schema, then the demo membership (a no-op when it is there).
.venv/bin/readiness db upgrade >&2
.venv/bin/python -c 'from readiness import synth
from readiness.bank import default_bank
from readiness.db import make_engine
engine = make_engine()
print("serve: demo membership seeded" if synth.ensure_demo(engine=engine, bank=default_bank())
      else "serve: no demo seeding (the database has members, or READINESS_DEMO=0)")
engine.dispose()' >&2

free_ports() {
    .venv/bin/python -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

healthy() {
    [[ $(curl -fsS --max-time 2 "$1/_stcore/health" 2>/dev/null) == ok ]]
}

# One cookie secret for every replica: a signed cookie (st.login) set by one is valid on another.
export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$(
    .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))'
)}

read -r -a replica_ports <<<"$(free_ports "$replicas")"
servers=""
for k in $(seq "$replicas"); do
    replica_port=${replica_ports[k - 1]}
    .venv/bin/python -m streamlit run asgi.py --server.port "$replica_port" \
        --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false \
        </dev/null >"$run_dir/replica-$k.log" 2>&1 &
    pids+=($!)
    echo $! >"$run_dir/replica-$k.pid"
    servers+="    server r$k 127.0.0.1:$replica_port cookie r$k"$'\n'
done
for k in $(seq "$replicas"); do
    url=http://127.0.0.1:${replica_ports[k - 1]}
    deadline=$((SECONDS + STARTUP_TIMEOUT_S))
    until healthy "$url"; do
        if ! kill -0 "${pids[k - 1]}" 2>/dev/null; then
            log "replica $k exited before answering on $url; its log:"
            tail -n 30 "$run_dir/replica-$k.log" >&2
            exit 1
        fi
        if ((SECONDS > deadline)); then
            log "replica $k did not answer $url/_stcore/health within $STARTUP_TIMEOUT_S s"
            exit 1
        fi
        sleep 0.25
    done
    log "replica r$k ready on $url (PID ${pids[k - 1]})"
done

csp=$(grep -v '^#' deploy/csp.txt | sed '/^ *$/d' | paste -sd ' ')
config=$run_dir/haproxy.cfg
while IFS= read -r line; do
    case $line in
    @SERVERS@) printf '%s' "$servers" ;;
    *)
        line=${line//@BIND@/$address:$port}
        echo "${line//@CSP@/$csp}"
        ;;
    esac
done <deploy/haproxy.cfg.template >"$config"
if ! haproxy -c -q -f "$config" >"$run_dir/haproxy-check.log" 2>&1; then
    log "haproxy rejects $config:"
    cat "$run_dir/haproxy-check.log" >&2
    exit 1
fi
haproxy -db -f "$config" </dev/null >"$run_dir/haproxy.log" 2>&1 &
pids=("$!" "${pids[@]}")
echo "${pids[0]}" >"$run_dir/haproxy.pid"

proxy=http://$address:$port
[[ $address == 0.0.0.0 ]] && proxy=http://127.0.0.1:$port
until healthy "$proxy"; do
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
        log "haproxy exited; its log:"
        tail -n 30 "$run_dir/haproxy.log" >&2
        exit 1
    fi
    sleep 0.25
done
log "$replicas replicas behind HAProxy (PID ${pids[0]}); logs in $run_dir; Ctrl-C stops everything"
echo "$proxy"
wait "${pids[0]}"
