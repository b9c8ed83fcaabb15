"""The server process keeps garbage collection out of each script run."""

from __future__ import annotations

import gc
import sys
import tomllib

from readiness.paths import ROOT


def test_streamlit_does_not_collect_after_every_script_run() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_settle_imports_the_pages_modules_and_freezes_the_heap_once() -> None:
    from components import runtime

    runtime.settle()
    assert gc.get_freeze_count() > 50_000  # pandas, plotly, SQLAlchemy and the app are frozen
    assert all(name in sys.modules for name in runtime._MODULES)
    assert runtime.settle() is False  # later runs return at once
