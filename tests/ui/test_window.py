"""The main window driven with keys and clicks on a fake clock: what the person sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app import paths
from desktop_app.events import Phase, SessionEnded, State
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS, FakeError, WindowFactory

REAL_CONFIRM_STOP = MainWindow.confirm_stop  # before the fixture replaces it with "yes"


def advance(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock and let the controller tick, as its timer would."""
    clock.advance(seconds)
    window.controller.refresh()


def key(qtbot: QtBot, window: MainWindow, k: Qt.Key) -> None:
    qtbot.keyClick(window, k)


def shown(window: MainWindow) -> dict[str, str]:
    page = window.session_page
    return {
        "name": page.stretch_label.text(),
        "phase": page.phase_label.text(),
        "side": page.side_label.text(),
        "count": page.countdown.text,
        "next": page.next_label.text(),
        "progress": page.progress_label.text(),
    }


def start_basics(qtbot: QtBot, window: MainWindow) -> None:
    assert window.select_routine("basics")
    key(qtbot, window, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.session_page


# ------------------------------------------------------------------ picker


def test_picker_lists_routines_with_counts_and_time(window: MainWindow) -> None:
    items = [window.picker.routine_list.item(i).text() for i in range(2)]
    assert items[0] == "Hamstring basics\n2 stretches · 3 min 55 s"
    assert items[1].startswith("Long hold\n1 stretch")
    assert window.picker.name_label.text() == "Hamstring basics"
    assert (
        window.picker.cards[0].text().startswith("1. Towel hamstring stretch · 3 × 30 s, each side")
    )
    assert window.picker.errors_box.isHidden()


def test_picker_lists_files_that_failed_to_load(make_window: WindowFactory) -> None:
    errors = {"bad.yaml": [FakeError("bad.yaml:14:9: unknown key 'hodl' (did you mean 'hold'?)")]}
    window = make_window(load_errors=errors)
    assert window.picker.errors_box.isVisible()
    assert "1 file could not be loaded" in window.picker.errors_title.text()
    assert "bad.yaml:14:9: unknown key 'hodl'" in window.picker.errors_text.toPlainText()


def test_start_button_click_starts_the_selected_routine(qtbot: QtBot, window: MainWindow) -> None:
    window.select_routine("long")
    qtbot.mouseClick(window.picker.start_button, Qt.MouseButton.LeftButton)
    assert shown(window)["name"] == "Seated hamstring stretch"


# ------------------------------------------------------------------ session display


def test_session_shows_phase_side_countdown_and_next(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start_basics(qtbot, window)
    assert shown(window) == {
        "name": "Towel hamstring stretch",
        "phase": "Get into position",
        "side": "Left leg, rep 1 of 3",
        "count": "5",
        "next": "Then: hold for 30 s",
        "progress": "Stretch 1 of 2 · 3:55 left",
    }
    assert "Never bounce." in window.session_page.cautions_label.text()
    assert "Loop the towel" in window.session_page.instructions_label.text()

    advance(window, clock, 5)
    view = shown(window)
    assert (view["phase"], view["count"]) == ("Hold", "30")
    assert view["next"] == "Next: Towel hamstring stretch, right leg · 30 s"
    assert window.session_page.cautions_label.isHidden()
    assert "Keep your back flat." in window.session_page.tips_label.text()

    advance(window, clock, 10.5)
    assert shown(window)["count"] == "20"
    assert window.session_page.countdown.fraction == pytest.approx(19.5 / 30)

    advance(window, clock, 19.5)
    view = shown(window)
    assert (view["phase"], view["side"], view["count"]) == (
        "Switch to the right side",
        "Right leg, rep 1 of 3",
        "5",
    )
    advance(window, clock, 5 + 30)
    assert (shown(window)["phase"], shown(window)["side"]) == (
        "Switch to the left side",
        "Left leg, rep 2 of 3",
    )


def test_countdown_uses_minutes_from_one_minute_up(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.select_routine("long")
    key(qtbot, window, Qt.Key.Key_Enter)
    view = shown(window)
    assert (view["phase"], view["count"], view["side"]) == ("Hold", "1:30", "Rep 1 of 2")
    assert view["next"] == "Next: rest, then rep 2 · 1 min 30 s"
    advance(window, clock, 29.2)
    assert shown(window)["count"] == "1:01"
    advance(window, clock, 0.8)
    assert shown(window)["count"] == "1:00"
    advance(window, clock, 0.5)
    assert shown(window)["count"] == "1:00"  # 59.5 s left reads as 60 s
    advance(window, clock, 0.5)
    assert shown(window)["count"] == "59"
    advance(window, clock, 59 + 10)
    view = shown(window)
    assert (view["count"], view["next"]) == ("1:30", "Last hold of the routine")


# ------------------------------------------------------------------ controls


def test_space_pauses_and_resumes(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    start_basics(qtbot, window)
    advance(window, clock, 8)
    key(qtbot, window, Qt.Key.Key_Space)
    assert shown(window)["phase"] == "Paused · Hold"
    assert window.session_page.pause_button.text() == "Resume  (Space)"
    advance(window, clock, 500)
    assert shown(window)["count"] == "27"
    key(qtbot, window, Qt.Key.Key_Space)
    assert shown(window)["phase"] == "Hold"
    assert window.session_page.pause_button.text() == "Pause  (Space)"
    advance(window, clock, 27)
    assert shown(window)["phase"] == "Switch to the right side"


def test_buttons_show_their_keys(window: MainWindow) -> None:
    page = window.session_page
    texts = [b.text() for b in (page.pause_button, page.back_button, page.skip_button)]
    assert texts == ["Pause  (Space)", "Back  (←)", "Skip  (→)"]
    assert page.stop_button.text() == "Stop  (Esc)"
    assert page.symptom_buttons["tingling"].text() == "Tingling  (T)"
    assert page.symptom_buttons["pain"].text() == "Pain  (P)"


def test_right_skips_and_left_goes_back(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    start_basics(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Right)  # prepare -> hold now
    assert (shown(window)["phase"], shown(window)["count"]) == ("Hold", "30")
    advance(window, clock, 4)
    key(qtbot, window, Qt.Key.Key_Right)  # hold -> skipped, right side prepare
    assert shown(window)["side"] == "Right leg, rep 1 of 3"
    advance(window, clock, 7)  # 2 s into the right hold
    key(qtbot, window, Qt.Key.Key_Left)  # restart the hold
    assert (shown(window)["phase"], shown(window)["count"]) == ("Hold", "30")
    advance(window, clock, 1)
    key(qtbot, window, Qt.Key.Key_Left)  # again within 2 s: previous hold, its prepare first
    view = shown(window)
    assert (view["phase"], view["side"], view["count"]) == (
        "Get into position",
        "Left leg, rep 1 of 3",
        "5",
    )


def test_clicking_the_buttons_drives_the_session(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start_basics(qtbot, window)
    page = window.session_page
    qtbot.mouseClick(page.skip_button, Qt.MouseButton.LeftButton)
    assert shown(window)["phase"] == "Hold"
    qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert shown(window)["phase"].startswith("Paused")
    qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert shown(window)["phase"] == "Hold"


def test_escape_asks_first(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_basics(qtbot, window)
    asked: list[bool] = []

    def refuse(self: MainWindow, quitting: bool = False) -> bool:
        asked.append(quitting)
        return False

    monkeypatch.setattr(MainWindow, "confirm_stop", refuse)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert asked == [False]
    assert window.stack.currentWidget() is window.session_page
    snap = window.controller.snapshot()
    assert snap is not None
    assert snap.state is State.PREPARING

    monkeypatch.setattr(MainWindow, "confirm_stop", lambda self, quitting=False: True)
    advance(window, clock, 15)
    with qtbot.waitSignal(window.session_finished) as blocker:
        key(qtbot, window, Qt.Key.Key_Escape)
    assert blocker.args == [SessionEnded(status="stopped", held_seconds=10.0)]
    assert window.stack.currentWidget() is window.summary_page
    assert window.summary_page.title_label.text() == "Session ended early"
    assert "Towel hamstring stretch: 0 of 6 holds (1 stopped)" in (
        window.summary_page.details_label.text()
    )
    assert "No symptoms reported." in window.summary_page.symptoms_label.text()


def test_session_stands_still_while_the_question_is_open(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []
    window.controller.events.subscribe(seen.append)
    start_basics(qtbot, window)
    advance(window, clock, 3)  # 2 s of the prepare left
    during: list[tuple[object, ...]] = []

    def think_then_refuse(self: MainWindow, quitting: bool = False) -> bool:
        # The person reads the question for a minute: nothing may run on behind it.
        advance(self, clock, 60)
        snap = self.controller.snapshot()
        assert snap is not None
        during.append((snap.phase, snap.remaining, shown(self)["count"]))
        return False

    monkeypatch.setattr(MainWindow, "confirm_stop", think_then_refuse)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert during == [(Phase.PREPARING, 2.0, "2")]
    snap = window.controller.snapshot()
    assert snap is not None
    assert (snap.state, snap.remaining) == (State.PREPARING, 2.0)  # runs on after "No"
    assert window.controller._timer.isActive()
    advance(window, clock, 2)
    assert shown(window)["phase"] == "Hold"
    assert not [e for e in seen if type(e).__name__ in ("SessionPaused", "SessionResumed")]


def test_quitting_asks_its_own_question_and_saves_the_session_as_stopped(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended: list[object] = []
    window = make_window()
    window.controller.events.subscribe(ended.append)
    start_basics(qtbot, window)
    advance(window, clock, 7)  # 2 s into the hold
    asked: list[bool] = []

    def agree(self: MainWindow, quitting: bool = False) -> bool:
        asked.append(quitting)
        advance(self, clock, 30)  # held time stands still while asked
        return True

    monkeypatch.setattr(MainWindow, "confirm_stop", agree)
    window.quit_action.trigger()
    assert asked == [True]
    assert ended[-1] == SessionEnded(status="stopped", held_seconds=2.0)


def test_question_wording_for_ending_and_quitting(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    texts: list[str] = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        box.reject()

    for quitting in (False, True):
        QTimer.singleShot(0, answer_no)
        assert REAL_CONFIRM_STOP(window, quitting=quitting) is False
    assert texts[0].startswith("End this session now?")
    assert texts[1].startswith("Quit Stretch Timer? This session will be saved as stopped")


def test_end_session_on_the_stopped_screen_does_not_ask_again(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def refuse(self: MainWindow, quitting: bool = False) -> bool:
        asked.append(quitting)
        return False

    monkeypatch.setattr(MainWindow, "confirm_stop", refuse)
    start_basics(qtbot, window)
    advance(window, clock, 12)
    key(qtbot, window, Qt.Key.Key_P)
    with qtbot.waitSignal(window.session_finished):
        key(qtbot, window, Qt.Key.Key_Escape)
    assert asked == []
    assert window.stack.currentWidget() is window.summary_page


# ------------------------------------------------------------------ symptoms


# The symptom paths, driven by keys only, are in test_session_safety.py.


# ------------------------------------------------------------------ summary and back


def test_full_run_ends_in_a_summary_then_the_picker(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start_basics(qtbot, window)
    advance(window, clock, 5 + 30 + 10)
    key(qtbot, window, Qt.Key.Key_T)
    with qtbot.waitSignal(window.session_finished):
        advance(window, clock, 300)
    summary = window.summary_page
    assert summary.title_label.text() == "Routine complete"  # a symptom was reported
    assert summary.routine_label.text() == "Hamstring basics"
    assert summary.totals_label.text() == (
        "7 of 7 holds done · held 3 min 20 s · total time 5 min 45 s"
    )
    # Tingling in a hold never vanishes when the routine ends: it is here with its red flags.
    assert "Tingling" in summary.symptoms_label.text()
    assert "Numbness that stays." in summary.symptoms_label.text()
    key(qtbot, window, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.picker


# ------------------------------------------------------------------ menus, notice, settings


def test_history_menu_emits_history_requested(qtbot: QtBot, window: MainWindow) -> None:
    assert window.history_action.shortcut().toString() == "Ctrl+H"
    with qtbot.waitSignal(window.history_requested):
        window.history_action.trigger()
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_show_notice(window: MainWindow) -> None:
    assert window.notice.isHidden()
    window.show_notice("The session log could not be written: disk full")
    assert window.notice.isVisible()
    assert "disk full" in window.notice.text()
    window.show_notice("")
    assert window.notice.isHidden()


def test_a_subscriber_to_the_controllers_events_hears_every_session_in_order(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    seen: list[object] = []
    window.controller.events.subscribe(seen.append)
    window.select_routine("long")
    key(qtbot, window, Qt.Key.Key_Return)
    assert type(seen[0]).__name__ == "SessionStarted"
    advance(window, clock, 300)
    assert type(seen[-1]).__name__ == "SessionEnded"
    window.show_picker()
    key(qtbot, window, Qt.Key.Key_Return)  # a second session: the same subscription
    names = [type(e).__name__ for e in seen]
    assert names.count("SessionStarted") == 2
    assert names.index("SessionEnded") < len(names) - 1
    assert names[names.index("SessionEnded") + 1] == "SessionStarted"


def test_a_failing_subscriber_is_logged_and_the_others_and_the_session_go_on(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("boom")

    after: list[object] = []
    window.controller.events.subscribe(broken)
    window.controller.events.subscribe(after.append)
    start_basics(qtbot, window)
    advance(window, clock, 6)
    assert type(after[0]).__name__ == "SessionStarted"
    assert shown(window)["phase"] == "Hold"
    assert "RuntimeError: boom" in caplog.text


def test_settings_remember_last_routine_and_geometry(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    first = make_window()
    first.resize(900, 650)
    first.select_routine("long")
    key(qtbot, first, Qt.Key.Key_Return)
    first.close()
    assert (data_dir / "settings.ini").is_file()
    second = make_window()
    selected = second.picker.selected_routine()
    assert selected is not None
    assert selected.id == "long"
    # The offscreen screen is 800x600 wide, so the restored width is clamped to it.
    assert second.height() == 650


def test_closing_during_a_session_stops_it(
    qtbot: QtBot, make_window: WindowFactory, clock: FakeClock
) -> None:
    ended: list[object] = []
    window = make_window()
    window.controller.events.subscribe(ended.append)
    start_basics(qtbot, window)
    advance(window, clock, 6)
    window.close()
    assert ended[-1] == SessionEnded(status="stopped", held_seconds=1.0)


def test_window_works_at_800_by_600(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(800, 600)
    start_basics(qtbot, window)
    qtbot.waitUntil(lambda: window.session_page.countdown.height() >= 180)
    assert window.width() == 800
    assert window.session_page.countdown.isVisible()
    assert BASICS.name  # the routine under test


@pytest.mark.parametrize(("width", "height"), [(1000, 700), (800, 600)])
def test_real_symptom_advice_fits_and_got_it_stays_in_view(
    qtbot: QtBot,
    make_window: WindowFactory,
    clock: FakeClock,
    data_dir: Path,
    width: int,
    height: int,
) -> None:
    library = load_library([paths.resources_dir() / "routines.yaml"]).library
    window = build_window(library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    assert window.start_selected()
    advance(window, clock, 12)
    window.controller.report_symptom(library.symptoms["tingling"])
    page = window.session_page
    qtbot.waitUntil(page.advice_box.isVisible)
    assert "See a professional if" in page.advice_label.text()
    bar = page.advice_scroll.verticalScrollBar()
    if (width, height) == (1000, 700):
        # Advice and red flags without scrolling, once the layout has settled.
        qtbot.waitUntil(lambda: page.advice_box.height() > 400 and bar.maximum() == 0)
    # The dismiss button is never inside the scrolling part, and fully inside the window.
    button = page.dismiss_button
    assert button.isVisible()
    assert not page.advice_scroll.isAncestorOf(button)
    corner = button.mapTo(window, button.rect().bottomRight())
    assert window.rect().contains(corner)


@pytest.mark.parametrize(("width", "height"), [(1000, 700), (800, 600)])
def test_text_reads_from_across_the_room_and_still_fits(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, width: int, height: int
) -> None:
    window.resize(width, height)
    start_basics(qtbot, window)
    page = window.session_page
    base = window.font().pointSizeF()

    def ratio(label: QLabel) -> float:
        return label.font().pointSizeF() / base

    assert ratio(page.phase_label) >= 2.5
    assert ratio(page.side_label) >= 1.6
    assert ratio(page.instructions_label) >= 1.25
    assert ratio(page.cautions_label) >= 1.25
    assert ratio(page.next_label) >= 1.2
    assert ratio(page.advice_label) >= 1.25
    advance(window, clock, 5)
    assert ratio(page.tips_label) >= 1.25
    # The countdown digits keep their size (about a fifth of the window's height).
    qtbot.waitUntil(lambda: page.countdown.number_font().pixelSize() >= 0.2 * height - 10)
    # Nothing needs more width than the window has.
    assert window.minimumSizeHint().width() <= width
    assert page.progress_label.width() >= page.progress_label.sizeHint().width()


def test_time_left_under_a_minute_reads_as_minutes_and_seconds(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start_basics(qtbot, window)
    advance(window, clock, 235 - 18)
    assert shown(window)["progress"] == "Stretch 2 of 2 · 0:18 left"
    assert shown(window)["count"] == "18"  # the countdown itself stays a bare number
