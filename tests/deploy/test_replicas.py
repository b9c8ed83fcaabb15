"""The product as two replicas on PostgreSQL behind the sticky HAProxy (scripts/serve.sh).

Everything goes through the proxy: a workshop room whose phones are spread over both replicas
while the projector, on one of them, counts every submission; a staff CSV import whose upload must
reach its session's replica; the security headers, under which the app still renders with no
policy error in Chromium's console; a staff session that holds on either replica; and a stopped
replica, after which new sessions still work.
The tests run in this order and share one deployment; the last one stops a replica.

Screenshots: screenshots/deploy-*.png.
"""

from __future__ import annotations

import os
import re
import signal
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from components.cache import DATA_VERSION_TTL
from readiness import store
from readiness.db import make_engine
from readiness.i18n import t
from tests.deploy.conftest import COOKIE, Deployment, WatchedBrowser, wait_gone
from tests.e2e.test_ceo_journey import PILLARS, _go_next, _start
from tests.e2e.test_staff_journey import (
    HOME_TITLE,
    IMPORTED,
    _member_csv,
    _open_staff_page,
    _sign_in,
)
from tests.e2e.test_workshop_live import PHONE, PROJECTOR, _participate

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

WORKSHOP_TITLE = "글로벌 강소기업 워크숍"  # what _participate expects on the join page
PRESENTER_REFRESH_S = 3  # pages/presenter.py: @st.fragment(run_every=3)
ROOM_CACHE_TTL_S = 2  # components/cache.py: room_snapshot(ttl=2)
SLOW_MS = 30_000


def replica_of(context: BrowserContext) -> str:
    """The replica a browser is pinned to: the value of the proxy's cookie."""
    values = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
    assert len(values) == 1, context.cookies()
    return values[0]


def deploy_shot(shot: Callable[..., Path]) -> Callable[..., Path]:
    """The e2e `shot`, with every name prefixed deploy- (the e2e tests keep their own)."""
    return lambda page, name, **kwargs: shot(page, f"deploy-{name}", **kwargs)


def logged_requests(deployment: Deployment, path: str, *, at_least: int) -> list:
    """The proxy's log lines for requests whose path starts with `path`, once `at_least` are in."""
    deadline = time.monotonic() + 15
    while True:
        found = [r for r in deployment.requests() if r.path.startswith(path)]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def assert_sticky(requests: list) -> None:
    """Every request that carried the cookie went to the replica it names (HAProxy flag V)."""
    assert requests
    for request in requests:
        assert request.cookie is not None, request
        assert request.server == request.cookie and request.cookie_state == "V", request


def home_on(watched: WatchedBrowser, deployment: Deployment, replica: str, wait_idle) -> Page:
    """The Korean home page in a browser pinned to `replica` by the proxy's cookie."""
    context = watched.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": COOKIE, "value": replica, "url": deployment.url}])
    page = context.new_page()
    response = page.goto(f"{deployment.url}/?lang=ko")
    assert response is not None and response.headers["x-replica"] == replica
    expect(page.get_by_role("heading", name=HOME_TITLE["ko"], exact=True)).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    return page


def member_count(home: Page) -> int:
    """The number of members the home page shows."""
    metric = home.get_by_test_id("stMetric").filter(has_text=t("home.data_companies", "ko"))
    value = metric.get_by_test_id("stMetricValue").inner_text(timeout=SLOW_MS)
    return int(value.replace(",", ""))


def create_workshop(page: Page, wait_idle) -> str:
    """On the staff workshops page: create one through the form; returns its join code."""
    page.get_by_role("textbox", name=t("workshops.name", "ko")).fill(WORKSHOP_TITLE)
    page.get_by_role("button", name=t("workshops.create", "ko"), exact=True).click()
    created = page.get_by_text(re.compile(r"참여 코드: [A-Z0-9]+"))
    expect(created).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    found = re.search(r"참여 코드: ([A-Z0-9]+)", created.inner_text())
    assert found is not None
    return found[1]


def test_phones_on_both_replicas_reach_the_projector_on_one(
    deployment: Deployment, staff_on_deployment, watched: WatchedBrowser, wait_idle, shot
) -> None:
    projector_context = watched.new_context(viewport=PROJECTOR)
    projector = projector_context.new_page()
    _sign_in(projector, deployment.url, "ko", staff_on_deployment, wait_idle)
    _open_staff_page(projector, "ko", "nav.staff_workshops", "workshops.title", wait_idle)
    code = create_workshop(projector, wait_idle)
    projector.get_by_role("button", name=t("workshops.present", "ko")).click()
    expect(projector.get_by_text(re.compile(r"^제출 0명 / 참여 0명"))).to_be_visible(
        timeout=SLOW_MS
    )
    expect(projector.get_by_text(code, exact=True)).to_be_visible()
    projector_replica = replica_of(projector_context)

    phone_replicas, delays = [], []
    for n, lang in enumerate(("ko", "en", "ko")):
        context, phone = _participate(
            watched, deployment.url, code, n, lang, wait_idle, deploy_shot(shot)
        )
        phone_replicas.append(replica_of(context))
        if n < 2:
            deploy_shot(shot)(phone, f"workshop-result-{lang}-{phone_replicas[-1]}")
        # Submitted (the result is on the phone); the projector was never touched.
        submitted = time.monotonic()
        expect(
            projector.get_by_text(re.compile(rf"^제출 {n + 1}명 / 참여 {n + 1}명"))
        ).to_be_visible(timeout=(PRESENTER_REFRESH_S + ROOM_CACHE_TTL_S + 1) * 1000)
        delays.append(round(time.monotonic() - submitted, 1))
    print(f"projector on {projector_replica}; phones on {phone_replicas}; shown after {delays} s")
    # Cookie-less first visits take turns: the phones are on both replicas, so at least one of
    # them answered on a replica other than the projector's.
    assert set(phone_replicas) == {"r1", "r2"}, phone_replicas
    deploy_shot(shot)(projector, f"workshop-projector-{projector_replica}")
    assert watched.policy_errors() == []

    # Each browser's websocket (its Streamlit session) stayed on its replica.
    watched.close_all()
    streams = logged_requests(deployment, "/_stcore/stream", at_least=4)
    assert len(streams) >= 4, streams
    assert_sticky(streams)
    assert {s.server for s in streams} == {"r1", "r2"}


def test_a_staff_import_uploads_to_its_sessions_replica(
    deployment: Deployment,
    staff_on_deployment,
    watched: WatchedBrowser,
    wait_idle,
    tmp_path: Path,
) -> None:
    lang = "ko"
    # Each replica's home page caches the member count (components/cache.summary, 60 s).
    homes = {replica: home_on(watched, deployment, replica, wait_idle) for replica in ("r1", "r2")}
    before = {replica: member_count(page) for replica, page in homes.items()}
    context = watched.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    _sign_in(page, deployment.url, lang, staff_on_deployment, wait_idle)
    _open_staff_page(page, lang, "nav.staff_data", "data.title", wait_idle)
    member_file = tmp_path / "회원사_가져오기.csv"
    member_file.write_bytes(_member_csv(with_errors=False))
    page.locator("input[type=file]").set_input_files(member_file)
    new_members = page.get_by_test_id("stMetric").filter(has_text=t("data.create", lang))
    expect(new_members).to_contain_text("4", timeout=SLOW_MS)
    wait_idle(page)
    page.get_by_role("button", name=t("data.apply", lang), exact=True).click()
    done = t("data.imported", lang, created="4", updated="0", results="4")
    expect(page.get_by_text(done)).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    replica = replica_of(context)
    # The other replica's cached count is stale within DATA_VERSION_TTL of the import, no longer
    # (a single new company, without an import, would wait for the count's own 60 s TTL).
    engine = make_engine(deployment.database_url)
    try:
        members = store.summary(engine=engine).companies
    finally:
        engine.dispose()
    assert members >= max(before.values()) + len(IMPORTED)
    other = homes["r2" if replica == "r1" else "r1"]
    deadline = time.monotonic() + DATA_VERSION_TTL + 10
    while member_count(other) != members and time.monotonic() < deadline:
        time.sleep(1)
        other.reload()
        wait_idle(other)
    assert member_count(other) == members
    assert watched.policy_errors() == []
    watched.close_all()

    engine = make_engine(deployment.database_url)
    try:
        for name in IMPORTED:
            total, rows = store.member_directory(engine=engine, search=name)
            assert total == 1 and rows[0]["name"] == name, rows
    finally:
        engine.dispose()
    uploads = logged_requests(deployment, "/_stcore/upload_file/", at_least=1)
    assert_sticky(uploads)
    assert {u.server for u in uploads} == {replica}
    assert all(200 <= u.status < 300 for u in uploads), uploads


def test_security_headers_and_the_app_renders_under_them(
    deployment: Deployment, watched: WatchedBrowser, wait_idle, shot
) -> None:
    for path in ("/", "/_stcore/health", "/join?code=ABCDEF"):
        with urllib.request.urlopen(f"{deployment.url}{path}", timeout=10) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, csp
        assert "'unsafe-eval'" not in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers["X-Replica"] in {"r1", "r2"}
        # Plain HTTP: HSTS belongs to the TLS listener only.
        assert headers["Strict-Transport-Security"] is None
    set_cookie = headers["Set-Cookie"]
    assert set_cookie.startswith(f"{COOKIE}=r") and "HttpOnly" in set_cookie, set_cookie
    assert "SameSite=Lax" in set_cookie, set_cookie

    for lang in ("ko", "en"):
        page = watched.new_context(viewport=PHONE).new_page()
        page.goto(f"{deployment.url}/?lang={lang}")
        expect(page.get_by_role("heading", name=HOME_TITLE[lang], exact=True)).to_be_visible(
            timeout=SLOW_MS
        )
        wait_idle(page)
        deploy_shot(shot)(page, f"home-phone-{lang}")
    # A full assessment's next step runs the app's own script (components/widgets.scroll_to_top).
    page = watched.new_context(viewport=PHONE).new_page()
    _start(page, deployment.url, "ko", name="복제검증", quick=False, shots=lambda _: None, tag="")
    expect(page.get_by_role("heading", name=PILLARS["ko"][0], exact=True)).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    _go_next(page, "ko", 0, wait_idle)
    deploy_shot(shot)(page, "assess-step2-phone-ko")
    assert watched.policy_errors() == []
    assert watched.foreign_requests() == []  # the tab icon too is the app's own


def test_a_staff_session_holds_on_either_replica_and_its_sign_out_on_both(
    deployment: Deployment, staff_on_deployment, watched: WatchedBrowser, wait_idle
) -> None:
    """Issue #13: the session is a database row behind an HttpOnly cookie, so a browser moved to
    the other replica (the proxy's cookie changed, as when its replica goes) is still signed in,
    and a sign-out there ends it on the first one too."""
    lang = "en"
    context = watched.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    _sign_in(page, deployment.url, lang, staff_on_deployment, wait_idle)
    first = replica_of(context)
    other = "r2" if first == "r1" else "r1"
    sign_out = page.get_by_role("button", name=t("staff.sign_out", lang))

    def move_to(replica: str) -> None:
        pin = next(c for c in context.cookies() if c["name"] == COOKIE)
        context.add_cookies([{**pin, "value": replica}])  # type: ignore[list-item]
        response = page.goto(f"{deployment.url}/staff_overview?lang={lang}")
        assert response is not None and response.headers.get("x-replica") == replica
        wait_idle(page)

    move_to(other)
    expect(page.get_by_role("heading", name=t("overview.title", lang))).to_be_visible(
        timeout=SLOW_MS
    )
    expect(sign_out).to_be_visible()
    sign_out.click()
    expect(sign_out).to_have_count(0, timeout=SLOW_MS)
    move_to(first)
    expect(sign_out).to_have_count(0)
    expect(page.get_by_role("heading", name=t("overview.title", lang))).to_have_count(0)
    context.close()


def test_new_sessions_work_through_the_other_replica_when_one_stops(
    deployment: Deployment, watched: WatchedBrowser, wait_idle
) -> None:
    os.kill(deployment.pids["r2"], signal.SIGTERM)
    assert wait_gone(deployment.pids["r2"], 30)

    # A browser pinned to the stopped replica, then new visitors, one after another: all are
    # served by r1 at once (retried and redispatched before the health check marks r2 down).
    pinned = watched.new_context(viewport=PHONE)
    pinned.add_cookies([{"name": COOKIE, "value": "r2", "url": deployment.url}])
    contexts = [pinned] + [watched.new_context(viewport=PHONE) for _ in range(3)]
    for k, context in enumerate(contexts):
        page = context.new_page()
        lang = ("ko", "en")[k % 2]
        response = page.goto(f"{deployment.url}/?lang={lang}")
        assert response is not None and response.ok
        assert response.headers["x-replica"] == "r1"
        expect(page.get_by_role("heading", name=HOME_TITLE[lang], exact=True)).to_be_visible(
            timeout=SLOW_MS
        )
        wait_idle(page)
        assert replica_of(context) == "r1"
    deadline = time.monotonic() + 15
    while "replicas/r2 is DOWN" not in deployment.proxy_log() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert "replicas/r2 is DOWN" in deployment.proxy_log()
