"""Texts only the widgets use (no Qt).

The session screen's words (side_text, phase_text...) are in :mod:`desktop_app.session_text`;
what the session screen shows is :mod:`desktop_app.session_view`; times and durations are
written by :mod:`desktop_app.formatting`.
"""

from __future__ import annotations

from desktop_app.formatting import duration_text
from desktop_app.model import Routine


def routine_summary(routine: Routine) -> str:
    count = routine.stretch_count
    noun = "stretch" if count == 1 else "stretches"
    return f"{count} {noun} · {duration_text(routine.planned_seconds)}"
