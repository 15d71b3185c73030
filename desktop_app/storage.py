"""The session log: an SQLite database of sessions, holds and events, written as sessions run.

Plain standard library (sqlite3), no Qt, so the command line and the tests use it without a display.

Times are stored as UTC text (``YYYY-MM-DDTHH:MM:SS.fffZ``) with the local UTC offset in seconds
beside them, and each session also keeps its local calendar day (``local_date``) so that the
per-day figures (streaks, minutes per day) are plain indexed SQL aggregates.

A value that cannot be read (a date that is not a date, text in a number column) never raises:
its row is left out and :meth:`SessionStore.unreadable` says which and why. A damaged file is set
aside and what can still be read from it is copied into a new one (:mod:`storage_recovery`).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import logging
import math
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Literal, TextIO, cast

from desktop_app import storage_recovery
from desktop_app.model import DEMO_ROUTINE_ID
from desktop_app.sqlite_pages import decode_text, header_problem
from desktop_app.storage_recovery import DamagedError

logger = logging.getLogger(__name__)

DB_NAME = "sessions.db"
LOCK_NAME = "sessions.lock"
TABLES = ("sessions", "holds", "events")

SessionStatus = Literal["running", "completed", "stopped", "interrupted"]
FinishStatus = Literal["completed", "stopped", "interrupted"]
HoldOutcome = Literal["completed", "skipped", "stopped"]
EventKind = Literal["symptom", "pause", "resume"]
SideValue = Literal["left", "right"]

STATUSES: tuple[str, ...] = ("running", "completed", "stopped", "interrupted")
OUTCOMES: tuple[str, ...] = ("completed", "skipped", "stopped")
EVENT_KINDS: tuple[str, ...] = ("symptom", "pause", "resume")

# Each entry migrates the schema from version i to version i + 1; append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE sessions (
            id              INTEGER PRIMARY KEY,
            routine_id      TEXT    NOT NULL,
            routine_name    TEXT    NOT NULL,
            started_at      TEXT    NOT NULL,
            started_offset  INTEGER NOT NULL,
            local_date      TEXT    NOT NULL,
            ended_at        TEXT,
            ended_offset    INTEGER,
            status          TEXT    NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'completed', 'stopped', 'interrupted')),
            planned_seconds INTEGER NOT NULL CHECK (planned_seconds >= 0),
            held_seconds    REAL    NOT NULL DEFAULT 0 CHECK (held_seconds >= 0),
            note            TEXT,
            feeling         INTEGER CHECK (feeling BETWEEN 1 AND 5)
        )
        """,
        """
        CREATE TABLE holds (
            id              INTEGER PRIMARY KEY,
            session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            hold_index      INTEGER,
            stretch_id      TEXT    NOT NULL,
            stretch_name    TEXT    NOT NULL,
            side            TEXT    CHECK (side IN ('left', 'right')),
            rep             INTEGER NOT NULL CHECK (rep >= 1),
            planned_seconds INTEGER NOT NULL CHECK (planned_seconds >= 0),
            held_seconds    REAL    NOT NULL CHECK (held_seconds >= 0),
            outcome         TEXT    NOT NULL CHECK (outcome IN ('completed', 'skipped', 'stopped'))
        )
        """,
        """
        CREATE TABLE events (
            id          INTEGER PRIMARY KEY,
            session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            kind        TEXT    NOT NULL CHECK (kind IN ('symptom', 'pause', 'resume')),
            at          TEXT    NOT NULL,
            at_offset   INTEGER NOT NULL,
            stretch_id  TEXT,
            symptom     TEXT,
            CHECK ((kind = 'symptom') = (symptom IS NOT NULL))
        )
        """,
        "CREATE INDEX sessions_by_start ON sessions (started_at, id)",
        "CREATE INDEX sessions_by_day ON sessions (local_date, held_seconds)",
        "CREATE INDEX sessions_running ON sessions (status) WHERE status = 'running'",
        "CREATE INDEX holds_by_session ON holds (session_id, id)",
        "CREATE INDEX events_by_session ON events (session_id, kind, id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
IMPLAUSIBLE_VERSION = 1000
"""user_version from here on (or below 0) is no version any Stretch Timer wrote: the header is
damaged (one flipped bit makes 1 into -2147483647 or 65537), not from a newer app."""

# SQLite primary result codes; sqlite3.Error.sqlite_errorcode carries the extended code, whose
# low byte is the primary one.
SQLITE_ERROR = 1
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

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


# ----------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class SessionSummary:
    """One session as the history list shows it."""

    id: int
    routine_id: str
    routine_name: str
    started_at: datetime
    ended_at: datetime | None
    status: SessionStatus
    planned_seconds: int
    held_seconds: float
    note: str | None
    feeling: int | None
    symptoms: tuple[str, ...]


@dataclass(frozen=True)
class HoldRecord:
    stretch_id: str
    stretch_name: str
    side: SideValue | None
    rep: int
    planned_seconds: int
    held_seconds: float
    outcome: HoldOutcome


@dataclass(frozen=True)
class EventRecord:
    kind: EventKind
    at: datetime
    stretch_id: str | None
    symptom: str | None


@dataclass(frozen=True)
class SessionDetail:
    session: SessionSummary
    holds: tuple[HoldRecord, ...]
    events: tuple[EventRecord, ...]


@dataclass(frozen=True)
class Stats:
    """The figures at the top of the history view. A session counts once some time was held."""

    sessions_this_week: int
    current_streak_days: int
    longest_streak_days: int
    total_seconds: float


@dataclass(frozen=True)
class DayMinutes:
    day: date
    minutes: float


PageCursor = tuple[str, int]
"""Where a page of the session list ends: (started_at, id) of its last row."""


# ----------------------------------------------------------------------------------------------
# Time helpers


def _aware(moment: datetime) -> datetime:
    """A naive datetime is taken as local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def _utc_text(moment: datetime) -> str:
    utc = _aware(moment).astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _offset_seconds(moment: datetime) -> int:
    offset = _aware(moment).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _local(utc_text: str, offset: int) -> datetime:
    utc = datetime.fromisoformat(utc_text)
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=UTC)
    return utc.astimezone(timezone(timedelta(seconds=offset)))


def _today() -> date:
    return datetime.now().astimezone().date()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


# ----------------------------------------------------------------------------------------------
# Reading values that may be damaged


class _UnreadableError(ValueError):
    """A stored value that is not what its column holds; the message says which and why."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    raise _UnreadableError(f"its {what} ({_shown(value)}) is not text")


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _integer(value: object, what: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _UnreadableError(f"its {what} ({_shown(value)}) is not a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _UnreadableError(f"its {what} ({value}) is out of range")
    return value


def _seconds_value(value: object, what: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise _UnreadableError(f"its {what} ({_shown(value)}) is not a number of seconds")
    if value < 0:
        raise _UnreadableError(f"its {what} ({value}) is negative")
    return float(value)


def _one_of(value: object, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise _UnreadableError(f"its {what} ({_shown(value)}) is not one of {', '.join(allowed)}")
    return cast(str, value)


def _moment(text: object, offset: object, what: str) -> datetime:
    seconds = _integer(offset, f"{what} offset", -86399, 86399)
    if not isinstance(text, str):
        raise _UnreadableError(f"its {what} ({_shown(text)}) is not a date and time")
    try:
        return _local(text, seconds)
    except (ValueError, OverflowError):
        raise _UnreadableError(f"its {what} ({_shown(text)}) is not a date and time") from None


# ----------------------------------------------------------------------------------------------
# Error classification: by SQLite's result code, never by the message's wording


def _error_code(exc: sqlite3.Error) -> int:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else 0


def _free_bytes(folder: Path) -> int | None:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return info.f_bavail * info.f_frsize


def _disk_is_full(folder: Path) -> bool:
    """Too little room left to write a page and its journal (statvfs)."""
    free = _free_bytes(folder)
    return free is not None and free < 256 * 1024


def _classify(exc: sqlite3.Error, path: Path | None = None) -> ErrorKind:
    code = _error_code(exc)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return "corrupt"
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return "busy"
    if code == SQLITE_FULL:
        return "full"
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN) and path is not None:
        if odd_files(path.parent):
            return "not_a_file"
        if _disk_is_full(path.parent):
            return "full"  # a full disk often shows as an I/O error on -shm or -wal
    if code in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN):
        return "read_only"
    if code == SQLITE_IOERR:
        return "io"
    return "other"


def _os_kind(exc: OSError, folder: Path) -> ErrorKind:
    if exc.errno == errno.ENOSPC or (exc.errno == errno.EDQUOT):
        return "full"
    if exc.errno in (errno.EISDIR, errno.ENOTDIR, errno.ENXIO, errno.ELOOP):
        return "not_a_file"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "read_only"
    if _disk_is_full(folder):
        return "full"
    return "other"


_UNSAVED = "The timer still works, but sessions cannot be saved"


def _message(kind: ErrorKind, path: Path, detail: str = "") -> str:
    if kind == "full":
        return (
            f"The disk holding the session log ({path}) is full. {_UNSAVED} "
            "until some space is freed."
        )
    if kind == "read_only":
        return (
            f"The session log ({path}) cannot be written: the disk is read-only or the file "
            f"is not writable. {_UNSAVED}."
        )
    if kind == "locked":
        return (
            f"The session log ({path}) is in use by another Stretch Timer window. {_UNSAVED} "
            "here; close the other window to save them."
        )
    if kind == "busy":
        return (
            f"The session log ({path}) is busy: another program is writing to it. The holds "
            "of this session are kept and will be saved as soon as it is free."
        )
    if kind == "corrupt":
        return f"The session log ({path}) is damaged and cannot be read. {_UNSAVED}."
    if kind == "not_a_file":
        return (
            f"{detail or f'Something beside the session log ({path}) is not a file'}. {_UNSAVED}."
        )
    if kind == "io":
        return f"The disk holding the session log ({path}) reported an error. {_UNSAVED}."
    suffix = f" ({detail})" if detail else ""
    return f"The session log ({path}) could not be used{suffix}. {_UNSAVED}."


def _wrap(exc: sqlite3.Error, path: Path) -> StorageError:
    kind = _classify(exc, path)
    detail = _odd_detail(path.parent) if kind == "not_a_file" else str(exc)
    return StorageError(_message(kind, path, detail), kind)


# ----------------------------------------------------------------------------------------------
# Files that must be regular files: a FIFO would freeze the app, a folder is not the disk's fault


def odd_files(folder: Path) -> list[tuple[Path, str]]:
    """The log's files in ``folder`` that exist but are not regular files, with what they are."""
    found = []
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", LOCK_NAME):
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


def _odd_detail(folder: Path) -> str:
    odd = odd_files(folder)
    if not odd:
        return ""
    path, what = odd[0]
    return f"{path} is {what}, not a file: Stretch Timer needs that name for its session log"


# ----------------------------------------------------------------------------------------------
# Instance lock: a second app instance must not mark the first one's session as interrupted.


def _try_lock(handle: IO[str]) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class _InstanceLock:
    def __init__(self, path: Path) -> None:
        self._file: IO[str] | None = None
        self.path = path

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self, wait: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> bool:
        """True when this process now holds the lock; False when another process holds it.

        ``wait``: keep trying this long, since ``history`` takes the lock for a moment to mark
        sessions a killed app left running. Raises OSError when the lock file cannot be opened.
        """
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        delay, waited = 0.02, 0.0
        while not _try_lock(handle):
            if waited >= wait:
                handle.close()
                return False
            sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.2)
        self._file = handle
        return True

    def try_existing(self) -> bool:
        """Take the lock only if its file exists (creates nothing); True when now held."""
        try:
            handle = open(self.path, encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError:
            return False
        if not _try_lock(handle):
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the lock
            self._file = None


def lock_is_free(data_dir: Path) -> bool:
    """No Stretch Timer window holds the log in ``data_dir`` (checked by taking the lock for a
    moment; a missing lock file means no window ever opened it)."""
    lock = _InstanceLock(data_dir / LOCK_NAME)
    if not (data_dir / LOCK_NAME).exists():
        return True
    taken = lock.try_existing()
    lock.release()
    return taken


# ----------------------------------------------------------------------------------------------
# Connections


def _connect(
    path: Path, read_only: bool, timeout: float, immutable: bool = False
) -> sqlite3.Connection:
    """Open the database file; read-only connections change nothing in it.

    ``immutable`` also stops SQLite from creating the -wal and -shm files beside it: only for a
    database no process is writing (no -wal file).
    """
    if read_only:
        uri = path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    else:
        conn = sqlite3.connect(path, timeout=timeout)
    conn.text_factory = decode_text
    return conn


WRITE_BUSY_TIMEOUT_MS = 250
"""How long one write waits for another program's transaction before the recorder keeps the
hold in memory and tries again later (so the window never stands still for long)."""


class SessionStore:
    """The open session log. Every method raises only StorageError, with a user-facing message.

    A writable store holds the instance lock. When a write (or a read) finds the file damaged,
    the store sets it aside, copies what can be read into a new log and goes on with that one:
    :attr:`generation` counts these recoveries and :attr:`notify` (if set) is told about each.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool,
        read_only_reason: str = "",
        read_only_kind: ErrorKind = "read_only",
        lock: _InstanceLock | None = None,
        now: Callable[[], datetime] = datetime.now,
        running_means_interrupted: Callable[[], bool] | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.read_only_kind: ErrorKind = read_only_kind
        self._lock = lock
        self._now = now
        self._running_means_interrupted = running_means_interrupted
        self.generation = 0
        self.notify: Callable[[str], None] | None = None
        self.interrupt_pending = False
        self._unreadable: dict[tuple[str, int], str] = {}

    # -- plumbing ------------------------------------------------------------------------------

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def set_busy_timeout(self, milliseconds: int) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")

    @property
    def can_recover(self) -> bool:
        return not self.read_only and self._lock is not None and self._lock.held

    def _write(self, action: Callable[[sqlite3.Connection], Any]) -> Any:
        if self.read_only:
            raise StorageError(
                self.read_only_reason or _message("read_only", self.path), self.read_only_kind
            )
        for attempt in range(2):
            try:
                if self.interrupt_pending:
                    with self._conn:
                        self._conn.execute(_MARK_INTERRUPTED)
                    self.interrupt_pending = False
                with self._conn:
                    return action(self._conn)
            except sqlite3.Error as exc:
                logger.warning("session log write failed: %s", exc)
                if attempt == 0 and _classify(exc) == "corrupt" and self.recover():
                    continue
                raise _wrap(exc, self.path) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        for attempt in range(2):
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                logger.info("session log read failed: %s", exc)
                if attempt == 0 and _classify(exc) == "corrupt" and self.recover():
                    continue
                raise _wrap(exc, self.path) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def recover(self) -> bool:
        """The file turned out to be damaged: set it aside and go on with a new log holding
        what could be read from it. False (and the store becomes read-only) when that fails."""
        if not self.can_recover:
            return False
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        try:
            conn, message = _rebuild(self.path, self._now(), "")
        except (OSError, sqlite3.Error) as exc:
            logger.error("recovering the damaged session log failed: %s", exc)
            self.read_only = True
            self.read_only_kind = "corrupt"
            self.read_only_reason = _message("corrupt", self.path)
            if self.notify is not None:
                self.notify(self.read_only_reason)
            return False
        self._conn = conn
        self.generation += 1
        self._unreadable.clear()
        if self.notify is not None:
            self.notify(message)
        return True

    # -- writing -------------------------------------------------------------------------------

    def start_session(
        self,
        *,
        routine_id: str,
        routine_name: str,
        started_at: datetime,
        planned_seconds: int,
    ) -> int:
        """Log a session as running; returns its id."""
        return int(
            self._write(
                lambda conn: _insert_session(
                    conn, None, routine_id, routine_name, _aware(started_at), planned_seconds
                )
            )
        )

    def add_hold(
        self,
        session_id: int,
        *,
        stretch_id: str,
        stretch_name: str,
        side: SideValue | None,
        rep: int,
        planned_seconds: int,
        held_seconds: float,
        outcome: HoldOutcome,
        hold_index: int | None = None,
    ) -> None:
        """Log one finished hold and add its time to the session, in one transaction."""
        hold = NewHold(
            stretch_id, stretch_name, side, rep, planned_seconds, held_seconds, outcome, hold_index
        )

        def write(conn: sqlite3.Connection) -> None:
            held = _insert_hold(conn, session_id, hold)
            conn.execute(
                "UPDATE sessions SET held_seconds = held_seconds + ? WHERE id = ?",
                (held, session_id),
            )

        self._write(write)

    def add_event(
        self,
        session_id: int,
        *,
        kind: EventKind,
        at: datetime,
        stretch_id: str | None = None,
        symptom: str | None = None,
    ) -> None:
        event = NewEvent(kind, at, stretch_id, symptom)
        self._write(lambda conn: _insert_event(conn, session_id, event))

    def finish_session(
        self,
        session_id: int,
        *,
        status: FinishStatus,
        ended_at: datetime,
        held_seconds: float | None = None,
    ) -> None:
        """Close a running session. held_seconds replaces the sum of the holds when given."""
        self._write(lambda conn: _finish(conn, session_id, status, ended_at, held_seconds))

    def rewrite_session(self, session_id: int | None, session: SessionWrite) -> int:
        """Write a whole session (as a recorder remembers it) in one transaction, replacing
        whatever the log has under ``session_id``; returns its id. Used after a recovery."""

        def write(conn: sqlite3.Connection) -> int:
            if session_id is not None:
                conn.execute("DELETE FROM holds WHERE session_id = ?", (session_id,))
                conn.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
                conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            sid = _insert_session(
                conn,
                session_id,
                session.routine_id,
                session.routine_name,
                _aware(session.started_at),
                session.planned_seconds,
            )
            total = sum(_insert_hold(conn, sid, hold) for hold in session.holds)
            conn.execute("UPDATE sessions SET held_seconds = ? WHERE id = ?", (total, sid))
            for event in session.events:
                _insert_event(conn, sid, event)
            if session.finish is not None:
                status, ended_at, held = session.finish
                _finish(conn, sid, status, ended_at, held)
            return sid

        return int(self._write(write))

    def set_note_and_feeling(self, session_id: int, note: str | None, feeling: int | None) -> None:
        """The user's note (blank clears it) and how they felt, 1 to 5 (None clears it)."""
        if feeling is not None and not 1 <= feeling <= 5:
            raise StorageError("How you felt is a number from 1 to 5.", "other")
        clean = (note or "").strip() or None
        self._write(
            lambda conn: conn.execute(
                "UPDATE sessions SET note = ?, feeling = ? WHERE id = ?",
                (clean, feeling, session_id),
            )
        )

    def mark_running_as_interrupted(self) -> int:
        """Sessions left running by an app that was killed; returns how many were marked."""
        self.interrupt_pending = False
        return int(self._write(lambda conn: conn.execute(_MARK_INTERRUPTED).rowcount))

    # -- reading -------------------------------------------------------------------------------

    _SUMMARY_COLUMNS = (
        "s.id, s.routine_id, s.routine_name, s.started_at, s.started_offset, s.ended_at,"
        " s.ended_offset, s.status, s.planned_seconds, s.held_seconds, s.note, s.feeling,"
        " (SELECT group_concat(e.symptom, char(31)) FROM events e"
        "  WHERE e.session_id = s.id AND e.kind = 'symptom')"
    )

    def unreadable(self) -> list[str]:
        """What reads so far had to leave out, one sentence each (session order)."""
        return [self._unreadable[key] for key in sorted(self._unreadable)]

    def _skip(self, table: str, rowid: object, reason: str, session_id: object = None) -> None:
        key = (table, rowid if isinstance(rowid, int) else -1)
        if table == "sessions":
            text = f"Session {rowid} is left out: {reason}."
        else:
            noun = "A hold" if table == "holds" else "An event"
            text = f"{noun} of session {session_id} is left out: {reason}."
        self._unreadable.setdefault(key, text)

    def _status(self, value: object) -> SessionStatus:
        status = cast(SessionStatus, _one_of(value, STATUSES, "status"))
        if status == "running" and self._running_means_interrupted is not None:
            with contextlib.suppress(OSError):
                if self._running_means_interrupted():
                    return "interrupted"
        return status

    def _summary(self, row: Sequence[Any]) -> SessionSummary | None:
        try:
            symptoms = row[12]
            ended_at = None if row[5] is None else _moment(row[5], row[6] or 0, "end time")
            feeling = row[11]
            return SessionSummary(
                id=_integer(row[0], "id"),
                routine_id=_text(row[1], "routine id"),
                routine_name=_text(row[2], "routine name"),
                started_at=_moment(row[3], row[4], "start time"),
                ended_at=ended_at,
                status=self._status(row[7]),
                planned_seconds=_integer(row[8], "planned time", 0),
                held_seconds=_seconds_value(row[9], "time held"),
                note=_optional_text(row[10], "note"),
                feeling=None if feeling is None else _integer(feeling, "feeling", 1, 5),
                symptoms=tuple(symptoms.split("\x1f")) if isinstance(symptoms, str) else (),
            )
        except _UnreadableError as exc:
            self._skip("sessions", row[0], str(exc))
            return None

    def _summaries(self, rows: Sequence[Sequence[Any]]) -> list[SessionSummary]:
        return [s for s in (self._summary(row) for row in rows) if s is not None]

    def _hold(self, rowid: int, session_id: object, row: Sequence[Any]) -> HoldRecord | None:
        try:
            return HoldRecord(
                stretch_id=_text(row[0], "stretch id"),
                stretch_name=_text(row[1], "stretch name"),
                side=cast(
                    SideValue | None,
                    None if row[2] is None else _one_of(row[2], ("left", "right"), "side"),
                ),
                rep=_integer(row[3], "rep", 1),
                planned_seconds=_integer(row[4], "planned time", 0),
                held_seconds=_seconds_value(row[5], "time held"),
                outcome=cast(HoldOutcome, _one_of(row[6], OUTCOMES, "outcome")),
            )
        except _UnreadableError as exc:
            self._skip("holds", rowid, str(exc), session_id)
            return None

    def _event(self, rowid: int, session_id: object, row: Sequence[Any]) -> EventRecord | None:
        try:
            return EventRecord(
                kind=cast(EventKind, _one_of(row[0], EVENT_KINDS, "kind")),
                at=_moment(row[1], row[2], "time"),
                stretch_id=_optional_text(row[3], "stretch id"),
                symptom=_optional_text(row[4], "symptom"),
            )
        except _UnreadableError as exc:
            self._skip("events", rowid, str(exc), session_id)
            return None

    def session_count(self, since: date | None = None) -> int:
        if since is None:
            rows = self._query("SELECT count(*) FROM sessions")
        else:
            rows = self._query(
                "SELECT count(*) FROM sessions WHERE local_date >= ?", (since.isoformat(),)
            )
        return int(rows[0][0])

    def sessions_page(
        self, limit: int, after: PageCursor | None = None, since: date | None = None
    ) -> tuple[list[SessionSummary], PageCursor | None]:
        """Sessions newest first, ``limit`` rows at a time; pass the returned cursor for the
        next page. The cursor is None once the last page has been read. Unreadable rows are
        left out of the page (so it may be shorter) and listed by :meth:`unreadable`.

        Keyset paging on the (started_at, id) index, so page 500 costs what page 1 costs.
        """
        where: list[str] = []
        params: list[Any] = []
        if after is not None:
            where.append("(s.started_at, s.id) < (?, ?)")
            params.extend(after)
        if since is not None:
            where.append("s.local_date >= ?")
            params.append(since.isoformat())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._query(
            f"SELECT {self._SUMMARY_COLUMNS}, s.started_at FROM sessions s {clause}"
            " ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
            [*params, limit],
        )
        page = self._summaries(rows)
        cursor: PageCursor | None = (rows[-1][13], rows[-1][0]) if len(rows) >= limit else None
        return page, cursor

    def session(self, session_id: int) -> SessionSummary | None:
        rows = self._query(
            f"SELECT {self._SUMMARY_COLUMNS} FROM sessions s WHERE s.id = ?", [session_id]
        )
        return self._summary(rows[0]) if rows else None

    def session_detail(self, session_id: int) -> SessionDetail | None:
        summary = self.session(session_id)
        if summary is None:
            return None
        holds = self._query(
            "SELECT id, stretch_id, stretch_name, side, rep, planned_seconds, held_seconds,"
            " outcome FROM holds WHERE session_id = ? ORDER BY id",
            [session_id],
        )
        events = self._query(
            "SELECT id, kind, at, at_offset, stretch_id, symptom FROM events"
            " WHERE session_id = ? ORDER BY id",
            [session_id],
        )
        return SessionDetail(
            session=summary,
            holds=tuple(
                h for h in (self._hold(r[0], session_id, r[1:]) for r in holds) if h is not None
            ),
            events=tuple(
                e for e in (self._event(r[0], session_id, r[1:]) for r in events) if e is not None
            ),
        )

    def stats(self, today: date | None = None) -> Stats:
        """Sessions this week (from Monday), streaks in local days, total time held.

        Sessions of the demo routine (``DEMO_ROUTINE_ID``) count in none of them. A day that
        is not a date is no day of a streak; sum() counts text as 0 seconds.
        """
        today = today or _today()
        monday = today - timedelta(days=today.weekday())
        rows = self._query(
            """
            WITH counted AS (
                SELECT local_date, held_seconds FROM sessions WHERE routine_id != :demo
            ),
            days AS (
                SELECT DISTINCT local_date AS d FROM counted
                WHERE held_seconds > 0 AND local_date <= :today
            ),
            numbered AS (
                SELECT d, julianday(d) - row_number() OVER (ORDER BY d) AS run FROM days
                WHERE julianday(d) IS NOT NULL
            ),
            runs AS (
                SELECT max(d) AS last, count(*) AS length FROM numbered GROUP BY run
            )
            SELECT
                (SELECT count(*) FROM counted
                 WHERE held_seconds > 0 AND local_date BETWEEN :monday AND :today),
                (SELECT coalesce(max(length), 0) FROM runs WHERE last >= :yesterday),
                (SELECT coalesce(max(length), 0) FROM runs),
                (SELECT coalesce(sum(held_seconds), 0) FROM counted)
            """,
            {
                "demo": DEMO_ROUTINE_ID,
                "today": today.isoformat(),
                "yesterday": (today - timedelta(days=1)).isoformat(),
                "monday": monday.isoformat(),
            },
        )
        week, current, longest, total = rows[0]
        return Stats(int(week), int(current), int(longest), float(total))

    def minutes_per_day(self, days: int = 28, today: date | None = None) -> list[DayMinutes]:
        """Minutes held on each of the last ``days`` local days, oldest first, zeros included.

        The demo routine's sessions are left out, as in :meth:`stats`.
        """
        today = today or _today()
        first = today - timedelta(days=days - 1)
        rows = self._query(
            "SELECT local_date, sum(held_seconds) / 60.0 FROM sessions"
            " WHERE local_date BETWEEN ? AND ? AND routine_id != ? GROUP BY local_date",
            [first.isoformat(), today.isoformat(), DEMO_ROUTINE_ID],
        )
        by_day: dict[date, float] = {}
        for day, minutes in rows:
            with contextlib.suppress(ValueError, TypeError):
                by_day[date.fromisoformat(day)] = float(minutes)
        return [
            DayMinutes(day, by_day.get(day, 0.0))
            for day in (first + timedelta(days=i) for i in range(days))
        ]


_MARK_INTERRUPTED = "UPDATE sessions SET status = 'interrupted' WHERE status = 'running'"


@dataclass(frozen=True)
class NewHold:
    stretch_id: str
    stretch_name: str
    side: SideValue | None
    rep: int
    planned_seconds: int
    held_seconds: float
    outcome: HoldOutcome
    hold_index: int | None = None


@dataclass(frozen=True)
class NewEvent:
    kind: EventKind
    at: datetime
    stretch_id: str | None = None
    symptom: str | None = None


@dataclass(frozen=True)
class SessionWrite:
    """A whole session as a recorder remembers it, for :meth:`SessionStore.rewrite_session`."""

    routine_id: str
    routine_name: str
    started_at: datetime
    planned_seconds: int
    holds: tuple[NewHold, ...] = ()
    events: tuple[NewEvent, ...] = ()
    finish: tuple[FinishStatus, datetime, float | None] | None = None


def _insert_session(
    conn: sqlite3.Connection,
    session_id: int | None,
    routine_id: str,
    routine_name: str,
    started_at: datetime,
    planned_seconds: int,
) -> int:
    cursor = conn.execute(
        "INSERT INTO sessions (id, routine_id, routine_name, started_at, started_offset,"
        " local_date, status, planned_seconds) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)",
        (
            session_id,
            routine_id,
            routine_name,
            _utc_text(started_at),
            _offset_seconds(started_at),
            started_at.date().isoformat(),
            int(planned_seconds),
        ),
    )
    return int(cast(int, cursor.lastrowid))


def _insert_hold(conn: sqlite3.Connection, session_id: int, hold: NewHold) -> float:
    held = round(max(0.0, float(hold.held_seconds)), 3)
    conn.execute(
        "INSERT INTO holds (session_id, hold_index, stretch_id, stretch_name, side, rep,"
        " planned_seconds, held_seconds, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            hold.hold_index,
            hold.stretch_id,
            hold.stretch_name,
            hold.side,
            hold.rep,
            int(hold.planned_seconds),
            held,
            hold.outcome,
        ),
    )
    return held


def _insert_event(conn: sqlite3.Connection, session_id: int, event: NewEvent) -> None:
    conn.execute(
        "INSERT INTO events (session_id, kind, at, at_offset, stretch_id, symptom)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            session_id,
            event.kind,
            _utc_text(event.at),
            _offset_seconds(event.at),
            event.stretch_id,
            event.symptom,
        ),
    )


def _finish(
    conn: sqlite3.Connection,
    session_id: int,
    status: FinishStatus,
    ended_at: datetime,
    held_seconds: float | None,
) -> None:
    conn.execute(
        "UPDATE sessions SET status = ?, ended_at = ?, ended_offset = ?,"
        " held_seconds = COALESCE(?, held_seconds) WHERE id = ?",
        (
            status,
            _utc_text(ended_at),
            _offset_seconds(ended_at),
            None if held_seconds is None else round(max(0.0, held_seconds), 3),
            session_id,
        ),
    )


# ----------------------------------------------------------------------------------------------
# Opening


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    if not 0 <= version <= SCHEMA_VERSION:
        raise DamagedError(
            f"it says its format is version {version}, which no Stretch Timer writes"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            for statement in MIGRATIONS[target - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        logger.info("session log migrated to schema version %d", target)


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _configure(conn: sqlite3.Connection, read_only: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            logger.warning("session log journal mode is %s, not WAL", mode)
        # FULL: a commit is on the disk before it returns, so a power cut keeps every finished
        # hold (NORMAL in WAL mode may lose the last ones). bench/bench_log_write.py: its cost.
        conn.execute("PRAGMA synchronous = FULL")


def _schema_objects(conn: sqlite3.Connection) -> set[str]:
    return {
        str(name)
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
            " AND name NOT LIKE 'sqlite_%'"
        )
    }


def _empty_log(version: int = SCHEMA_VERSION) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.text_factory = decode_text
    conn.execute("PRAGMA foreign_keys = ON")
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            conn.execute(statement)
    return conn


def _check_schema(conn: sqlite3.Connection, version: int) -> None:
    """The tables and indexes ``version`` has are all there (a dropped table is damage)."""
    present = _schema_objects(conn)
    with contextlib.closing(_empty_log(version)) as expected:
        missing = sorted(
            (str(kind), str(name))
            for kind, name in expected.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index')"
            )
            if name not in present
        )
    if missing:
        kind, name = missing[-1]  # tables before indexes
        raise DamagedError(f"its {name} {kind} is missing")
    if version == 0 and present & set(TABLES):
        raise DamagedError("it has tables but says its format is version 0")


CHECK_BUDGET = 1.0
"""Seconds PRAGMA integrity_check may take at start-up before it is cut short. A 100,000-session
log (68 MiB) is checked whole in about 0.5 s (bench/bench_history.py); past the budget the rest
is checked as it is used: any read or write that meets damage sets the file aside then."""


def _shapes() -> list[storage_recovery.TableShape]:
    with contextlib.closing(_empty_log()) as conn:
        return storage_recovery.table_shapes(conn, TABLES)


def _sessions(count: int) -> str:
    return f"{count:,} session" + ("" if count == 1 else "s")


def _new_log(path: Path) -> sqlite3.Connection:
    conn = _connect(path, read_only=False, timeout=2.0)
    try:
        _configure(conn, read_only=False)
        _migrate(conn, 0)
    except BaseException:
        conn.close()
        raise
    return conn


def _rebuild(path: Path, now: datetime, why: str) -> tuple[sqlite3.Connection, str]:
    """Set the damaged log aside and start a new one with all that can be read from it.
    Returns the new log's connection and what to tell the user."""
    conn, moved, counts = storage_recovery.rebuild(path, now, _new_log, _shapes())
    sessions, holds = counts["sessions"], counts["holds"]
    head = f"The session log was damaged{f' ({why})' if why else ''}. It was moved to {moved} "
    if sessions:
        tail = (
            f"(nothing was deleted) and a new log was started with the {_sessions(sessions)} "
            f"({holds:,} holds) that could be read from it."
        )
    else:
        tail = "(nothing was deleted) and a new, empty log was started: nothing in it was readable."
    return conn, head + tail


def _open_read_only(
    path: Path, kind: ErrorKind, reason: str, messages: list[str], timeout: float
) -> tuple[SessionStore | None, list[str]]:
    """The history stays readable when writing is impossible."""
    if not path.exists() or any(odd == path for odd, _ in odd_files(path.parent)):
        return None, messages
    # On a read-only disk SQLite cannot create the -shm file a WAL database needs; with no
    # -wal file there is no writer, and the file can be read as immutable.
    wal = path.with_name(path.name + "-wal")
    idle = not wal.exists() or not wal.is_file()
    conn: sqlite3.Connection | None = None
    try:
        try:
            if not wal.is_file() and wal.exists():
                raise sqlite3.OperationalError("the -wal is not a file")
            conn = _connect(path, read_only=True, timeout=timeout)
            _user_version(conn)
        except sqlite3.Error:
            if not idle:
                raise
            if conn is not None:
                conn.close()
            conn = _connect(path, read_only=True, timeout=timeout, immutable=True)
            _user_version(conn)
        _configure(conn, read_only=True)
    except sqlite3.Error as exc:
        logger.warning("session log not readable either: %s", exc)
        if conn is not None:
            conn.close()
        return None, messages
    store = SessionStore(
        conn,
        path,
        read_only=True,
        read_only_reason=reason,
        read_only_kind=kind,
        running_means_interrupted=lambda: lock_is_free(path.parent),
    )
    return store, messages


def _file_problem(path: Path) -> str | None:
    """Damage SQLite would not report as such: a header it would refuse to write to or read
    as UTF-16, committed transactions in the -wal it would drop."""
    try:
        with open(path, "rb") as handle:
            problem = header_problem(handle.read(100))
    except FileNotFoundError:
        return None
    if problem:
        return problem
    wal = path.with_name(path.name + "-wal")
    return storage_recovery.wal_damage(wal, path) if wal.is_file() else None


def open_store(
    data_dir: Path,
    *,
    now: Callable[[], datetime] = datetime.now,
    timeout: float = 2.0,
    integrity_check: bool | None = None,
    check_budget: float = CHECK_BUDGET,
    lock_wait: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[SessionStore | None, list[str]]:
    """Open (or create) the session log in ``data_dir``. Never raises.

    Returns the store (None, or read-only, when sessions cannot be saved) and messages to show
    the user. Sessions that were still running when the app last stopped become interrupted.
    ``integrity_check``: None runs SQLite's integrity_check within ``check_budget`` seconds,
    True without a limit, False not at all. ``lock_wait``: how long to wait for the instance
    lock (``history`` takes it for a moment) before saying another window has the log.
    """
    path = data_dir / DB_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("cannot create the data directory %s: %s", data_dir, exc)
        kind = _os_kind(exc, data_dir.parent)
        return None, [_message("read_only" if kind == "other" else kind, path)]
    odd = odd_files(data_dir)
    if odd:
        reason = _message("not_a_file", path, _odd_detail(data_dir))
        return _open_read_only(path, "not_a_file", reason, [reason], timeout)

    lock = _InstanceLock(data_dir / LOCK_NAME)
    try:
        locked_here = lock.acquire(lock_wait, sleep)
    except OSError as exc:
        logger.warning("cannot create the lock file: %s", exc)
        kind = _os_kind(exc, data_dir)
        reason = _message(kind, path, _odd_detail(data_dir))
        return _open_read_only(path, kind, reason, [reason], timeout)
    if not locked_here:
        reason = _message("locked", path)
        return _open_read_only(path, "locked", reason, [reason], timeout)
    owned = False
    try:
        store, messages = _open_locked(path, lock, now, timeout, integrity_check, check_budget)
        owned = store is not None and not store.read_only
        return store, messages
    finally:
        if not owned:
            lock.release()


def _open_locked(
    path: Path,
    lock: _InstanceLock,
    now: Callable[[], datetime],
    timeout: float,
    integrity_check: bool | None,
    check_budget: float,
) -> tuple[SessionStore | None, list[str]]:
    messages: list[str] = []
    for attempt in range(2):
        conn: sqlite3.Connection | None = None
        try:
            if attempt == 0:
                problem = _file_problem(path)
                if problem:
                    raise DamagedError(problem)
            conn = _connect(path, read_only=False, timeout=timeout)
            version = _user_version(conn)
            if SCHEMA_VERSION < version < IMPLAUSIBLE_VERSION:
                conn.close()
                reason = (
                    f"The session log ({path}) was written by a newer version of Stretch Timer "
                    f"(schema {version}; this version knows up to {SCHEMA_VERSION}). It is left "
                    "untouched and new sessions will not be saved: please update Stretch Timer."
                )
                return _open_read_only(path, "newer", reason, [*messages, reason], timeout)
            if not 0 <= version <= SCHEMA_VERSION:
                raise DamagedError(
                    f"it says its format is version {version}, which no Stretch Timer writes"
                )
            _check_schema(conn, version)
            if integrity_check is not False and version:
                storage_recovery.check_integrity(conn, None if integrity_check else check_budget)
            _configure(conn, read_only=False)
            _migrate(conn, version)
            store = SessionStore(conn, path, read_only=False, lock=lock, now=now)
            try:
                count = store.mark_running_as_interrupted()
            except StorageError as exc:
                if exc.kind != "busy":
                    raise
                store.interrupt_pending = True  # done before the first write that gets through
                count = 0
            if count:
                logger.info("%d session(s) left running were marked interrupted", count)
            store.set_busy_timeout(WRITE_BUSY_TIMEOUT_MS)
            return store, messages
        except DamagedError as exc:
            error_kind: ErrorKind = "corrupt"
            detail = why = str(exc)
        except StorageError as exc:
            error_kind, detail, why = exc.kind, exc.message, ""
        except sqlite3.Error as exc:
            error_kind, detail, why = _classify(exc, path), str(exc), ""
        except OSError as exc:
            error_kind, detail, why = _os_kind(exc, path.parent), str(exc), ""
        logger.warning("opening the session log failed (%s): %s", error_kind, detail)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        if error_kind != "corrupt" or attempt:
            if error_kind == "busy":
                reason = (
                    f"The session log ({path}) is busy: another program is writing to it. "
                    f"{_UNSAVED} until Stretch Timer is started again after it has finished."
                )
            elif error_kind == "not_a_file":
                reason = _message(error_kind, path, _odd_detail(path.parent))
            else:
                reason = _message(error_kind, path, detail)
            return _open_read_only(path, error_kind, reason, [*messages, reason], timeout)
        try:
            rebuilt, message = _rebuild(path, now(), why)
        except (OSError, sqlite3.Error) as exc:
            logger.warning("cannot set the damaged session log aside: %s", exc)
            return None, [_message("corrupt", path)]
        rebuilt.close()
        messages.append(message)
    return None, messages  # pragma: no cover - the loop always returns


def open_salvaged(path: Path, why: str = "") -> tuple[SessionStore, list[str]]:
    """A read-only store in memory with what can be read from the damaged log at ``path``,
    which is left as it is (the command line shows this; the app repairs the file)."""
    shapes = _shapes()
    salvage = storage_recovery.salvage_rows(path, shapes)
    conn = _empty_log()
    counts = storage_recovery.copy_into(conn, salvage, shapes)
    sessions = counts["sessions"]
    shown = (
        f"showing the {_sessions(sessions)} that could be read from it"
        if sessions
        else "nothing in it could be read"
    )
    message = (
        f"The session log ({path}) is damaged{f' ({why})' if why else ''}: {shown}. Start "
        "Stretch Timer to set it "
        "aside and recover it into a new log."
    )
    store = SessionStore(
        conn,
        path,
        read_only=True,
        read_only_reason=message,
        read_only_kind="corrupt",
        running_means_interrupted=lambda: lock_is_free(path.parent),
    )
    return store, [message]


def _mark_if_unused(path: Path) -> None:
    """When no window holds the log, mark the sessions a killed app left running."""
    lock = _InstanceLock(path.parent / LOCK_NAME)
    if not lock.try_existing():
        return
    try:
        conn = _connect(path, read_only=False, timeout=0.5)
        try:
            if _user_version(conn) != SCHEMA_VERSION:
                return
            _check_schema(conn, SCHEMA_VERSION)
            conn.execute("PRAGMA synchronous = FULL")
            with conn:
                count = conn.execute(_MARK_INTERRUPTED).rowcount
            if count:
                logger.info("%d session(s) left running were marked interrupted", count)
        finally:
            conn.close()
    except (sqlite3.Error, DamagedError) as exc:
        logger.info("could not mark interrupted sessions: %s", exc)
    finally:
        lock.release()


def open_store_readonly(data_dir: Path) -> tuple[SessionStore | None, list[str]]:
    """Open the log for reading (the command line): creates and migrates nothing.

    Sessions left running by a killed app read as interrupted (and are marked so in the file
    when the lock can be taken for a moment). A damaged log is read as far as it can be, into
    memory, and left as it is. Returns None with no message when there is no log yet.
    """
    path = data_dir / DB_NAME
    if not os.path.lexists(path):
        return None, []
    odd = dict(odd_files(data_dir))
    if path in odd:
        return None, [f"{path} is {odd[path]}, not a session log file."]
    wal = path.with_name(path.name + "-wal")
    try:
        problem = _file_problem(path)
    except OSError as exc:
        return None, [_message(_os_kind(exc, data_dir), path, str(exc))]
    if problem:
        return open_salvaged(path, problem)
    if not odd:
        _mark_if_unused(path)
    # With no -wal file no one is writing, and a plain read-only open would create -wal/-shm.
    # A -wal or -shm that is not a file (a FIFO would hang SQLite) is not opened at all.
    idle = not wal.exists() or bool(odd)
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path, read_only=True, timeout=2.0, immutable=idle)
        conn.execute("PRAGMA query_only = ON")
        version = _user_version(conn)
        if SCHEMA_VERSION < version < IMPLAUSIBLE_VERSION:
            conn.close()
            return None, [
                f"The session log ({path}) was written by a newer version of Stretch Timer "
                f"(schema {version}; this version knows up to {SCHEMA_VERSION})."
            ]
        if not 0 <= version <= SCHEMA_VERSION:
            raise DamagedError(
                f"it says its format is version {version}, which no Stretch Timer writes"
            )
        _check_schema(conn, version)
    except (DamagedError, sqlite3.Error) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, DamagedError):
            return open_salvaged(path, str(exc))
        kind = _classify(exc, path)
        if kind == "corrupt":
            return open_salvaged(path, "")
        return None, [_message(kind, path, str(exc))]
    if version < SCHEMA_VERSION:
        conn.close()
        return None, []
    reason = "The session log was opened for reading only."
    store = SessionStore(
        conn,
        path,
        read_only=True,
        read_only_reason=reason,
        running_means_interrupted=lambda: lock_is_free(data_dir),
    )
    return store, []


# ----------------------------------------------------------------------------------------------
# Export


def _sessions_since(store: SessionStore, since: date | None) -> Iterator[SessionSummary]:
    cursor: PageCursor | None = None
    while True:
        page, cursor = store.sessions_page(1000, cursor, since)
        yield from page
        if cursor is None:
            return


def _children(
    store: SessionStore, since: date | None
) -> tuple[dict[int, list[HoldRecord]], dict[int, list[EventRecord]]]:
    clause, params = ("", []) if since is None else ("WHERE s.local_date >= ?", [since.isoformat()])
    holds: dict[int, list[HoldRecord]] = {}
    for row in store._query(
        "SELECT h.id, h.session_id, h.stretch_id, h.stretch_name, h.side, h.rep,"
        " h.planned_seconds, h.held_seconds, h.outcome FROM holds h"
        f" JOIN sessions s ON s.id = h.session_id {clause} ORDER BY h.id",
        params,
    ):
        hold = store._hold(row[0], row[1], row[2:])
        if hold is not None:
            holds.setdefault(row[1], []).append(hold)
    events: dict[int, list[EventRecord]] = {}
    for row in store._query(
        "SELECT e.id, e.session_id, e.kind, e.at, e.at_offset, e.stretch_id, e.symptom"
        f" FROM events e JOIN sessions s ON s.id = e.session_id {clause} ORDER BY e.id",
        params,
    ):
        event = store._event(row[0], row[1], row[2:])
        if event is not None:
            events.setdefault(row[1], []).append(event)
    return holds, events


def _seconds(value: float) -> float:
    return round(value, 1)


def history_json(store: SessionStore, since: date | None = None) -> list[dict[str, Any]]:
    """Every session (on or after ``since``, a local date), newest first, as plain JSON data."""
    holds, events = _children(store, since)
    return [
        {
            "id": s.id,
            "routine_id": s.routine_id,
            "routine_name": s.routine_name,
            "started_at": _iso(s.started_at),
            "ended_at": _iso(s.ended_at),
            "status": s.status,
            "planned_seconds": s.planned_seconds,
            "held_seconds": _seconds(s.held_seconds),
            "note": s.note,
            "feeling": s.feeling,
            "holds": [
                {
                    "stretch_id": h.stretch_id,
                    "stretch_name": h.stretch_name,
                    "side": h.side,
                    "rep": h.rep,
                    "planned_seconds": h.planned_seconds,
                    "held_seconds": _seconds(h.held_seconds),
                    "outcome": h.outcome,
                }
                for h in holds.get(s.id, [])
            ],
            "events": [
                {"kind": e.kind, "at": _iso(e.at), "stretch_id": e.stretch_id, "symptom": e.symptom}
                for e in events.get(s.id, [])
            ],
        }
        for s in _sessions_since(store, since)
    ]


CSV_COLUMNS = (
    "session_id",
    "routine_id",
    "routine_name",
    "started_at",
    "ended_at",
    "status",
    "session_planned_seconds",
    "session_held_seconds",
    "note",
    "feeling",
    "symptoms",
    "stretch_id",
    "stretch_name",
    "side",
    "rep",
    "planned_seconds",
    "held_seconds",
    "outcome",
)


def write_history_csv(store: SessionStore, since: date | None, stream: TextIO) -> int:
    """One row per hold with its session's columns (a session without holds gets one row).

    Returns the number of rows written, not counting the header.
    """
    holds, _events = _children(store, since)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for s in _sessions_since(store, since):
        head = [
            s.id,
            s.routine_id,
            s.routine_name,
            _iso(s.started_at),
            _iso(s.ended_at) or "",
            s.status,
            s.planned_seconds,
            _seconds(s.held_seconds),
            s.note or "",
            "" if s.feeling is None else s.feeling,
            " ".join(s.symptoms),
        ]
        rows: list[HoldRecord | None] = [*holds.get(s.id, [])] or [None]
        for h in rows:
            if h is None:
                tail: list[object] = ["", "", "", "", "", "", ""]
            else:
                tail = [
                    h.stretch_id,
                    h.stretch_name,
                    h.side or "",
                    h.rep,
                    h.planned_seconds,
                    _seconds(h.held_seconds),
                    h.outcome,
                ]
            writer.writerow([*head, *tail])
            count += 1
    return count


def format_duration(seconds: float) -> str:
    """m:ss, or h:mm:ss from an hour up."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def symptom_summary(symptoms: Sequence[str]) -> str:
    """'tingling ×2, pain' from the ids in the order reported."""
    counts: dict[str, int] = {}
    for symptom in symptoms:
        counts[symptom] = counts.get(symptom, 0) + 1
    return ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in counts.items())


def history_text(store: SessionStore, since: date | None = None) -> str:
    """A plain-text table of the sessions, newest first."""
    headers = ("Date", "Routine", "Held", "Planned", "Status", "Symptoms")
    rows = [
        (
            s.started_at.strftime("%Y-%m-%d %H:%M"),
            s.routine_name,
            format_duration(s.held_seconds),
            format_duration(s.planned_seconds),
            s.status,
            symptom_summary(s.symptoms) or "-",
        )
        for s in _sessions_since(store, since)
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
