"""The symptom paths through the real window, driven by keys only: what shows, what is logged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_app import paths
from desktop_app.routines import load_library
from desktop_app.storage import history_json, open_store
from desktop_app.ui.app import build_window
from desktop_app.ui.session_log import SessionLogLink, attach_session_log
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import WindowFactory


def advance(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock and let the controller tick, as its timer would."""
    clock.advance(seconds)
    window.controller.refresh()


def press(qtbot: QtBot, window: MainWindow, *keys: Qt.Key) -> None:
    for k in keys:
        qtbot.keyClick(window, k)


def visible_choices(window: MainWindow) -> list[str]:
    return [b.text() for b in window.session_page.choice_buttons if b.isVisible()]


@pytest.fixture
def logged(
    make_window: WindowFactory, data_dir: Path
) -> Iterator[tuple[MainWindow, SessionLogLink]]:
    window = make_window()
    link = attach_session_log(window, data_dir)
    yield window, link
    link.close()


def logged_session(link: SessionLogLink, data_dir: Path) -> dict[str, Any]:
    link.close()
    store, _ = open_store(data_dir)
    assert store is not None
    try:
        (session,) = history_json(store)
    finally:
        store.close()
    return session


def holds_of(session: dict[str, Any]) -> list[tuple[str, str | None, float, str]]:
    return [(h["stretch_id"], h["side"], h["held_seconds"], h["outcome"]) for h in session["holds"]]


def start(qtbot: QtBot, window: MainWindow, routine_id: str) -> None:
    assert window.select_routine(routine_id)
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.session_page


def test_pain_in_the_last_stretch_shows_the_stopped_screen_before_the_summary(
    qtbot: QtBot, logged: tuple[MainWindow, SessionLogLink], clock: FakeClock, data_dir: Path
) -> None:
    window, link = logged
    start(qtbot, window, "basics")
    advance(window, clock, 6 * (5 + 30))  # the six towel holds, each after a prepare
    advance(window, clock, 5 + 8)  # 8 s into the calf's hold: the routine's last
    page = window.session_page
    assert page.stretch_label.text() == "Wall calf stretch"
    press(qtbot, window, Qt.Key.Key_P)
    assert window.stack.currentWidget() is window.session_page  # not straight to the summary
    assert page.stretch_label.text() == "Stopped: Wall calf stretch"
    assert page.phase_label.text() == "You reported: Pain"
    assert page.advice_box.isVisible()
    assert "Sharp pain." in page.advice_label.text()
    assert visible_choices(window) == ["End session: that was the last stretch  (Enter or Esc)"]
    assert not page.countdown.isVisible()
    assert not page.pause_button.isVisible()
    advance(window, clock, 600)
    press(qtbot, window, Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left)  # nothing to run
    assert page.stretch_label.text() == "Stopped: Wall calf stretch"
    with qtbot.waitSignal(window.session_finished):
        press(qtbot, window, Qt.Key.Key_Return)
    summary = window.summary_page
    assert summary.isVisible()
    assert summary.title_label.text() == "Session ended early"
    text = summary.symptoms_label.text()
    assert "Pain" in text
    assert "Reported in Wall calf stretch." in text
    assert "Sharp pain." in text
    assert "Come out of the stretch slowly." in text

    session = logged_session(link, data_dir)
    assert session["status"] == "stopped"
    assert holds_of(session)[-1] == ("wall-calf", None, 8.0, "stopped")
    assert [(e["kind"], e["stretch_id"], e["symptom"]) for e in session["events"]] == [
        ("symptom", "wall-calf", "pain"),
        ("pause", None, None),
    ]


def test_pain_then_continue_shows_the_next_stretch_in_full_and_keeps_the_flags_a_key_away(
    qtbot: QtBot, logged: tuple[MainWindow, SessionLogLink], clock: FakeClock, data_dir: Path
) -> None:
    window, link = logged
    start(qtbot, window, "basics")
    advance(window, clock, 5 + 12)
    press(qtbot, window, Qt.Key.Key_P)
    page = window.session_page
    assert visible_choices(window) == [
        "Continue with the next stretch: Wall calf stretch  (Enter or Space)",
        "End session  (Esc)",
    ]
    assert page.choice_buttons[0].hasFocus()
    assert page.choice_buttons[0].font().bold()
    press(qtbot, window, Qt.Key.Key_Space)
    assert page.stretch_label.text() == "Wall calf stretch"
    assert page.phase_label.text() == "Get into position"
    # The pain panel stayed with the stretch that hurt: the calf's own instructions show.
    assert not page.advice_box.isVisible()
    assert page.instructions_label.isVisible()
    assert "Face the wall." in page.instructions_label.text()
    assert page.reminder_label.isVisible()
    assert page.reminder_label.text() == (
        "Pain reported in Towel hamstring stretch: what to watch for (W)"
    )
    press(qtbot, window, Qt.Key.Key_W)
    assert page.advice_box.isVisible()
    assert page.advice_title.text() == "What to watch for"
    assert "Sharp pain." in page.advice_label.text()
    assert page.dismiss_button.text() == "Got it  (G)"
    assert not page.reminder_label.isVisible()
    press(qtbot, window, Qt.Key.Key_G)
    assert not page.advice_box.isVisible()
    assert page.reminder_label.isVisible()
    with qtbot.waitSignal(window.session_finished):
        advance(window, clock, 5 + 20)
    assert "Sharp pain." in window.summary_page.symptoms_label.text()

    session = logged_session(link, data_dir)
    assert session["status"] == "completed"
    assert holds_of(session) == [
        ("towel-hamstring", "left", 12.0, "stopped"),
        ("wall-calf", None, 20.0, "completed"),
    ]
    assert [e["kind"] for e in session["events"]] == ["symptom", "pause", "resume"]


def test_a_repeated_tingling_report_offers_to_stop_the_stretch_first(
    qtbot: QtBot, logged: tuple[MainWindow, SessionLogLink], clock: FakeClock, data_dir: Path
) -> None:
    window, link = logged
    start(qtbot, window, "basics")
    advance(window, clock, 5 + 10)
    page = window.session_page
    press(qtbot, window, Qt.Key.Key_T)
    assert page.advice_box.isVisible()
    assert page.advice_title.text() == "Tingling"
    text = page.advice_label.text()
    own = text.index("Let the towel go a little slack.")
    assert own < text.index("Bend the knee slightly.") < text.index("See a professional if")
    assert "Keep going gently" in text
    assert page.dismiss_button.text() == "Got it  (G)"
    assert not page.stop_stretch_button.isVisible()
    assert not page.instructions_label.isVisible()

    press(qtbot, window, Qt.Key.Key_T)
    text = page.advice_label.text()
    assert "Reported again (2 times in this session)." in text
    assert "come back" not in text
    assert text.index("See a professional if") < text.index("Let the towel go a little slack.")
    assert page.stop_stretch_button.isVisible()
    assert page.stop_stretch_button.text() == "Stop this stretch  (S)"
    assert page.stop_stretch_button.font().bold()
    assert page.stop_stretch_button.x() < page.dismiss_button.x()
    press(qtbot, window, Qt.Key.Key_G)
    assert not page.advice_box.isVisible()
    assert page.instructions_label.isVisible()
    assert page.reminder_label.text() == (
        "Tingling reported in Towel hamstring stretch: what to watch for (W)"
    )

    advance(window, clock, 20 + 5 + 3)  # on to the right side, 3 s into its hold
    press(qtbot, window, Qt.Key.Key_T)
    assert "This has come back (3 times in this session)." in page.advice_label.text()
    press(qtbot, window, Qt.Key.Key_S)
    assert page.stretch_label.text() == "Stopped: Towel hamstring stretch"
    assert page.phase_label.text() == "You reported: Tingling"
    assert "Numbness that stays." in page.advice_label.text()
    assert visible_choices(window)[0].startswith("Continue with the next stretch: Wall calf")
    press(qtbot, window, Qt.Key.Key_Escape)  # End session: no second question
    assert window.stack.currentWidget() is window.summary_page
    assert "Reported 3 times: in Towel hamstring stretch." in (
        window.summary_page.symptoms_label.text()
    )

    session = logged_session(link, data_dir)
    assert holds_of(session) == [
        ("towel-hamstring", "left", 30.0, "completed"),
        ("towel-hamstring", "right", 3.0, "stopped"),
    ]
    symptoms = [e["symptom"] for e in session["events"] if e["kind"] == "symptom"]
    assert symptoms == ["tingling"] * 3


def test_a_stop_on_routine_stops_on_tingling_and_skips_to_a_different_area(
    qtbot: QtBot, logged: tuple[MainWindow, SessionLogLink], clock: FakeClock, data_dir: Path
) -> None:
    window, link = logged
    start(qtbot, window, "nerve")
    advance(window, clock, 5 + 4)
    press(qtbot, window, Qt.Key.Key_T)
    page = window.session_page
    assert page.stretch_label.text() == "Stopped: Towel hamstring stretch"
    assert page.phase_label.text() == "You reported: Tingling"
    assert visible_choices(window) == [
        "Skip 1 more stretch for the hamstrings and go on to Wall calf stretch  (Enter or N)",
        "Continue with the next stretch, also for the hamstrings: Seated hamstring stretch"
        "  (Space)",
        "End session  (Esc)",
    ]
    press(qtbot, window, Qt.Key.Key_N)
    assert page.stretch_label.text() == "Wall calf stretch"
    assert page.instructions_label.isVisible()
    assert "Tingling reported in Towel hamstring stretch" in page.reminder_label.text()
    with qtbot.waitSignal(window.session_finished):
        advance(window, clock, 5 + 20)

    session = logged_session(link, data_dir)
    assert session["status"] == "completed"
    assert holds_of(session) == [
        ("towel-hamstring", "left", 4.0, "stopped"),
        ("seated", None, 0.0, "skipped"),
        ("seated", None, 0.0, "skipped"),
        ("wall-calf", None, 20.0, "completed"),
    ]


def test_a_second_symptom_while_stopped_keeps_the_buttons_where_they_were(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start(qtbot, window, "basics")
    advance(window, clock, 5 + 4)
    press(qtbot, window, Qt.Key.Key_P)
    page = window.session_page
    buttons = [b for b in page.choice_buttons if b.isVisible()]

    def places() -> list[tuple[str, QPoint]]:
        return [(b.text(), b.mapTo(window, QPoint(0, 0))) for b in buttons]

    before = places()
    press(qtbot, window, Qt.Key.Key_T)
    assert places() == before
    text = page.advice_label.text()
    assert "Sharp pain." in text
    assert "Numbness that stays." in text
    press(qtbot, window, Qt.Key.Key_P)  # it came back: ending is now what the screen suggests
    assert [(t.replace("Enter or ", ""), p) for t, p in places()] == [
        (t.replace("Enter or ", ""), p) for t, p in before
    ]
    end = next(b for b in buttons if b.text().startswith("End session"))
    assert end.text() == "End session  (Enter or Esc)"
    assert end.hasFocus()
    assert end.font().bold()
    assert "Reported again (2 times in this session)." in page.advice_label.text()
    with qtbot.waitSignal(window.session_finished):
        press(qtbot, window, Qt.Key.Key_Return)


def test_space_still_continues_when_end_is_suggested(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start(qtbot, window, "basics")
    advance(window, clock, 12)
    press(qtbot, window, Qt.Key.Key_P, Qt.Key.Key_P)
    assert visible_choices(window)[1] == "End session  (Enter or Esc)"
    press(qtbot, window, Qt.Key.Key_Space)
    page = window.session_page
    assert (page.stretch_label.text(), page.phase_label.text()) == (
        "Wall calf stretch",
        "Get into position",
    )


def _largest_stopped_screen(library: Any) -> tuple[str, int]:
    """A bundled routine and step whose stopped screen has the most choices (three if any)."""
    for routine in library.routines:
        for index in range(len(routine.steps) - 2):
            area = set(routine.steps[index].stretch.area)
            if area & set(routine.steps[index + 1].stretch.area) and any(
                not area & set(s.stretch.area) for s in routine.steps[index + 2 :]
            ):
                return routine.id, index
    return library.routines[0].id, 0


@pytest.mark.parametrize(("width", "height"), [(800, 600), (1000, 700)])
def test_the_stopped_screen_fits_without_scrolling(
    qtbot: QtBot,
    make_window: WindowFactory,  # answers the closing question
    clock: FakeClock,
    data_dir: Path,
    width: int,
    height: int,
) -> None:
    library = load_library([paths.resources_dir() / "routines.yaml"]).library
    routine_id, step = _largest_stopped_screen(library)
    window = build_window(library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    assert window.select_routine(routine_id)
    assert window.start_selected()
    while (
        (snap := window.controller.snapshot()) is not None
        and snap.hold is not None
        and (snap.hold.step_index < step)
    ):
        window.controller.skip()
    advance(window, clock, 30)
    window.controller.report_symptom(library.symptoms["pain"])
    page = window.session_page
    qtbot.waitUntil(page.halted_box.isVisible)
    bar = page.advice_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() == 0)
    for flag in library.symptoms["pain"].seek_help:
        assert flag.split()[0] in page.advice_label.text()
    buttons: list[QPushButton] = [b for b in page.choice_buttons if b.isVisible()]
    assert buttons
    for button in buttons:
        corner = button.mapTo(window, button.rect().bottomRight())
        assert window.rect().contains(corner)
        assert button.width() >= button.sizeHint().width() - 1  # the whole label shows
    # Each thing once: the stretch in the title, the symptom in the phase line, nowhere else.
    assert page.advice_title.isHidden()
    assert not page.side_label.isVisible()


def test_the_history_detail_of_a_session_shows_its_red_flags(
    qtbot: QtBot, logged: tuple[MainWindow, SessionLogLink], clock: FakeClock
) -> None:
    window, link = logged
    start(qtbot, window, "basics")
    advance(window, clock, 5 + 3)
    press(qtbot, window, Qt.Key.Key_P)
    with qtbot.waitSignal(window.session_finished):
        press(qtbot, window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not link.opening)  # the log opens on a worker thread
    history = link.show_history()
    assert history is not None
    qtbot.waitExposed(history)
    dialog = history.open_session(history.model.summary(0).id)
    assert dialog is not None
    text = dialog.symptoms_label.text()
    assert dialog.symptoms_label.isVisible()
    assert "<b>Pain</b> · Reported in Towel hamstring stretch." in text
    assert "Sharp pain." in text
    assert "Come out of the stretch slowly." in text
    dialog.close()
    history.close()
