"""Simulated phones on a running app, over Streamlit's own websocket protocol (bench/_ws.py).

    .venv/bin/python bench/ws_load.py --database-url sqlite:////tmp/wsdev/app.db \\
        --url http://127.0.0.1:8611 --participants 1,25,50
    .venv/bin/python bench/ws_load.py --database-url ... --mode results --participants 50 --json

The server is one `streamlit run app.py` (or a load balancer in front of several) started
beforehand on the same DATABASE_URL given here as --database-url; the bench prepares its data
through readiness's own functions and checks it afterwards.

--mode join (the workshop room): for each participant count a fresh open workshop. Each
participant opens /join?code=CODE, submits the profile form (division, head count, a name that
identifies it to the check), taps each of the quick scan's 12 answers with --think seconds
(+-jitter) between taps, then taps submit. With --presenter (the default) a staff member the bench
creates signs in through /staff_login, opens the presenter view, and its fragment refreshes every 3
s as the browser's timer makes it. Afterwards the database must hold, per participant, one
submitted scan with exactly the answers it tapped; the participants are then deleted (--keep keeps
them) and the workshop closed.

--mode results: N companies, each with a submitted full assessment, are created; N viewers open
/results?c=TOKEN and reload it (a new websocket session, as a browser reload) every --reload
seconds for --duration seconds; the companies are deleted afterwards.

One interaction is one BackMsg until the runs it caused have finished (script_finished); a tap on
a widget drawn in an st.fragment (the scan's answers) reruns that fragment alone, as in a browser,
and ends with the fragment's run, unless it reruns the app (submit). Printed
per run: interactions/s, tap latency (mode join: the 12 answer taps; mode results: page loads)
p50 / p95 / max, the longest stall (the longest wait for the next message while an interaction was
pending), sessions failed (connection lost, an exception shown, page not found, timeout, the page
not as expected), errors shown (exceptions, pages not found), submissions and answers lost or
doubled, the server's peak RSS and CPU (over --pid, else the processes listening on the URL's
port), the replicas that served (an X-Replica response header, else the --sticky-cookie value),
and the client's own CPU, to show it was not the bottleneck. --json adds latencies by kind
(load, join, tap, submit, sign_in, page, fragment) and the failures' reasons.

The phones are a closed loop: each waits for its run to finish, then thinks, then taps. A browser
does not wait: a tap during a run sends a rerun at once, and the server (runner.fastReruns) stops
the running script for it. So past saturation this bench offers less load than real phones
would, and its latencies are those of a queue that never overflows. The presenter's refreshes
are an open loop, as the browser's timer is: sent every 3 s, matched to finished fragment runs
in order; a refresh the server folded into another is sent but never finished.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from _common import percentile, remove_company
from _ws import Interaction, Tab, TabError

from readiness import auth, db, store, workshops
from readiness.bank import Bank, default_bank
from readiness.models import Answer, Assessment, AuditEvent, Company, Workshop
from readiness.profile import CompanyProfile
from readiness.waves import current_wave

PRESENTER_EMAIL = "ws-load.presenter@inno-biz.or.kr"
PRESENTER_PASSWORD = "ws-load presenter password"
NAME_PREFIX = "ws_load"
SCAN_PREFIX = "j_"
COLUMNS = (
    ("participants", "{participants:>12}"),
    ("inter/s", "{interactions_per_s:>7.1f}"),
    ("tap p50", "{tap_p50_ms:>7.0f}"),
    ("tap p95", "{tap_p95_ms:>7.0f}"),
    ("tap max", "{tap_max_ms:>7.0f}"),
    ("stall max", "{longest_stall_ms:>9.0f}"),
    ("failed", "{sessions_failed:>6}"),
    ("errors", "{errors_shown:>6}"),
    ("subm lost/dbl", "{submissions_lost:>9}/{submissions_doubled:<3}"),
    ("answ lost/dbl", "{answers_lost:>9}/{answers_doubled:<3}"),
    ("room p95", "{presenter_p95_ms:>8}"),
    ("server RSS MB", "{server_rss_mb:>13.0f}"),
    ("server CPU %", "{server_cpu_pct:>12.0f}"),
    ("client CPU %", "{client_cpu_pct:>12.0f}"),
    ("replicas", "{replicas}"),
)


# --- the server's processes ----------------------------------------------------------------------


def listening_pids(port: int) -> list[int]:
    """Processes holding a listening TCP socket on `port` (from /proc; this machine only)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (proc / "fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            pids.append(int(proc.name))
    return pids


def _rss_and_cpu(pid: int) -> tuple[int, float]:
    """(resident bytes, CPU seconds so far) of one process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    after = stat[stat.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(after[11]) + int(after[12])) / ticks
    return int(after[21]) * os.sysconf("SC_PAGE_SIZE"), cpu


class ServerWatch:
    """Samples the server processes' RSS every second; CPU seconds from start to stop."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak_rss = 0
        self._cpu_start = self._cpu()
        self._cpu_used = 0.0

    def _sample(self) -> tuple[int, float]:
        rss, cpu = 0, 0.0
        for pid in self.pids:
            try:
                r, c = _rss_and_cpu(pid)
            except OSError:
                continue
            rss, cpu = rss + r, cpu + c
        return rss, cpu

    def _cpu(self) -> float:
        return self._sample()[1]

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.peak_rss = max(self.peak_rss, self._sample()[0])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
        rss, cpu = self._sample()
        self.peak_rss = max(self.peak_rss, rss)
        self._cpu_used = cpu - self._cpu_start

    @property
    def cpu_seconds(self) -> float:
        return self._cpu_used


# --- simulated people ----------------------------------------------------------------------------


@dataclass
class Session:
    """What one simulated phone (or projector) did and saw."""

    name: str
    replica: str = "1"
    interactions: list[Interaction] = field(default_factory=list)
    failure: str | None = None
    exceptions: list[str] = field(default_factory=list)
    pages_not_found: list[str] = field(default_factory=list)
    taps: dict[str, int] = field(default_factory=dict)  # item id -> level tapped last
    submit_sent: bool = False

    def take(self, tab: Tab) -> None:
        self.replica = tab.replica
        self.interactions += tab.interactions + tab.auto_reruns
        self.exceptions += tab.counters.exceptions
        self.pages_not_found += tab.counters.pages_not_found
        if self.failure is None and (tab.counters.exceptions or tab.counters.pages_not_found):
            self.failure = (
                "error shown: "
                + "; ".join([*tab.counters.exceptions, *tab.counters.pages_not_found])[:300]
            )


FAILURES = (TabError, OSError, TimeoutError)


@asynccontextmanager
async def visit(session: Session, args: argparse.Namespace) -> AsyncIterator[Tab]:
    """A tab for `session`; a failure inside ends the visit and is recorded, not raised."""
    tab = Tab(args.url, timeout=args.timeout, sticky_cookie=args.sticky_cookie)
    try:
        yield tab
    except FAILURES as exc:
        session.failure = f"{type(exc).__name__}: {exc}"
    finally:
        await tab.close()
        session.take(tab)


async def _think(args: argparse.Namespace, rng: random.Random) -> None:
    spread = args.think * args.jitter
    await asyncio.sleep(max(0.0, args.think + rng.uniform(-spread, spread)))


def participant_name(code: str, n: int) -> str:
    return f"{NAME_PREFIX} {code} #{n}"


async def participant(n: int, count: int, code: str, args: argparse.Namespace) -> Session:
    """Join by the QR code's URL, give a profile, tap the 12 answers, submit."""
    rng = random.Random(n)
    session = Session(participant_name(code, n))
    await asyncio.sleep(args.ramp * n / count)
    async with visit(session, args) as tab:
        await tab.open("join", f"code={code}&lang=ko")
        ksic = tab.widget("join_ksic")
        await _think(args, rng)
        await tab.submit_form(
            tab.widget("join_start"),
            {
                "join_ksic": ksic.options[(n * 7) % len(ksic.options)],
                "join_employees": 5 + 7 * n,
                "join_name": session.name,
            },
            kind="join",
        )
        if tab.redirect:  # asgi.py: the phone collects its participation cookie, then reloads
            await tab.follow_redirect()
        pickers = tab.keys_shown(SCAN_PREFIX)
        if len(pickers) != 12 or "c=" not in tab.query_string:
            raise TabError(f"after joining: {len(pickers)} answers to give, URL {tab.query_string}")
        for k, key in enumerate(pickers):
            await _think(args, rng)
            picker = tab.widget(key)
            level = 1 + (k + n) % 4
            session.taps[key.rsplit("_", 1)[1]] = level
            await tab.set_value(picker, picker.options[level])
        await _think(args, rng)
        session.submit_sent = True
        await tab.click(tab.widget("join_submit"), kind="submit")
        if tab.keys_shown(SCAN_PREFIX) or "join_submit" in tab.run_keys or tab.run_alerts:
            raise TabError(f"after submitting, still the scan: {tab.run_alerts[:1]}")
    return session


async def presenter(
    code: str, args: argparse.Namespace, ready: asyncio.Event, done: asyncio.Event
) -> Session:
    """Sign in as staff, open the presenter view (then `ready`), let it refresh until `done`."""
    session = Session("presenter")
    async with visit(session, args) as tab:
        await tab.open("staff_login", "lang=ko")
        await tab.submit_form(
            tab.widget("staff_sign_in"),
            {"staff_email": PRESENTER_EMAIL, "staff_password": PRESENTER_PASSWORD},
            kind="sign_in",
        )
        if tab.redirect:  # served as st.App (asgi.py): the session cookie comes from a route
            await tab.follow_redirect("staff_overview", "lang=ko")
        if "presenter" not in tab.pages:
            raise TabError(f"signing in did not register the staff pages: {tab.run_alerts[:1]}")
        await tab.switch_page("presenter", f"code={code}&lang=ko")
        if tab.run_alerts:
            raise TabError(f"the presenter view shows an error: {tab.run_alerts[0]}")
        ready.set()
        await done.wait()
        await asyncio.sleep(0.5)  # let a refresh under way finish
    ready.set()
    return session


async def viewer(n: int, count: int, token: str, args: argparse.Namespace, until: float) -> Session:
    """Open a company's results page by its private link, and reload it until `until`."""
    rng = random.Random(n)
    session = Session(f"viewer #{n}")
    await asyncio.sleep(args.ramp * n / count)
    while time.perf_counter() < until and session.failure is None:
        async with visit(session, args) as tab:
            await tab.open("results", f"c={token}&lang=ko")
            if tab.run_alerts:
                raise TabError(f"the results page shows an error: {tab.run_alerts[0]}")
        spread = args.reload * args.jitter
        await asyncio.sleep(max(0.0, args.reload + rng.uniform(-spread, spread)))
    return session


# --- set-up and the check in the database ---------------------------------------------------------


def ensure_presenter_account(engine) -> None:
    if auth.get_staff(engine=engine, email=PRESENTER_EMAIL) is None:
        auth.add_staff(
            engine=engine,
            email=PRESENTER_EMAIL,
            password=PRESENTER_PASSWORD,
            display_name="ws_load presenter",
            actor="bench",
        )
    else:
        auth.set_password(
            engine=engine, email=PRESENTER_EMAIL, password=PRESENTER_PASSWORD, actor="bench"
        )


def results_companies(engine, bank: Bank, count: int) -> list[tuple[int, str]]:
    """`count` companies, each with a full assessment submitted in one go: (id, token)."""
    wave = current_wave()
    made = []
    for n in range(count):
        profile = CompanyProfile(
            name=f"{NAME_PREFIX} results #{n}",
            ksic=("C29", "C25", "C26", "C20", "C10")[n % 5],
            employees=12 + 9 * n,
            region="41",
            roles=["final_product"],
        )
        company, token = store.create_company(
            engine=engine,
            profile=profile,
            actor="bench",
            first=store.NewAssessment(wave, "full", bank),
        )
        assert company.id is not None
        draft = store.open_draft(engine=engine, company_id=company.id)
        assert draft is not None and draft.id is not None
        answers = {item: 1 + (n + i) % 5 for i, item in enumerate(bank.item_ids())}
        store.submit_assessment(
            engine=engine, bank=bank, assessment_id=draft.id, actor="bench", answers=answers
        )
        made.append((company.id, token))
    return made


@dataclass
class Check:
    submissions_lost: int = 0
    submissions_doubled: int = 0
    answers_lost: int = 0
    answers_doubled: int = 0
    company_ids: list[int] = field(default_factory=list)


def check_room(engine, workshop: Workshop, sessions: list[Session]) -> Check:
    """Per participant: one company, one submitted scan, audited once, holding exactly its taps.

    Lost: a submit tap sent without a submitted scan; a tapped answer missing or at another
    level. Doubled: more than one company or submission event for one participant; stored answers
    the participant never gave.
    """
    from sqlmodel import col, select

    check, workshop_id, since = Check(), workshop.id, workshop.created_at
    with db.read_session(engine) as s:
        companies = s.exec(
            select(Company.id, Company.name).where(col(Company.name).startswith(NAME_PREFIX))
        ).all()
        by_name: dict[str, list[int]] = {}
        for cid, name in companies:
            if cid is not None:
                by_name.setdefault(name, []).append(cid)
        for person in sessions:
            ids = by_name.get(person.name, [])
            check.company_ids += ids
            assessments = (
                s.exec(
                    select(Assessment).where(
                        col(Assessment.company_id).in_(ids), Assessment.workshop_id == workshop_id
                    )
                ).all()
                if ids
                else []
            )
            aids = [a.id for a in assessments]
            events = (
                s.exec(
                    select(AuditEvent.entity_id).where(
                        AuditEvent.action == "assessment.submit",
                        AuditEvent.at >= since,  # this run's events only (ids are never reused)
                        col(AuditEvent.entity_id).in_([str(a) for a in aids]),
                    )
                ).all()
                if aids
                else []
            )
            submitted = sum(1 for a in assessments if a.status == "submitted")
            if person.submit_sent and submitted == 0:
                check.submissions_lost += 1
            check.submissions_doubled += max(0, len(ids) - 1) + max(0, len(events) - 1)
            stored = (
                s.exec(select(Answer).where(col(Answer.assessment_id).in_(aids))).all()
                if aids
                else []
            )
            kept: dict[str, int | None] = {}
            for row in stored:
                if row.item_id in kept or row.item_id not in person.taps:
                    check.answers_doubled += 1
                kept.setdefault(row.item_id, row.level)
            check.answers_lost += sum(
                1 for item, level in person.taps.items() if kept.get(item, -1) != level
            )
    return check


# --- one run -------------------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000 if values else float("nan")


def summarize(
    count: int,
    sessions: list[Session],
    room: Session | None,
    check: Check,
    watch: ServerWatch,
    wall: float,
    client_cpu: float,
    tap_kind: str,
) -> dict:
    everyone = [*sessions, *([room] if room else [])]
    done = [i for s in everyone for i in s.interactions if i.seconds is not None]
    taps = [i.seconds for s in sessions for i in s.interactions if i.kind == tap_kind and i.seconds]
    refresh = [
        i.seconds for i in (room.interactions if room else []) if i.kind == "fragment" and i.seconds
    ]
    replicas = Counter(s.replica for s in everyone)
    failures = [f"{s.name}: {s.failure}" for s in everyone if s.failure]
    by_kind: dict[str, list[float]] = {}
    for i in done:
        by_kind.setdefault(i.kind, []).append(i.seconds)  # type: ignore[arg-type]
    return {
        "participants": count,
        "wall_s": round(wall, 2),
        "interactions": len(done),
        "interactions_per_s": len(done) / wall if wall else 0.0,
        "tap_kind": tap_kind,
        "tap_p50_ms": _ms(taps, 50),
        "tap_p95_ms": _ms(taps, 95),
        "tap_max_ms": max(taps) * 1000 if taps else float("nan"),
        "longest_stall_ms": max((i.stall for s in everyone for i in s.interactions), default=0)
        * 1000,
        "sessions_failed": len(failures),
        "errors_shown": sum(len(s.exceptions) + len(s.pages_not_found) for s in everyone),
        "submissions_lost": check.submissions_lost,
        "submissions_doubled": check.submissions_doubled,
        "answers_lost": check.answers_lost,
        "answers_doubled": check.answers_doubled,
        "presenter_p95_ms": f"{_ms(refresh, 95):.0f}" if refresh else "-",
        "presenter_refreshes": len(refresh),
        "presenter_refreshes_sent": sum(
            1 for i in (room.interactions if room else []) if i.kind == "fragment"
        ),
        "server_rss_mb": watch.peak_rss / 2**20,
        "server_cpu_pct": 100 * watch.cpu_seconds / wall if wall else 0.0,
        "server_pids": watch.pids,
        "client_cpu_pct": 100 * client_cpu / wall if wall else 0.0,
        "replicas": (
            "1"
            if set(replicas) == {"1"}
            else f"{len(replicas)} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(replicas.items()))
            + ")"
        ),
        "latency_ms_by_kind": {
            kind: {
                "n": len(v),
                "p50": round(_ms(v, 50), 1),
                "p95": round(_ms(v, 95), 1),
                "max": round(max(v) * 1000, 1),
            }
            for kind, v in sorted(by_kind.items())
        },
        "failures": failures[:20],
        "exceptions": sorted({e for s in everyone for e in s.exceptions})[:10],
    }


async def _measure(coros, pids: list[int], done: asyncio.Event | None = None):
    stop = asyncio.Event()
    watch = ServerWatch(pids)
    watcher = asyncio.create_task(watch.run(stop))
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    results = await asyncio.gather(*coros)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    stop.set()
    await watcher
    client_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return results, watch, wall, client_cpu


async def run_room(engine, bank: Bank, count: int, args: argparse.Namespace) -> dict:
    workshop = workshops.create_workshop(
        engine=engine, title=f"{NAME_PREFIX} {count} participants", actor="bench"
    )
    code = workshop.code
    ready, done = asyncio.Event(), asyncio.Event()
    room_task = None
    if args.presenter:
        room_task = asyncio.create_task(presenter(code, args, ready, done))
    else:
        ready.set()

    async def everyone() -> list[Session]:
        await ready.wait()  # the projector is on before the room scans the code
        try:
            return await asyncio.gather(*(participant(n, count, code, args) for n in range(count)))
        finally:
            done.set()

    (sessions,), watch, wall, client_cpu = await _measure([everyone()], args.pids)
    room = await room_task if room_task is not None else None
    check = check_room(engine, workshop, sessions)
    workshops.set_status(engine=engine, workshop_id=workshop.id, status="closed", actor="bench")  # type: ignore[arg-type]
    if not args.keep:
        for company_id in check.company_ids:
            remove_company(engine, company_id)
    row = summarize(count, sessions, room, check, watch, wall, client_cpu, "tap")
    row["workshop"] = code
    return row


async def run_results(engine, bank: Bank, count: int, args: argparse.Namespace) -> dict:
    companies = results_companies(engine, bank, count)
    until = time.perf_counter() + args.ramp + args.duration
    try:
        coros = [viewer(n, count, token, args, until) for n, (_, token) in enumerate(companies)]
        sessions, watch, wall, client_cpu = await _measure(coros, args.pids)
    finally:
        for company_id, _ in companies:
            remove_company(engine, company_id)
    return summarize(count, sessions, None, Check(), watch, wall, client_cpu, "load")


# --- output --------------------------------------------------------------------------------------


def header() -> str:
    widths = [len(fmt.format(**_SAMPLE)) for _, fmt in COLUMNS]
    return "  ".join(f"{title:>{w}}" for (title, _), w in zip(COLUMNS, widths, strict=True))


_SAMPLE = {
    "participants": 0,
    "interactions_per_s": 0.0,
    "tap_p50_ms": 0.0,
    "tap_p95_ms": 0.0,
    "tap_max_ms": 0.0,
    "longest_stall_ms": 0.0,
    "sessions_failed": 0,
    "errors_shown": 0,
    "submissions_lost": 0,
    "submissions_doubled": 0,
    "answers_lost": 0,
    "answers_doubled": 0,
    "presenter_p95_ms": "-",
    "server_rss_mb": 0.0,
    "server_cpu_pct": 0.0,
    "client_cpu_pct": 0.0,
    "replicas": "1",
}


def table_row(row: dict) -> str:
    return "  ".join(fmt.format(**row) for _, fmt in COLUMNS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8501", help="the app (or the proxy)")
    parser.add_argument(
        "--database-url", required=True, help="the DATABASE_URL the server uses (set-up and check)"
    )
    parser.add_argument(
        "--participants",
        default="25",
        help="people per run; a list (1,25,50) runs a series, each with a fresh workshop",
    )
    parser.add_argument("--mode", choices=("join", "results"), default="join")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between taps (1)")
    parser.add_argument("--jitter", type=float, default=0.5, help="think time +- this share (0.5)")
    parser.add_argument("--ramp", type=float, default=10.0, help="arrivals spread over (10 s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per interaction (60 s)")
    parser.add_argument(
        "--presenter",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a presenter view refreshing during the run (mode join)",
    )
    parser.add_argument("--reload", type=float, default=10.0, help="results: reload every (10 s)")
    parser.add_argument("--duration", type=float, default=60.0, help="results: run for (60 s)")
    parser.add_argument(
        "--pid",
        dest="pids",
        type=int,
        action="append",
        default=[],
        help="a server process to measure (repeatable); default: those listening on --url's port",
    )
    parser.add_argument(
        "--sticky-cookie", default="SERVERID", help="the proxy's sticky cookie (SERVERID)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the participants afterwards")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    args = parser.parse_args(argv)
    try:
        args.counts = [int(n) for n in args.participants.split(",") if n.strip()]
    except ValueError:
        parser.error("--participants takes a number or a comma-separated list")
    if not args.counts or min(args.counts) < 1:
        parser.error("--participants must be at least 1")
    if not args.pids:
        parts = urlsplit(args.url)
        args.pids = listening_pids(parts.port or (443 if parts.scheme == "https" else 80))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engine = db.make_engine(args.database_url)
    db.upgrade(engine)  # a fresh database: the server migrates it on its first session too
    bank = default_bank()
    if args.mode == "join" and args.presenter:
        ensure_presenter_account(engine)
    if not args.json:
        print(
            f"ws_load {args.mode} on {args.url}: think {args.think:g} s (+-{args.jitter:.0%}), "
            f"ramp {args.ramp:g} s, server pids {args.pids or 'unknown'}"
        )
        print(header())
    bad = False
    try:
        for count in args.counts:
            run = run_room if args.mode == "join" else run_results
            row = asyncio.run(run(engine, bank, count, args))
            bad |= bool(
                row["sessions_failed"]
                or row["submissions_lost"]
                or row["submissions_doubled"]
                or row["answers_lost"]
                or row["answers_doubled"]
            )
            if args.json:
                print(json.dumps({"mode": args.mode, **row}, ensure_ascii=False), flush=True)
            else:
                print(table_row(row), flush=True)
                for failure in row["failures"][:5]:
                    print(f"    failed  {failure}")
    finally:
        engine.dispose()
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
