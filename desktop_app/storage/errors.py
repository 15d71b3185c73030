"""What can go wrong with the session log: errors classified by SQLite's result code (never by
the wording of its message), files in the log's place that are not files, and what the user is
told about each."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path
from typing import Literal

DB_NAME = "sessions.db"
LOCK_NAME = "sessions.lock"
DB_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", LOCK_NAME)
"""The names the log needs in its folder: the database, its -wal and -shm, the instance lock."""

ErrorKind = Literal[
    "corrupt", "locked", "busy", "read_only", "full", "newer", "not_a_file", "io", "other"
]
"""``locked``: another Stretch Timer holds the log (the instance lock); ``busy``: some other
program is writing to it right now (try again later)."""


class StorageError(Exception):
    """A failure of the session log, with a message meant for the user."""

    def __init__(self, message: str, kind: ErrorKind = "other") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class DamagedError(Exception):
    """The file opens, but it is not a session log as this version writes one."""


# ----------------------------------------------------------------------------------------------
# Classification


def error_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code: ``sqlite_errorcode`` carries the extended code, whose low
    byte is the primary one (0 when the error has none)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else 0


def free_bytes(folder: Path) -> int | None:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return info.f_bavail * info.f_frsize


def disk_is_full(folder: Path) -> bool:
    """Too little room left to write a page and its journal (statvfs)."""
    free = free_bytes(folder)
    return free is not None and free < 256 * 1024


def classify(exc: sqlite3.Error, path: Path | None = None) -> ErrorKind:
    code = error_code(exc)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return "corrupt"
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return "busy"
    if code == sqlite3.SQLITE_FULL:
        return "full"
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN) and path is not None:
        if odd_files(path.parent):
            return "not_a_file"
        if disk_is_full(path.parent):
            return "full"  # a full disk often shows as an I/O error on -shm or -wal
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        return "read_only"
    if code == sqlite3.SQLITE_IOERR:
        return "io"
    return "other"


def os_kind(exc: OSError, folder: Path) -> ErrorKind:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    if exc.errno in (errno.EISDIR, errno.ENOTDIR, errno.ENXIO, errno.ELOOP):
        return "not_a_file"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "read_only"
    if disk_is_full(folder):
        return "full"
    return "other"


# ----------------------------------------------------------------------------------------------
# Messages

UNSAVED = "The timer still works, but sessions cannot be saved"


def message(kind: ErrorKind, path: Path, detail: str = "") -> str:
    """What the user is told about a log at ``path`` that fails this way."""
    if kind == "full":
        return (
            f"The disk holding the session log ({path}) is full. {UNSAVED} "
            "until some space is freed."
        )
    if kind == "read_only":
        return (
            f"The session log ({path}) cannot be written: the disk is read-only or the file "
            f"is not writable. {UNSAVED}."
        )
    if kind == "locked":
        return (
            f"The session log ({path}) is in use by another Stretch Timer window. {UNSAVED} "
            "here; close the other window to save them."
        )
    if kind == "busy":
        return (
            f"The session log ({path}) is busy: another program is writing to it. The holds "
            "of this session are kept and will be saved as soon as it is free."
        )
    if kind == "corrupt":
        return f"The session log ({path}) is damaged and cannot be read. {UNSAVED}."
    if kind == "not_a_file":
        return f"{detail or f'Something beside the session log ({path}) is not a file'}. {UNSAVED}."
    if kind == "io":
        return f"The disk holding the session log ({path}) reported an error. {UNSAVED}."
    suffix = f" ({detail})" if detail else ""
    return f"The session log ({path}) could not be used{suffix}. {UNSAVED}."


def busy_at_open(path: Path) -> str:
    return (
        f"The session log ({path}) is busy: another program is writing to it. "
        f"{UNSAVED} until Stretch Timer is started again after it has finished."
    )


def newer_version(path: Path, version: int, known: int) -> str:
    return (
        f"The session log ({path}) was written by a newer version of Stretch Timer "
        f"(schema {version}; this version knows up to {known})."
    )


def wrap(exc: sqlite3.Error, path: Path) -> StorageError:
    """The StorageError (kind and message) for an SQLite error on the log at ``path``."""
    kind = classify(exc, path)
    detail = odd_detail(path.parent) if kind == "not_a_file" else str(exc)
    return StorageError(message(kind, path, detail), kind)


# ----------------------------------------------------------------------------------------------
# Files that must be regular files: a FIFO would freeze the app, a folder is not the disk's fault


def odd_files(folder: Path) -> list[tuple[Path, str]]:
    """The log's files in ``folder`` that exist but are not regular files, with what they are."""
    found = []
    for name in DB_FILES:
        path = folder / name
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            if path.is_symlink():
                found.append((path, "a link to nothing"))
            continue
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                found.append((path, "a link that loops"))
            continue
        if stat.S_ISREG(mode):
            continue
        what = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        found.append((path, what))
    return found


def odd_detail(folder: Path) -> str:
    odd = odd_files(folder)
    if not odd:
        return ""
    path, what = odd[0]
    return f"{path} is {what}, not a file: Stretch Timer needs that name for its session log"
