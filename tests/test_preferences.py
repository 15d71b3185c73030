"""The preferences model: defaults, validation and clamping, plain dicts, and pause overrides."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.model import PauseKind, Routine, Step, Stretch
from desktop_app.preferences import Preferences, with_pauses

SIDED = Stretch("towel", "Towel", ("hamstrings",), True, ("Lie down.",))
PLAIN = Stretch("calf", "Calf", ("calves",), False, ("Face the wall.",))
ROUTINE = Routine(
    "r",
    "R",
    "",
    (
        Step(SIDED, hold=30, reps=2, rest=10, prepare=5),
        Step(PLAIN, hold=20, reps=2, rest=15, prepare=7),
    ),
)


def pauses(routine: Routine) -> list[tuple[PauseKind, int, bool]]:
    return [(h.pause_kind, h.pause, h.side_changed) for h in routine.holds()]


def test_defaults() -> None:
    prefs = Preferences()
    assert prefs.sound_enabled
    assert prefs.sound_volume == 80
    assert not prefs.speech_enabled
    assert prefs.speech_voice == ""
    assert prefs.speech_rate == 0
    assert not prefs.speech_count_down
    assert prefs.text_size == "normal"
    assert prefs.text_scale == 1.0
    assert prefs.theme == "system"
    assert (prefs.prepare_seconds, prefs.rest_seconds, prefs.switch_seconds) == (None, None, None)
    assert not prefs.start_full_screen


def test_round_trip_through_a_dict() -> None:
    prefs = Preferences(
        sound_enabled=False,
        sound_volume=35,
        speech_enabled=True,
        speech_voice="English (Great Britain)",
        speech_rate=-20,
        speech_count_down=True,
        text_size="extra-large",
        theme="dark",
        prepare_seconds=8,
        rest_seconds=0,
        switch_seconds=3,
        start_full_screen=True,
    )
    assert Preferences.from_dict(prefs.to_dict()) == prefs
    # What an INI file gives back: strings.
    as_ini = {k: v if isinstance(v, str) else str(v).lower() for k, v in prefs.to_dict().items()}
    assert Preferences.from_dict(as_ini) == prefs


def test_text_scales() -> None:
    assert [Preferences(text_size=s).text_scale for s in ("normal", "large", "extra-large")] == [
        1.0,
        1.25,
        1.5,
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"sound_volume": 250}, {"sound_volume": 100}),
        ({"sound_volume": "-4"}, {"sound_volume": 0}),
        ({"sound_volume": "loud"}, {"sound_volume": 80}),
        ({"speech_rate": 99}, {"speech_rate": 50}),
        ({"speech_rate": -99.6}, {"speech_rate": -50}),
        ({"text_size": "huge"}, {"text_size": "normal"}),
        ({"theme": "Dark"}, {"theme": "system"}),
        ({"sound_enabled": "maybe"}, {"sound_enabled": True}),
        ({"sound_enabled": "0"}, {"sound_enabled": False}),
        ({"prepare_seconds": 999}, {"prepare_seconds": 120}),
        ({"prepare_seconds": "routine"}, {"prepare_seconds": None}),
        ({"rest_seconds": -3}, {"rest_seconds": 0}),
        ({"switch_seconds": [1]}, {"switch_seconds": None}),
        ({"speech_voice": "a\x00b"}, {"speech_voice": ""}),
        ({"speech_volume": 3, "nonsense": object()}, {}),
        ({"sound_volume": True}, {"sound_volume": 80}),
        ({"sound_volume": float("nan")}, {"sound_volume": 80}),
    ],
)
def test_bad_values_clamp_or_fall_back(
    data: dict[str, object], expected: dict[str, object]
) -> None:
    assert Preferences.from_dict(data) == dataclasses.replace(Preferences(), **expected)  # type: ignore[arg-type]


def test_validated_clamps_a_built_value() -> None:
    assert Preferences(sound_volume=140, speech_rate=-70).validated() == Preferences(
        sound_volume=100, speech_rate=-50
    )


@given(
    st.dictionaries(
        st.sampled_from([f.name for f in dataclasses.fields(Preferences)]),
        st.from_type(object) | st.text() | st.integers(),
    )
)
def test_from_dict_never_raises_and_always_validates(data: dict[str, object]) -> None:
    prefs = Preferences.from_dict(data)
    assert prefs.validated() == prefs


def test_no_overrides_keep_the_routine() -> None:
    assert Preferences().apply_to(ROUTINE) is ROUTINE


def test_prepare_override_changes_first_and_side_change_pauses() -> None:
    before = pauses(ROUTINE)
    after = pauses(Preferences(prepare_seconds=12).apply_to(ROUTINE))
    # A sided stretch alternates L1 R1 L2 R2: each hold after the first changes side.
    assert before == [
        (PauseKind.PREPARE, 5, False),
        (PauseKind.PREPARE, 5, True),
        (PauseKind.PREPARE, 5, True),
        (PauseKind.PREPARE, 5, True),
        (PauseKind.PREPARE, 7, False),
        (PauseKind.REST, 15, False),
    ]
    assert after == [
        (PauseKind.PREPARE, 12, False),
        (PauseKind.PREPARE, 12, True),
        (PauseKind.PREPARE, 12, True),
        (PauseKind.PREPARE, 12, True),
        (PauseKind.PREPARE, 12, False),
        (PauseKind.REST, 15, False),
    ]


def test_rest_and_switch_overrides() -> None:
    changed = Preferences(rest_seconds=20, switch_seconds=2).apply_to(ROUTINE)
    assert pauses(changed) == [
        (PauseKind.PREPARE, 5, False),
        (PauseKind.PREPARE, 2, True),
        (PauseKind.PREPARE, 2, True),
        (PauseKind.PREPARE, 2, True),
        (PauseKind.PREPARE, 7, False),
        (PauseKind.REST, 20, False),
    ]
    assert changed.planned_seconds == ROUTINE.planned_seconds - 3 * 3 + 5
    # Holds are never touched.
    assert [h.hold for h in changed.holds()] == [h.hold for h in ROUTINE.holds()]


def test_zero_pause_is_no_pause() -> None:
    kinds = {h.pause_kind for h in with_pauses(ROUTINE, prepare=0, rest=0).holds()}
    assert kinds == {PauseKind.NONE}


def test_preferences_and_keep_awake_import_no_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, desktop_app.preferences, desktop_app.keep_awake; "
        "print('PySide6' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
