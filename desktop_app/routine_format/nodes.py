"""Reads a file's YAML tree (:mod:`.tree`), collecting every error with its line and column."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from desktop_app.routine_format.parsed import Loc, PictureError, RoutineError
from desktop_app.routine_format.tree import (
    MAP_TAG,
    MAPPING,
    SCALAR,
    SEQ_TAG,
    SEQUENCE,
    STANDARD_TAG,
    STR_TAG,
    Node,
    loc_of,
    resolve_plain,
)
from desktop_app.routine_format.values import (
    CONTROL_CHARACTER,
    ID_PATTERN,
    MAX_DURATION,
    MAX_ERRORS,
    MAX_NODES,
    MAX_NUMBER_CHARS,
    MAX_TEXT_CHARS,
    did_you_mean,
    first_hidden,
    hidden_problem,
    parse_duration,
    short,
    visible,
)

_STANDARD_TAG = STANDARD_TAG
_SCALAR_TAGS = {f"{_STANDARD_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_STR_TAG = STR_TAG
_INT_TAG = f"{_STANDARD_TAG}int"
NULL_TAG = f"{_STANDARD_TAG}null"
_PLAIN_TAGS = _SCALAR_TAGS | {MAP_TAG, SEQ_TAG}


class Checker:
    """Walks a composed YAML node tree, collecting located errors instead of raising."""

    def __init__(self, source: str, base: Path | None = None) -> None:
        self.source = source
        self.base = base
        """The routine file's folder: a picture's path is relative to it."""
        self.errors: list[RoutineError] = []
        self.picture_errors: list[PictureError] = []
        self.pictures: list[str] = []
        """Every picture file a ``figure:`` names, read or not."""
        self._budget = MAX_NODES
        self._constructor = yaml.constructor.SafeConstructor()

    def error(self, node: Node | Loc, message: str) -> None:
        loc = node if isinstance(node, Loc) else loc_of(node)
        self.errors.append(RoutineError(self.source, loc.line, loc.column, message))
        if len(self.errors) >= 2 * MAX_ERRORS:
            raise TooBigError  # enough to show; the rest of a broken file only costs time

    def spend(self, node: Node) -> bool:
        """Counts a visited node (so alias bombs stop) and rejects non-standard tags."""
        self._budget -= 1
        if self._budget == 0:
            self.error(node, "the file expands to too many values (aliases nested too deeply?)")
            raise TooBigError
        if node[1] not in _PLAIN_TAGS:
            self.error(node, _tag_problem(node))
            return False
        return True

    def mapping(
        self, node: Node, where: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, Node] | None:
        """A mapping's entries by key; reports duplicate, unknown and missing keys."""
        if not self.spend(node):
            return None
        if node[0] != MAPPING:
            self.error(node, f"{where} must be a mapping of keys to values, not {kind_of(node)}")
            return None
        entries: dict[str, Node] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node[2]:
            self.spend(key_node)
            if key_node[1] == f"{_STANDARD_TAG}merge":
                self.error(key_node, f"merge keys ('<<') are not supported {where}")
                continue
            if key_node[0] != SCALAR or not isinstance(self.scalar_value(key_node), str | int):
                self.error(key_node, f"keys {where} must be plain names")
                continue
            key = str(key_node[2])
            if key in first_seen:
                self.error(
                    key_node,
                    f"duplicate key '{short(key)}' {where} (first given at line "
                    f"{loc_of(first_seen[key]).line})",
                )
                continue
            first_seen[key] = key_node
            if allowed and key not in allowed:
                self.error(
                    key_node, f"unknown key '{short(key)}' {where}{did_you_mean(key, allowed)}"
                )
                continue
            entries[key] = value_node
        for key in required:
            if key not in first_seen:
                self.error(node, f"missing required key '{short(key)}' {where}")
        return entries

    def id_map(self, node: Node, where: str) -> list[tuple[str, Node, Node]]:
        """A mapping from ids to records, such as ``stretches:``; reports bad or repeated ids."""
        entries = self.mapping(node, where, allowed=())
        if entries is None:
            return []
        key_nodes = {str(k[2]): k for k, _ in node[2] if k[0] == SCALAR}
        result: list[tuple[str, Node, Node]] = []
        for key, value in entries.items():
            key_node = key_nodes[key]
            if not ID_PATTERN.fullmatch(key):
                self.error(
                    key_node,
                    f"'{short(key)}' {where} is not a valid id: use lowercase letters, digits and "
                    "dashes (like 'towel-hamstring')",
                )
                continue
            result.append((key, key_node, value))
        return result

    def scalar_value(self, node: Node) -> Any:
        if node[1] == _STR_TAG:
            return node[2]  # most values: skip PyYAML's general constructor
        if node[1] not in _SCALAR_TAGS:
            return _Unsupported(node[1])
        if node[1] == _INT_TAG and len(node[2]) > MAX_NUMBER_CHARS:
            # int() of thousands of digits is refused by Python, and '1:2:3:...' (base 60)
            # grows without bound: no value this long is a usable number anyway.
            return _TooLong()
        try:
            return self._constructor.construct_object(yaml.ScalarNode(node[1], node[2]), deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return _Unsupported(node[1])

    def scalar(self, node: Node, where: str) -> Any:
        if not self.spend(node):
            return None
        if node[0] != SCALAR:
            self.error(node, f"{where} must be a single value, not {kind_of(node)}")
            return None
        value = self.scalar_value(node)
        if isinstance(value, _TooLong):
            self.error(node, f"{where} is a number too long to use: '{short(node[2])}'")
            return None
        if isinstance(value, _Unsupported):
            self.error(node, f"{where} uses the YAML tag '{value.tag}', which is not allowed")
            return None
        return value

    def left_out(self, errors_before: int, node: Node, what: str) -> None:
        """Makes sure nothing is dropped in silence: a part left out always has an error."""
        if len(self.errors) == errors_before:
            self.error(node, f"{what} could not be read and is left out")

    def present(self, node: Node, where: str, example: str) -> bool:
        """False (with an error) for a key left empty (``hold:`` or ``hold: ~``)."""
        if node[0] == SCALAR and node[1] == NULL_TAG:
            self.error(node, f"{where} is empty: {example}")
            return False
        return True

    def text(
        self,
        node: Node | None,
        where: str,
        default: str | None = None,
        *,
        single_line: bool = False,
        strip: bool = True,
    ) -> str | None:
        """Text as written (stripped unless ``strip`` is off), or None with an error.

        A ``single_line`` value (an id, a name, a label, a key) holds no line break, control,
        format (zero-width, bidi) or separator character: each would hide text, reverse it or
        break the lines of a table. Text with nothing visible in it is empty.
        """
        if node is None:
            return default
        value = self.scalar(node, where)
        if value is None:
            if node[0] == SCALAR and node[1] == NULL_TAG:
                self.error(node, f"{where} is empty")
            return None
        if isinstance(value, bool):
            self.error(
                node,
                f"{where} must be text; YAML reads '{short(node[2])}' as true or false: "
                "quote this value to use it as text",
            )
            return None
        if not isinstance(value, str | int | float):
            self.error(node, f"{where} must be text, not {kind_of(node)}")
            return None
        # A number is kept as written ('1.10' stays '1.10', not '1.1').
        text = value if isinstance(value, str) else str(node[2])
        if strip:
            text = text.strip()
        if not text or not visible(text):
            self.error(node, f"{where} is empty")
            return None
        if len(text) > MAX_TEXT_CHARS:
            self.error(
                node, f"{where} is too long: {len(text):,} characters (at most {MAX_TEXT_CHARS:,})"
            )
            return None
        control = CONTROL_CHARACTER.search(text)
        if control is not None:  # from an escape such as "\e" or "\0" in a quoted value
            code = ord(control.group())
            self.error(node, f"{where} holds a control character (U+{code:04X}): remove it")
            return None
        if single_line:
            hidden = first_hidden(text)
            if hidden is not None:
                self.error(node, f"{where} {hidden_problem(hidden)}")
                return None
        return text

    def identifier(self, node: Node | None, where: str, invalid: str) -> str | None:
        """An id exactly as written: lowercase letters, digits and dashes, nothing around them.

        ``invalid`` follows the quoted value in the error ("is not a valid routine id").
        """
        text = self.text(node, where, single_line=True, strip=False)
        if text is None or ID_PATTERN.fullmatch(text):
            return text
        assert node is not None  # text() returns None for a missing node
        message = f"'{short(text)}' {invalid}"
        if ID_PATTERN.fullmatch(text.strip()):
            message += ": remove the spaces around it"
        self.error(node, message)
        return None

    def text_list(
        self,
        node: Node | None,
        where: str,
        *,
        required: bool = False,
        single_line: bool = False,
    ) -> tuple[str, ...]:
        if node is None:
            return ()
        if not self.spend(node):
            return ()
        if node[0] != SEQUENCE:
            self.error(
                node, f"{where} must be a list (lines starting with '- '), not {kind_of(node)}"
            )
            return ()
        items = []
        for number, item in enumerate(node[2], start=1):
            text = self.text(item, f"item {number} of {where}", single_line=single_line)
            if text is not None:
                items.append(text)
        if required and not node[2]:
            self.error(node, f"{where} is empty: give at least one")
        return tuple(items)

    def boolean(self, node: Node | None, where: str, default: bool) -> bool:
        if node is None or not self.present(node, where, "write true or false"):
            return default
        value = self.scalar(node, where)
        if not isinstance(value, bool):
            if value is not None:
                self.error(node, f"{where} must be true or false, not {kind_of(node)}")
            return default
        return value

    def integer(
        self, node: Node | None, where: str, default: int, minimum: int, maximum: int
    ) -> int:
        if node is None or not self.present(node, where, f"give a whole number such as {default}"):
            return default
        value = self.scalar(node, where)
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not None:
                self.error(node, f"{where} must be a whole number, not {kind_of(node)}")
            return default
        if not minimum <= value <= maximum:
            self.error(node, f"{where} must be between {minimum} and {maximum}, not {value}")
            return default
        return value

    def duration(
        self, node: Node | None, where: str, default: int | None, minimum: int
    ) -> int | None:
        example = "give a duration such as 30s" + (", or 0 for none" if minimum == 0 else "")
        if node is None or not self.present(node, where, example):
            return default
        value = self.scalar(node, where)
        if value is None:
            return default
        seconds = parse_duration(value)
        if seconds is None:
            self.error(
                node,
                f"{where} is not a duration: {kind_of(node)} (write 30, '30s', '1m' or '1m30s')",
            )
            return default
        if not minimum <= seconds <= MAX_DURATION:
            low = "0 s" if minimum == 0 else f"{minimum} s"
            self.error(node, f"{where} is out of range: {kind_of(node)} (allowed: {low} to 60 min)")
            return default
        return seconds


class TooBigError(Exception):
    pass


class _TooLong:
    """A number with more characters than any usable one."""


@dataclass(frozen=True)
class _Unsupported:
    tag: str


def kind_of(node: Node) -> str:
    if node[0] == MAPPING:
        return "a mapping"
    if node[0] == SEQUENCE:
        return "a list"
    if node[1] == NULL_TAG:
        return "an empty value"
    return f"'{short(node[2])}'"


_IMPLICIT_KINDS = {
    f"{_STANDARD_TAG}timestamp": "a date",
    f"{_STANDARD_TAG}value": "a special YAML value",
    f"{_STANDARD_TAG}merge": "a YAML merge key",
    f"{_STANDARD_TAG}yaml": "a special YAML value",
}


def _tag_problem(node: Node) -> str:
    """Why a node with a tag other than plain data is refused, and what to do about it."""
    kind = _IMPLICIT_KINDS.get(node[1]) if node[0] == SCALAR else None
    if kind is not None and resolve_plain(node[2]) == node[1]:  # written plainly, no tag
        value = short(node[2])
        return (
            f"YAML reads '{value}' as {kind}, not as text: "
            f'quote this value ("{value}") to use it as written'
        )
    tag = short(node[1], 80)
    return f"the YAML tag '{tag}' is not allowed: routine files hold plain data only"


def at_most(errors: list[RoutineError]) -> list[RoutineError]:
    """The first MAX_ERRORS errors, then one line saying that there are more."""
    if len(errors) <= MAX_ERRORS:
        return errors
    note = "more errors from here on are not shown; fix the ones above first"
    return [*errors[:MAX_ERRORS], replace(errors[MAX_ERRORS], message=note)]


def by_place(errors: Iterable[RoutineError]) -> list[RoutineError]:
    return sorted(errors, key=lambda e: (e.line, e.column))
