"""The session recorder: what the engine's events leave in the session log, and only that."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app import storage
from desktop_app.events import (
    HoldEnded,
    Phase,
    PhaseStarted,
    SecondChanged,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    SymptomReported,
)
from desktop_app.model import Routine, Step, Stretch, Symptom
from desktop_app.recorder import SessionRecorder
from desktop_app.storage import SessionStore, open_store, open_store_readonly

from .conftest import FakeClock

LOCAL = timezone(timedelta(hours=1))
START = datetime(2024, 3, 4, 7, 0, tzinfo=LOCAL)

HAMSTRING = Stretch(
    id="towel-hamstring",
    name="Towel hamstring stretch",
    area=("hamstrings",),
    sided=True,
    instructions=("Lie on your back.",),
)
CALF = Stretch(
    id="calf-wall",
    name="Calf stretch against a wall",
    area=("calves",),
    sided=False,
    instructions=("Face a wall.",),
)
ROUTINE = Routine(
    id="morning",
    name="Morning heel routine",
    description="",
    steps=(Step(HAMSTRING, hold=30, reps=1, rest=10, prepare=5), Step(CALF, hold=20, reps=2)),
)
TINGLING = Symptom(id="tingling", label="Tingling", key="T", action="continue", advice=())
PAIN = Symptom(id="pain", label="Pain", key="P", action="stop", advice=())


class WallClock:
    """A wall clock that moves with the fake monotonic clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.base = clock.now

    def __call__(self) -> datetime:
        return START + timedelta(seconds=self.clock.now - self.base)


@pytest.fixture
def store(data_dir: Path) -> Iterator[SessionStore]:
    opened, _ = open_store(data_dir)
    assert opened is not None
    yield opened
    opened.close()


@pytest.fixture
def recorder(store: SessionStore, clock: FakeClock) -> SessionRecorder:
    return SessionRecorder(store, wall_clock=WallClock(clock))


def rows(store: SessionStore, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store._conn.execute(sql)]


def test_a_session_lands_in_the_log_exactly(
    store: SessionStore, recorder: SessionRecorder, clock: FakeClock
) -> None:
    l1, r1, c1, c2 = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    sid = recorder.session_id
    assert sid is not None
    assert rows(
        store, "SELECT routine_id, routine_name, status, planned_seconds FROM sessions"
    ) == [("morning", "Morning heel routine", "running", ROUTINE.planned_seconds)]
    recorder.handle(PhaseStarted(Phase.PREPARING, l1, 5))
    recorder.handle(SecondChanged(Phase.PREPARING, l1, 4))
    clock.advance(35)
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    clock.advance(7)
    recorder.handle(SymptomReported(TINGLING, r1, 1))
    clock.advance(1)
    recorder.handle(SessionPaused(r1))
    clock.advance(60)
    recorder.handle(SessionResumed(r1))
    clock.advance(2)
    recorder.handle(HoldEnded(r1, 9.5, "skipped"))
    clock.advance(12)
    recorder.handle(SymptomReported(PAIN, c1, 1))
    recorder.handle(HoldEnded(c1, 4.25, "stopped"))
    recorder.handle(SessionEnded("stopped", 43.75))
    assert recorder.session_id is None

    assert rows(
        store,
        "SELECT stretch_id, stretch_name, side, rep, planned_seconds, held_seconds, outcome,"
        " hold_index FROM holds ORDER BY id",
    ) == [
        ("towel-hamstring", "Towel hamstring stretch", "left", 1, 30, 30.0, "completed", 0),
        ("towel-hamstring", "Towel hamstring stretch", "right", 1, 30, 9.5, "skipped", 1),
        ("calf-wall", "Calf stretch against a wall", None, 1, 20, 4.25, "stopped", 2),
    ]
    assert c2.rep == 2  # never run: never logged
    data = storage.history_json(store, None)
    assert len(data) == 1
    session = data[0]
    assert session["status"] == "stopped"
    assert session["held_seconds"] == pytest.approx(43.8)
    assert session["started_at"] == "2024-03-04T07:00:00+01:00"
    assert session["ended_at"] == "2024-03-04T07:01:57+01:00"
    assert session["events"] == [
        {
            "kind": "symptom",
            "at": "2024-03-04T07:00:42+01:00",
            "stretch_id": "towel-hamstring",
            "symptom": "tingling",
        },
        {
            "kind": "pause",
            "at": "2024-03-04T07:00:43+01:00",
            "stretch_id": "towel-hamstring",
            "symptom": None,
        },
        {
            "kind": "resume",
            "at": "2024-03-04T07:01:43+01:00",
            "stretch_id": "towel-hamstring",
            "symptom": None,
        },
        {
            "kind": "symptom",
            "at": "2024-03-04T07:01:57+01:00",
            "stretch_id": "calf-wall",
            "symptom": "pain",
        },
    ]


def test_each_hold_is_committed_when_it_ends(
    data_dir: Path, store: SessionStore, recorder: SessionRecorder
) -> None:
    l1, r1, *_ = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    recorder.handle(HoldEnded(r1, 30.0, "completed"))
    # Another connection (as after a kill -9) sees both holds and the session still running.
    reader, _ = open_store_readonly(data_dir)
    assert reader is not None
    data = storage.history_json(reader, None)
    assert data[0]["status"] == "running"
    assert [h["side"] for h in data[0]["holds"]] == ["left", "right"]
    assert data[0]["held_seconds"] == 60.0
    reader.close()


def test_killed_session_is_interrupted_next_time(data_dir: Path, clock: FakeClock) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    recorder = SessionRecorder(first, wall_clock=WallClock(clock))
    l1, *_ = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    first.close()  # no SessionEnded: the app died
    second, _ = open_store(data_dir)
    assert second is not None
    data = storage.history_json(second, None)
    assert data[0]["status"] == "interrupted"
    assert len(data[0]["holds"]) == 1
    assert data[0]["held_seconds"] == 30.0
    second.close()


def test_events_without_a_session_are_ignored(
    store: SessionStore, recorder: SessionRecorder
) -> None:
    l1, *_ = ROUTINE.holds()
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 30.0))
    assert rows(store, "SELECT count(*) FROM sessions") == [(0,)]
    assert rows(store, "SELECT count(*) FROM holds") == [(0,)]


def test_a_second_start_closes_the_first_as_interrupted(
    store: SessionStore, recorder: SessionRecorder
) -> None:
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(SessionStarted(ROUTINE))
    assert rows(store, "SELECT status FROM sessions ORDER BY id") == [
        ("interrupted",),
        ("running",),
    ]


def test_no_store_means_nothing_is_written_and_nothing_raised() -> None:
    errors: list[str] = []
    recorder = SessionRecorder(None, on_error=errors.append)
    l1, *_ = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 30.0))
    assert errors == []


def test_full_disk_reports_once_and_the_session_goes_on(
    store: SessionStore, clock: FakeClock
) -> None:
    errors: list[str] = []
    recorder = SessionRecorder(store, wall_clock=WallClock(clock), on_error=errors.append)
    recorder.handle(SessionStarted(ROUTINE))
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    big = Stretch(id="big", name="x" * 3000, area=(), sided=False, instructions=("a",))
    hold = Routine(id="b", name="B", description="", steps=(Step(big, hold=5),)).holds()[0]
    for _ in range(20):
        recorder.handle(HoldEnded(hold, 5.0, "completed"))
    recorder.handle(SymptomReported(TINGLING, hold, 1))
    recorder.handle(SessionEnded("completed", 100.0))
    assert len(errors) == 1
    assert "is full" in errors[0]
    assert rows(store, "SELECT count(*) FROM sessions") == [(1,)]  # what was saved stays


def test_read_only_store_reports_once(data_dir: Path, clock: FakeClock) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    second, messages = open_store(data_dir)  # a second instance: read-only
    assert second is not None
    assert second.read_only
    errors: list[str] = []
    recorder = SessionRecorder(second, wall_clock=WallClock(clock), on_error=errors.append)
    l1, *_ = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 30.0))
    assert errors == messages
    # The next session tries again, and says so again.
    recorder.handle(SessionStarted(ROUTINE))
    assert len(errors) == 2
    second.close()
    first.close()


def test_an_unexpected_error_is_reported_not_raised(clock: FakeClock) -> None:
    class Broken:
        def start_session(self, **_kwargs: object) -> int:
            raise RuntimeError("bug")

    errors: list[str] = []
    recorder = SessionRecorder(Broken(), on_error=errors.append)  # type: ignore[arg-type]
    recorder.handle(SessionStarted(ROUTINE))
    assert len(errors) == 1
    assert "could not be saved" in errors[0]


def test_engine_run_with_a_fake_clock_lands_in_the_log(
    store: SessionStore, clock: FakeClock
) -> None:
    engine_module = pytest.importorskip("desktop_app.engine")
    engine = engine_module.SessionEngine(ROUTINE, clock=clock)
    recorder = SessionRecorder(store, wall_clock=WallClock(clock))
    engine.subscribe(recorder.handle)
    engine.start()
    clock.advance(5 + 30)  # prepare, left hold
    engine.tick()
    clock.advance(5 + 10)  # prepare right, 10 s into the right hold
    engine.tick()
    engine.report_symptom(TINGLING)
    engine.skip()  # right hold skipped after 10 s
    clock.advance(5 + 3)  # prepare calf, 3 s into the hold
    engine.tick()
    engine.stop()
    data = storage.history_json(store, None)
    assert len(data) == 1
    session = data[0]
    assert session["status"] == "stopped"
    assert [
        (h["stretch_id"], h["side"], h["held_seconds"], h["outcome"]) for h in session["holds"]
    ] == [
        ("towel-hamstring", "left", 30.0, "completed"),
        ("towel-hamstring", "right", 10.0, "skipped"),
        ("calf-wall", None, 3.0, "stopped"),
    ]
    assert [(e["kind"], e["symptom"]) for e in session["events"]] == [("symptom", "tingling")]
    assert session["held_seconds"] == 43.0


def test_a_stopped_stretch_and_the_steps_skipped_after_it_are_logged_honestly(
    store: SessionStore, clock: FakeClock
) -> None:
    from desktop_app.engine import SessionEngine

    seated = Stretch("seated", "Seated hamstring stretch", ("hamstrings",), False, ("Sit.",))
    routine = Routine(
        id="three",
        name="Three",
        description="",
        steps=(
            Step(HAMSTRING, hold=30, reps=1, rest=10, prepare=5),
            Step(seated, hold=20, reps=2, rest=5, prepare=5),
            Step(CALF, hold=20, reps=1, prepare=5),
        ),
    )
    engine = SessionEngine(routine, clock=clock)
    engine.subscribe(SessionRecorder(store, wall_clock=WallClock(clock)).handle)
    engine.start()
    clock.advance(5 + 12)  # 12 s into the left hold
    engine.report_symptom(PAIN)
    assert engine.resume_at(2)  # the calf: the other hamstring stretch is left out
    clock.advance(5 + 20)
    engine.tick()
    (session,) = storage.history_json(store, None)
    assert session["status"] == "completed"
    assert [
        (h["stretch_id"], h["side"], h["held_seconds"], h["outcome"]) for h in session["holds"]
    ] == [
        ("towel-hamstring", "left", 12.0, "stopped"),
        ("seated", None, 0.0, "skipped"),
        ("seated", None, 0.0, "skipped"),
        ("calf-wall", None, 20.0, "completed"),
    ]
    assert [(e["kind"], e["symptom"]) for e in session["events"]] == [
        ("symptom", "pain"),
        ("pause", None),
        ("resume", None),
    ]
    assert session["held_seconds"] == 32.0


def test_events_wait_in_memory_until_the_store_is_ready(
    store: SessionStore, clock: FakeClock
) -> None:
    recorder = SessionRecorder(None, wall_clock=WallClock(clock), store_pending=True)
    l1, r1, _c1, _c2 = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    clock.advance(35)
    recorder.handle(HoldEnded(l1, 30.0, "completed"))
    recorder.handle(SymptomReported(TINGLING, r1, 1))
    assert recorder.pending == 3
    assert rows(store, "SELECT count(*) FROM sessions") == [(0,)]
    recorder.store_ready(store)  # the log is open: all of it is written, in order
    assert recorder.pending == 0
    recorder.handle(SessionEnded("stopped", 30.0))
    assert rows(store, "SELECT routine_id, status, held_seconds FROM sessions") == [
        ("morning", "stopped", 30.0)
    ]
    assert rows(store, "SELECT stretch_id, side FROM holds") == [("towel-hamstring", "left")]
    assert rows(store, "SELECT symptom FROM events") == [("tingling",)]
    assert rows(store, "SELECT started_at FROM sessions") == [("2024-03-04T06:00:00.000Z",)]


def test_a_store_that_could_not_be_opened_drops_what_waited(clock: FakeClock) -> None:
    recorder = SessionRecorder(None, wall_clock=WallClock(clock), store_pending=True)
    recorder.handle(SessionStarted(ROUTINE))
    assert recorder.pending == 1
    recorder.store_ready(None)  # the user was told why nothing is saved
    assert recorder.pending == 0
    recorder.handle(SessionEnded("stopped", 0.0))
    assert recorder.pending == 0


def test_storage_and_recorder_do_not_import_qt() -> None:
    code = (
        "import sys, desktop_app.storage, desktop_app.recorder;"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide6' in m);"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
