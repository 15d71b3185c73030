"""The session log's tables, their migrations and the checks that a file holds them."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from typing import Literal

from desktop_app.events import HoldOutcome
from desktop_app.storage import recovery
from desktop_app.storage.errors import DamagedError
from desktop_app.storage.pages import decode_text

logger = logging.getLogger(__name__)

TABLES = ("sessions", "holds", "events")

SessionStatus = Literal["running", "completed", "stopped", "interrupted"]
FinishStatus = Literal["completed", "stopped", "interrupted"]
EventKind = Literal["symptom", "pause", "resume"]
SideValue = Literal["left", "right"]

STATUSES: tuple[SessionStatus, ...] = ("running", "completed", "stopped", "interrupted")
OUTCOMES: tuple[HoldOutcome, ...] = ("completed", "skipped", "stopped")
EVENT_KINDS: tuple[EventKind, ...] = ("symptom", "pause", "resume")
SIDES: tuple[SideValue, ...] = ("left", "right")

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

MARK_INTERRUPTED = "UPDATE sessions SET status = 'interrupted' WHERE status = 'running'"


def unknown_version(version: int) -> DamagedError:
    return DamagedError(f"it says its format is version {version}, which no Stretch Timer writes")


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring the schema from ``version`` up to :data:`SCHEMA_VERSION`, a transaction a step."""
    if not 0 <= version <= SCHEMA_VERSION:
        raise unknown_version(version)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            for statement in MIGRATIONS[target - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        logger.info("session log migrated to schema version %d", target)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def configure(conn: sqlite3.Connection, read_only: bool) -> None:
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


def empty_log(version: int | None = None) -> sqlite3.Connection:
    """A log in memory with the schema of ``version`` (the current one by default).

    ``check_same_thread=False``: a store may be opened on a worker thread and used on another
    (never at the same time).
    """
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.text_factory = decode_text
    conn.execute("PRAGMA foreign_keys = ON")
    for statements in MIGRATIONS[: SCHEMA_VERSION if version is None else version]:
        for statement in statements:
            conn.execute(statement)
    return conn


def check_schema(conn: sqlite3.Connection, version: int) -> None:
    """The tables and indexes ``version`` has are all there (a dropped table is damage)."""
    present = _schema_objects(conn)
    with contextlib.closing(empty_log(version)) as expected:
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


def table_shapes() -> list[recovery.TableShape]:
    """The current tables' columns, for copying rows out of a damaged log."""
    with contextlib.closing(empty_log()) as conn:
        return recovery.table_shapes(conn, TABLES)
