"""Checks one routine file's records (symptoms, stretches, routines, steps) on their own."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import MappingProxyType

from desktop_app.model import DEFAULT_SIDE_LABEL, Stretch, Symptom
from desktop_app.routine_format.fields import read_record
from desktop_app.routine_format.nodes import (
    Checker,
    TooBigError,
    at_most,
    by_place,
    kind_of,
)
from desktop_app.routine_format.parsed import (
    Loc,
    ParsedFile,
    RawRoutine,
    RawStep,
    RawStretch,
    RoutineFileError,
)
from desktop_app.routine_format.spec import (
    DEFAULTS,
    FILE,
    ROUTINE,
    STEP,
    STRETCH,
    SYMPTOM,
    Duration,
    Record,
    RecordList,
    Version,
)
from desktop_app.routine_format.tree import MAPPING, SCALAR, SEQUENCE, Node, compose, loc_of
from desktop_app.routine_format.values import ID_PATTERN, key_identity, short


def parse_routines(text: str, source: str, base: Path | None = None) -> ParsedFile:
    """Checks one routine file's text on its own; raises RoutineFileError with every error.

    ``base``: the folder a ``figure:`` file's path is relative to (by default the folder of
    ``source``). A problem with a figure does not fail the file: it is in ``picture_errors``.
    """
    root = compose(text, source)
    checker = Checker(source, Path(source).parent if base is None else base)
    parsed = ParsedFile(source)
    with contextlib.suppress(TooBigError):
        _parse_root(checker, root, parsed)
    parsed.pictures = checker.pictures
    if checker.errors:
        errors = by_place([*checker.errors, *checker.picture_errors])
        raise RoutineFileError(at_most(errors), partial=parsed)
    parsed.picture_errors = sorted(checker.picture_errors, key=lambda e: (e.line, e.column))
    return parsed


def _parse_root(checker: Checker, root: Node, parsed: ParsedFile) -> None:
    top = checker.mapping(root, "at the top level", FILE.keys, FILE.required)
    if top is None:
        return
    if "format" in top:
        _check_version(checker, top["format"])
    if not any(name in top for name in FILE.one_of):
        names = " nor ".join(f"'{name}'" for name in FILE.one_of)
        checker.error(root, f"the file has neither {names}")

    prepare, rest = _defaults(checker, top.get("defaults"))

    if "symptoms" in top:
        for symptom_id, key_node, node in checker.id_map(top["symptoms"], "in symptoms"):
            known = len(checker.errors)
            symptom = _parse_symptom(checker, symptom_id, node)
            if symptom is not None:
                parsed.symptoms[symptom_id] = (symptom, loc_of(key_node))
            else:
                checker.left_out(known, key_node, f"symptom '{short(symptom_id)}'")
        _check_symptom_keys(checker, parsed)

    if "stretches" in top:
        for stretch_id, key_node, node in checker.id_map(top["stretches"], "in stretches"):
            known = len(checker.errors)
            raw = _parse_stretch(checker, stretch_id, key_node, node)
            if raw is not None:
                parsed.stretches[stretch_id] = raw
            else:
                checker.left_out(known, key_node, f"stretch '{short(stretch_id)}'")

    if "routines" in top:
        _parse_routine_list(checker, top["routines"], parsed, prepare, rest)


def _check_version(checker: Checker, node: Node) -> None:
    kind = FILE.field("format").kind
    assert isinstance(kind, Version)
    if not checker.present(node, "format", f"write format: {kind.number}"):
        return
    version = checker.scalar(node, "format")
    if version is None or (not isinstance(version, bool) and version == kind.number):
        return
    if isinstance(version, int) and not isinstance(version, bool) and version > kind.number:
        checker.error(
            node,
            f"format {version} is newer than this app understands (it reads format {kind.number})",
        )
    else:
        checker.error(node, f"format must be {kind.number}, not {kind_of(node)}")


def _defaults(checker: Checker, node: Node | None) -> tuple[int, int]:
    """The file's prepare and rest: its ``defaults``, or the format's."""
    prepare, rest = _format_default("prepare"), _format_default("rest")
    if node is None:
        return prepare, rest
    entries = read_record(checker, DEFAULTS, node, "in defaults", named="")
    if entries is None:
        return prepare, rest
    return entries.values["prepare"], entries.values["rest"]


def _format_default(name: str) -> int:
    kind = DEFAULTS.field(name).kind
    assert isinstance(kind, Duration)
    assert kind.default is not None
    return kind.default


def _parse_symptom(checker: Checker, symptom_id: str, node: Node) -> Symptom | None:
    entries = read_record(checker, SYMPTOM, node, f"in symptom '{short(symptom_id)}'")
    if entries is None:
        return None
    values = entries.values
    if values["label"] is None or values["key"] is None or values["action"] is None:
        return None
    return Symptom(
        id=symptom_id,
        label=values["label"],
        key=values["key"],
        action="stop" if values["action"] == "stop" else "continue",
        advice=values["advice"],
        seek_help=values["seek_help"],
        source=checker.source,
    )


def _check_symptom_keys(checker: Checker, parsed: ParsedFile) -> None:
    """Two symptoms of this file on the same key (other files' keys are checked when linking)."""
    seen: dict[str, str] = {}
    for symptom_id, (symptom, loc) in parsed.symptoms.items():
        same = key_identity(symptom.key)
        if same in seen:
            checker.error(
                loc,
                f"symptom '{short(symptom_id)}' uses key '{symptom.key}', which symptom "
                f"'{short(seen[same])}' already uses",
            )
        else:
            seen[same] = symptom_id


def _parse_stretch(
    checker: Checker, stretch_id: str, key_node: Node, node: Node
) -> RawStretch | None:
    where = f"in stretch '{short(stretch_id)}'"
    entries = read_record(checker, STRETCH, node, where)
    if entries is None:
        return None
    values = entries.values
    advice: dict[str, tuple[str, ...]] = {}
    advice_locs: list[tuple[str, Loc]] = []
    if "advice" in entries.nodes:
        for symptom_id, advice_key, advice_node in checker.id_map(
            entries.nodes["advice"], f"in the advice of stretch '{short(stretch_id)}'"
        ):
            advice[symptom_id] = checker.text_list(
                advice_node, f"advice for '{short(symptom_id)}' {where}", required=True
            )
            advice_locs.append((symptom_id, loc_of(advice_key)))
    if values["name"] is None or not values["instructions"]:
        return None
    stretch = Stretch(
        id=stretch_id,
        name=values["name"],
        area=values["area"],
        sided=values["sided"],
        instructions=values["instructions"],
        tips=values["tips"],
        cautions=values["cautions"],
        advice=MappingProxyType(advice),
        source=checker.source,
        side_label=values["side_label"] or DEFAULT_SIDE_LABEL,
        figure=values["figure"],
    )
    return RawStretch(stretch, loc_of(key_node), tuple(advice_locs))


def _list_of(record: Record, name: str) -> RecordList:
    kind = record.field(name).kind
    assert isinstance(kind, RecordList)
    return kind


def _record_list(
    checker: Checker, kind: RecordList, node: Node, where: str, place: str
) -> list[Node]:
    """The items of a list of records, such as ``routines:`` or a routine's ``steps:``.

    ``where`` names the list ("steps in routine 'x'"); ``place`` is what has it ("routine
    'x'"), for a list that must not be empty.
    """
    if not checker.spend(node):
        return []
    if node[0] != SEQUENCE:
        checker.error(node, f"{where} must be a list{kind.hint}, not {kind_of(node)}")
        return []
    if len(node[2]) < kind.min_items:
        name = where.split(" ", 1)[0]
        checker.error(node, f"{place} has no {name}: add at least one")
        return []
    return list(node[2])


def _parse_routine_list(
    checker: Checker, node: Node, parsed: ParsedFile, prepare: int, rest: int
) -> None:
    first_at: dict[str, Loc] = {}
    routine_nodes = _record_list(checker, _list_of(FILE, "routines"), node, "routines", "")
    for number, routine_node in enumerate(routine_nodes, start=1):
        known = len(checker.errors)
        written_id = _peek_id(routine_node)
        routine = _parse_routine(checker, number, written_id, routine_node, parsed, (prepare, rest))
        if routine is None:
            checker.left_out(known, routine_node, f"routine {number}")
        # Ids count even for a routine with errors, so a repeat of it is reported too.
        routine_id = routine.id if routine is not None else written_id
        if routine_id is None or not ID_PATTERN.fullmatch(routine_id):
            continue
        loc = loc_of(routine_node)
        if routine_id in first_at:
            checker.error(
                loc,
                f"routine id '{short(routine_id)}' is used twice (first at line "
                f"{first_at[routine_id].line})",
            )
            continue
        first_at[routine_id] = loc
        parsed.routine_ids.append((routine_id, loc))
        if routine is not None:
            parsed.routines.append(routine)


def _peek_id(node: Node) -> str | None:
    """A routine's id as written (valid or not), if it is a single value."""
    if node[0] == MAPPING:
        for key_node, value_node in node[2]:
            if key_node[2] == "id" and value_node[0] == SCALAR:
                return str(value_node[2])
    return None


def _parse_routine(
    checker: Checker,
    number: int,
    written_id: str | None,
    node: Node,
    parsed: ParsedFile,
    defaults: tuple[int, int],
) -> RawRoutine | None:
    where = f"in routine {number}" if written_id is None else f"in routine '{short(written_id)}'"
    entries = read_record(checker, ROUTINE, node, where)
    if entries is None:
        return None
    values = entries.values
    steps: list[RawStep] = []
    step_nodes: list[Node] = []
    if "steps" in entries.nodes:
        steps_kind = _list_of(ROUTINE, "steps")
        step_nodes = _record_list(
            checker, steps_kind, entries.nodes["steps"], f"steps {where}", where[3:]
        )
        for step_number, step_node in enumerate(step_nodes, start=1):
            place = f"in step {step_number} of {where[3:]}"
            step = _parse_step(checker, place, step_node, parsed, defaults)
            if step is not None:
                steps.append(step)
    stop_on = values["stop_on"]
    # Resolved later, across all files (even for a routine that has errors of its own).
    parsed.stop_on_refs.extend((where[3:], ident, loc) for ident, loc in stop_on.items)
    if values["id"] is None or values["name"] is None or values["description"] is None:
        return None
    if not steps or len(steps) != len(step_nodes) or not stop_on.complete:
        return None
    stop_ids = tuple(ident for ident, _ in stop_on.items)
    return RawRoutine(values["id"], values["name"], values["description"], tuple(steps), stop_ids)


def _parse_step(
    checker: Checker,
    where: str,
    node: Node,
    parsed: ParsedFile,
    defaults: tuple[int, int],
) -> RawStep | None:
    """One step, with the file's prepare and rest where the step gives none."""
    prepare_default, rest_default = defaults
    entries = read_record(checker, STEP, node, where)
    if entries is None:
        return None
    values = entries.values
    stretch_id = values["stretch"]
    if stretch_id is not None:
        parsed.step_refs.append((where[3:], stretch_id, loc_of(entries.nodes["stretch"])))
    if stretch_id is None or values["hold"] is None:
        return None
    rest = rest_default if values["rest"] is None else values["rest"]
    prepare = prepare_default if values["prepare"] is None else values["prepare"]
    return RawStep(stretch_id, values["hold"], values["reps"], rest, prepare)
