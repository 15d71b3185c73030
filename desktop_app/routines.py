"""Reads routine files (YAML, format 1) into the routine model, with every error located.

The work is done in :mod:`desktop_app.routine_format`; this module is its public face, and
what the rest of the app imports.
"""

from __future__ import annotations

from desktop_app.routine_format.files import read_routine_file
from desktop_app.routine_format.library import (
    ROUTINE_SUFFIXES,
    FileReport,
    LoadResult,
    RoutinePaths,
    expand_paths,
    find_routine_files,
    load_library,
    load_routines,
)
from desktop_app.routine_format.parsed import (
    ParsedFile,
    PictureError,
    RoutineError,
    RoutineFileError,
)
from desktop_app.routine_format.records import parse_routines
from desktop_app.routine_format.spec import (
    DEFAULT_KEYS,
    ROUTINE_KEYS,
    STEP_KEYS,
    STRETCH_KEYS,
    SYMPTOM_KEYS,
    TOP_KEYS,
)
from desktop_app.routine_format.values import (
    ACTIONS,
    DURATION_PATTERN,
    FORMAT_VERSION,
    ID_PATTERN,
    MAX_DEPTH,
    MAX_DURATION,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_NUMBER_CHARS,
    MAX_TEXT_CHARS,
    RESERVED_KEYS,
    is_usable_key,
    key_identity,
    parse_duration,
    visible,
)

__all__ = [
    "ACTIONS",
    "DEFAULT_KEYS",
    "DURATION_PATTERN",
    "FORMAT_VERSION",
    "ID_PATTERN",
    "MAX_DEPTH",
    "MAX_DURATION",
    "MAX_ERRORS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_NUMBER_CHARS",
    "MAX_TEXT_CHARS",
    "RESERVED_KEYS",
    "ROUTINE_KEYS",
    "ROUTINE_SUFFIXES",
    "STEP_KEYS",
    "STRETCH_KEYS",
    "SYMPTOM_KEYS",
    "TOP_KEYS",
    "FileReport",
    "LoadResult",
    "ParsedFile",
    "PictureError",
    "RoutineError",
    "RoutineFileError",
    "RoutinePaths",
    "expand_paths",
    "find_routine_files",
    "is_usable_key",
    "key_identity",
    "load_library",
    "load_routines",
    "parse_duration",
    "parse_routines",
    "read_routine_file",
    "visible",
]
