"""When the screen saver is held off: a session, a long pause, its end (fake clock, inhibitor)."""

from __future__ import annotations

from desktop_app.engine import SessionEngine
from desktop_app.keep_awake import PAUSE_LIMIT, KeepAwake
from desktop_app.model import Routine, Step, Stretch
from tests.conftest import FakeClock

STRETCH = Stretch("s", "S", ("calves",), False, ("Stand.",))
ROUTINE = Routine("r", "R", "", (Step(STRETCH, hold=30, reps=2, rest=5, prepare=5),))


class FakeInhibitor:
    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.calls: list[str] = []

    def inhibit(self, reason: str) -> bool:
        self.calls.append("inhibit")
        return self.works

    def release(self) -> None:
        self.calls.append("release")


def session(clock: FakeClock, inhibitor: FakeInhibitor) -> tuple[SessionEngine, KeepAwake]:
    keep = KeepAwake(inhibitor, clock)
    engine = SessionEngine(ROUTINE, clock)
    engine.subscribe(keep)
    return engine, keep


def test_held_for_the_session_and_released_at_its_end(clock: FakeClock) -> None:
    inhibitor = FakeInhibitor()
    engine, keep = session(clock, inhibitor)
    engine.start()
    assert keep.held
    for _ in range(80):
        clock.advance(1)
        engine.tick()
    assert engine.snapshot().ended
    assert inhibitor.calls == ["inhibit", "release"]
    assert not keep.held


def test_a_stop_releases(clock: FakeClock) -> None:
    inhibitor = FakeInhibitor()
    engine, _ = session(clock, inhibitor)
    engine.start()
    engine.stop()
    assert inhibitor.calls == ["inhibit", "release"]


def test_a_long_pause_releases_and_resume_holds_again(clock: FakeClock) -> None:
    inhibitor = FakeInhibitor()
    engine, keep = session(clock, inhibitor)
    engine.start()
    engine.pause()
    assert keep.seconds_until_check() == PAUSE_LIMIT
    clock.advance(PAUSE_LIMIT - 1)
    keep.check()
    assert keep.held  # 9 min 59 s: still held
    clock.advance(1)
    keep.check()
    assert not keep.held
    assert keep.seconds_until_check() is None
    engine.resume()
    assert keep.held
    assert inhibitor.calls == ["inhibit", "release", "inhibit"]


def test_a_short_pause_changes_nothing(clock: FakeClock) -> None:
    inhibitor = FakeInhibitor()
    engine, keep = session(clock, inhibitor)
    engine.start()
    engine.pause()
    clock.advance(60)
    engine.resume()
    clock.advance(PAUSE_LIMIT)
    keep.check()
    assert inhibitor.calls == ["inhibit"]
    assert keep.seconds_until_check() is None


def test_no_inhibitor_means_nothing_to_release(clock: FakeClock) -> None:
    inhibitor = FakeInhibitor(works=False)
    engine, keep = session(clock, inhibitor)
    engine.start()
    assert not keep.held
    engine.pause()
    clock.advance(PAUSE_LIMIT * 2)
    keep.check()
    engine.stop()
    assert "release" not in inhibitor.calls
