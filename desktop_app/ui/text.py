"""Texts only the widgets use (no Qt); the session screen's words are in session_view."""

from __future__ import annotations

from desktop_app.model import Routine, duration_text


def routine_summary(routine: Routine) -> str:
    count = routine.stretch_count
    noun = "stretch" if count == 1 else "stretches"
    return f"{count} {noun} · {duration_text(routine.planned_seconds)}"
