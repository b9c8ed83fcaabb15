"""The proxy's Content-Security-Policy allows exactly the inline scripts the app runs (no browser).

Chromium blocks an inline script whose hash is not in script-src; this says which hash to put in
deploy/csp.txt after a Streamlit upgrade or a change to the app's own script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import streamlit

from components import widgets
from readiness.paths import ROOT

CSP_FILE = ROOT / "deploy" / "csp.txt"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _directives() -> dict[str, list[str]]:
    lines = [line for line in CSP_FILE.read_text().splitlines() if not line.startswith("#")]
    policy = " ".join(lines)
    return {name: sources for name, *sources in (d.split() for d in policy.split(";") if d.strip())}


def test_script_src_hashes_are_the_inline_scripts_the_app_runs() -> None:
    index_html = Path(streamlit.__file__).parent / "static" / "index.html"
    scripts = {
        "Streamlit's index.html": _SCRIPT.findall(index_html.read_text()),
        "components/widgets.py scroll_to_top": _SCRIPT.findall(widgets._SCROLL_TOP),
        "components/widgets.py HTML_LANG": [
            body for html in widgets.HTML_LANG.values() for body in _SCRIPT.findall(html)
        ],
    }
    needed = {_sha256(body): where for where, bodies in scripts.items() for body in bodies}
    allowed = {s for s in _directives()["script-src"] if s.startswith("'sha256-")}
    assert set(needed) == allowed, f"deploy/csp.txt script-src should list {needed}"


def test_the_policy_forbids_framing_and_inline_or_evaluated_code() -> None:
    directives = _directives()
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(directives["script-src"])
