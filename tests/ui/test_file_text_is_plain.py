"""Text from routine files, paths and messages is shown as written, never rendered as HTML.

A QLabel in its default AutoText mode renders anything that looks like markup, and Qt reads the
file an ``<img src=...>`` names while laying the label out: a named pipe there blocks the window
for ever, ``/dev/zero`` eats memory. Every page is built here from a library whose every text is
markup, and no label, browser, tooltip or message box may render it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.routines import load_library
from desktop_app.ui.app import _install_excepthook, build_window
from desktop_app.ui.session_log import attach_session_log
from desktop_app.ui.window import MainWindow
from tests.conftest import REPO, FakeClock
from tests.ui.conftest import FakeError

HOSTILE = "<img src='/nonexistent/x.png'><b>B</b>"


def hostile_file(text: str) -> str:
    quoted = '"' + text.replace('"', '\\"') + '"'
    return textwrap.dedent(
        f"""\
        format: 1
        defaults: {{prepare: 2s, rest: 1s}}
        symptoms:
          odd-tingling:
            label: {quoted}
            key: X
            action: continue
            advice: [{quoted}]
            seek_help: [{quoted}]
          odd-pain:
            label: {quoted}
            key: Z
            action: stop
            advice: [{quoted}]
            seek_help: [{quoted}]
        stretches:
          odd-first:
            name: {quoted}
            area: [{quoted}]
            sided: true
            instructions: [{quoted}, {quoted}]
            tips: [{quoted}]
            cautions: [{quoted}]
            advice:
              odd-tingling: [{quoted}]
              odd-pain: [{quoted}]
          odd-second:
            name: {quoted}
            area: [other]
            instructions: [{quoted}]
            tips: [{quoted}]
            cautions: [{quoted}]
        routines:
          - id: hostile
            name: {quoted}
            description: {quoted}
            steps:
              - {{stretch: odd-first, hold: 5s, reps: 2}}
              - {{stretch: odd-second, hold: 5s}}
        """
    )


def markup_shown() -> list[str]:
    """Every widget that would render markup from the file, described; plain ones are fine."""
    found = []
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for widget in app.allWidgets():
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        if isinstance(widget, QLabel):
            if widget.textFormat() != Qt.TextFormat.PlainText and "<img" in widget.text():
                found.append(f"{where}: {widget.text()[:80]}")
        elif isinstance(widget, QTextEdit) and "<img" in widget.toHtml():
            found.append(f"{where}: an image in its document")
        elif (
            isinstance(widget, QMessageBox)
            and widget.textFormat() != Qt.TextFormat.PlainText
            and "<img" in widget.text()
        ):
            found.append(f"{where}: {widget.text()[:80]}")
        tip = widget.toolTip()
        if "<img" in tip:
            found.append(f"{where} tooltip: {tip[:80]}")
    return found


def shown_as_written() -> int:
    """How many visible plain labels show the file's markup as text (the user reads it)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return sum(
        1
        for widget in app.allWidgets()
        if isinstance(widget, QLabel) and widget.isVisible() and HOSTILE in widget.text()
    )


def visible_text(widget: QWidget) -> str:
    return "\n".join(
        label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)
    )


def test_every_page_shows_file_text_as_written(
    qtbot: QtBot, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "<img src='x.png'><b>data"
    data.mkdir()
    monkeypatch.setenv("STRETCH_TIMER_DATA_DIR", str(data))
    monkeypatch.setattr(MainWindow, "confirm_stop", lambda self, quitting=False: True)
    source = tmp_path / "hostile.yaml"
    source.write_text(hostile_file(HOSTILE), encoding="utf-8")
    result = load_library([source])
    assert [r.ok for r in result.reports] == [True], result.errors
    errors = {"<img src='e.png'>.yaml": [FakeError(f"bad.yaml:1:1: {HOSTILE}")]}
    window = build_window(result.library, errors, data, clock=clock)
    link = attach_session_log(window, data)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.add_lasting_notice(HOSTILE)

    # The picker: heading, description, every card opened, the error list, the notice.
    assert window.picker.name_label.text() == HOSTILE
    for card in window.picker.cards:
        card.set_expanded(True)
    assert markup_shown() == []
    assert shown_as_written() >= 3
    assert HOSTILE in window.picker.cards[0].text()

    # Help: the safety notice (its red flags come from the file), shortcuts, about, banner.
    for dialog in (window.show_safety(), window.show_shortcuts(), window.show_about()):
        qtbot.waitExposed(dialog)
        assert markup_shown() == []
        dialog.close()
    safety = window.show_safety()
    assert HOSTILE in safety.text()
    safety.close()
    window.show_safety_banner()
    assert markup_shown() == []

    # The session: a hold, advice after tingling (twice), then pain and the stopped screen.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.select_routine("hostile")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    clock.advance(3)
    window.controller.refresh()
    assert window.session_page.stretch_label.text() == HOSTILE
    assert markup_shown() == []
    for key in (Qt.Key.Key_X, Qt.Key.Key_X, Qt.Key.Key_Z):
        qtbot.keyClick(window, key)
        assert markup_shown() == []
    assert window.session_page.halted
    assert HOSTILE in visible_text(window.session_page)

    # The summary, then the history and one session's page.
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.summary_page
    assert markup_shown() == []
    history = link.show_history()
    qtbot.waitExposed(history)
    session_dialog = history.open_session(history.model.summary(0).id)
    assert session_dialog is not None
    assert markup_shown() == []
    assert HOSTILE in visible_text(session_dialog)
    session_dialog.close()
    history.close()
    link.close()


def test_the_error_message_box_shows_the_log_path_as_written(
    qtbot: QtBot, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = build_window(load_library([]).library, {}, None, clock=clock)
    qtbot.addWidget(window)
    boxes: list[tuple[Qt.TextFormat, str]] = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: boxes.append((box.textFormat(), box.text()))
    )
    # QMessageBox.warning() shows its text in the default AutoText format (and would block).
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        staticmethod(
            lambda _parent, _title, text, *_: boxes.append((Qt.TextFormat.AutoText, text))
        ),
    )
    saved = sys.excepthook
    try:
        _install_excepthook(window, tmp_path / "<img src='x.png'>" / "stretch-timer.log")
        sys.excepthook(ValueError, ValueError("x"), None)
    finally:
        sys.excepthook = saved
    ((text_format, text),) = boxes
    assert "<img src='x.png'>" in text
    assert text_format == Qt.TextFormat.PlainText


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_routine_naming_a_fifo_image_neither_hangs_nor_reads_it(tmp_path: Path) -> None:
    # Before: Qt opened the FIFO to lay the label out and the window never appeared.
    fifo = tmp_path / "img.fifo"
    os.mkfifo(fifo)
    text = f"<img src='{fifo}'>X"
    routines = tmp_path / "fifo.yaml"
    routines.write_text(
        hostile_file(text)
        .replace("hold: 5s", "hold: 1s")
        .replace("reps: 2", "reps: 1")
        .replace("{prepare: 2s, rest: 1s}", "{prepare: 0s, rest: 0s}"),
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("STRETCH_TIMER_DATA_DIR", None)
    command = [
        sys.executable,
        "-m",
        "desktop_app",
        "--data-dir",
        str(tmp_path / "data"),
        "--routines",
        str(routines),
        "--routine",
        "hostile",
        "--start",
        "--exit-when-done",
    ]
    app = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        _out, err = app.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        app.kill()
        app.communicate()
        pytest.fail("the app hung on a label naming a FIFO")
    assert app.returncode == 0, err
    assert "Traceback" not in err
