"""The routine loader: the format, every error class with its place, and the planned time."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.model import PauseKind
from desktop_app.routines import (
    ParsedFile,
    RoutineError,
    RoutineFileError,
    load_library,
    parse_duration,
    parse_routines,
    read_routine_file,
)
from tests.conftest import BUNDLED

GOOD = """\
format: 1
defaults:
  prepare: 5s
  rest: 10s
symptoms:
  tingling:
    label: Tingling
    key: T
    action: continue
    advice: [Bend the knee a little]
    seek_help: [Tingling that stays after you stop]
  pain:
    label: Pain
    key: P
    action: stop
    advice: [Stop]
stretches:
  towel-hamstring:
    name: Towel hamstring stretch
    area: [hamstrings]
    sided: true
    instructions: [Lie on your back, Loop the towel]
    tips: [Keep the knee soft]
    cautions: [No bouncing]
    advice:
      tingling: [Point the toes away]
  wall-calf:
    name: Wall calf stretch
    instructions: [Face the wall]
routines:
  - id: evening
    name: Evening
    description: A short one
    steps:
      - stretch: wall-calf
        hold: 30s
        reps: 3
      - stretch: towel-hamstring
        hold: 30
        reps: 3
"""


def errors_of(text: str, source: str = "my.yaml") -> list[RoutineError]:
    with pytest.raises(RoutineFileError) as info:
        parse_routines(textwrap.dedent(text), source)
    return list(info.value.errors)


def one_error(text: str) -> RoutineError:
    errors = errors_of(text)
    assert len(errors) == 1, errors
    return errors[0]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the good path


def test_a_good_file_becomes_the_model(tmp_path: Path) -> None:
    result = load_library([write(tmp_path, "good.yaml", GOOD)])
    assert [r.ok for r in result.reports] == [True]
    library = result.library
    routine = library.routine("evening")
    assert routine is not None
    assert routine.name == "Evening"
    assert [s.stretch.id for s in routine.steps] == ["wall-calf", "towel-hamstring"]
    towel = library.stretches["towel-hamstring"]
    assert towel.sided
    assert towel.instructions == ("Lie on your back", "Loop the towel")
    assert towel.advice["tingling"] == ("Point the toes away",)
    assert library.symptoms["pain"].action == "stop"
    assert library.symptoms["tingling"].key == "T"


def test_the_worked_examples_of_the_format_add_up() -> None:
    parsed_library = load_library_from_text(GOOD)
    routine = parsed_library.routine("evening")
    assert routine is not None
    # 5 + 30 + 10 + 30 + 10 + 30 for the unsided step; 6 x (5 + 30) for the sided one.
    holds = routine.holds()
    assert sum(h.seconds for h in holds if h.stretch.id == "wall-calf") == 115
    assert sum(h.seconds for h in holds if h.stretch.id == "towel-hamstring") == 210
    assert routine.planned_seconds == 325


def test_sides_alternate_left_first_and_pauses_follow_the_position() -> None:
    routine = load_library_from_text(GOOD).routine("evening")
    assert routine is not None
    sided = [h for h in routine.holds() if h.stretch.sided]
    assert [(h.side, h.rep) for h in sided] == [
        ("left", 1),
        ("right", 1),
        ("left", 2),
        ("right", 2),
        ("left", 3),
        ("right", 3),
    ]
    assert {h.pause_kind for h in sided} == {PauseKind.PREPARE}
    unsided = [h for h in routine.holds() if not h.stretch.sided]
    assert [h.pause_kind for h in unsided] == [PauseKind.PREPARE, PauseKind.REST, PauseKind.REST]


def test_step_values_override_the_file_defaults_and_zero_means_none() -> None:
    text = GOOD.replace(
        "        hold: 30s\n        reps: 3\n",
        "        hold: 1m\n        reps: 2\n        prepare: 0\n        rest: 1m30s\n",
    )
    routine = load_library_from_text(text).routine("evening")
    assert routine is not None
    first = routine.holds()[:2]
    assert [(h.pause_kind, h.pause, h.hold) for h in first] == [
        (PauseKind.NONE, 0, 60),
        (PauseKind.REST, 90, 60),
    ]


def test_a_file_without_defaults_gets_prepare_5_and_rest_10() -> None:
    text = GOOD.replace("defaults:\n  prepare: 5s\n  rest: 10s\n", "")
    routine = load_library_from_text(text).routine("evening")
    assert routine is not None
    assert routine.planned_seconds == 325


def test_defaults_apply_only_to_their_own_file(tmp_path: Path) -> None:
    base = write(tmp_path, "a.yaml", GOOD.replace("prepare: 5s", "prepare: 0"))
    other = write(
        tmp_path,
        "b.yaml",
        """\
        format: 1
        routines:
          - id: other
            name: Other
            steps:
              - stretch: wall-calf
                hold: 30s
        """,
    )
    library = load_library([base, other]).library
    other_routine = library.routine("other")
    assert other_routine is not None
    assert other_routine.planned_seconds == 5 + 30


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(30, 30), ("30", 30), ("30s", 30), ("1m", 60), ("1m30s", 90), ("1h", 3600), (" 2m ", 120)],
)
def test_durations(text: object, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "s", "1.5s", "30 sec", "-5", True, None, 1.5, "m30"])
def test_not_durations(text: object) -> None:
    assert parse_duration(text) is None


def load_library_from_text(text: str):  # type: ignore[no-untyped-def]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.yaml"
        path.write_text(text, encoding="utf-8")
        result = load_library([path])
    assert [r.errors for r in result.reports] == [()]
    return result.library


# --------------------------------------------------------------------------- each error, located


def test_unknown_key_names_its_place_and_what_was_meant() -> None:
    error = one_error(
        """\
        format: 1
        stretches:
          s:
            name: S
            instructions: [x]
        routines:
          - id: evening
            name: Evening
            steps:
              - stretch: s
                hold: 30s
              - stretch: s
                hold: 30s
                hodl: 30s
        """
    )
    assert str(error) == (
        "my.yaml:14:9: unknown key 'hodl' in step 2 of routine 'evening' (did you mean 'hold'?)"
    )


def test_yaml_syntax_error_is_located() -> None:
    error = one_error("format: 1\nstretches: [a, b\n")
    assert (error.line, error.column) == (3, 1)
    assert "YAML syntax error" in error.message


def test_duplicate_keys_are_caught_not_silently_overwritten() -> None:
    error = one_error(
        """\
        format: 1
        stretches:
          s:
            name: First
            name: Second
            instructions: [x]
        """
    )
    assert (error.line, error.column) == (5, 5)
    assert "duplicate key 'name' in stretch 's' (first given at line 4)" in error.message


def test_missing_required_keys() -> None:
    errors = errors_of(
        """\
        stretches:
          s:
            area: [calves]
        """
    )
    messages = [(e.line, e.column, e.message) for e in errors]
    assert (1, 1, "missing required key 'format' at the top level") in messages
    assert (3, 5, "missing required key 'name' in stretch 's'") in messages
    assert (3, 5, "missing required key 'instructions' in stretch 's'") in messages


def test_all_errors_of_a_file_come_in_one_pass() -> None:
    errors = errors_of(
        """\
        format: 1
        stretches:
          s:
            name: S
            sided: maybe
            instructions: [x]
        routines:
          - id: r
            name: R
            steps:
              - stretch: s
                hold: 0
                reps: 0
        """
    )
    assert [(e.line, e.column) for e in errors] == [(5, 12), (12, 15), (13, 15)]
    assert "sided in stretch 's' must be true or false" in errors[0].message
    assert "out of range" in errors[1].message
    assert "reps in step 1 of routine 'r' must be between 1 and 100, not 0" in errors[2].message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("[30]", "must be a single value, not a list"),
        ("30 seconds", "is not a duration"),
        ("61m", "out of range"),
        ("1.5", "is not a duration"),
    ],
)
def test_bad_hold_values(value: str, fragment: str) -> None:
    error = one_error(
        f"""\
        format: 1
        stretches:
          s: {{name: S, instructions: [x]}}
        routines:
          - id: r
            name: R
            steps:
              - stretch: s
                hold: {value}
        """
    )
    assert (error.line, error.column) == (9, 15)
    assert fragment in error.message


def test_wrong_types() -> None:
    errors = errors_of(
        """\
        format: 1
        stretches:
          s:
            name: [not, text]
            instructions: do this
        routines: {}
        """
    )
    messages = [e.message for e in errors]
    assert "name in stretch 's' must be a single value, not a list" in messages
    assert any("instructions in stretch 's' must be a list" in m for m in messages)
    assert any("routines must be a list" in m for m in messages)


def test_an_empty_routine() -> None:
    error = one_error(
        """\
        format: 1
        stretches:
          s: {name: S, instructions: [x]}
        routines:
          - id: r
            name: R
            steps: []
        """
    )
    assert (error.line, error.column) == (7, 12)
    assert error.message == "routine 'r' has no steps: add at least one"


def test_unknown_symptom_action_and_keys_the_window_needs() -> None:
    errors = errors_of(
        """\
        format: 1
        stretches:
          s: {name: S, instructions: [x]}
        symptoms:
          a: {label: A, key: Space, action: continue, advice: [x]}
          b: {label: B, key: B, action: keep-going, advice: [x]}
          c: {label: C, key: Esc, action: stop, advice: [x]}
          d: {label: D, key: x, action: stop, advice: [x]}
          e: {label: E, key: X, action: stop, advice: [x]}
        """
    )
    messages = {(e.line, e.column): e.message for e in errors}
    assert "key 'Space' in symptom 'a' is taken by the window" in messages[(5, 22)]
    assert "unknown action 'keep-going' in symptom 'b'" in messages[(6, 33)]
    assert "key 'Esc' in symptom 'c' is taken by the window" in messages[(7, 22)]
    assert messages[(9, 3)] == "symptom 'e' uses key 'X', which symptom 'd' already uses"


def test_python_tags_are_refused_and_nothing_is_built() -> None:
    error = one_error(
        """\
        format: 1
        stretches:
          s: !!python/object/apply:os.system ["echo owned > /tmp/owned"]
        """
    )
    assert "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in (
        error.message
    )
    assert (error.line, error.column) == (3, 6)


def test_an_alias_bomb_stops_with_an_error() -> None:
    lines = ["format: 1", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("stretches:")
    lines.append("  s: {name: S, instructions: *a8}")
    errors = errors_of("\n".join(lines) + "\n")
    # 9**9 strings if expanded; the checker never walks into what it did not ask for.
    assert len(errors) < 30
    assert any("must be a single value, not a list" in e.message for e in errors)


def test_a_huge_flat_file_hits_the_node_budget() -> None:
    items = ", ".join(["x"] * 250_000)
    errors = errors_of(f"format: 1\nstretches:\n  s: {{name: S, instructions: [{items}]}}\n")
    assert any("too many values" in e.message for e in errors)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: 1\nstretches:\n  s:\n    name: Étirement\n".encode("latin-1"))
    with pytest.raises(RoutineFileError) as info:
        read_routine_file(path)
    (error,) = info.value.errors
    assert (error.line, error.column) == (4, 11)
    assert "not UTF-8" in error.message


def test_a_file_over_one_mebibyte(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("format: 1\n" + "#" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(RoutineFileError) as info:
        read_routine_file(path)
    assert "limit is 1 MiB" in info.value.errors[0].message


def test_a_newer_format_is_named() -> None:
    error = one_error("format: 2\nstretches: {s: {name: S, instructions: [x]}}\n")
    assert error.message == "format 2 is newer than this app understands (it reads format 1)"


def test_a_repeated_routine_id_is_reported_even_when_the_first_has_errors() -> None:
    errors = errors_of(
        """\
        format: 1
        stretches:
          s: {name: S, instructions: [x]}
        routines:
          - id: mine
            name: Mine
            steps: [{stretch: s, hold: 30 sec}]
          - id: mine
            name: Mine again
            steps: [{stretch: s, hold: 30s}]
        """
    )
    assert [(e.line, e.column, e.message) for e in errors] == [
        (
            7,
            32,
            "hold in step 1 of routine 'mine' is not a duration: '30 sec' "
            "(write 30, '30s', '1m' or '1m30s')",
        ),
        (8, 5, "routine id 'mine' is used twice (first at line 5)"),
    ]


def test_a_bad_id() -> None:
    error = one_error("format: 1\nstretches:\n  Towel Stretch: {name: S, instructions: [x]}\n")
    assert (error.line, error.column) == (3, 3)
    assert "'Towel Stretch' in stretches is not a valid id" in error.message


# --------------------------------------------------------------------------- files together


def test_a_step_naming_an_unknown_stretch(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        """\
        format: 1
        stretches:
          towel-hamstring: {name: S, instructions: [x]}
        routines:
          - id: r
            name: R
            steps:
              - stretch: towel-hamstrng
                hold: 30s
        """,
    )
    (report,) = load_library([path]).reports
    (error,) = report.errors
    assert str(error) == (
        f"{path}:8:18: step 1 of routine 'r' uses unknown stretch 'towel-hamstrng' "
        "(did you mean 'towel-hamstring'?)"
    )


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(
        tmp_path,
        "b.yaml",
        """\
        format: 1
        stretches:
          wall-calf: {name: Again, instructions: [x]}
        """,
    )
    result = load_library([first, second])
    assert [r.ok for r in result.reports] == [True, False]
    (error,) = result.reports[1].errors
    assert (error.line, error.column) == (3, 3)
    assert f"stretch id 'wall-calf' is already defined at {first}:27:3" in error.message
    assert result.library.stretches["wall-calf"].name == "Wall calf stretch"


def test_a_file_may_use_stretches_of_another_file(tmp_path: Path) -> None:
    routines_only = write(
        tmp_path,
        "mine.yaml",
        """\
        format: 1
        routines:
          - id: mine
            name: Mine
            steps: [{stretch: towel-hamstring, hold: 45s}]
        """,
    )
    result = load_library([BUNDLED, routines_only])
    assert all(r.ok for r in result.reports), result.errors
    assert result.library.routine("mine") is not None


def test_a_broken_user_file_is_left_out_and_the_rest_still_loads(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.yaml", "format: 1\nstretches: [\n")
    result = load_library([BUNDLED, broken])
    assert result.reports[0].ok
    assert not result.reports[1].ok
    assert len(result.library.routines) >= 5
    assert str(broken) in result.errors


def test_the_same_file_is_never_loaded_twice() -> None:
    result = load_library([BUNDLED, BUNDLED.parent / ".." / "resources" / "routines.yaml"])
    assert len(result.reports) == 1
    assert result.reports[0].ok


def test_a_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    result = load_library([tmp_path / "gone.yaml"])
    (error,) = result.reports[0].errors
    assert "cannot read the file" in error.message


# --------------------------------------------------------------------------- the bundled file


def test_the_bundled_file_is_valid_and_rich() -> None:
    result = load_library([BUNDLED])
    assert result.reports[0].errors == ()
    library = result.library
    assert len(library.stretches) >= 12
    assert len(library.routines) >= 5
    for symptom_id in ("tingling", "heel-pain", "pain"):
        assert symptom_id in library.symptoms
        assert library.symptoms[symptom_id].seek_help
    assert library.symptoms["pain"].action == "stop"
    assert library.symptoms["tingling"].action == "continue"
    for routine in library.routines:
        assert routine.planned_seconds > 0
        assert all(step.stretch.instructions for step in routine.steps)


# --------------------------------------------------------------------------- fuzzing


def _mutations() -> st.SearchStrategy[str]:
    base = BUNDLED.read_text(encoding="utf-8")
    lines = base.splitlines(keepends=True)

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(out) - 1))
            kind = draw(st.sampled_from(["drop", "dup", "garble", "indent", "insert"]))
            if kind == "drop":
                del out[i]
            elif kind == "dup":
                out.insert(i, out[i])
            elif kind == "garble":
                text = out[i]
                j = draw(st.integers(0, max(len(text) - 1, 0)))
                out[i] = text[:j] + draw(st.sampled_from(list(":-[]{}&*!|>'\"#% \t0"))) + text[j:]
            elif kind == "indent":
                out[i] = "  " + out[i]
            else:
                out.insert(i, draw(st.text(max_size=30)) + "\n")
            if not out:
                break
        return "".join(out)

    return mutate()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_fuzz_mutated_bundled_file_raises_only_the_loaders_error(text: str) -> None:
    try:
        parse_routines(text, "fuzz.yaml")
    except RoutineFileError as exc:  # the only exception allowed out
        errors = exc.errors
        assert errors
        assert all(e.line >= 1 and e.column >= 1 for e in errors)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_random_text_raises_only_the_loaders_error(text: str) -> None:
    try:
        parse_routines(text, "fuzz.yaml")
    except RoutineFileError as exc:  # the only exception allowed out
        errors = exc.errors
        assert errors


# Values the adversarial run found trouble with, and more of their kind.
HOSTILE_VALUES = (
    "",
    "~",
    "null",
    "²",
    "'٣٠'",
    "３０s",
    '"' + "1" * 4400 + '"',
    "1" * 4400,
    "1:" * 3000 + "1",
    "0x" + "f" * 200,
    "1e999",
    ".nan",
    "-.inf",
    "2024-01-01",
    "2024-01-01 10:00:00",
    "=",
    "<<",
    "ß",
    "ﬀ",
    "İ",
    "yes",
    "!!binary aGVsbG8=",
    "!!timestamp 2024-01-01",
    "!!python/name:os.system",
    "&a [*a]",
    "*undefined",
    "[" * 1200 + "]" * 1200,
    "{a: " * 600 + "b" + "}" * 600,
    "'\u202e reversed'",
    '"\x00"',
    "|\n  block",
    "\ufeff30s",
)
# Characters slipped in anywhere: NUL and other controls, a BOM, odd line ends, surrogates'
# neighbours, right-to-left marks.
HOSTILE_CHARACTERS = (
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\ufeff",
    "\r",
    "\x85",
    "\u2028",
    "\u202e",
    "\U0001f600",
)


def _hostile() -> st.SearchStrategy[str]:
    """The bundled file with hostile values for some keys and characters slipped in."""
    lines = BUNDLED.read_text(encoding="utf-8").splitlines(keepends=True)
    value_lines = [i for i, line in enumerate(lines) if re.match(r"^\s*-?\s*[a-z_]+: \S", line)]

    @st.composite
    def build(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.sampled_from(value_lines))
            head = out[i].split(": ", 1)[0]
            out[i] = f"{head}: {draw(st.sampled_from(HOSTILE_VALUES))}\n"
        if draw(st.booleans()):
            i = draw(st.integers(0, len(out) - 1))
            j = draw(st.integers(0, max(len(out[i]) - 1, 0)))
            out[i] = out[i][:j] + draw(st.sampled_from(HOSTILE_CHARACTERS)) + out[i][j:]
        return "".join(out)

    return build()


def _parse_or_errors(text: str) -> tuple[ParsedFile | None, tuple[RoutineError, ...]]:
    """The file read, or None; every error (a bad figure leaves out only its picture)."""
    try:
        parsed = parse_routines(text, "fuzz.yaml")
    except RoutineFileError as exc:  # the only exception allowed out
        return None, exc.errors
    return parsed, tuple(parsed.picture_errors)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_hostile())
def test_fuzz_hostile_values_give_located_errors_and_drop_nothing_in_silence(text: str) -> None:
    parsed, errors = _parse_or_errors(text)
    if parsed is None or errors:
        assert errors
        assert all(e.line >= 1 and e.column >= 1 and e.message for e in errors)
        assert all(len(e.message) < 400 for e in errors), "values are cut short"
        nul_errors = [e for e in errors if "NUL byte" in e.message]
        if nul_errors:  # reported where it is, lines counted by line feeds
            assert nul_errors[0].line == text[: text.index("\x00")].count("\n") + 1
        return
    # Read without an error: then every routine and stretch written is there. Read with the
    # loader's own YAML reader: libyaml and pure-Python PyYAML differ on odd input (a BOM that
    # starts a comment line mid-file is fine to libyaml, a parser error to PyYAML).
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert len(parsed.routines) == len(data.get("routines") or [])
    assert set(parsed.stretches) == set(data.get("stretches") or {})
    for symptom, _ in parsed.symptoms.values():
        assert len(symptom.key) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=3))
def test_fuzz_keys_and_durations_never_escape_the_loader(value: str) -> None:
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    text = (
        "format: 1\n"
        f'symptoms:\n  x: {{label: X, key: "{quoted}", action: stop}}\n'
        "stretches: {s: {name: S, instructions: [x]}}\n"
        f'routines:\n  - {{id: r, name: R, steps: [{{stretch: s, hold: "{quoted}"}}]}}\n'
    )
    parsed, errors = _parse_or_errors(text)
    if parsed is None:
        assert all(e.line >= 1 and e.column >= 1 for e in errors)
        return
    symptom, _ = parsed.symptoms["x"]
    assert len(symptom.key) == 1
    assert symptom.key == symptom.key.upper()
    assert value.strip().isascii()  # a duration is ASCII digits and h, m, s only
    assert 1 <= parsed.routines[0].steps[0].hold <= 3600


def test_the_model_and_loader_do_not_import_qt() -> None:
    code = (
        "import sys, desktop_app.routines, desktop_app.model, desktop_app.events; "
        "assert 'PySide6' not in sys.modules, 'Qt was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=BUNDLED.parent.parent)


# --------------------------------------------------------------------------- stop_on


def test_stop_on_makes_a_continue_symptom_stop_in_that_routine_only(tmp_path: Path) -> None:
    text = GOOD.replace("  - id: evening\n", "  - id: evening\n    stop_on: [tingling]\n", 1)
    result = load_library([write(tmp_path, "good.yaml", text)])
    assert result.errors == {}
    library = result.library
    evening = library.routine("evening")
    assert evening is not None
    assert evening.stop_on == ("tingling",)
    tingling = library.symptoms["tingling"]
    assert (tingling.action, evening.action_for(tingling)) == ("continue", "stop")
    assert evening.action_for(library.symptoms["pain"]) == "stop"
    others = [r for r in library.routines if r.id != "evening"]
    assert all(r.stop_on == () and r.action_for(tingling) == "continue" for r in others)


def test_stop_on_may_name_a_symptom_of_another_file(tmp_path: Path) -> None:
    mine = write(
        tmp_path,
        "mine.yaml",
        """\
        format: 1
        routines:
          - id: mine
            name: Mine
            stop_on: [tingling, heel-pain]
            steps: [{stretch: towel-hamstring, hold: 45s}]
        """,
    )
    result = load_library([BUNDLED, mine])
    assert all(r.ok for r in result.reports), result.errors
    routine = result.library.routine("mine")
    assert routine is not None
    assert routine.stop_on == ("tingling", "heel-pain")


def test_stop_on_an_unknown_symptom_is_located_with_a_hint(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        """\
        format: 1
        routines:
          - id: mine
            name: Mine
            stop_on: [pain, tingeling]
            steps: [{stretch: towel-hamstring, hold: 45s}]
        """,
    )
    result = load_library([BUNDLED, path])
    assert result.library.routine("mine") is None
    (error,) = result.errors[str(path)]
    assert str(error) == (
        f"{path}:5:21: routine 'mine' stops on unknown symptom 'tingeling' "
        "(did you mean 'tingling'?)"
    )


def test_stop_on_must_be_a_list_of_distinct_ids() -> None:
    errors = errors_of(
        """\
        format: 1
        stretches:
          s: {name: S, instructions: [x]}
        routines:
          - id: a
            name: A
            stop_on: tingling
            steps: [{stretch: s, hold: 5}]
          - id: b
            name: B
            stop_on: [pain, Pain!, pain, [x]]
            steps: [{stretch: s, hold: 5}]
        """
    )
    messages = {(e.line, e.column): e.message for e in errors}
    assert messages == {
        (7, 14): "stop_on in routine 'a' must be a list of symptom ids, such as [tingling], "
        "not 'tingling'",
        (11, 21): "'Pain!' in stop_on in routine 'b' is not a valid symptom id",
        (11, 28): "symptom 'pain' is listed twice in stop_on in routine 'b'",
        (11, 34): "item 4 of stop_on in routine 'b' must be a single value, not a list",
    }


def test_the_schema_knows_every_key_the_loader_accepts() -> None:
    import json

    from desktop_app import routines as loader

    schema = json.loads((BUNDLED.parent / "routines.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert set(defs["routine"]["properties"]) == set(loader.ROUTINE_KEYS)
    assert set(defs["step"]["properties"]) == set(loader.STEP_KEYS)
    assert set(defs["stretch"]["properties"]) == set(loader.STRETCH_KEYS)
    assert set(defs["symptom"]["properties"]) == set(loader.SYMPTOM_KEYS)
    assert defs["routine"]["properties"]["stop_on"]["items"] == {"$ref": "#/$defs/id"}
