"""The routine file format: which keys each part of a file has."""

from __future__ import annotations

TOP_KEYS = ("format", "defaults", "symptoms", "stretches", "routines")
DEFAULT_KEYS = ("prepare", "rest")
SYMPTOM_KEYS = ("label", "key", "action", "advice", "seek_help")
STRETCH_KEYS = ("name", "area", "sided", "instructions", "tips", "cautions", "advice")
ROUTINE_KEYS = ("id", "name", "description", "stop_on", "steps")
STEP_KEYS = ("stretch", "hold", "reps", "rest", "prepare")
