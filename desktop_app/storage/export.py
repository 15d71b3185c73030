"""The history as JSON and CSV, written as it is read: a page of sessions at a time, so memory
stays flat however long the log is.

The JSON is the command line's contract (README): a list of sessions, newest first, each with
its holds and events, exactly as ``json.dumps(sessions, indent=2, ensure_ascii=False)`` would
print it. It is written here a session at a time by :func:`session_json`, which prints the same
bytes several times faster than the json module's indenting encoder (pure Python); a test holds
the two equal.
"""

from __future__ import annotations

import csv
import io
import json.encoder
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from desktop_app.storage.errors import StorageError
from desktop_app.storage.records import EventRecord, HoldRecord, PageCursor, SessionDetail
from desktop_app.storage.rows import EVENT_COLUMNS, HOLD_COLUMNS
from desktop_app.storage.store import SessionStore

PAGE_SIZE = 500
"""Sessions read (and written) at a time: large enough that SQLite's per-statement cost
vanishes, small enough that a page is a few hundred kB whatever the log's size."""

OnDamage = Callable[[SessionStore], SessionStore]
"""Given the store whose read found the file damaged, the store to go on reading from (the
command line: what can be read from the file, in memory)."""

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


# ----------------------------------------------------------------------------------------------
# Reading, a page at a time


def _children(store: SessionStore, table: str, columns: str, ids: Sequence[int]) -> list[Any]:
    """Rows of ``table`` for the sessions ``ids``, by session then by id.

    Sessions are logged in the order they start, so a page's ids are usually one unbroken
    range: read as a range of the (session_id, id) index. Other ids (a log put together from
    several) are looked up one by one, never by reading everything between them.
    """
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids):
        where, params = "session_id BETWEEN ? AND ?", [low, high]
    else:
        where, params = f"session_id IN ({', '.join('?' * len(ids))})", list(ids)
    return store.query(
        f"SELECT session_id, id, {columns} FROM {table} WHERE {where} ORDER BY session_id, id",
        params,
    )


def _page(store: SessionStore, rows: Sequence[Sequence[Any]]) -> list[SessionDetail]:
    reader = store.rows
    ids = [row[0] for row in rows if isinstance(row[0], int)]
    holds: dict[int, list[HoldRecord]] = {}
    events: dict[int, list[EventRecord]] = {}
    if ids:
        holds = reader.holds_by_session(_children(store, "holds", HOLD_COLUMNS, ids))
        events = reader.events_by_session(_children(store, "events", EVENT_COLUMNS, ids))
    none: tuple[()] = ()
    return [
        SessionDetail(
            session, tuple(holds.get(session.id, none)), tuple(events.get(session.id, none))
        )
        for session in map(reader.session, rows)
        if session is not None
    ]


def session_pages(
    store: SessionStore,
    since: date | None = None,
    *,
    page_size: int = PAGE_SIZE,
    on_damage: OnDamage | None = None,
) -> Iterator[list[SessionDetail]]:
    """Every session on or after the local date ``since``, newest first, with its holds and
    events, ``page_size`` sessions at a time (fewer where rows cannot be read).

    Keyset paging on (started_at, id), the order of the sessions_by_start index, and the holds
    and events of a page in two more queries. When a read finds the file damaged,
    ``on_damage`` (once) gives the store to go on with, from where the damage was met;
    without it the StorageError is raised.
    """
    cursor: PageCursor | None = None
    while True:
        try:
            rows = store.session_rows(page_size, cursor, since)
            page = _page(store, rows)
        except StorageError as exc:
            if exc.kind != "corrupt" or on_damage is None:
                raise
            store, on_damage = on_damage(store), None
            continue
        if page:
            yield page
        if len(rows) < page_size:
            return
        cursor = store.cursor_after(rows[-1])


# ----------------------------------------------------------------------------------------------
# JSON

_string = json.encoder.encode_basestring  # the C one where there is one, as json.dumps uses


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _seconds(value: float) -> float:
    return round(value, 1)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _string(value)


_hold_texts: dict[HoldRecord, str] = {}


def _hold_json(h: HoldRecord) -> str:
    # A person's holds repeat (a completed hold logs exactly its planned time): each distinct
    # one is written out once. 0.0 is left out, as -0.0 equals it and prints differently.
    text = _hold_texts.get(h)
    if text is None:
        text = _hold_text(h)
        if h.held_seconds:
            if len(_hold_texts) >= 4096:
                _hold_texts.clear()
            _hold_texts[h] = text
    return text


def _hold_text(h: HoldRecord) -> str:
    return (
        f'      {{\n        "stretch_id": {_string(h.stretch_id)},\n'
        f'        "stretch_name": {_string(h.stretch_name)},\n'
        f'        "side": {_text_or_null(h.side)},\n'
        f'        "rep": {int.__repr__(h.rep)},\n'
        f'        "planned_seconds": {int.__repr__(h.planned_seconds)},\n'
        f'        "held_seconds": {float.__repr__(_seconds(h.held_seconds))},\n'
        f'        "outcome": {_string(h.outcome)}\n      }}'
    )


def _event_json(e: EventRecord) -> str:
    return (
        f'      {{\n        "kind": {_string(e.kind)},\n'
        f'        "at": {_string(_iso(e.at) or "")},\n'
        f'        "stretch_id": {_text_or_null(e.stretch_id)},\n'
        f'        "symptom": {_text_or_null(e.symptom)}\n      }}'
    )


def _list_json(items: list[str]) -> str:
    return "[\n" + ",\n".join(items) + "\n    ]" if items else "[]"


def session_json(detail: SessionDetail) -> str:
    """One session as an item of the contract's list: ``json.dumps`` of :func:`session_data`
    with ``indent=2, ensure_ascii=False``, one level in."""
    s = detail.session
    feeling = "null" if s.feeling is None else int.__repr__(s.feeling)
    holds = _list_json([_hold_json(h) for h in detail.holds])
    events = _list_json([_event_json(e) for e in detail.events])
    return (
        f'  {{\n    "id": {int.__repr__(s.id)},\n'
        f'    "routine_id": {_string(s.routine_id)},\n'
        f'    "routine_name": {_string(s.routine_name)},\n'
        f'    "started_at": {_text_or_null(_iso(s.started_at))},\n'
        f'    "ended_at": {_text_or_null(_iso(s.ended_at))},\n'
        f'    "status": {_string(s.status)},\n'
        f'    "planned_seconds": {int.__repr__(s.planned_seconds)},\n'
        f'    "held_seconds": {float.__repr__(_seconds(s.held_seconds))},\n'
        f'    "note": {_text_or_null(s.note)},\n'
        f'    "feeling": {feeling},\n'
        f'    "holds": {holds},\n'
        f'    "events": {events}\n  }}'
    )


def session_data(detail: SessionDetail) -> dict[str, Any]:
    """One session of the JSON contract as plain data."""
    s = detail.session
    return {
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
            for h in detail.holds
        ],
        "events": [
            {"kind": e.kind, "at": _iso(e.at), "stretch_id": e.stretch_id, "symptom": e.symptom}
            for e in detail.events
        ],
    }


def history_json(store: SessionStore, since: date | None = None) -> list[dict[str, Any]]:
    """Every session (on or after ``since``, a local date), newest first, as plain JSON data
    (in memory: for tests and small logs; the command line streams)."""
    return [session_data(d) for page in session_pages(store, since) for d in page]


def write_history_json(
    store: SessionStore,
    since: date | None,
    stream: TextIO,
    *,
    page_size: int = PAGE_SIZE,
    on_damage: OnDamage | None = None,
) -> int:
    """Write what :func:`history_json` holds as ``json.dumps(..., indent=2,
    ensure_ascii=False)`` prints it (no newline after), a page at a time; returns how many
    sessions were written."""
    count = 0
    for page in session_pages(store, since, page_size=page_size, on_damage=on_damage):
        stream.write(("[\n" if not count else ",\n") + ",\n".join(map(session_json, page)))
        count += len(page)
    stream.write("\n]" if count else "[]")
    return count


# ----------------------------------------------------------------------------------------------
# CSV


class _CsvFields:
    """Fields as one CSV writer writes them in a row (quoted where they need it), without the
    line's end: the columns of a session are written once however many holds it has, and a
    hold's once however often it recurs; joined with commas they make the same line."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="")
        self._holds: dict[HoldRecord, str] = {}

    def __call__(self, fields: Sequence[object]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(fields)
        return self._buffer.getvalue()

    def hold(self, h: HoldRecord) -> str:
        text = self._holds.get(h)
        if text is None:
            text = self(
                (
                    h.stretch_id,
                    h.stretch_name,
                    h.side or "",
                    h.rep,
                    h.planned_seconds,
                    _seconds(h.held_seconds),
                    h.outcome,
                )
            )
            if h.held_seconds:  # -0.0 equals 0.0 and prints differently
                if len(self._holds) >= 4096:
                    self._holds.clear()
                self._holds[h] = text
        return text


_NO_HOLD = ",,,,,,"  # the seven hold columns, empty


def write_history_csv(
    store: SessionStore,
    since: date | None,
    stream: TextIO,
    *,
    page_size: int = PAGE_SIZE,
    on_damage: OnDamage | None = None,
) -> int:
    """One row per hold with its session's columns (a session without holds gets one row),
    newest session first, written a page at a time.

    Returns the number of rows written, not counting the header.
    """
    fields = _CsvFields()
    stream.write(fields(CSV_COLUMNS) + "\n")
    count = 0
    for page in session_pages(store, since, page_size=page_size, on_damage=on_damage):
        lines: list[str] = []
        for detail in page:
            s = detail.session
            head = fields(
                (
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
                )
            )
            if not detail.holds:
                lines.append(f"{head},{_NO_HOLD}\n")
            lines.extend(f"{head},{fields.hold(h)}\n" for h in detail.holds)
        stream.write("".join(lines))
        count += len(lines)
    return count
