"""The window with bad routine files given: it opens, lists each problem, and the rest works."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from desktop_app.cli import _load, build_parser
from desktop_app.routines import is_usable_key
from desktop_app.ui.app import build_window
from tests.conftest import REPO
from tests.test_routine_files import refuse_to_list

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")

SHORT = textwrap.dedent(
    """\
    format: 1
    defaults: {prepare: 0, rest: 0}
    routines:
      - id: short
        name: Short
        steps:
          - {stretch: wall-calf, hold: 1s}
    """
)


def test_a_fifo_and_a_folder_one_may_not_list_are_listed_in_the_window(
    qtbot: QtBot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    closed = data_dir / "routines"
    closed.mkdir()
    (closed / "mine.yaml").write_text(SHORT, encoding="utf-8")
    refuse_to_list(monkeypatch, closed)
    result = _load(build_parser().parse_args(["--routines", str(fifo)]))
    window = build_window(result.library, result.errors, data_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    picker = window.picker
    assert picker.errors_box.isVisible()
    assert picker.errors_title.text() == "2 files could not be loaded (left out):"
    assert picker.errors_text.toPlainText().splitlines() == [
        f"{fifo}:1:1: cannot read the file: it is a named pipe (FIFO), not a file",
        f"{closed}: cannot list the folder: permission denied: you may not read this folder",
    ]
    assert picker.routine_list.count() > 0  # the bundled routines are there to start


def test_the_real_app_opens_and_runs_with_a_fifo_and_broken_entries_given(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    (data / "routines").mkdir(parents=True)
    os.mkfifo(data / "routines" / "pipe.yaml")
    (data / "routines" / "zero.yaml").symlink_to("/dev/zero")
    (data / "routines" / "loop.yaml").symlink_to("loop.yaml")
    (data / "routines" / "folder.yaml").mkdir()
    fifo = tmp_path / "given.yaml"
    os.mkfifo(fifo)
    short = tmp_path / "short.yaml"
    short.write_text(SHORT, encoding="utf-8")
    crash_dir = tmp_path / "tmp"  # where a crash report would be written
    crash_dir.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(crash_dir)}
    env.pop("STRETCH_TIMER_DATA_DIR", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--data-dir",
            str(data),
            "--routines",
            str(fifo),
            "--routines",
            str(short),
            "--routine",
            "short",
            "--start",
            "--exit-when-done",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not list(crash_dir.glob("stretch-timer-crash-*"))


@pytest.mark.parametrize("key", ["T", "7", "Ö", "Ж", "Ω", "ש", "ก", "Ñ"])
def test_keys_the_loader_accepts(key: str) -> None:
    assert is_usable_key(key)
    assert_one_qt_key(key.upper())


@settings(max_examples=500, deadline=None)
@given(st.characters())
def test_every_key_the_loader_accepts_is_one_key_to_qt(key: str) -> None:
    if is_usable_key(key):
        assert_one_qt_key(key.upper())


def assert_one_qt_key(key: str) -> None:
    sequence = QKeySequence(key)
    assert sequence.count() == 1
    assert sequence[0].key().value == ord(key)


@pytest.mark.parametrize("key", ["ß", "ﬀ", "İ"])
def test_keys_qt_cannot_bind_are_refused_by_the_loader(key: str) -> None:
    assert QKeySequence(key.upper())[0].key() == Qt.Key.Key_unknown
    assert not is_usable_key(key)
