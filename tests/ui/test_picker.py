"""The routine picker's preview, by keys: every stretch's cautions, any stretch's full text."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app import paths
from desktop_app.model import Library
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.picker import CAUTION_MARK, StretchCard
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import TOWEL


def focused() -> object:
    return QApplication.focusWidget()


def test_preview_lists_each_stretch_with_timing_and_cautions(window: MainWindow) -> None:
    picker = window.picker
    texts = [card.text() for card in picker.cards]
    assert texts == [
        f"1. Towel hamstring stretch · 3 × 30 s, each side\n{CAUTION_MARK} Never bounce.",
        "2. Wall calf stretch · 20 s",
    ]
    assert picker.cards[0].cautions.isVisible()
    assert not picker.cards[1].cautions.isVisible()  # no cautions: nothing to show
    assert picker.expanded_card() is None  # steps and tips wait until a stretch is chosen
    assert picker.total_label.text() == "Total: 3 min 55 s"
    assert "Tab to the stretches" in picker.hint_label.text()


def test_tab_and_arrows_read_each_stretch_in_full_and_enter_still_starts(
    qtbot: QtBot, window: MainWindow
) -> None:
    picker = window.picker
    assert focused() is picker.routine_list
    qtbot.keyClick(picker.routine_list, Qt.Key.Key_Tab)
    first, second = picker.cards
    assert focused() is first
    assert picker.expanded_card() is first
    text = first.text()
    for line in (*TOWEL.instructions, *TOWEL.tips, *TOWEL.cautions):
        assert line in text
    assert "How to do it" in text
    assert first.details.isVisible()

    qtbot.keyClick(first, Qt.Key.Key_Down)
    assert focused() is second
    assert picker.expanded_card() is second
    assert not first.details.isVisible()
    assert "Face the wall." in second.text()
    qtbot.keyClick(second, Qt.Key.Key_Down)  # the last card: stays
    assert focused() is second
    qtbot.keyClick(second, Qt.Key.Key_Up)
    assert picker.expanded_card() is first

    # Enter starts the routine from a card, as from anywhere on the picker.
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.session_page
    assert window.session_page.stretch_label.text() == "Towel hamstring stretch"


def test_tab_goes_on_to_the_start_button_and_back_to_the_routines(
    qtbot: QtBot, window: MainWindow
) -> None:
    picker = window.picker
    qtbot.keyClick(picker.routine_list, Qt.Key.Key_Tab)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is picker.cards[1]
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is picker.start_button
    for _ in range(3):
        qtbot.keyClick(focused(), Qt.Key.Key_Backtab)
    assert focused() is picker.routine_list
    # Another routine: its own cards, none opened.
    qtbot.keyClick(picker.routine_list, Qt.Key.Key_Down)
    assert picker.name_label.text() == "Long hold"
    assert [card.step.stretch.id for card in picker.cards] == ["seated"]
    assert picker.expanded_card() is None
    qtbot.keyClick(picker.routine_list, Qt.Key.Key_Tab)
    assert picker.expanded_card() is picker.cards[0]
    assert "Sit on the edge of a chair." in picker.cards[0].text()


def test_a_click_opens_a_stretch(qtbot: QtBot, window: MainWindow) -> None:
    picker = window.picker
    second = picker.cards[1]
    qtbot.mouseClick(second.header, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert picker.expanded_card() is second
    assert focused() is second


@pytest.mark.parametrize(("width", "height"), [(800, 600), (1000, 700)])
def test_real_routines_show_every_caution_and_bring_the_opened_card_into_view(
    qtbot: QtBot, clock: FakeClock, data_dir: Path, width: int, height: int
) -> None:
    library = load_library([paths.bundled_routines_file()]).library
    window = build_window(library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    picker = window.picker
    bar = picker.stretch_scroll.verticalScrollBar()
    view = picker.stretch_scroll.viewport()
    pages = 0
    for routine in library.routines:
        assert window.select_routine(routine.id)
        assert len(picker.cards) == len(routine.steps)
        for card, step in zip(picker.cards, routine.steps, strict=True):
            for caution in step.stretch.cautions:
                assert caution in card.text()
        # Keys only: into the cards, down to the last; each opened card is in view, top first.
        picker.routine_list.setFocus()
        qtbot.keyClick(picker.routine_list, Qt.Key.Key_Tab)
        for index, card in enumerate(picker.cards):
            if index:
                qtbot.keyClick(picker.cards[index - 1], Qt.Key.Key_Down)
            assert picker.expanded_card() is card

            def in_view(card: StretchCard = card) -> bool:
                if card.height() < card.heightForWidth(card.width()):
                    return False  # still opening
                # All of it, or as much as fits from its top down.
                top = card.y() - bar.value()
                whole = top + card.height() <= view.height()
                return top == 0 or (top > 0 and whole)

            qtbot.waitUntil(in_view)
            for line in card.step.stretch.instructions:
                assert line in card.text()
            if card.height() > view.height():
                # Taller than the view: Page Down reads on, the card keeps the focus.
                before = bar.value()
                qtbot.keyClick(card, Qt.Key.Key_PageDown)
                after = bar.value()
                assert after > before
                assert focused() is card
                qtbot.keyClick(card, Qt.Key.Key_PageUp)
                assert bar.value() < after
                pages += 1
    assert pages if height == 600 else True  # the small window did need Page Down
    # Nothing in the picker needs more width than the window has.
    assert window.minimumSizeHint().width() <= width


def test_no_routines_leaves_nothing_to_preview(
    qtbot: QtBot, clock: FakeClock, data_dir: Path
) -> None:
    empty = Library(stretches=MappingProxyType({}), routines=(), symptoms=MappingProxyType({}))
    window = build_window(empty, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.show()
    assert window.picker.cards == []
    assert window.picker.name_label.text() == "No routines loaded"
    assert window.picker.hint_label.isHidden()
    assert not window.picker.start_button.isEnabled()


def test_text_grows_with_a_full_screen_window_and_never_shrinks(
    qtbot: QtBot, window: MainWindow
) -> None:
    picker = window.picker
    base = window.font().pointSizeF()
    window.resize(800, 600)
    qtbot.waitUntil(lambda: picker.height() < 600)
    assert picker.text_scale == 1.0
    small = picker.cards[0].header.font().pointSizeF()
    assert small >= 1.15 * base - 0.01
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: picker.text_scale > 1.4)
    # Read from across the room: every part of the preview is larger, the new cards too.
    assert picker.cards[0].header.font().pointSizeF() > 1.4 * small
    assert picker.name_label.font().pointSizeF() > 1.4 * 1.5 * base
    qtbot.keyClick(picker.routine_list, Qt.Key.Key_Down)
    assert picker.cards[0].header.font().pointSizeF() > 1.4 * small
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: picker.text_scale == 1.0)
    assert picker.cards[0].header.font().pointSizeF() == small
