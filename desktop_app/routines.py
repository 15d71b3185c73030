"""Reads routine files (YAML, format 1) into the routine model, with every error located."""

from __future__ import annotations

import difflib
import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from desktop_app.safe_read import (
    FileIdentity,
    TooLargeError,
    UnreadableError,
    file_identity,
    list_folder,
    path_exists,
    read_limited,
)

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 1000
MAX_ERRORS = 100
MAX_TEXT_CHARS = 2000
MAX_DURATION = 60 * 60
# Longer than any number a routine file needs ('3600', '1_000', '0x10'), far below what makes
# int() slow or refuse.
MAX_NUMBER_CHARS = 32
# Patterns that check a whole value are used with fullmatch ('$' would let a trailing
# newline through: "hamstring-basics\n").
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# ASCII digits only: '²' or '٣' are digits to Python's \d and str.isdigit(), not to int().
DURATION_PATTERN = re.compile(r"(?:([0-9]+)h)?\s*(?:([0-9]+)m)?\s*(?:([0-9]+)s)?", re.ASCII)
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
_INT_TAG = f"{_STANDARD_TAG}int"
_NULL_TAG = f"{_STANDARD_TAG}null"
_PLAIN_TAGS = _SCALAR_TAGS | {f"{_STANDARD_TAG}map", f"{_STANDARD_TAG}seq"}


@dataclass(frozen=True)
class RoutineError:
    """One problem in a routine file, at a line and column (both counted from 1).

    Line and column 0 mean a problem with a folder as a whole (it cannot be listed, or holds
    no routine file); ``str()`` then gives just the path and the message.
    """

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line < 1:  # about the file or folder as a whole, such as a folder with none
            return f"{self.file}: {self.message}"
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
    stop_on: tuple[str, ...] = ()


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
    # Every symptom a routine stops on (routine id, symptom id, where), resolved across files.
    stop_on_refs: list[tuple[str, str, _Loc]] = field(default_factory=list)


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
        if len(self.errors) >= 2 * MAX_ERRORS:
            raise _TooBigError  # enough to show; the rest of a broken file only costs time

    def spend(self, node: yaml.Node) -> bool:
        """Counts a visited node (so alias bombs stop) and rejects non-standard tags."""
        self._budget -= 1
        if self._budget == 0:
            self.error(node, "the file expands to too many values (aliases nested too deeply?)")
            raise _TooBigError
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
                    f"duplicate key '{_short(key)}' {where} (first given at line "
                    f"{_loc(first_seen[key]).line})",
                )
                continue
            first_seen[key] = key_node
            if allowed and key not in allowed:
                self.error(
                    key_node, f"unknown key '{_short(key)}' {where}{_did_you_mean(key, allowed)}"
                )
                continue
            entries[key] = value_node
        for key in required:
            if key not in first_seen:
                self.error(node, f"missing required key '{_short(key)}' {where}")
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
                    f"'{_short(key)}' {where} is not a valid id: use lowercase letters, digits and "
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
            self.error(node, f"{where} must be a single value, not {_kind(node)}")
            return None
        value = self.scalar_value(node)
        if isinstance(value, _TooLong):
            self.error(node, f"{where} is a number too long to use: '{_short(node.value)}'")
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
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
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
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
                self.error(node, f"{where} is empty")
            return None
        if isinstance(value, bool):
            self.error(
                node,
                f"{where} must be text; YAML reads '{_short(node.value)}' as true or false: "
                "quote this value to use it as text",
            )
            return None
        if not isinstance(value, str | int | float):
            self.error(node, f"{where} must be text, not {_kind(node)}")
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
        control = _CONTROL_CHARACTER.search(text)
        if control is not None:  # from an escape such as "\e" or "\0" in a quoted value
            code = ord(control.group())
            self.error(node, f"{where} holds a control character (U+{code:04X}): remove it")
            return None
        if single_line:
            hidden = _first_hidden(text)
            if hidden is not None:
                self.error(node, f"{where} {_hidden_problem(hidden)}")
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
        message = f"'{_short(text)}' {invalid}"
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
                node, f"{where} must be a list (lines starting with '- '), not {_kind(node)}"
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
                self.error(node, f"{where} must be true or false, not {_kind(node)}")
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
                self.error(node, f"{where} must be a whole number, not {_kind(node)}")
            return default
        if not minimum <= value <= maximum:
            self.error(node, f"{where} must be between {minimum} and {maximum}, not {value}")
            return default
        return value

    def duration(self, node: yaml.Node | None, where: str, default: int, minimum: int) -> int:
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
                f"{where} is not a duration: {_kind(node)} (write 30, '30s', '1m' or '1m30s')",
            )
            return default
        if not minimum <= seconds <= MAX_DURATION:
            low = "0 s" if minimum == 0 else f"{minimum} s"
            self.error(node, f"{where} is out of range: {_kind(node)} (allowed: {low} to 60 min)")
            return default
        return seconds


class _TooBigError(Exception):
    pass


class _TooLong:
    """A number with more characters than any usable one."""


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
    if node.tag == _NULL_TAG:
        return "an empty value"
    return f"'{_short(node.value)}'"


def _short(text: object, limit: int = 40) -> str:
    """A value as it may appear in a message: one line, unprintable characters escaped, cut."""
    shown = str(text)
    if len(shown) > limit:
        shown = shown[:limit] + "…"
    if not shown.isprintable():
        shown = "".join(
            c if c.isprintable() else c.encode("unicode_escape").decode() for c in shown
        )
    return shown


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
            value = _short(node.value)
            return (
                f"YAML reads '{value}' as {_IMPLICIT_KINDS[node.tag]}, not as text: "
                f'quote this value ("{value}") to use it as written'
            )
    tag = _short(node.tag, 80)
    return f"the YAML tag '{tag}' is not allowed: routine files hold plain data only"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    if len(word) > 64:  # no name is that long; comparing would only take time
        return ""
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
    if not text or not text.isascii():
        return None
    if text.isdigit():
        return _whole(text)
    match = DURATION_PATTERN.fullmatch(text)
    if match is None:
        return None
    hours, minutes, seconds = (_whole(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _whole(digits: str) -> int:
    """The number of a string of ASCII digits; any number too long to matter is just 'huge'."""
    significant = digits.lstrip("0")
    if len(significant) > 12:
        return 10**12  # out of every range, without int() on thousands of digits
    return int(significant or "0")


# --------------------------------------------------------------------------- one file


TOP_KEYS = ("format", "defaults", "symptoms", "stretches", "routines")
DEFAULT_KEYS = ("prepare", "rest")
SYMPTOM_KEYS = ("label", "key", "action", "advice", "seek_help")
STRETCH_KEYS = ("name", "area", "sided", "instructions", "tips", "cautions", "advice")
ROUTINE_KEYS = ("id", "name", "description", "stop_on", "steps")
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
        deep = _too_deep(text)
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
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise RoutineFileError(
            [RoutineError(source, line, column, f"YAML syntax error: {_short(problem, 200)}")]
        ) from None
    except (yaml.reader.ReaderError, UnicodeEncodeError):
        raise RoutineFileError([_bad_character(text, source)]) from None
    except yaml.YAMLError as exc:
        message = f"YAML error: {_short(exc, 200)}"
        raise RoutineFileError([RoutineError(source, 1, 1, message)]) from None
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
        loc = _loc(root)
        message = "the file is nested too deeply to read"
        checker.errors.append(RoutineError(source, loc.line, loc.column, message))
    if checker.errors:
        raise RoutineFileError(_at_most(_sorted(checker.errors)), partial=parsed)
    return parsed


def _too_deep(text: str) -> _Loc | None:
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
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return _Loc(mark.line + 1, mark.column + 1) if mark else _Loc(1, 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


# Control characters a quoted value can still hold through escapes ("\0", "\e", "\x07").
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# What a one-line value may not hold: line breaks and other controls (Cc), format characters
# such as zero-width spaces and bidi overrides (Cf), and line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# What shows nothing on its own: those, spaces, combining marks, and letters drawn blank.
_BLANK_CATEGORIES = _HIDDEN_CATEGORIES | {"Zs", "Mn", "Me"}
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _first_hidden(text: str) -> str | None:
    """The first character a one-line value may not hold, if any."""
    return next((c for c in text if unicodedata.category(c) in _HIDDEN_CATEGORIES), None)


def visible(text: str) -> bool:
    """True when the text shows something: not only spaces, zero-width or blank characters."""
    return any(
        unicodedata.category(c) not in _BLANK_CATEGORIES and c not in _BLANK_LETTERS for c in text
    )


def _hidden_problem(character: str) -> str:
    code = ord(character)
    if character in "\n\r\x85\u2028\u2029":
        return f"must be one line: it holds a line break (U+{code:04X}); remove it"
    if unicodedata.category(character) == "Cc":
        return f"holds a control character (U+{code:04X}): remove it"
    name = unicodedata.name(character, "").lower() or "an invisible character"
    return f"holds an invisible or direction-changing character (U+{code:04X}, {name}): remove it"


# Characters YAML 1.1 refuses anywhere in a file (what PyYAML's reader checks).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _bad_character(text: str, source: str) -> RoutineError:
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


def _at_most(errors: list[RoutineError]) -> list[RoutineError]:
    """The first MAX_ERRORS errors, then one line saying that there are more."""
    if len(errors) <= MAX_ERRORS:
        return errors
    note = "more errors from here on are not shown; fix the ones above first"
    return [*errors[:MAX_ERRORS], replace(errors[MAX_ERRORS], message=note)]


def _sorted(errors: Iterable[RoutineError]) -> list[RoutineError]:
    return sorted(errors, key=lambda e: (e.line, e.column))


def _parse_root(checker: _Checker, root: yaml.Node, parsed: ParsedFile) -> None:
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
                checker.error(top["format"], f"format must be 1, not {_kind(top['format'])}")
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
                parsed.symptoms[symptom_id] = (symptom, _loc(key_node))
            else:
                checker.left_out(known, key_node, f"symptom '{_short(symptom_id)}'")
        _check_symptom_keys(checker, parsed)

    if "stretches" in top:
        for stretch_id, key_node, node in checker.id_map(top["stretches"], "in stretches"):
            known = len(checker.errors)
            raw = _parse_stretch(checker, stretch_id, key_node, node)
            if raw is not None:
                parsed.stretches[stretch_id] = raw
            else:
                checker.left_out(known, key_node, f"stretch '{_short(stretch_id)}'")

    if "routines" in top:
        _parse_routine_list(checker, top["routines"], parsed, prepare, rest)


def _parse_symptom(checker: _Checker, symptom_id: str, node: yaml.Node) -> Symptom | None:
    where = f"in symptom '{_short(symptom_id)}'"
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
            f"unknown action '{_short(action)}' {where}: use 'continue' (keep holding with the "
            f"advice shown) or 'stop' (end the stretch){_did_you_mean(action, ACTIONS)}",
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
        checker.error(node, f"key '{_short(key)}' {where} is taken by the window ({reserved})")
        return None
    if not is_usable_key(key):
        code = "" if key.isascii() or len(key) != 1 else f" (U+{ord(key):04X})"
        checker.error(
            node,
            f"key '{_short(key)}'{code} {where} must be a single letter or a digit 0-9 that is "
            "one key on the keyboard (not, for example, 'ß', whose capital is 'SS', or a "
            "symbol that looks like a letter, such as the Kelvin sign)",
        )
        return None
    return key.upper()


# Scripts whose letters are each one key on a common keyboard layout. Ideographs, syllables
# typed through an input method and symbols that look like letters are not.
_KEYBOARD_SCRIPTS = frozenset(
    {"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN", "HEBREW", "ARABIC", "THAI"}
)


def is_usable_key(key: str) -> bool:
    """A digit 0-9 or a letter that is one key on a keyboard, whose capital maps back to it.

    The window binds the capital as a shortcut: Qt maps one character to one key, and finds
    no key for 'SS' (from 'ß'), 'FF' (from 'ﬀ'), 'İ' (whose lower case is two characters) or
    a character beyond U+FFFF. A compatibility character (one that NFKC normalisation changes,
    such as the Kelvin sign 'K' or 'Ǆ') is refused: no keyboard types it, so a symptom bound to
    it could never be reported.
    """
    if len(key) != 1:
        return False
    if key.isascii():
        return key.isalnum()
    upper = key.upper()
    if (
        len(upper) != 1
        or ord(upper) > 0xFFFF  # one UTF-16 unit: Qt finds no key for a surrogate pair
        or unicodedata.category(key) not in ("Lu", "Ll", "Lt", "Lo")
        or upper.lower() != key.lower()
        or len(key.casefold()) != 1
        or len(upper.lower()) != 1
    ):
        return False
    if any(unicodedata.normalize("NFKC", c) != c for c in (key, upper)):
        return False
    script = unicodedata.name(upper, "").split(" ", 1)[0]
    if script == "LATIN":  # not the phonetic, small capital and other rarely typed blocks
        return ord(upper) < 0x0250 or 0x1E00 <= ord(upper) <= 0x1EFF
    return script in _KEYBOARD_SCRIPTS


def key_identity(key: str) -> str:
    """What makes two symptom keys the same key: equal after NFKC and case folding."""
    return unicodedata.normalize("NFKC", key).casefold()


def _check_symptom_keys(checker: _Checker, parsed: ParsedFile) -> None:
    seen: dict[str, str] = {}
    for symptom_id, (symptom, loc) in parsed.symptoms.items():
        same = key_identity(symptom.key)
        if same in seen:
            checker.error(
                loc,
                f"symptom '{_short(symptom_id)}' uses key '{symptom.key}', which symptom "
                f"'{_short(seen[same])}' already uses",
            )
        else:
            seen[same] = symptom_id


def _parse_stretch(
    checker: _Checker, stretch_id: str, key_node: yaml.Node, node: yaml.Node
) -> _RawStretch | None:
    where = f"in stretch '{_short(stretch_id)}'"
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
    advice_locs: list[tuple[str, _Loc]] = []
    if "advice" in entries:
        for symptom_id, advice_key, advice_node in checker.id_map(
            entries["advice"], f"in the advice of stretch '{_short(stretch_id)}'"
        ):
            advice[symptom_id] = checker.text_list(
                advice_node, f"advice for '{_short(symptom_id)}' {where}", required=True
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
        known = len(checker.errors)
        routine = _parse_routine(checker, number, routine_node, parsed, (prepare, rest))
        if routine is None:
            checker.left_out(known, routine_node, f"routine {number}")
        # Ids count even for a routine with errors, so a repeat of it is reported too.
        routine_id = routine.id if routine is not None else _peek_id(routine_node)
        if routine_id is None or not ID_PATTERN.fullmatch(routine_id):
            continue
        loc = _loc(routine_node)
        if routine_id in first_at:
            checker.error(
                loc,
                f"routine id '{_short(routine_id)}' is used twice (first at line "
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
    where = f"in routine {number}" if written_id is None else f"in routine '{_short(written_id)}'"
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
    stop_on = _parse_stop_on(checker, entries.get("stop_on"), where, parsed)
    if routine_id is None or name is None or description is None or not steps:
        return None
    if len(steps) != len(entries["steps"].value) or stop_on is None:
        return None
    return _RawRoutine(routine_id, name, description, tuple(steps), stop_on)


def _parse_stop_on(
    checker: _Checker, node: yaml.Node | None, where: str, parsed: ParsedFile
) -> tuple[str, ...] | None:
    """``stop_on: [symptom ids]``; the ids are resolved later, across all files."""
    if node is None:
        return ()
    if not checker.spend(node):
        return None
    if not isinstance(node, yaml.SequenceNode):
        checker.error(
            node,
            f"stop_on {where} must be a list of symptom ids, such as [tingling], not {_kind(node)}",
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
            parsed.stop_on_refs.append((where[3:], symptom_id, _loc(item)))
    return tuple(ids) if ok else None


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
    stretch_id = checker.identifier(
        entries.get("stretch"), f"stretch {where}", f"is not a valid stretch id ({where[3:]})"
    )
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
    # Every path given, by its text, to the path of the file's report (another name of the
    # same file when it was given twice).
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def errors(self) -> dict[str, tuple[RoutineError, ...]]:
        return {r.path: r.errors for r in self.reports if r.errors}

    def report_for(self, path: Path | str) -> FileReport | None:
        """The report on the file at ``path``, under whichever name it was loaded."""
        name = self.aliases.get(str(path), str(path))
        return next((r for r in self.reports if r.path == name), None)


def read_routine_file(path: Path, display_name: str | None = None) -> ParsedFile:
    """Reads and checks one file; raises RoutineFileError (never OSError) when it cannot.

    Only a regular file is read (a FIFO, device, folder or socket is refused before it can
    hang or flood the reader), and never more than the 1 MiB limit plus one byte.
    """
    name = display_name or str(path)
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except TooLargeError as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else "larger than 1 MiB"
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"the file is {size}; the limit is 1 MiB")]
        ) from None
    except UnreadableError as exc:
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"cannot read the file: {exc.message}")]
        ) from None
    return parse_routines(_decode(data, name), name)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text (a leading BOM dropped), or a located error naming what the bytes are."""
    wide = _wide_encoding(data)
    if wide is not None:
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"the file is {wide} text; save it as UTF-8 text")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        if b"\x00" in data[:1024]:
            problem = "the file is not text (it looks like a binary file)"
        else:
            problem = f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})"
        raise RoutineFileError(
            [RoutineError(name, line, column, f"{problem}; save it as UTF-8 text")]
        ) from None


def _wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' for text in those encodings (with or without a BOM), else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:400]
    if len(head) < 8 or b"\x00" not in head[:8]:
        return None
    # ASCII text in UTF-16 or UTF-32 has a zero in every second or every fourth byte.
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        for offset in range(width):
            lanes = [head[i] for i in range(len(head)) if i % width != offset]
            if not any(lanes) and any(head[offset::width]):
                return name
    return None


ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class RoutinePaths:
    """Routine files found from the paths given, and what went wrong with folders among them."""

    files: tuple[Path, ...]
    # Folders that could not be listed, or (when asked) that hold no routine file.
    problems: tuple[FileReport, ...] = ()


def find_routine_files(paths: Iterable[Path], *, empty_is_error: bool = True) -> RoutinePaths:
    """Files as given, and every ``*.yaml`` / ``*.yml`` in a given folder, in name order.

    Never raises: a folder that cannot be listed (or, with ``empty_is_error``, holds no
    routine file) becomes a problem report instead.
    """
    files: list[Path] = []
    problems: list[FileReport] = []
    for path in paths:
        listing = list_folder(path, ROUTINE_SUFFIXES)
        if not listing.is_folder:
            files.append(path)  # a file, or nothing: reading it says which
            continue
        if listing.problem is not None:
            message = listing.problem
        elif not listing.files and empty_is_error:
            message = "the folder has no routine files (*.yaml or *.yml)"
        else:
            files.extend(listing.files)
            continue
        problems.append(_folder_report(path, message))
    return RoutinePaths(tuple(files), tuple(problems))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The files of :func:`find_routine_files`, without its folder problems."""
    return list(find_routine_files(paths, empty_is_error=False).files)


def load_library(paths: Sequence[Path]) -> LoadResult:
    """Loads the files in order; a file with any error is left out and reported, never raised.

    Each file is loaded once, however it is named (a link, ``sub/../x.yaml``, the same path
    twice): later names of it are aliases of the first (see :meth:`LoadResult.report_for`).
    Ids of stretches, routines and symptoms are shared by all files: a file that repeats an id
    of an earlier one is left out. Routines may use stretches, and stretches may give advice
    for symptoms, from any file that loaded.
    """
    first_name: dict[FileIdentity, str] = {}
    aliases: dict[str, str] = {}
    unique: list[Path] = []
    for path in paths:
        identity = file_identity(path)
        if identity in first_name:
            aliases[str(path)] = first_name[identity]
            continue
        first_name[identity] = str(path)
        aliases[str(path)] = str(path)
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
    result = _link(unique, parsed, reports, partials)
    return replace(result, aliases=MappingProxyType(aliases))


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
                f"{kind} id '{_short(ident)}' is already defined at {other}; ids must be unique "
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
                f"{step} uses unknown stretch '{_short(stretch_id)}'"
                f"{_did_you_mean(stretch_id, stretches)}",
            )
    for sid, raw in parsed.stretches.items():
        for symptom_id, loc in raw.advice_locs:
            if symptom_id not in symptoms:
                yield RoutineError(
                    parsed.source,
                    loc.line,
                    loc.column,
                    f"stretch '{_short(sid)}' gives advice for unknown symptom "
                    f"'{_short(symptom_id)}'{_did_you_mean(symptom_id, symptoms)}",
                )
    for routine, symptom_id, loc in parsed.stop_on_refs:
        if symptom_id not in symptoms:
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"{routine} stops on unknown symptom "
                f"'{_short(symptom_id)}'{_did_you_mean(symptom_id, symptoms)}",
            )
    keys: dict[str, str] = {}
    for symptom in symptoms.values():
        same = key_identity(symptom.key)
        if same in keys and symptom.source == parsed.source:
            _, loc = parsed.symptoms[symptom.id]
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"symptom '{symptom.id}' uses key '{symptom.key}', which symptom "
                f"'{_short(keys[same])}' already uses",
            )
        keys.setdefault(same, symptom.id)


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
    return Routine(raw.id, raw.name, raw.description, steps, source, stop_on=raw.stop_on)


def load_routines(bundled: Path, user_dir: Path | None, extra: Sequence[Path]) -> LoadResult:
    """The bundled file, every ``*.yaml`` in the user's folder, then each ``--routines`` path.

    A user folder that does not exist is fine (no routines of one's own yet); one that cannot
    be listed, and a ``--routines`` folder with no routine file, are reported with the files.
    """
    found = [RoutinePaths((bundled,))]
    if user_dir is not None:
        found.append(_user_folder(user_dir))
    found.append(find_routine_files(extra))
    result = load_library([path for f in found for path in f.files])
    problems = tuple(report for f in found for report in f.problems)
    if not problems:
        return result
    return replace(result, reports=(*result.reports, *problems))


def _user_folder(user_dir: Path) -> RoutinePaths:
    if not path_exists(user_dir):
        return RoutinePaths(())
    listing = list_folder(user_dir, ROUTINE_SUFFIXES)
    problem = listing.problem
    if problem is None and not listing.is_folder:
        problem = "it is not a folder, so no routine files are read from it"
    if problem is None:
        return RoutinePaths(listing.files)
    return RoutinePaths((), (_folder_report(user_dir, problem),))


def _folder_report(path: Path, problem: str) -> FileReport:
    return FileReport(str(path), errors=(RoutineError(str(path), 0, 0, problem),))
