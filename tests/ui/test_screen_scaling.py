"""The session screen's text grows with the window; F11; the text-size setting; no scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.model import Library, Routine, Step
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.session_page import SessionPage, window_scale
from desktop_app.ui.window import MainWindow
from tests.conftest import BUNDLED, FakeClock
from tests.ui.conftest import BASICS, WindowFactory

SMALL = (1000, 700)
FULL = (1920, 1080)


def sizes(page: SessionPage) -> dict[str, float]:
    """Point sizes of everything the person reads on the running session screen."""
    widgets: dict[str, QWidget] = {
        "name": page.stretch_label,
        "phase": page.phase_label,
        "side": page.side_label,
        "progress": page.progress_label,
        "next": page.next_label,
        "steps": page.instructions_label,
        "tips": page.tips_label,
        "cautions": page.cautions_label,
        "pause": page.pause_button,
        "stop": page.stop_button,
        **{f"symptom {k}": b for k, b in page.symptom_buttons.items()},
    }
    return {name: w.font().pointSizeF() for name, w in widgets.items()}


def resize(qtbot: QtBot, window: MainWindow, size: tuple[int, int]) -> None:
    window.showNormal()
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    window.session_page.layout().activate()


def test_window_scale_grows_with_the_page() -> None:
    assert window_scale(980, 640) == 1.0
    assert window_scale(780, 540) == 1.0  # never smaller than the base sizes
    assert window_scale(1900, 1030) >= 1.6
    assert window_scale(10_000, 10_000) == 3.0


def test_text_at_1920x1080_is_at_least_1_6x_that_at_1000x700(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.start_routine(BASICS)
    resize(qtbot, window, SMALL)
    small = sizes(window.session_page)
    resize(qtbot, window, FULL)
    large = sizes(window.session_page)
    for name, size in small.items():
        assert large[name] >= 1.6 * size, name
    # The text-size setting multiplies it, at once.
    window.preferences.update(text_size="large")
    larger = sizes(window.session_page)
    for name, size in large.items():
        assert larger[name] == pytest.approx(size * 1.25, rel=0.05), name
    resize(qtbot, window, SMALL)
    assert sizes(window.session_page)["name"] == pytest.approx(small["name"] * 1.25, rel=0.05)


def test_fonts_do_not_change_while_the_countdown_runs(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_routine(BASICS)
    resize(qtbot, window, FULL)
    page = window.session_page
    calls: list[float] = []
    original = page.setFont

    def counting(font: object) -> None:
        calls.append(page.scale)
        original(font)  # type: ignore[arg-type]

    page.setFont = counting  # type: ignore[method-assign]
    for _ in range(20):
        clock.advance(0.5)
        window.controller.refresh()
    assert calls == []


def test_f11_toggles_full_screen(qtbot: QtBot, window: MainWindow) -> None:
    assert not window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    assert window.full_screen_action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not window.full_screen_action.isChecked()


def test_start_full_screen_setting(make_window: WindowFactory, qtbot: QtBot) -> None:
    from desktop_app.ui import app

    window = make_window()
    window.preferences.update(start_full_screen=True)
    window.close()
    # run_app shows the window full screen when the setting says so.
    source = Path(app.__file__).read_text()
    assert "showFullScreen" in source
    again = make_window()
    assert again.preferences.current.start_full_screen


@pytest.fixture(scope="module")
def bundled() -> Library:
    return load_library([BUNDLED]).library


def test_no_bundled_stretch_needs_scrolling_at_full_screen(
    qtbot: QtBot,
    clock: FakeClock,
    data_dir: Path,
    bundled: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(MainWindow, "confirm_stop", lambda self, quitting=False: True)
    window = build_window(bundled, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(*FULL)
    window.show()
    qtbot.waitExposed(window)
    page = window.session_page
    for stretch in bundled.stretches.values():
        window.controller.stop()
        window.start_routine(Routine("one", stretch.name, "", (Step(stretch, hold=30),)))
        page.layout().activate()
        qtbot.waitUntil(lambda: page.side_scroll.viewport().height() > 0)
        bar = page.side_scroll.verticalScrollBar()
        assert bar.maximum() == 0, f"{stretch.id}: {bar.maximum()} px to scroll"
        assert page.stretch_label.text() == stretch.name
