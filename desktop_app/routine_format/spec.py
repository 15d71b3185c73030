"""The routine file format, declared once: every key, its kind, its limits and what it means.

The loader reads each part of a file through this table (allowed and required keys, how each
value is checked, its default), and ``resources/routines.schema.json`` is generated from it
(:mod:`desktop_app.routine_format.schema`). A new key is one :class:`Field` here, plus a line
where its record is built (:mod:`desktop_app.routine_format.records`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TypeAlias

from desktop_app.model import DEFAULT_PREPARE, DEFAULT_REST, DEFAULT_SIDE_LABEL, SIDE_PLACEHOLDER
from desktop_app.routine_format.values import (
    ACTIONS,
    FORMAT_VERSION,
    MAX_DURATION,
)

# --------------------------------------------------------------------------- kinds of value


@dataclass(frozen=True)
class Text:
    """Text: a string, or a number kept as written; something visible, at most 2,000 characters.

    ``line`` text (names, labels, areas, keys) is one line with no invisible or
    direction-changing characters; ``default`` is used when the key is left out.
    """

    line: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Template:
    """One line of text that holds ``placeholder`` exactly once and no other braces, such as
    ``{side} foot back``; ``example`` shows one in errors, ``default`` is used when the key is
    left out."""

    placeholder: str
    example: str
    default: str


@dataclass(frozen=True)
class TextList:
    """A list of texts (lines starting with '- '); ``min_items`` 1 refuses an empty list."""

    line: bool = False
    min_items: int = 0


@dataclass(frozen=True)
class TextOrList:
    """One text, or a list of them (``area: hamstrings`` or ``area: [calves, achilles]``)."""

    line: bool = True


@dataclass(frozen=True)
class Flag:
    """true or false."""

    default: bool = False


@dataclass(frozen=True)
class Count:
    """A whole number from ``minimum`` to ``maximum``."""

    minimum: int
    maximum: int
    default: int


@dataclass(frozen=True)
class Duration:
    """Seconds (30) or text ('30s', '1m', '1m30s', '1h'), from ``minimum`` s to 60 min."""

    minimum: int
    default: int | None = None
    maximum: int = MAX_DURATION


@dataclass(frozen=True)
class Choice:
    """One of a few words; ``explain`` says what each does, in the error for any other."""

    values: tuple[str, ...]
    explain: str


@dataclass(frozen=True)
class Key:
    """A symptom's key: one letter or digit that is one key on a keyboard, the window's aside."""


@dataclass(frozen=True)
class Id:
    """An id exactly as written (lowercase letters, digits, single dashes), of a ``kind``.

    ``invalid`` follows the quoted value in the error; ``{place}`` in it is where it stands
    ("step 2 of routine 'x'").
    """

    kind: str
    invalid: str


@dataclass(frozen=True)
class IdList:
    """A list of distinct ids of a ``kind`` (``stop_on: [tingling]``), resolved across files."""

    kind: str


@dataclass(frozen=True)
class IdMap:
    """A mapping from ids of a ``kind`` to records (``stretches:``) or to lists of texts."""

    kind: str
    value: Record | TextList


@dataclass(frozen=True)
class RecordList:
    """A list of records (``routines:``, ``steps:``); ``hint`` follows 'must be a list'."""

    record: Record
    min_items: int = 0
    hint: str = ""


@dataclass(frozen=True)
class Nested:
    """One record under a key (``defaults:``)."""

    record: Record


@dataclass(frozen=True)
class Version:
    """The format version: always ``number``."""

    number: int


@dataclass(frozen=True)
class Picture:
    """A stretch's picture: a pose the app draws, or the path of an SVG or PNG file.

    Read by :mod:`desktop_app.figure_spec`; a problem with it leaves out the picture only (the
    stretch still loads), and is reported with its line and column like any other.
    """


Kind: TypeAlias = (
    Text
    | Template
    | TextList
    | TextOrList
    | Flag
    | Count
    | Duration
    | Choice
    | Key
    | Id
    | IdList
    | IdMap
    | RecordList
    | Nested
    | Version
    | Picture
)


@dataclass(frozen=True)
class Field:
    """One key of a record: its kind, whether it must be given, and what it means.

    ``only_with`` names a true/false key of the same record that must be true for this key
    to be given (a side's wording only for a sided stretch); ``only_with_why`` says why in
    the error ("names a side").
    """

    name: str
    kind: Kind
    description: str
    required: bool = False
    only_with: str | None = None
    only_with_why: str = "needs it"


@dataclass(frozen=True)
class Record:
    """A mapping with a fixed set of keys: the file itself, a symptom, a stretch, a step..."""

    name: str
    description: str
    fields: tuple[Field, ...]
    # At least one of these keys must be given (a file has stretches, routines or both).
    one_of: tuple[str, ...] = ()

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# --------------------------------------------------------------------------- the format

_PAUSE_RANGE = "From 0 (no pause) to 60 min."

DEFAULTS = Record(
    "defaults",
    "Pauses used by every step of this file's routines unless the step sets its own. "
    f"Without them a file gets prepare {DEFAULT_PREPARE} s and rest {DEFAULT_REST} s.",
    (
        Field(
            "prepare",
            Duration(0, DEFAULT_PREPARE),
            "'Get into position' countdown before a hold that starts a stretch or a side. "
            f"0 means none. Default {DEFAULT_PREPARE}s.",
        ),
        Field(
            "rest",
            Duration(0, DEFAULT_REST),
            "Rest between two holds of the same stretch on the same side. 0 means none. "
            f"Default {DEFAULT_REST}s.",
        ),
    ),
)

SYMPTOM = Record(
    "symptom",
    "A symptom the user can report during a hold, and what the app then says and does.",
    (
        Field(
            "label", Text(line=True), "Name shown on the symptom's button, e.g. 'Tingling'.", True
        ),
        Field(
            "key",
            Key(),
            "Keyboard shortcut: one letter or digit, unique among all symptoms (two keys that "
            "are the same letter in another case clash). A letter of another alphabet is fine "
            "when it is one key on a keyboard. Space, arrows, Esc, Enter and Tab belong to the "
            "window.",
            True,
        ),
        Field(
            "action",
            Choice(
                ACTIONS,
                "use 'continue' (keep holding with the advice shown) or 'stop' (end the stretch)",
            ),
            "continue: keep holding with the advice shown; stop: end this stretch now.",
            True,
        ),
        Field(
            "advice",
            TextList(),
            "General adjustments shown when the symptom is reported (e.g. bend the knee "
            "slightly, ease off).",
        ),
        Field(
            "seek_help",
            TextList(),
            "Red flags that mean 'see a professional', shown with the advice.",
        ),
    ),
)

STRETCH = Record(
    "stretch",
    "One stretch, independent of how long or how often a routine holds it.",
    (
        Field(
            "name", Text(line=True), "Name shown to the user, e.g. 'Towel hamstring stretch'.", True
        ),
        Field(
            "area",
            TextOrList(),
            "Body areas the stretch works, e.g. [hamstrings] or [calves, achilles]. A single "
            "word is also accepted.",
        ),
        Field(
            "sided",
            Flag(default=False),
            "true when the stretch is done for each leg in turn (left first, alternating L1 R1 "
            "L2 R2 ...). Default false.",
        ),
        Field(
            "side_label",
            Template(SIDE_PLACEHOLDER, "{side} leg on the stool", DEFAULT_SIDE_LABEL),
            "How the session screen names the side of a sided stretch: '{side}' becomes 'left' "
            "or 'right', so '{side} leg on the stool' reads 'Left leg on the stool' and "
            "'{side} foot back' reads 'Left foot back'. Exactly one '{side}' and no other "
            f"braces. Only for sided stretches. Default '{DEFAULT_SIDE_LABEL}'.",
            only_with="sided",
            only_with_why="names a side",
        ),
        Field(
            "instructions",
            TextList(min_items=1),
            "Ordered steps to get into the stretch: short sentences, at least one.",
            True,
        ),
        Field("tips", TextList(), "Technique tips shown during the hold."),
        Field(
            "cautions",
            TextList(),
            "Shown before the stretch starts, e.g. no bouncing; skip it if the muscle is strained.",
        ),
        Field(
            "advice",
            IdMap("symptom", TextList(min_items=1)),
            "Advice specific to this stretch, keyed by symptom id; shown before the symptom's "
            "general advice.",
        ),
        Field(
            "figure",
            Picture(),
            "The stretch's picture, shown beside the countdown and in the picker: a pose the "
            "app draws (a mapping with 'base:' and joint angles, props and areas to pick out) "
            "or the path of an SVG or PNG file, relative to this file. A picture that cannot "
            "be shown is reported, and the stretch is shown without it.",
        ),
    ),
)

STEP = Record(
    "step",
    "A stretch as this routine uses it.",
    (
        Field(
            "stretch",
            Id("stretch", "is not a valid stretch id ({place})"),
            "Id of a stretch from any loaded file.",
            True,
        ),
        Field(
            "hold",
            Duration(1),
            'How long each hold lasts: 30, "30s", "1m", "1m30s"; 1 s to 60 min.',
            True,
        ),
        Field(
            "reps",
            Count(1, 100, default=1),
            "How many holds (per side for a sided stretch), 1 to 100. Default 1.",
        ),
        Field(
            "rest",
            Duration(0),
            "Rest between holds of the same position; overrides defaults.rest. 0 means none.",
        ),
        Field(
            "prepare",
            Duration(0),
            "'Get into position' countdown before the first hold and before each change of "
            "side; overrides defaults.prepare. 0 means none.",
        ),
    ),
)

ROUTINE = Record(
    "routine",
    "A routine: what a session runs.",
    (
        Field(
            "id",
            Id("routine", "is not a valid routine id: use lowercase letters, digits and dashes"),
            "Routine id, unique across all loaded files, e.g. hamstring-basics.",
            True,
        ),
        Field("name", Text(line=True), "Name shown to the user.", True),
        Field(
            "description",
            Text(default=""),
            "What the routine is for and how often to do it.",
        ),
        Field(
            "stop_on",
            IdList("symptom"),
            "Symptoms that stop a stretch in this routine even when their own action is "
            "continue, e.g. [tingling] for a nerve-friendly routine. Ids of symptoms from any "
            "loaded file.",
        ),
        Field(
            "steps",
            RecordList(STEP, min_items=1),
            "The stretches in order, at least one.",
            True,
        ),
    ),
)

FILE = Record(
    "file",
    "A library of stretches, the routines built from them and the symptoms a user can report "
    "during a hold. Stretches, routines and symptoms are shared by all loaded files; their ids "
    "must be unique across them.",
    (
        Field(
            "format",
            Version(FORMAT_VERSION),
            f"Version of the routine file format. Always {FORMAT_VERSION}.",
            True,
        ),
        Field("defaults", Nested(DEFAULTS), DEFAULTS.description),
        Field(
            "symptoms",
            IdMap("symptom", SYMPTOM),
            "What the user can report during a hold, keyed by symptom id (e.g. tingling, "
            "heel-pain, pain).",
        ),
        Field(
            "stretches",
            IdMap("stretch", STRETCH),
            "The stretches of the library, keyed by stretch id (e.g. towel-hamstring).",
        ),
        Field(
            "routines",
            RecordList(ROUTINE, hint=" (each routine starting with '- id:')"),
            "Routines: ordered lists of steps, each a stretch with its hold time and repetitions.",
        ),
    ),
    one_of=("stretches", "routines"),
)

RECORDS = (FILE, DEFAULTS, SYMPTOM, STRETCH, ROUTINE, STEP)

# The keys of each part of a file, as the loader has long named them.
TOP_KEYS = FILE.keys
DEFAULT_KEYS = DEFAULTS.keys
SYMPTOM_KEYS = SYMPTOM.keys
STRETCH_KEYS = STRETCH.keys
ROUTINE_KEYS = ROUTINE.keys
STEP_KEYS = STEP.keys
