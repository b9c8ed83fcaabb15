"""Time a rerun of the results page (AppTest, through app.py) against a bare one-chart page.

    .venv/bin/python bench/results_page.py                 # 19,000 x 5 in /tmp, 20 timed reruns
    .venv/bin/python bench/results_page.py --runs 40 --profile-runs 10
    .venv/bin/python bench/results_page.py --database-url postgresql+psycopg://...

A real company with a private link and two submitted waves (so the page shows peers, progress and
history) is added for the run and deleted afterwards. Both pages are warmed up first (the first run
fills the engine and norm caches), then their reruns are timed alternately, `at.run()` wall time.
The bare page draws one radar chart (the page's SVG) with fixed numbers and nothing else: built on
every rerun, and (for reference) built once and cached. The goal is a results page at most 2x the
bare page; the ratio is given on wall time and on the script thread's CPU time (steadier on a busy
machine). Then the page's steps are timed one by one, and when the ratio is above --goal the script
thread is profiled with cProfile and the places where the time goes are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    BenchCompany,
    add_database_args,
    create_bench_company,
    figure_line,
    machine_lines,
    ms,
    open_database,
    remove_company,
    timed,
)
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from readiness.bank import default_bank
from readiness.i18n import t

APP = str(ROOT / "app.py")
LANG = "ko"

BARE_PAGE = """
from components.svg_charts import radar_svg
from components.widgets import chart_image

chart = radar_svg(
    ["수출 준비도", "제조의 서비스화", "AI·스마트공장", "가치사슬 협업"],
    [58.0, 44.0, 31.0, 52.0],
    names=("우리 회사", "동종 중앙값", "동종 상위 25%"),
    median=[49.0, 41.0, 33.0, 47.0],
    p75=[61.0, 53.0, 44.0, 58.0],
    title="네 기둥 점수",
    key="radar",
)
chart_image(chart)
"""

BARE_PAGE_CACHED = """
import streamlit as st

from components.svg_charts import radar_svg
from components.widgets import chart_image


@st.cache_resource
def figure():
    return radar_svg(
        ["수출 준비도", "제조의 서비스화", "AI·스마트공장", "가치사슬 협업"],
        [58.0, 44.0, 31.0, 52.0],
        names=("우리 회사", "동종 중앙값", "동종 상위 25%"),
        median=[49.0, 41.0, 33.0, 47.0],
        p75=[61.0, 53.0, 44.0, 58.0],
        title="네 기둥 점수",
        key="radar",
    )


chart_image(figure())
"""


class _RouterModePages:
    """As tests/app/conftest.py: every AppTest run goes through app.py, as on a real server."""

    uses_pages_directory = False


class _ScriptClock:
    """Wraps the script thread of every AppTest run: its wall time, and optionally a profile.

    Each profiled run gets its own cProfile.Profile, merged with pstats afterwards: the page
    scripts are compiled afresh on every run, and one Profile would keep only one of their code
    objects under a given file:line(name).
    """

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.cpu: list[float] = []  # CPU time of the script thread: steadier on a busy machine
        self.profiling = False
        self.profiles: list[cProfile.Profile] = []
        self._original = LocalScriptRunner._run_script_thread

    def install(self) -> None:
        clock = self
        original = self._original

        def timed_thread(runner: LocalScriptRunner) -> None:
            profile = cProfile.Profile() if clock.profiling else None
            start, cpu_start = time.perf_counter(), time.thread_time()
            if profile is not None:
                profile.enable()
            try:
                original(runner)
            finally:
                if profile is not None:
                    profile.disable()
                    clock.profiles.append(profile)
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


# What the results page does on a rerun, in order; "  " marks a step inside the one above it.
SECTIONS = (
    ("router: components.session.current_lang", "components.session", "current_lang"),
    ("router: components.staff.current_staff", "components.staff", "current_staff"),
    ("router: components.widgets.page_header", "components.widgets", "page_header"),
    ("company_from_link", "components.session", "company_from_link"),
    ("store.assessments_of", "readiness.store", "assessments_of"),
    ("view.draft_banner", "components.results_view", "draft_banner"),
    ("view.choose_assessment", "components.results_view", "choose_assessment"),
    ("cache.norm_frame (cached)", "components.cache", "norm_frame"),
    ("cache.complementary_members (cached)", "components.cache", "complementary_members"),
    ("results.company_results", "readiness.results", "company_results"),
    ("  peers.benchmark", "readiness.peers", "benchmark"),
    ("  partners.suggest", "readiness.partners", "suggest"),
    ("  advice.next_steps", "readiness.results", "next_steps"),
    ("view.headline", "components.results_view", "headline"),
    ("view.pillar_cards", "components.results_view", "pillar_cards"),
    ("view.peer_section", "components.results_view", "peer_section"),
    ("  svg_charts.radar_svg", "components.svg_charts", "radar_svg"),
    ("  svg_charts.distribution_svg", "components.svg_charts", "distribution_svg"),
    ("view.next_steps_section", "components.results_view", "next_steps_section"),
    ("view.progress_section", "components.results_view", "progress_section"),
    ("view.downloads", "components.results_view", "downloads"),
    ("  results.result_csv", "components.results_view", "result_csv"),
    ("  results.result_json", "components.results_view", "result_json"),
    ("view.history_table", "components.results_view", "history_table"),
    ("view.new_assessment_buttons", "components.results_view", "new_assessment_buttons"),
)


class _SectionClock:
    """Wall time per step of the page, by wrapping module attributes the page looks up per run."""

    def __init__(self) -> None:
        self.run: dict[str, float] = {}
        self.runs: list[dict[str, float]] = []
        self._undo: list[tuple[object, str, object]] = []

    def install(self) -> None:
        import importlib

        for label, module_name, name in SECTIONS:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            original = getattr(module, name, None)
            if original is None:
                continue
            setattr(module, name, self._wrap(label, original))
            self._undo.append((module, name, original))

    def _wrap(self, label: str, original):
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


def _count_elements(node) -> int:
    children = getattr(node, "children", None)
    if not children:
        return 1
    return sum(_count_elements(child) for child in children.values())


def _results_app(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["c"] = token
    at.query_params["lang"] = LANG
    at.run()
    at.switch_page("pages/results.py").run()
    return at


def _check_results(at: AppTest) -> None:
    if at.exception:
        raise SystemExit(f"the results page raised: {at.exception[0].value}")
    titles = [e.value for e in at.title]
    if titles != [t("results.title", LANG)]:
        raise SystemExit(f"not on the results page (titles: {titles})")
    charts = len(at.get("image"))
    progress = t("results.progress_title", LANG)
    if charts != 2 or progress not in [e.value for e in at.subheader]:
        raise SystemExit(f"results page incomplete: {charts} charts, progress shown: no")


def _check_bare(at: AppTest) -> None:
    if at.exception or len(at.get("image")) != 1:
        raise SystemExit("the bare page did not draw its one chart")


def _time_rerun(at: AppTest, clock: _ScriptClock) -> tuple[float, float, float]:
    """(at.run() wall time, script thread wall time, script thread CPU time)."""
    start = time.perf_counter()
    at.run()
    wall = time.perf_counter() - start
    return (wall, *clock.take())


def _where_time_goes(profiles: list[cProfile.Profile], top: int) -> str:
    """Per-rerun cumulative time of the project's own functions, and the hottest functions."""
    runs = len(profiles)
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    root = str(ROOT)
    own, hot = [], []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = filename.replace(root + "/", "")
        label = f"{short}:{line}({name})"
        if filename.startswith(root) and "/.venv/" not in filename:
            own.append((cumtime, calls, label))
        hot.append((tottime, calls, label.replace(str(Path(sys.prefix)) + "/", "")))
    out = io.StringIO()
    out.write(f"cumulative ms per rerun, project code (cProfile, {runs} reruns):\n")
    for cum, calls, label in sorted(own, reverse=True)[:top]:
        out.write(f"  {cum / runs * 1000:8.1f} ms  {calls / runs:7.1f} calls  {label}\n")
    out.write("own-time ms per rerun, hottest functions anywhere:\n")
    for tot, calls, label in sorted(hot, reverse=True)[:top]:
        out.write(f"  {tot / runs * 1000:8.1f} ms  {calls / runs:7.1f} calls  {label[-110:]}\n")
    return out.getvalue()


def _pieces(engine, company: BenchCompany, bank, repeat: int) -> list[tuple[str, list[float]]]:
    """The results page's main steps, timed one by one outside Streamlit (no profiler overhead)."""
    from components import svg_charts
    from readiness import advice, peers, store

    current = store.get_assessment(engine=engine, assessment_id=company.assessments[-1])
    owner = store.get_company(engine=engine, company_id=company.id)
    scores = store.pillar_scores_of(engine=engine, assessment_id=current.id)
    answers = store.answers_of(engine=engine, assessment_id=current.id)
    frame = store.norm_frame(engine=engine, wave=current.wave)
    keyed = {"overall": current.overall, **{pid: scores[pid].score for pid in bank.pillar_ids}}

    def bench() -> peers.Benchmark:
        return peers.benchmark(
            frame,
            ksic=owner.ksic,
            size_band=owner.size_band,
            scores=keyed,
            exclude_company_id=owner.id,
        )

    result = bench()
    names = ("우리 회사", "동종 중앙값", "동종 상위 25%")
    pillars = bank.pillars

    def radar():
        return svg_charts.radar_svg(
            [p.name.get(LANG) for p in pillars],
            [scores[p.id].score for p in pillars],
            names=names,
            median=[result.median.get(p.id) for p in pillars],
            p75=[result.p75.get(p.id) for p in pillars],
            title="t",
            key="radar",
        )

    def distribution():
        return svg_charts.distribution_svg(
            result.bins["overall"] or (),
            current.overall,
            x_title="x",
            y_title="y",
            company_label="c",
            title="t",
            key="distribution",
        )

    steps = {
        "store.company_by_token": lambda: store.company_by_token(
            engine=engine, token=company.token
        ),
        "store.assessments_of": lambda: store.assessments_of(engine=engine, company_id=owner.id),
        "store.answers_of": lambda: store.answers_of(engine=engine, assessment_id=current.id),
        "store.pillar_scores_of": lambda: store.pillar_scores_of(
            engine=engine, assessment_id=current.id
        ),
        f"peers.benchmark ({len(frame):,}-row frame)": bench,
        "advice.next_steps": lambda: advice.next_steps(
            bank, answers, peer_p75=result.p75, goal=current.goal
        ),
        "svg_charts.radar_svg (build)": radar,
        "svg_charts.distribution_svg (build)": distribution,
    }
    for run in steps.values():  # warm up
        run()
    return [(label, timed(run, repeat)) for label, run in steps.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=textwrap.dedent(__doc__.split("\n\n", 1)[1]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_args(parser)
    parser.add_argument("--runs", type=int, default=20, help="timed reruns per page (20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed reruns per page first (3)")
    parser.add_argument("--goal", type=float, default=2.0, help="ratio goal (2.0)")
    parser.add_argument(
        "--profile-runs",
        type=int,
        default=10,
        help="reruns profiled when the ratio is above the goal (10; 0 = never profile)",
    )
    parser.add_argument("--always-profile", action="store_true", help="profile whatever the ratio")
    parser.add_argument("--top", type=int, default=25, help="profile lines of each kind (25)")
    args = parser.parse_args(argv)
    # AppTest's main thread touches st.* outside a script run; its warnings are noise here.
    # A filter, not a level: Streamlit resets its loggers' levels when it loads its config.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )

    bank = default_bank()
    database = open_database(args, bank=bank)
    company = create_bench_company(database.engine, bank)
    os.environ["DATABASE_URL"] = database.url
    os.environ["READINESS_DEMO"] = "0"
    script_runner.PagesManager = _RouterModePages  # type: ignore[misc]
    clock = _ScriptClock()
    clock.install()
    try:
        with tempfile.TemporaryDirectory(prefix="readiness-bare-") as tmp:
            bare_path = Path(tmp) / "bare.py"
            bare_path.write_text(BARE_PAGE, encoding="utf-8")
            cached_path = Path(tmp) / "bare_cached.py"
            cached_path.write_text(BARE_PAGE_CACHED, encoding="utf-8")

            start = time.perf_counter()
            results = _results_app(company.token)
            first_seconds = time.perf_counter() - start
            _check_results(results)
            bare = AppTest.from_file(str(bare_path), default_timeout=60)
            cached = AppTest.from_file(str(cached_path), default_timeout=60)
            for _ in range(args.warmup):
                results.run()
                bare.run()
                cached.run()
            _check_results(results)
            _check_bare(bare)
            _check_bare(cached)
            clock.clear()

            timings: dict[str, tuple[list[float], list[float], list[float]]] = {
                "results": ([], [], []),
                "bare": ([], [], []),
                "cached": ([], [], []),
            }
            for _ in range(args.runs):  # alternate, so drift on a busy machine hits all alike
                for name, at in (("results", results), ("bare", bare), ("cached", cached)):
                    for series, seconds in zip(timings[name], _time_rerun(at, clock), strict=True):
                        series.append(seconds)
            _check_results(results)
            _check_bare(bare)

            elements = _count_elements(results._tree)
            sections = _SectionClock()
            sections.install()
            try:
                for _ in range(args.runs):
                    results.run()
                    sections.end_run()
            finally:
                sections.uninstall()
            _check_results(results)
            script_median = ms(clock.seconds[-args.runs :])[0]
            clock.clear()

            def ratio_of(kind: int, baseline: str) -> float:
                return ms(timings["results"][kind])[0] / ms(timings[baseline][kind])[0]

            ratio, ratio_cached = ratio_of(0, "bare"), ratio_of(0, "cached")
            cpu_ratio, cpu_ratio_cached = ratio_of(2, "bare"), ratio_of(2, "cached")
            profile_text = ""
            if args.profile_runs and (ratio > args.goal or args.always_profile):
                clock.profiling = True
                for _ in range(args.profile_runs):
                    results.run()
                clock.profiling = False
                _check_results(results)
                profile_text = _where_time_goes(clock.profiles, args.top)
        pieces = _pieces(database.engine, company, bank, args.runs)
    finally:
        remove_company(database.engine, company.id)
        database.engine.dispose()

    print()
    print("=== results page rerun vs bare one-chart page (AppTest) ===")
    for line in machine_lines():
        print(line)
    print(f"database      {database.label} ({database.note})")
    print(f"company       real, C29 x 10-49, 2 submitted full waves; lang={LANG}")
    print(f"first load    {first_seconds * 1000:,.0f} ms (engine, caches, router, results page)")
    print("rerun wall time of at.run(), after warm-up:")
    print(figure_line("  results page (app.py router)", timings["results"][0]))
    print(figure_line("  bare page, figure built per run", timings["bare"][0]))
    print(figure_line("  bare page, figure cached", timings["cached"][0]))
    print("of which the script thread (the rest is AppTest building its element tree):")
    print(figure_line("  results page", timings["results"][1]))
    print(figure_line("  bare page, figure built per run", timings["bare"][1]))
    print(figure_line("  bare page, figure cached", timings["cached"][1]))
    print("CPU time of the script thread (what the page costs, less waiting for a core):")
    print(figure_line("  results page", timings["results"][2]))
    print(figure_line("  bare page, figure built per run", timings["bare"][2]))
    print(figure_line("  bare page, figure cached", timings["cached"][2]))
    verdict = "meets" if ratio <= args.goal else "MISSES"
    print(
        f"ratio         {ratio:.1f}x the bare page (wall, median/median; goal <= {args.goal:g}x: "
        f"{verdict}); {ratio_cached:.1f}x the cached-figure page"
    )
    print(
        f"ratio (CPU)   {cpu_ratio:.1f}x the bare page; {cpu_ratio_cached:.1f}x the cached-figure "
        "page (script-thread CPU time, steadier when the machine is busy)"
    )
    print(
        f"results page, median ms per rerun by step ({args.runs} more reruns, timing wrappers, "
        f"no profiler; {elements} elements on the page):"
    )
    section_medians = sections.medians()
    top_level = 0.0
    for label, median in section_medians:
        print(f"  {label:<44}{median:8.1f} ms")
        if not label.startswith("  "):
            top_level += median
    print(
        f"  {'rest: app.py, st.navigation, page glue':<44}"
        f"{max(0.0, script_median - top_level):8.1f} ms  (script thread median "
        f"{script_median:.1f} ms in these reruns)"
    )
    print("the page's main steps timed alone, outside Streamlit (no profiler):")
    for label, seconds in pieces:
        print(figure_line(f"  {label}", seconds, width=44))
    if profile_text:
        print()
        print(profile_text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
