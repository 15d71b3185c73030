"""A known-broken PySide6 release is refused with a clear message, never run into a crash."""

from __future__ import annotations

import PySide6
import pytest

from desktop_app import cli
from desktop_app.ui.binding import binding_problem


@pytest.mark.parametrize(
    ("qt_version", "python", "refused"),
    [
        ("6.12.0", (3, 11), True),
        ("6.12.0", (3, 12), False),  # immortal None hides the bug
        ("6.12.1", (3, 11), False),
        ("6.11.3", (3, 11), False),
    ],
)
def test_binding_problem(qt_version: str, python: tuple[int, int], refused: bool) -> None:
    problem = binding_problem(qt_version, python)
    assert (problem is not None) is refused
    if problem is not None:
        assert "6.12.0" in problem
        assert "pip install" in problem


def test_the_installed_binding_is_accepted() -> None:
    assert binding_problem(PySide6.__version__, (3, 11)) is None


def test_gui_refuses_a_broken_binding_before_any_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(PySide6, "__version__", "6.12.0")
    monkeypatch.setattr("sys.version_info", (3, 11, 7, "final", 0))
    code = cli.main(["--data-dir", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "PySide6 6.12.0 has a bug" in err
    assert "Traceback" not in err


def test_the_crash_message_says_where_the_details_are(
    qtbot: object, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    import sys
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox, QWidget

    from desktop_app.ui import app

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    parent = QWidget()
    qtbot.addWidget(parent)  # type: ignore[attr-defined]
    log_file = Path(str(tmp_path)) / "stretch-timer.log"
    app._install_excepthook(parent, log_file)  # type: ignore[arg-type]
    try:
        raise ValueError("boom")
    except ValueError as exc:
        sys.excepthook(ValueError, exc, exc.__traceback__)
    assert shown
    assert str(log_file) in shown[0]
    assert "ValueError" in shown[0]
