"""The open session log: writes as a session runs, reads for the history.

Every method raises only :class:`StorageError`, with a user-facing message. A damaged file met
by a read or a write is set aside and what can be read from it copied into a new log (how is
the opening's business: :mod:`desktop_app.storage.opening` hands the store a ``rebuild``); the
store then goes on with the new one. In the window that happens on a worker thread, and the
log reads as busy meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from desktop_app.events import HoldOutcome
from desktop_app.model import DEMO_ROUTINE_ID
from desktop_app.storage.errors import ErrorKind, StorageError, classify, message, wrap
from desktop_app.storage.lock import InstanceLock
from desktop_app.storage.pages import decode_text
from desktop_app.storage.records import (
    DayMinutes,
    LoggedSession,
    NewEvent,
    NewHold,
    PageCursor,
    SessionDetail,
    SessionWrite,
    Stats,
    aware,
    local_today,
)
from desktop_app.storage.rows import (
    EVENT_COLUMNS,
    HOLD_COLUMNS,
    SESSION_COLUMNS,
    RowReader,
    finish_row,
    insert_event,
    insert_hold,
    insert_session,
)
from desktop_app.storage.schema import MARK_INTERRUPTED, EventKind, FinishStatus, SideValue

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

Rebuild = Callable[[], tuple[sqlite3.Connection, str]]
"""Sets the damaged log aside and starts a new one with what could be read from it; returns the
new connection and what to tell the user. Raises OSError or sqlite3.Error when it cannot."""

WRITE_BUSY_TIMEOUT_MS = 250
"""How long one write waits for another program's transaction before the recorder keeps the
hold in memory and tries again later (so the window never stands still for long)."""

RECOVERING = (
    "The session log ({path}) turned out to be damaged and is being recovered. The holds of "
    "this session are kept and will be saved as soon as that is done."
)


class SessionStore:
    """The open session log.

    A writable store holds the instance lock. :attr:`generation` counts the recoveries from a
    damaged file and :attr:`notify` (if set) is told about each. With
    :attr:`recover_in_background` a recovery runs on a worker thread: until it is done every
    read and write raises a ``busy`` StorageError, and :attr:`recovery_finished` (if set) is
    called on that thread when it is.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool,
        read_only_reason: str = "",
        read_only_kind: ErrorKind = "read_only",
        lock: InstanceLock | None = None,
        rebuild: Rebuild | None = None,
        running_means_interrupted: Callable[[], bool] | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.read_only_kind: ErrorKind = read_only_kind
        self._lock = lock
        self._rebuild = rebuild
        self._rows = RowReader(running_means_interrupted)
        self.generation = 0
        self.notify: Callable[[str], None] | None = None
        self.interrupt_pending = False
        self.recover_in_background = False
        self.recovery_finished: Callable[[], None] | None = None
        self._recovery: threading.Thread | None = None
        self._recovered: tuple[sqlite3.Connection, str] | BaseException | None = None

    # -- plumbing ------------------------------------------------------------------------------

    def close(self) -> None:
        self.wait_for_recovery()
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
        return (
            not self.read_only
            and self._rebuild is not None
            and self._lock is not None
            and self._lock.held
        )

    @property
    def recovering(self) -> bool:
        """A recovery runs on a worker thread (its result not yet taken up)."""
        return self._recovery is not None

    @property
    def rows(self) -> RowReader:
        """Reads this store's rows into records, and keeps what it had to leave out."""
        return self._rows

    def _ready(self) -> None:
        if self._recovery is not None and not self._take_recovery():
            raise StorageError(RECOVERING.format(path=self.path), "busy")

    def _write(self, action: Callable[[sqlite3.Connection], Any]) -> Any:
        if self.read_only:
            raise StorageError(
                self.read_only_reason or message("read_only", self.path), self.read_only_kind
            )

        def transaction() -> Any:
            if self.interrupt_pending:
                with self._conn:
                    self._conn.execute(MARK_INTERRUPTED)
                self.interrupt_pending = False
            with self._conn:
                return action(self._conn)

        return self._recovering_from_damage("write", transaction)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        """The rows of a read; a damaged file met here is recovered first (see the class)."""
        return self._recovering_from_damage("read", lambda: self._fetch(sql, params))

    def _recovering_from_damage(self, what: str, attempt: Callable[[], _T]) -> _T:
        """``attempt()`` (again after a recovery, when it finds the file damaged); SQLite's
        errors become StorageErrors."""
        self._ready()
        for tries in range(2):
            try:
                return attempt()
            except sqlite3.Error as exc:
                logger.log(
                    logging.WARNING if what == "write" else logging.INFO,
                    "session log %s failed: %s",
                    what,
                    exc,
                )
                if tries == 0 and classify(exc) == "corrupt" and self.recover():
                    continue
                raise wrap(exc, self.path) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Any]:
        # Text is decoded by sqlite3 itself (in C: the history export reads millions of
        # values); text that is not UTF-8 makes it raise its own error, with no SQLite code,
        # and the rows are read again with U+FFFD in place of the bad bytes.
        conn = self._conn
        conn.text_factory = str
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) is not None:
                raise
        finally:
            conn.text_factory = decode_text
        return conn.execute(sql, params).fetchall()

    def recover(self) -> bool:
        """The file turned out to be damaged: set it aside and go on with a new log holding
        what could be read from it. False (and the store becomes read-only) when that fails.

        With :attr:`recover_in_background` this starts the work on a thread and raises the
        ``busy`` StorageError that every use of the store raises until it is done.
        """
        if not self.can_recover or self._rebuild is None:
            return False
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        if self.recover_in_background:
            self._recovery = threading.Thread(
                target=self._recover_on_thread, args=(self._rebuild,), name="log-recovery"
            )
            self._recovery.start()
            raise StorageError(RECOVERING.format(path=self.path), "busy")
        try:
            result: tuple[sqlite3.Connection, str] | BaseException = self._rebuild()
        except (OSError, sqlite3.Error) as exc:
            result = exc
        return self._adopt(result)

    def _recover_on_thread(self, rebuild: Rebuild) -> None:
        try:
            self._recovered = rebuild()
        except BaseException as exc:  # taken up on the store's own thread
            self._recovered = exc
        if self.recovery_finished is not None:
            self.recovery_finished()

    def _take_recovery(self) -> bool:
        """Go on with the log a finished background recovery made; False while it runs."""
        thread, result = self._recovery, self._recovered
        if thread is None or result is None:
            return thread is None
        thread.join()
        self._recovery = self._recovered = None
        if isinstance(result, BaseException) and not isinstance(result, OSError | sqlite3.Error):
            logger.error("recovering the damaged session log failed", exc_info=result)
        self._adopt(result)
        return True

    def wait_for_recovery(self, timeout: float | None = None) -> bool:
        """Wait for a background recovery and go on with its log; True when none runs now."""
        if self._recovery is not None:
            self._recovery.join(timeout)
            self._take_recovery()
        return self._recovery is None

    def _adopt(self, result: tuple[sqlite3.Connection, str] | BaseException) -> bool:
        if isinstance(result, BaseException):
            logger.error("recovering the damaged session log failed: %s", result)
            self.read_only = True
            self.read_only_kind = "corrupt"
            self.read_only_reason = message("corrupt", self.path)
            if self.notify is not None:
                self.notify(self.read_only_reason)
            return False
        self._conn, told = result
        self.generation += 1
        self._rows.forget()
        if self.notify is not None:
            self.notify(told)
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
                lambda conn: insert_session(
                    conn, None, routine_id, routine_name, aware(started_at), planned_seconds
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
            held = insert_hold(conn, session_id, hold)
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
        self._write(lambda conn: insert_event(conn, session_id, event))

    def finish_session(
        self,
        session_id: int,
        *,
        status: FinishStatus,
        ended_at: datetime,
        held_seconds: float | None = None,
    ) -> None:
        """Close a running session. held_seconds replaces the sum of the holds when given."""
        self._write(lambda conn: finish_row(conn, session_id, status, ended_at, held_seconds))

    def rewrite_session(self, session_id: int | None, session: SessionWrite) -> int:
        """Write a whole session (as a recorder remembers it) in one transaction, replacing
        whatever the log has under ``session_id``; returns its id. Used after a recovery."""

        def write(conn: sqlite3.Connection) -> int:
            if session_id is not None:
                conn.execute("DELETE FROM holds WHERE session_id = ?", (session_id,))
                conn.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
                conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            sid = insert_session(
                conn,
                session_id,
                session.routine_id,
                session.routine_name,
                aware(session.started_at),
                session.planned_seconds,
            )
            total = sum(insert_hold(conn, sid, hold) for hold in session.holds)
            conn.execute("UPDATE sessions SET held_seconds = ? WHERE id = ?", (total, sid))
            for event in session.events:
                insert_event(conn, sid, event)
            if session.finish is not None:
                status, ended_at, held = session.finish
                finish_row(conn, sid, status, ended_at, held)
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
        return int(self._write(lambda conn: conn.execute(MARK_INTERRUPTED).rowcount))

    # -- reading -------------------------------------------------------------------------------

    def unreadable(self) -> list[str]:
        """What reads so far had to leave out, one sentence each (session order)."""
        return self._rows.unreadable()

    def session_count(self, since: date | None = None) -> int:
        if since is None:
            rows = self.query("SELECT count(*) FROM sessions")
        else:
            rows = self.query(
                "SELECT count(*) FROM sessions WHERE local_date >= ?", (since.isoformat(),)
            )
        return int(rows[0][0])

    def session_rows(
        self, limit: int, after: PageCursor | None = None, since: date | None = None
    ) -> list[Any]:
        """Rows of :data:`~desktop_app.storage.rows.SESSION_COLUMNS` newest first, ``limit`` at
        a time after ``after`` (see :meth:`cursor_after`). Keyset paging on the
        (started_at, id) index, so page 500 costs what page 1 costs."""
        where: list[str] = []
        params: list[Any] = []
        if after is not None:
            # The start time as its stored bytes: text that is not UTF-8 reads back changed
            # (decode_text), and a changed key could skip rows or read the same page forever.
            where.append("(s.started_at, s.id) < (CASE WHEN ? THEN CAST(? AS TEXT) ELSE ? END, ?)")
            key, is_text, last_id = after
            params.extend((is_text, key, key, last_id))
        if since is not None:
            where.append("s.local_date >= ?")
            params.append(since.isoformat())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self.query(
            f"SELECT {SESSION_COLUMNS}, CAST(s.started_at AS BLOB),"
            f" typeof(s.started_at) = 'text' FROM sessions s {clause}"
            " ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
            [*params, limit],
        )

    @staticmethod
    def cursor_after(row: Sequence[Any]) -> PageCursor:
        """Where the page that ends with this row of :meth:`session_rows` ends."""
        return (row[13], bool(row[14]), row[0])

    def sessions_page(
        self, limit: int, after: PageCursor | None = None, since: date | None = None
    ) -> tuple[list[LoggedSession], PageCursor | None]:
        """Sessions newest first, ``limit`` rows at a time; pass the returned cursor for the
        next page. The cursor is None once the last page has been read. Unreadable rows are
        left out of the page (so it may be shorter) and listed by :meth:`unreadable`."""
        rows = self.session_rows(limit, after, since)
        cursor = self.cursor_after(rows[-1]) if len(rows) >= limit else None
        return self._rows.sessions(rows), cursor

    def sessions(self, since: date | None = None, page: int = 1000) -> Iterator[LoggedSession]:
        """Every session (on or after the local date ``since``), newest first, a page at a time."""
        cursor: PageCursor | None = None
        while True:
            found, cursor = self.sessions_page(page, cursor, since)
            yield from found
            if cursor is None:
                return

    def session(self, session_id: int) -> LoggedSession | None:
        rows = self.query(f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", [session_id])
        return self._rows.session(rows[0]) if rows else None

    def session_detail(self, session_id: int) -> SessionDetail | None:
        summary = self.session(session_id)
        if summary is None:
            return None
        holds = self.query(
            f"SELECT id, {HOLD_COLUMNS} FROM holds WHERE session_id = ? ORDER BY id", [session_id]
        )
        events = self.query(
            f"SELECT id, {EVENT_COLUMNS} FROM events WHERE session_id = ? ORDER BY id",
            [session_id],
        )
        rows = self._rows
        return SessionDetail(
            session=summary,
            holds=tuple(
                h for h in (rows.hold(r[0], session_id, r[1:]) for r in holds) if h is not None
            ),
            events=tuple(
                e for e in (rows.event(r[0], session_id, r[1:]) for r in events) if e is not None
            ),
        )

    def stats(self, today: date | None = None) -> Stats:
        """Sessions this week (from Monday), streaks in local days, total time held.

        Sessions of the demo routine (``DEMO_ROUTINE_ID``) count in none of them. A day that
        is not a date is no day of a streak; sum() counts text as 0 seconds.
        """
        day = today or local_today()
        monday = day - timedelta(days=day.weekday())
        rows = self.query(
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
                "today": day.isoformat(),
                "yesterday": (day - timedelta(days=1)).isoformat(),
                "monday": monday.isoformat(),
            },
        )
        week, current, longest, total = rows[0]
        return Stats(int(week), int(current), int(longest), float(total))

    def minutes_per_day(self, days: int = 28, today: date | None = None) -> list[DayMinutes]:
        """Minutes held on each of the last ``days`` local days, oldest first, zeros included.

        The demo routine's sessions are left out, as in :meth:`stats`.
        """
        last = today or local_today()
        first = last - timedelta(days=days - 1)
        rows = self.query(
            "SELECT local_date, sum(held_seconds) / 60.0 FROM sessions"
            " WHERE local_date BETWEEN ? AND ? AND routine_id != ? GROUP BY local_date",
            [first.isoformat(), last.isoformat(), DEMO_ROUTINE_ID],
        )
        by_day: dict[date, float] = {}
        for day, minutes in rows:
            with contextlib.suppress(ValueError, TypeError):
                by_day[date.fromisoformat(day)] = float(minutes)
        return [
            DayMinutes(day, by_day.get(day, 0.0))
            for day in (first + timedelta(days=i) for i in range(days))
        ]
