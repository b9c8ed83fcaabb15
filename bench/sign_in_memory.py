"""Memory of a burst of parallel sign-ins with unknown e-mails, production argon2 parameters.

    .venv/bin/python bench/sign_in_memory.py                        # 30 at once, fresh SQLite
    .venv/bin/python bench/sign_in_memory.py --attempts 60 --database-url postgresql+psycopg://...

Each mode runs in a fresh Python process that starts `--attempts` threads at one barrier, each
calling readiness.auth.authenticate with an unknown address from its own client (as many browsers
would; no per-client or per-address limit is reached). A sampler reads the process's resident set
(VmRSS) every 5 ms; the figure is its peak above the RSS just before the burst, and VmHWM (the
kernel's own peak) as a check. Modes:

- bounded: the product as configured (auth.SIGN_IN_CONCURRENCY argon2 slots; an attempt that waits
  longer than auth.SIGN_IN_WAIT_SECONDS answers BUSY, "try again in a moment");
- unbounded: one slot per attempt, as before issue #13 (every attempt runs argon2 at once).

The goal: the bounded burst stays under SIGN_IN_CONCURRENCY x 64 MiB + 64 MiB of headroom above the
baseline. The database (`--database-url`, else a SQLite file under /tmp) is migrated; attempts
written to it are deleted afterwards. Exit status 1 when the bounded burst is over the goal.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from readiness import auth  # noqa: E402

MIB = 1024 * 1024
ARGON2_MIB = 64  # RFC 9106 low-memory profile, auth.HASHER


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _burst(database_url: str, attempts: int, slots: int | None) -> dict[str, object]:
    """One mode, in this process: the peak RSS above baseline, outcomes and wall time."""
    import sqlalchemy as sa
    from sqlmodel import delete

    from readiness.db import make_engine, upgrade, write_session
    from readiness.models import SignInAttempt

    engine = make_engine(database_url)
    upgrade(engine)
    auth.set_sign_in_concurrency(slots or attempts)
    auth._dummy_hash()  # the stand-in hash is made once per process, before the burst
    baseline = _status_kib("VmRSS")
    peak = baseline
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _status_kib("VmRSS"))
            time.sleep(0.005)

    outcomes: list[str] = []
    start = threading.Barrier(attempts + 1)

    def attempt(n: int) -> None:
        start.wait()
        result = auth.authenticate(
            engine=engine,
            email=f"nobody{n}@bench.invalid",
            password="not anyone's password",
            client=f"bench-client-{n}",
        )
        outcomes.append(result.public_outcome.value)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for th in threads:
        th.start()
    began = time.perf_counter()
    start.wait()
    for th in threads:
        th.join()
    wall = time.perf_counter() - began
    stop.set()
    sampler.join()
    with write_session(engine) as session:
        session.exec(delete(SignInAttempt).where(sa.true()))
    engine.dispose()
    return {
        "baseline_mib": baseline / 1024,
        "peak_mib": peak / 1024,
        "hwm_mib": _status_kib("VmHWM") / 1024,
        "outcomes": dict(Counter(outcomes)),
        "wall_s": wall,
    }


def _run_mode(database_url: str, attempts: int, mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--attempts", str(attempts)]
        + ["--database-url", database_url],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=30, help="parallel sign-ins (30)")
    parser.add_argument("--database-url", help="a SQLAlchemy URL (default: a SQLite file in /tmp)")
    parser.add_argument("--skip-unbounded", action="store_true", help="measure the product only")
    parser.add_argument("--child", choices=["bounded", "unbounded"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        slots = auth.SIGN_IN_CONCURRENCY if args.child == "bounded" else None
        print(json.dumps(_burst(args.database_url, args.attempts, slots)))
        return 0

    with tempfile.TemporaryDirectory(prefix="sign-in-bench-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        modes = ["bounded"] + ([] if args.skip_unbounded else ["unbounded"])
        results = {mode: _run_mode(url, args.attempts, mode) for mode in modes}
    goal = (auth.SIGN_IN_CONCURRENCY + 1) * ARGON2_MIB
    print(
        f"{args.attempts} parallel sign-ins with unknown e-mails, argon2id 64 MiB each; "
        f"slots {auth.SIGN_IN_CONCURRENCY}, wait {auth.SIGN_IN_WAIT_SECONDS:g} s"
    )
    heads = ("baseline", "peak RSS", "above", "VmHWM")
    print(f"{'mode':<10} " + " ".join(f"{h:>9}" for h in heads) + f" {'wall':>7}  outcomes")
    for mode, r in results.items():
        above = float(r["peak_mib"]) - float(r["baseline_mib"])  # type: ignore[arg-type]
        print(
            f"{mode:<10} {r['baseline_mib']:>6.0f} MB {r['peak_mib']:>6.0f} MB "
            f"{above:>6.0f} MB {r['hwm_mib']:>6.0f} MB {r['wall_s']:>5.1f} s  {r['outcomes']}"
        )
    bounded = results["bounded"]
    above = float(bounded["peak_mib"]) - float(bounded["baseline_mib"])  # type: ignore[arg-type]
    verdict = "ok" if above <= goal else "OVER"
    print(f"goal: the bounded burst at most {goal} MB above baseline: {above:.0f} MB, {verdict}")
    return 0 if above <= goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
