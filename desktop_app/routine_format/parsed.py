"""What reading one routine file gives: its parsed records, or its errors with their places."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_app.model import Stretch, Symptom


@dataclass(frozen=True)
class RoutineError:
    """One problem in a routine file, at a line and column (both counted from 1).

    Line and column 0 mean a problem with a folder as a whole (it cannot be listed, or holds
    no routine file); ``str()`` then gives just the path and the message.
    """

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line < 1:  # about the file or folder as a whole, such as a folder with none
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PictureError(RoutineError):
    """A problem with a stretch's ``figure:``: only the picture is left out, not the file."""


class RoutineFileError(Exception):
    """A routine file that cannot be used; carries all of its errors."""

    def __init__(self, errors: Sequence[RoutineError], partial: ParsedFile | None = None) -> None:
        self.errors = tuple(errors)
        # What could be read despite the errors, so cross-file checks can still be reported.
        self.partial = partial
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Loc:
    line: int
    column: int


@dataclass(frozen=True)
class RawStep:
    stretch_id: str
    hold: int
    reps: int
    rest: int
    prepare: int


@dataclass(frozen=True)
class RawRoutine:
    id: str
    name: str
    description: str
    steps: tuple[RawStep, ...]
    stop_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawStretch:
    stretch: Stretch
    loc: Loc
    advice_locs: tuple[tuple[str, Loc], ...]


@dataclass
class ParsedFile:
    """One routine file, checked on its own; references to other files are resolved later."""

    source: str
    stretches: dict[str, RawStretch] = field(default_factory=dict)
    symptoms: dict[str, tuple[Symptom, Loc]] = field(default_factory=dict)
    routines: list[RawRoutine] = field(default_factory=list)
    # Every routine id with where it stands, even for routines that have errors.
    routine_ids: list[tuple[str, Loc]] = field(default_factory=list)
    # Every step's stretch reference ("step 2 of routine 'x'", id, where), even in broken routines.
    step_refs: list[tuple[str, str, Loc]] = field(default_factory=list)
    # Every symptom a routine stops on (routine id, symptom id, where), resolved across files.
    stop_on_refs: list[tuple[str, str, Loc]] = field(default_factory=list)
    # Pictures left out (the stretches load without them).
    picture_errors: list[PictureError] = field(default_factory=list)
    # Every picture file the figures name, read or not.
    pictures: list[str] = field(default_factory=list)
