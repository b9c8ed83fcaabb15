"""Once per server process: import what the pages use, then take that heap out of the collector.

Streamlit's own full collection after every script run (`runner.postScriptGC`) walked about 240,000
long-lived objects (pandas, plotly, SQLAlchemy, the app) and cost 115-133 ms per run: 93-96 % of a
busy server's time. The option is off (.streamlit/config.toml) and Python's generational collector
frees cycles as usual; `gc.freeze()` after the imports moves the import-time objects (which live as
long as the process) to the permanent generation, so those collections no longer walk them.
Memory under a long run is measured by bench/ws_load.py (server RSS).
"""

from __future__ import annotations

import gc
import importlib
import threading

# Every module a page imports at its top, loaded here once so that no session pays for (or races
# on) a first import, and so that their objects are frozen with the rest.
_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "plotly.express",
    "segno",
    "sqlalchemy",
    "sqlmodel",
    "components.cache",
    "components.charts",
    "components.cluster_charts",
    "components.profile_form",
    "components.results_view",
    "components.room_charts",
    "components.session",
    "components.staff",
    "components.staff_charts",
    "components.staff_filters",
    "components.widgets",
    "readiness.analytics",
    "readiness.clusters",
    "readiness.exports",
    "readiness.importer",
    "readiness.instrument",
    "readiness.partners",
    "readiness.report",
    "readiness.results",
    "readiness.store",
    "readiness.workshops",
)

_lock = threading.Lock()
_settled = False


def settle() -> bool:
    """Import the pages' modules, collect once and freeze the heap; True on the call that did it.

    Later calls return at once. Safe when the first sessions of a fresh process arrive together.
    """
    global _settled
    if _settled:
        return False
    with _lock:
        if _settled:
            return False
        for name in _MODULES:
            importlib.import_module(name)
        gc.collect()
        gc.freeze()
        _settled = True
        return True
