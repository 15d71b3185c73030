"""One routine format: the loader and the JSON Schema generated from the same spec agree.

The same corpus of good and bad files goes through ``load_library`` (with the bundled file, so
references to its stretches and symptoms resolve) and through the committed schema with the
``jsonschema`` library, on the YAML read as plain data. Where JSON Schema cannot say what the
loader checks, the case says why (``schema_cannot``) and the test holds that the two still
differ in that way, so the mark is dropped when the schema learns it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from desktop_app.routine_format import spec
from desktop_app.routine_format.schema import duration_pattern, json_schema, schema_text
from desktop_app.routine_format.values import SCHEMA_HIDDEN, first_hidden
from desktop_app.routines import load_library, parse_duration
from tests.conftest import BUNDLED, REPO

SCHEMA_FILE = REPO / "resources" / "routines.schema.json"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

GOOD = textwrap.dedent(
    """\
    format: 1
    defaults: {prepare: 5s, rest: 10s}
    symptoms:
      numbness:
        label: Numbness
        key: N
        action: continue
        advice: [Ease off]
        seek_help: [It stays after you stop]
    stretches:
      my-stretch:
        name: My stretch
        area: [hamstrings]
        sided: true
        instructions: [Stand tall, Lean in]
        tips: [Breathe out slowly]
        cautions: [No bouncing]
        advice:
          numbness: [Bend the knee]
    routines:
      - id: mine
        name: Mine
        description: A routine of my own.
        stop_on: [numbness]
        steps:
          - stretch: my-stretch
            hold: 30s
            reps: 2
            rest: 5s
            prepare: 3s
    """
)


def good_with(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    valid: bool
    # Why JSON Schema cannot tell this case as the loader does (then the schema says the
    # opposite of ``valid``), or None when the two must agree.
    schema_cannot: str | None = None
    # Loaded after the bundled file (whose stretches and symptoms it may use), or alone.
    with_bundled: bool = True


DUPLICATE_KEYS = "duplicate keys: YAML read as data keeps the last value"
UNICODE = "Unicode properties (case mappings, compatibility forms, scripts)"
VISIBLE = "whether text shows anything (combining marks and blank letters)"
ADDS_UP = "arithmetic: the parts of a duration adding up past 60 min"
WHOLE = "YAML's 3 against 3.0: JSON has one kind of number"
REFERENCES = "references between records and files, and ids unique across them"
TAGS = "YAML tags and merge keys: gone or refused before JSON sees the data"
STRIPPED = "spaces and line breaks the loader strips from around a one-line value"
PICTURE_FILE = "whether a picture file exists and is an image"
ACROSS_ITEMS = "rules across a figure's items (a prop listed twice, a chair with no seat)"


def figure(value: str) -> str:
    """GOOD with ``figure: value`` on its stretch."""
    return good_with(
        "    cautions: [No bouncing]\n", f"    cautions: [No bouncing]\n    figure: {value}\n"
    )


CASES = [
    # ------------------------------------------------------------------ valid
    Case("bundled", BUNDLED.read_text(encoding="utf-8"), True, with_bundled=False),
    Case("demo", (REPO / "resources" / "demo.yaml").read_text(encoding="utf-8"), True),
    Case("good", GOOD, True),
    Case("hold-seconds", good_with("hold: 30s", "hold: 30"), True),
    Case("hold-quoted-number", good_with("hold: 30s", "hold: '30'"), True),
    Case("hold-minutes-seconds", good_with("hold: 30s", "hold: 1m 30s"), True),
    Case("hold-capitals", good_with("hold: 30s", "hold: 30S"), True),
    Case("hold-capital-parts", good_with("hold: 30s", "hold: 1M30S"), True),
    Case("hold-an-hour", good_with("hold: 30s", "hold: 1h"), True),
    Case("hold-60m", good_with("hold: 30s", "hold: 60m"), True),
    Case("hold-3600s", good_with("hold: 30s", "hold: 3600s"), True),
    Case("hold-leading-zeros", good_with("hold: 30s", "hold: 0h 005m"), True),
    Case("hold-whole-float", good_with("hold: 30s", "hold: 30.0"), True),
    Case("hold-hex", good_with("hold: 30s", "hold: 0x1e"), True),
    Case("name-number", good_with("name: Mine", "name: 123"), True),
    Case("name-float-as-written", good_with("name: Mine", "name: 1.10"), True),
    Case(
        "description-number", good_with("description: A routine of my own.", "description: 2"), True
    ),
    Case("area-one-word", good_with("area: [hamstrings]", "area: hamstrings"), True),
    Case("key-other-alphabet", good_with("key: N", "key: Ж"), True),
    Case("key-accented", good_with("key: N", "key: 'ä'"), True),
    Case("key-digit", good_with("key: N", "key: 7"), True),
    Case("pause-zero", good_with("rest: 5s", "rest: 0"), True),
    Case("defaults-an-hour", good_with("prepare: 5s,", "prepare: 1h,"), True),
    Case("defaults-zero", good_with("{prepare: 5s, rest: 10s}", "{prepare: 0s, rest: 0}"), True),
    Case("stop-on-empty", good_with("stop_on: [numbness]", "stop_on: []"), True),
    Case(
        "stop-on-bundled", good_with("stop_on: [numbness]", "stop_on: [numbness, tingling]"), True
    ),
    Case("step-of-bundled-stretch", good_with("stretch: my-stretch", "stretch: wall-calf"), True),
    Case("reps-100", good_with("reps: 2", "reps: 100"), True),
    Case("no-routines", GOOD.split("routines:")[0], True),
    Case("routines-empty", GOOD.split("routines:")[0] + "routines: []\n", True),
    Case("sided-yes", good_with("sided: true", "sided: yes"), True),
    Case("id-number", good_with("id: mine", "id: 2024"), True),
    Case(
        "side-label",
        good_with("sided: true", "sided: true\n    side_label: '{side} foot back'"),
        True,
    ),
    Case(
        "side-label-inside",
        good_with("sided: true", "sided: true\n    side_label: the {side} heel"),
        True,
    ),
    Case("figure-base-only", figure("{base: standing}"), True),
    Case(
        "figure-pose",
        figure(
            "{base: lying-on-back, hips: {near: 80.5, far: 55}, knees: 5, ankles: {far: flat},"
            " knees-out: {far: 10}, props: [towel, {wall: near-heel}, {band: {from: near-hand,"
            " to: far-arch}}], highlight: [near-hamstring, calf, back]}"
        ),
        True,
    ),
    Case("figure-highlight-one", figure("{base: kneeling, highlight: near-thigh}"), True),
    # ------------------------------------------------------------------ invalid, both say so
    Case("defaults-2h", good_with("prepare: 5s,", "prepare: 2h,"), False),
    Case("hold-an-hour-and-more", good_with("hold: 30s", "hold: 1h30m"), False),
    Case("hold-61m", good_with("hold: 30s", "hold: 61m"), False),
    Case("hold-3601", good_with("hold: 30s", "hold: 3601"), False),
    Case("hold-3601s", good_with("hold: 30s", "hold: 3601s"), False),
    Case("hold-zero", good_with("hold: 30s", "hold: 0"), False),
    Case("hold-zero-parts", good_with("hold: 30s", "hold: 0m 0s"), False),
    Case("hold-negative", good_with("hold: 30s", "hold: -5"), False),
    Case("hold-fraction", good_with("hold: 30s", "hold: 30.5"), False),
    Case("hold-space-before-unit", good_with("hold: 30s", "hold: 30 s"), False),
    Case("hold-words", good_with("hold: 30s", "hold: thirty seconds"), False),
    Case("hold-superscript", good_with("hold: 30s", "hold: ²"), False),
    Case("hold-fullwidth", good_with("hold: 30s", "hold: ３０s"), False),
    Case("hold-empty", good_with("hold: 30s", "hold:"), False),
    Case("hold-true", good_with("hold: 30s", "hold: yes"), False),
    Case("hold-list", good_with("hold: 30s", "hold: [30]"), False),
    Case("hold-missing", good_with("        hold: 30s\n", ""), False),
    Case("rest-negative", good_with("rest: 5s", "rest: -1"), False),
    Case("reps-zero", good_with("reps: 2", "reps: 0"), False),
    Case("reps-101", good_with("reps: 2", "reps: 101"), False),
    Case("reps-text", good_with("reps: 2", "reps: '3'"), False),
    Case("reps-bool", good_with("reps: 2", "reps: true"), False),
    Case("name-empty", good_with("name: Mine", "name: ''"), False),
    Case("name-spaces", good_with("name: Mine", "name: '   '"), False),
    Case("name-two-lines", good_with("name: Mine", 'name: "Mi\\nne"'), False),
    Case("name-zero-width", good_with("name: Mine", 'name: "Mi\\u200bne"'), False),
    Case("name-reversed", good_with("name: Mine", 'name: "\\u202eeniM"'), False),
    Case("name-line-separator", good_with("name: Mine", 'name: "Mi\\u2028ne"'), False),
    Case("name-bool", good_with("name: Mine", "name: yes"), False),
    Case("name-list", good_with("name: Mine", "name: [a, b]"), False),
    Case("name-mapping", good_with("name: Mine", "name: {a: b}"), False),
    Case("name-null", good_with("name: Mine", "name: ~"), False),
    Case("name-date", good_with("name: Mine", "name: 2024-01-01"), False),
    Case("name-too-long", good_with("name: Mine", "name: " + "x" * 2001), False),
    Case(
        "description-bell",
        good_with("description: A routine of my own.", 'description: "\\a"'),
        False,
    ),
    Case("key-symbol", good_with("key: N", "key: '-'"), False),
    Case("key-two-letters", good_with("key: N", "key: NN"), False),
    Case("key-window", good_with("key: N", "key: Space"), False),
    Case("key-empty", good_with("key: N", "key: ''"), False),
    Case("key-number-10", good_with("key: N", "key: 10"), False),
    Case("key-beyond-the-bmp", good_with("key: N", "key: '𐐀'"), False),
    Case("action-unknown", good_with("action: continue", "action: keep-going"), False),
    Case("action-missing", good_with("    action: continue\n", ""), False),
    Case("sided-text", good_with("sided: true", "sided: maybe"), False),
    Case(
        "side-label-no-side",
        good_with("sided: true", "sided: true\n    side_label: Left leg"),
        False,
    ),
    Case(
        "side-label-twice",
        good_with("sided: true", "sided: true\n    side_label: '{side} leg, {side} foot'"),
        False,
    ),
    Case(
        "side-label-other-braces",
        good_with("sided: true", "sided: true\n    side_label: '{side} leg {up}'"),
        False,
    ),
    Case(
        "side-label-capital",
        good_with("sided: true", "sided: true\n    side_label: '{Side} leg'"),
        False,
    ),
    Case("side-label-empty", good_with("sided: true", "sided: true\n    side_label: ''"), False),
    Case("side-label-list", good_with("sided: true", "sided: true\n    side_label: [a]"), False),
    Case(
        "side-label-two-lines",
        good_with("sided: true", 'sided: true\n    side_label: "{side}\\nleg"'),
        False,
    ),
    Case(
        "side-label-unsided",
        good_with("sided: true", "sided: false\n    side_label: '{side} foot back'"),
        False,
    ),
    Case(
        "side-label-sided-left-out",
        good_with("sided: true", "side_label: '{side} foot back'"),
        False,
    ),
    Case("instructions-empty", good_with("[Stand tall, Lean in]", "[]"), False),
    Case("instructions-text", good_with("[Stand tall, Lean in]", "Stand tall"), False),
    Case("tips-empty-item", good_with("[Breathe out slowly]", "['']"), False),
    Case("advice-empty", good_with("numbness: [Bend the knee]", "numbness: []"), False),
    Case("advice-bad-id", good_with("numbness: [Bend the knee]", "Numbness: [x]"), False),
    Case("id-capitals", good_with("id: mine", "id: Mine"), False),
    Case("id-space-before", good_with("id: mine", "id: ' mine'"), False),
    Case("id-line-break-after", good_with("id: mine", 'id: "mine\\n"'), False),
    Case("id-double-dash", good_with("id: mine", "id: my--routine"), False),
    Case("stretch-id-capitals", good_with("  my-stretch:\n", "  My-Stretch:\n"), False),
    Case("unknown-top-key", good_with("format: 1", "format: 1\nroutinez: []"), False),
    Case("unknown-stretch-key", good_with("sided: true", "sided: true\n    colour: red"), False),
    Case("unknown-step-key", good_with("reps: 2", "reps: 2\n        hodl: 3"), False),
    Case("unknown-defaults-key", good_with("{prepare: 5s,", "{pause: 5s,"), False),
    Case("no-format", good_with("format: 1\n", ""), False),
    Case("format-2", good_with("format: 1", "format: 2"), False),
    Case("format-text", good_with("format: 1", "format: '1'"), False),
    Case("format-true", good_with("format: 1", "format: true"), False),
    Case("format-only", "format: 1\n", False),
    Case("symptoms-only", GOOD.split("stretches:")[0], False),
    Case("steps-empty", GOOD.split("    steps:")[0] + "    steps: []\n", False),
    Case("stop-on-text", good_with("stop_on: [numbness]", "stop_on: numbness"), False),
    Case("stop-on-twice", good_with("stop_on: [numbness]", "stop_on: [numbness, numbness]"), False),
    Case("routines-mapping", GOOD.split("routines:")[0] + "routines: {mine: 1}\n", False),
    Case("top-list", "- format: 1\n", False),
    Case("binary-tag", good_with("name: Mine", "name: !!binary aGVsbG8="), False),
    Case("figure-no-base", figure("{hips: 90}"), False),
    Case("figure-unknown-base", figure("{base: sitting}"), False),
    Case("figure-angle-out-of-range", figure("{base: standing, knees: 170}"), False),
    Case("figure-angle-text", figure("{base: standing, knees: '10'}"), False),
    Case("figure-flat-knee", figure("{base: standing, knees: flat}"), False),
    Case("figure-unknown-side", figure("{base: standing, hips: {left: 10}}"), False),
    Case("figure-empty-sides", figure("{base: standing, hips: {}}"), False),
    Case("figure-unknown-key", figure("{base: standing, tail: 3}"), False),
    Case("figure-unknown-prop", figure("{base: standing, props: [rope]}"), False),
    Case("figure-towel-on-a-hand", figure("{base: standing, props: [{towel: hands}]}"), False),
    Case(
        "figure-roller-under-a-hand",
        figure("{base: standing, props: [{foam-roller: hands}]}"),
        False,
    ),
    Case("figure-floor-placed", figure("{base: standing, props: [{floor: hands}]}"), False),
    Case("figure-unknown-area", figure("{base: standing, highlight: [near-nose]}"), False),
    Case("figure-list", figure("[standing]"), False),
    Case("figure-gif", figure("me.gif"), False),
    # ------------------------------------------------------------------ what only the loader sees
    Case("duplicate-key", good_with("reps: 2", "reps: 2\n        reps: 3"), False, DUPLICATE_KEYS),
    Case("key-sharp-s", good_with("key: N", "key: 'ß'"), False, UNICODE),
    Case("key-kelvin-sign", good_with("key: N", "key: '\u212a'"), False, UNICODE),
    Case("key-ideograph", good_with("key: N", "key: '中'"), False, UNICODE),
    Case("key-taken-by-bundled", good_with("key: N", "key: t"), False, REFERENCES),
    Case("name-combining-mark", good_with("name: Mine", 'name: "\\u0301"'), False, VISIBLE),
    Case("name-blank-letter", good_with("name: Mine", 'name: "\\u3164 \\u0301"'), False, VISIBLE),
    Case("hold-60m-and-more", good_with("hold: 30s", "hold: 60m 5s"), False, ADDS_UP),
    Case("reps-float", good_with("reps: 2", "reps: 3.0"), False, WHOLE),
    Case(
        "unknown-stretch", good_with("stretch: my-stretch", "stretch: my-strech"), False, REFERENCES
    ),
    Case(
        "unknown-stop-on", good_with("stop_on: [numbness]", "stop_on: [numbnes]"), False, REFERENCES
    ),
    Case("advice-unknown-symptom", good_with("numbness: [Bend", "dizzy: [Bend"), False, REFERENCES),
    Case("routine-id-twice", GOOD + GOOD.split("routines:\n")[1], False, REFERENCES),
    Case("bundled-routine-id", good_with("id: mine", "id: hamstring-basics"), False, REFERENCES),
    Case("bundled-stretch-id", good_with("  my-stretch:\n", "  wall-calf:\n"), False, REFERENCES),
    Case("merge-key", good_with("    sided: true\n", "    <<: {sided: true}\n"), False, TAGS),
    Case("python-tag", good_with("name: Mine", "name: !!python/tuple [a]"), False, TAGS),
    Case("name-folded", good_with("name: Mine", "name: >\n      Mine"), True, STRIPPED),
    Case("figure-file-missing", figure("pictures/me.svg"), False, PICTURE_FILE),
    Case(
        "figure-prop-twice", figure("{base: standing, props: [towel, towel]}"), False, ACROSS_ITEMS
    ),
    Case("figure-chair-standing", figure("{base: standing, props: [chair]}"), False, ACROSS_ITEMS),
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def loader_says(tmp_path: Path, text: str, with_bundled: bool = True) -> tuple[bool, list[str]]:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_library([BUNDLED, path] if with_bundled else [path])
    report = result.report_for(path)
    assert report is not None
    # A picture that cannot be shown leaves the file loaded, but it is not valid: validate
    # lists it and exits 1.
    problems = [*report.errors, *report.picture_errors]
    return not problems, [str(e) for e in problems]


def schema_says(validator: jsonschema.Draft202012Validator, text: str) -> bool | None:
    """Whether the schema takes the YAML read as plain data; None when it cannot be read so."""
    try:
        data = yaml.load(text, Loader=LOADER)  # the safe loader, C or Python
    except (yaml.YAMLError, ValueError):  # ValueError: an int of more than 4,300 digits
        return None
    try:
        return bool(validator.is_valid(data))
    except ValueError:  # a number too long to print in jsonschema's message
        return None


def test_the_corpus_names_each_case_once() -> None:
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_loader_and_schema_agree(
    case: Case, tmp_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    loader_ok, errors = loader_says(tmp_path, case.text, case.with_bundled)
    assert loader_ok == case.valid, errors
    schema_ok = schema_says(validator, case.text)
    if case.schema_cannot is None:
        assert schema_ok == case.valid, "the schema and the loader disagree"
    else:
        # Still beyond the schema; when it is not, drop the mark and let them agree.
        assert schema_ok is None or schema_ok != case.valid, case.schema_cannot


def test_the_named_drift_is_gone(
    tmp_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    """Found once between the hand-written loader and the hand-written schema."""
    for text, valid in [
        (good_with("hold: 30s", "hold: 30S"), True),
        (good_with("name: Mine", "name: 123"), True),
        (good_with("prepare: 5s,", "prepare: 2h,"), False),
        (good_with("key: N", "key: Ж"), True),
    ]:
        assert loader_says(tmp_path, text)[0] == valid
        assert schema_says(validator, text) == valid


def _adversarial_cases() -> list[Any]:
    bench = REPO / "bench"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    module_spec = importlib.util.spec_from_file_location(
        "adversarial_cases", bench / "adversarial_cases.py"
    )
    assert module_spec is not None
    assert module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules["adversarial_cases"] = module
    module_spec.loader.exec_module(module)
    kinds = {"durations", "wrong types", "odd unicode", "as written", "references"}
    return [c for c in module.all_cases() if c.kind in kinds]


def test_the_schema_never_refuses_what_the_app_reads(
    tmp_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    """Over the adversarial bench's files: whatever loads, the schema takes too."""
    tried = 0
    for case in _adversarial_cases():
        folder = tmp_path / case.name
        folder.mkdir()
        paths = [Path(p) for p in case.build(folder)]
        for path in paths:
            data = path.read_bytes()
            if len(data) > 20_000:
                continue  # the long-number cases: JSON has nothing to say about them
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                continue
            result = load_library([BUNDLED, path])
            report = result.report_for(path)
            schema_ok = schema_says(validator, text) if report is not None else None
            tried += 1
            if report is not None and report.ok:
                assert schema_ok, f"{case.name}: the app reads it, the schema refuses it"
    assert tried >= 60


# --------------------------------------------------------------------------- the schema itself


def test_the_committed_schema_is_generated_from_the_spec() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "resources/routines.schema.json is out of date: run scripts/routine_schema.py"
    )


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_every_key_the_loader_reads_is_in_the_schema_with_a_description() -> None:
    defs = json_schema()["$defs"]
    for record in spec.RECORDS:
        schema = json_schema() if record is spec.FILE else defs[record.name]
        assert list(schema["properties"]) == list(record.keys)
        assert set(schema.get("required", ())) == set(record.required)
        assert all(p["description"] for p in schema["properties"].values())


def test_a_key_that_needs_another_becomes_a_dependent_schema() -> None:
    record = spec.Record(
        "thing",
        "A thing.",
        (
            spec.Field("sided", spec.Flag(), "Sided."),
            spec.Field("side_label", spec.Text(line=True), "Wording.", only_with="sided"),
        ),
    )
    from desktop_app.routine_format.schema import record_schema

    schema = record_schema(record)
    assert schema["dependentSchemas"] == {
        "side_label": {"required": ["sided"], "properties": {"sided": {"const": True}}}
    }


@pytest.mark.parametrize("minimum", [0, 1])
def test_the_duration_pattern_takes_exactly_what_the_loader_takes(minimum: int) -> None:
    """Every duration up to 2 h, written each way, and some that are not durations."""
    import re

    pattern = re.compile(duration_pattern(spec.Duration(minimum)))
    written: list[str] = []
    for seconds in range(0, 7201, 7):
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        written += [f"{seconds}", f"{seconds}s", f"{seconds // 60}m", f"{h}h{m}m{s}s"]
        written += [f"{m + 60 * h}m {s}s", f"0{m}M{s:02}S", f" {h}h {m}m "]
    written += ["", " ", "h", "1h1h", "30 s", "1s1m", "1.5", "-5", "30sec", "1m30", "²"]
    for text in written:
        seconds = parse_duration(text)
        loader_takes = seconds is not None and minimum <= seconds <= 3600
        if seconds is not None and loader_takes != bool(pattern.search(text)):
            # Only arithmetic is beyond the pattern: parts each in range, the sum past 60 min.
            assert not loader_takes, text
            assert seconds > 3600, text
            continue
        assert loader_takes == bool(pattern.search(text)), text


def test_the_schema_only_names_characters_the_loader_refuses_in_one_line() -> None:
    import re

    hidden = re.compile(f"[{SCHEMA_HIDDEN}]")
    named = [chr(c) for c in range(0x10000) if hidden.match(chr(c))]
    assert len(named) > 90
    assert all(first_hidden(c) == c for c in named)


# --------------------------------------------------------------------------- the collector


def test_reading_files_never_switches_the_garbage_collector_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gc

    def refuse() -> None:
        raise AssertionError("the loader changed the whole process's garbage collection")

    monkeypatch.setattr(gc, "disable", refuse)
    monkeypatch.setattr(gc, "freeze", refuse)
    monkeypatch.setattr(gc, "set_threshold", lambda *_: refuse())
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = load_library([BUNDLED, path])
    assert all(r.ok for r in result.reports)
    assert gc.isenabled()


def test_the_yaml_tree_is_left_alone_by_the_collector() -> None:
    """Plain tuples of text: the collector stops walking them once it has seen them.

    It untracks a tuple when everything in it is untracked: every value at the first
    collection, the collections around them a level or so at each collection after.
    """
    import gc

    from desktop_app.routine_format.tree import SCALAR, compose

    def nodes(node: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        found = [node]
        for item in node[2] if node[0] != SCALAR else ():
            for child in item if isinstance(item[0], tuple) else (item,):
                found += nodes(child)
        return found

    root = compose(BUNDLED.read_text(encoding="utf-8"), "routines.yaml")
    every = nodes(root)
    assert len(every) > 500
    gc.collect()
    assert not any(gc.is_tracked(n) for n in every if n[0] == SCALAR)
    for _ in range(40):
        if not gc.is_tracked(root):
            break
        gc.collect()
    assert not any(gc.is_tracked(n) or gc.is_tracked(n[2]) for n in every)
