"""What the session log holds, as Python values, and how its times are written down.

Times are stored as UTC text (``YYYY-MM-DDTHH:MM:SS.fffZ``) with the local UTC offset in seconds
beside them, and each session also keeps its local calendar day (``local_date``) so that the
per-day figures (streaks, minutes per day) are plain indexed SQL aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from desktop_app.events import HoldOutcome
from desktop_app.storage.schema import EventKind, FinishStatus, SessionStatus, SideValue

PageCursor = tuple[bytes, bool, int]
"""Where a page of the session list ends: its last row's start time as stored (the bytes, and
whether they are text), and its id."""


# ----------------------------------------------------------------------------------------------
# Read from the log: named tuples, light enough to read a million sessions' worth


class LoggedSession(NamedTuple):
    """One session as the log has it (what the history list shows)."""

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


class HoldRecord(NamedTuple):
    stretch_id: str
    stretch_name: str
    side: SideValue | None
    rep: int
    planned_seconds: int
    held_seconds: float
    outcome: HoldOutcome


class EventRecord(NamedTuple):
    kind: EventKind
    at: datetime
    stretch_id: str | None
    symptom: str | None


class SessionDetail(NamedTuple):
    session: LoggedSession
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


# ----------------------------------------------------------------------------------------------
# Written to the log


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
    """A whole session as a recorder remembers it, for ``SessionStore.rewrite_session``."""

    routine_id: str
    routine_name: str
    started_at: datetime
    planned_seconds: int
    holds: tuple[NewHold, ...] = ()
    events: tuple[NewEvent, ...] = ()
    finish: tuple[FinishStatus, datetime, float | None] | None = None


# ----------------------------------------------------------------------------------------------
# Times


def aware(moment: datetime) -> datetime:
    """A naive datetime is taken as local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def utc_text(moment: datetime) -> str:
    utc = aware(moment).astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def offset_seconds(moment: datetime) -> int:
    offset = aware(moment).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def local_today() -> date:
    return datetime.now().astimezone().date()
