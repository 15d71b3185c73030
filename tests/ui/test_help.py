"""The safety notice (first start, Help menu, the banner under --start) and the Help dialogs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app import __version__, help_text, paths
from desktop_app.routines import load_library
from desktop_app.ui import sound
from desktop_app.ui.app import AppOptions, build_window, run_app
from desktop_app.ui.help import InfoDialog
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import LIBRARY, PAIN, TINGLING, WindowFactory


def open_dialogs(window: MainWindow) -> list[InfoDialog]:
    return [dialog for dialog in window.findChildren(InfoDialog) if dialog.isVisible()]


def drain(qtbot: QtBot, owner: QWidget) -> None:
    """Let the timers already queued (such as after-first-paint work) run first."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout):
        timer.start(0)


def press_in(qtbot: QtBot, dialog: InfoDialog, key: Qt.Key) -> None:
    """A key pressed in the dialog, once it has the keyboard (as the user's keys would go)."""
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), key)


def test_first_start_shows_the_notice_once_and_never_again(
    qtbot: QtBot, make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.greet(starting=False)
    qtbot.waitUntil(lambda: len(open_dialogs(window)) == 1)
    (dialog,) = open_dialogs(window)
    assert dialog.windowModality() is Qt.WindowModality.WindowModal
    assert dialog.button.text() == "I understand  (Enter)"
    text = dialog.text()
    assert "not medical advice" in text
    assert "mild tension" in text
    for line in (*TINGLING.seek_help, *PAIN.seek_help):
        assert line in text  # the red flags come from the symptoms themselves
    assert "See a doctor or physiotherapist" in text
    press_in(qtbot, dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    # Enter closed the notice; it did not start the routine behind it.
    assert window.stack.currentWidget() is window.picker
    assert window.safety_notice_seen()
    window.close()

    second = make_window()  # the same data directory, so the same settings
    asked: list[bool] = []
    monkeypatch.setattr(second, "show_safety", lambda first_run=False: asked.append(first_run))
    second.greet(starting=False)
    drain(qtbot, second)
    assert asked == []
    assert open_dialogs(second) == []


def test_the_notice_comes_back_until_it_is_acknowledged(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    asked: list[bool] = []
    window.show_safety = lambda first_run=False: asked.append(first_run)  # type: ignore[assignment,method-assign,return-value]
    window.greet(starting=False)
    qtbot.waitUntil(lambda: asked == [True])
    window.close()
    assert not make_window().safety_notice_seen()


def test_help_menu_items_open_their_dialogs(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [action.text() for action in window.help_menu.actions()] == [
        "&Safety…",
        "&Keyboard shortcuts…",
        "&About Stretch Timer…",
    ]
    opened: list[str] = []
    for name in ("show_safety", "show_shortcuts", "show_about"):
        monkeypatch.setattr(window, name, lambda *_a, name=name, **_k: opened.append(name))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert opened == ["show_safety"]
    # By keys through the menu bar: Alt+H, then the item's letter.
    for letter, name in ((Qt.Key.Key_K, "show_shortcuts"), (Qt.Key.Key_A, "show_about")):
        qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(window.help_menu.isVisible)
        qtbot.keyClick(window.help_menu, letter)
        qtbot.waitUntil(lambda name=name: opened[-1] == name)
    assert opened == ["show_safety", "show_shortcuts", "show_about"]


def test_keyboard_shortcuts_dialog_lists_every_key(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.show_shortcuts()
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.text()
    for key, what in help_text.key_rows(window.symptoms):
        assert key in text
        assert what in text
    assert "report tingling (shows what helps)" in text
    assert "report pain (the stretch stops)" in text
    press_in(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_about_names_version_licence_data_directory_and_the_health_note(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    dialog = window.show_about()
    qtbot.waitUntil(dialog.isVisible)
    text = " ".join(dialog.text().split())
    assert __version__ in text
    assert "Licence MIT" in text
    assert str(data_dir) in text
    assert help_text.HEALTH_NOTE in text
    press_in(qtbot, dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()


def test_safety_stays_in_the_help_menu_after_the_first_start(
    qtbot: QtBot, window: MainWindow
) -> None:
    first = window.show_safety(first_run=True)
    qtbot.waitUntil(first.isVisible)
    press_in(qtbot, first, Qt.Key.Key_Escape)
    assert window.safety_notice_seen()
    window.activateWindow()  # no window manager offscreen to hand the keyboard back
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: len(open_dialogs(window)) == 1)
    (again,) = open_dialogs(window)
    assert again.button.text() == "Close  (Enter)"
    assert "not medical advice" in again.text()


# -- a routine started at once (--start) --------------------------------------------------------


def test_start_shows_a_banner_that_holds_nothing_up_and_a_key_dismisses(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.greet(starting=True)
    assert window.select_routine("basics")
    assert window.start_selected()
    drain(qtbot, window)
    assert open_dialogs(window) == []
    assert QApplication.activeModalWidget() is None
    banner = window.safety_banner
    assert banner is not None
    assert banner.isVisible()
    assert "not medical advice" in banner.text()
    assert "press P" in banner.text()
    assert banner.dismiss_button.text() == "Got it  (Ctrl+D)"
    # The session runs under it and takes its keys as always.
    page = window.session_page
    clock.advance(6)
    window.controller.refresh()
    assert page.phase_label.text() == "Hold"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert page.pause_button.text() == "Resume  (Space)"
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not banner.isVisible()
    assert window.safety_notice_seen()
    assert page.pause_button.text() == "Resume  (Space)"  # Ctrl+D did nothing else
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert page.pause_button.text() == "Pause  (Space)"


def test_banner_f1_reads_the_whole_notice_while_the_session_runs(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.greet(starting=True)
    assert window.start_selected()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: len(open_dialogs(window)) == 1)
    (dialog,) = open_dialogs(window)
    before = window.session_page.countdown.text
    clock.advance(3)
    window.controller.refresh()
    assert window.session_page.countdown.text != before  # the timer was never held up
    press_in(qtbot, dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.safety_banner is not None
    assert not window.safety_banner.isVisible()  # read in full: the short form goes too


def test_banner_is_not_shown_once_the_notice_was_acknowledged(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    first = make_window()
    first.greet(starting=True)
    assert first.safety_banner is not None
    qtbot.mouseClick(first.safety_banner.dismiss_button, Qt.MouseButton.LeftButton)
    first.close()
    second = make_window()
    second.greet(starting=True)
    assert second.safety_banner is None


def test_run_app_with_start_shows_the_banner_and_no_dialog(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MainWindow, "confirm_stop", lambda self, quitting=False: True)
    monkeypatch.setattr(sound, "attach_sound_cues", lambda window: None)  # no QtMultimedia here
    hook = sys.excepthook
    seen: dict[str, object] = {}
    windows: list[MainWindow] = []

    def look() -> None:
        # The first pass of run_app's event loop: its window is built, shown and started.
        (window,) = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        qtbot.addWidget(window)
        windows.append(window)
        seen["banner"] = window.safety_banner is not None and window.safety_banner.isVisible()
        seen["modal"] = QApplication.activeModalWidget()
        seen["running"] = window.controller.active
        seen["page"] = window.stack.currentWidget() is window.session_page
        QApplication.instance().exit(0)  # type: ignore[union-attr]

    QTimer.singleShot(0, look)
    options = AppOptions(LIBRARY, {}, data_dir, routine_id="basics", start=True)
    code = run_app(options)
    assert code == 0
    assert seen == {"banner": True, "modal": None, "running": True, "page": True}
    assert sys.excepthook is hook  # put back
    windows[0].controller.stop()


def test_bundled_safety_notice_fits_the_smallest_window_without_scrolling(
    qtbot: QtBot, clock: FakeClock, data_dir: Path
) -> None:
    library = load_library([paths.bundled_routines_file()]).library
    window = build_window(library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    dialog = window.show_safety(first_run=True)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.height() <= 600
    for flags in help_text.safety_notice(library.symptoms.values()).red_flags:
        for line in flags.lines:
            assert line in dialog.text()
    qtbot.waitUntil(lambda: dialog.body.verticalScrollBar().maximum() == 0)
    assert dialog.button.isVisible()


def test_a_notice_closed_by_a_signal_stays_unread(qtbot: QtBot, make_window: WindowFactory) -> None:
    """SIGTERM/SIGHUP during the first-run notice: the shutdown closes it, nobody read it."""
    from desktop_app.ui.shutdown import close_dialogs

    window = make_window()
    window.greet(starting=False)
    qtbot.waitUntil(lambda: len(open_dialogs(window)) == 1)
    (dialog,) = open_dialogs(window)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    close_dialogs()
    assert not dialog.isVisible()
    assert not window.safety_notice_seen()
    window.close()
    assert not make_window().safety_notice_seen()


def test_esc_on_the_notice_counts_as_read(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.greet(starting=False)
    qtbot.waitUntil(lambda: len(open_dialogs(window)) == 1)
    (dialog,) = open_dialogs(window)
    press_in(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.safety_notice_seen()
