"""The controller: a new engine per session, one hub for their events, when its timer wakes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from desktop_app.events import Event, SessionEnded, SessionStarted
from desktop_app.ui.controller import SessionController
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS, LONG


@pytest.fixture
def controller(qtbot: QtBot, clock: FakeClock) -> SessionController:
    owner = QObject()
    made = SessionController(owner, clock=clock)
    made._owner = owner  # type: ignore[attr-defined]  # keeps the parent alive
    return made


@pytest.mark.parametrize(
    ("duration", "delay"), [(5, 0.1), (10, 0.1), (30, 0.25), (60, 0.5), (600, 0.5)]
)
def test_ring_redraws_about_every_three_degrees(
    controller: SessionController, duration: float, delay: float
) -> None:
    assert controller.frame_delay(duration) == pytest.approx(delay)


def test_timer_wakes_for_the_next_second_or_frame(
    controller: SessionController, clock: FakeClock
) -> None:
    controller.start(LONG)  # a 90 s hold: frames every 0.5 s at most
    timer = controller._timer
    assert timer.isActive()
    assert timer.interval() == 501  # next frame, 1 ms past it
    clock.advance(0.7)
    controller.refresh()
    assert timer.interval() == 301  # 0.3 s to the next second
    controller.pause()
    assert not timer.isActive()
    controller.resume()
    assert timer.isActive()


def test_each_session_gets_a_new_engine_and_one_subscription_hears_them_all(
    controller: SessionController, clock: FakeClock
) -> None:
    seen: list[Event] = []
    controller.events.subscribe(seen.append)
    first = controller.start(BASICS)
    assert controller.engine is first
    second = controller.start(LONG)  # the first is stopped
    assert controller.engine is second
    assert second is not first
    # Every event of both sessions, in order: the first ends before the second starts.
    kinds = [type(e) for e in seen]
    assert kinds.count(SessionStarted) == 2
    assert kinds[0] is SessionStarted
    stopped = seen.index(SessionEnded(status="stopped", held_seconds=0.0))
    assert kinds[stopped + 1] is SessionStarted
    assert seen[stopped + 1] == SessionStarted(LONG)
    assert controller.active
    controller.stop()
    assert not controller.active
    assert not controller._timer.isActive()


def test_holding_time_freezes_the_session_without_pause_events(
    controller: SessionController, clock: FakeClock
) -> None:
    seen: list[Event] = []
    controller.events.subscribe(seen.append)
    engine = controller.start(LONG)  # a 90 s hold
    clock.advance(10)
    with controller.hold_time():
        assert controller.time_held
        assert not controller._timer.isActive()
        clock.advance(45)
        controller.refresh()
        assert engine.snapshot().remaining == 80
        assert not controller._timer.isActive()
    assert controller._timer.isActive()
    clock.advance(5)
    assert engine.snapshot().remaining == 75
    assert [type(e).__name__ for e in seen if "Paus" in type(e).__name__] == []
