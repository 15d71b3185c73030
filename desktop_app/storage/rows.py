"""Rows of the session log read into records (where any value may be damaged), and records
written as rows.

A value that cannot be read (a date that is not a date, text in a number column) never raises:
its row is left out and :meth:`RowReader.unreadable` says which and why.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, cast

from desktop_app.events import HoldOutcome
from desktop_app.storage.records import (
    EventRecord,
    HoldRecord,
    LoggedSession,
    NewEvent,
    NewHold,
    offset_seconds,
    utc_text,
)
from desktop_app.storage.schema import (
    EVENT_KINDS,
    OUTCOMES,
    SIDES,
    STATUSES,
    EventKind,
    FinishStatus,
    SessionStatus,
    SideValue,
)

SESSION_COLUMNS = (
    "s.id, s.routine_id, s.routine_name, s.started_at, s.started_offset, s.ended_at,"
    " s.ended_offset, s.status, s.planned_seconds, s.held_seconds, s.note, s.feeling,"
    " (SELECT group_concat(e.symptom, char(31)) FROM events e"
    "  WHERE e.session_id = s.id AND e.kind = 'symptom')"
)
"""What :meth:`RowReader.session` reads, from ``sessions s``."""

_FINISHED = frozenset(STATUSES) - {"running"}  # a running session is looked at more closely

HOLD_COLUMNS = "stretch_id, stretch_name, side, rep, planned_seconds, held_seconds, outcome"
EVENT_COLUMNS = "kind, at, at_offset, stretch_id, symptom"


class UnreadableError(ValueError):
    """A stored value that is not what its column holds; the message says which and why."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    raise UnreadableError(f"its {what} ({_shown(value)}) is not text")


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _integer(value: object, what: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnreadableError(f"its {what} ({_shown(value)}) is not a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise UnreadableError(f"its {what} ({value}) is out of range")
    return value


def _seconds(value: object, what: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise UnreadableError(f"its {what} ({_shown(value)}) is not a number of seconds")
    if value < 0:
        raise UnreadableError(f"its {what} ({value}) is negative")
    return float(value)


def _one_of(value: object, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise UnreadableError(f"its {what} ({_shown(value)}) is not one of {', '.join(allowed)}")
    return cast(str, value)


@lru_cache(maxsize=256)
def _zone(offset: int) -> timezone:
    return UTC if offset == 0 else timezone(timedelta(seconds=offset))


def local_time(utc_text: str, offset: int) -> datetime:
    """A stored UTC time as the local time it was, at its offset (seconds east of UTC)."""
    utc = datetime.fromisoformat(utc_text)
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=UTC)
    return utc.astimezone(_zone(offset))


def _moment(text: object, offset: object, what: str) -> datetime:
    seconds = _integer(offset, f"{what} offset", -86399, 86399)
    if not isinstance(text, str):
        raise UnreadableError(f"its {what} ({_shown(text)}) is not a date and time")
    try:
        return local_time(text, seconds)
    except (ValueError, OverflowError):
        raise UnreadableError(f"its {what} ({_shown(text)}) is not a date and time") from None


class RowReader:
    """Turns rows into records and remembers what it had to leave out.

    ``running_means_interrupted``: asked when a session reads as running; True makes it read as
    interrupted (no window holds the log, so nothing is running it).
    """

    def __init__(self, running_means_interrupted: Callable[[], bool] | None = None) -> None:
        self._running_means_interrupted = running_means_interrupted
        self._left_out: dict[tuple[str, int], str] = {}
        self._known_holds: dict[Sequence[Any], HoldRecord] = {}

    def unreadable(self) -> list[str]:
        """What was left out so far, one sentence each (sessions, then holds, then events, each
        in the order of their rows)."""
        return [self._left_out[key] for key in sorted(self._left_out)]

    def forget(self) -> None:
        self._left_out.clear()

    def _skip(self, table: str, rowid: object, reason: str, session_id: object = None) -> None:
        key = (table, rowid if isinstance(rowid, int) else -1)
        if table == "sessions":
            text = f"Session {rowid} is left out: {reason}."
        else:
            noun = "A hold" if table == "holds" else "An event"
            text = f"{noun} of session {session_id} is left out: {reason}."
        self._left_out.setdefault(key, text)

    def _status(self, value: object) -> SessionStatus:
        status = cast(SessionStatus, _one_of(value, STATUSES, "status"))
        if status == "running" and self._running_means_interrupted is not None:
            with contextlib.suppress(OSError):
                if self._running_means_interrupted():
                    return "interrupted"
        return status

    def session(self, row: Sequence[Any]) -> LoggedSession | None:
        """A row of :data:`SESSION_COLUMNS`, or None when a value in it cannot be read."""
        sid, routine_id, name, start, start_offset, end, end_offset, status = row[:8]
        planned, held, note, feeling, symptoms = row[8:13]
        if (  # the usual row, at a glance; anything else is looked at value by value below
            type(sid) is int
            and type(routine_id) is str
            and type(name) is str
            and type(start) is str
            and type(start_offset) is int
            and -86399 <= start_offset <= 86399
            and (
                end is None
                or (type(end) is str and type(end_offset) is int and -86399 <= end_offset <= 86399)
            )
            and status in _FINISHED
            and type(planned) is int
            and planned >= 0
            and type(held) is float
            and 0.0 <= held < math.inf
            and (note is None or type(note) is str)
            and (feeling is None or (type(feeling) is int and 1 <= feeling <= 5))
        ):
            try:
                started_at = local_time(start, start_offset)
                ended_at = None if end is None else local_time(end, end_offset)
            except (ValueError, OverflowError):
                pass  # said which below
            else:
                return LoggedSession(
                    sid,
                    routine_id,
                    name,
                    started_at,
                    ended_at,
                    status,
                    planned,
                    held,
                    note,
                    feeling,
                    tuple(symptoms.split("\x1f")) if type(symptoms) is str else (),
                )
        try:
            symptoms = row[12]
            ended_at = None if row[5] is None else _moment(row[5], row[6] or 0, "end time")
            feeling = row[11]
            return LoggedSession(
                id=_integer(row[0], "id"),
                routine_id=_text(row[1], "routine id"),
                routine_name=_text(row[2], "routine name"),
                started_at=_moment(row[3], row[4], "start time"),
                ended_at=ended_at,
                status=self._status(row[7]),
                planned_seconds=_integer(row[8], "planned time", 0),
                held_seconds=_seconds(row[9], "time held"),
                note=_optional_text(row[10], "note"),
                feeling=None if feeling is None else _integer(feeling, "feeling", 1, 5),
                symptoms=tuple(symptoms.split("\x1f")) if isinstance(symptoms, str) else (),
            )
        except UnreadableError as exc:
            self._skip("sessions", row[0], str(exc))
            return None

    def sessions(self, rows: Sequence[Sequence[Any]]) -> list[LoggedSession]:
        return [s for s in (self.session(row) for row in rows) if s is not None]

    def hold(self, rowid: int, session_id: object, row: Sequence[Any]) -> HoldRecord | None:
        """A row of :data:`HOLD_COLUMNS`, or None when a value in it cannot be read."""
        stretch_id, stretch_name, side, rep, planned, held, outcome = row
        if (  # the usual row, at a glance; anything else is looked at value by value below
            type(stretch_id) is str
            and type(stretch_name) is str
            and (side is None or side in SIDES)
            and type(rep) is int
            and rep >= 1
            and type(planned) is int
            and planned >= 0
            and type(held) is float
            and 0.0 <= held < math.inf
            and outcome in OUTCOMES
        ):
            return HoldRecord._make(row)
        try:
            return HoldRecord(
                stretch_id=_text(row[0], "stretch id"),
                stretch_name=_text(row[1], "stretch name"),
                side=None if row[2] is None else cast(SideValue, _one_of(row[2], SIDES, "side")),
                rep=_integer(row[3], "rep", 1),
                planned_seconds=_integer(row[4], "planned time", 0),
                held_seconds=_seconds(row[5], "time held"),
                outcome=cast(HoldOutcome, _one_of(row[6], OUTCOMES, "outcome")),
            )
        except UnreadableError as exc:
            self._skip("holds", rowid, str(exc), session_id)
            return None

    def holds_by_session(self, rows: Iterable[Sequence[Any]]) -> dict[int, list[HoldRecord]]:
        """Rows of (session_id, id, :data:`HOLD_COLUMNS`...) as each session's holds, in the
        rows' order (one loop for the export's millions of rows).

        A person's holds repeat (a completed hold logs exactly its planned time): values read
        once are not looked at again (0.0 excepted: -0.0 equals it and reads differently).
        """
        found: dict[int, list[HoldRecord]] = {}
        known = self._known_holds
        hold, make, sides, outcomes = self.hold, HoldRecord._make, SIDES, OUTCOMES
        for row in rows:
            values = row[2:]
            record = known.get(values)
            if record is None:
                stretch_id, stretch_name, side, rep, planned, held, outcome = values
                if (  # as in hold(), inline
                    type(stretch_id) is str
                    and type(stretch_name) is str
                    and (side is None or side in sides)
                    and type(rep) is int
                    and rep >= 1
                    and type(planned) is int
                    and planned >= 0
                    and type(held) is float
                    and 0.0 < held < math.inf
                    and outcome in outcomes
                ):
                    record = make(values)
                    if len(known) >= 4096:
                        known.clear()
                    known[values] = record
                else:
                    record = hold(row[1], row[0], values)
                    if record is None:
                        continue
            session_id = row[0]
            if session_id in found:
                found[session_id].append(record)
            else:
                found[session_id] = [record]
        return found

    def events_by_session(self, rows: Iterable[Sequence[Any]]) -> dict[int, list[EventRecord]]:
        """Rows of (session_id, id, :data:`EVENT_COLUMNS`...) as each session's events."""
        found: dict[int, list[EventRecord]] = {}
        for row in rows:
            event = self.event(row[1], row[0], row[2:])
            if event is not None:
                found.setdefault(row[0], []).append(event)
        return found

    def event(self, rowid: int, session_id: object, row: Sequence[Any]) -> EventRecord | None:
        """A row of :data:`EVENT_COLUMNS`, or None when a value in it cannot be read."""
        try:
            return EventRecord(
                kind=cast(EventKind, _one_of(row[0], EVENT_KINDS, "kind")),
                at=_moment(row[1], row[2], "time"),
                stretch_id=_optional_text(row[3], "stretch id"),
                symptom=_optional_text(row[4], "symptom"),
            )
        except UnreadableError as exc:
            self._skip("events", rowid, str(exc), session_id)
            return None


# ----------------------------------------------------------------------------------------------
# Records written as rows


def insert_session(
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
            utc_text(started_at),
            offset_seconds(started_at),
            started_at.date().isoformat(),
            int(planned_seconds),
        ),
    )
    return int(cast(int, cursor.lastrowid))


def insert_hold(conn: sqlite3.Connection, session_id: int, hold: NewHold) -> float:
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


def insert_event(conn: sqlite3.Connection, session_id: int, event: NewEvent) -> None:
    conn.execute(
        "INSERT INTO events (session_id, kind, at, at_offset, stretch_id, symptom)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            session_id,
            event.kind,
            utc_text(event.at),
            offset_seconds(event.at),
            event.stretch_id,
            event.symptom,
        ),
    )


def finish_row(
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
            utc_text(ended_at),
            offset_seconds(ended_at),
            None if held_seconds is None else round(max(0.0, held_seconds), 3),
            session_id,
        ),
    )
