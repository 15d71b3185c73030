"""What the Help menu says: the safety notice, the keyboard shortcuts and About (no Qt).

The red flags in the safety notice are the loaded symptoms' own ``seek_help`` lines, so the
routine file stays their one source; the fixed sentences trace to the project's seed articles
and the ACSM flexibility guideline (see the comments beside them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path

from desktop_app.model import Symptom

SAFETY_NOTICE_VERSION = 1
"""Raise it when the notice changes enough that everyone should see it again."""

HEALTH_NOTE = (
    "Stretch Timer coaches timing and technique; it is not medical advice. Stretch to mild"
    " tension, never into pain, and see a professional for pain that persists, tingling or"
    " numbness that stays, weakness, or any change in bowel or bladder control."
)
"""The README's "Health note", word for word (a test keeps the two the same)."""

LICENCE = "MIT"

BANNER_DISMISS_KEY = "Ctrl+D"
SAFETY_KEY = "F1"

# hamstring-stretches-collection.txt: not a substitute for medical advice; consult a doctor
# first; enter a stretch gently and hold it, no bouncing. ACSM: to tightness or slight
# discomfort, never pain; no bouncing.
SAFETY_GENERAL = (
    "Stretch Timer times your stretches and shows how to do them. It gives general guidance,"
    " not medical advice, and it cannot tell what causes a symptom.",
    "Stretch only until you feel mild tension: a stretch should never hurt. Ease into it"
    " slowly and hold it still; do not bounce.",
    "If you have an injury or a health condition, or are not sure a stretch suits you, ask a"
    " doctor or physiotherapist before you start.",
)


@dataclass(frozen=True)
class RedFlags:
    """One symptom's reasons to see a professional."""

    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SafetyNotice:
    title: str
    general: tuple[str, ...]
    during: tuple[str, ...]
    """What the symptom keys do during a hold."""
    red_flags_title: str
    red_flags: tuple[RedFlags, ...]


def safety_notice(symptoms: Iterable[Symptom]) -> SafetyNotice:
    """The notice shown at first start and by Help > Safety, for the loaded symptoms."""
    symptoms = tuple(symptoms)
    stops = [s for s in symptoms if s.action == "stop"]
    eases = [s for s in symptoms if s.action == "continue"]
    during: list[str] = []
    if stops:
        during.append(f"During a hold, press {_key_list(stops)} if it hurts: the stretch stops.")
    if eases:
        named = _or_list(f"{s.key.upper()} ({s.label.lower()})" for s in eases)
        during.append(f"Press {named} to see how to ease the stretch.")
    seen: set[str] = set()
    flags: list[RedFlags] = []
    for symptom in symptoms:
        lines = tuple(line for line in symptom.seek_help if line not in seen)
        seen.update(lines)
        if lines:
            flags.append(RedFlags(symptom.label, lines))
    return SafetyNotice(
        title="Stretch safely",
        general=SAFETY_GENERAL,
        during=tuple(during),
        red_flags_title="See a doctor or physiotherapist",
        red_flags=tuple(flags),
    )


def safety_banner(symptoms: Iterable[Symptom]) -> str:
    """The one-paragraph form shown above a session started with ``--start`` at first start."""
    stops = [s for s in symptoms if s.action == "stop"]
    hurt = f" If it hurts, press {_key_list(stops)}." if stops else ""
    return (
        "General guidance, not medical advice: stretch to mild tension, never into pain."
        f"{hurt} Help > Safety ({SAFETY_KEY}) says when to see a professional."
    )


def _key_list(symptoms: Iterable[Symptom]) -> str:
    return _or_list(s.key.upper() for s in symptoms)


def _or_list(items: Iterable[str]) -> str:
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


# -- keys -----------------------------------------------------------------------------------------

SYMPTOM_KEYS_ROW = "symptoms"
"""Stands in :data:`KEY_ROWS` for the symptom keys, which come from the routine files."""

# The session's own letters, as session_view.ControlKeys has them by default (a test keeps the
# two the same; not imported here, so reading the settings at start-up stays light).
DISMISS_KEY, WATCH_KEY, STOP_STRETCH_KEY, OTHER_AREA_KEY, READ_ALOUD_KEY = "G", "W", "S", "N", "R"

KEY_ROWS: tuple[tuple[str, str], ...] = (
    ("Enter", "start the selected routine; on the stopped screen, take the suggested choice"),
    (
        "Tab, ↑ ↓",
        "in the routine picker: choose a routine, then Tab to its stretches and ↑ ↓ to read"
        " each one's steps and tips",
    ),
    ("Space", "pause / resume"),
    ("→", "skip (cut a pause short, or skip the rest of a hold)"),
    (
        "←",
        "back: in a hold, restart it (press again within 2 s for the previous hold); in a"
        " pause, go to the previous hold",
    ),
    ("Esc", "stop (asks first)"),
    (SYMPTOM_KEYS_ROW, ""),
    (DISMISS_KEY, "close the advice shown after a symptom (Got it)"),
    (
        WATCH_KEY,
        "what to watch for: the red flags and advice of every symptom reported so far",
    ),
    (
        STOP_STRETCH_KEY,
        "stop this stretch (offered when a symptom is reported again in the same stretch)",
    ),
    (
        OTHER_AREA_KEY,
        "after a stopped stretch: skip the other stretches for the same area and go on",
    ),
    (
        READ_ALOUD_KEY,
        "read aloud the advice on screen, red flags first when they lead (the stretch's steps"
        " when there is no advice)",
    ),
    ("Ctrl+H", "history"),
    ("Ctrl+M", "sound cues on / off"),
    ("Ctrl+,", "settings (File > Settings…)"),
    ("F11", "full screen on / off"),
    (SAFETY_KEY, "the safety notice (Help > Safety)"),
    (BANNER_DISMISS_KEY, "dismiss the safety note shown above a routine started at once"),
    ("Ctrl+Q", "quit (asks first during a session)"),
)
"""The README's keys table, in its order (a test keeps the two the same)."""

README_SYMPTOM_ROW = (
    "T, H, P",
    "report tingling, heel pain, pain (the keys come from the routine file)",
)
"""How the README writes the symptom keys of the bundled file."""


def key_rows(symptoms: Iterable[Symptom]) -> list[tuple[str, str]]:
    """The keys table for the loaded symptoms: one row per symptom key.

    The session's own letters (G, W, S, N, R) give way to any symptom key that uses them, as the
    window's do.
    """
    from desktop_app.session_view import ControlKeys

    symptoms = tuple(symptoms)
    keys = ControlKeys.avoiding(s.key for s in symptoms)
    defaults = (DISMISS_KEY, WATCH_KEY, STOP_STRETCH_KEY, OTHER_AREA_KEY, READ_ALOUD_KEY)
    letters = dict(zip(defaults, astuple(keys), strict=True))
    rows: list[tuple[str, str]] = []
    for key, what in KEY_ROWS:
        if key == SYMPTOM_KEYS_ROW:
            for symptom in symptoms:
                effect = "the stretch stops" if symptom.action == "stop" else "shows what helps"
                rows.append((symptom.key.upper(), f"report {symptom.label.lower()} ({effect})"))
        else:
            rows.append((letters.get(key, key), what))
    return rows


# -- about ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class About:
    title: str
    summary: str
    facts: tuple[tuple[str, str], ...]
    health_note: str


def about(version: str, data_dir: Path | None) -> About:
    where = str(data_dir) if data_dir is not None else "none (nothing is saved in this window)"
    return About(
        title=f"Stretch Timer {version}",
        summary="A calm desktop timer that coaches you through stretching routines.",
        facts=(
            ("Version", version),
            ("Licence", LICENCE),
            ("Data directory", where),
        ),
        health_note=HEALTH_NOTE,
    )
