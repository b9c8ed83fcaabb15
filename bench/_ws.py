"""One browser tab without a browser: Streamlit's own websocket protocol, spoken from asyncio.

What the frontend (streamlit 1.67, static/js/index.*.js) does, and so what `Tab` does:

- It loads the page over HTTP (keeping its cookies: a load balancer's sticky cookie), then opens
  the websocket `/_stcore/stream` with the subprotocol "streamlit", and sends one BackMsg
  `rerun_script` (a ClientState): the URL's query string, `page_script_hash` "" and `page_name`
  the URL path below the base ("join"), its widget states and `context_info` (time zone, locale,
  URL, colour scheme). Later reruns carry the page's `page_script_hash` (from `new_session` and
  `navigation`) instead of the name, and the query string as the server last set it: every
  `st.query_params` change arrives as a ForwardMsg `page_info_changed`, and the next rerun must
  send it back, or the page would read the old parameters.
- Widgets arrive as `delta.new_element.<type>` protos whose `id` ends in "-<key>" for a keyed
  widget. A rerun sends the values of the widgets on the page as WidgetState protos: a radio's or
  selectbox's value is the option's displayed text (`string_value`, the text the delta lists in
  `options`, after format_func), a number input's an `int_value` or `double_value` by its data
  type, a button's a one-off `trigger_value`. Widgets inside a form send nothing until the form's
  submit button (a button with `is_form_submitter`) is pressed; then their values and the
  button's trigger go in one rerun.
- A widget drawn inside an `st.fragment` comes in a delta whose `fragment_id` names it; a change
  to it (a tap, a click) sends its rerun with that `fragment_id` (not `is_auto_rerun`), and the
  server reruns that fragment alone.
- A run ends with `script_finished`: FINISHED_SUCCESSFULLY for a full run,
  FINISHED_FRAGMENT_RUN_SUCCESSFULLY for a fragment's. FINISHED_EARLY_FOR_RERUN means
  `st.rerun()` or a page switch started another run on the server (a fragment that reruns the
  app, say), so the user still waits. An `st.fragment(run_every=...)` arrives as `auto_rerun`
  (interval, fragment id): the browser then sends, every interval, a rerun with that
  `fragment_id` and `is_auto_rerun`, whether or not the last one has finished.
- Large elements come with `metadata.cacheable`; a rerun lists the hashes the browser holds in
  `cached_message_hashes`, and the server sends such an element again only as a `ref_hash`.

An `exception` element is an error the user sees; so is an `st.error` alert. Both are counted,
as is `page_not_found`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

STREAM_PATH = "_stcore/stream"
SUBPROTOCOL = Subprotocol("streamlit")
ID_PREFIX = "$$ID-"
WIDGET_KINDS = frozenset({"radio", "selectbox", "number_input", "text_input", "button"})
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FRAGMENT_DONE = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
REPLICA_HEADER = "x-replica"


class TabError(RuntimeError):
    """The tab could not do what was asked: no connection, no such widget, no answer in time."""


@dataclass(frozen=True)
class Widget:
    """A widget as its latest delta showed it."""

    id: str
    kind: str
    options: tuple[str, ...] = ()
    form_id: str = ""
    disabled: bool = False
    is_int: bool = False
    fragment_id: str = ""  # the st.fragment the widget is drawn in; a change reruns only that

    @property
    def key(self) -> str | None:
        """The user key a keyed widget's id ends with, else None."""
        if not self.id.startswith(ID_PREFIX):
            return None
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and parts[2] != "None" else None


@dataclass
class Interaction:
    """One BackMsg and the runs it caused, until the last of them finished."""

    kind: str
    sent_at: float
    fragment_id: str = ""  # sent for a fragment: the run it starts ends as a fragment run
    auto: bool = False  # a fragment's timer, not the user
    finished_at: float | None = None
    status: int | None = None
    stall: float = 0.0  # the longest wait for the next message while this was pending

    @property
    def seconds(self) -> float | None:
        return None if self.finished_at is None else self.finished_at - self.sent_at


@dataclass
class Counters:
    """What a tab saw that a reader of the run wants counted."""

    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    pages_not_found: list[str] = field(default_factory=list)
    messages: int = 0
    bytes: int = 0

    @property
    def errors_shown(self) -> int:
        return len(self.exceptions) + len(self.error_alerts) + len(self.pages_not_found)


def context_info(url: str) -> ContextInfo:
    """What a phone in Seoul tells the server about itself."""
    return ContextInfo(
        timezone="Asia/Seoul",
        timezone_offset=-540,
        locale="ko-KR",
        url=url,
        is_embedded=False,
        color_scheme="light",
    )


async def http_get_headers(
    url: str, cookies: dict[str, str], timeout: float, accept: tuple[int, ...] = (200,)
) -> list[tuple[str, str]]:
    """The response headers of a plain GET of `url` (the page a phone loads before the socket)."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    host = parts.hostname or "127.0.0.1"
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "User-Agent: ws_load",
        "Accept: text/html",
        "Connection: close",
    ]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=ssl.create_default_context() if secure else None),
        timeout,
    )
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    finally:
        writer.close()
    status, *rest = head.decode("latin-1").split("\r\n")
    if not any(f" {code} " in f"{status} " for code in accept):
        raise TabError(f"GET {url}: {status}")
    headers = []
    for line in rest:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip().lower(), value.strip()))
    return headers


def _take_cookies(headers: Iterable[tuple[str, str]], jar: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, sep, val = pair.partition("=")
            if sep:
                jar[key.strip()] = val.strip()


class Tab:
    """One browser tab on one Streamlit app: load a page, then interact, one BackMsg at a time.

    `open`, `submit_form`, `set_value` and `click` each return the Interaction they caused, once
    its runs have finished (or raise TabError after `timeout` seconds).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        sticky_cookie: str = "SERVERID",
        cookies: dict[str, str] | None = None,
        follow_auto_rerun: bool = True,
        keep_messages: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.sticky_cookie = sticky_cookie
        self.cookies: dict[str, str] = dict(cookies or {})
        self.follow_auto_rerun = follow_auto_rerun
        self.keep_messages = keep_messages
        self.messages: list[ForwardMsg] = []  # every ForwardMsg received, with keep_messages
        self.replica = "1"
        self.query_string = ""
        self.page_name = ""
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.redirect = ""  # where the server last sent the browser (auth_redirect), if anywhere
        self.widgets: dict[str, Widget] = {}  # key (or id) -> its latest delta
        # What the page shows now, each with the fragment it is drawn in ("" outside any): the
        # widgets by key (or id) and the st.error texts. A full run starts both afresh; a
        # fragment's run, only what that fragment had drawn.
        self._shown: dict[str, str] = {}
        self._alerts: list[tuple[str, str]] = []
        self.values: dict[str, WidgetState] = {}  # widget id -> the value the tab holds
        self.counters = Counters()
        self.interactions: list[Interaction] = []
        self.auto_reruns: list[Interaction] = []
        self._cache: dict[str, bytes | None] = {}
        self._pending: deque[Interaction] = deque()
        self._last_message_at = 0.0
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._closed: BaseException | None = None
        self._changed = asyncio.Event()

    # --- connection ---------------------------------------------------------------------------

    def _ws_url(self) -> str:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{parts.path}/{STREAM_PATH}"

    def page_url(self) -> str:
        query = f"?{self.query_string}" if self.query_string else ""
        return f"{self.base_url}/{self.page_name}{query}"

    def _note_replica(self, headers: Iterable[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() == REPLICA_HEADER:
                self.replica = value
                return
        if self.sticky_cookie in self.cookies:
            self.replica = self.cookies[self.sticky_cookie]

    async def open(self, page: str, query_string: str = "") -> Interaction:
        """Load /page?query over HTTP, open the websocket and run the page (an Interaction)."""
        self.page_name, self.query_string = page, query_string
        headers = await http_get_headers(self.page_url(), self.cookies, self.timeout)
        _take_cookies(headers, self.cookies)
        self._note_replica(headers)
        extra = {}
        if self.cookies:
            extra["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await connect(
            self._ws_url(),
            subprotocols=[SUBPROTOCOL],
            additional_headers=extra,
            max_size=None,
            ping_interval=None,  # a browser sends no websocket pings
            open_timeout=self.timeout,
            close_timeout=2,
        )
        if self._ws.response is not None:
            response_headers = list(self._ws.response.headers.raw_items())
            _take_cookies(response_headers, self.cookies)
            self._note_replica([*headers, *response_headers])
        self._reader = asyncio.create_task(self._read())
        return await self._rerun("load", page_name=page)

    async def follow_redirect(self, page: str | None = None, query_string: str = "") -> Interaction:
        """Do what a browser does after an auth_redirect (the routes that set the staff session's
        or the workshop phone's cookie): load the URL, keep the cookies it sets, and open on a new
        websocket `page` with `query_string`, or (None) the page the route sends the browser on to.
        """
        if not self.redirect:
            raise TabError("the server sent no redirect")
        parts = urlsplit(self.base_url)
        target = f"{parts.scheme}://{parts.netloc}{self.redirect}"
        self.redirect = ""
        headers = await http_get_headers(target, self.cookies, self.timeout, accept=(302, 303, 307))
        _take_cookies(headers, self.cookies)
        if page is None:
            location = urlsplit(next(v for k, v in headers if k == "location"))
            page, query_string = location.path.rsplit("/", 1)[-1], location.query
        await self.close()
        self._closed = None
        return await self.open(page, query_string)

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    # --- what the user does -------------------------------------------------------------------

    def widget(self, key: str) -> Widget:
        try:
            return self.widgets[key]
        except KeyError:
            raise TabError(f"no widget {key!r} on {self.page_name or 'the page'}") from None

    @property
    def run_keys(self) -> set[str]:
        """The widgets the page shows now (by key, or id), as the latest runs drew it."""
        return set(self._shown)

    @property
    def run_alerts(self) -> list[str]:
        """The st.error texts the page shows now."""
        return [body for _, body in self._alerts]

    def keys_shown(self, prefix: str) -> list[str]:
        """Keys of the widgets the page shows now that start with `prefix`, in order."""
        return [k for k in self.widgets if k.startswith(prefix) and k in self.run_keys]

    async def set_value(self, widget: Widget, value: Any, kind: str = "tap") -> Interaction:
        """Choose `value` in a widget outside a form (a radio's option text, say) and rerun."""
        self.values[widget.id] = _state(widget, value)
        return await self._rerun(kind, fragment_id=widget.fragment_id)

    async def click(self, button: Widget, kind: str = "click") -> Interaction:
        """Press a button (not a form's): one rerun carrying its trigger."""
        if button.disabled:
            raise TabError(f"button {button.key!r} is disabled")
        return await self._rerun(kind, triggers=[button], fragment_id=button.fragment_id)

    async def submit_form(
        self, button: Widget, values: dict[str, Any], kind: str = "submit"
    ) -> Interaction:
        """Fill a form's widgets by key and press its submit button: one rerun."""
        for key, value in values.items():
            widget = self.widget(key)
            self.values[widget.id] = _state(widget, value)
        return await self._rerun(kind, triggers=[button], fragment_id=button.fragment_id)

    async def switch_page(
        self, url_path: str, query_string: str, kind: str = "page"
    ) -> Interaction:
        """Go to another page of the app (the navigation menu, st.page_link)."""
        try:
            target = self.pages[url_path]
        except KeyError:
            raise TabError(f"no page {url_path!r} in the navigation") from None
        self.query_string = query_string
        self.page_name = url_path
        self.values.clear()
        return await self._rerun(kind, page_script_hash=target)

    # --- the protocol -------------------------------------------------------------------------

    def _back_msg(
        self,
        *,
        triggers: Iterable[Widget] = (),
        page_name: str = "",
        page_script_hash: str | None = None,
        fragment_id: str = "",
        auto: bool = False,
    ) -> BackMsg:
        live = {w.id for w in self.widgets.values()}
        states = [s for wid, s in self.values.items() if wid in live]
        states += [WidgetState(id=w.id, trigger_value=True) for w in triggers]
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        client.widget_states.widgets.extend(states)
        client.page_script_hash = (
            self.page_script_hash if page_script_hash is None else page_script_hash
        )
        client.page_name = page_name
        client.fragment_id = fragment_id
        client.is_auto_rerun = auto
        client.cached_message_hashes.extend(self._cache)
        client.context_info.CopyFrom(context_info(self.page_url()))
        return msg

    async def _send(self, msg: BackMsg, interaction: Interaction) -> None:
        if self._closed is not None:
            raise TabError(f"connection closed: {self._closed!r}")
        assert self._ws is not None, "open() first"
        self._pending.append(interaction)
        await self._ws.send(msg.SerializeToString())

    async def _rerun(
        self, kind: str, *, triggers: Iterable[Widget] = (), fragment_id: str = "", **fields: Any
    ) -> Interaction:
        interaction = Interaction(kind, time.perf_counter(), fragment_id)
        self._last_message_at = interaction.sent_at
        msg = self._back_msg(triggers=triggers, fragment_id=fragment_id, **fields)
        await self._send(msg, interaction)
        self.interactions.append(interaction)
        deadline = interaction.sent_at + self.timeout
        while interaction.finished_at is None:
            if self._closed is not None:
                raise TabError(f"connection closed during {kind}: {self._closed!r}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TabError(f"{kind}: no script_finished within {self.timeout:g} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                continue
        return interaction

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """The browser's setInterval: a fragment rerun every `interval` seconds, finished or not."""
        while True:
            await asyncio.sleep(interval)
            interaction = Interaction("fragment", time.perf_counter(), fragment_id, auto=True)
            try:
                await self._send(self._back_msg(fragment_id=fragment_id, auto=True), interaction)
            except Exception:
                return
            self.auto_reruns.append(interaction)

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    continue
                now = time.perf_counter()
                if self._pending:
                    gap = now - max(self._last_message_at, self._pending[0].sent_at)
                    first = self._pending[0]
                    first.stall = max(first.stall, gap)
                self._last_message_at = now
                self.counters.messages += 1
                self.counters.bytes += len(data)
                self._handle(data, now)
        except Exception as exc:  # the connection is gone: every waiter learns it
            self._closed = exc
        else:
            self._closed = ConnectionError("closed by the server")
        finally:
            if self._closed is None:
                self._closed = ConnectionError("reader stopped")
            self._changed.set()

    def _handle(self, data: bytes, now: float) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if self.keep_messages:
            self.messages.append(msg)
        kind = msg.WhichOneof("type")
        if kind == "delta":
            notable = self._on_delta(msg)
            if msg.metadata.cacheable and msg.hash:
                self._cache[msg.hash] = data if notable else None
        elif kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is not None:
                self._handle(cached, now)
        elif kind == "new_session":
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
            rerun = set(msg.metadata.run.fragment_ids)
            self._shown = {k: f for k, f in self._shown.items() if rerun and f not in rerun}
            self._alerts = [(f, a) for f, a in self._alerts if rerun and f not in rerun]
        elif kind == "navigation":
            nav = msg.navigation
            self.page_script_hash = nav.page_script_hash or self.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in nav.app_pages}
            for path, script_hash in self.pages.items():
                if script_hash == self.page_script_hash:
                    self.page_name = path
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auth_redirect":
            self.redirect = msg.auth_redirect.url
        elif kind == "page_not_found":
            self.counters.pages_not_found.append(msg.page_not_found.page_name)
        elif kind == "auto_rerun" and self.follow_auto_rerun:
            fragment = msg.auto_rerun.fragment_id
            if fragment not in self._timers:
                self._timers[fragment] = asyncio.create_task(
                    self._auto_rerun(fragment, msg.auto_rerun.interval)
                )
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                timer = self._timers.pop(fragment, None)
                if timer is not None:
                    timer.cancel()
        elif kind == "script_finished" and msg.script_finished != EARLY:
            self._finish(msg.script_finished, now)

    def _on_delta(self, msg: ForwardMsg) -> bool:
        """Record a widget, an exception or an error alert; True when the element was one."""
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return False
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind in WIDGET_KINDS:
            proto = getattr(element, kind)
            widget = Widget(
                id=proto.id,
                kind=kind,
                options=tuple(getattr(proto, "options", ())),
                form_id=proto.form_id,
                disabled=proto.disabled,
                is_int=kind == "number_input" and proto.data_type == NumberInput.INT,
                fragment_id=delta.fragment_id,
            )
            name = widget.key or widget.id
            self.widgets[name] = widget
            self._shown[name] = delta.fragment_id
            return True
        if kind == "exception":
            self.counters.exceptions.append(
                f"{element.exception.type}: {element.exception.message}"
            )
            return True
        if kind == "alert" and element.alert.format == Alert.ERROR:
            self.counters.error_alerts.append(element.alert.body)
            self._alerts.append((delta.fragment_id, element.alert.body))
            return True
        return False

    def _finish(self, status: int, now: float) -> None:
        """A run ended: the oldest pending interaction it can end is done.

        A fragment run ends one that was sent for a fragment (a tap in it, or its timer); a full
        run ends one of the user's, sent for the app or for a fragment that reran the app.
        """
        fragment = status == FRAGMENT_DONE
        for interaction in self._pending:
            ends = bool(interaction.fragment_id) if fragment else not interaction.auto
            if ends:
                interaction.finished_at, interaction.status = now, status
                self._pending.remove(interaction)
                break
        self._changed.set()


def _state(widget: Widget, value: Any) -> WidgetState:
    """The WidgetState the frontend sends for `value` in `widget`."""
    state = WidgetState(id=widget.id)
    if widget.kind in {"radio", "selectbox", "text_input"}:
        state.string_value = str(value)
    elif widget.kind == "number_input":
        if widget.is_int:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    else:
        raise TabError(f"cannot set a value in a {widget.kind}")
    return state
