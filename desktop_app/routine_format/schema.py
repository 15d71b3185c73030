"""The JSON Schema of routine files, generated from the spec (``resources/routines.schema.json``).

Editors check and complete routine files with it. It says what JSON Schema can say: keys,
types, patterns and ranges. What it cannot (duplicate keys, YAML tags, whether a letter is one
key on a keyboard, text that shows nothing, durations whose parts add up past 60 min, ids that
refer to other files) only the loader checks. ``scripts/routine_schema.py`` writes the file;
a test keeps the committed one equal to :func:`schema_text`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from desktop_app.figure_spec import schema_defs as figure_schema_defs
from desktop_app.routine_format.spec import (
    FILE,
    Choice,
    Count,
    Duration,
    Field,
    Flag,
    Id,
    IdList,
    IdMap,
    Key,
    Kind,
    Nested,
    Picture,
    Record,
    RecordList,
    Template,
    Text,
    TextList,
    TextOrList,
    Version,
)
from desktop_app.routine_format.values import (
    BLANK_LETTERS,
    CONTROL_CHARACTER,
    ID_PATTERN,
    MAX_TEXT_CHARS,
    SCHEMA_HIDDEN,
)

SCHEMA_ID = "https://stretch-timer.invalid/routines.schema.json"
# The end of the text: '$' also matches before a final line break in some regex dialects
# (Python's among them), so "mine\n" would pass as an id.
END = r"(?![\s\S])"
# Whitespace between the parts of a duration (ASCII only, as the loader reads them).
_GAP = r"[\t-\r ]*"


def _defs_ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _up_to(limit: int) -> str:
    """A regex for the whole numbers 0 to ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    shorter = len(digits) - 1
    options = [] if not shorter else ["[0-9]" if shorter == 1 else f"[0-9]{{1,{shorter}}}"]
    for i, digit in enumerate(digits):
        if digit == "0":
            continue
        lower = "0" if digit == "1" else f"[0-{int(digit) - 1}]"
        rest = len(digits) - i - 1
        options.append(digits[:i] + lower + (f"[0-9]{{{rest}}}" if rest > 1 else "[0-9]" * rest))
    options.append(digits)
    return "0*(?:" + "|".join(options) + ")"


def duration_pattern(kind: Duration) -> str:
    """Text the loader reads as a duration in the kind's range (up to how the parts add up)."""
    if kind.minimum not in (0, 1) or kind.maximum % 3600:
        raise ValueError("durations start at 0 or 1 s and end at a whole number of hours")
    hours, minutes, seconds = kind.maximum // 3600, kind.maximum // 60, kind.maximum
    # The last hour with nothing more, or fewer hours with minutes and seconds each in range.
    last_hour = rf"0*{hours}[hH](?:{_GAP}0+[mM])?(?:{_GAP}0+[sS])?"
    below = rf"{_up_to(hours - 1)}[hH]" if hours > 1 else r"0+[hH]"
    parts = (
        rf"(?=[0-9])(?:{below})?"
        rf"{_GAP}(?:{_up_to(minutes)}[mM])?"
        rf"{_GAP}(?:{_up_to(seconds)}[sS])?"
    )
    body = f"(?:{_up_to(seconds)}|{last_hour}|{parts})"
    not_zero = r"(?=[^1-9]*[1-9])" if kind.minimum == 1 else ""
    return rf"^{not_zero}\s*{body}\s*{END}"


def _duration_def(kind: Duration, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [
            {"type": "integer", "minimum": kind.minimum, "maximum": kind.maximum},
            {"type": "string", "pattern": duration_pattern(kind)},
        ],
    }


def _text_def(line: bool) -> dict[str, Any]:
    hidden = SCHEMA_HIDDEN + r"\u2028\u2029" if line else CONTROL_CHARACTER.pattern[1:-1]
    blank = "".join(f"\\u{ord(c):04x}" for c in sorted(BLANK_LETTERS))
    kind = "One line of text" if line else "Text"
    detail = (
        ": no line breaks, control, zero-width or direction-changing characters"
        if line
        else ": no control characters"
    )
    return {
        "description": f"{kind} with something visible in it, at most {MAX_TEXT_CHARS:,} "
        f"characters{detail}. A number is kept as written.",
        "type": ["string", "number"],
        "minLength": 1,
        "maxLength": MAX_TEXT_CHARS,
        "pattern": rf"[^\s{SCHEMA_HIDDEN}{blank}]",
        "not": {"type": "string", "pattern": f"[{hidden}]"},
    }


DEFS: dict[str, Any] = {
    "id": {
        "description": "An id: lowercase letters and digits, words joined by single dashes "
        "(e.g. towel-hamstring), exactly as written.",
        "anyOf": [
            {"type": "string", "pattern": f"^{ID_PATTERN.pattern}{END}"},
            {"type": "integer", "minimum": 0},
        ],
    },
    "text": _text_def(line=False),
    "line": _text_def(line=True),
    "duration": _duration_def(
        Duration(1),
        'How long to hold: seconds (30) or text such as "30s", "1m", "1m30s" (any case). '
        "From 1 s to 60 min.",
    ),
    "pause": _duration_def(
        Duration(0),
        'A pause: seconds (10) or text such as "5s", "1m". From 0 (no pause) to 60 min.',
    ),
    "key": {
        "description": "One letter or digit. Letters of other alphabets are fine when they are "
        "one key on a keyboard (the app checks which).",
        "anyOf": [
            {"type": "string", "pattern": rf"^\s*[0-9A-Za-z\u00c0-\uffff]\s*{END}"},
            {"type": "integer", "minimum": 0, "maximum": 9},
        ],
    },
}


def template_schema(kind: Template) -> dict[str, Any]:
    """Exactly one placeholder and no other braces (the loader strips the spaces around)."""
    return {"type": "string", "pattern": rf"^[^{{}}]*{re.escape(kind.placeholder)}[^{{}}]*{END}"}


def _kind_schema(kind: Kind) -> dict[str, Any]:
    if isinstance(kind, Text):
        return _defs_ref("line" if kind.line else "text")
    if isinstance(kind, Template):
        return {"allOf": [_defs_ref("line"), template_schema(kind)]}
    if isinstance(kind, TextList):
        schema: dict[str, Any] = {
            "type": "array",
            "items": _defs_ref("line" if kind.line else "text"),
        }
        if kind.min_items:
            schema["minItems"] = kind.min_items
        return schema
    if isinstance(kind, TextOrList):
        return {"anyOf": [_kind_schema(Text(line=kind.line)), _kind_schema(TextList(kind.line))]}
    if isinstance(kind, Flag):
        return {"type": "boolean"}
    if isinstance(kind, Count):
        return {"type": "integer", "minimum": kind.minimum, "maximum": kind.maximum}
    if isinstance(kind, Duration):
        return _defs_ref("duration" if kind.minimum else "pause")
    if isinstance(kind, Choice):
        return {"enum": list(kind.values)}
    if isinstance(kind, Key):
        return _defs_ref("key")
    if isinstance(kind, Id):
        return _defs_ref("id")
    if isinstance(kind, IdList):
        return {"type": "array", "uniqueItems": True, "items": _defs_ref("id")}
    if isinstance(kind, IdMap):
        value = kind.value
        return {
            "type": "object",
            "propertyNames": _defs_ref("id"),
            "additionalProperties": (
                _defs_ref(value.name) if isinstance(value, Record) else _kind_schema(value)
            ),
        }
    if isinstance(kind, RecordList):
        schema = {"type": "array", "items": _defs_ref(kind.record.name)}
        if kind.min_items:
            schema["minItems"] = kind.min_items
        return schema
    if isinstance(kind, Nested):
        return _defs_ref(kind.record.name)
    if isinstance(kind, Version):
        return {"const": kind.number}
    if isinstance(kind, Picture):
        return _defs_ref("figure")
    raise TypeError(f"no schema for {kind!r}")


def _field_schema(field: Field) -> dict[str, Any]:
    schema = _kind_schema(field.kind)
    if "$ref" in schema:
        return {"$ref": schema["$ref"], "description": field.description}
    return {"description": field.description, **schema}


def record_schema(record: Record) -> dict[str, Any]:
    """A record as a JSON Schema object: its keys and no others, the required ones."""
    schema: dict[str, Any] = {
        "description": record.description,
        "type": "object",
        "additionalProperties": False,
    }
    if record.required:
        schema["required"] = list(record.required)
    if record.one_of:
        schema["anyOf"] = [{"required": [name]} for name in record.one_of]
    dependent = {
        f.name: {"required": [f.only_with], "properties": {f.only_with: {"const": True}}}
        for f in record.fields
        if f.only_with is not None
    }
    if dependent:
        schema["dependentSchemas"] = dependent
    schema["properties"] = {f.name: _field_schema(f) for f in record.fields}
    return schema


def _records(record: Record) -> list[Record]:
    """``record`` and every record under it, each once, in the order they first appear."""
    found = [record]
    for field in record.fields:
        kind = field.kind
        inner = None
        if isinstance(kind, RecordList | Nested):
            inner = kind.record
        elif isinstance(kind, IdMap) and isinstance(kind.value, Record):
            inner = kind.value
        if inner is not None:
            found.extend(r for r in _records(inner) if r not in found)
    return found


def json_schema() -> dict[str, Any]:
    """The whole schema: the file's record at the top, every other record and value in $defs."""
    top = record_schema(FILE)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Stretch Timer routine file (format 1)",
        "$comment": "Generated from desktop_app/routine_format/spec.py by "
        "scripts/routine_schema.py: change the spec, not this file.",
        **top,
        "$defs": {
            **DEFS,
            **figure_schema_defs(),
            **{r.name: record_schema(r) for r in _records(FILE)[1:]},
        },
    }


def schema_text() -> str:
    """The schema as it is committed: two-space indents, ASCII, a final line break."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=True) + "\n"
