"""bench/ws_load.py against a real server: three phones join, answer, submit; nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from readiness import db
from readiness.paths import ROOT

SMALL_DEMO = {"READINESS_DEMO_COMPANIES": "120", "READINESS_DEMO_WAVES": "1"}


def test_three_phones_join_answer_and_submit_with_nothing_lost(
    launch_streamlit, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    db.upgrade(db.make_engine(url))
    base = launch_streamlit(ROOT / "app.py", {"DATABASE_URL": url, **SMALL_DEMO})
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "ws_load.py"),
            *("--url", base, "--database-url", url),
            *("--participants", "3", "--think", "0.1", "--ramp", "0.5", "--timeout", "45"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("participants"))
    titles = [t.strip() for t in lines[header].split("  ") if t.strip()]
    row = dict(zip(titles, lines[header + 1].split(), strict=True))
    assert row["participants"] == "3"
    assert row["failed"] == "0"
    assert row["errors"] == "0"
    assert row["subm lost/dbl"] == "0/0"
    assert row["answ lost/dbl"] == "0/0"
    assert row["replicas"] == "1"
    assert float(row["tap p50"]) > 0
