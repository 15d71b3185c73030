"""A routine file's YAML as a tree of plain tuples, with each value's line and column.

PyYAML's composer makes three objects the cyclic garbage collector tracks for every value (the
node and its two marks): on a large file the collector walked them again and again, about 40%
of the time, and the loader used to switch it off for the whole process while it read. This
tree is built from the parser's events out of tuples of strings and numbers: the collector
stops tracking a tuple once everything in it is untracked (every value the first time it
sees them, the collections around them a level or so at each pass after), so reading costs
about the same with it on (5% more on the 1,000-stretch bench file), and never switches it off
for the rest of the process. It is built without recursion, so nesting is counted as it
is read (PyYAML's C composer recurses in C and crashes the process somewhere past 20,000
levels).

A node is ``(kind, tag, value, line, column)``: ``kind`` is SCALAR, SEQUENCE or MAPPING;
``value`` is the text of a scalar, a tuple of nodes, or a tuple of (key, value) node pairs;
line and column count from 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TypeAlias

import yaml
from yaml.resolver import Resolver

from desktop_app.routine_format.parsed import Loc, RoutineError, RoutineFileError
from desktop_app.routine_format.values import MAX_DEPTH, short

Node: TypeAlias = tuple[int, str, Any, int, int]

SCALAR = 0
SEQUENCE = 1
MAPPING = 2

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STANDARD_TAG = "tag:yaml.org,2002:"
STR_TAG = f"{STANDARD_TAG}str"
SEQ_TAG = f"{STANDARD_TAG}seq"
MAP_TAG = f"{STANDARD_TAG}map"
# What YAML reads a plain (unquoted, untagged) scalar as, by its first character.
_IMPLICIT: dict[Any, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers


def loc_of(node: Node) -> Loc:
    return Loc(node[3], node[4])


def resolve_plain(value: str) -> str:
    """The tag YAML gives a plain scalar (``30`` an int, ``yes`` a bool, ``~`` null...)."""
    for first in (value[:1], None):
        for tag, pattern in _IMPLICIT.get(first, ()):
            if pattern.match(value):
                return tag
    return STR_TAG


def compose(text: str, source: str) -> Node:
    """The file's tree; raises RoutineFileError with the place of a syntax error."""
    try:
        root = _build(text)
    except _TooDeepError as exc:
        message = (
            f"the file is nested more than {MAX_DEPTH} levels deep: routine files need only a few"
        )
        raise RoutineFileError([RoutineError(source, exc.line, exc.column, message)]) from None
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
    if root is None:
        raise RoutineFileError([RoutineError(source, 1, 1, "the file is empty")])
    return root


class _TooDeepError(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column


def _composer_error(problem: str, mark: Any) -> yaml.MarkedYAMLError:
    return yaml.composer.ComposerError(None, None, problem, mark)


def _build(text: str) -> Node | None:
    """Builds the tree from the parser's events, as PyYAML's composer would compose it."""
    scalar_event = yaml.ScalarEvent
    sequence_start = yaml.SequenceStartEvent
    mapping_start = yaml.MappingStartEvent
    collection_end = yaml.CollectionEndEvent
    alias_event = yaml.AliasEvent
    anchors: dict[str, Node] = {}  # complete values, by anchor
    anchored_at: dict[str, int] = {}  # the line of every anchor met, complete or still open
    # Open collections: kind, tag, line, column, anchor, the items so far.
    stack: list[tuple[int, str, int, int, str | None, list[Any]]] = []
    root: Node | None = None
    documents = 0

    def anchor_at(anchor: str, mark: Any) -> None:
        if anchor in anchored_at:
            first = anchored_at[anchor]
            problem = f"found duplicate anchor '{short(anchor)}' (first at line {first})"
            raise _composer_error(problem, mark)
        anchored_at[anchor] = mark.line + 1

    events: Iterator[Any] = yaml.parse(text, Loader=SAFE_LOADER)  # untyped marks and anchors
    for event in events:
        kind = type(event)
        node: Node
        if kind is scalar_event:
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve_plain(event.value) if event.implicit[0] else STR_TAG
            mark = event.start_mark
            node = (SCALAR, tag, event.value, mark.line + 1, mark.column + 1)
            if event.anchor is not None:
                anchor_at(event.anchor, mark)
                anchors[event.anchor] = node
        elif kind is mapping_start or kind is sequence_start:
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise _TooDeepError(mark.line + 1, mark.column + 1)
            node_kind, tag = (MAPPING, MAP_TAG) if kind is mapping_start else (SEQUENCE, SEQ_TAG)
            if event.tag is not None and event.tag != "!":
                tag = event.tag
            if event.anchor is not None:
                anchor_at(event.anchor, mark)
            stack.append((node_kind, tag, mark.line + 1, mark.column + 1, event.anchor, []))
            continue
        elif issubclass(kind, collection_end):
            node_kind, tag, line, column, anchor, items = stack.pop()
            if node_kind == MAPPING:
                # The pairs first, then the tuple of them: the collector stops tracking a
                # tuple only when it meets it after everything in it (tuple(zip(...)) would
                # make the outer tuple first, and each collection would untrack one level).
                pairs = list(zip(items[::2], items[1::2], strict=True))
                value: tuple[Any, ...] = tuple(pairs)
            else:
                value = tuple(items)
            node = (node_kind, tag, value, line, column)
            if anchor is not None:
                anchors[anchor] = node
        elif kind is alias_event:
            anchor = event.anchor
            if anchor not in anchors:
                if anchor in anchored_at:  # a collection that is still open: a loop
                    problem = f"the alias '*{short(anchor)}' is inside the value it names"
                    raise _composer_error(problem, event.start_mark)
                raise _composer_error("found undefined alias", event.start_mark)
            node = anchors[anchor]
        else:
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _composer_error("but found another document", event.start_mark)
            continue
        if stack:
            stack[-1][5].append(node)
        else:
            root = node
    return root


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
