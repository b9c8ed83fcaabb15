"""End-to-end infrastructure: a real `streamlit run` on a free port, driven by the system Chromium.

Fixtures:
- `app_server`: base URL of app.py, started once per session on a fresh SQLite file seeded with a
  small synthetic membership (its output: the session's pytest tmp dir, app-server*/streamlit.log);
  `app_database_url` is that file's DATABASE_URL.
- `staff_account`: email, password and name of a staff account in the app_server's database.
- `launch_streamlit`: starts any script (e.g. one written into tmp_path); stopped after the test.
- `wait_idle`: call after every navigation or action, instead of sleeping.
- `shot`: saves a screenshot to screenshots/NAME.png at the repo root (gitignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = REPO_ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
STARTUP_TIMEOUT_S = 120
IDLE_TIMEOUT_MS = 30_000
DEMO_ENV = {
    "READINESS_DEMO_COMPANIES": "300",
    "READINESS_DEMO_WAVES": "2",
    # Every browser of the suite is one client (127.0.0.1) registering dozens of companies: the
    # per-client limits are tested by AppTest (tests/app/test_verified_members.py), not here.
    "READINESS_REGISTRATIONS_PER_HOUR": "100000",
    "READINESS_REQUESTS_PER_HOUR": "100000",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python() -> str:
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def _is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


def _log_tail(log_path: Path, lines: int = 40) -> str:
    if not log_path.exists():
        return "(no log)"
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def stop_streamlit(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server by its PID: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def start_streamlit(
    script: Path, env: Mapping[str, str], *, log_path: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Run `streamlit run script` on a free loopback port; return (process, base URL) once healthy.

    `env` is laid over the current environment, minus DATABASE_URL unless `env` sets it. The
    server's output goes to `log_path` (a temp file by default); its tail is shown if startup fails.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update(env)
    if log_path is None:
        fd, name = tempfile.mkstemp(prefix=f"streamlit-{port}-", suffix=".log")
        os.close(fd)
        log_path = Path(name)
    command = [
        _python(),
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not _is_healthy(url):
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {proc.returncode} before answering on {url}:\n"
                + _log_tail(log_path)
            )
        if time.monotonic() > deadline:
            stop_streamlit(proc)
            raise RuntimeError(
                f"streamlit did not answer {url}/_stcore/health within {STARTUP_TIMEOUT_S} s:\n"
                + _log_tail(log_path)
            )
        time.sleep(0.25)
    return proc, url


def wait_for_idle(page: Page, timeout: int = IDLE_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its script has finished and nothing is still loading.

    After an action, first `expect(...)` what it should show: the script state may not have
    left `notRunning` yet when this is called right after a click.
    """
    page.locator(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]'
    ).wait_for(state="attached", timeout=timeout)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page as screenshots/NAME.png at the repo root and return the path."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use the system Chromium from apt; `playwright install` is never run."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app_server's directory: its database file and its streamlit.log."""
    return tmp_path_factory.mktemp("app-server")


@pytest.fixture(scope="session")
def app_database_url(app_workdir: Path) -> str:
    """DATABASE_URL of the app_server, for tests that read or prepare its data directly."""
    return f"sqlite:///{app_workdir / 'readiness.db'}"


@pytest.fixture(scope="session")
def app_server(app_workdir: Path, app_database_url: str, browser: Browser) -> Iterator[str]:
    """Base URL of the app served as scripts/app.sh serves it (asgi.py: st.App with the staff
    session cookie's routes) on a fresh SQLite file with a small synthetic demo membership.

    The first visit seeds the demo data, so one visit is made here, with the startup timeout,
    before any test measures its own waits.
    """
    proc, url = start_streamlit(
        REPO_ROOT / "asgi.py",
        {"DATABASE_URL": app_database_url, **DEMO_ENV},
        log_path=app_workdir / "streamlit.log",
    )
    try:
        warm_up = browser.new_page()
        try:
            warm_up.goto(url)
            wait_for_idle(warm_up, timeout=STARTUP_TIMEOUT_S * 1000)
        finally:
            warm_up.close()
        yield url
    finally:
        stop_streamlit(proc)


@dataclass(frozen=True)
class StaffAccount:
    email: str
    password: str
    name: str


STAFF_ACCOUNT = StaffAccount("analyst@inno-biz.or.kr", "e2e-staff-password-2026", "김분석")


@pytest.fixture
def app_engine(app_database_url: str) -> Iterator[Any]:
    """An engine on the app_server's database, to seed it and to check what the app wrote."""
    from readiness.db import make_engine

    engine = make_engine(app_database_url)
    yield engine
    engine.dispose()


def add_staff_account(database_url: str) -> StaffAccount:
    """STAFF_ACCOUNT in the database at `database_url` (readiness.auth.add_staff), once."""
    from readiness import auth
    from readiness.db import make_engine

    engine = make_engine(database_url)
    try:
        if auth.get_staff(engine=engine, email=STAFF_ACCOUNT.email) is None:
            auth.add_staff(
                engine=engine,
                email=STAFF_ACCOUNT.email,
                password=STAFF_ACCOUNT.password,
                display_name=STAFF_ACCOUNT.name,
                actor="e2e",
            )
    finally:
        engine.dispose()
    return STAFF_ACCOUNT


@pytest.fixture(scope="session")
def staff_account(app_server: str, app_database_url: str) -> StaffAccount:
    """A staff account in the app_server's database."""
    return add_staff_account(app_database_url)


@pytest.fixture
def launch_streamlit(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start a script with `start_streamlit`; every server started is stopped after the test.

    Each server's output is in tmp_path/streamlit-N.log.
    """
    started: list[subprocess.Popen[bytes]] = []

    def launch(script: Path, env: Mapping[str, str] | None = None) -> str:
        log_path = tmp_path / f"streamlit-{len(started)}.log"
        proc, url = start_streamlit(script, env or {}, log_path=log_path)
        started.append(proc)
        return url

    yield launch
    for proc in started:
        stop_streamlit(proc)


@pytest.fixture
def wait_idle() -> Callable[..., None]:
    return wait_for_idle


@pytest.fixture
def shot() -> Callable[..., Path]:
    return save_screenshot


def submitted_company(engine: Any, profile: Any, answers: Mapping[str, int | None]) -> str:
    """A company with `profile` whose full assessment is submitted with `answers`: its private
    link token (tests that open its results page)."""
    from readiness import store
    from readiness.bank import default_bank
    from readiness.waves import current_wave

    bank = default_bank()
    first = store.NewAssessment(wave=current_wave(), mode="full", bank=bank)
    company, token = store.create_company(engine=engine, profile=profile, first=first)
    draft = store.open_draft(engine=engine, company_id=company.id)
    assert draft is not None
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return token
