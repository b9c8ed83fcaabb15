"""A loopback deployment: scripts/serve.sh with two replicas and HAProxy on a fresh PostgreSQL
database (on the TEST_POSTGRES_URL server), driven through the proxy by the e2e tests' Chromium.

Fixtures:
- `deployment`: the running deployment, started once per module and stopped at the end by
  serve.sh's PID (SIGTERM, as Ctrl-C would); every process it started must be gone by then.
- `staff_on_deployment`: the e2e staff account, added to the deployment's database.
- `watched`: a browser whose contexts record Chromium's console (CSP and Permissions-Policy).
- `browser_type_launch_args`, `wait_idle`, `shot`: the e2e fixtures (tests/e2e/conftest.py).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage

from tests.conftest import fresh_postgres_database
from tests.e2e.conftest import (
    DEMO_ENV,
    REPO_ROOT,
    STARTUP_TIMEOUT_S,
    StaffAccount,
    _free_port,
    add_staff_account,
    browser_type_launch_args,
    shot,
    wait_idle,
)

__all__ = ["browser_type_launch_args", "shot", "wait_idle"]

REPLICAS = 2
COOKIE = "READINESS_REPLICA"
STOP_TIMEOUT_S = 60

# An HAProxy `option httplog` line: backend/server, timers, status, bytes, the captured request and
# response cookies, the termination state (its third letter: what the request's cookie did), ...
_LOG_LINE = re.compile(
    r"replicas/(?P<server>\S+) \S+ (?P<status>-?\d+) \S+ (?P<cookie>\S+) \S+ (?P<state>\S{4}) "
    r'.*"(?P<method>[A-Z]+) (?P<path>\S+)'
)


@dataclass(frozen=True)
class Request:
    """One request as the proxy logged it."""

    server: str
    status: int
    cookie: str | None
    """The replica named by the request's READINESS_REPLICA cookie, None without one."""
    cookie_state: str
    """HAProxy's persistence flag: V = the cookie was valid and the request went to its replica."""
    method: str
    path: str


@dataclass(frozen=True)
class Deployment:
    url: str
    run_dir: Path
    database_url: str
    pids: dict[str, int]
    """haproxy and each replica (r1, r2, ...) by name."""

    def requests(self) -> list[Request]:
        """The requests the proxy has logged so far (a websocket's when it closes)."""
        found = []
        for line in (self.run_dir / "haproxy.log").read_text(errors="replace").splitlines():
            match = _LOG_LINE.search(line)
            if match:
                cookie = match["cookie"]
                found.append(
                    Request(
                        server=match["server"],
                        status=int(match["status"]),
                        cookie=cookie.split("=", 1)[1] if cookie.startswith(f"{COOKIE}=") else None,
                        cookie_state=match["state"][2],
                        method=match["method"],
                        path=match["path"],
                    )
                )
        return found

    def proxy_log(self) -> str:
        return (self.run_dir / "haproxy.log").read_text(errors="replace")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _wait_for_url(proc: subprocess.Popen[bytes], out: Path, err: Path) -> str:
    """serve.sh prints the proxy's URL as its only stdout line once everything is up."""
    deadline = time.monotonic() + 2 * STARTUP_TIMEOUT_S
    while not out.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"serve.sh did not come up:\n{err.read_text(errors='replace')}")
        time.sleep(0.25)
    return out.read_text().strip().splitlines()[-1]


@pytest.fixture(scope="module")
def deployment(
    postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    run_dir = tmp_path_factory.mktemp("serve")
    out, err = run_dir / "serve.out", run_dir / "serve.err"
    with fresh_postgres_database(postgres_server_url) as database_url:
        env = {**os.environ, "DATABASE_URL": database_url, **DEMO_ENV}
        command = ["bash", "scripts/serve.sh", "--replicas", str(REPLICAS)]
        command += ["--port", str(_free_port()), "--run-dir", str(run_dir)]
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        pids: dict[str, int] = {}
        try:
            url = _wait_for_url(proc, out, err)
            pids["haproxy"] = int((run_dir / "haproxy.pid").read_text())
            for k in range(1, REPLICAS + 1):
                pids[f"r{k}"] = int((run_dir / f"replica-{k}.pid").read_text())
            yield Deployment(url=url, run_dir=run_dir, database_url=database_url, pids=pids)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            left = {name: pid for name, pid in pids.items() if not wait_gone(pid, 5)}
            for pid in left.values():
                os.kill(pid, signal.SIGKILL)
        assert not left, f"serve.sh left processes running after SIGTERM: {left}"
        assert proc.returncode == 128 + signal.SIGTERM, err.read_text(errors="replace")


@pytest.fixture(scope="module")
def staff_on_deployment(deployment: Deployment) -> StaffAccount:
    """The e2e staff account, added to the running deployment's database (no replica restarts)."""
    return add_staff_account(deployment.database_url)


_POLICY = re.compile(r"Content Security Policy|Content-Security-Policy|Permissions-Policy")


@dataclass
class WatchedBrowser:
    """Stands in for a Browser: every context it makes records its pages' console messages."""

    browser: Browser
    messages: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def new_context(self, **kwargs: Any) -> BrowserContext:
        context = self.browser.new_context(**kwargs)
        context.on("console", self._record)
        context.on("request", lambda request: self.urls.append(request.url))
        self.contexts.append(context)
        return context

    def foreign_requests(self) -> list[str]:
        """Requests to any host but the loopback deployment (a CDN, a font or icon service...)."""
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(u).hostname not in {"127.0.0.1", "localhost"}
        ]

    def _record(self, message: ConsoleMessage) -> None:
        self.messages.append(f"{message.type}: {message.text}")

    def close_all(self) -> None:
        """Close every context: a websocket is logged by the proxy when it closes."""
        while self.contexts:
            self.contexts.pop().close()

    def policy_errors(self) -> list[str]:
        """Console lines about the CSP or Permissions-Policy (a blocked script, style, image...)."""
        return [m for m in self.messages if _POLICY.search(m)]


@pytest.fixture
def watched(browser: Browser) -> Iterator[WatchedBrowser]:
    watcher = WatchedBrowser(browser)
    yield watcher
    watcher.close_all()
