"""Start-up work after the first paint: it waits for the paint, or runs soon if that is done."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from desktop_app.ui.deferred import after_first_paint


class PaintSpy(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def window(qtbot: QtBot) -> tuple[QMainWindow, PaintSpy]:
    made = QMainWindow()
    made.setCentralWidget(QLabel("Hello", made))
    qtbot.addWidget(made)
    spy = PaintSpy()
    made.installEventFilter(spy)
    return made, spy


def test_a_window_shown_but_not_yet_painted_runs_it_after_its_paint(qtbot: QtBot) -> None:
    shown, spy = window(qtbot)
    shown.show()  # as run_app does: shown, then the start-up work is queued
    seen: list[int] = []
    after_first_paint(shown, lambda: seen.append(spy.paints))
    assert seen == []
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0] >= 1


def test_a_window_not_shown_yet_runs_it_after_its_paint(qtbot: QtBot) -> None:
    hidden, spy = window(qtbot)
    seen: list[int] = []
    after_first_paint(hidden, lambda: seen.append(spy.paints))
    hidden.show()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [1]


def test_a_window_already_painted_runs_it_soon(qtbot: QtBot) -> None:
    painted, spy = window(qtbot)
    painted.show()
    qtbot.waitExposed(painted)
    qtbot.waitUntil(lambda: spy.paints >= 1)
    seen: list[int] = []
    after_first_paint(painted, lambda: seen.append(spy.paints))
    qtbot.waitUntil(lambda: bool(seen))
