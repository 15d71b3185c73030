"""What the session engine tells its listeners (window, sounds, session log)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from desktop_app.model import PlannedHold, Routine, Symptom

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
    | SessionPaused
    | SessionResumed
    | SessionEnded
)
