"""Times `stretch-timer history --json` and `--csv` over generated logs of 100,000 and 1,000,000
sessions: sessions a second and the peak memory (RSS) of the process.

    python bench/bench_export.py [--sessions N ...] [--keep DIR] [--code CHECKOUT]

Each export runs as its own process (`python -m desktop_app history`), its output read and
counted here (every session, every CSV row must come out), its CPU time and peak RSS from
wait4(). ``--code`` runs another checkout's desktop_app (an older one: the figures before the
export streamed).
Goals (issue 14): at least 20,000 sessions a second, under 150 MiB at any size.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_history import ROUTINES, STRETCHES, SYMPTOMS  # noqa: E402

from desktop_app.storage import open_store  # noqa: E402

OFFSET = 3600
GOAL_RATE = 20_000
GOAL_MIB = 150


def _holds_of(sid: int) -> int:
    return 3 + (sid * 7919) % 6  # 3 to 8, 5.5 on average (as bench_history.py)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _start(sid: int, sessions: int, first: datetime, days: int) -> datetime:
    """Sessions one after another (as they are logged), between 6:00 and 22:00 each day."""
    day, part = divmod((sid - 1) * days, sessions)
    return first + timedelta(days=day, seconds=part * 16 * 3600 // sessions)


def generate(data_dir: Path, sessions: int, today: date | None = None, days: int = 730) -> None:
    """A log of ``sessions`` sessions (5.5 holds each, a symptom in one hold of 33) spread
    over ``days`` days up to today, written with executemany in one transaction."""
    store, messages = open_store(data_dir, integrity_check=False)
    if store is None or messages:
        raise SystemExit(f"cannot create the log: {messages}")
    store.close()
    last = today or date.today()
    first = datetime(last.year, last.month, last.day, 6, tzinfo=UTC) - timedelta(days=days - 1)

    def session_rows() -> Iterator[tuple[object, ...]]:
        for sid in range(1, sessions + 1):
            start = _start(sid, sessions, first, days)
            planned = 40 * _holds_of(sid)
            routine_id, routine_name = ROUTINES[sid % 3]
            local = start + timedelta(seconds=OFFSET)
            yield (
                sid,
                routine_id,
                routine_name,
                _utc(start),
                OFFSET,
                local.date().isoformat(),
                _utc(start + timedelta(seconds=planned)),
                OFFSET,
                "completed" if sid % 50 else "stopped",
                planned,
                30.0 * _holds_of(sid) - (sid % 7) * 0.125,
                "Felt tight on the left" if sid % 20 == 0 else None,
                (None, None, 2, 3, 4, 5)[sid % 6],
            )

    def hold_rows() -> Iterator[tuple[object, ...]]:
        for sid in range(1, sessions + 1):
            for index in range(_holds_of(sid)):
                stretch_id, stretch_name, sided = STRETCHES[index % 5]
                skipped = (sid + index) % 15 == 0
                held = 12.375 if skipped else 30.0
                side = ("left", "right")[index % 2] if sided else None
                outcome = "skipped" if skipped else "completed"
                yield (sid, index, stretch_id, stretch_name, side, 1, 30, held, outcome)

    def event_rows() -> Iterator[tuple[object, ...]]:
        for sid in range(1, sessions + 1):
            if sid % 6 == 0:
                at = _start(sid, sessions, first, days) + timedelta(seconds=75)
                yield (sid, "symptom", _utc(at), OFFSET, "towel-hamstring", SYMPTOMS[sid % 3])

    conn = sqlite3.connect(data_dir / "sessions.db")
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.executemany(
            "INSERT INTO sessions (id, routine_id, routine_name, started_at, started_offset,"
            " local_date, ended_at, ended_offset, status, planned_seconds, held_seconds, note,"
            " feeling) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            session_rows(),
        )
        conn.executemany(
            "INSERT INTO holds (session_id, hold_index, stretch_id, stretch_name, side, rep,"
            " planned_seconds, held_seconds, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            hold_rows(),
        )
        conn.executemany(
            "INSERT INTO events (session_id, kind, at, at_offset, stretch_id, symptom)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            event_rows(),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def expected_rows(data_dir: Path) -> int:
    """CSV rows (after the header) the log should give: one a hold, one a session without."""
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        rows = conn.execute(
            "SELECT (SELECT count(*) FROM holds) + (SELECT count(*) FROM sessions s"
            " WHERE NOT EXISTS (SELECT 1 FROM holds h WHERE h.session_id = s.id))"
        ).fetchone()[0]
    conn.close()
    return int(rows)


def export(data_dir: Path, form: str, code: Path) -> tuple[float, float, float, int, int]:
    """Runs ``history --<form>``; returns seconds, CPU seconds, peak RSS in MiB, what came out
    (sessions for JSON, rows for CSV) and bytes out."""
    env = {**os.environ, "PYTHONPATH": str(code), "STRETCH_TIMER_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "history", f"--{form}"],
        stdout=subprocess.PIPE,
        env=env,
        cwd=code,
    )
    assert child.stdout is not None
    # JSON: each session starts with a line "  {" (a hold's "{" is further in); CSV: a line
    # a row (no note in these logs has a line break).
    mark = b"\n  {\n" if form == "json" else b"\n"
    count, size, tail = 0, 0, b""
    while chunk := child.stdout.read(1 << 20):
        size += len(chunk)
        data = tail + chunk
        count += data.count(mark)
        tail = data[-len(mark) + 1 :] if len(mark) > 1 else b""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code_ = os.waitstatus_to_exitcode(status)
    if code_ != 0:
        raise SystemExit(f"history --{form} exited with {code_}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, count - (form == "csv"), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="exports of each kind; medians")
    parser.add_argument("--keep", type=Path, help="generate the logs under this folder and keep")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--forms", nargs="+", default=["json", "csv"], choices=["json", "csv"])
    args = parser.parse_args()
    temp = None
    if args.keep:
        base = args.keep
    else:
        temp = tempfile.TemporaryDirectory()
        base = Path(temp.name)
    print(f"load average at the start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    results = []
    try:
        for sessions in args.sessions:
            data_dir = base / f"log-{sessions}"
            if not (data_dir / "sessions.db").exists():
                data_dir.mkdir(parents=True, exist_ok=True)
                started = time.perf_counter()
                generate(data_dir, sessions)
                size = (data_dir / "sessions.db").stat().st_size / 2**20
                took = time.perf_counter() - started
                print(f"generated {sessions:,} sessions ({size:.0f} MiB) in {took:.1f} s")
            for form in args.forms:
                expected = sessions if form == "json" else expected_rows(data_dir)
                runs = []
                for _ in range(args.runs):
                    seconds, cpu, peak, count, size = export(data_dir, form, args.code)
                    if count != expected:
                        raise SystemExit(f"--{form}: {count:,} out of {expected:,}")
                    runs.append((seconds, cpu, peak))
                    print(
                        f"{sessions:>9,} sessions --{form:<4}: {seconds:6.1f} s"
                        f" ({cpu:.1f} s CPU), {sessions / seconds:8,.0f} sessions/s,"
                        f" peak RSS {peak:5.0f} MiB, {size / 2**20:,.0f} MiB out",
                        flush=True,
                    )
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                peak = max(r[2] for r in runs)
                results.append((sessions, form, wall, cpu, peak, size))
    finally:
        if temp is not None:
            temp.cleanup()
    print(f"\nmedians of {args.runs} runs; peak RSS is the largest")
    print(f"| sessions | export | time | sessions/s (goal ≥ {GOAL_RATE:,}) |", end="")
    print(f" sessions per CPU second | peak RSS (goal < {GOAL_MIB} MiB) | output |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for sessions, form, wall, cpu, peak, size in results:
        print(
            f"| {sessions:,} | `--{form}` | {wall:.1f} s | {sessions / wall:,.0f}"
            f" | {sessions / cpu:,.0f} | {peak:.0f} MiB | {size / 2**20:,.0f} MiB |"
        )
    met = all(s / wall >= GOAL_RATE and peak < GOAL_MIB for s, _, wall, _, peak, _ in results)
    print("\ngoals:", "met" if met else "MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
