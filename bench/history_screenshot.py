"""Fills a throw-away log with five weeks of sessions and saves a picture of the history view.

QT_QPA_PLATFORM=offscreen python bench/history_screenshot.py docs/history.png
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.storage import SessionStore, open_store

TZ = timezone(timedelta(hours=1))
TODAY = date(2026, 3, 18)
MORNING = (
    ("plantar-fascia", "Plantar fascia stretch", True, 30),
    ("calf-wall", "Calf stretch against a wall", True, 30),
)
EVENING = (
    ("towel-hamstring", "Towel hamstring stretch", True, 30),
    ("seated-piriformis", "Seated piriformis stretch", True, 30),
    ("nerve-glide", "Sciatic nerve glide", False, 20),
)


def log(store: SessionStore, rng: random.Random, day: date, evening: bool) -> None:
    routine = EVENING if evening else MORNING
    hour = 19 if evening else 7
    start = datetime(day.year, day.month, day.day, hour, rng.randrange(0, 50), tzinfo=TZ)
    sid = store.start_session(
        routine_id="evening-sciatica" if evening else "morning-heel",
        routine_name="Evening sciatica routine" if evening else "Morning heel routine",
        started_at=start,
        planned_seconds=sum((h + 10) * (4 if sided else 2) for _, _, sided, h in routine),
    )
    stopped = rng.random() < 0.08
    t = start
    for stretch_id, name, sided, hold in routine:
        for rep in (1, 2):
            for side in ("left", "right") if sided else (None,):
                t += timedelta(seconds=hold + 10)
                skipped = rng.random() < 0.05
                held = rng.uniform(5, hold) if skipped else float(hold)
                store.add_hold(
                    sid,
                    stretch_id=stretch_id,
                    stretch_name=name,
                    side=side,
                    rep=rep,
                    planned_seconds=hold,
                    held_seconds=held,
                    outcome="skipped" if skipped else "completed",
                )
                if evening and stretch_id == "towel-hamstring" and rng.random() < 0.08:
                    store.add_event(
                        sid, kind="symptom", at=t, stretch_id=stretch_id, symptom="tingling"
                    )
        if stopped:
            store.add_event(sid, kind="symptom", at=t, stretch_id=stretch_id, symptom="pain")
            break
    store.finish_session(
        sid, status="stopped" if stopped else "completed", ended_at=t + timedelta(seconds=5)
    )
    if rng.random() < 0.15:
        store.set_note_and_feeling(sid, "Heel less sore on waking", rng.choice((3, 4, 5)))


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.history import HistoryWindow

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/history.png")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as temp:
        store, messages = open_store(Path(temp))
        assert store is not None, messages
        rng = random.Random(3)
        for offset in range(40, -1, -1):
            day = TODAY - timedelta(days=offset)
            if offset in (22, 23, 24, 31, 9):  # missed days break the streak
                continue
            log(store, rng, day, evening=False)
            if rng.random() < 0.7 and offset:
                log(store, rng, day, evening=True)
        window = HistoryWindow(store, today=TODAY)
        window.resize(900, 720)
        window.show()
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
        store.close()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
