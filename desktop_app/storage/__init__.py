"""The session log: an SQLite database of sessions, holds and events, written as sessions run.

Plain standard library (sqlite3), no Qt, so the command line and the tests use it without a
display. One module a job:

- :mod:`~desktop_app.storage.schema`: the tables, their migrations, the checks that a file has them
- :mod:`~desktop_app.storage.records`: what the log holds as Python values; how times are written
- :mod:`~desktop_app.storage.rows`: rows read into records, leaving out values that cannot be read
- :mod:`~desktop_app.storage.errors`: errors by SQLite's result code, and what the user is told
- :mod:`~desktop_app.storage.lock`: the instance lock (one window writes the log)
- :mod:`~desktop_app.storage.store`: the open log, its writes and reads
- :mod:`~desktop_app.storage.opening`: opening for writing or reading, and what to do when the
  file is damaged, busy, read-only, newer or not a file; opening on a worker thread
- :mod:`~desktop_app.storage.recovery` and :mod:`~desktop_app.storage.pages`: what can still be
  read from a damaged file, through SQLite and page by page without it
- :mod:`~desktop_app.storage.export`: the history as JSON and CSV, streamed a page at a time

Display strings (durations, the plain-text history table) are :mod:`desktop_app.formatting`'s.
"""

from desktop_app.storage.errors import (
    DB_NAME,
    LOCK_NAME,
    DamagedError,
    ErrorKind,
    StorageError,
    odd_files,
)
from desktop_app.storage.export import (
    CSV_COLUMNS,
    history_json,
    session_pages,
    write_history_csv,
    write_history_json,
)
from desktop_app.storage.lock import lock_is_free
from desktop_app.storage.opening import (
    CHECK_BUDGET,
    BackgroundOpening,
    open_salvaged,
    open_store,
    open_store_readonly,
)
from desktop_app.storage.records import (
    DayMinutes,
    EventRecord,
    HoldRecord,
    LoggedSession,
    NewEvent,
    NewHold,
    PageCursor,
    SessionDetail,
    SessionWrite,
    Stats,
)
from desktop_app.storage.schema import (
    SCHEMA_VERSION,
    EventKind,
    FinishStatus,
    SessionStatus,
    SideValue,
)
from desktop_app.storage.store import WRITE_BUSY_TIMEOUT_MS, SessionStore

__all__ = [
    "CHECK_BUDGET",
    "CSV_COLUMNS",
    "DB_NAME",
    "LOCK_NAME",
    "SCHEMA_VERSION",
    "WRITE_BUSY_TIMEOUT_MS",
    "BackgroundOpening",
    "DamagedError",
    "DayMinutes",
    "ErrorKind",
    "EventKind",
    "EventRecord",
    "FinishStatus",
    "HoldRecord",
    "LoggedSession",
    "NewEvent",
    "NewHold",
    "PageCursor",
    "SessionDetail",
    "SessionStatus",
    "SessionStore",
    "SessionWrite",
    "SideValue",
    "Stats",
    "StorageError",
    "history_json",
    "lock_is_free",
    "odd_files",
    "open_salvaged",
    "open_store",
    "open_store_readonly",
    "session_pages",
    "write_history_csv",
    "write_history_json",
]
