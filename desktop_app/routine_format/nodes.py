"""Reads a composed YAML node tree, collecting every error with its line and column."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml

from desktop_app.routine_format.parsed import Loc, RoutineError, RoutineFileError
from desktop_app.routine_format.values import (
    CONTROL_CHARACTER,
    ID_PATTERN,
    MAX_DEPTH,
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

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STANDARD_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_STR_TAG = f"{_STANDARD_TAG}str"
_INT_TAG = f"{_STANDARD_TAG}int"
NULL_TAG = f"{_STANDARD_TAG}null"
_PLAIN_TAGS = _SCALAR_TAGS | {f"{_STANDARD_TAG}map", f"{_STANDARD_TAG}seq"}


class Checker:
    """Walks a composed YAML node tree, collecting located errors instead of raising."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[RoutineError] = []
        self._budget = MAX_NODES
        self._constructor = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node | Loc, message: str) -> None:
        loc = node if isinstance(node, Loc) else loc_of(node)
        self.errors.append(RoutineError(self.source, loc.line, loc.column, message))
        if len(self.errors) >= 2 * MAX_ERRORS:
            raise TooBigError  # enough to show; the rest of a broken file only costs time

    def spend(self, node: yaml.Node) -> bool:
        """Counts a visited node (so alias bombs stop) and rejects non-standard tags."""
        self._budget -= 1
        if self._budget == 0:
            self.error(node, "the file expands to too many values (aliases nested too deeply?)")
            raise TooBigError
        if node.tag not in _PLAIN_TAGS:
            self.error(node, _tag_problem(node))
            return False
        return True

    def mapping(
        self, node: yaml.Node, where: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, yaml.Node] | None:
        """A mapping's entries by key; reports duplicate, unknown and missing keys."""
        if not self.spend(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where} must be a mapping of keys to values, not {kind_of(node)}")
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

    def id_map(self, node: yaml.Node, where: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """A mapping from ids to records, such as ``stretches:``; reports bad or repeated ids."""
        entries = self.mapping(node, where, allowed=())
        if entries is None:
            return []
        key_nodes = {str(k.value): k for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        result: list[tuple[str, yaml.Node, yaml.Node]] = []
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

    def scalar_value(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG:
            return node.value  # most values: skip PyYAML's general constructor
        if node.tag not in _SCALAR_TAGS:
            return _Unsupported(node.tag)
        if node.tag == _INT_TAG and len(node.value) > MAX_NUMBER_CHARS:
            # int() of thousands of digits is refused by Python, and '1:2:3:...' (base 60)
            # grows without bound: no value this long is a usable number anyway.
            return _TooLong()
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return _Unsupported(node.tag)

    def scalar(self, node: yaml.Node, where: str) -> Any:
        if not self.spend(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{where} must be a single value, not {kind_of(node)}")
            return None
        value = self.scalar_value(node)
        if isinstance(value, _TooLong):
            self.error(node, f"{where} is a number too long to use: '{short(node.value)}'")
            return None
        if isinstance(value, _Unsupported):
            self.error(node, f"{where} uses the YAML tag '{value.tag}', which is not allowed")
            return None
        return value

    def left_out(self, errors_before: int, node: yaml.Node, what: str) -> None:
        """Makes sure nothing is dropped in silence: a part left out always has an error."""
        if len(self.errors) == errors_before:
            self.error(node, f"{what} could not be read and is left out")

    def present(self, node: yaml.Node, where: str, example: str) -> bool:
        """False (with an error) for a key left empty (``hold:`` or ``hold: ~``)."""
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
            self.error(node, f"{where} is empty: {example}")
            return False
        return True

    def text(
        self,
        node: yaml.Node | None,
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
            if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
                self.error(node, f"{where} is empty")
            return None
        if isinstance(value, bool):
            self.error(
                node,
                f"{where} must be text; YAML reads '{short(node.value)}' as true or false: "
                "quote this value to use it as text",
            )
            return None
        if not isinstance(value, str | int | float):
            self.error(node, f"{where} must be text, not {kind_of(node)}")
            return None
        # A number is kept as written ('1.10' stays '1.10', not '1.1').
        text = value if isinstance(value, str) else str(node.value)
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

    def identifier(self, node: yaml.Node | None, where: str, invalid: str) -> str | None:
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
        node: yaml.Node | None,
        where: str,
        *,
        required: bool = False,
        single_line: bool = False,
    ) -> tuple[str, ...]:
        if node is None:
            return ()
        if not self.spend(node):
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                node, f"{where} must be a list (lines starting with '- '), not {kind_of(node)}"
            )
            return ()
        items = []
        for number, item in enumerate(node.value, start=1):
            text = self.text(item, f"item {number} of {where}", single_line=single_line)
            if text is not None:
                items.append(text)
        if required and not node.value:
            self.error(node, f"{where} is empty: give at least one")
        return tuple(items)

    def boolean(self, node: yaml.Node | None, where: str, default: bool) -> bool:
        if node is None or not self.present(node, where, "write true or false"):
            return default
        value = self.scalar(node, where)
        if not isinstance(value, bool):
            if value is not None:
                self.error(node, f"{where} must be true or false, not {kind_of(node)}")
            return default
        return value

    def integer(
        self, node: yaml.Node | None, where: str, default: int, minimum: int, maximum: int
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
        self, node: yaml.Node | None, where: str, default: int | None, minimum: int
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


def loc_of(node: yaml.Node) -> Loc:
    return Loc(node.start_mark.line + 1, node.start_mark.column + 1)


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "an empty value"
    return f"'{short(node.value)}'"


_IMPLICIT_KINDS = {
    f"{_STANDARD_TAG}timestamp": "a date",
    f"{_STANDARD_TAG}value": "a special YAML value",
    f"{_STANDARD_TAG}merge": "a YAML merge key",
    f"{_STANDARD_TAG}yaml": "a special YAML value",
}


def _tag_problem(node: yaml.Node) -> str:
    """Why a node with a tag other than plain data is refused, and what to do about it."""
    if isinstance(node, yaml.ScalarNode) and node.tag in _IMPLICIT_KINDS:
        resolver: Any = yaml.resolver.Resolver()  # untyped in types-PyYAML
        resolved = resolver.resolve(yaml.ScalarNode, node.value, (True, False))
        if resolved == node.tag:  # written plainly, not with an explicit tag
            value = short(node.value)
            return (
                f"YAML reads '{value}' as {_IMPLICIT_KINDS[node.tag]}, not as text: "
                f'quote this value ("{value}") to use it as written'
            )
    tag = short(node.tag, 80)
    return f"the YAML tag '{tag}' is not allowed: routine files hold plain data only"


def too_deep(text: str) -> Loc | None:
    """Where the nesting first passes MAX_DEPTH, if it does.

    PyYAML's C composer recurses in C once per level and crashes the process (a segmentation
    fault, not an exception) somewhere past 20,000 levels, which fit in a 40 kB line of '['.
    A cheap bound clears ordinary files: a block collection starts at a greater column than
    its parent (or the same one, once, for a list under a key), and each flow bracket adds at
    most two levels. Only above the bound are the parser's events counted, without recursion.
    """
    openers = text.count("[") + text.count("{")
    if 2 * openers < MAX_DEPTH:
        longest = max(map(len, text.split("\n")))
        if 2 * (longest + 1) + 1 + 2 * openers <= MAX_DEPTH:
            return None
    depth = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return Loc(mark.line + 1, mark.column + 1) if mark else Loc(1, 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


# Characters YAML 1.1 refuses anywhere in a file (what PyYAML's reader checks).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def bad_character(text: str, source: str) -> RoutineError:
    """The first character YAML refuses, with its line and column (the reader says 1:1)."""
    found = _NOT_YAML.search(text)
    if found is None:
        return RoutineError(source, 1, 1, "the file holds a character YAML does not allow")
    position = found.start()
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = ord(found.group())
    if code == 0:
        what = "a NUL byte (U+0000)"
    elif 0xD800 <= code <= 0xDFFF:
        what = f"an invalid character (U+{code:04X})"
    else:
        what = f"a control character (U+{code:04X})"
    message = f"the file holds {what}, which YAML does not allow: is it a text file?"
    return RoutineError(source, line, column, message)


def at_most(errors: list[RoutineError]) -> list[RoutineError]:
    """The first MAX_ERRORS errors, then one line saying that there are more."""
    if len(errors) <= MAX_ERRORS:
        return errors
    note = "more errors from here on are not shown; fix the ones above first"
    return [*errors[:MAX_ERRORS], replace(errors[MAX_ERRORS], message=note)]


def by_place(errors: Iterable[RoutineError]) -> list[RoutineError]:
    return sorted(errors, key=lambda e: (e.line, e.column))


def compose(text: str, source: str) -> yaml.Node:
    """The file's YAML node tree; raises RoutineFileError with the place of a syntax error."""
    try:
        deep = too_deep(text)
        if deep is not None:
            raise RoutineFileError(
                [
                    RoutineError(
                        source,
                        deep.line,
                        deep.column,
                        f"the file is nested more than {MAX_DEPTH} levels deep: "
                        "routine files need only a few",
                    )
                ]
            )
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise RoutineFileError(
            [RoutineError(source, line, column, f"YAML syntax error: {short(problem, 200)}")]
        ) from None
    except (yaml.reader.ReaderError, UnicodeEncodeError):
        raise RoutineFileError([bad_character(text, source)]) from None
    except yaml.YAMLError as exc:
        message = f"YAML error: {short(exc, 200)}"
        raise RoutineFileError([RoutineError(source, 1, 1, message)]) from None
    except RecursionError:
        raise RoutineFileError(
            [RoutineError(source, 1, 1, "the file is nested too deeply to read")]
        ) from None
    if root is None:
        raise RoutineFileError([RoutineError(source, 1, 1, "the file is empty")])
    return root
