"""The session engine: runs a routine's timeline as a state machine on an injected monotonic clock.

Plain Python, no Qt: the window's controller calls :meth:`SessionEngine.tick` from a timer and
draws :meth:`SessionEngine.snapshot`, and passes on every event the engine emits
(:mod:`desktop_app.events`) through its own hub, where the window, the sounds and the session log
listen.

Time
    Every running phase has a deadline on the injected clock; the remaining time is always
    ``deadline - clock()``. When a phase ends, the next phase's deadline is the previous
    deadline plus its duration (not "now" plus it), so the timeline never drifts, however late
    the ticks come. A tick after a long stall processes every phase boundary that passed, in
    order, so no hold is lost. A pause stores the remaining time; resume sets a new deadline.
    Every operation first catches up with the clock, exactly like a tick.

Semantics of the operations (each returns ``True`` when it changed something)
    ``start``
        From idle only: emits ``SessionStarted`` and starts the first phase.
    ``pause`` / ``resume`` / ``toggle_pause``
        Pause freezes the running phase; resume continues it with the stored remaining time.
    ``skip``
        In a pause (prepare or rest) the hold starts now. In a hold, the hold ends with outcome
        ``"skipped"`` (with the seconds held so far) and the next pause or hold starts; after the
        last hold the session ends ``"completed"``. When paused, the skip applies to the paused
        phase and the session runs again.
    ``back``
        In a hold, the hold restarts from full. A second back within :data:`BACK_REPEAT_WINDOW`
        seconds goes to the previous hold, its pause first if it has one. In a pause, back goes
        to the previous hold (its pause first if it has one); before the first hold it restarts
        that pause. When paused, back applies to the paused phase and the session runs again.
        A hold that is restarted or left by going back emits no ``HoldEnded``: it will be run
        again. After a stopped stretch back does nothing: it would lead into the stretch that
        was stopped.
    ``stop``
        Ends the session: a hold in progress (running or paused) ends with outcome
        ``"stopped"``, then ``SessionEnded(status="stopped")``.
    ``report_symptom``
        Allowed while a session runs or is paused. Always emits ``SymptomReported`` with how many
        times that symptom has been reported in this session. A symptom that continues in this
        routine (``action: continue`` and not in the routine's ``stop_on``) changes nothing
        else: the hold keeps running. A symptom that stops (``action: stop``, or listed in
        ``stop_on``) halts the stretch, as ``halt`` does. A symptom reported while already
        halted only counts the report. While halted, ``SymptomReported.hold`` is the hold that
        was stopped (what the person is still feeling), not the next step's hold, which has not
        started.
    ``halt``
        Stops the current stretch: the current hold ends with outcome ``"stopped"`` (if a hold
        was in progress), the remaining holds of that step are dropped, ``StretchStopped`` is
        emitted and the engine waits, PAUSED, with ``halted_by`` set to the symptom: before the
        next step's first phase, or, after the routine's last step, with no hold at all. Then
        ``resume`` (or ``skip``, straight to its hold) goes on with the next step,
        ``resume_at`` with a later one, and ``stop`` ends the session ``"stopped"``. After the
        last step only ``stop`` is left: a stopped last stretch is never ended for the person.
    ``resume_at``
        While halted: goes on with a later step. Every hold of the steps in between ends as
        ``"skipped"`` with nothing held, so the log says what was left out.

End status
    ``"completed"`` when the session runs through to the end of its timeline (even with skipped
    holds: each ``HoldEnded`` tells how each hold went); ``"stopped"`` when ``stop()`` cut it
    short, which is also how a session stopped in its last stretch ends.

Held seconds
    The time actually spent in the holding phase, paused time excluded. ``HoldEnded.held_seconds``
    is the time held in that attempt of the hold (a completed hold reports exactly its planned
    duration); the session's total (``SessionEnded.held_seconds``, ``Snapshot.held_seconds``)
    also counts attempts that were restarted or left with back.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from desktop_app.events import (
    EndStatus,
    Event,
    EventHub,
    HoldEnded,
    HoldOutcome,
    Listener,
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
from desktop_app.model import PauseKind, PlannedHold, Routine, Symptom

log = logging.getLogger(__name__)

BACK_REPEAT_WINDOW = 2.0
"""Seconds within which a second back during a hold goes to the previous hold."""

_RUNNING_STATES = {
    Phase.PREPARING: State.PREPARING,
    Phase.HOLDING: State.HOLDING,
    Phase.RESTING: State.RESTING,
}


def _empty_counts() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Snapshot:
    """Everything the window needs to draw the session at one instant."""

    state: State
    phase: Phase | None
    hold: PlannedHold | None
    remaining: float
    display: int
    duration: float
    next_hold: PlannedHold | None
    hold_number: int
    hold_total: int
    step_number: int
    step_total: int
    routine_remaining: float
    held_seconds: float
    halted_by: Symptom | None = None
    halted_hold: PlannedHold | None = None
    """While halted: the hold that was stopped (``hold`` is then the next one, not started)."""
    symptom_counts: Mapping[str, int] = field(default_factory=_empty_counts)
    until_next_second: float | None = None
    """Seconds until ``display`` changes or the phase ends, while running; else ``None``."""

    @property
    def fraction_left(self) -> float:
        """Share of the phase still to run, from 1.0 at its start to 0.0 at its end."""
        if self.duration <= 0:
            return 0.0
        return min(1.0, max(0.0, self.remaining / self.duration))

    @property
    def paused(self) -> bool:
        return self.state is State.PAUSED

    @property
    def running(self) -> bool:
        return self.state in _RUNNING_STATES.values()

    @property
    def ended(self) -> bool:
        return self.state in (State.FINISHED, State.STOPPED)


def _pause_phase(hold: PlannedHold) -> Phase | None:
    if hold.pause_kind is PauseKind.PREPARE:
        return Phase.PREPARING
    if hold.pause_kind is PauseKind.REST:
        return Phase.RESTING
    return None


class SessionEngine:
    """Runs one session of a routine. See the module docstring for the exact semantics."""

    def __init__(self, routine: Routine, clock: Callable[[], float] = time.monotonic) -> None:
        self.routine = routine
        self._clock = clock
        self._holds = routine.holds()
        self._events = EventHub()
        self._state = State.IDLE
        self._position = 0
        self._phase: Phase | None = None
        self._duration = 0.0
        self._deadline = 0.0
        self._paused_remaining = 0.0
        self._phase_started = False
        self._last_display = 0
        self._held_done = 0.0
        self._halted_by: Symptom | None = None
        self._halted_hold: PlannedHold | None = None
        self._symptom_counts: dict[str, int] = {}
        self._last_back: tuple[float, int] | None = None

    # ------------------------------------------------------------------ listeners

    def subscribe(self, callback: Listener) -> None:
        """Call ``callback`` with every event from now on, in the order they happen.

        In the app only the controller subscribes here; everything else listens to the
        controller's hub, which outlives each session's engine.
        """
        self._events.subscribe(callback)

    def unsubscribe(self, callback: Listener) -> None:
        self._events.unsubscribe(callback)

    def _emit(self, event: Event) -> None:
        # One faulty listener (a sound, the log) must not break the session: the hub logs it.
        self._events.publish(event)

    # ------------------------------------------------------------------ queries

    @property
    def state(self) -> State:
        return self._state

    @property
    def holds(self) -> tuple[PlannedHold, ...]:
        return self._holds

    def _current_hold(self) -> PlannedHold | None:
        if 0 <= self._position < len(self._holds) and self._phase is not None:
            return self._holds[self._position]
        return None

    def _remaining(self, now: float) -> float:
        if self._state is State.PAUSED:
            return self._paused_remaining
        if self._state in _RUNNING_STATES.values():
            return max(0.0, self._deadline - now)
        return 0.0

    def _attempt_held(self, now: float) -> float:
        if self._phase is Phase.HOLDING and not self._ended():
            return max(0.0, self._duration - self._remaining(now))
        return 0.0

    def _ended(self) -> bool:
        return self._state in (State.FINISHED, State.STOPPED)

    def snapshot(self) -> Snapshot:
        """A frozen view of the session now (catches up with the clock first)."""
        now = self._advance()
        hold = self._current_hold()
        remaining = self._remaining(now)
        display = math.ceil(remaining)
        after = self._position + 1
        next_hold = self._holds[after] if hold is not None and after < len(self._holds) else None
        routine_remaining = 0.0
        if hold is not None:
            routine_remaining = remaining
            if self._phase is not Phase.HOLDING:
                routine_remaining += hold.hold
            routine_remaining += sum(h.seconds for h in self._holds[after:])
        until_next: float | None = None
        if self._state in _RUNNING_STATES.values():
            until_next = remaining - (display - 1) if display > 0 else 0.0
        return Snapshot(
            state=self._state,
            phase=self._phase if hold is not None else None,
            hold=hold,
            remaining=remaining,
            display=display,
            duration=self._duration if hold is not None else 0.0,
            next_hold=next_hold,
            hold_number=hold.index + 1 if hold is not None else 0,
            hold_total=len(self._holds),
            step_number=hold.step_index + 1 if hold is not None else 0,
            step_total=len(self.routine.steps),
            routine_remaining=routine_remaining,
            held_seconds=self._held_done + self._attempt_held(now),
            halted_by=self._halted_by,
            halted_hold=self._halted_hold,
            symptom_counts=MappingProxyType(dict(self._symptom_counts)),
            until_next_second=until_next,
        )

    # ------------------------------------------------------------------ time

    def tick(self) -> None:
        """Catch up with the clock: end every phase whose deadline passed, emit what changed."""
        self._advance()

    def _advance(self) -> float:
        now = self._clock()
        while self._state in _RUNNING_STATES.values() and now >= self._deadline:
            self._finish_phase()
        if self._state in _RUNNING_STATES.values():
            display = math.ceil(self._deadline - now)
            if display != self._last_display:
                self._last_display = display
                hold = self._holds[self._position]
                assert self._phase is not None
                self._emit(SecondChanged(phase=self._phase, hold=hold, remaining=display))
        return now

    def _finish_phase(self) -> None:
        """The running phase reached its deadline: start the next one from that deadline."""
        boundary = self._deadline
        if self._phase is Phase.HOLDING:
            hold = self._holds[self._position]
            self._held_done += self._duration
            self._emit(HoldEnded(hold=hold, held_seconds=float(hold.hold), outcome="completed"))
            self._enter_hold_cycle(self._position + 1, boundary)
        else:
            self._enter_phase(Phase.HOLDING, boundary)

    # ------------------------------------------------------------------ transitions

    def _enter_phase(self, phase: Phase, start: float, *, running: bool = True) -> None:
        hold = self._holds[self._position]
        self._phase = phase
        self._duration = float(hold.hold if phase is Phase.HOLDING else hold.pause)
        self._last_display = math.ceil(self._duration)
        if running:
            self._state = _RUNNING_STATES[phase]
            self._deadline = start + self._duration
            self._phase_started = True
            self._emit(PhaseStarted(phase=phase, hold=hold, duration=self._duration))
        else:
            self._state = State.PAUSED
            self._paused_remaining = self._duration
            self._phase_started = False

    def _enter_hold_cycle(
        self, position: int, start: float, *, running: bool = True, status: EndStatus = "completed"
    ) -> None:
        """Go to hold ``position``: its pause if it has one, else the hold; past the end, finish."""
        if position >= len(self._holds):
            self._end(status)
            return
        self._position = position
        phase = _pause_phase(self._holds[position]) or Phase.HOLDING
        self._enter_phase(phase, start, running=running)

    def _end(self, status: EndStatus) -> None:
        self._state = State.FINISHED if status == "completed" else State.STOPPED
        self._phase = None
        self._duration = 0.0
        self._halted_by = None
        self._halted_hold = None
        self._emit(SessionEnded(status=status, held_seconds=self._held_done))

    def _close_attempt(self, now: float, outcome: HoldOutcome | None) -> None:
        """Count the current hold attempt's held time; emit HoldEnded when it is left for good."""
        if self._phase is not Phase.HOLDING:
            return
        held = self._attempt_held(now)
        self._held_done += held
        if outcome is not None:
            hold = self._holds[self._position]
            self._emit(HoldEnded(hold=hold, held_seconds=held, outcome=outcome))

    def _resume_if_paused(self, now: float) -> bool:
        """Before a move made while paused: leave the paused state, report the resume."""
        if self._state is not State.PAUSED:
            return False
        assert self._phase is not None
        self._state = _RUNNING_STATES[self._phase]
        self._deadline = now + self._paused_remaining
        self._halted_by = None
        self._halted_hold = None
        self._emit(SessionResumed(hold=self._current_hold()))
        return True

    # ------------------------------------------------------------------ operations

    def start(self) -> bool:
        """Begin the session. Only from idle."""
        if self._state is not State.IDLE:
            return False
        now = self._clock()
        self._emit(SessionStarted(routine=self.routine))
        self._enter_hold_cycle(0, now)
        return True

    def pause(self) -> bool:
        """Freeze the running phase."""
        now = self._advance()
        if self._state not in _RUNNING_STATES.values():
            return False
        self._paused_remaining = self._remaining(now)
        self._state = State.PAUSED
        self._emit(SessionPaused(hold=self._current_hold()))
        return True

    def _halted_at_end(self) -> bool:
        return self._halted_by is not None and self._position >= len(self._holds)

    def resume(self) -> bool:
        """Continue a paused phase; after a stopped stretch, start the next step's first phase."""
        now = self._advance()
        if self._halted_at_end() or not self._resume_if_paused(now):
            return False
        if not self._phase_started:
            assert self._phase is not None
            self._phase_started = True
            hold = self._holds[self._position]
            self._emit(PhaseStarted(phase=self._phase, hold=hold, duration=self._duration))
        return True

    def toggle_pause(self) -> bool:
        if self._state is State.PAUSED:
            return self.resume()
        return self.pause()

    def _movable(self) -> bool:
        return self._state in _RUNNING_STATES.values() or self._state is State.PAUSED

    def skip(self) -> bool:
        """In a pause, start the hold now; in a hold, end it as skipped and move on."""
        now = self._advance()
        if not self._movable() or self._halted_at_end():
            return False
        unstarted = not self._phase_started
        self._resume_if_paused(now)
        if self._phase is Phase.HOLDING and not unstarted:
            self._close_attempt(now, "skipped")
            self._enter_hold_cycle(self._position + 1, now)
        else:
            # A pause, or a halted hold that never started: begin that hold now.
            self._enter_phase(Phase.HOLDING, now)
        return True

    def back(self) -> bool:
        """In a hold, restart it (twice within 2 s: previous hold); in a pause, previous hold."""
        now = self._advance()
        if not self._movable() or self._halted_by is not None:
            return False
        self._resume_if_paused(now)
        position = self._position
        if self._phase is Phase.HOLDING:
            repeated = (
                self._last_back is not None
                and self._last_back[1] == position
                and now - self._last_back[0] <= BACK_REPEAT_WINDOW
            )
            self._close_attempt(now, None)
            if repeated and position > 0:
                self._last_back = None
                self._enter_hold_cycle(position - 1, now)
            elif repeated:
                self._last_back = None
                self._enter_hold_cycle(0, now)
            else:
                self._last_back = (now, position)
                self._enter_phase(Phase.HOLDING, now)
        else:
            self._last_back = None
            self._enter_hold_cycle(max(0, position - 1), now)
        return True

    def stop(self) -> bool:
        """End the session now: a hold in progress ends as stopped, then SessionEnded(stopped)."""
        now = self._advance()
        if not self._movable():
            return False
        if self._phase_started:
            self._close_attempt(now, "stopped")
        self._end("stopped")
        return True

    def report_symptom(self, symptom: Symptom) -> bool:
        """Record a symptom; one that stops in this routine halts the stretch (see ``halt``)."""
        now = self._advance()
        if not self._movable():
            return False
        count = self._symptom_counts.get(symptom.id, 0) + 1
        self._symptom_counts[symptom.id] = count
        halted = self._halted_by is not None
        hold = self._halted_hold if halted else self._current_hold()
        self._emit(SymptomReported(symptom=symptom, hold=hold, times_reported=count))
        if not halted and self.routine.action_for(symptom) == "stop":
            self._halt(symptom, now)
        return True

    def halt(self, symptom: Symptom) -> bool:
        """Stop the current stretch because of ``symptom`` and wait (the person chose to stop)."""
        now = self._advance()
        if not self._movable() or self._halted_by is not None:
            return False
        self._halt(symptom, now)
        return True

    def _halt(self, symptom: Symptom, now: float) -> None:
        hold = self._holds[self._position]
        if self._phase_started:
            self._close_attempt(now, "stopped")
        following = next(
            (h.index for h in self._holds[self._position :] if h.step_index != hold.step_index),
            len(self._holds),
        )
        next_step: int | None = None
        if following < len(self._holds):
            self._enter_hold_cycle(following, now, running=False)
            next_step = self._holds[following].step_index
        else:
            # Nothing is left to run, but the person still has to read why it stopped.
            self._position = len(self._holds)
            self._phase = None
            self._duration = 0.0
            self._paused_remaining = 0.0
            self._phase_started = False
            self._state = State.PAUSED
        self._halted_by = symptom
        self._halted_hold = hold
        self._emit(StretchStopped(hold=hold, symptom=symptom, next_step=next_step))
        self._emit(SessionPaused(hold=self._current_hold()))

    def resume_at(self, step_index: int) -> bool:
        """After a stopped stretch, go on with the later step ``step_index``, skipping the rest."""
        now = self._advance()
        if self._halted_by is None or self._halted_at_end():
            return False
        target = next((h.index for h in self._holds if h.step_index == step_index), None)
        if target is None or target < self._position:
            return False
        for hold in self._holds[self._position : target]:
            self._emit(HoldEnded(hold=hold, held_seconds=0.0, outcome="skipped"))
        self._enter_hold_cycle(target, now, running=False)
        return self.resume()
