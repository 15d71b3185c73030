"""The session engine on a fake clock: timeline, controls, symptoms, drift, invariants."""

from __future__ import annotations

import subprocess
import sys
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.engine import BACK_REPEAT_WINDOW, SessionEngine
from desktop_app.events import (
    Event,
    HoldEnded,
    Phase,
    PhaseStarted,
    SecondChanged,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    State,
    StretchStopped,
    SymptomReported,
)
from desktop_app.model import Routine, Step, Stretch, Symptom
from tests.conftest import REPO, FakeClock


def stretch(sid: str = "towel", *, sided: bool = False) -> Stretch:
    return Stretch(
        id=sid,
        name=sid.title(),
        area=("hamstrings",),
        sided=sided,
        instructions=("Lie down.",),
        advice=MappingProxyType({"tingling": ("Ease off a little.",)}),
    )


def routine(*steps: Step) -> Routine:
    return Routine(id="r", name="R", description="", steps=steps)


TINGLING = Symptom("tingling", "Tingling", "T", "continue", ("Bend the knee.",), ("Numbness.",))
PAIN = Symptom("pain", "Pain", "P", "stop", ("Stop.",), ("Sharp pain.",))


class Recorder:
    def __init__(self, engine: SessionEngine) -> None:
        self.events: list[Event] = []
        engine.subscribe(self.events.append)

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]

    def phases(self) -> list[tuple[Phase, float]]:
        return [(e.phase, e.duration) for e in self.events if isinstance(e, PhaseStarted)]

    def clear(self) -> None:
        self.events.clear()


def run_to_end(engine: SessionEngine, clock: FakeClock, step: float = 1.0) -> float:
    start = clock.now
    while engine.state not in (State.FINISHED, State.STOPPED):
        clock.advance(step)
        engine.tick()
    return clock.now - start


def make(clock: FakeClock, *steps: Step) -> tuple[SessionEngine, Recorder]:
    engine = SessionEngine(routine(*steps), clock=clock)
    return engine, Recorder(engine)


# ---------------------------------------------------------------- timeline arithmetic


def test_worked_example_unsided_is_115_seconds(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(), hold=30, reps=3, rest=10, prepare=5))
    assert engine.start()
    snap = engine.snapshot()
    assert snap.routine_remaining == 115
    assert (snap.state, snap.phase, snap.display) == (State.PREPARING, Phase.PREPARING, 5)
    assert run_to_end(engine, clock) == 115
    assert rec.phases() == [
        (Phase.PREPARING, 5),
        (Phase.HOLDING, 30),
        (Phase.RESTING, 10),
        (Phase.HOLDING, 30),
        (Phase.RESTING, 10),
        (Phase.HOLDING, 30),
    ]
    ends = rec.of(HoldEnded)
    assert [(e.held_seconds, e.outcome) for e in ends] == [(30.0, "completed")] * 3
    assert rec.events[-1] == SessionEnded(status="completed", held_seconds=90.0)
    assert engine.state is State.FINISHED


def test_worked_example_sided_is_210_seconds(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(sided=True), hold=30, reps=3, rest=10, prepare=5))
    engine.start()
    assert engine.snapshot().routine_remaining == 210
    assert run_to_end(engine, clock) == 210
    assert rec.phases() == [(Phase.PREPARING, 5), (Phase.HOLDING, 30)] * 6
    sides = [(e.hold.side, e.hold.rep) for e in rec.of(HoldEnded)]
    assert sides == [
        ("left", 1),
        ("right", 1),
        ("left", 2),
        ("right", 2),
        ("left", 3),
        ("right", 3),
    ]


def test_zero_prepare_goes_straight_to_the_hold(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(), hold=3, reps=2, rest=0, prepare=0))
    engine.start()
    assert run_to_end(engine, clock) == 6
    assert rec.phases() == [(Phase.HOLDING, 3), (Phase.HOLDING, 3)]


def test_countdown_reads_ceil_and_seconds_are_emitted_once(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(), hold=3, prepare=0))
    engine.start()
    displays = []
    for _ in range(12):
        clock.advance(0.25)
        engine.tick()
        displays.append(engine.snapshot().display)
    assert displays == [3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0]
    assert [e.remaining for e in rec.of(SecondChanged)] == [2, 1]
    assert engine.state is State.FINISHED


def test_snapshot_progress_fields(clock: FakeClock) -> None:
    engine, _ = make(
        clock,
        Step(stretch("a"), hold=10, reps=2, rest=5, prepare=5),
        Step(stretch("b", sided=True), hold=20, prepare=3),
    )
    idle = engine.snapshot()
    assert (idle.state, idle.hold, idle.hold_total, idle.step_total) == (State.IDLE, None, 4, 2)
    engine.start()
    clock.advance(7.5)  # 2.5 s into the first hold
    snap = engine.snapshot()
    assert snap.state is State.HOLDING
    assert (snap.hold_number, snap.step_number, snap.display) == (1, 1, 8)
    assert snap.remaining == pytest.approx(7.5)
    assert snap.fraction_left == pytest.approx(0.75)
    assert snap.next_hold is not None
    assert snap.next_hold.rep == 2
    assert snap.routine_remaining == pytest.approx(7.5 + 5 + 10 + 2 * (3 + 20))
    assert snap.held_seconds == pytest.approx(2.5)
    assert snap.until_next_second == pytest.approx(0.5)


# ---------------------------------------------------------------- pause and resume


def test_pause_freezes_exactly_and_resume_sets_a_new_deadline(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(), hold=30, prepare=5))
    engine.start()
    clock.advance(5 + 12.3)
    assert engine.pause()
    frozen = engine.snapshot()
    assert frozen.state is State.PAUSED
    assert frozen.phase is Phase.HOLDING
    clock.advance(1000)
    engine.tick()
    assert engine.snapshot().remaining == frozen.remaining == pytest.approx(17.7)
    assert engine.snapshot().held_seconds == pytest.approx(12.3)
    assert engine.resume()
    assert engine.snapshot().remaining == pytest.approx(17.7)
    clock.advance(17.7)
    engine.tick()
    assert engine.state is State.FINISHED
    assert isinstance(rec.events[-1], SessionEnded)
    assert rec.events[-1].held_seconds == pytest.approx(30)
    assert len(rec.of(SessionPaused)) == len(rec.of(SessionResumed)) == 1


def test_toggle_pause_and_noops(clock: FakeClock) -> None:
    engine, _ = make(clock, Step(stretch(), hold=5, prepare=0))
    assert not engine.pause()
    assert not engine.resume()
    assert not engine.skip()
    engine.start()
    assert not engine.start()
    assert engine.toggle_pause()
    assert engine.state is State.PAUSED
    assert not engine.pause()
    assert engine.toggle_pause()
    assert engine.state is State.HOLDING
    engine.stop()
    assert not engine.toggle_pause()
    assert not engine.back()
    assert not engine.stop()


def test_operations_catch_up_with_the_clock_first(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(), hold=10, prepare=5))
    engine.start()
    clock.advance(7)  # no tick: the prepare ended 2 s ago
    engine.pause()
    assert rec.phases() == [(Phase.PREPARING, 5), (Phase.HOLDING, 10)]
    assert engine.snapshot().remaining == pytest.approx(8)


# ---------------------------------------------------------------- skip


def three_holds(clock: FakeClock) -> tuple[SessionEngine, Recorder]:
    return make(clock, Step(stretch(), hold=30, reps=3, rest=10, prepare=5))


def test_skip_in_prepare_starts_the_hold_now(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(2)
    engine.tick()
    rec.clear()
    assert engine.skip()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.HOLDING, 30, 1)
    assert rec.phases() == [(Phase.HOLDING, 30)]
    assert rec.of(HoldEnded) == []


def test_skip_in_hold_ends_it_as_skipped_and_goes_to_the_rest(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(5 + 12)
    assert engine.skip()
    (ended,) = rec.of(HoldEnded)
    assert (ended.outcome, ended.held_seconds, ended.hold.rep) == ("skipped", 12, 1)
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.RESTING, 10, 2)


def test_skip_in_rest_starts_the_next_hold(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(5 + 30 + 4)
    assert engine.snapshot().phase is Phase.RESTING
    engine.skip()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.HOLDING, 30, 2)


def test_skip_in_the_last_hold_completes_the_session(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch(), hold=30, prepare=0))
    engine.start()
    clock.advance(3)
    engine.skip()
    assert engine.state is State.FINISHED
    assert rec.events[-2:] == [
        HoldEnded(hold=engine.holds[0], held_seconds=3.0, outcome="skipped"),
        SessionEnded(status="completed", held_seconds=3.0),
    ]


def test_skip_while_paused_applies_to_the_paused_phase_and_runs(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(5 + 10)
    engine.pause()
    clock.advance(100)
    engine.skip()
    (ended,) = rec.of(HoldEnded)
    assert ended.held_seconds == 10
    snap = engine.snapshot()
    assert (snap.state, snap.remaining, snap.held_seconds) == (State.RESTING, 10, 10)


# ---------------------------------------------------------------- back


def test_back_in_a_hold_restarts_it_from_full(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(5 + 30 + 10 + 20)  # 20 s into hold 2
    engine.tick()
    rec.clear()
    assert engine.back()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.HOLDING, 30, 2)
    assert rec.phases() == [(Phase.HOLDING, 30)]
    assert rec.of(HoldEnded) == []
    assert snap.held_seconds == 50  # the restarted attempt still counts as held time


def test_second_back_within_the_window_goes_to_the_previous_hold(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(5 + 30 + 10 + 20)
    engine.back()
    clock.advance(BACK_REPEAT_WINDOW - 0.5)
    engine.back()
    snap = engine.snapshot()
    # hold 1 has a prepare, so that comes first
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.PREPARING, 5, 1)


def test_second_back_after_the_window_restarts_again(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(5 + 30 + 10 + 20)
    engine.back()
    clock.advance(BACK_REPEAT_WINDOW + 0.5)
    engine.back()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.HOLDING, 30, 2)


def test_back_in_a_pause_goes_to_the_previous_hold_with_its_pause(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(5 + 30 + 10 + 30 + 3)  # 3 s into the rest before hold 3
    assert engine.snapshot().hold_number == 3
    engine.back()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.RESTING, 10, 2)


def test_back_in_the_first_prepare_restarts_it(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(3)
    engine.back()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.PREPARING, 5, 1)


def test_double_back_in_the_first_hold_goes_to_its_prepare(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(8)
    engine.back()
    engine.back()
    snap = engine.snapshot()
    assert (snap.phase, snap.remaining, snap.hold_number) == (Phase.PREPARING, 5, 1)


def test_back_while_paused_applies_and_runs(clock: FakeClock) -> None:
    engine, _ = three_holds(clock)
    engine.start()
    clock.advance(9)
    engine.pause()
    engine.back()
    snap = engine.snapshot()
    assert (snap.state, snap.remaining) == (State.HOLDING, 30)


# ---------------------------------------------------------------- stop


def test_stop_in_a_hold_ends_it_then_the_session(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(5 + 7)
    assert engine.stop()
    assert rec.events[-2:] == [
        HoldEnded(hold=engine.holds[0], held_seconds=7.0, outcome="stopped"),
        SessionEnded(status="stopped", held_seconds=7.0),
    ]
    assert engine.state is State.STOPPED
    assert engine.snapshot().hold is None


def test_stop_in_a_pause_emits_no_hold_end(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(2)
    engine.pause()
    engine.stop()
    assert rec.of(HoldEnded) == []
    assert rec.events[-1] == SessionEnded(status="stopped", held_seconds=0.0)


# ---------------------------------------------------------------- symptoms


def test_continue_symptom_keeps_the_hold_running(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    engine.start()
    clock.advance(10)
    assert engine.report_symptom(TINGLING)
    assert engine.report_symptom(TINGLING)
    reports = rec.of(SymptomReported)
    assert [r.times_reported for r in reports] == [1, 2]
    assert reports[0].hold == engine.holds[0]
    snap = engine.snapshot()
    assert snap.state is State.HOLDING
    assert snap.remaining == 25
    assert snap.symptom_counts == {"tingling": 2}
    assert snap.halted_by is None


def test_stop_symptom_halts_before_the_next_step(clock: FakeClock) -> None:
    engine, rec = make(
        clock,
        Step(stretch("a"), hold=30, reps=3, rest=10, prepare=5),
        Step(stretch("b"), hold=20, prepare=4),
    )
    engine.start()
    clock.advance(5 + 6)
    engine.tick()
    rec.clear()
    engine.report_symptom(PAIN)
    assert [type(e) for e in rec.events] == [
        SymptomReported,
        HoldEnded,
        StretchStopped,
        SessionPaused,
    ]
    assert rec.of(HoldEnded)[0] == HoldEnded(engine.holds[0], 6.0, "stopped")
    assert rec.of(StretchStopped) == [StretchStopped(engine.holds[0], PAIN, next_step=1)]
    snap = engine.snapshot()
    assert snap.state is State.PAUSED
    assert snap.halted_by == PAIN
    assert snap.halted_hold == engine.holds[0]
    assert snap.hold is not None
    assert snap.hold.stretch.id == "b"
    assert (snap.phase, snap.remaining, snap.step_number) == (Phase.PREPARING, 4, 2)
    assert snap.routine_remaining == 24
    clock.advance(60)
    engine.tick()
    assert engine.snapshot().remaining == 4
    rec.clear()
    assert engine.resume()
    assert [type(e) for e in rec.events] == [SessionResumed, PhaseStarted]
    assert engine.snapshot().halted_by is None
    assert run_to_end(engine, clock) == 24
    assert rec.events[-1] == SessionEnded(status="completed", held_seconds=26.0)


def test_skip_when_halted_starts_the_next_hold(clock: FakeClock) -> None:
    engine, _ = make(clock, Step(stretch("a"), hold=30), Step(stretch("b"), hold=20, prepare=4))
    engine.start()
    clock.advance(8)
    engine.report_symptom(PAIN)
    engine.skip()
    snap = engine.snapshot()
    assert (snap.state, snap.remaining, snap.step_number) == (State.HOLDING, 20, 2)


def test_stop_when_halted_ends_without_another_hold_end(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch("a"), hold=30), Step(stretch("b"), hold=20))
    engine.start()
    clock.advance(8)
    engine.report_symptom(PAIN)
    engine.report_symptom(PAIN)  # while halted: counted only
    assert engine.snapshot().step_number == 2
    engine.stop()
    assert len(rec.of(HoldEnded)) == 1
    assert rec.events[-1] == SessionEnded(status="stopped", held_seconds=3.0)
    assert [r.times_reported for r in rec.of(SymptomReported)] == [1, 2]


def test_symptom_while_halted_is_attributed_to_the_stopped_hold(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch("a"), hold=30), Step(stretch("b"), hold=20, prepare=4))
    engine.start()
    clock.advance(8)
    engine.report_symptom(PAIN)
    engine.report_symptom(TINGLING)  # while halted: still about the stretch that hurt
    engine.report_symptom(PAIN)
    reports = rec.of(SymptomReported)
    assert [r.hold for r in reports] == [engine.holds[0]] * 3
    assert engine.snapshot().hold == engine.holds[1]
    engine.resume()
    engine.report_symptom(TINGLING)
    assert rec.of(SymptomReported)[-1].hold == engine.holds[1]


def test_stop_symptom_in_the_last_step_halts_until_the_person_ends_it(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch("a", sided=True), hold=30, reps=2))
    engine.start()
    clock.advance(5 + 30 + 5 + 2)
    engine.tick()
    rec.clear()
    engine.report_symptom(PAIN)
    assert [type(e) for e in rec.events] == [
        SymptomReported,
        HoldEnded,
        StretchStopped,
        SessionPaused,
    ]
    assert rec.of(StretchStopped) == [StretchStopped(engine.holds[1], PAIN, next_step=None)]
    assert rec.events[-1] == SessionPaused(hold=None)
    snap = engine.snapshot()
    assert (snap.state, snap.halted_by, snap.halted_hold) == (State.PAUSED, PAIN, engine.holds[1])
    assert (snap.hold, snap.phase, snap.remaining, snap.until_next_second) == (None, None, 0, None)
    clock.advance(600)
    rec.clear()
    # Nothing to go on with: no move starts anything, and nothing ends by itself.
    for move in (engine.resume, engine.toggle_pause, engine.skip, engine.back, engine.pause):
        assert not move()
    assert not engine.resume_at(0)
    engine.tick()
    assert rec.events == []
    assert engine.report_symptom(TINGLING)  # still counted, about the stretch that hurt
    assert rec.of(SymptomReported)[-1].hold == engine.holds[1]
    assert engine.stop()
    assert rec.events[-1] == SessionEnded(status="stopped", held_seconds=32.0)
    assert engine.state is State.STOPPED


def test_back_does_nothing_after_a_stopped_stretch(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch("a"), hold=30), Step(stretch("b"), hold=20))
    engine.start()
    clock.advance(8)
    engine.report_symptom(PAIN)
    rec.clear()
    assert not engine.back()
    assert rec.events == []
    assert engine.snapshot().halted_by == PAIN


def test_halt_stops_the_stretch_without_a_new_report(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch("a"), hold=30, reps=2), Step(stretch("b"), hold=20))
    engine.start()
    clock.advance(8)
    engine.report_symptom(TINGLING)
    engine.report_symptom(TINGLING)
    rec.clear()
    assert engine.halt(TINGLING)
    assert [type(e) for e in rec.events] == [HoldEnded, StretchStopped, SessionPaused]
    snap = engine.snapshot()
    assert (snap.halted_by, snap.step_number) == (TINGLING, 2)
    assert snap.symptom_counts == {"tingling": 2}
    assert not engine.halt(TINGLING)  # already stopped
    assert engine.resume()
    assert engine.snapshot().halted_by is None


def test_stop_on_makes_a_continue_symptom_stop_in_that_routine(clock: FakeClock) -> None:
    steps = (Step(stretch("a"), hold=30), Step(stretch("b"), hold=20))
    plain = SessionEngine(routine(*steps), clock=clock)
    nerve = SessionEngine(
        Routine(id="n", name="N", description="", steps=steps, stop_on=("tingling",)),
        clock=clock,
    )
    for engine in (plain, nerve):
        engine.start()
    clock.advance(8)
    for engine in (plain, nerve):
        engine.report_symptom(TINGLING)
    assert plain.snapshot().state is State.HOLDING
    snap = nerve.snapshot()
    assert (snap.state, snap.halted_by, snap.step_number) == (State.PAUSED, TINGLING, 2)


def test_resume_at_skips_the_steps_between_and_logs_their_holds_as_skipped(
    clock: FakeClock,
) -> None:
    engine, rec = make(
        clock,
        Step(stretch("a"), hold=30, reps=2),
        Step(stretch("b", sided=True), hold=20, reps=2),
        Step(stretch("c"), hold=10, prepare=3),
    )
    engine.start()
    clock.advance(8)
    assert not engine.resume_at(2)  # only after a stopped stretch
    engine.report_symptom(PAIN)
    rec.clear()
    assert not engine.resume_at(0)  # never back into the stopped stretch or before it
    assert not engine.resume_at(7)
    assert engine.resume_at(2)
    skipped = rec.of(HoldEnded)
    assert [(e.hold.stretch.id, e.hold.side, e.held_seconds, e.outcome) for e in skipped] == [
        ("b", "left", 0.0, "skipped"),
        ("b", "right", 0.0, "skipped"),
        ("b", "left", 0.0, "skipped"),
        ("b", "right", 0.0, "skipped"),
    ]
    assert [type(e) for e in rec.events][-2:] == [SessionResumed, PhaseStarted]
    snap = engine.snapshot()
    assert (snap.state, snap.step_number, snap.remaining, snap.halted_by) == (
        State.PREPARING,
        3,
        3,
        None,
    )
    assert run_to_end(engine, clock) == 13
    assert rec.events[-1] == SessionEnded(status="completed", held_seconds=13.0)


def test_stop_symptom_during_a_prepare_drops_that_step(clock: FakeClock) -> None:
    engine, rec = make(clock, Step(stretch("a"), hold=30, reps=2), Step(stretch("b"), hold=20))
    engine.start()
    clock.advance(2)
    engine.report_symptom(PAIN)
    assert rec.of(HoldEnded) == []
    assert engine.snapshot().step_number == 2


def test_symptoms_are_ignored_when_no_session_runs(clock: FakeClock) -> None:
    engine, rec = three_holds(clock)
    assert not engine.report_symptom(TINGLING)
    assert rec.events == []


# ---------------------------------------------------------------- drift and stalls


def test_two_hundred_steps_do_not_drift(clock: FakeClock) -> None:
    steps = [
        Step(stretch(f"s{i}", sided=i % 3 == 0), hold=7 + i % 5, reps=1 + i % 2, rest=3, prepare=2)
        for i in range(200)
    ]
    engine, rec = make(clock, *steps)
    planned = engine.routine.planned_seconds
    start = clock.now
    engine.start()
    jitter = [0.37, 0.91, 0.13, 1.7, 0.05]
    i = 0
    while engine.state is not State.FINISHED:
        clock.advance(jitter[i % len(jitter)])
        i += 1
        engine.tick()
        snap = engine.snapshot()
        if snap.hold is not None:
            assert snap.routine_remaining == pytest.approx(planned - (clock.now - start), abs=1e-6)
    assert clock.now - start >= planned
    assert clock.now - start - planned < max(jitter)
    assert len(rec.of(HoldEnded)) == len(engine.holds)
    ended = rec.of(SessionEnded)[0]
    assert ended.held_seconds == sum(h.hold for h in engine.holds)


def test_a_long_stall_processes_every_boundary_in_order(clock: FakeClock) -> None:
    engine, rec = make(
        clock,
        Step(stretch("a"), hold=10, reps=3, rest=2, prepare=1),
        Step(stretch("b", sided=True), hold=5, prepare=1),
    )
    engine.start()
    clock.advance(1 + 10 + 2 + 10 + 2 + 10 + 1 + 5 + 1 + 2.5)
    engine.tick()
    ends = rec.of(HoldEnded)
    assert [(e.hold.index, e.outcome) for e in ends] == [(i, "completed") for i in range(4)]
    snap = engine.snapshot()
    assert (snap.hold_number, snap.phase, snap.remaining) == (5, Phase.HOLDING, 2.5)
    clock.advance(3600)
    engine.tick()
    assert engine.state is State.FINISHED
    assert len(rec.of(HoldEnded)) == 5


def test_a_failing_listener_does_not_break_the_session(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    engine, rec = three_holds(clock)

    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    engine.subscribe(broken)
    engine.start()
    assert isinstance(rec.events[0], SessionStarted)
    assert "listener" in caplog.text


# ---------------------------------------------------------------- invariants

OPS = st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=0.0, max_value=40.0)),
    st.tuples(
        st.sampled_from(
            [
                "tick",
                "pause",
                "resume",
                "toggle",
                "skip",
                "back",
                "tingling",
                "pain",
                "halt",
                "resume_at",
            ]
        ),
        st.just(0.0),
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    ops=st.lists(OPS, max_size=60),
    sided=st.booleans(),
    reps=st.integers(min_value=1, max_value=3),
    prepare=st.integers(min_value=0, max_value=5),
)
def test_engine_invariants(
    ops: list[tuple[str, float]], sided: bool, reps: int, prepare: int
) -> None:
    clock = FakeClock()
    engine, rec = make(
        clock,
        Step(stretch("a", sided=sided), hold=10, reps=reps, rest=3, prepare=prepare),
        Step(stretch("b"), hold=4, prepare=prepare),
    )
    engine.start()
    expected_held = 0.0
    for op, amount in ops:
        if op == "advance":
            left = amount
            while left > 0:
                before = engine.snapshot()
                chunk = min(left, before.remaining) if before.running else left
                if before.state is State.HOLDING:
                    expected_held += chunk
                clock.advance(chunk)
                engine.tick()
                after = engine.snapshot()
                assert after.remaining >= 0
                if (
                    before.running
                    and after.running
                    and (after.hold, after.phase) == (before.hold, before.phase)
                ):
                    assert after.remaining <= before.remaining
                left -= chunk
                if chunk == 0:
                    break
        elif op == "tick":
            engine.tick()
        elif op == "toggle":
            engine.toggle_pause()
        elif op in ("tingling", "pain"):
            engine.report_symptom(TINGLING if op == "tingling" else PAIN)
        elif op == "halt":
            engine.halt(TINGLING)
        elif op == "resume_at":
            engine.resume_at(1)
        else:
            getattr(engine, op)()
        snap = engine.snapshot()
        assert snap.remaining >= 0
        assert 0.0 <= snap.fraction_left <= 1.0
        assert snap.held_seconds == pytest.approx(expected_held, abs=1e-6)
    held_in_holds = sum(e.held_seconds for e in rec.of(HoldEnded))
    assert held_in_holds <= engine.snapshot().held_seconds + 1e-6
    engine.stop()
    for ended in rec.of(SessionEnded):
        assert ended.held_seconds == pytest.approx(expected_held, abs=1e-6)


# ---------------------------------------------------------------- layering


def test_engine_model_and_events_import_no_qt() -> None:
    code = (
        "import sys\n"
        "import desktop_app.engine, desktop_app.model, desktop_app.events\n"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
