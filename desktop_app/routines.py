"""Reads routine files (YAML, format 1) into the routine model, with every error located."""

from __future__ import annotations

import difflib
import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from desktop_app.model import (
    DEFAULT_PREPARE,
    DEFAULT_REST,
    Library,
    Routine,
    Step,
    Stretch,
    Symptom,
    SymptomAction,
)

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DURATION = 60 * 60
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DURATION_PATTERN = re.compile(r"^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$")
RESERVED_KEYS = {
    "space": "pause and resume",
    "left": "back",
    "right": "skip",
    "up": "the window",
    "down": "the window",
    "esc": "stop",
    "escape": "stop",
    "enter": "start",
    "return": "start",
    "tab": "moving between buttons",
}
ACTIONS: tuple[SymptomAction, ...] = ("continue", "stop")

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STANDARD_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_STR_TAG = f"{_STANDARD_TAG}str"
_PLAIN_TAGS = _SCALAR_TAGS | {f"{_STANDARD_TAG}map", f"{_STANDARD_TAG}seq"}


@dataclass(frozen=True)
class RoutineError:
    """One problem in a routine file, at a line and column (both counted from 1)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class RoutineFileError(Exception):
    """A routine file that cannot be used; carries all of its errors."""

    def __init__(self, errors: Sequence[RoutineError], partial: ParsedFile | None = None) -> None:
        self.errors = tuple(errors)
        # What could be read despite the errors, so cross-file checks can still be reported.
        self.partial = partial
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class _Loc:
    line: int
    column: int


@dataclass(frozen=True)
class _RawStep:
    stretch_id: str
    hold: int
    reps: int
    rest: int
    prepare: int


@dataclass(frozen=True)
class _RawRoutine:
    id: str
    name: str
    description: str
    steps: tuple[_RawStep, ...]


@dataclass(frozen=True)
class _RawStretch:
    stretch: Stretch
    loc: _Loc
    advice_locs: tuple[tuple[str, _Loc], ...]


@dataclass
class ParsedFile:
    """One routine file, checked on its own; references to other files are resolved later."""

    source: str
    stretches: dict[str, _RawStretch] = field(default_factory=dict)
    symptoms: dict[str, tuple[Symptom, _Loc]] = field(default_factory=dict)
    routines: list[_RawRoutine] = field(default_factory=list)
    # Every routine id with where it stands, even for routines that have errors.
    routine_ids: list[tuple[str, _Loc]] = field(default_factory=list)
    # Every step's stretch reference ("step 2 of routine 'x'", id, where), even in broken routines.
    step_refs: list[tuple[str, str, _Loc]] = field(default_factory=list)


# --------------------------------------------------------------------------- reading nodes


class _Checker:
    """Walks a composed YAML node tree, collecting located errors instead of raising."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[RoutineError] = []
        self._budget = MAX_NODES
        self._constructor = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node | _Loc, message: str) -> None:
        loc = node if isinstance(node, _Loc) else _loc(node)
        self.errors.append(RoutineError(self.source, loc.line, loc.column, message))

    def spend(self, node: yaml.Node) -> bool:
        """Counts a visited node (so alias bombs stop) and rejects non-standard tags."""
        self._budget -= 1
        if self._budget == 0:
            self.error(node, "the file expands to too many values (aliases nested too deeply?)")
            raise _TooBigError
        if node.tag not in _PLAIN_TAGS:
            self.error(
                node,
                f"the YAML tag '{node.tag}' is not allowed: routine files hold plain data only",
            )
            return False
        return True

    def mapping(
        self, node: yaml.Node, where: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, yaml.Node] | None:
        """A mapping's entries by key; reports duplicate, unknown and missing keys."""
        if not self.spend(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where} must be a mapping of keys to values, not {_kind(node)}")
            return None
        entries: dict[str, yaml.Node] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            self.spend(key_node)
            if key_node.tag == f"{_STANDARD_TAG}merge":
                self.error(key_node, f"merge keys ('<<') are not supported {where}")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or not isinstance(
                self.scalar_value(key_node), str | int
            ):
                self.error(key_node, f"keys {where} must be plain names")
                continue
            key = str(key_node.value)
            if key in first_seen:
                self.error(
                    key_node,
                    f"duplicate key '{key}' {where} (first given at line "
                    f"{_loc(first_seen[key]).line})",
                )
                continue
            first_seen[key] = key_node
            if allowed and key not in allowed:
                self.error(key_node, f"unknown key '{key}' {where}{_did_you_mean(key, allowed)}")
                continue
            entries[key] = value_node
        for key in required:
            if key not in first_seen:
                self.error(node, f"missing required key '{key}' {where}")
        return entries

    def id_map(self, node: yaml.Node, where: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """A mapping from ids to records, such as ``stretches:``; reports bad or repeated ids."""
        entries = self.mapping(node, where, allowed=())
        if entries is None:
            return []
        key_nodes = {str(k.value): k for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        result: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key, value in entries.items():
            key_node = key_nodes[key]
            if not ID_PATTERN.match(key):
                self.error(
                    key_node,
                    f"'{key}' {where} is not a valid id: use lowercase letters, digits and "
                    "dashes (like 'towel-hamstring')",
                )
                continue
            result.append((key, key_node, value))
        return result

    def scalar_value(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG:
            return node.value  # most values: skip PyYAML's general constructor
        if node.tag not in _SCALAR_TAGS:
            return _Unsupported(node.tag)
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return _Unsupported(node.tag)

    def scalar(self, node: yaml.Node, where: str) -> Any:
        if not self.spend(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{where} must be a single value, not {_kind(node)}")
            return None
        value = self.scalar_value(node)
        if isinstance(value, _Unsupported):
            self.error(node, f"{where} uses the YAML tag '{value.tag}', which is not allowed")
            return None
        return value

    def text(self, node: yaml.Node | None, where: str, default: str | None = None) -> str | None:
        if node is None:
            return default
        value = self.scalar(node, where)
        if value is None:
            if isinstance(node, yaml.ScalarNode) and node.tag == f"{_STANDARD_TAG}null":
                self.error(node, f"{where} is empty")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(node, f"{where} must be text, not {_kind(node)}")
            return None
        text = str(value).strip()
        if not text:
            self.error(node, f"{where} is empty")
            return None
        return text

    def text_list(
        self, node: yaml.Node | None, where: str, *, required: bool = False
    ) -> tuple[str, ...]:
        if node is None:
            return ()
        if not self.spend(node):
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                node, f"{where} must be a list (lines starting with '- '), not {_kind(node)}"
            )
            return ()
        items = []
        for number, item in enumerate(node.value, start=1):
            text = self.text(item, f"item {number} of {where}")
            if text is not None:
                items.append(text)
        if required and not node.value:
            self.error(node, f"{where} is empty: give at least one")
        return tuple(items)

    def boolean(self, node: yaml.Node | None, where: str, default: bool) -> bool:
        if node is None:
            return default
        value = self.scalar(node, where)
        if not isinstance(value, bool):
            if value is not None:
                self.error(node, f"{where} must be true or false, not '{node.value}'")
            return default
        return value

    def integer(
        self, node: yaml.Node | None, where: str, default: int, minimum: int, maximum: int
    ) -> int:
        if node is None:
            return default
        value = self.scalar(node, where)
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not None:
                self.error(node, f"{where} must be a whole number, not '{node.value}'")
            return default
        if not minimum <= value <= maximum:
            self.error(node, f"{where} must be between {minimum} and {maximum}, not {value}")
            return default
        return value

    def duration(self, node: yaml.Node | None, where: str, default: int, minimum: int) -> int:
        if node is None:
            return default
        value = self.scalar(node, where)
        if value is None:
            return default
        seconds = parse_duration(value)
        if seconds is None:
            self.error(
                node,
                f"{where} is not a duration: '{node.value}' (write 30, '30s', '1m' or '1m30s')",
            )
            return default
        if not minimum <= seconds <= MAX_DURATION:
            low = "0 s" if minimum == 0 else f"{minimum} s"
            self.error(node, f"{where} is out of range: '{node.value}' (allowed: {low} to 60 min)")
            return default
        return seconds


class _TooBigError(Exception):
    pass


@dataclass(frozen=True)
class _Unsupported:
    tag: str


def _loc(node: yaml.Node) -> _Loc:
    return _Loc(node.start_mark.line + 1, node.start_mark.column + 1)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == f"{_STANDARD_TAG}null":
        return "an empty value"
    return f"'{node.value}'"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def parse_duration(value: object) -> int | None:
    """Seconds from 30, '30', '30s', '1m', '1m30s' or '1h'; None when it is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.isdigit():
        return int(text)
    match = DURATION_PATTERN.match(text)
    if not text or match is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


# --------------------------------------------------------------------------- one file


TOP_KEYS = ("format", "defaults", "symptoms", "stretches", "routines")
DEFAULT_KEYS = ("prepare", "rest")
SYMPTOM_KEYS = ("label", "key", "action", "advice", "seek_help")
STRETCH_KEYS = ("name", "area", "sided", "instructions", "tips", "cautions", "advice")
ROUTINE_KEYS = ("id", "name", "description", "steps")
STEP_KEYS = ("stretch", "hold", "reps", "rest", "prepare")


def parse_routines(text: str, source: str) -> ParsedFile:
    """Checks one routine file's text on its own; raises RoutineFileError with every error."""
    # A composed file is tens of thousands of small objects that hold no cycles: the cyclic
    # collector would only walk them again and again (about 40% of the time on a large file).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_routines(text, source)
    finally:
        if collecting:
            gc.enable()


def _parse_routines(text: str, source: str) -> ParsedFile:
    checker = _Checker(source)
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise RoutineFileError(
            [RoutineError(source, line, column, f"YAML syntax error: {problem}")]
        ) from None
    except yaml.YAMLError as exc:
        raise RoutineFileError([RoutineError(source, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise RoutineFileError(
            [RoutineError(source, 1, 1, "the file is nested too deeply to read")]
        ) from None
    if root is None:
        raise RoutineFileError([RoutineError(source, 1, 1, "the file is empty")])
    parsed = ParsedFile(source)
    try:
        _parse_root(checker, root, parsed)
    except _TooBigError:
        pass
    except RecursionError:
        checker.error(root, "the file is nested too deeply to read")
    if checker.errors:
        raise RoutineFileError(_sorted(checker.errors), partial=parsed)
    return parsed


def _sorted(errors: Iterable[RoutineError]) -> list[RoutineError]:
    return sorted(errors, key=lambda e: (e.line, e.column))


def _parse_root(checker: _Checker, root: yaml.Node, parsed: ParsedFile) -> None:
    top = checker.mapping(root, "at the top level", TOP_KEYS, required=("format",))
    if top is None:
        return
    if "format" in top:
        version = checker.scalar(top["format"], "format")
        if version != FORMAT_VERSION and version is not None:
            if isinstance(version, int) and not isinstance(version, bool) and version > 1:
                checker.error(
                    top["format"],
                    f"format {version} is newer than this app understands (it reads format 1)",
                )
            else:
                checker.error(top["format"], f"format must be 1, not '{top['format'].value}'")
    if "stretches" not in top and "routines" not in top:
        checker.error(root, "the file has neither 'stretches' nor 'routines'")

    prepare, rest = DEFAULT_PREPARE, DEFAULT_REST
    if "defaults" in top:
        defaults = checker.mapping(top["defaults"], "in defaults", DEFAULT_KEYS)
        if defaults is not None:
            prepare = checker.duration(defaults.get("prepare"), "prepare", DEFAULT_PREPARE, 0)
            rest = checker.duration(defaults.get("rest"), "rest", DEFAULT_REST, 0)

    if "symptoms" in top:
        for symptom_id, key_node, node in checker.id_map(top["symptoms"], "in symptoms"):
            symptom = _parse_symptom(checker, symptom_id, node)
            if symptom is not None:
                parsed.symptoms[symptom_id] = (symptom, _loc(key_node))
        _check_symptom_keys(checker, parsed)

    if "stretches" in top:
        for stretch_id, key_node, node in checker.id_map(top["stretches"], "in stretches"):
            raw = _parse_stretch(checker, stretch_id, key_node, node)
            if raw is not None:
                parsed.stretches[stretch_id] = raw

    if "routines" in top:
        _parse_routine_list(checker, top["routines"], parsed, prepare, rest)


def _parse_symptom(checker: _Checker, symptom_id: str, node: yaml.Node) -> Symptom | None:
    where = f"in symptom '{symptom_id}'"
    entries = checker.mapping(node, where, SYMPTOM_KEYS, required=("label", "key", "action"))
    if entries is None:
        return None
    label = checker.text(entries.get("label"), f"label {where}")
    key = checker.text(entries.get("key"), f"key {where}")
    if key is not None:
        key = _check_key(checker, entries["key"], key, where)
    action = checker.text(entries.get("action"), f"action {where}")
    if action is not None and action not in ACTIONS:
        checker.error(
            entries["action"],
            f"unknown action '{action}' {where}: use 'continue' (keep holding with the advice "
            f"shown) or 'stop' (end the stretch){_did_you_mean(action, ACTIONS)}",
        )
        action = None
    advice = checker.text_list(entries.get("advice"), f"advice {where}")
    seek_help = checker.text_list(entries.get("seek_help"), f"seek_help {where}")
    if label is None or key is None or action is None:
        return None
    return Symptom(
        id=symptom_id,
        label=label,
        key=key,
        action="stop" if action == "stop" else "continue",
        advice=advice,
        seek_help=seek_help,
        source=checker.source,
    )


def _check_key(checker: _Checker, node: yaml.Node, key: str, where: str) -> str | None:
    reserved = RESERVED_KEYS.get(key.lower())
    if reserved:
        checker.error(node, f"key '{key}' {where} is taken by the window ({reserved})")
        return None
    if len(key) != 1 or not key.isalnum():
        checker.error(node, f"key '{key}' {where} must be a single letter or digit")
        return None
    return key.upper()


def _check_symptom_keys(checker: _Checker, parsed: ParsedFile) -> None:
    seen: dict[str, str] = {}
    for symptom_id, (symptom, loc) in parsed.symptoms.items():
        if symptom.key in seen:
            checker.error(
                loc,
                f"symptom '{symptom_id}' uses key '{symptom.key}', which symptom "
                f"'{seen[symptom.key]}' already uses",
            )
        else:
            seen[symptom.key] = symptom_id


def _parse_stretch(
    checker: _Checker, stretch_id: str, key_node: yaml.Node, node: yaml.Node
) -> _RawStretch | None:
    where = f"in stretch '{stretch_id}'"
    entries = checker.mapping(node, where, STRETCH_KEYS, required=("name", "instructions"))
    if entries is None:
        return None
    name = checker.text(entries.get("name"), f"name {where}")
    area: tuple[str, ...] = ()
    if "area" in entries:
        area_node = entries["area"]
        if isinstance(area_node, yaml.ScalarNode):
            single = checker.text(area_node, f"area {where}")
            area = (single,) if single else ()
        else:
            area = checker.text_list(area_node, f"area {where}")
    sided = checker.boolean(entries.get("sided"), f"sided {where}", default=False)
    instructions = checker.text_list(
        entries.get("instructions"), f"instructions {where}", required=True
    )
    tips = checker.text_list(entries.get("tips"), f"tips {where}")
    cautions = checker.text_list(entries.get("cautions"), f"cautions {where}")
    advice: dict[str, tuple[str, ...]] = {}
    advice_locs: list[tuple[str, _Loc]] = []
    if "advice" in entries:
        for symptom_id, advice_key, advice_node in checker.id_map(
            entries["advice"], f"in the advice of stretch '{stretch_id}'"
        ):
            advice[symptom_id] = checker.text_list(
                advice_node, f"advice for '{symptom_id}' {where}", required=True
            )
            advice_locs.append((symptom_id, _loc(advice_key)))
    if name is None or not instructions:
        return None
    stretch = Stretch(
        id=stretch_id,
        name=name,
        area=area,
        sided=sided,
        instructions=instructions,
        tips=tips,
        cautions=cautions,
        advice=MappingProxyType(advice),
        source=checker.source,
    )
    return _RawStretch(stretch, _loc(key_node), tuple(advice_locs))


def _parse_routine_list(
    checker: _Checker, node: yaml.Node, parsed: ParsedFile, prepare: int, rest: int
) -> None:
    if not checker.spend(node):
        return
    if not isinstance(node, yaml.SequenceNode):
        checker.error(
            node, f"routines must be a list (each routine starting with '- id:'), not {_kind(node)}"
        )
        return
    first_at: dict[str, _Loc] = {}
    for number, routine_node in enumerate(node.value, start=1):
        routine = _parse_routine(checker, number, routine_node, parsed, (prepare, rest))
        # Ids count even for a routine with errors, so a repeat of it is reported too.
        routine_id = _peek_id(routine_node)
        if routine_id is None or not ID_PATTERN.match(routine_id):
            continue
        loc = _loc(routine_node)
        if routine_id in first_at:
            checker.error(
                loc,
                f"routine id '{routine_id}' is used twice (first at line "
                f"{first_at[routine_id].line})",
            )
            continue
        first_at[routine_id] = loc
        parsed.routine_ids.append((routine_id, loc))
        if routine is not None:
            parsed.routines.append(routine)


def _peek_id(node: yaml.Node) -> str | None:
    """A routine's id as written (valid or not), if it is a single value."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
                return str(value_node.value)
    return None


def _parse_routine(
    checker: _Checker,
    number: int,
    node: yaml.Node,
    parsed: ParsedFile,
    defaults: tuple[int, int],
) -> _RawRoutine | None:
    written_id = _peek_id(node)
    where = f"in routine {number}" if written_id is None else f"in routine '{written_id}'"
    entries = checker.mapping(node, where, ROUTINE_KEYS, required=("id", "name", "steps"))
    if entries is None:
        return None
    routine_id = checker.text(entries.get("id"), f"id {where}")
    if routine_id is not None and not ID_PATTERN.match(routine_id):
        checker.error(
            entries["id"],
            f"'{routine_id}' is not a valid routine id: use lowercase letters, digits and dashes",
        )
        routine_id = None
    name = checker.text(entries.get("name"), f"name {where}")
    description = checker.text(entries.get("description"), f"description {where}", default="")
    steps: list[_RawStep] = []
    if "steps" in entries:
        steps_node = entries["steps"]
        if not checker.spend(steps_node):
            pass
        elif not isinstance(steps_node, yaml.SequenceNode):
            checker.error(steps_node, f"steps {where} must be a list, not {_kind(steps_node)}")
        elif not steps_node.value:
            checker.error(steps_node, f"{where[3:]} has no steps: add at least one")
        else:
            for step_number, step_node in enumerate(steps_node.value, start=1):
                step = _parse_step(
                    checker, f"in step {step_number} of {where[3:]}", step_node, parsed, defaults
                )
                if step is not None:
                    steps.append(step)
    if routine_id is None or name is None or description is None or not steps:
        return None
    if len(steps) != len(entries["steps"].value):
        return None
    return _RawRoutine(routine_id, name, description, tuple(steps))


def _parse_step(
    checker: _Checker,
    where: str,
    node: yaml.Node,
    parsed: ParsedFile,
    defaults: tuple[int, int],
) -> _RawStep | None:
    """One step, with the file's prepare and rest where the step gives none."""
    prepare_default, rest_default = defaults
    entries = checker.mapping(node, where, STEP_KEYS, required=("stretch", "hold"))
    if entries is None:
        return None
    stretch_id = checker.text(entries.get("stretch"), f"stretch {where}")
    if stretch_id is not None:
        parsed.step_refs.append((where[3:], stretch_id, _loc(entries["stretch"])))
    hold = checker.duration(entries.get("hold"), f"hold {where}", -1, 1)
    reps = checker.integer(entries.get("reps"), f"reps {where}", 1, 1, 100)
    rest = checker.duration(entries.get("rest"), f"rest {where}", rest_default, 0)
    prepare = checker.duration(entries.get("prepare"), f"prepare {where}", prepare_default, 0)
    if stretch_id is None or hold < 1:
        return None
    return _RawStep(stretch_id, hold, reps, rest, prepare)


# --------------------------------------------------------------------------- files together


@dataclass(frozen=True)
class FileReport:
    """What became of one routine file: its counts when it loaded, its errors when it did not."""

    path: str
    stretches: int = 0
    routines: int = 0
    errors: tuple[RoutineError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class LoadResult:
    """The library built from every file that loaded, and a report on each file."""

    library: Library
    reports: tuple[FileReport, ...]

    @property
    def errors(self) -> dict[str, tuple[RoutineError, ...]]:
        return {r.path: r.errors for r in self.reports if r.errors}


def read_routine_file(path: Path, display_name: str | None = None) -> ParsedFile:
    """Reads and checks one file; raises RoutineFileError (never OSError) when it cannot."""
    name = display_name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RoutineFileError(
                [RoutineError(name, 1, 1, f"the file is {size:,} bytes; the limit is 1 MiB")]
            )
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"cannot read the file: {reason}")]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineFileError([RoutineError(name, 1, 1, "the file is larger than 1 MiB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise RoutineFileError(
            [
                RoutineError(
                    name,
                    line,
                    column,
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                )
            ]
        ) from None
    return parse_routines(text, name)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every ``*.yaml`` / ``*.yml`` in a given folder, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            )
        else:
            files.append(path)
    return files


def load_library(paths: Sequence[Path]) -> LoadResult:
    """Loads the files in order; a file with any error is left out and reported, never raised.

    Ids of stretches, routines and symptoms are shared by all files: a file that repeats an id
    of an earlier one is left out. Routines may use stretches, and stretches may give advice
    for symptoms, from any file that loaded.
    """
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in paths:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    parsed: list[ParsedFile | None] = []
    partials: list[ParsedFile] = []
    reports: dict[str, FileReport] = {}
    for path in unique:
        try:
            parsed.append(read_routine_file(path))
        except RoutineFileError as exc:
            parsed.append(None)
            reports[str(path)] = FileReport(str(path), errors=exc.errors)
            if exc.partial is not None:
                partials.append(exc.partial)
    return _link(unique, parsed, reports, partials)


def _link(
    paths: Sequence[Path],
    parsed: Sequence[ParsedFile | None],
    reports: dict[str, FileReport],
    partials: Sequence[ParsedFile] = (),
) -> LoadResult:
    # Ids first: a later file that repeats an id is left out, and the error names both places.
    owners: dict[tuple[str, str], str] = {}
    accepted: list[ParsedFile] = []
    for parsed_file in parsed:
        if parsed_file is None:
            continue
        errors = _sorted(_duplicate_ids(parsed_file, owners))
        if errors:
            reports[parsed_file.source] = FileReport(parsed_file.source, errors=tuple(errors))
        else:
            accepted.append(parsed_file)
            for kind, ident, loc in _ids(parsed_file):
                owners[(kind, ident)] = f"{parsed_file.source}:{loc.line}:{loc.column}"

    # Then references, until no file is dropped (dropping one can break another).
    while True:
        stretches = {sid: raw for f in accepted for sid, raw in f.stretches.items()}
        symptoms = {sid: s for f in accepted for sid, (s, _) in f.symptoms.items()}
        dropped = False
        for parsed_file in list(accepted):
            errors = _sorted(_unresolved(parsed_file, stretches, symptoms))
            if errors:
                reports[parsed_file.source] = FileReport(parsed_file.source, errors=tuple(errors))
                accepted.remove(parsed_file)
                dropped = True
        if not dropped:
            break

    routines: list[Routine] = []
    for parsed_file in accepted:
        file_routines = [
            _build_routine(r, stretches, parsed_file.source) for r in parsed_file.routines
        ]
        routines.extend(file_routines)
        reports[parsed_file.source] = FileReport(
            parsed_file.source, len(parsed_file.stretches), len(file_routines)
        )
    # A file left out for its own errors still hears about its cross-file ones in the same pass.
    for partial in partials:
        own_stretches = {**stretches, **partial.stretches}
        own_symptoms = {**symptoms, **{sid: s for sid, (s, _) in partial.symptoms.items()}}
        extra = [
            *_duplicate_ids(partial, owners),
            *_unresolved(partial, own_stretches, own_symptoms),
        ]
        if extra:
            report = reports[partial.source]
            merged = tuple(_sorted([*report.errors, *extra]))
            reports[partial.source] = FileReport(partial.source, errors=merged)

    library = Library(
        stretches=MappingProxyType({sid: raw.stretch for sid, raw in stretches.items()}),
        routines=tuple(routines),
        symptoms=MappingProxyType(symptoms),
    )
    ordered = tuple(reports[str(p)] for p in paths if str(p) in reports)
    return LoadResult(library, ordered)


def _ids(parsed: ParsedFile) -> Iterator[tuple[str, str, _Loc]]:
    for sid, raw in parsed.stretches.items():
        yield "stretch", sid, raw.loc
    for sid, (_, loc) in parsed.symptoms.items():
        yield "symptom", sid, loc
    for routine_id, loc in parsed.routine_ids:
        yield "routine", routine_id, loc


def _duplicate_ids(
    parsed: ParsedFile, owners: dict[tuple[str, str], str]
) -> Iterator[RoutineError]:
    for kind, ident, loc in _ids(parsed):
        other = owners.get((kind, ident))
        if other is not None:
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"{kind} id '{ident}' is already defined at {other}; ids must be unique "
                "across all routine files",
            )


def _unresolved(
    parsed: ParsedFile, stretches: dict[str, _RawStretch], symptoms: dict[str, Symptom]
) -> Iterator[RoutineError]:
    for step, stretch_id, loc in parsed.step_refs:
        if stretch_id not in stretches:
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"{step} uses unknown stretch '{stretch_id}'{_did_you_mean(stretch_id, stretches)}",
            )
    for sid, raw in parsed.stretches.items():
        for symptom_id, loc in raw.advice_locs:
            if symptom_id not in symptoms:
                yield RoutineError(
                    parsed.source,
                    loc.line,
                    loc.column,
                    f"stretch '{sid}' gives advice for unknown symptom "
                    f"'{symptom_id}'{_did_you_mean(symptom_id, symptoms)}",
                )
    keys: dict[str, str] = {}
    for symptom in symptoms.values():
        if symptom.key in keys and symptom.source == parsed.source:
            _, loc = parsed.symptoms[symptom.id]
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"symptom '{symptom.id}' uses key '{symptom.key}', which symptom "
                f"'{keys[symptom.key]}' already uses",
            )
        keys.setdefault(symptom.key, symptom.id)


def _build_routine(raw: _RawRoutine, stretches: dict[str, _RawStretch], source: str) -> Routine:
    steps = tuple(
        Step(
            stretch=stretches[s.stretch_id].stretch,
            hold=s.hold,
            reps=s.reps,
            rest=s.rest,
            prepare=s.prepare,
        )
        for s in raw.steps
    )
    return Routine(raw.id, raw.name, raw.description, steps, source)


def routine_files(bundled: Path, user_dir: Path | None, extra: Sequence[Path]) -> list[Path]:
    """The bundled file, then every ``*.yaml`` in the user's folder, then each ``--routines``."""
    files = [bundled]
    if user_dir is not None and user_dir.is_dir():
        files.extend(expand_paths([user_dir]))
    files.extend(expand_paths(extra))
    return files
