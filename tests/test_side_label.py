"""A stretch's own words for the side (``side_label``): the loader's checks and the wording."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from desktop_app.engine import SessionEngine
from desktop_app.model import DEFAULT_SIDE_LABEL, Routine, Step, Stretch, side_phrase, side_text
from desktop_app.routines import (
    STRETCH_KEYS,
    RoutineError,
    RoutineFileError,
    load_library,
    parse_routines,
)
from desktop_app.session_text import hold_title
from desktop_app.session_text import side_text as line_side_text
from desktop_app.session_view import SessionView
from tests.conftest import BUNDLED, FakeClock

FILE = """\
format: 1
stretches:
  stool:
    name: Stool stretch
    sided: true
    side_label: "{side} leg on the stool"
    instructions: [Heel on the stool]
  towel:
    name: Towel stretch
    sided: true
    instructions: [Loop the towel]
routines:
  - id: r
    name: R
    steps:
      - stretch: stool
        hold: 30s
        reps: 2
      - stretch: towel
        hold: 20s
"""


def stretch(label: str = DEFAULT_SIDE_LABEL) -> Stretch:
    return Stretch(id="s", name="S", area=(), sided=True, instructions=("x",), side_label=label)


def errors_of(text: str) -> list[RoutineError]:
    with pytest.raises(RoutineFileError) as info:
        parse_routines(textwrap.dedent(text), "my.yaml")
    return list(info.value.errors)


# --------------------------------------------------------------------------- the wording


def test_without_a_label_the_side_is_the_leg() -> None:
    assert side_text(stretch(), "left") == "Left leg"
    assert side_text(stretch(), "right") == "Right leg"
    assert side_phrase(stretch(), "right") == "right leg"


def test_a_label_names_the_side_in_the_stretchs_words() -> None:
    back = stretch("{side} foot back")
    assert side_text(back, "left") == "Left foot back"
    assert side_phrase(back, "right") == "right foot back"
    # The side need not come first; only the line's first letter is raised.
    middle = stretch("the {side} heel up")
    assert side_text(middle, "right") == "The right heel up"
    assert side_phrase(middle, "left") == "the left heel up"


# --------------------------------------------------------------------------- the loader


def test_the_loader_reads_the_label_and_leaves_others_at_the_default() -> None:
    parsed = parse_routines(FILE, "my.yaml")
    assert parsed.stretches["stool"].stretch.side_label == "{side} leg on the stool"
    assert parsed.stretches["towel"].stretch.side_label == DEFAULT_SIDE_LABEL


def test_a_label_without_the_placeholder_is_located() -> None:
    (error,) = errors_of(FILE.replace('"{side} leg on the stool"', "Left leg on the stool"))
    assert (error.line, error.column) == (6, 17)
    assert error.message == (
        "side_label in stretch 'stool' must contain '{side}' exactly once "
        "(like '{side} leg on the stool'), not 'Left leg on the stool'"
    )


@pytest.mark.parametrize(
    ("label", "fragment"),
    [
        ('"{side} leg, {side} foot"', "must contain '{side}' exactly once"),
        ('"{Side} leg"', "must contain '{side}' exactly once"),
        ('"{side} leg {up}"', "may hold no braces besides '{side}'"),
        ('""', "side_label in stretch 'stool' is empty"),
        ("[a, b]", "side_label in stretch 'stool' must be a single value, not a list"),
    ],
)
def test_bad_labels_are_located(label: str, fragment: str) -> None:
    (error,) = errors_of(FILE.replace('"{side} leg on the stool"', label))
    assert (error.line, error.column) == (6, 17)
    assert fragment in error.message


def test_a_label_on_an_unsided_stretch_is_an_error() -> None:
    (error,) = errors_of(FILE.replace("    sided: true\n    side_label", "    side_label", 1))
    assert (error.line, error.column) == (5, 17)
    assert error.message == (
        "side_label in stretch 'stool' names a side, but the stretch is not sided "
        "(add 'sided: true' or remove the side_label)"
    )


def test_a_misspelt_key_suggests_side_label() -> None:
    (error,) = errors_of(FILE.replace("side_label:", "side_lable:"))
    assert (error.line, error.column) == (6, 5)
    assert error.message == (
        "unknown key 'side_lable' in stretch 'stool' (did you mean 'side_label'?)"
    )


# --------------------------------------------------------------------------- on the session screen


def test_the_session_screen_and_next_line_use_the_label() -> None:
    parsed = parse_routines(FILE, "my.yaml")
    stool = parsed.stretches["stool"].stretch
    towel = parsed.stretches["towel"].stretch
    routine = Routine("r", "R", "", (Step(stool, 30, reps=2), Step(towel, 20)))
    clock = FakeClock()
    engine = SessionEngine(routine, clock=clock)
    engine.start()
    view = SessionView().screen(engine.snapshot())
    assert view.side_text == "Left leg on the stool, rep 1 of 2"
    clock.advance(5)
    view = SessionView().screen(engine.snapshot())
    assert view.next_text == "Next: Stool stretch, right leg on the stool · 30 s"
    holds = routine.holds()
    assert [line_side_text(h) for h in holds] == [
        "Left leg on the stool, rep 1 of 2",
        "Right leg on the stool, rep 1 of 2",
        "Left leg on the stool, rep 2 of 2",
        "Right leg on the stool, rep 2 of 2",
        "Left leg",
        "Right leg",
    ]
    assert hold_title(holds[-1]) == "Towel stretch, right leg"


def test_every_sided_bundled_stretch_names_its_side() -> None:
    """The bundled stretches never fall back to a bare "Left leg": it says which leg."""
    library = load_library([BUNDLED]).library
    for item in library.stretches.values():
        if item.sided:
            assert item.side_label != DEFAULT_SIDE_LABEL, item.id
            assert side_text(item, "left").startswith("Left "), item.id


def test_the_json_schema_agrees_with_the_loader() -> None:
    schema = json.loads((BUNDLED.parent / "routines.schema.json").read_text(encoding="utf-8"))
    stretch_schema = schema["$defs"]["stretch"]
    assert set(stretch_schema["properties"]) == set(STRETCH_KEYS)
    assert stretch_schema["dependentSchemas"]["side_label"]["properties"]["sided"] == {
        "const": True
    }
    (line, template) = stretch_schema["properties"]["side_label"]["allOf"]
    assert line == {"$ref": "#/$defs/line"}
    pattern = re.compile(template["pattern"])
    for label, ok in [
        ("{side} leg on the stool", True),
        ("the {side} heel up", True),
        ("Left leg", False),
        ("{side} leg, {side} foot", False),
        ("{side} leg {up}", False),
        ("{Side} leg", False),
    ]:
        assert bool(pattern.match(label)) is ok, label
        quoted = json.dumps(label)
        if ok:
            parse_routines(FILE.replace('"{side} leg on the stool"', quoted), "my.yaml")
        else:
            assert errors_of(FILE.replace('"{side} leg on the stool"', quoted))
