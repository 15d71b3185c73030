"""Checks one routine file's records (symptoms, stretches, routines, steps) on their own."""

from __future__ import annotations

import gc
from types import MappingProxyType

import yaml

from desktop_app.model import DEFAULT_PREPARE, DEFAULT_REST, Stretch, Symptom
from desktop_app.routine_format.nodes import (
    Checker,
    TooBigError,
    at_most,
    by_place,
    compose,
    kind_of,
    loc_of,
)
from desktop_app.routine_format.parsed import (
    Loc,
    ParsedFile,
    RawRoutine,
    RawStep,
    RawStretch,
    RoutineError,
    RoutineFileError,
)
from desktop_app.routine_format.spec import (
    DEFAULT_KEYS,
    ROUTINE_KEYS,
    STEP_KEYS,
    STRETCH_KEYS,
    SYMPTOM_KEYS,
    TOP_KEYS,
)
from desktop_app.routine_format.values import (
    ACTIONS,
    FORMAT_VERSION,
    ID_PATTERN,
    RESERVED_KEYS,
    did_you_mean,
    is_usable_key,
    key_identity,
    short,
)


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
    root = compose(text, source)
    checker = Checker(source)
    parsed = ParsedFile(source)
    try:
        _parse_root(checker, root, parsed)
    except TooBigError:
        pass
    except RecursionError:
        loc = loc_of(root)
        message = "the file is nested too deeply to read"
        checker.errors.append(RoutineError(source, loc.line, loc.column, message))
    if checker.errors:
        raise RoutineFileError(at_most(by_place(checker.errors)), partial=parsed)
    return parsed


def _parse_root(checker: Checker, root: yaml.Node, parsed: ParsedFile) -> None:
    top = checker.mapping(root, "at the top level", TOP_KEYS, required=("format",))
    if top is None:
        return
    if "format" in top and checker.present(top["format"], "format", "write format: 1"):
        version = checker.scalar(top["format"], "format")
        if version is not None and (isinstance(version, bool) or version != FORMAT_VERSION):
            if isinstance(version, int) and not isinstance(version, bool) and version > 1:
                checker.error(
                    top["format"],
                    f"format {version} is newer than this app understands (it reads format 1)",
                )
            else:
                checker.error(top["format"], f"format must be 1, not {kind_of(top['format'])}")
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


def _parse_symptom(checker: Checker, symptom_id: str, node: yaml.Node) -> Symptom | None:
    where = f"in symptom '{short(symptom_id)}'"
    entries = checker.mapping(node, where, SYMPTOM_KEYS, required=("label", "key", "action"))
    if entries is None:
        return None
    label = checker.text(entries.get("label"), f"label {where}", single_line=True)
    key = checker.text(entries.get("key"), f"key {where}", single_line=True)
    if key is not None:
        key = _check_key(checker, entries["key"], key, where)
    action = checker.text(entries.get("action"), f"action {where}", single_line=True)
    if action is not None and action not in ACTIONS:
        checker.error(
            entries["action"],
            f"unknown action '{short(action)}' {where}: use 'continue' (keep holding with the "
            f"advice shown) or 'stop' (end the stretch){did_you_mean(action, ACTIONS)}",
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


def _check_key(checker: Checker, node: yaml.Node, key: str, where: str) -> str | None:
    reserved = RESERVED_KEYS.get(key.lower())
    if reserved:
        checker.error(node, f"key '{short(key)}' {where} is taken by the window ({reserved})")
        return None
    if not is_usable_key(key):
        code = "" if key.isascii() or len(key) != 1 else f" (U+{ord(key):04X})"
        checker.error(
            node,
            f"key '{short(key)}'{code} {where} must be a single letter or a digit 0-9 that is "
            "one key on the keyboard (not, for example, 'ß', whose capital is 'SS', or a "
            "symbol that looks like a letter, such as the Kelvin sign)",
        )
        return None
    return key.upper()


# Scripts whose letters are each one key on a common keyboard layout. Ideographs, syllables


def _check_symptom_keys(checker: Checker, parsed: ParsedFile) -> None:
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
    checker: Checker, stretch_id: str, key_node: yaml.Node, node: yaml.Node
) -> RawStretch | None:
    where = f"in stretch '{short(stretch_id)}'"
    entries = checker.mapping(node, where, STRETCH_KEYS, required=("name", "instructions"))
    if entries is None:
        return None
    name = checker.text(entries.get("name"), f"name {where}", single_line=True)
    area: tuple[str, ...] = ()
    if "area" in entries:
        area_node = entries["area"]
        if isinstance(area_node, yaml.ScalarNode):
            single = checker.text(area_node, f"area {where}", single_line=True)
            area = (single,) if single else ()
        else:
            area = checker.text_list(area_node, f"area {where}", single_line=True)
    sided = checker.boolean(entries.get("sided"), f"sided {where}", default=False)
    instructions = checker.text_list(
        entries.get("instructions"), f"instructions {where}", required=True
    )
    tips = checker.text_list(entries.get("tips"), f"tips {where}")
    cautions = checker.text_list(entries.get("cautions"), f"cautions {where}")
    advice: dict[str, tuple[str, ...]] = {}
    advice_locs: list[tuple[str, Loc]] = []
    if "advice" in entries:
        for symptom_id, advice_key, advice_node in checker.id_map(
            entries["advice"], f"in the advice of stretch '{short(stretch_id)}'"
        ):
            advice[symptom_id] = checker.text_list(
                advice_node, f"advice for '{short(symptom_id)}' {where}", required=True
            )
            advice_locs.append((symptom_id, loc_of(advice_key)))
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
    return RawStretch(stretch, loc_of(key_node), tuple(advice_locs))


def _parse_routine_list(
    checker: Checker, node: yaml.Node, parsed: ParsedFile, prepare: int, rest: int
) -> None:
    if not checker.spend(node):
        return
    if not isinstance(node, yaml.SequenceNode):
        checker.error(
            node,
            f"routines must be a list (each routine starting with '- id:'), not {kind_of(node)}",
        )
        return
    first_at: dict[str, Loc] = {}
    for number, routine_node in enumerate(node.value, start=1):
        known = len(checker.errors)
        routine = _parse_routine(checker, number, routine_node, parsed, (prepare, rest))
        if routine is None:
            checker.left_out(known, routine_node, f"routine {number}")
        # Ids count even for a routine with errors, so a repeat of it is reported too.
        routine_id = routine.id if routine is not None else _peek_id(routine_node)
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


def _peek_id(node: yaml.Node) -> str | None:
    """A routine's id as written (valid or not), if it is a single value."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
                return str(value_node.value)
    return None


def _parse_routine(
    checker: Checker,
    number: int,
    node: yaml.Node,
    parsed: ParsedFile,
    defaults: tuple[int, int],
) -> RawRoutine | None:
    written_id = _peek_id(node)
    where = f"in routine {number}" if written_id is None else f"in routine '{short(written_id)}'"
    entries = checker.mapping(node, where, ROUTINE_KEYS, required=("id", "name", "steps"))
    if entries is None:
        return None
    routine_id = checker.identifier(
        entries.get("id"),
        f"id {where}",
        "is not a valid routine id: use lowercase letters, digits and dashes",
    )
    name = checker.text(entries.get("name"), f"name {where}", single_line=True)
    description = checker.text(entries.get("description"), f"description {where}", default="")
    steps: list[RawStep] = []
    if "steps" in entries:
        steps_node = entries["steps"]
        if not checker.spend(steps_node):
            pass
        elif not isinstance(steps_node, yaml.SequenceNode):
            checker.error(steps_node, f"steps {where} must be a list, not {kind_of(steps_node)}")
        elif not steps_node.value:
            checker.error(steps_node, f"{where[3:]} has no steps: add at least one")
        else:
            for step_number, step_node in enumerate(steps_node.value, start=1):
                step = _parse_step(
                    checker, f"in step {step_number} of {where[3:]}", step_node, parsed, defaults
                )
                if step is not None:
                    steps.append(step)
    stop_on = _parse_stop_on(checker, entries.get("stop_on"), where, parsed)
    if routine_id is None or name is None or description is None or not steps:
        return None
    if len(steps) != len(entries["steps"].value) or stop_on is None:
        return None
    return RawRoutine(routine_id, name, description, tuple(steps), stop_on)


def _parse_stop_on(
    checker: Checker, node: yaml.Node | None, where: str, parsed: ParsedFile
) -> tuple[str, ...] | None:
    """``stop_on: [symptom ids]``; the ids are resolved later, across all files."""
    if node is None:
        return ()
    if not checker.spend(node):
        return None
    if not isinstance(node, yaml.SequenceNode):
        checker.error(
            node,
            f"stop_on {where} must be a list of symptom ids, such as [tingling], "
            f"not {kind_of(node)}",
        )
        return None
    ids: list[str] = []
    ok = True
    for number, item in enumerate(node.value, start=1):
        symptom_id = checker.identifier(
            item,
            f"item {number} of stop_on {where}",
            f"in stop_on {where} is not a valid symptom id",
        )
        if symptom_id is None:
            ok = False
        elif symptom_id in ids:
            checker.error(item, f"symptom '{symptom_id}' is listed twice in stop_on {where}")
            ok = False
        else:
            ids.append(symptom_id)
            parsed.stop_on_refs.append((where[3:], symptom_id, loc_of(item)))
    return tuple(ids) if ok else None


def _parse_step(
    checker: Checker,
    where: str,
    node: yaml.Node,
    parsed: ParsedFile,
    defaults: tuple[int, int],
) -> RawStep | None:
    """One step, with the file's prepare and rest where the step gives none."""
    prepare_default, rest_default = defaults
    entries = checker.mapping(node, where, STEP_KEYS, required=("stretch", "hold"))
    if entries is None:
        return None
    stretch_id = checker.identifier(
        entries.get("stretch"), f"stretch {where}", f"is not a valid stretch id ({where[3:]})"
    )
    if stretch_id is not None:
        parsed.step_refs.append((where[3:], stretch_id, loc_of(entries["stretch"])))
    hold = checker.duration(entries.get("hold"), f"hold {where}", -1, 1)
    reps = checker.integer(entries.get("reps"), f"reps {where}", 1, 1, 100)
    rest = checker.duration(entries.get("rest"), f"rest {where}", rest_default, 0)
    prepare = checker.duration(entries.get("prepare"), f"prepare {where}", prepare_default, 0)
    if stretch_id is None or hold < 1:
        return None
    return RawStep(stretch_id, hold, reps, rest, prepare)
