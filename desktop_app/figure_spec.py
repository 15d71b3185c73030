"""Reads a stretch's ``figure:`` (a pose the app draws, or an SVG/PNG file), every error located.

Used by the routine loader on the composed YAML node; imports no Qt. A problem here leaves
out the picture only: the loader reports it with its line and column, and the stretch loads
without a picture.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.figure_file import check_picture
from desktop_app.pose import (
    AREAS,
    BASE_ANGLES,
    BASES,
    LIMB_AREAS,
    LIMBS,
    PAIRED_JOINTS,
    POINT_NAMES,
    PROP_ANCHOR,
    PROPS,
    RANGES,
    SINGLE_JOINTS,
    Angles,
    Figure,
    FigureFile,
    Pose,
    Prop,
    anchor_problem,
)
from desktop_app.routine_format.tree import MAPPING, SCALAR, SEQUENCE, Node

POSE_KEYS = ("base", *SINGLE_JOINTS, *PAIRED_JOINTS, "props", "highlight")
MAX_ITEMS = 20
_TAG = "tag:yaml.org,2002:"
_NUMBER = re.compile(r"^[-+]?[0-9]{1,4}(?:\.[0-9]{1,6})?$", re.ASCII)
POINTS = POINT_NAMES
HANDS = ("hands", "near-hand", "far-hand")
HIGHLIGHTS = (
    *AREAS,
    *(f"{side}-{area}" for side in LIMBS for area in LIMB_AREAS),
)


@dataclass(frozen=True)
class FigureProblem:
    """One problem with a figure, at a line and column of the routine file (from 1)."""

    line: int
    column: int
    message: str


class _Problems:
    def __init__(self, where: str) -> None:
        self.where = where
        self.found: list[FigureProblem] = []

    def add(self, node: Node, message: str) -> None:
        self.found.append(FigureProblem(node[3], node[4], message))


@dataclass(frozen=True)
class FigureRead:
    """What a ``figure:`` gave: the figure (None when left out), its problems, and the picture
    file it names, whether or not it could be read (a cache of the library must notice when
    that file changes or appears)."""

    figure: Figure | None
    problems: tuple[FigureProblem, ...] = ()
    picture: Path | None = None


def read_figure(node: Node, base: Path | None, place: str) -> FigureRead:
    """The figure a ``figure:`` node gives, or None with the problems that leave it out.

    ``base`` is the folder of the routine file (a picture's path is relative to it);
    ``place`` is where the figure stands ("in stretch 'x'").
    """
    owner = place.removeprefix("in ")
    problems = _Problems(f"in the figure of {owner}")
    figure: Figure | None = None
    picture: Path | None = None
    if node[0] == SCALAR and node[1] == f"{_TAG}str" and node[2].strip():
        picture = _picture_path(node, base)
        figure = _file(node, picture, problems)
    elif node[0] == MAPPING and node[1] == f"{_TAG}map":
        figure = _pose(node, problems)
    else:
        problems.add(
            node,
            f"the figure of {owner} must be the path of an SVG or PNG picture, or "
            "a pose (a mapping with 'base:' and joint angles), not "
            f"{_kind(node)}",
        )
    if problems.found:
        return FigureRead(None, tuple(problems.found), picture)
    return FigureRead(figure, (), picture)


# ---------------------------------------------------------------------------- a file


def _picture_path(node: Node, base: Path | None) -> Path:
    path = Path(node[2].strip())
    if not path.is_absolute() and base is not None:
        path = base / path
    return path


def _file(node: Node, path: Path, problems: _Problems) -> FigureFile | None:
    written = node[2].strip()
    checked = check_picture(path, written)
    if isinstance(checked, str):
        problems.add(node, checked)
        return None
    kind, data = checked
    return FigureFile(str(path), kind, data)


# ---------------------------------------------------------------------------- a pose


def _pose(node: Node, problems: _Problems) -> Pose | None:
    where = problems.where
    entries = _mapping(node, POSE_KEYS, problems, where)
    base_node = entries.get("base")
    base = None
    if base_node is None:
        problems.add(node, f"missing 'base' {where}: one of {_listing(BASES)}")
    else:
        base = _name(base_node, BASES, problems, "base position", where)
    angles = BASE_ANGLES.get(base or "standing", Angles())
    for joint in SINGLE_JOINTS:
        if joint in entries:
            value = _angle(entries[joint], joint, problems, f"{joint} {where}")
            if value is not None:
                angles = angles.with_joint(joint, value)
    for joint in PAIRED_JOINTS:
        if joint in entries:
            for limb, value in _paired(entries[joint], joint, problems, where):
                angles = angles.with_joint(joint, value, limb)
    props = _props(entries.get("props"), base, problems, where)
    highlight = _highlight(entries.get("highlight"), problems, where)
    if base is None:
        return None
    return Pose(base, angles, props, highlight)


def _paired(
    node: Node, joint: str, problems: _Problems, where: str
) -> Iterator[tuple[str | None, float | None]]:
    """``hips: 80`` (both sides) or ``hips: {near: 80, far: 10}``."""
    if node[0] == MAPPING:
        entries = _mapping(node, LIMBS, problems, f"in {joint} {where}")
        if not entries and not node[2]:
            problems.add(node, f"{joint} {where} is empty: give near:, far: or both")
        for limb in LIMBS:
            if limb in entries:
                value = _angle(entries[limb], joint, problems, f"{limb} {joint} {where}")
                if value is not None or _is_flat(entries[limb], joint):
                    yield limb, value
        return
    value = _angle(node, joint, problems, f"{joint} {where}")
    if value is not None or _is_flat(node, joint):
        yield None, value


def _is_flat(node: Node, joint: str) -> bool:
    return joint == "ankles" and node[0] == SCALAR and node[2] == "flat"


def _angle(node: Node, joint: str, problems: _Problems, what: str) -> float | None:
    """Degrees within the joint's range; None (and no problem) for a flat ankle."""
    if _is_flat(node, joint):
        return None
    low, high = RANGES[joint]
    flat = " or flat (the foot level)" if joint == "ankles" else ""
    if node[0] != SCALAR or node[1] not in (f"{_TAG}int", f"{_TAG}float"):
        problems.add(
            node, f"{what} must be an angle in degrees ({low} to {high}){flat}, not {_kind(node)}"
        )
        return None
    if not _NUMBER.match(node[2]):
        problems.add(
            node, f"{what} must be a plain number of degrees, such as 45, not {_kind(node)}"
        )
        return None
    value = float(node[2])
    if not low <= value <= high:
        problems.add(node, f"{what} must be between {low} and {high} degrees, not {node[2]}")
        return None
    return value


def _props(
    node: Node | None, base: str | None, problems: _Problems, where: str
) -> tuple[Prop, ...]:
    if node is None:
        return ()
    items = _items(node, problems, f"props {where}", "such as [towel] or [wall, stool]")
    props: list[Prop] = []
    seen: set[str] = set()
    for item in items:
        prop = _prop(item, problems, where)
        if prop is None:
            continue
        if prop.kind in seen:
            problems.add(item, f"the {prop.kind} is listed twice in the props {where}")
            continue
        seen.add(prop.kind)
        if prop.kind == "chair" and base not in (None, "sitting-on-chair"):
            problems.add(
                item,
                f"a chair is drawn under the seat: use base sitting-on-chair {where}",
            )
            continue
        props.append(prop)
    return tuple(props)


def _prop(node: Node, problems: _Problems, where: str) -> Prop | None:
    """``towel``, ``{wall: hands}``, ``{towel: near-heel}``, ``{towel: {from: .., to: ..}}``."""
    if node[0] == SCALAR:
        kind = _name(node, PROPS, problems, "prop", where)
        return Prop(kind, PROP_ANCHOR[kind]) if kind is not None else None
    if node[0] != MAPPING or len(node[2]) != 1:
        problems.add(
            node,
            f"a prop {where} must be its name (towel) or one name with where it goes "
            f"({{wall: hands}}), not {_kind(node)}",
        )
        return None
    key_node, value = node[2][0]
    kind = _name(key_node, PROPS, problems, "prop", where)
    if kind is None:
        return None
    default = PROP_ANCHOR[kind]
    strap = kind in ("towel", "band")
    if default is None:
        problems.add(value, f"the {kind} {where} takes no place: write just '{kind}'")
        return None
    hand = "hands"
    if value[0] == MAPPING:
        keys = ("from", "to") if strap else ("at",)
        entries = _mapping(value, keys, problems, f"in the {kind} {where}")
        at_node = entries.get("to" if strap else "at")
        at = (
            _name(at_node, POINTS, problems, f"place {{}} for the {kind}", where)
            if at_node
            else default
        )
        if strap and "from" in entries:
            held = _name(entries["from"], HANDS, problems, f"hand {{}} to hold the {kind}", where)
            hand = held or hand
    else:
        at = _name(value, POINTS, problems, f"place {{}} for the {kind}", where)
    if at is None:
        return None
    problem = anchor_problem(kind, at)
    if problem is not None:
        problems.add(value, f"{problem}, not '{at}', {where}")
        return None
    return Prop(kind, at, hand)


def _highlight(node: Node | None, problems: _Problems, where: str) -> tuple[str, ...]:
    if node is None:
        return ()
    what = f"highlight {where}"
    items = [node] if node[0] == SCALAR else _items(
        node, problems, what, "such as [near-hamstring] or [calf]"
    )  # fmt: skip
    areas: list[str] = []
    for item in items:
        name = _name(item, HIGHLIGHTS, problems, "area {} to highlight", where)
        if name is None:
            continue
        # A limb area without a side picks it out on both legs (or arms).
        names = [f"{side}-{name}" for side in LIMBS] if name in LIMB_AREAS else [name]
        areas.extend(n for n in names if n not in areas)
    return tuple(areas)


# ---------------------------------------------------------------------------- nodes


def _mapping(
    node: Node, allowed: Iterable[str], problems: _Problems, where: str
) -> dict[str, Node]:
    allowed = tuple(allowed)
    entries: dict[str, Node] = {}
    for key_node, value in node[2]:
        if key_node[0] != SCALAR or key_node[1] != f"{_TAG}str":
            problems.add(key_node, f"keys {where} must be plain names")
            continue
        key = key_node[2]
        if key in entries:
            problems.add(key_node, f"duplicate key '{_short(key)}' {where}")
        elif key not in allowed:
            problems.add(
                key_node, f"unknown key '{_short(key)}' {where}{_did_you_mean(key, allowed)}"
            )
        else:
            entries[key] = value
    return entries


def _items(node: Node, problems: _Problems, what: str, example: str) -> list[Node]:
    if node[0] != SEQUENCE:
        problems.add(node, f"{what} must be a list, {example}, not {_kind(node)}")
        return []
    if len(node[2]) > MAX_ITEMS:
        problems.add(node, f"{what} has {len(node[2])} items; at most {MAX_ITEMS}")
        return []
    return list(node[2])


def _name(
    node: Node, choices: tuple[str, ...], problems: _Problems, label: str, where: str
) -> str | None:
    """One of ``choices``; ``unknown prop 'rope' in the figure of ... (one of ...)``."""
    if node[0] == SCALAR and node[1] == f"{_TAG}str" and node[2] in choices:
        return str(node[2])
    if node[0] == SCALAR and node[1] == f"{_TAG}str":
        hint = _did_you_mean(node[2], choices) or f" (one of {_listing(choices)})"
        value = f"'{_short(node[2])}'"
        named = label.format(value) if "{}" in label else f"{label} {value}"
        problems.add(node, f"unknown {named} {where}{hint}")
    else:
        noun = label.replace(" {}", "")
        problems.add(node, f"the {noun} {where} must be a name, not {_kind(node)}")
    return None


def _kind(node: Node) -> str:
    if node[0] == MAPPING:
        return "a mapping"
    if node[0] == SEQUENCE:
        return "a list"
    if node[1] == f"{_TAG}null":
        return "an empty value"
    return f"'{_short(node[2])}'"


def _short(text: object, limit: int = 40) -> str:
    shown = str(text)
    if len(shown) > limit:
        shown = shown[:limit] + "…"
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in shown)


def _listing(choices: tuple[str, ...]) -> str:
    if len(choices) > 12:
        return ", ".join(choices[:12]) + "…"
    return ", ".join(choices)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    if len(word) > 64:
        return ""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


# ---------------------------------------------------------------------------- the schema


def schema_defs() -> dict[str, Any]:
    """The ``figure`` and ``pose`` definitions of the routine files' JSON Schema.

    Made from the same vocabulary the reader above checks against; what JSON Schema cannot
    say (a prop listed twice, a chair without sitting on one, whether a picture file exists
    and is an image) only the reader checks.
    """

    def angle(joint: str) -> dict[str, Any]:
        low, high = RANGES[joint]
        return {"type": "number", "minimum": low, "maximum": high}

    def paired(joint: str) -> dict[str, Any]:
        one: dict[str, Any] = angle(joint)
        if joint == "ankles":
            one = {"anyOf": [one, {"const": "flat"}]}
        sides = {"near": one, "far": one}
        return {
            "anyOf": [
                one,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": sides,
                },
            ]
        }

    def place(points: list[str], keys: tuple[str, ...] = ("at",)) -> dict[str, Any]:
        named: dict[str, Any] = {"enum": points}
        properties: dict[str, Any] = dict.fromkeys(keys, named)
        if "from" in keys:
            properties["from"] = {"enum": list(HANDS)}
        return {
            "anyOf": [
                named,
                {"type": "object", "additionalProperties": False, "properties": properties},
            ]
        }

    def points_for(prop: str) -> list[str]:
        return [p for p in POINTS if anchor_problem(prop, p) is None]

    placed = {
        prop: place(points_for(prop), ("from", "to") if prop in ("towel", "band") else ("at",))
        for prop in PROPS
        if PROP_ANCHOR[prop] is not None
    }
    described = {
        "trunk": "Lean from upright, forward positive: 0 standing or sitting tall, 90 lying "
        "face down, -90 lying on the back.",
        "head": "Nod, chin towards the chest positive.",
        "hips": "Hip flexion, the thigh forward of the trunk: 0 standing, 90 sitting, negative "
        "behind (leaning forward bends the hips more). One number for both legs, or "
        "{near: .., far: ..}.",
        "knees": "Knee flexion: 0 straight, 90 a right angle.",
        "knees-out": "How far a bent knee falls out to the side, its foot staying where it is: "
        "a foot on the other knee, a sole against the other thigh.",
        "ankles": "0 with the foot at a right angle to the shin; positive points the toes "
        "away, negative draws them up; 'flat' keeps the sole level.",
        "shoulders": "Shoulder flexion, the arm forward: 0 by the side, 90 straight ahead, 180 "
        "overhead, negative behind.",
        "elbows": "Elbow flexion: 0 straight.",
    }
    joints: dict[str, Any] = {}
    for joint in (*SINGLE_JOINTS, *PAIRED_JOINTS):
        schema = angle(joint) if joint in SINGLE_JOINTS else paired(joint)
        joints[joint] = {"description": described[joint], **schema}
    return {
        "figure": {
            "description": "A stretch's picture: the path of an SVG or PNG file (relative to "
            "the routine file; an SVG must hold everything it shows), or a pose the app draws.",
            "anyOf": [
                {"type": "string", "pattern": r"\.(?:[sS][vV][gG]|[pP][nN][gG])\s*$"},
                {"$ref": "#/$defs/pose"},
            ],
        },
        "pose": {
            "description": "A side view of the figure facing right, seen from its right side: "
            "'near' limbs are the right ones (the app mirrors the picture for the left side). "
            "Angles are in degrees; a joint not given keeps the base position's angle.",
            "type": "object",
            "additionalProperties": False,
            "required": ["base"],
            "properties": {
                "base": {
                    "description": "The position the pose starts from: it sets every joint.",
                    "enum": list(BASES),
                },
                **joints,
                "props": {
                    "description": "Things around the figure: a name, or one name with the body "
                    "point it touches ({wall: hands}, {stool: near-heel}, {towel: {from: hands, "
                    "to: near-arch}}). The floor is always drawn; a chair comes with "
                    "sitting-on-chair.",
                    "type": "array",
                    "maxItems": MAX_ITEMS,
                    "items": {
                        "anyOf": [
                            {"enum": list(PROPS)},
                            {
                                "type": "object",
                                "minProperties": 1,
                                "maxProperties": 1,
                                "additionalProperties": False,
                                "properties": placed,
                            },
                        ]
                    },
                },
                "highlight": {
                    "description": "Areas picked out in the accent colour: near- or far- and a "
                    "limb area, a limb area alone for both sides, or back.",
                    "anyOf": [
                        {"enum": list(HIGHLIGHTS)},
                        {
                            "type": "array",
                            "maxItems": MAX_ITEMS,
                            "items": {"enum": list(HIGHLIGHTS)},
                        },
                    ],
                },
            },
        },
    }
