"""What the session engine says happened, and the hub that hands it to every listener."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from desktop_app.model import PlannedHold, Routine, Symptom

log = logging.getLogger(__name__)

HoldOutcome = Literal["completed", "skipped", "stopped"]
EndStatus = Literal["completed", "stopped"]


class Phase(enum.Enum):
    """The part of a hold's cycle that is running."""

    PREPARING = "preparing"
    HOLDING = "holding"
    RESTING = "resting"


class State(enum.Enum):
    """The session engine's state."""

    IDLE = "idle"
    PREPARING = "preparing"
    HOLDING = "holding"
    RESTING = "resting"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SessionStarted:
    routine: Routine


@dataclass(frozen=True)
class PhaseStarted:
    phase: Phase
    hold: PlannedHold
    duration: float


@dataclass(frozen=True)
class SecondChanged:
    phase: Phase
    hold: PlannedHold
    remaining: int


@dataclass(frozen=True)
class HoldEnded:
    hold: PlannedHold
    held_seconds: float
    outcome: HoldOutcome


@dataclass(frozen=True)
class SymptomReported:
    symptom: Symptom
    hold: PlannedHold | None
    times_reported: int


@dataclass(frozen=True)
class StretchStopped:
    """A stretch was stopped because of ``symptom``; the session waits for the person to choose.

    ``hold`` is the hold that was running (or about to start) when it was stopped.
    ``next_step`` is the index of the step the session would go on with, or ``None`` when the
    stopped stretch was the routine's last: then only ending the session is left.
    """

    hold: PlannedHold
    symptom: Symptom
    next_step: int | None


@dataclass(frozen=True)
class SessionPaused:
    hold: PlannedHold | None


@dataclass(frozen=True)
class SessionResumed:
    hold: PlannedHold | None


@dataclass(frozen=True)
class SessionEnded:
    status: EndStatus
    held_seconds: float


Event = (
    SessionStarted
    | PhaseStarted
    | SecondChanged
    | HoldEnded
    | SymptomReported
    | StretchStopped
    | SessionPaused
    | SessionResumed
    | SessionEnded
)

Listener = Callable[[Event], None]


class EventHub:
    """Hands every event to every subscriber, synchronously, in the order they subscribed.

    The one way to listen to sessions: each engine publishes through one, and the window's
    controller keeps one that lasts from session to session (``controller.events``), where the
    window, the session log, the sound cues and tests subscribe alike. When :meth:`publish`
    returns, every subscriber has had the event; a subscriber that raises is logged with its
    traceback and the others still get the event (a sound or the log must never break the
    session, nor one another).
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every event from now on."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def publish(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("listener %r failed on %r", listener, event)
