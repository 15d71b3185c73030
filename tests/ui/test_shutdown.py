"""Real signals sent to this process end the session on a fake clock, even with a dialog open."""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.events import SessionEnded
from desktop_app.lifecycle import SignalCatcher
from desktop_app.ui.session_log import SessionLogLink, attach_session_log
from desktop_app.ui.shutdown import SignalShutdown
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS, WindowFactory

REAL_CONFIRM_STOP = MainWindow.confirm_stop  # before the fixture replaces it with "yes"


@pytest.fixture
def catcher() -> Iterator[SignalCatcher]:
    caught = SignalCatcher()
    assert caught.install()
    yield caught
    caught.uninstall()


class App:
    """A window with its session log and signal handling; ``codes`` is what it exited with."""

    def __init__(self, window: MainWindow, link: SessionLogLink, catcher: SignalCatcher) -> None:
        self.window = window
        self.link = link
        self.codes: list[int] = []
        self.ended: list[SessionEnded] = []
        window.session_finished.connect(self.ended.append)
        self.shutdown = SignalShutdown(window, catcher, self.codes.append)


@pytest.fixture
def app(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, catcher: SignalCatcher
) -> Iterator[App]:
    window = make_window()
    link = attach_session_log(window, data_dir)
    # The log opens on a worker thread, a moment after the first paint in the app; here it is
    # open before the session starts, so what the signal saves is on the disk as it closes.
    qtbot.waitUntil(lambda: not link.opening)
    running = App(window, link, catcher)
    yield running
    running.shutdown.close()
    link.close()


def logged(data_dir: Path) -> tuple[list[tuple[str]], list[tuple[str, float]]]:
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        sessions = conn.execute("SELECT status FROM sessions").fetchall()
        holds = conn.execute(
            "SELECT outcome, held_seconds FROM holds ORDER BY hold_index"
        ).fetchall()
    return sessions, holds


def start_and_hold(app: App, clock: FakeClock, seconds: float) -> None:
    app.window.start_routine(BASICS)
    clock.advance(5 + seconds)  # prepare, then into the first hold
    app.window.controller.refresh()


@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_stops_the_session_with_the_hold_so_far_and_closes(
    qtbot: QtBot, app: App, clock: FakeClock, data_dir: Path, signo: signal.Signals
) -> None:
    start_and_hold(app, clock, 12)
    os.kill(os.getpid(), signo)
    qtbot.waitUntil(lambda: app.codes == [128 + signo])
    assert app.ended == [SessionEnded(status="stopped", held_seconds=12.0)]
    assert not app.window.isVisible()
    assert logged(data_dir) == ([("stopped",)], [("stopped", 12.0)])
    assert "geometry" in (data_dir / "settings.ini").read_text(encoding="latin-1")


def test_a_signal_while_end_the_session_is_asked_closes_the_question(
    qtbot: QtBot,
    app: App,
    clock: FakeClock,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(MainWindow, "confirm_stop", REAL_CONFIRM_STOP)
    start_and_hold(app, clock, 7)
    asked: list[str] = []

    def signal_while_asked() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.windowTitle())
        clock.advance(30)  # time stands still while asked: this must not count
        os.kill(os.getpid(), signal.SIGTERM)

    QTimer.singleShot(0, signal_while_asked)
    app.window.request_stop()  # returns when the dialog's own loop does
    assert asked == ["End the session?"]
    assert QApplication.activeModalWidget() is None
    assert app.ended == [SessionEnded(status="stopped", held_seconds=7.0)]
    qtbot.waitUntil(lambda: app.codes == [143])
    assert not app.window.isVisible()
    assert logged(data_dir) == ([("stopped",)], [("stopped", 7.0)])


def test_a_signal_while_quit_is_asked_still_closes_the_window(
    qtbot: QtBot,
    app: App,
    clock: FakeClock,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(MainWindow, "confirm_stop", REAL_CONFIRM_STOP)
    start_and_hold(app, clock, 3)
    asked: list[str] = []

    def signal_while_asked() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.windowTitle())
        os.kill(os.getpid(), signal.SIGINT)

    QTimer.singleShot(0, signal_while_asked)
    app.window.close()  # Ctrl+Q: "Quit?" opens, and the signal answers nothing
    assert asked == ["Quit Stretch Timer?"]
    assert not app.window.isVisible()
    qtbot.waitUntil(lambda: app.codes == [130])
    assert logged(data_dir) == ([("stopped",)], [("stopped", 3.0)])


def test_a_second_signal_while_ending_exits_at_once_with_the_session_stopped(
    qtbot: QtBot, app: App, clock: FakeClock, data_dir: Path
) -> None:
    start_and_hold(app, clock, 4)
    app.shutdown.handle(signal.SIGTERM)
    app.shutdown.handle(signal.SIGINT)  # before the queued close has run
    assert app.codes == [143]
    assert not app.window.isVisible()
    assert logged(data_dir) == ([("stopped",)], [("stopped", 4.0)])
    app.shutdown.handle(signal.SIGTERM)  # and again after it: quit again, nothing else
    assert app.codes == [143, 143]
    assert app.ended == [SessionEnded(status="stopped", held_seconds=4.0)]


def test_a_signal_with_no_session_just_closes(qtbot: QtBot, app: App, data_dir: Path) -> None:
    os.kill(os.getpid(), signal.SIGHUP)
    qtbot.waitUntil(lambda: app.codes == [129])
    assert app.ended == []
    assert not app.window.isVisible()
    assert "geometry" in (data_dir / "settings.ini").read_text(encoding="latin-1")


def test_the_catcher_takes_signals_in_order_and_restores_the_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    caught = SignalCatcher()
    assert caught.install()
    try:
        assert caught.install()  # twice is harmless
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        assert caught.take() == [signal.SIGTERM, signal.SIGINT]
        assert caught.take() == []
    finally:
        caught.uninstall()
    assert signal.getsignal(signal.SIGTERM) == before
    assert caught.fileno == -1


def test_a_signal_before_the_window_watches_is_handled_once_it_does(
    qtbot: QtBot, make_window: WindowFactory, catcher: SignalCatcher
) -> None:
    os.kill(os.getpid(), signal.SIGTERM)  # during start-up: it waits in the socket
    window = make_window()
    codes: list[int] = []
    shutdown = SignalShutdown(window, catcher, codes.append)
    try:
        qtbot.waitUntil(lambda: codes == [143])
        assert not window.isVisible()
    finally:
        shutdown.close()


def test_a_signal_during_the_first_run_notice_does_not_mark_it_read(
    qtbot: QtBot, app: App, make_window: WindowFactory
) -> None:
    notice = app.window.show_safety(first_run=True)
    qtbot.waitUntil(notice.isVisible)
    os.kill(os.getpid(), signal.SIGTERM)
    qtbot.waitUntil(lambda: app.codes == [143])
    assert QApplication.activeModalWidget() is None  # closed by the shutdown, unanswered
    assert not app.window.safety_notice_seen()
    app.link.close()
    assert not make_window().safety_notice_seen()  # the next start shows it again
