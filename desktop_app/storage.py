"""The session log: an SQLite database of sessions, holds and events, written as sessions run.

Plain standard library (sqlite3), no Qt, so the command line and the tests use it without a display.

Times are stored as UTC text (``YYYY-MM-DDTHH:MM:SS.fffZ``) with the local UTC offset in seconds
beside them, and each session also keeps its local calendar day (``local_date``) so that the
per-day figures (streaks, minutes per day) are plain indexed SQL aggregates.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Literal, TextIO, cast

from desktop_app.model import DEMO_ROUTINE_ID

logger = logging.getLogger(__name__)

DB_NAME = "sessions.db"
LOCK_NAME = "sessions.lock"

SessionStatus = Literal["running", "completed", "stopped", "interrupted"]
FinishStatus = Literal["completed", "stopped", "interrupted"]
HoldOutcome = Literal["completed", "skipped", "stopped"]
EventKind = Literal["symptom", "pause", "resume"]
SideValue = Literal["left", "right"]

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

# SQLite primary result codes (extended codes carry them in the low byte).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

ErrorKind = Literal["corrupt", "locked", "read_only", "full", "newer", "other"]


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
    return utc.astimezone(timezone(timedelta(seconds=offset)))


def _local_or_none(utc_text: str | None, offset: int | None) -> datetime | None:
    if utc_text is None:
        return None
    return _local(utc_text, offset or 0)


def _today() -> date:
    return datetime.now().astimezone().date()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


# ----------------------------------------------------------------------------------------------
# Error classification


def _error_code(exc: sqlite3.Error) -> int:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    if "not a database" in text or "malformed" in text:
        return _SQLITE_CORRUPT
    if "locked" in text:
        return _SQLITE_BUSY
    if "readonly" in text or "read-only" in text:
        return _SQLITE_READONLY
    if "full" in text:
        return _SQLITE_FULL
    return 0


def _classify(exc: sqlite3.Error) -> ErrorKind:
    code = _error_code(exc)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return "corrupt"
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return "locked"
    if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PERM):
        return "read_only"
    if code == _SQLITE_FULL:
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
    if kind == "corrupt":
        return f"The session log ({path}) is damaged and cannot be read. {_UNSAVED}."
    suffix = f" ({detail})" if detail else ""
    return f"The session log ({path}) could not be used{suffix}. {_UNSAVED}."


def _wrap(exc: sqlite3.Error, path: Path) -> StorageError:
    kind = _classify(exc)
    return StorageError(_message(kind, path, str(exc)), kind)


# ----------------------------------------------------------------------------------------------
# Instance lock: a second app instance must not mark the first one's session as interrupted.


class _InstanceLock:
    def __init__(self, path: Path) -> None:
        self._file: IO[str] | None = None
        self.path = path

    def acquire(self) -> bool:
        """True when this process now holds the lock; False when another instance holds it."""
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the lock
            self._file = None


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
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    return sqlite3.connect(path, timeout=timeout)


class SessionStore:
    """The open session log. Every method raises only StorageError, with a user-facing message."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool,
        read_only_reason: str = "",
        read_only_kind: ErrorKind = "read_only",
        lock: _InstanceLock | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.read_only_kind: ErrorKind = read_only_kind
        self._lock = lock

    # -- plumbing ------------------------------------------------------------------------------

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StorageError(
                self.read_only_reason or _message("read_only", self.path), self.read_only_kind
            )
        try:
            with self._conn:
                yield self._conn
        except sqlite3.Error as exc:
            logger.warning("session log write failed: %s", exc)
            raise _wrap(exc, self.path) from exc

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            logger.warning("session log read failed: %s", exc)
            raise _wrap(exc, self.path) from exc

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
        started_at = _aware(started_at)
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (routine_id, routine_name, started_at, started_offset,"
                " local_date, status, planned_seconds) VALUES (?, ?, ?, ?, ?, 'running', ?)",
                (
                    routine_id,
                    routine_name,
                    _utc_text(started_at),
                    _offset_seconds(started_at),
                    started_at.date().isoformat(),
                    int(planned_seconds),
                ),
            )
            return int(cast(int, cursor.lastrowid))

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
        held = round(max(0.0, float(held_seconds)), 3)
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO holds (session_id, hold_index, stretch_id, stretch_name, side, rep,"
                " planned_seconds, held_seconds, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    hold_index,
                    stretch_id,
                    stretch_name,
                    side,
                    rep,
                    int(planned_seconds),
                    held,
                    outcome,
                ),
            )
            conn.execute(
                "UPDATE sessions SET held_seconds = held_seconds + ? WHERE id = ?",
                (held, session_id),
            )

    def add_event(
        self,
        session_id: int,
        *,
        kind: EventKind,
        at: datetime,
        stretch_id: str | None = None,
        symptom: str | None = None,
    ) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO events (session_id, kind, at, at_offset, stretch_id, symptom)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, kind, _utc_text(at), _offset_seconds(at), stretch_id, symptom),
            )

    def finish_session(
        self,
        session_id: int,
        *,
        status: FinishStatus,
        ended_at: datetime,
        held_seconds: float | None = None,
    ) -> None:
        """Close a running session. held_seconds replaces the sum of the holds when given."""
        with self._writing() as conn:
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

    def set_note_and_feeling(self, session_id: int, note: str | None, feeling: int | None) -> None:
        """The user's note (blank clears it) and how they felt, 1 to 5 (None clears it)."""
        if feeling is not None and not 1 <= feeling <= 5:
            raise StorageError("How you felt is a number from 1 to 5.", "other")
        clean = (note or "").strip() or None
        with self._writing() as conn:
            conn.execute(
                "UPDATE sessions SET note = ?, feeling = ? WHERE id = ?",
                (clean, feeling, session_id),
            )

    def mark_running_as_interrupted(self) -> int:
        """Sessions left running by an app that was killed; returns how many were marked."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE sessions SET status = 'interrupted' WHERE status = 'running'"
            )
            return cursor.rowcount

    # -- reading -------------------------------------------------------------------------------

    _SUMMARY_COLUMNS = (
        "s.id, s.routine_id, s.routine_name, s.started_at, s.started_offset, s.ended_at,"
        " s.ended_offset, s.status, s.planned_seconds, s.held_seconds, s.note, s.feeling,"
        " (SELECT group_concat(e.symptom, char(31)) FROM events e"
        "  WHERE e.session_id = s.id AND e.kind = 'symptom')"
    )

    @staticmethod
    def _summary(row: Sequence[Any]) -> SessionSummary:
        symptoms = tuple(row[12].split("\x1f")) if row[12] else ()
        return SessionSummary(
            id=row[0],
            routine_id=row[1],
            routine_name=row[2],
            started_at=_local(row[3], row[4]),
            ended_at=_local_or_none(row[5], row[6]),
            status=row[7],
            planned_seconds=row[8],
            held_seconds=row[9],
            note=row[10],
            feeling=row[11],
            symptoms=symptoms,
        )

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
        """Sessions newest first, ``limit`` at a time; pass the returned cursor for the next page.

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
        page = [self._summary(row) for row in rows]
        cursor: PageCursor | None = (rows[-1][13], rows[-1][0]) if rows else None
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
            "SELECT stretch_id, stretch_name, side, rep, planned_seconds, held_seconds, outcome"
            " FROM holds WHERE session_id = ? ORDER BY id",
            [session_id],
        )
        events = self._query(
            "SELECT kind, at, at_offset, stretch_id, symptom FROM events"
            " WHERE session_id = ? ORDER BY id",
            [session_id],
        )
        return SessionDetail(
            session=summary,
            holds=tuple(HoldRecord(*row) for row in holds),
            events=tuple(
                EventRecord(kind=k, at=_local(at, off), stretch_id=sid, symptom=sym)
                for k, at, off, sid, sym in events
            ),
        )

    def stats(self, today: date | None = None) -> Stats:
        """Sessions this week (from Monday), streaks in local days, total time held.

        Sessions of the demo routine (``DEMO_ROUTINE_ID``) count in none of them.
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
        by_day = {date.fromisoformat(d): float(m) for d, m in rows}
        return [
            DayMinutes(day, by_day.get(day, 0.0))
            for day in (first + timedelta(days=i) for i in range(days))
        ]


# ----------------------------------------------------------------------------------------------
# Opening


def _migrate(conn: sqlite3.Connection, version: int) -> None:
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
        conn.execute("PRAGMA synchronous = NORMAL")


QUICK_CHECK_LIMIT = 16 * 2**20
"""Logs up to this size get a full quick_check on open (about 20,000 sessions: decades of use);
bigger ones only have their header and schema read, so start-up stays fast. Damage found later
is a StorageError of kind "corrupt"."""


def _check_integrity(conn: sqlite3.Connection, full: bool) -> None:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if not full:
        return
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed: {result}")


def _move_aside(path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"sessions.corrupt-{stamp}.db")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"sessions.corrupt-{stamp}-{counter}.db")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    return target


def _open_read_only(
    path: Path, kind: ErrorKind, reason: str, messages: list[str], timeout: float
) -> tuple[SessionStore | None, list[str]]:
    """The history stays readable when writing is impossible."""
    if not path.exists():
        return None, messages
    # On a read-only disk SQLite cannot create the -shm file a WAL database needs; with no
    # -wal file there is no writer, and the file can be read as immutable.
    idle = not path.with_name(path.name + "-wal").exists()
    conn: sqlite3.Connection | None = None
    try:
        try:
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
    store = SessionStore(conn, path, read_only=True, read_only_reason=reason, read_only_kind=kind)
    return store, messages


def open_store(
    data_dir: Path,
    *,
    now: Callable[[], datetime] = datetime.now,
    timeout: float = 2.0,
    integrity_check: bool | None = None,
) -> tuple[SessionStore | None, list[str]]:
    """Open (or create) the session log in ``data_dir``. Never raises.

    Returns the store (None, or read-only, when sessions cannot be saved) and messages to show
    the user. Sessions that were still running when the app last stopped become interrupted.
    ``integrity_check``: run SQLite's quick_check; by default only for logs up to
    :data:`QUICK_CHECK_LIMIT`.
    """
    path = data_dir / DB_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("cannot create the data directory %s: %s", data_dir, exc)
        return None, [_message("read_only", path)]

    lock = _InstanceLock(data_dir / LOCK_NAME)
    try:
        locked_here = lock.acquire()
    except OSError as exc:
        logger.warning("cannot create the lock file: %s", exc)
        reason = _message("read_only", path)
        return _open_read_only(path, "read_only", reason, [reason], timeout)
    if not locked_here:
        reason = _message("locked", path)
        return _open_read_only(path, "locked", reason, [reason], timeout)

    messages: list[str] = []
    for _attempt in range(2):
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect(path, read_only=False, timeout=timeout)
            full = integrity_check
            if full is None:
                full = path.exists() and path.stat().st_size <= QUICK_CHECK_LIMIT
            _check_integrity(conn, full)
            version = _user_version(conn)
            if version > SCHEMA_VERSION:
                conn.close()
                lock.release()
                reason = (
                    f"The session log ({path}) was written by a newer version of Stretch Timer "
                    f"(schema {version}; this version knows up to {SCHEMA_VERSION}). It is left "
                    "untouched and new sessions will not be saved: please update Stretch Timer."
                )
                return _open_read_only(path, "newer", reason, [*messages, reason], timeout)
            _configure(conn, read_only=False)
            _migrate(conn, version)
            store = SessionStore(conn, path, read_only=False, lock=lock)
            count = store.mark_running_as_interrupted()
            if count:
                logger.info("%d session(s) left running were marked interrupted", count)
            return store, messages
        except StorageError as exc:
            error_kind: ErrorKind = exc.kind
            detail = str(exc)
        except sqlite3.Error as exc:
            error_kind = _classify(exc)
            detail = str(exc)
        except OSError as exc:
            error_kind, detail = "other", str(exc)
        logger.warning("opening the session log failed (%s): %s", error_kind, detail)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        if error_kind != "corrupt" or _attempt:
            lock.release()
            reason = _message(error_kind, path, detail)
            return _open_read_only(path, error_kind, reason, [*messages, reason], timeout)
        try:
            moved = _move_aside(path, now())
        except OSError as exc:
            logger.warning("cannot move the damaged session log aside: %s", exc)
            lock.release()
            return None, [_message("corrupt", path)]
        messages.append(
            f"The session log was damaged and could not be read. It was moved to {moved} "
            "(nothing was deleted) and a new, empty log was started."
        )
    lock.release()  # pragma: no cover - the loop always returns
    return None, messages  # pragma: no cover


def open_store_readonly(data_dir: Path) -> tuple[SessionStore | None, list[str]]:
    """Open the log for reading only (the command line): creates, migrates and marks nothing.

    Returns None with no message when there is no log yet.
    """
    path = data_dir / DB_NAME
    if not path.is_file():
        return None, []
    # With no -wal file no one is writing, and a plain read-only open would create -wal/-shm.
    idle = not path.with_name(path.name + "-wal").exists()
    try:
        conn = _connect(path, read_only=True, timeout=2.0, immutable=idle)
        conn.execute("PRAGMA query_only = ON")
        version = _user_version(conn)
    except sqlite3.Error as exc:
        kind = _classify(exc)
        return None, [_message(kind, path, str(exc))]
    if version > SCHEMA_VERSION:
        conn.close()
        return None, [
            f"The session log ({path}) was written by a newer version of Stretch Timer "
            f"(schema {version}; this version knows up to {SCHEMA_VERSION})."
        ]
    if version < SCHEMA_VERSION:
        conn.close()
        return None, []
    reason = "The session log was opened for reading only."
    return SessionStore(conn, path, read_only=True, read_only_reason=reason), []


# ----------------------------------------------------------------------------------------------
# Export


def _sessions_since(store: SessionStore, since: date | None) -> Iterator[SessionSummary]:
    cursor: PageCursor | None = None
    while True:
        page, cursor = store.sessions_page(1000, cursor, since)
        yield from page
        if cursor is None or len(page) < 1000:
            return


def _children(
    store: SessionStore, since: date | None
) -> tuple[dict[int, list[HoldRecord]], dict[int, list[EventRecord]]]:
    clause, params = ("", []) if since is None else ("WHERE s.local_date >= ?", [since.isoformat()])
    holds: dict[int, list[HoldRecord]] = {}
    for row in store._query(
        "SELECT h.session_id, h.stretch_id, h.stretch_name, h.side, h.rep, h.planned_seconds,"
        f" h.held_seconds, h.outcome FROM holds h JOIN sessions s ON s.id = h.session_id {clause}"
        " ORDER BY h.id",
        params,
    ):
        holds.setdefault(row[0], []).append(HoldRecord(*row[1:]))
    events: dict[int, list[EventRecord]] = {}
    for sid, kind, at, off, stretch_id, symptom in store._query(
        "SELECT e.session_id, e.kind, e.at, e.at_offset, e.stretch_id, e.symptom FROM events e"
        f" JOIN sessions s ON s.id = e.session_id {clause} ORDER BY e.id",
        params,
    ):
        events.setdefault(sid, []).append(EventRecord(kind, _local(at, off), stretch_id, symptom))
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
