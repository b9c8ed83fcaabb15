#!/usr/bin/env bash
# Set up and run the app on the embedded SQLite default. The first start creates var/readiness.sqlite3
# and seeds the synthetic demo set (2,000 companies x 3 yearly waves). Extra arguments go to
# `streamlit run`, e.g. scripts/app.sh --server.port 8502
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x .venv/bin/python ]]; then
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
        sudo=()
        [[ $EUID -eq 0 ]] || sudo=(sudo)
        "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq python3-venv
    fi
    python3 -m venv .venv
fi
# Reinstall only when pyproject.toml or constraints.txt changed since the last install.
stamp=.venv/.installed-app.sha256
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "== pip install -c constraints.txt -e ." >&2
    PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/python -m pip install -q -c constraints.txt -e .
    echo "$want" >"$stamp"
fi
.venv/bin/readiness db upgrade >/dev/null
exec .venv/bin/python -m streamlit run asgi.py --server.headless true \
    --browser.gatherUsageStats false "$@"
