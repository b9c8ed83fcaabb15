"""Time a rerun of the staff heatmap page (AppTest, through app.py, signed in) against a bare one.

    .venv/bin/python bench/heatmap_page.py                  # 19,000 x 5 in /tmp, 20 timed reruns
    .venv/bin/python bench/heatmap_page.py --runs 40 --filter-runs 10
    .venv/bin/python bench/heatmap_page.py --database-url postgresql+psycopg://...

A staff member is signed in as the login form does it, minus the password check: a bench staff
account (added once, with a random password) and a session row, whose id goes into the AppTest
session state (every run checks it against the database, as on a server). The session then opens
pages/staff_overview.py, the sector x pillar heatmap of the newest wave, as a server would:
app.py's router, the language strip with sign-out, the filters, the cached grid, the figure, the
export buttons.

It is timed against a bare page that draws one heatmap of the same shape and data: HeatmapData
computed beforehand (analytics.heatmap on the same cohort), components.staff_charts.heatmap_figure
and st.plotly_chart on every rerun; and, for reference, a bare page whose figure is built once and
cached. The pages are warmed up, then rerun in turn; `at.run()` wall time and the script thread's
CPU time (steadier on a busy machine) are reported as median and p90. The goal is a heatmap page at
most 2x the bare page. This is done twice: (A) as AppTest runs scripts, compiling app.py and the
page afresh on every rerun (a fresh ScriptCache per run), and (B) as a `streamlit run` server does,
with one script cache, so each script is compiled once. Then, as in B, the page's steps are timed
one by one, and changing a filter (a size band chosen in the multiselect, and cleared again) is
timed warm (both states already in st.cache_data) and cold (right after st.cache_data.clear(): the
cohort is read from the database again), as is switching the view to the dimensions.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    add_database_args,
    figure_line,
    machine_lines,
    ms,
    open_database,
)
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from readiness import analytics, reference
from readiness.bank import default_bank
from readiness.cohorts import Cohort
from readiness.i18n import t

APP = str(ROOT / "app.py")
PAGE = "pages/staff_overview.py"
STAFF_EMAIL = "bench-analyst@inno-biz.or.kr"
FIGURE_ENV = "READINESS_BENCH_HEATMAP_PAGE_DATA"

# The bare page: the same grid (unpickled once), the same figure call and chart config per rerun.
BARE_PAGE = """
import os
import pickle

import streamlit as st

from components.staff_charts import heatmap_figure


@st.cache_resource
def inputs():
    with open(os.environ["READINESS_BENCH_HEATMAP_PAGE_DATA"], "rb") as fh:
        return pickle.load(fh)


data, kwargs, config = inputs()
st.plotly_chart(heatmap_figure(data, **kwargs), config=config, key="overview_heatmap")
"""

BARE_PAGE_CACHED = """
import os
import pickle

import streamlit as st

from components.staff_charts import heatmap_figure


@st.cache_resource
def figure():
    with open(os.environ["READINESS_BENCH_HEATMAP_PAGE_DATA"], "rb") as fh:
        data, kwargs, config = pickle.load(fh)
    return heatmap_figure(data, **kwargs), config


fig, config = figure()
st.plotly_chart(fig, config=config, key="overview_heatmap")
"""

# What the heatmap page does on a rerun, in order; "  " marks a step inside the one above it.
SECTIONS = (
    ("router: session.current_lang", "components.session", "current_lang"),
    ("router: staff.current_staff", "components.staff", "current_staff"),
    ("router: widgets.page_header", "components.widgets", "page_header"),
    ("staff.require_staff", "components.staff", "require_staff"),
    ("cache.summary (st.cache_data)", "components.cache", "summary"),
    ("staff_filters.workshop_labels", "components.staff_filters", "workshop_labels"),
    ("staff_filters.cohort_filters", "components.staff_filters", "cohort_filters"),
    ("cache.heatmap_data (st.cache_data)", "components.cache", "heatmap_data"),
    ("staff_charts.heatmap_figure", "components.staff_charts", "heatmap_figure"),
    ("st.plotly_chart", "streamlit", "plotly_chart"),
    ("download_button (x2, data deferred)", "streamlit.delta_generator", "DeltaGenerator"),
    ("router: st.navigation (registering pages)", "streamlit", "navigation"),
)


class _RouterModePages:
    """As tests/app/conftest.py: every AppTest run goes through app.py, as on a real server."""

    uses_pages_directory = False


class _ScriptClock:
    """Wall and CPU time of the script thread of every AppTest run."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.cpu: list[float] = []

    def install(self) -> None:
        clock = self
        original = LocalScriptRunner._run_script_thread

        def timed_thread(runner: LocalScriptRunner) -> None:
            start, cpu_start = time.perf_counter(), time.thread_time()
            try:
                original(runner)
            finally:
                clock.seconds.append(time.perf_counter() - start)
                clock.cpu.append(time.thread_time() - cpu_start)

        LocalScriptRunner._run_script_thread = timed_thread  # type: ignore[method-assign]

    def take(self) -> tuple[float, float]:
        if not self.seconds:
            return float("nan"), float("nan")
        return self.seconds.pop(), self.cpu.pop()

    def clear(self) -> None:
        self.seconds.clear()
        self.cpu.clear()


class _SectionClock:
    """Wall time per step of the page, by wrapping the module attributes the page looks up."""

    def __init__(self) -> None:
        self.run: dict[str, float] = {}
        self.runs: list[dict[str, float]] = []
        self._undo: list[tuple[object, str, object]] = []

    def install(self) -> None:
        import importlib

        for label, module_name, name in SECTIONS:
            owner: object = importlib.import_module(module_name)
            if name == "DeltaGenerator":  # a method called on columns, not a module function
                owner, name = owner.DeltaGenerator, "download_button"  # type: ignore[attr-defined]
            original = getattr(owner, name)
            setattr(owner, name, self._wrap(label, original))
            self._undo.append((owner, name, original))

    def _wrap(self, label: str, original: Callable) -> Callable:
        clock = self

        def timed_call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                clock.run[label] = clock.run.get(label, 0.0) + time.perf_counter() - start

        return timed_call

    def end_run(self) -> None:
        self.runs.append(self.run)
        self.run = {}

    def uninstall(self) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)
        self._undo.clear()

    def medians(self) -> list[tuple[str, float]]:
        labels = [label for label, _, _ in SECTIONS if any(label in r for r in self.runs)]
        return [
            (label, statistics.median(r.get(label, 0.0) for r in self.runs) * 1000)
            for label in labels
        ]


def _signed_in_heatmap(lang: str, engine) -> AppTest:
    """The heatmap through app.py, signed in with a real session (every run checks it)."""
    import secrets

    from components.staff import STAFF_KEY, StaffSession
    from readiness import auth

    user = auth.get_staff(engine=engine, email=STAFF_EMAIL) or auth.add_staff(
        engine=engine, email=STAFF_EMAIL, password=secrets.token_urlsafe(24), actor="bench"
    )
    session = auth.start_session(engine=engine, user=user)
    at = AppTest.from_file(APP, default_timeout=600)
    at.query_params["lang"] = lang
    at.session_state[STAFF_KEY] = StaffSession(
        email=STAFF_EMAIL,
        name="벤치 분석가",
        via="password",
        last_seen=datetime.now(UTC),
        session_id=session.id,
    )
    at.run()
    at.switch_page(PAGE).run()
    return at


def _check_page(at: AppTest, lang: str) -> None:
    if at.exception:
        raise SystemExit(f"the heatmap page raised: {at.exception[0].value}")
    titles = [e.value for e in at.title]
    if titles != [t("overview.title", lang)]:
        raise SystemExit(f"not on the heatmap page (titles: {titles}); is the staff session kept?")
    if len(at.get("plotly_chart")) != 1:
        raise SystemExit("the heatmap page drew no heatmap")


def _check_bare(at: AppTest) -> None:
    if at.exception or len(at.get("plotly_chart")) != 1:
        raise SystemExit(f"the bare page did not draw its heatmap: {at.exception}")


def _bare_inputs(engine, lang: str, wave: int) -> tuple[object, dict, dict, int]:
    """The page's default view, computed outside Streamlit: the grid, the figure's arguments."""
    qbank = default_bank()
    cohort = Cohort(waves=(wave,))
    frame = analytics.assessment_frame(engine=engine, cohort=cohort)
    data = analytics.heatmap(
        frame,
        value_columns=analytics.score_columns(qbank),
        stat="mean",
        all_rows=reference.ksic_codes(),
    )
    kwargs = {
        "row_labels": [
            f"{code} {reference.label('ksic_divisions', code, lang)}"
            if code != analytics.UNKNOWN_ROW
            else "–"
            for code in data.rows
        ],
        "column_labels": [t("results.overall", lang)] + [p.name.get(lang) for p in qbank.pillars],
        "stat_label": t("filters.mean", lang),
        "low_n_note": t("overview.low_n_note", lang),
        "empty_text": t("overview.empty", lang),
        "zrange": (0, 100),
        "height": max(420, 28 * len(data.rows) + 140),
    }
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": "heatmap-pillars-mean", "scale": 2},
        "modeBarButtonsToKeep": ["toImage"],
    }
    return data, kwargs, config, len(frame)


def _time_run(run: Callable[[], object], clock: _ScriptClock) -> tuple[float, float, float]:
    """(at.run() wall time, script thread wall time, script thread CPU time)."""
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    return (wall, *clock.take())


def _series() -> tuple[list[float], list[float], list[float]]:
    return [], [], []


def _filter_changes(
    at: AppTest, clock: _ScriptClock, runs: int, lang: str
) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """A size band chosen and cleared again, warm and cold; the dimensions view, warm and cold."""
    import streamlit as st

    band = reference.size_band_ids()[1]
    out = {
        "size band, warm": _series(),
        "size band, cold": _series(),
        "dimensions view, warm": _series(),
        "dimensions view, cold": _series(),
    }

    def set_size(value: list[str]) -> Callable[[], object]:
        return lambda: at.multiselect(key="overview_size").set_value(value).run()

    def set_view(value: str) -> Callable[[], object]:
        return lambda: at.segmented_control(key="overview_view").set_value(value).run()

    def timed(series_name: str, run: Callable[[], object]) -> None:
        for series, seconds in zip(out[series_name], _time_run(run, clock), strict=True):
            series.append(seconds)

    # Both states of each once, untimed, so that the warm runs find them in st.cache_data.
    for run in (set_size([band]), set_size([]), set_view("dimensions"), set_view("pillars")):
        run()
    _check_page(at, lang)
    clock.clear()
    for n in range(runs):
        timed("size band, warm", set_size([band] if n % 2 == 0 else []))
    set_size([])()
    for _ in range(runs):
        timed("dimensions view, warm", set_view("dimensions"))
        set_view("pillars")()
    for _ in range(runs):
        st.cache_data.clear()
        timed("size band, cold", set_size([band]))
        set_size([])()
    for _ in range(runs):
        st.cache_data.clear()
        timed("dimensions view, cold", set_view("dimensions"))
        set_view("pillars")()
    clock.clear()
    _check_page(at, lang)
    return out


def _share_script_cache() -> Callable[[], None]:
    """Let every AppTest run reuse one ScriptCache, as one `streamlit run` server does.

    AppTest builds a new ScriptCache for each run, so app.py and the page are read, given
    Streamlit's "magic" AST pass and compiled again on every rerun; a server does that once.
    Returns the undo.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    modules = (app_test, local_script_runner)
    originals = [m.ScriptCache for m in modules]
    for module in modules:
        module.ScriptCache = lambda: shared  # type: ignore[attr-defined]

    def undo() -> None:
        for module, original in zip(modules, originals, strict=True):
            module.ScriptCache = original  # type: ignore[attr-defined]

    return undo


Timings = dict[str, tuple[list[float], list[float], list[float]]]


def _alternate(apps: dict[str, AppTest], clock: _ScriptClock, runs: int) -> Timings:
    """Rerun the apps in turn, `runs` times, so drift on a busy machine hits all alike."""
    timings = {name: _series() for name in apps}
    clock.clear()
    for _ in range(runs):
        for name, at in apps.items():
            for series, seconds in zip(timings[name], _time_run(at.run, clock), strict=True):
                series.append(seconds)
    clock.clear()
    return timings


def _print_ratio(title: str, timings: Timings, goal: float) -> None:
    print(title)
    names = (
        ("page", "heatmap page (app.py router)"),
        ("bare", "bare page, figure built per run"),
        ("cached", "bare page, figure cached"),
    )
    for kind, what in ((0, "at.run() wall time"), (2, "script thread CPU time")):
        print(f"  {what}:")
        for name, label in names:
            print(figure_line(f"    {label}", timings[name][kind], width=40))

    def ratio_of(kind: int, baseline: str) -> float:
        return ms(timings["page"][kind])[0] / ms(timings[baseline][kind])[0]

    for kind, what in ((0, "wall"), (2, "CPU ")):
        ratio = ratio_of(kind, "bare")
        verdict = "meets" if ratio <= goal else "MISSES"
        print(
            f"  ratio ({what})  {ratio:.1f}x the bare page (median/median; goal <= {goal:g}x: "
            f"{verdict}); {ratio_of(kind, 'cached'):.1f}x the cached-figure page"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=textwrap.dedent(__doc__.split("\n\n", 1)[1]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_args(parser)
    parser.add_argument("--runs", type=int, default=20, help="timed reruns per page (20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed reruns per page first (3)")
    parser.add_argument(
        "--filter-runs", type=int, default=6, help="timed filter changes of each kind (6)"
    )
    parser.add_argument("--goal", type=float, default=2.0, help="ratio goal (2.0)")
    parser.add_argument("--lang", choices=["ko", "en"], default="ko", help="page language (ko)")
    args = parser.parse_args(argv)
    # AppTest's main thread touches st.* outside a script run; its warnings are noise here.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )
    lang = args.lang

    bank = default_bank()
    database = open_database(args, bank=bank)
    from readiness import store

    waves = store.summary(engine=database.engine).waves
    if not waves:
        raise SystemExit("the database has no submitted assessment")
    wave = waves[-1]
    data, kwargs, config, n_rows = _bare_inputs(database.engine, lang, wave)
    os.environ["DATABASE_URL"] = database.url
    os.environ["READINESS_DEMO"] = "0"
    script_runner.PagesManager = _RouterModePages  # type: ignore[misc]
    clock = _ScriptClock()
    clock.install()
    try:
        with tempfile.TemporaryDirectory(prefix="readiness-heatmap-bare-") as tmp:
            data_path = Path(tmp) / "heatmap.pickle"
            data_path.write_bytes(pickle.dumps((data, kwargs, config)))
            os.environ[FIGURE_ENV] = str(data_path)
            bare_path = Path(tmp) / "bare.py"
            bare_path.write_text(BARE_PAGE, encoding="utf-8")
            cached_path = Path(tmp) / "bare_cached.py"
            cached_path.write_text(BARE_PAGE_CACHED, encoding="utf-8")

            start = time.perf_counter()
            page = _signed_in_heatmap(lang, database.engine)
            first_seconds = time.perf_counter() - start
            _check_page(page, lang)
            apps = {
                "page": page,
                "bare": AppTest.from_file(str(bare_path), default_timeout=120),
                "cached": AppTest.from_file(str(cached_path), default_timeout=120),
            }
            for _ in range(args.warmup):
                for at in apps.values():
                    at.run()
            _check_page(page, lang)
            _check_bare(apps["bare"])
            _check_bare(apps["cached"])

            as_apptest = _alternate(apps, clock, args.runs)
            _check_page(page, lang)
            undo = _share_script_cache()
            try:
                for at in apps.values():  # fill the shared cache
                    at.run()
                as_server = _alternate(apps, clock, args.runs)
                _check_page(page, lang)
                _check_bare(apps["bare"])

                sections = _SectionClock()
                sections.install()
                try:
                    for _ in range(args.runs):
                        page.run()
                        sections.end_run()
                finally:
                    sections.uninstall()
                _check_page(page, lang)
                script_median = ms(clock.seconds)[0]
                clock.clear()
                changes = _filter_changes(page, clock, args.filter_runs, lang)
            finally:
                undo()
    finally:
        database.engine.dispose()

    print()
    print("=== staff heatmap page rerun vs bare heatmap page (AppTest) ===")
    for line in machine_lines():
        print(line)
    print(f"database      {database.label} ({database.note})")
    print(
        f"view          pages/staff_overview.py, signed-in staff, lang={lang}, wave {wave} "
        f"({n_rows:,} assessments), {len(data.rows)} sectors x {len(kwargs['column_labels'])} "
        "columns, mean"
    )
    print(f"first load    {first_seconds * 1000:,.0f} ms (engine, caches, router, heatmap page)")
    print(f"reruns after {args.warmup} warm-up runs, {args.runs} each, taken in turn:")
    _print_ratio(
        "A. as AppTest runs it: app.py and the page compiled again on every rerun",
        as_apptest,
        args.goal,
    )
    _print_ratio(
        "B. as a server runs it: one script cache (each script compiled once)",
        as_server,
        args.goal,
    )
    print(
        f"heatmap page, median ms per rerun by step (B; {args.runs} more reruns, timing wrappers):"
    )
    top_level = 0.0
    for label, median in sections.medians():
        print(f"  {label:<44}{median:8.1f} ms")
        top_level += median
    print(
        f"  {'rest: app.py, page glue, other elements':<44}"
        f"{max(0.0, script_median - top_level):8.1f} ms  (script thread median "
        f"{script_median:.1f} ms in these reruns)"
    )
    band = reference.size_band_ids()[1]
    print(
        f"changing a filter (B), {args.filter_runs} runs each; warm = both states already in "
        "st.cache_data, cold = right after st.cache_data.clear():"
    )
    for label, (wall, _thread, cpu) in changes.items():
        what = label.replace("size band", f"size band {band} on/off")
        print(figure_line(f"  {what}, at.run() wall", wall, width=48))
        print(figure_line(f"  {what}, thread CPU", cpu, width=48))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
