"""Memory per open session on a running app, over Streamlit's websocket (bench/_ws.py).

    .venv/bin/python bench/ws_memory.py --url http://127.0.0.1:8611 --sessions 50,100,200
    .venv/bin/python bench/ws_memory.py --url ... --page "join?code=ABC123" --sessions 100

Opens browser-like tabs on --page (default: the home page) and leaves them idle, connected: the
server then holds each one's session (its state, its last run's widgets) as a phone in a workshop
that has loaded the page and waits does. The count climbs to each level of --sessions in turn; at
each, after --settle seconds, the server's RSS (over --pid, else the processes listening on the
URL's port) is read. Printed per level: sessions open, server RSS, RSS over the start and its
per-session share. Finally every tab closes and, after --linger seconds, the RSS is read again:
memory the server kept after its sessions left.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ws import Tab
from ws_load import _rss_and_cpu, listening_pids

MIB = 1024 * 1024


def server_rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += _rss_and_cpu(pid)[0]
        except OSError:
            continue
    return total


async def open_tabs(url: str, page: str, count: int, timeout: float) -> list[Tab]:
    name, _, query = page.partition("?")
    tabs = [Tab(url, timeout=timeout) for _ in range(count)]
    opened = await asyncio.gather(*(t.open(name, query) for t in tabs), return_exceptions=True)
    failed = [o for o in opened if isinstance(o, BaseException)]
    if failed:
        raise SystemExit(f"{len(failed)} of {count} tabs failed to open: {failed[0]!r}")
    return tabs


async def run(args: argparse.Namespace) -> list[dict]:
    pids = args.pid or listening_pids(urlsplit(args.url).port or 80)
    if not pids:
        raise SystemExit(f"no server process listens on {args.url}; give --pid")
    levels = sorted(int(n) for n in args.sessions.split(","))
    # One tab first, so the page's modules and caches are loaded before the start is read.
    warm = await open_tabs(args.url, args.page, 1, args.timeout)
    await asyncio.sleep(args.settle)
    start = server_rss(pids)
    rows: list[dict] = [{"sessions": 0, "rss_mib": start / MIB, "over_start_mib": 0.0}]
    tabs: list[Tab] = []
    for level in levels:
        tabs += await open_tabs(args.url, args.page, level - len(tabs), args.timeout)
        await asyncio.sleep(args.settle)
        rss = server_rss(pids)
        rows.append(
            {
                "sessions": level,
                "rss_mib": rss / MIB,
                "over_start_mib": (rss - start) / MIB,
                "per_session_mib": (rss - start) / MIB / level,
            }
        )
    await asyncio.gather(*(t.close() for t in [*tabs, *warm]))
    await asyncio.sleep(args.linger)
    rss = server_rss(pids)
    rows.append({"sessions": "closed", "rss_mib": rss / MIB, "over_start_mib": (rss - start) / MIB})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501", help="the app")
    parser.add_argument("--page", default="", help='page and query, e.g. "join?code=ABC123"')
    parser.add_argument("--sessions", default="50,100,200", help="open sessions at each reading")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before a reading (5)")
    parser.add_argument("--linger", type=float, default=10.0, help="after closing, wait (10 s)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per page load (120 s)")
    parser.add_argument("--pid", type=int, action="append", help="server process (repeatable)")
    parser.add_argument("--json", action="store_true", help="one JSON object per reading")
    args = parser.parse_args()
    rows = asyncio.run(run(args))
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print(f"ws_memory on {args.url}/{args.page}: idle tabs, settle {args.settle:g} s")
    print(f"{'sessions':>8}  {'server RSS MiB':>14}  {'over start MiB':>14}  {'MiB/session':>11}")
    for row in rows:
        per = row.get("per_session_mib")
        print(
            f"{row['sessions']!s:>8}  {row['rss_mib']:>14.1f}  {row['over_start_mib']:>14.1f}  "
            f"{'' if per is None else f'{per:.2f}':>11}"
        )


if __name__ == "__main__":
    main()
