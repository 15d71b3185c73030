"""Unreadable settings and an unusable data folder: defaults, a notice, no hang, no overwrite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import build_window
from desktop_app.ui.settings import SETTINGS_LIMIT, open_settings, settings_problem
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import LIBRARY

GOOD = b"[session]\nlast_routine=long\n\n[sound]\nenabled=false\n"


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_dir(path: Path) -> None:
    path.mkdir()


BAD_SETTINGS = {
    "a FIFO": (make_fifo, "it is not a regular file"),
    "a folder": (make_dir, "it is a folder"),
    "an image": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)), "not a text file"),
    "garbage": (
        lambda p: p.write_bytes(b"this is [not an ini\n===\n[[[\n"),
        "not a settings file Stretch Timer can read",
    ),
    "binary": (
        lambda p: p.write_bytes(bytes(range(256)) * 8),
        "it is not a text file",
    ),
    "too large": (
        lambda p: p.write_bytes(b"[a]\n" + b"b=1\n" * (SETTINGS_LIMIT // 4)),
        "it is too large",
    ),
    "a link to /dev/zero": (lambda p: p.symlink_to("/dev/zero"), "it is not a regular file"),
    "a link loop": (lambda p: p.symlink_to(p), "too many levels of symbolic links"),
}


@pytest.mark.parametrize("kind", list(BAD_SETTINGS))
def test_settings_that_cannot_be_read_give_defaults_and_a_notice(
    qtbot: QtBot, data_dir: Path, kind: str
) -> None:
    make, reason = BAD_SETTINGS[kind]
    path = data_dir / "settings.ini"
    make(path)
    settings, notice = open_settings(data_dir)
    assert settings is None
    assert notice is not None
    assert str(path) in notice
    assert reason in notice
    assert "uses its defaults" in notice


@pytest.mark.parametrize("make", [make_fifo, make_dir], ids=["a FIFO", "a folder"])
def test_a_lock_file_qsettings_would_wait_on_for_ever_is_refused(
    data_dir: Path, make: object
) -> None:
    assert callable(make)
    (data_dir / "settings.ini").write_bytes(GOOD)
    make(data_dir / "settings.ini.lock")
    assert settings_problem(data_dir / "settings.ini") == (
        "its lock file settings.ini.lock is not a regular file"
    )
    settings, notice = open_settings(data_dir)
    assert settings is None
    assert notice is not None


def test_good_or_missing_settings_are_used(qtbot: QtBot, data_dir: Path) -> None:
    assert settings_problem(data_dir / "settings.ini") is None
    (data_dir / "settings.ini").write_bytes(GOOD)
    settings, notice = open_settings(data_dir)
    assert notice is None
    assert settings is not None
    assert settings.value("session/last_routine") == "long"


@pytest.mark.parametrize("kind", ["a FIFO", "garbage", "binary"])
def test_the_window_runs_on_defaults_says_why_and_leaves_the_file_alone(
    qtbot: QtBot, data_dir: Path, clock: FakeClock, kind: str
) -> None:
    path = data_dir / "settings.ini"
    BAD_SETTINGS[kind][0](path)
    before = None if path.is_fifo() else path.read_bytes()
    window = build_window(LIBRARY, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.settings is None
    assert window.notice.isVisible()
    assert "could not be read" in window.notice.text()
    assert window.sound_action.isChecked()  # the default
    assert window.height() == 700  # the default size (the offscreen screen clamps the width)
    window.sound_action.trigger()  # a change is fine, only not remembered
    assert not window.sound_action.isChecked()
    window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.controller.active
    # A storage message later joins the notice; the settings one stays.
    window.show_notice("The session log could not be written.")
    assert "could not be read" in window.notice.text()
    assert "could not be written" in window.notice.text()
    window.controller.stop()
    window.close()
    if before is None:
        assert path.is_fifo()
    else:
        assert path.read_bytes() == before
    assert not (data_dir / "settings.ini.lock").exists()


def unusable_under_a_file(tmp_path: Path) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    return blocker / "data"


def unusable_is_a_file(tmp_path: Path) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    return blocker


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (unusable_under_a_file, "part of its path is a file, not a folder"),
        (unusable_is_a_file, "it is a file, not a folder"),
    ],
)
def test_an_unusable_data_dir_still_opens_the_window_and_runs_a_session(
    qtbot: QtBot, tmp_path: Path, clock: FakeClock, where: object, reason: str
) -> None:
    assert callable(where)
    data = where(tmp_path)
    window: MainWindow = build_window(LIBRARY, {}, data, clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.settings is None
    text = window.notice.text()
    assert window.notice.isVisible()
    assert text.startswith(f"Nothing will be saved this time: {data} cannot be used")
    assert reason in text
    assert "--data-dir" in text
    window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    clock.advance(5 + 30)
    window.controller.refresh()
    summary = window.controller.summary
    assert summary is not None
    assert len(summary.holds) == 1
    window.controller.stop()
    window.close()
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "x"


def test_odd_values_in_a_readable_file_fall_back_one_by_one(
    qtbot: QtBot, data_dir: Path, clock: FakeClock
) -> None:
    (data_dir / "settings.ini").write_text(
        "[window]\ngeometry=@ByteArray(not a geometry)\n"
        "[session]\nlast_routine=1, 2\n[sound]\nenabled=banana\n",
        encoding="utf-8",
    )
    window = build_window(LIBRARY, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    assert window.settings is not None
    assert window.notice.isHidden()
    assert window.height() == 700
    selected = window.picker.selected_routine()
    assert selected is not None
    assert selected.id == "basics"  # the first, not a list


def test_a_settings_file_that_may_not_be_read_is_left_alone(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root here, where chmod 000 still reads: refuse the open instead.
    path = data_dir / "settings.ini"
    path.write_bytes(GOOD)
    real_open = os.open

    def refuse(name: object, *args: object, **kwargs: object) -> int:
        if Path(str(name)) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("desktop_app.ui.settings.os.open", refuse)
    settings, notice = open_settings(data_dir)
    assert settings is None
    assert notice is not None
    assert "it cannot be read (permission denied)" in notice
    assert path.read_bytes() == GOOD
