"""The routine model: frozen, typed stretches, routines and symptoms, and their timeline."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from desktop_app.pose import Figure

SymptomAction = Literal["continue", "stop"]
Side = Literal["left", "right"]

DEFAULT_PREPARE = 5
DEFAULT_REST = 10
SIDE_PLACEHOLDER = "{side}"
# How a sided stretch names the side when its file gives no ``side_label``.
DEFAULT_SIDE_LABEL = "{side} leg"

DEMO_ROUTINE_ID = "quick-check"
"""The demo routine of ``resources/demo.yaml``: never counted toward streaks or weekly figures."""


def _empty_advice() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Symptom:
    """Something the user can report during a hold, and what the app says and does then."""

    id: str
    label: str
    key: str
    action: SymptomAction
    advice: tuple[str, ...]
    seek_help: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Stretch:
    """One stretch of the library, independent of how long or how often it is held."""

    id: str
    name: str
    area: tuple[str, ...]
    sided: bool
    instructions: tuple[str, ...]
    tips: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    advice: Mapping[str, tuple[str, ...]] = field(default_factory=_empty_advice)
    source: str = ""
    # Names the side being stretched: "{side}" becomes "left" or "right" ("{side} foot back").
    side_label: str = DEFAULT_SIDE_LABEL
    figure: Figure | None = None
    """Its picture: a pose the app draws, or a picture file; None when it has none."""


def side_phrase(stretch: Stretch, side: Side) -> str:
    """The side in the stretch's own words, for inside a line: ``left foot back``."""
    return stretch.side_label.replace(SIDE_PLACEHOLDER, side)


def side_text(stretch: Stretch, side: Side) -> str:
    """The side in the stretch's own words, to start a line: ``Left leg on the stool``."""
    phrase = side_phrase(stretch, side)
    return phrase[:1].upper() + phrase[1:]


@dataclass(frozen=True)
class Step:
    """A stretch as a routine uses it: hold time, reps and the pauses around the holds."""

    stretch: Stretch
    hold: int
    reps: int = 1
    rest: int = DEFAULT_REST
    prepare: int = DEFAULT_PREPARE
    switch: int | None = None
    """The pause before the other side of a sided stretch; None: the same as ``prepare``.
    The routine format has no key for it: the settings' switch-sides time sets it."""


class PauseKind(enum.Enum):
    """What the pause before a hold is for."""

    NONE = "none"
    PREPARE = "prepare"
    REST = "rest"


@dataclass(frozen=True)
class PlannedHold:
    """One hold of a routine's timeline, with the pause that comes before it."""

    index: int
    step_index: int
    stretch: Stretch
    side: Side | None
    rep: int
    reps: int
    hold: int
    pause_kind: PauseKind
    pause: int
    side_changed: bool

    @property
    def seconds(self) -> int:
        return self.pause + self.hold


@dataclass(frozen=True)
class Routine:
    """An ordered list of steps with a name; what a session runs."""

    id: str
    name: str
    description: str
    steps: tuple[Step, ...]
    source: str = ""
    stop_on: tuple[str, ...] = ()
    """Ids of symptoms that stop a stretch in this routine, whatever their own action says."""

    def action_for(self, symptom: Symptom) -> SymptomAction:
        """What reporting ``symptom`` does in this routine: its own action, or stop."""
        return "stop" if symptom.id in self.stop_on else symptom.action

    def holds(self) -> tuple[PlannedHold, ...]:
        return tuple(_expand(self.steps))

    @property
    def planned_seconds(self) -> int:
        """Prepare, holds and rests together, as a session runs them."""
        return sum(h.seconds for h in self.holds())

    @property
    def stretch_count(self) -> int:
        return len(self.steps)


def _expand(steps: tuple[Step, ...]) -> Iterator[PlannedHold]:
    """Lay the steps out hold by hold.

    A sided stretch alternates sides, left first: L1 R1 L2 R2. The first hold of a step is
    preceded by its prepare; between two holds there is exactly one pause: prepare when the
    position changes (the other side), rest when the same position is held again.
    """
    index = 0
    for step_index, step in enumerate(steps):
        sides: tuple[Side | None, ...] = ("left", "right") if step.stretch.sided else (None,)
        first = True
        for rep in range(1, step.reps + 1):
            for side in sides:
                side_changed = not first and side is not None
                if first:
                    kind, pause = PauseKind.PREPARE, step.prepare
                elif side_changed:
                    switch = step.prepare if step.switch is None else step.switch
                    kind, pause = PauseKind.PREPARE, switch
                else:
                    kind, pause = PauseKind.REST, step.rest
                if pause == 0:
                    kind = PauseKind.NONE
                yield PlannedHold(
                    index=index,
                    step_index=step_index,
                    stretch=step.stretch,
                    side=side,
                    rep=rep,
                    reps=step.reps,
                    hold=step.hold,
                    pause_kind=kind,
                    pause=pause,
                    side_changed=side_changed,
                )
                index += 1
                first = False


@dataclass(frozen=True)
class Library:
    """Everything loaded from all routine files together."""

    stretches: Mapping[str, Stretch]
    routines: tuple[Routine, ...]
    symptoms: Mapping[str, Symptom]

    def routine(self, routine_id: str) -> Routine | None:
        for routine in self.routines:
            if routine.id == routine_id:
                return routine
        return None
