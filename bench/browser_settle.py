"""How long pages take to settle in a real browser: the system Chromium against a running server.

    .venv/bin/python bench/browser_settle.py --url http://127.0.0.1:8651 \\
        --database-url sqlite:////tmp/mycopy/app.db --repeat 5

The server is one `streamlit run app.py` started beforehand on the same DATABASE_URL given here as
--database-url (a copy of the 19,000 x 5 database: `readiness --database-url URL db upgrade`, then
`readiness --database-url URL seed --companies 19000 --waves 5`). The bench adds real companies
with private links through readiness's own functions and deletes them afterwards.

A page is settled when its DOM has not changed for --quiet seconds (1 s); its settle time runs
from the navigation's start (performance.timeOrigin) to the last DOM change, as a MutationObserver
in the page saw it. Measured, each --repeat times in a fresh browser context (a new session, cold
browser cache):

- home: / ;
- results: /results?c=TOKEN of a company with two submitted full assessments, a fresh company
  each time (a CEO opens their own results once; nothing of that company is cached yet);
- the ratio of the results' median to the home's median (goal: at most 1.5);
- submit: a company whose full assessment is answered and open at its last step; from the click on
  "submit" to the results page settled (goal: under 1.5 s).

Before the runs one home and one results load warm the server's shared caches (norm frames); they
are printed apart as "first".
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    LAST_WAVE,
    answer_all,
    bench_profile,
    create_bench_company,
    machine_lines,
    remove_company,
)
from playwright.sync_api import Browser, Page, sync_playwright

from readiness import db, store
from readiness.bank import default_bank
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # the e2e tests' browser and flags

DESKTOP = {"width": 1440, "height": 900}
RESULTS_GOAL = 1.5  # results settle / home settle
SUBMIT_GOAL_S = 1.5

# Records the time of the last DOM change and of the last click, in ms since navigation start.
OBSERVER = """
window.__lastChange = 0;
window.__clickAt = null;
new MutationObserver(() => { window.__lastChange = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
document.addEventListener('click', () => { window.__clickAt = performance.now(); }, true);
"""
RESULTS_HEADING = "h1:has-text('진단 결과')"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@dataclass(frozen=True)
class Figures:
    home: list[float]
    results: list[float]
    submit: list[float]
    first_home: float
    first_results: float


def wait_settled(page: Page, *, quiet_s: float, timeout_s: float) -> float:
    """Wait until no DOM change for `quiet_s`; the last change's time, in s since navigation."""
    page.wait_for_function(
        f"performance.now() - window.__lastChange >= {quiet_s * 1000}",
        timeout=timeout_s * 1000,
        polling=100,
    )
    page.wait_for_selector(IDLE, timeout=timeout_s * 1000)
    return float(page.evaluate("window.__lastChange")) / 1000


def _context_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(OBSERVER)
    return context.new_page()


def load_settle(browser: Browser, url: str, expect: str, args: argparse.Namespace) -> float:
    """Seconds from navigation start to the last DOM change of `url`, with `expect` on the page."""
    page = _context_page(browser)
    try:
        page.goto(url)
        page.wait_for_selector(expect, timeout=args.timeout * 1000)
        return wait_settled(page, quiet_s=args.quiet, timeout_s=args.timeout)
    finally:
        page.context.close()


def submit_settle(browser: Browser, base: str, token: str, args: argparse.Namespace) -> float:
    """Seconds from the click on submit to the results page's last DOM change."""
    page = _context_page(browser)
    try:
        page.goto(f"{base}/assess?c={token}&lang=ko")
        button = page.locator(".st-key-assess_submit button")
        button.wait_for(timeout=args.timeout * 1000)
        wait_settled(page, quiet_s=args.quiet, timeout_s=args.timeout)
        button.click()
        page.wait_for_selector(RESULTS_HEADING, timeout=args.timeout * 1000)
        last = wait_settled(page, quiet_s=args.quiet, timeout_s=args.timeout)
        return last - float(page.evaluate("window.__clickAt")) / 1000
    finally:
        page.context.close()


def answered_draft(engine, bank, n: int) -> tuple[int, str]:
    """A company whose full assessment has every item answered, not yet submitted."""
    company, token = store.create_company(
        engine=engine,
        profile=bench_profile(f"벤치마크정밀 (settle {n})"),
        actor="bench",
        first=store.NewAssessment(LAST_WAVE, "full", bank, goal=70.0),
    )
    draft = store.open_draft(engine=engine, company_id=company.id)
    assert draft is not None and draft.id is not None and company.id is not None
    answer_all(engine, bank, draft.id, base=3)
    return company.id, token


def measure(args: argparse.Namespace) -> Figures:
    engine = db.make_engine(args.database_url)
    bank = default_bank()
    base = args.url.rstrip("/")
    created: list[int] = []

    def results_company(n: int) -> str:
        bench = create_bench_company(engine, bank, name=f"벤치마크정밀 (results {n})")
        created.append(bench.id)
        return bench.token

    def drafted(n: int) -> str:
        company_id, token = answered_draft(engine, bank, n)
        created.append(company_id)
        return token

    home_url = f"{base}/?lang=ko"
    home_mark = "[data-testid='stMainBlockContainer'] h1"
    try:
        result_tokens = [results_company(n) for n in range(args.repeat + 1)]
        draft_tokens = [drafted(n) for n in range(args.repeat)]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                first_home = load_settle(browser, home_url, home_mark, args)
                first_results = load_settle(
                    browser, f"{base}/results?c={result_tokens[0]}&lang=ko", RESULTS_HEADING, args
                )
                home: list[float] = []
                results: list[float] = []
                for token in result_tokens[1:]:  # alternated, so that both see the same load
                    home.append(load_settle(browser, home_url, home_mark, args))
                    results.append(
                        load_settle(
                            browser, f"{base}/results?c={token}&lang=ko", RESULTS_HEADING, args
                        )
                    )
                submit = [submit_settle(browser, base, token, args) for token in draft_tokens]
            finally:
                browser.close()
    finally:
        for company_id in created:
            remove_company(engine, company_id)
        engine.dispose()
    return Figures(home, results, submit, first_home, first_results)


def line(label: str, values: list[float], goal: Callable[[float], str] = lambda _: "") -> str:
    median = statistics.median(values)
    runs = " ".join(f"{v:.2f}" for v in values)
    spread = f"min {min(values):6.2f}   max {max(values):6.2f}"
    return f"{label:<28}median {median:6.2f} s   {spread}   ({runs}){goal(median)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501", help="the running app")
    parser.add_argument(
        "--database-url", required=True, help="the DATABASE_URL the server uses (set-up)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="measurements of each (5)")
    parser.add_argument("--quiet", type=float, default=1.0, help="settled: no change for (1 s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per page (60 s)")
    args = parser.parse_args()

    print("\n".join(machine_lines()))
    print(f"server        {args.url}")
    figures = measure(args)
    home = statistics.median(figures.home)
    results = statistics.median(figures.results)
    print(
        f"first home load {figures.first_home:.2f} s, "
        f"first results load {figures.first_results:.2f} s"
    )
    print(line("home settled", figures.home))
    print(line("results settled", figures.results))
    ratio = results / home
    verdict = "within" if ratio <= RESULTS_GOAL else "OVER"
    print(f"{'results / home':<28}{ratio:6.2f}x   ({verdict} the goal of {RESULTS_GOAL}x)")
    submit_goal = lambda m: (  # noqa: E731
        f"   ({'under' if m < SUBMIT_GOAL_S else 'OVER'} the goal of {SUBMIT_GOAL_S} s)"
    )
    print(line("submit -> results settled", figures.submit, submit_goal))
    print("load average  {:.2f} {:.2f} {:.2f} (after)".format(*__import__("os").getloadavg()))


if __name__ == "__main__":
    main()
