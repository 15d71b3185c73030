"""A small, deterministic session log with every shape the history export has to write.

Used by tests/test_export.py: the golden files in tests/data/export/ are what the export
printed for this log before it streamed (main at 1f92efe), so the streaming export must
print the very same bytes.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from desktop_app.storage import open_store

PARIS = timezone(timedelta(hours=2))
NEW_YORK = timezone(timedelta(hours=-4))
DELHI = timezone(timedelta(hours=5, minutes=30))
UTC0 = UTC

STRETCHES = (
    ("towel-hamstring", "Towel hamstring stretch", "left"),
    ("calf-wall", 'Calf stretch "against" a wall', "right"),
    ("nerve-glide", "Sciatic nerve glide \\ slow", None),
    ("plantar", "Plantar fascia · toe pull ✓ 足底", None),
)
ROUTINES = (
    ("hamstring-basics", "Hamstring basics"),
    ("morning-heel", "Morning heel routine — ümlaut ß"),
    ("desk", "Desk break 🧘 tab\there"),
)
ZONES = (PARIS, NEW_YORK, DELHI, UTC0)
HELD = (30.0, 12.25, 0.04, 29.95, 45.5, 0.0, 1e-3, 59.999)


def build(data_dir: Path, sessions: int = 40) -> None:
    """Write the log: ``sessions`` sessions over a few weeks, then a few unreadable rows."""
    store, messages = open_store(data_dir, integrity_check=False)
    assert store is not None, messages
    base = datetime(2026, 3, 1, 6, 15, 7, 250_000, tzinfo=UTC0)
    for n in range(sessions):
        zone = ZONES[n % len(ZONES)]
        # Two sessions share a start time (n = 6, 7): the id decides their order.
        step = n if n != 7 else 6
        start = (base + timedelta(hours=17 * step, minutes=7 * step)).astimezone(zone)
        routine_id, routine_name = ROUTINES[n % len(ROUTINES)]
        sid = store.start_session(
            routine_id=routine_id,
            routine_name=routine_name,
            started_at=start,
            planned_seconds=60 * (n % 7) + 5,
        )
        for h in range(n % 5):
            stretch_id, stretch_name, side = STRETCHES[(n + h) % len(STRETCHES)]
            store.add_hold(
                sid,
                stretch_id=stretch_id,
                stretch_name=stretch_name,
                side=side,  # type: ignore[arg-type]
                rep=1 + h % 2,
                planned_seconds=30,
                held_seconds=HELD[(n + h) % len(HELD)],
                outcome=("completed", "skipped", "stopped")[(n * h) % 3],
                hold_index=h,
            )
        if n % 3 == 0:
            store.add_event(sid, kind="pause", at=start + timedelta(seconds=40))
            store.add_event(sid, kind="resume", at=start + timedelta(seconds=55.5))
        if n % 4 == 1:
            for symptom in ("tingling", "pain", "tingling")[: 1 + n % 3]:
                store.add_event(
                    sid,
                    kind="symptom",
                    at=start + timedelta(seconds=70),
                    stretch_id="towel-hamstring" if n % 8 == 1 else None,
                    symptom=symptom,
                )
        if n % 6 == 5:
            continue  # left running: reads as interrupted
        store.finish_session(
            sid,
            status=("completed", "stopped", "interrupted")[n % 3],
            ended_at=start + timedelta(minutes=3, seconds=n),
            held_seconds=None if n % 2 else 100.0 / 3 * n,
        )
        if n % 5 == 2:
            store.set_note_and_feeling(sid, f'Felt "tight"\non the left, día {n} \\ ok', 1 + n % 5)
        elif n % 5 == 4:
            store.set_note_and_feeling(sid, None, 3)
    store.close()
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE sessions SET started_at = 'soon' WHERE id = 3")
        conn.execute("UPDATE sessions SET held_seconds = 'lots' WHERE id = 9")
        conn.execute("UPDATE holds SET held_seconds = 'long' WHERE id = 4")
        conn.execute("UPDATE events SET at = 'then' WHERE id = 2")
        conn.execute("UPDATE holds SET stretch_name = x'66ff6f' WHERE id = 6")
    conn.close()
