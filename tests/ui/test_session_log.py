"""A session driven through the window on a fake clock lands in the session log exactly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.cli import main
from desktop_app.storage import open_store
from desktop_app.ui.session_log import SessionLogLink, attach_session_log
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import WindowFactory


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
    history = link.history
    assert history is not None
    qtbot.waitUntil(history.isVisible)
    assert history.model.rowCount() == 1
    assert history.model.index(0, 1).data() == "Long hold"


def test_a_log_that_cannot_be_written_is_a_notice_and_the_session_runs(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock, data_dir: Path
) -> None:
    (data_dir / "sessions.db").write_bytes(b"this is not a database" * 100)
    window = make_window()
    link = attach_session_log(window, data_dir)
    try:
        assert window.notice.isVisible()
        assert "moved to" in window.notice.text()
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
        qtbot.waitUntil(lambda: link.recorder is not None)
        assert link.store is not None
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
