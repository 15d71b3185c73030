"""Reads a record's keys as the spec declares them: allowed, required, each value by its kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.routine_format.nodes import Checker, kind_of
from desktop_app.routine_format.parsed import Loc, PictureError
from desktop_app.routine_format.spec import (
    Choice,
    Count,
    Duration,
    Flag,
    Id,
    IdList,
    Key,
    Kind,
    Picture,
    Record,
    Template,
    Text,
    TextList,
    TextOrList,
)
from desktop_app.routine_format.tree import SCALAR, SEQUENCE, Node, loc_of
from desktop_app.routine_format.values import (
    RESERVED_KEYS,
    did_you_mean,
    is_usable_key,
    short,
)

# Kinds read here; the others (lists of records, id maps, nested records, the version) hold
# records of their own and are read where those are built.
VALUE_KINDS = (
    Text,
    Template,
    TextList,
    TextOrList,
    Flag,
    Count,
    Duration,
    Choice,
    Key,
    Id,
    IdList,
    Picture,
)


@dataclass(frozen=True)
class Entries:
    """A record's keys as read: values by name (a default for a key left out, None after an
    error), and the node of every key given."""

    values: dict[str, Any]
    nodes: dict[str, Node]


def read_record(
    checker: Checker, record: Record, node: Node, where: str, *, named: str | None = None
) -> Entries | None:
    """Reads ``node`` as ``record``; None (with an error) when it is not a mapping.

    ``where`` places the record in messages ("in step 2 of routine 'x'"); each value's
    messages start with its key ("hold in step 2 of routine 'x'"), or with ``named`` and the
    key when given ("" for just the key).
    """
    nodes = checker.mapping(node, where, record.keys, record.required)
    if nodes is None:
        return None
    plan = _plans.get(id(record))
    if plan is None:
        plan = _plans[id(record)] = _plan(record)
    values: dict[str, Any] = {}
    suffix = where if named is None else named
    for name, kind, default in plan:
        value_node = nodes.get(name)
        if value_node is None:
            values[name] = default
        else:
            values[name] = read_value(checker, kind, value_node, f"{name} {suffix}".rstrip(), where)
    for spec in record.fields:
        needs = spec.only_with
        given = spec.name in nodes
        if needs is None or not given or values.get(spec.name) is None or values.get(needs):
            continue
        checker.error(
            nodes[spec.name],
            f"{spec.name} {where} {spec.only_with_why}, but the {record.name} is not {needs} "
            f"(add '{needs}: true' or remove the {spec.name})",
        )
        values[spec.name] = None
    return Entries(values, nodes)


# Each record's value keys with their kinds and the values they take when left out.
_plans: dict[int, tuple[tuple[str, Kind, Any], ...]] = {}


def _plan(record: Record) -> tuple[tuple[str, Kind, Any], ...]:
    return tuple(
        (f.name, f.kind, default_of(f.kind))
        for f in record.fields
        if isinstance(f.kind, VALUE_KINDS)
    )


def default_of(kind: Kind) -> Any:
    """What a value kind gives for a key left out (None: nothing, the record decides)."""
    if isinstance(kind, Text | Template | Flag | Count | Duration):
        return kind.default
    if isinstance(kind, TextList | TextOrList):
        return ()
    if isinstance(kind, IdList):
        return IdRefs()
    return None


def read_value(checker: Checker, kind: Kind, node: Node, where: str, place: str) -> Any:
    """One value of a value kind, or None (or the kind's default) after an error.

    ``place`` is the record's own ``where`` ("in step 2 of routine 'x'").
    """
    kind_type = type(kind)
    if kind_type is Text:
        assert isinstance(kind, Text)
        return checker.text(node, where, single_line=kind.line)
    if kind_type is TextList:
        assert isinstance(kind, TextList)
        return checker.text_list(node, where, required=kind.min_items > 0, single_line=kind.line)
    if kind_type is Duration:
        assert isinstance(kind, Duration)
        return checker.duration(node, where, kind.default, kind.minimum)
    if isinstance(kind, Template):
        return _template(checker, kind, node, where)
    if isinstance(kind, TextOrList):
        if node[0] == SCALAR:
            single = checker.text(node, where, single_line=kind.line)
            return (single,) if single else ()
        return checker.text_list(node, where, single_line=kind.line)
    if isinstance(kind, Flag):
        return checker.boolean(node, where, kind.default)
    if isinstance(kind, Count):
        return checker.integer(node, where, kind.default, kind.minimum, kind.maximum)
    if isinstance(kind, Choice):
        return _choice(checker, kind, node, where, place)
    if isinstance(kind, Key):
        key = checker.text(node, where, single_line=True)
        return None if key is None else _key(checker, node, key, place)
    if isinstance(kind, Id):
        invalid = kind.invalid.format(place=place[3:])
        return checker.identifier(node, where, invalid)
    if isinstance(kind, IdList):
        return _id_list(checker, kind, node, where, place)
    if isinstance(kind, Picture):
        return _picture(checker, node, place)
    raise TypeError(f"not a value kind: {kind!r}")  # a mistake in the spec, not in a file


def _template(checker: Checker, kind: Template, node: Node, where: str) -> str | None:
    text = checker.text(node, where, single_line=True)
    if text is None:
        return None
    example = f"(like '{kind.example}')"
    if text.count(kind.placeholder) != 1:
        checker.error(
            node,
            f"{where} must contain '{kind.placeholder}' exactly once {example}, "
            f"not '{short(text)}'",
        )
        return None
    rest = text.replace(kind.placeholder, "")
    if "{" in rest or "}" in rest:
        checker.error(node, f"{where} may hold no braces besides '{kind.placeholder}' {example}")
        return None
    return text


def _choice(checker: Checker, kind: Choice, node: Node, where: str, place: str) -> str | None:
    word = checker.text(node, where, single_line=True)
    if word is None or word in kind.values:
        return word
    name = where.split(" ", 1)[0]
    checker.error(
        node,
        f"unknown {name} '{short(word)}' {place}: {kind.explain}{did_you_mean(word, kind.values)}",
    )
    return None


def _key(checker: Checker, node: Node, key: str, where: str) -> str | None:
    """A symptom key as the window binds it (the capital), or None with an error."""
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


def _picture(checker: Checker, node: Node, place: str) -> Any:
    """A figure, or None: its problems leave out the picture only, so they are kept apart."""
    from desktop_app.figure_spec import read_figure

    if not checker.spend(node):
        return None
    read = read_figure(node, checker.base, place)
    if read.picture is not None:
        checker.pictures.append(str(read.picture))
    for problem in read.problems:
        checker.picture_errors.append(
            PictureError(checker.source, problem.line, problem.column, problem.message)
        )
    return read.figure


@dataclass(frozen=True)
class IdRefs:
    """The usable ids of a list, with where each stands; ``complete`` when all of them were."""

    items: tuple[tuple[str, Loc], ...] = ()
    complete: bool = True


def _id_list(checker: Checker, kind: IdList, node: Node, where: str, place: str) -> IdRefs:
    """Distinct ids with where each stands; every item that is not one has an error."""
    if not checker.spend(node):
        return IdRefs(complete=False)
    name = where.split(" ", 1)[0]
    if node[0] != SEQUENCE:
        checker.error(
            node,
            f"{where} must be a list of {kind.kind} ids, such as [tingling], not {kind_of(node)}",
        )
        return IdRefs(complete=False)
    ids: list[tuple[str, Loc]] = []
    seen: set[str] = set()
    ok = True
    for number, item in enumerate(node[2], start=1):
        ident = checker.identifier(
            item, f"item {number} of {where}", f"in {where} is not a valid {kind.kind} id"
        )
        if ident is None:
            ok = False
        elif ident in seen:
            checker.error(item, f"{kind.kind} '{ident}' is listed twice in {name} {place}")
            ok = False
        else:
            seen.add(ident)
            ids.append((ident, loc_of(item)))
    return IdRefs(tuple(ids), ok)
