"""Fills a session log with 100,000 sessions and times what opening the history view costs.

    QT_QPA_PLATFORM=offscreen python bench/bench_history.py [--sessions N] [--runs N] [--keep DIR]

Prints a table of medians; the goal is under 300 ms to open the history view.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.storage import open_store

STRETCHES = (
    ("towel-hamstring", "Towel hamstring stretch", True),
    ("calf-wall", "Calf stretch against a wall", True),
    ("plantar-fascia", "Plantar fascia stretch", True),
    ("seated-piriformis", "Seated piriformis stretch", True),
    ("nerve-glide", "Sciatic nerve glide", False),
)
ROUTINES = (
    ("hamstring-basics", "Hamstring basics"),
    ("morning-heel", "Morning heel routine"),
    ("evening-long", "Evening, the long one"),
)
SYMPTOMS = ("tingling", "pain", "numbness")


def _utc_text(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def fill(data_dir: Path, sessions: int, today: date, days: int = 730, seed: int = 7) -> None:
    """Write ``sessions`` sessions spread over ``days`` days up to today, in one transaction."""
    store, messages = open_store(data_dir)
    if store is None or messages:
        raise SystemExit(f"cannot open the store: {messages}")
    conn = store._conn
    rng = random.Random(seed)
    tz = timezone(timedelta(hours=1))
    session_rows = []
    hold_rows = []
    event_rows = []
    first_day = today - timedelta(days=days - 1)
    for sid in range(1, sessions + 1):
        day = first_day + timedelta(days=(sid - 1) * days // sessions)
        start = datetime(day.year, day.month, day.day, 6, 0, tzinfo=tz) + timedelta(
            seconds=rng.randrange(0, 16 * 3600)
        )
        routine_id, routine_name = rng.choice(ROUTINES)
        holds = rng.randrange(3, 9)
        held_total = 0.0
        planned_total = 0
        status = rng.choices(["completed", "stopped", "interrupted"], [90, 8, 2])[0]
        for index in range(holds):
            stretch_id, stretch_name, sided = STRETCHES[index % len(STRETCHES)]
            planned = rng.choice((20, 30, 45, 60))
            outcome = "completed" if rng.random() < 0.93 else "skipped"
            held = float(planned) if outcome == "completed" else round(rng.uniform(1, planned), 3)
            held_total += held
            planned_total += planned + 10
            side = ("left", "right")[index % 2] if sided else None
            hold_rows.append(
                (sid, index, stretch_id, stretch_name, side, 1, planned, held, outcome)
            )
            if rng.random() < 0.03:
                at = start + timedelta(seconds=planned_total)
                event_rows.append(
                    (sid, "symptom", _utc_text(at), 3600, stretch_id, rng.choice(SYMPTOMS))
                )
        end = start + timedelta(seconds=planned_total)
        session_rows.append(
            (
                sid,
                routine_id,
                routine_name,
                _utc_text(start),
                3600,
                start.date().isoformat(),
                _utc_text(end),
                3600,
                status,
                planned_total,
                held_total,
                "Felt tight on the left" if rng.random() < 0.05 else None,
                rng.choice((None, None, 2, 3, 4, 5)),
            )
        )
    with conn:
        conn.executemany(
            "INSERT INTO sessions (id, routine_id, routine_name, started_at, started_offset,"
            " local_date, ended_at, ended_offset, status, planned_seconds, held_seconds, note,"
            " feeling) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            session_rows,
        )
        conn.executemany(
            "INSERT INTO holds (session_id, hold_index, stretch_id, stretch_name, side, rep,"
            " planned_seconds, held_seconds, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            hold_rows,
        )
        conn.executemany(
            "INSERT INTO events (session_id, kind, at, at_offset, stretch_id, symptom)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            event_rows,
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def median_ms(action: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="fill this directory and keep it")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.history import PAGE_SIZE, HistoryWindow

    app = QApplication.instance() or QApplication([])
    temp = None
    if args.keep:
        data_dir = args.keep
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory()
        data_dir = Path(temp.name)
    today = date.today()
    started = time.perf_counter()
    fill(data_dir, args.sessions, today)
    fill_s = time.perf_counter() - started
    size = (data_dir / "sessions.db").stat().st_size / 2**20

    store, messages = open_store(data_dir)
    assert store is not None, messages
    assert not messages, messages
    counts = store._conn.execute(
        "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM holds),"
        " (SELECT count(*) FROM events)"
    ).fetchone()
    store.close()

    results: list[tuple[str, float, float]] = []

    def open_and_close(check: bool | None) -> Callable[[], None]:
        def run() -> None:
            opened, _ = open_store(data_dir, integrity_check=check)
            assert opened is not None
            opened.close()

        return run

    results.append(
        (
            "open_store (default: integrity_check, 1 s budget)",
            *median_ms(open_and_close(None), args.runs),
        )
    )
    results.append(
        ("open_store, integrity_check to the end", *median_ms(open_and_close(True), args.runs))
    )
    store, _ = open_store(data_dir)
    assert store is not None
    results.append(
        ("stats (week, streaks, total)", *median_ms(lambda: store.stats(today), args.runs))
    )
    results.append(
        (
            "minutes per day, 28 days",
            *median_ms(lambda: store.minutes_per_day(28, today), args.runs),
        )
    )
    results.append(
        (
            f"first page of the list ({PAGE_SIZE} rows)",
            *median_ms(lambda: store.sessions_page(PAGE_SIZE), args.runs),
        )
    )
    results.append(("session count", *median_ms(store.session_count, args.runs)))

    def page_deep() -> None:
        cursor = None
        for _ in range(50):
            _page, cursor = store.sessions_page(PAGE_SIZE, cursor)

    results.append((f"50 pages scrolled ({50 * PAGE_SIZE} rows)", *median_ms(page_deep, args.runs)))

    def open_view() -> None:
        window = HistoryWindow(store, today=today)
        window.show()
        app.processEvents()  # lay out and paint once
        window.grab()
        window.close()
        window.deleteLater()
        app.processEvents()

    open_view()  # warm Qt's font and style caches once, as the app's main window has
    results.append(("HistoryWindow: construct, show, paint", *median_ms(open_view, args.runs)))
    store.close()

    print(
        f"\n{counts[0]:,} sessions, {counts[1]:,} holds, {counts[2]:,} events;"
        f" {size:.1f} MiB; filled in {fill_s:.1f} s; medians of {args.runs} runs\n"
    )
    print(f"| {'what':<50} | {'median':>9} | {'max':>9} |")
    print(f"| {'-' * 50} | {'-' * 9}:| {'-' * 9}:|")
    for what, med, worst in results:
        print(f"| {what:<50} | {med:7.1f} ms | {worst:7.1f} ms |")
    view = results[-1][1]
    print(
        f"\nopening the history view: {view:.0f} ms (goal < 300 ms):",
        "OK" if view < 300 else "MISSED",
    )
    if temp is not None:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
