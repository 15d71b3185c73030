"""Settings kept in settings.ini: round trip, Ctrl+M in step, pause overrides in a session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app.preferences import Preferences
from desktop_app.ui.preferences import read_preferences
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS, LONG, WindowFactory


def test_preferences_last_across_restarts(make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window()
    assert window.preferences.current == Preferences()
    window.preferences.update(theme="dark", sound_volume=40, prepare_seconds=9, speech_rate=12)
    window.close()
    ini = (data_dir / "settings.ini").read_text()
    assert "theme=dark" in ini
    assert "volume=40" in ini
    assert "prepare=9" in ini
    again = make_window()
    assert again.preferences.current == Preferences(
        theme="dark", sound_volume=40, prepare_seconds=9, speech_rate=12
    )
    # Back to "as the routine says": the key goes.
    again.preferences.update(prepare_seconds=None)
    assert "prepare=" not in (data_dir / "settings.ini").read_text()


def test_changed_is_emitted_only_on_a_change(make_window: WindowFactory) -> None:
    window = make_window()
    seen: list[Preferences] = []
    window.preferences.changed.connect(seen.append)
    window.preferences.update(theme="light")
    window.preferences.update(theme="light")
    window.preferences.update(sound_volume=300)  # clamped
    assert [p.theme for p in seen] == ["light", "light"]
    assert seen[-1].sound_volume == 100


def test_ctrl_m_and_the_sound_setting_are_one(make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window()
    window.sound_action.trigger()
    assert window.preferences.current.sound_enabled is False
    window.preferences.update(sound_enabled=True)
    assert window.sound_action.isChecked()
    window.sound_action.trigger()
    window.close()
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    assert read_preferences(settings).sound_enabled is False
    assert settings.value("sound/enabled") in (False, "false")


def test_hand_edited_settings_are_clamped(make_window: WindowFactory, data_dir: Path) -> None:
    (data_dir / "settings.ini").write_text(
        "[sound]\nvolume=400\n[screen]\ntext_size=giant\ntheme=dark\n[timing]\nrest=-2\n"
    )
    prefs = make_window().preferences.current
    assert (prefs.sound_volume, prefs.text_size, prefs.theme, prefs.rest_seconds) == (
        100,
        "normal",
        "dark",
        0,
    )


def test_unreadable_settings_use_defaults_and_write_nothing(
    make_window: WindowFactory, data_dir: Path
) -> None:
    path = data_dir / "settings.ini"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    window = make_window()
    assert window.preferences.current == Preferences()
    assert "could not be read" in window.notice.text()
    window.preferences.update(theme="dark")  # applies now, is not kept
    assert window.preferences.current.theme == "dark"
    window.close()
    assert path.read_bytes().startswith(b"\x89PNG")


def test_pause_overrides_change_the_session_timeline(
    make_window: WindowFactory, clock: FakeClock
) -> None:
    window = make_window()
    window.preferences.update(prepare_seconds=2, switch_seconds=4)
    window.start_routine(BASICS)
    engine = window.controller.engine
    assert engine is not None
    pauses = [h.pause for h in engine.holds]
    # Towel: L1 R1 L2 R2 L3 R3 (each after the first switches sides), then the calf.
    assert pauses == [2, 4, 4, 4, 4, 4, 2]
    assert engine.snapshot().remaining == 2
    window.preferences.update(rest_seconds=6)
    window.controller.stop()
    window.start_routine(LONG)
    engine = window.controller.engine
    assert engine is not None
    assert [h.pause for h in engine.holds] == [2, 6]
