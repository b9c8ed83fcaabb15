#!/usr/bin/env bash
# The test command. On a fresh Debian machine, as root: installs what is missing (Chromium, Korean
# fonts, PostgreSQL 15, HAProxy, the .venv pinned by constraints.txt), lints, type-checks, starts a
# throwaway PostgreSQL and runs pytest. Arguments go to pytest: scripts/test.sh tests/unit -q
# --fast first: lint, types and tests/unit only; no PostgreSQL, no Chromium (scripts/test.sh --fast -q).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

fast=0
if [[ ${1:-} == --fast ]]; then
    fast=1
    shift
fi

export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { echo "== $*" >&2; }

run_pytest() {
    step "pytest $*"
    local status=0
    .venv/bin/python -m pytest "$@" || status=$?
    if [[ $status -eq 5 ]]; then
        echo "pytest collected no tests: that is a failure" >&2
        status=1
    fi
    return "$status"
}

install_system_packages() {
    local missing=()
    if [[ $fast -eq 0 ]]; then
        command -v chromium >/dev/null || missing+=(chromium)
        dpkg-query -W -f='${Status}' fonts-nanum 2>/dev/null | grep -q "ok installed" ||
            missing+=(fonts-nanum)
        [[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql-15)
        command -v haproxy >/dev/null || missing+=(haproxy) # tests/deploy: scripts/serve.sh
    fi
    if [[ ! -x .venv/bin/python ]]; then
        command -v python3 >/dev/null || missing+=(python3)
        python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
    fi
    if [[ ${#missing[@]} -eq 0 ]]; then
        return
    fi
    step "apt-get install ${missing[*]}"
    local sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    # Keep apt's postgresql package from creating and starting a 'main' cluster on port 5432.
    "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" |
        "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/no-main-cluster.conf >/dev/null
    # An install that fails on a stale package list is retried after `apt-get update`.
    if ! "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
    fi
}

install_python_packages() {
    if [[ ! -x .venv/bin/python ]]; then
        step "python3 -m venv .venv"
        python3 -m venv .venv
    fi
    # Reinstall only when pyproject.toml or constraints.txt changed since the last install.
    local stamp=.venv/.installed-test.sha256
    local want
    want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        step "pip install -c constraints.txt -e '.[test]'"
        .venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
        echo "$want" >"$stamp"
    fi
}

install_system_packages
install_python_packages

step "ruff check"
.venv/bin/ruff check .
step "ruff format --check"
.venv/bin/ruff format --check .
step "mypy"
.venv/bin/mypy

if [[ $fast -eq 1 ]]; then
    run_pytest tests/unit "$@"
    exit
fi

pg_base=$(mktemp -d -t readiness-pg.XXXXXX)
stop_postgres() {
    if [[ -f $pg_base/data/PG_VERSION ]]; then
        bash scripts/pg-start.sh stop "$pg_base" || true
    fi
    rm -rf "$pg_base"
}
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "starting a throwaway PostgreSQL"
pg_out=$(bash scripts/pg-start.sh start "$pg_base")
TEST_POSTGRES_URL=$(tail -n 1 <<<"$pg_out")
export TEST_POSTGRES_URL

run_pytest "$@"
