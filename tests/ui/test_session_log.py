"""A session driven through the window on a fake clock lands in the session log exactly."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from desktop_app.cli import main
from desktop_app.storage import BackgroundOpening, history_json, open_store
from desktop_app.storage.opening import Opened
from desktop_app.ui.session_log import RECOVERING_NOTICE, SessionLogLink, attach_session_log
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.test_storage_damage import SESSIONS, fill, flip, pages_of
from tests.ui.conftest import BASICS, WindowFactory


def advance(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds)
    window.controller.refresh()


@pytest.fixture
def logged_window(make_window: WindowFactory, data_dir: Path) -> tuple[MainWindow, SessionLogLink]:
    window = make_window()
    link = attach_session_log(window, data_dir)
    yield window, link
    link.close()


def test_holds_skips_symptoms_and_stop_land_in_the_log(
    qtbot: QtBot,
    logged_window: tuple[MainWindow, SessionLogLink],
    clock: FakeClock,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    window, link = logged_window
    assert window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    advance(window, clock, 5 + 30)  # prepare, then the left hold in full
    advance(window, clock, 5 + 10)  # prepare the right side, hold it 10 s
    qtbot.keyClick(window, Qt.Key.Key_T)  # tingling: the hold goes on
    advance(window, clock, 2)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # skip the rest of the right hold
    advance(window, clock, 1)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # stop (the confirmation answers yes)
    assert window.stack.currentWidget() is window.summary_page

    # What a script would read, from the command line's JSON.
    link.close()
    assert main(["history", "--json"]) == 0
    (session,) = json.loads(capsys.readouterr().out)
    assert (session["routine_id"], session["routine_name"], session["status"]) == (
        "basics",
        "Hamstring basics",
        "stopped",
    )
    assert session["planned_seconds"] == 235
    assert session["held_seconds"] == pytest.approx(42)
    assert [
        (
            h["stretch_id"],
            h["side"],
            h["rep"],
            h["planned_seconds"],
            h["held_seconds"],
            h["outcome"],
        )
        for h in session["holds"]
    ] == [
        ("towel-hamstring", "left", 1, 30, 30, "completed"),
        ("towel-hamstring", "right", 1, 30, 12, "skipped"),
    ]
    assert [(e["kind"], e["stretch_id"], e["symptom"]) for e in session["events"]] == [
        ("symptom", "towel-hamstring", "tingling")
    ]


def test_pause_and_resume_are_logged_and_a_finished_session_is_completed(
    qtbot: QtBot, logged_window: tuple[MainWindow, SessionLogLink], clock: FakeClock, data_dir: Path
) -> None:
    window, link = logged_window
    assert window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    advance(window, clock, 30)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 600)  # a long pause counts for nothing
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(window, clock, 60 + 10 + 90)
    assert window.stack.currentWidget() is window.summary_page
    link.close()
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        assert conn.execute("SELECT status, held_seconds FROM sessions").fetchall() == [
            ("completed", 180.0)
        ]
        assert conn.execute("SELECT kind FROM events ORDER BY id").fetchall() == [
            ("pause",),
            ("resume",),
        ]
        assert conn.execute("SELECT outcome, held_seconds FROM holds").fetchall() == [
            ("completed", 90.0),
            ("completed", 90.0),
        ]


def test_ctrl_h_opens_the_history_with_the_session(
    qtbot: QtBot, logged_window: tuple[MainWindow, SessionLogLink], clock: FakeClock
) -> None:
    window, link = logged_window
    assert window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    advance(window, clock, 200)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    # Asked for while the log may still be opening (a worker thread): shown once it is open.
    qtbot.waitUntil(lambda: link.history is not None and link.history.isVisible())
    history = link.history
    assert history is not None
    assert history.model.rowCount() == 1
    assert history.model.index(0, 1).data() == "Long hold"


def test_a_log_that_cannot_be_written_is_a_notice_and_the_session_runs(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock, data_dir: Path
) -> None:
    (data_dir / "sessions.db").write_bytes(b"this is not a database" * 100)
    window = make_window()
    link = attach_session_log(window, data_dir)
    try:
        qtbot.waitUntil(lambda: "moved to" in window.notice.text())
        assert window.notice.isVisible()
        assert window.select_routine("long")
        qtbot.keyClick(window, Qt.Key.Key_Return)
        advance(window, clock, 200)
        assert window.stack.currentWidget() is window.summary_page
    finally:
        link.close()
    assert list(data_dir.glob("sessions.corrupt-*.db"))
    store, _ = open_store(data_dir)
    assert store is not None
    assert store.session_count() == 1
    store.close()


def test_a_deferred_log_opens_after_the_first_paint(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window()
    window.hide()
    link = attach_session_log(window, data_dir, defer=True)
    try:
        assert link.recorder is None  # nothing opened before the window has painted
        window.show()
        qtbot.waitUntil(lambda: link.store is not None)
    finally:
        link.close()


def test_a_session_that_starts_before_the_deferred_open_is_still_logged(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock, data_dir: Path
) -> None:
    window = make_window()
    window.hide()
    link = attach_session_log(window, data_dir, defer=True)
    assert window.select_routine("long")
    window.start_selected()  # as --start does, before the event loop has painted anything
    advance(window, clock, 200)
    link.close()
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        assert conn.execute("SELECT routine_id, status FROM sessions").fetchall() == [
            ("long", "completed")
        ]


def test_a_slow_recovery_at_opening_keeps_the_window_running_and_the_session_in_memory(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock, data_dir: Path
) -> None:
    release = threading.Event()
    opened_on: list[threading.Thread] = []

    def slow_open(folder: Path, **options: Any) -> Opened:
        """A recovery that takes as long as the test wants, on the opening's own thread."""
        opened_on.append(threading.current_thread())
        options["on_recovering"]()
        assert release.wait(10)
        return open_store(folder, **options)

    window = make_window()
    link = attach_session_log(window, data_dir, opener=slow_open)
    try:
        # The window's event loop runs meanwhile: the notice comes through it, timers tick.
        qtbot.waitUntil(lambda: window.notice.text() == RECOVERING_NOTICE)
        ticks: list[int] = []
        timer = QTimer(window)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(1)
        qtbot.waitUntil(lambda: len(ticks) >= 3)
        timer.stop()
        assert opened_on
        assert opened_on[0] is not threading.main_thread()

        assert window.select_routine("basics")
        qtbot.keyClick(window, Qt.Key.Key_Return)
        advance(window, clock, 5 + 30)  # the left hold in full
        qtbot.keyClick(window, Qt.Key.Key_T)
        advance(window, clock, 5 + 4)
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # stop (the confirmation answers yes)
        assert window.stack.currentWidget() is window.summary_page
        assert link.opening
        assert link.recorder is not None
        assert link.recorder.pending >= 4  # start, hold, symptom, hold, end: in memory
        assert not (data_dir / "sessions.db").exists()

        release.set()
        qtbot.waitUntil(lambda: link.store is not None)
        assert link.recorder.pending == 0
        assert window.notice.text() == ""  # nothing went wrong: the notice goes
    finally:
        release.set()
        link.close()
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        assert conn.execute("SELECT routine_id, status FROM sessions").fetchall() == [
            ("basics", "stopped")
        ]
        assert conn.execute("SELECT outcome, held_seconds FROM holds ORDER BY id").fetchall() == [
            ("completed", 30.0),
            ("stopped", 4.0),
        ]
        assert conn.execute("SELECT symptom FROM events").fetchall() == [("tingling",)]
    conn.close()


def test_closing_while_the_log_opens_waits_and_saves_the_session(
    qtbot: QtBot,
    make_window: WindowFactory,
    clock: FakeClock,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closing = threading.Event()
    release = threading.Event()

    def slow_open(folder: Path, **options: Any) -> Opened:
        assert release.wait(10)
        return open_store(folder, **options)

    real_wait = BackgroundOpening.wait

    def wait(self: BackgroundOpening, timeout: float | None = None) -> Opened | None:
        closing.set()
        return real_wait(self, timeout)

    monkeypatch.setattr(BackgroundOpening, "wait", wait)
    window = make_window()
    link = attach_session_log(window, data_dir, opener=slow_open)
    assert window.select_routine("long")
    window.start_selected()
    advance(window, clock, 200)  # to the end, all in memory
    # The opening ends only once close() waits for it.
    helper = threading.Thread(target=lambda: closing.wait(10) and release.set())
    helper.start()
    link.close()
    helper.join()
    assert closing.is_set()
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        assert conn.execute("SELECT routine_id, status FROM sessions").fetchall() == [
            ("long", "completed")
        ]
    conn.close()


def test_history_asked_for_while_the_log_opens_shows_when_it_is_open(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    release = threading.Event()

    def slow_open(folder: Path, **options: Any) -> Opened:
        assert release.wait(10)
        return open_store(folder, **options)

    window = make_window()
    link = attach_session_log(window, data_dir, opener=slow_open)
    try:
        assert link.show_history() is None
        assert link.history is None
        release.set()
        qtbot.waitUntil(lambda: link.history is not None and link.history.isVisible())
    finally:
        release.set()
        link.close()


def test_a_recovery_a_write_sets_off_runs_off_the_window_thread(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock, data_dir: Path
) -> None:
    fill(data_dir)
    window = make_window()
    link = attach_session_log(window, data_dir)
    try:
        qtbot.waitUntil(lambda: link.store is not None)
        store = link.store
        assert store is not None
        assert window.select_routine("basics")
        qtbot.keyClick(window, Qt.Key.Key_Return)
        advance(window, clock, 5 + 30)
        # Damage the file under the open log, as a failing disk would.
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = data_dir / "sessions.db"
        for page in pages_of(path, "sessions_by_day"):
            flip(path, (page - 1) * 4096)
        store._conn.execute("PRAGMA shrink_memory")
        advance(window, clock, 5 + 30)  # the right hold ends: its write finds the damage
        advance(window, clock, 200)  # and the rest of the routine
        assert window.stack.currentWidget() is window.summary_page
        # The recovery ran on a worker thread; once done, what waited is written.
        qtbot.waitUntil(lambda: store.generation == 1)
        assert "moved to" in window.notice.text()
        assert link.recorder is not None
        assert link.recorder.pending == 0
    finally:
        link.close()
    assert list(data_dir.glob("sessions.corrupt-*.db"))
    reopened, _ = open_store(data_dir)
    assert reopened is not None
    data = history_json(reopened)
    reopened.close()
    assert len(data) == SESSIONS + 1
    basics = next(s for s in data if s["routine_id"] == "basics")
    assert basics["status"] == "completed"
    planned = [(h.stretch.id, h.side, h.rep) for h in BASICS.holds()]
    assert [(h["stretch_id"], h["side"], h["rep"]) for h in basics["holds"]] == planned
