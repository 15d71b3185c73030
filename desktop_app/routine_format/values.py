"""What a value in a routine file may be: limits, ids, durations, symptom keys, visible text."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from desktop_app.model import SymptomAction

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


def short(text: object, limit: int = 40) -> str:
    """A value as it may appear in a message: one line, unprintable characters escaped, cut."""
    shown = str(text)
    if len(shown) > limit:
        shown = shown[:limit] + "…"
    if not shown.isprintable():
        shown = "".join(
            c if c.isprintable() else c.encode("unicode_escape").decode() for c in shown
        )
    return shown


def did_you_mean(word: str, choices: Iterable[str]) -> str:
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


# Control characters a quoted value can still hold through escapes ("\0", "\e", "\x07").
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# What a one-line value may not hold: line breaks and other controls (Cc), format characters
# such as zero-width spaces and bidi overrides (Cf), and line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# What shows nothing on its own: those, spaces, combining marks, and letters drawn blank.
_BLANK_CATEGORIES = _HIDDEN_CATEGORIES | {"Zs", "Mn", "Me"}
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# The same for a JSON Schema pattern, which has no Unicode categories: controls and the format
# characters that are met in text (soft hyphen, zero-width, bidi, word joiners, BOM), as a
# regex class body. A test checks that the loader refuses each of them in a one-line value.
SCHEMA_HIDDEN = (
    r"\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    r"\u2066-\u206f\ufeff\ufff9-\ufffb"
)


def first_hidden(text: str) -> str | None:
    """The first character a one-line value may not hold, if any."""
    return next((c for c in text if unicodedata.category(c) in _HIDDEN_CATEGORIES), None)


def visible(text: str) -> bool:
    """True when the text shows something: not only spaces, zero-width or blank characters."""
    return any(
        unicodedata.category(c) not in _BLANK_CATEGORIES and c not in BLANK_LETTERS for c in text
    )


def hidden_problem(character: str) -> str:
    code = ord(character)
    if character in "\n\r\x85\u2028\u2029":
        return f"must be one line: it holds a line break (U+{code:04X}); remove it"
    if unicodedata.category(character) == "Cc":
        return f"holds a control character (U+{code:04X}): remove it"
    name = unicodedata.name(character, "").lower() or "an invisible character"
    return f"holds an invisible or direction-changing character (U+{code:04X}, {name}): remove it"


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
