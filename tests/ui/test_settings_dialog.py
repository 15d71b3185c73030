"""File > Settings… (Ctrl+,): opened by key and menu, every control applies at once, Esc closes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.preferences import Preferences
from desktop_app.ui.settings_dialog import AS_THE_ROUTINE_SAYS, SettingsDialog
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS, WindowFactory


def open_dialog(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: window.settings_dialog is not None and window.settings_dialog.isVisible()
    )
    dialog = window.settings_dialog
    assert dialog is not None
    return dialog


def test_ctrl_comma_opens_it_and_esc_closes_it(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    assert dialog.windowTitle() == "Settings"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_file_menu_has_it(window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert window.settings_action in file_menu.actions()  # type: ignore[union-attr]
    assert window.settings_action.text() == "&Settings…"


def test_each_control_changes_its_setting_at_once(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    store = window.preferences
    dialog.sound_enabled.click()
    assert store.current.sound_enabled is False
    assert not window.sound_action.isChecked()  # Ctrl+M's menu item follows
    dialog.sound_enabled.click()
    dialog.volume.setFocus()
    qtbot.keyClick(dialog.volume, Qt.Key.Key_PageDown)
    assert store.current.sound_volume == 70
    assert dialog.volume_value.text() == "70 %"
    dialog.text_size.setCurrentIndex(dialog.text_size.findData("extra-large"))
    assert store.current.text_size == "extra-large"
    dialog.full_screen.click()
    assert store.current.start_full_screen
    dialog.prepare.setFocus()
    dialog.prepare.selectAll()
    qtbot.keyClicks(dialog.prepare, "12")
    assert store.current.prepare_seconds == 12
    dialog.rest.setValue(3)
    dialog.switch.setValue(0)
    assert (store.current.rest_seconds, store.current.switch_seconds) == (3, 0)
    dialog.rest.setValue(dialog.rest.minimum())
    assert store.current.rest_seconds is None
    assert dialog.rest.text() == AS_THE_ROUTINE_SAYS


def test_it_follows_changes_made_elsewhere(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    window.sound_action.trigger()  # Ctrl+M
    assert not dialog.sound_enabled.isChecked()
    assert not dialog.volume.isEnabled()


def test_text_size_applies_to_the_session_screen_live(qtbot: QtBot, window: MainWindow) -> None:
    window.start_routine(BASICS)
    page = window.session_page
    before = page.stretch_label.font().pointSizeF()
    dialog = open_dialog(qtbot, window)
    dialog.text_size.setCurrentIndex(dialog.text_size.findData("large"))
    assert page.stretch_label.font().pointSizeF() > 1.2 * before


def test_theme_switch_recolours_the_window_and_the_ring(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    try:
        window.start_routine(BASICS)
        ring = window.session_page.countdown
        # Qt hands the new palette to existing widgets from the event loop.
        qtbot.waitUntil(lambda: ring.palette().color(QPalette.ColorRole.Window).lightness() < 60)
        assert ring.palette().color(QPalette.ColorRole.WindowText).lightness() > 200
        assert QApplication.style().name().lower() == "fusion"
        image = ring.grab().toImage()
        corner = image.pixelColor(2, 2)
        assert corner.lightness() < 60
        dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
        qtbot.waitUntil(lambda: ring.palette().color(QPalette.ColorRole.Window).lightness() > 200)
        assert ring.grab().toImage().pixelColor(2, 2).lightness() > 200
    finally:
        window.preferences.update(theme="system")
    assert window.preferences.current.theme == "system"


@dataclass
class FakeVoice:
    id: str
    name: str


def test_no_speech_engine_disables_the_spoken_controls_with_the_reason(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    for widget in (dialog.speech_enabled, dialog.voice, dialog.rate, dialog.count_down):
        assert not widget.isEnabled()
    assert dialog.speech_reason.text()  # not set up: says why
    dialog.close()
    window.speech_reason = lambda: "No spoken cues: espeak-ng is not installed."  # type: ignore[method-assign]
    dialog = open_dialog(qtbot, window)
    assert "espeak-ng is not installed." in dialog.speech_reason.text()


def test_speech_controls_with_an_engine(qtbot: QtBot, window: MainWindow) -> None:
    window.speech_reason = lambda: ""  # type: ignore[method-assign]
    window.speech_voices = lambda: (  # type: ignore[method-assign]
        FakeVoice("en-gb", "English (UK)"),
        FakeVoice("de", "German"),
    )
    dialog = open_dialog(qtbot, window)
    assert dialog.speech_reason.isHidden()
    dialog.speech_enabled.click()
    dialog.voice.setCurrentIndex(dialog.voice.findData("de"))
    dialog.rate.setValue(-20)
    dialog.count_down.click()
    assert window.preferences.current == Preferences(
        speech_enabled=True, speech_voice="de", speech_rate=-20, speech_count_down=True
    )
    assert dialog.rate_value.text() == "-20 %"


def test_settings_survive_a_restart(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock
) -> None:
    window = make_window()
    dialog = open_dialog(qtbot, window)
    dialog.switch.setValue(7)
    dialog.volume.setValue(25)
    window.close()
    again = make_window()
    dialog = open_dialog(qtbot, again)
    assert dialog.switch.value() == 7
    assert dialog.volume.value() == 25
