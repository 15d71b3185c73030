"""What one logged hold costs: a transaction (insert the hold, update its session) per hold.

    python bench/bench_log_write.py [--holds N] [--dir DIR]

Compares SQLite's synchronous=FULL (what the app uses: a commit is on the disk before it
returns, so a power cut keeps every finished hold) with NORMAL (in WAL mode, the last commits
can be lost on power loss). DIR should be on the disk the data directory lives on (default: a
temporary folder beside this repository).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.storage import open_store


def measure(folder: Path, synchronous: str, holds: int) -> list[float]:
    store, messages = open_store(folder)
    if store is None or messages:
        raise SystemExit(f"cannot open the store: {messages}")
    store._conn.execute(f"PRAGMA synchronous = {synchronous}")
    started = datetime(2024, 1, 1, 7, tzinfo=timezone(timedelta(hours=1)))
    sid = store.start_session(
        routine_id="bench", routine_name="Bench", started_at=started, planned_seconds=3600
    )
    times = []
    for rep in range(1, holds + 1):
        begin = time.perf_counter()
        store.add_hold(
            sid,
            stretch_id="towel-hamstring",
            stretch_name="Towel hamstring stretch",
            side="left",
            rep=rep,
            planned_seconds=30,
            held_seconds=30.0,
            outcome="completed",
        )
        times.append((time.perf_counter() - begin) * 1000)
    store.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holds", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    print(f"{'synchronous':<12} {'median':>8} {'p95':>8} {'max':>8}   (ms per hold, {args.holds})")
    for mode in ("NORMAL", "FULL", "NORMAL", "FULL"):
        with tempfile.TemporaryDirectory(dir=args.dir, prefix=".bench-log-") as temp:
            times = sorted(measure(Path(temp), mode, args.holds))
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{mode:<12} {statistics.median(times):>8.2f} {p95:>8.2f} {times[-1]:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
