"""The controller: a new engine per session, one hub for their events, when its timer wakes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from desktop_app.events import Event, SessionEnded, SessionStarted
from desktop_app.ui.controller import (
    ARC_STEP_PIXELS,
    FRAME_INTERVAL,
    SessionController,
    next_frame_delay,
)
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS, LONG


@pytest.fixture
def controller(qtbot: QtBot, clock: FakeClock) -> SessionController:
    owner = QObject()
    made = SessionController(owner, clock=clock)
    made._owner = owner  # type: ignore[attr-defined]  # keeps the parent alive
    return made


@pytest.mark.parametrize(
    ("duration", "until_next_second", "ring_length", "delay"),
    [
        (100, 1.0, 1000, 0.2),  # 2 px of a 1000 px ring: every 1/500 of the phase
        (200, 1.0, 1000, 0.4),
        (100, 1.0, 2000, 0.1),  # a larger ring moves sooner by 2 px
        (30, 1.0, 1257, 0.1),  # a 30 s hold on a 400 px ring: 10 a second at most
        (5, 1.0, 600, 0.1),
        (900, 1.0, 1257, 1.0),  # a long hold: once a second, when the number changes
        (900, 0.3, 1257, 0.3),  # ... at the second boundary
        (100, 0.05, 1000, 0.05),  # the next second comes before the ring's next step
        (100, 1.0, 0, 1.0),  # no ring on screen: the number only
    ],
)
def test_the_timer_wakes_for_the_next_visible_change(
    duration: float, until_next_second: float, ring_length: float, delay: float
) -> None:
    assert next_frame_delay(duration, until_next_second, ring_length) == pytest.approx(delay)


def test_the_ring_moves_about_two_pixels_a_frame_at_most_ten_frames_a_second() -> None:
    capped = 0
    for duration in (30, 60, 120, 300):
        for ring_length in (600, 1000, 1500, 2500):
            delay = next_frame_delay(duration, 1.0, ring_length)
            moved = ring_length * delay / duration
            assert delay >= FRAME_INTERVAL
            if delay > FRAME_INTERVAL:
                assert moved == pytest.approx(ARC_STEP_PIXELS)
            else:  # a fast ring: no more than 10 frames a second, in larger steps
                capped += 1
                assert moved >= ARC_STEP_PIXELS
    assert 0 < capped < 16


def test_timer_wakes_for_the_next_second_or_frame(
    controller: SessionController, clock: FakeClock
) -> None:
    controller.set_ring_length(360)  # 2 px of 360 in a 90 s hold: every 0.5 s
    controller.start(LONG)
    timer = controller._timer
    assert timer.isActive()
    assert timer.interval() == 501  # next frame, 1 ms past it
    clock.advance(0.7)
    controller.refresh()
    assert timer.interval() == 301  # 0.3 s to the next second
    controller.set_ring_length(720)  # twice the ring: twice as often
    clock.advance(0.3)
    controller.refresh()
    assert timer.interval() == 251
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
