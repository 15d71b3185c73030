"""Every display string of time and of the history that the command line and the widgets share.

Qt-free. One formatter per meaning, and each name says how it rounds: a countdown rounds up
(a 30 s hold shows 30 first and 0 exactly at its end), a length of time rounds to the nearest
second or minute.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date  # a type only: datetime is not needed for the first picture

    from desktop_app.storage.records import LoggedSession


def countdown_text(seconds: float, *, minutes_always: bool = False) -> str:
    """Time left, rounded UP to the second: ``45`` under a minute, ``1:05`` from a minute,
    ``1:02:03`` beyond.

    ``minutes_always`` writes ``0:45`` under a minute too (the routine's time left, which is
    read as a clock time beside ``10:18 left``, never as a bare count).
    """
    whole = max(0, math.ceil(seconds))
    if whole < 60 and not minutes_always:
        return str(whole)
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def clock_duration(seconds: float) -> str:
    """A length of time as a clock reads, rounded to the NEAREST second: ``m:ss``, or
    ``h:mm:ss`` from an hour up (``59.6`` is ``1:00``)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_text(seconds: float) -> str:
    """A length of time in words, rounded to the NEAREST second: ``30 s``, ``2 min``,
    ``4 min 10 s``, ``1 h 5 min`` (seconds are left out from an hour up)."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def spoken_duration(seconds: float) -> str:
    """A length of time as spoken, rounded to the NEAREST second: ``5 minutes 30 seconds``,
    ``1 minute``, ``45 seconds``; from an hour, no seconds (``1 hour 5 minutes``)."""
    whole = max(0, round(seconds))

    def unit(count: int, name: str) -> str:
        return f"{count} {name}{'' if count == 1 else 's'}"

    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return " ".join([unit(hours, "hour")] + ([unit(minutes, "minute")] if minutes else []))
    parts = [unit(minutes, "minute")] if minutes else []
    if secs or not minutes:
        parts.append(unit(secs, "second"))
    return " ".join(parts)


def total_minutes_text(seconds: float) -> str:
    """A total, rounded to the NEAREST minute: ``12 min``, ``3 h 01 min``; under a minute (but
    not nothing) in seconds, so that a first short session does not read as nothing."""
    if 0 < seconds < 59.5:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def chart_minutes_text(minutes: float) -> str:
    """Minutes of a day for the chart: to the TENTH of a minute under 10 (``3.5 min``), to the
    nearest minute from 10 (``12 min``), in seconds under one (``45 s``), ``nothing`` for 0."""
    if minutes <= 0:
        return "nothing"
    if minutes < 1:
        return f"{round(minutes * 60)} s"
    return f"{minutes:.0f} min" if minutes >= 10 else f"{minutes:.1f} min"


def symptom_summary(symptoms: Sequence[str]) -> str:
    """``tingling ×2, pain`` from the ids in the order reported."""
    counts: dict[str, int] = {}
    for symptom in symptoms:
        counts[symptom] = counts.get(symptom, 0) + 1
    return ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in counts.items())


def history_table(sessions: Iterable[LoggedSession], since: date | None = None) -> str:
    """The sessions (newest first, as given) as a plain-text table, for ``history``."""
    headers = ("Date", "Routine", "Held", "Planned", "Status", "Symptoms")
    rows = [
        (
            s.started_at.strftime("%Y-%m-%d %H:%M"),
            s.routine_name,
            clock_duration(s.held_seconds),
            clock_duration(s.planned_seconds),
            s.status,
            symptom_summary(s.symptoms) or "-",
        )
        for s in sessions
    ]
    if not rows:
        return "No sessions logged" + (f" since {since.isoformat()}." if since else " yet.") + "\n"
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
    right = {2, 3}

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out) + "\n"
