"""The one place Qt meets the session engine: a precise timer ticks it, snapshots go out."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.events import Event, EventHub, HoldEnded, SessionEnded, SymptomReported
from desktop_app.model import Routine, Symptom

if TYPE_CHECKING:
    from desktop_app.engine import SessionEngine, Snapshot
    from desktop_app.session_summary import SessionSummary

log = logging.getLogger(__name__)

FRAME_INTERVAL = 0.1
"""The shortest time between two redraws while a phase runs: at most 10 a second."""
MAX_FRAME_INTERVAL = 1.0
"""The longest time between two redraws while a phase runs (the number changes as often)."""
ARC_STEP_PIXELS = 2.0
"""How far the ring's end may move between two redraws: a step the eye cannot tell from
smooth motion, at the ring's size on screen."""
DEFAULT_RING_LENGTH = math.pi * 290
"""The ring's length in pixels until the ring says its size (the widget's size hint)."""


def next_frame_delay(
    duration: float,
    until_next_second: float,
    ring_length: float,
    *,
    step: float = ARC_STEP_PIXELS,
    shortest: float = FRAME_INTERVAL,
    longest: float = MAX_FRAME_INTERVAL,
) -> float:
    """Seconds from now to the next change anyone can see on the countdown.

    The number changes in ``until_next_second``; the ring's end moves ``step`` pixels of its
    ``ring_length`` every ``duration * step / ring_length`` seconds, but is redrawn no more
    often than every ``shortest`` seconds (and at least every ``longest``).
    """
    ring = duration * step / ring_length if ring_length > 0 else longest
    return min(until_next_second, longest, max(shortest, ring))


class SessionController(QObject):
    """Creates a :class:`SessionEngine` per session, ticks it and tells the window what to draw.

    Listening to a session
        :attr:`events` is the one way: an :class:`~desktop_app.events.EventHub` that lasts
        from session to session. ``controller.events.subscribe(callback)`` and ``callback``
        gets every event of every session, synchronously and in order, from
        ``SessionStarted`` to ``SessionEnded`` (the window first, then the session log, the
        sound cues, and tests). The controller is the only subscriber of each engine.

    Timing
        The timer is a parented single-shot ``Qt.PreciseTimer``, armed for the next change
        that can be seen (:func:`next_frame_delay`): the next second boundary, where the number
        changes and a phase may end (so both are noticed within a millisecond or two), or the
        moment the ring's end has moved about 2 pixels at its size on screen, at most 10
        times a second (a 30 s hold on a 400-pixel ring), about once a second for a long hold.
        Each wake-up costs the process a thread switch or two, so fewer is less battery. When
        paused or idle the timer does not run at all. The timer only asks the engine to catch
        up with its clock; it never counts time itself.
    """

    updated = Signal(object)
    """A fresh Snapshot after every tick and every operation: what the session page draws."""
    summary_completed = Signal(object)
    """The ended session's :class:`SessionSummary`, after the final snapshot was published:
    what the summary page draws."""

    def __init__(
        self,
        parent: QObject,
        clock: Callable[[], float] = time.monotonic,
        frame_interval: float = FRAME_INTERVAL,
        max_frame_interval: float = MAX_FRAME_INTERVAL,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.events = EventHub()
        """Every event of every session (see the class docstring)."""
        self.frame_interval = frame_interval
        self.max_frame_interval = max_frame_interval
        self.ring_length = DEFAULT_RING_LENGTH
        """The countdown ring's length on screen in pixels (:meth:`set_ring_length`)."""
        self.engine: SessionEngine | None = None
        self.summary: SessionSummary | None = None
        self._started_at = 0.0
        self._ended: SessionEnded | None = None
        self._held_total = 0.0
        self._held_since: float | None = None
        # Its type (Qt.PreciseTimer) is set when the first session starts: the Qt namespace
        # costs about 12 ms to load, and the picker paints without it.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)

    # ------------------------------------------------------------------ session

    def start(self, routine: Routine) -> SessionEngine:
        """Begin a new session of ``routine`` (a running one is stopped first)."""
        from PySide6.QtCore import Qt

        from desktop_app.engine import SessionEngine
        from desktop_app.session_summary import SessionSummary

        if self.engine is not None and self.active:
            self.engine.stop()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        engine = SessionEngine(routine, clock=self.engine_time)
        self.engine = engine

        self.summary = SessionSummary(routine)
        self._ended = None
        engine.subscribe(self._on_event)
        self._started_at = self.clock()
        engine.start()
        self.refresh()
        return engine

    @property
    def active(self) -> bool:
        """A session is running or paused (not idle, not ended)."""
        if self.engine is None:
            return False
        snap = self.engine.snapshot()
        return snap.running or snap.paused

    def snapshot(self) -> Snapshot | None:
        return self.engine.snapshot() if self.engine is not None else None

    # ------------------------------------------------------------------ holding time

    def engine_time(self) -> float:
        """The engines' clock: the controller's clock, stood still while time is held."""
        now = self.clock() if self._held_since is None else self._held_since
        return now - self._held_total

    @property
    def time_held(self) -> bool:
        return self._held_since is not None

    @contextmanager
    def hold_time(self) -> Iterator[None]:
        """Freeze the session for the duration of the block (a question is on screen)."""
        if self._held_since is not None:
            yield
            return
        self._held_since = self.clock()
        self._timer.stop()
        try:
            yield
        finally:
            self._held_total += self.clock() - self._held_since
            self._held_since = None
            self.refresh()

    # ------------------------------------------------------------------ operations

    def _do(self, operation: Callable[[SessionEngine], bool]) -> bool:
        if self.engine is None:
            return False
        changed = operation(self.engine)
        self.refresh()
        return changed

    def pause(self) -> bool:
        return self._do(lambda engine: engine.pause())

    def resume(self) -> bool:
        return self._do(lambda engine: engine.resume())

    def toggle_pause(self) -> bool:
        return self._do(lambda engine: engine.toggle_pause())

    def skip(self) -> bool:
        return self._do(lambda engine: engine.skip())

    def back(self) -> bool:
        return self._do(lambda engine: engine.back())

    def stop(self) -> bool:
        return self._do(lambda engine: engine.stop())

    def resume_at(self, step_index: int) -> bool:
        return self._do(lambda engine: engine.resume_at(step_index))

    def halt(self, symptom: Symptom) -> bool:
        return self._do(lambda engine: engine.halt(symptom))

    def report_symptom(self, symptom: Symptom) -> bool:
        return self._do(lambda engine: engine.report_symptom(symptom))

    def shutdown(self) -> None:
        """Stop the timer (the window calls this when it closes)."""
        self._timer.stop()

    # ------------------------------------------------------------------ ticking

    def refresh(self) -> None:
        """Let the engine catch up with the clock, publish the snapshot, re-arm the timer."""
        if self.engine is None:
            return
        self.engine.tick()
        snap = self.engine.snapshot()
        self.updated.emit(snap)
        if snap.running and snap.until_next_second is not None and not self.time_held:
            delay = min(self.frame_delay(snap.duration), snap.until_next_second)
            # One millisecond past the boundary, so the tick lands after it, not just before.
            self._timer.start(max(1, math.ceil(delay * 1000) + 1))
        else:
            self._timer.stop()
        ended, self._ended = self._ended, None
        if ended is not None and self.summary is not None:
            self.summary_completed.emit(self.summary)

    def frame_delay(self, duration: float) -> float:
        """Seconds between two redraws of the ring for a phase of ``duration`` seconds."""
        return next_frame_delay(
            duration,
            math.inf,
            self.ring_length,
            shortest=self.frame_interval,
            longest=self.max_frame_interval,
        )

    def set_ring_length(self, pixels: float) -> None:
        """The countdown ring is now ``pixels`` long: redraw it as often as that needs."""
        self.ring_length = pixels if pixels > 0 else DEFAULT_RING_LENGTH

    def _on_event(self, event: Event) -> None:
        summary = self.summary
        if summary is not None:
            if isinstance(event, HoldEnded):
                summary.add_hold(event)
            elif isinstance(event, SymptomReported):
                summary.add_symptom(event)
            elif isinstance(event, SessionEnded):
                summary.ended = event
                summary.elapsed = self.clock() - self._started_at
                self._ended = event
        self.events.publish(event)
