"""Opening the session log: for writing (the window), for reading (the command line), and what
happens when the file is damaged, in use, read-only, newer or not a file at all.

Every function here returns ``(store or None, messages for the user)`` and never raises.
:class:`BackgroundOpening` runs :func:`open_store` on a worker thread, so a window never
stands still while a large damaged log is recovered.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from desktop_app.storage import recovery, schema
from desktop_app.storage.errors import (
    DB_NAME,
    LOCK_NAME,
    DamagedError,
    ErrorKind,
    StorageError,
    busy_at_open,
    classify,
    message,
    newer_version,
    odd_detail,
    odd_files,
    os_kind,
)
from desktop_app.storage.lock import InstanceLock, lock_is_free
from desktop_app.storage.pages import decode_text, header_problem
from desktop_app.storage.store import WRITE_BUSY_TIMEOUT_MS, SessionStore

logger = logging.getLogger(__name__)

Opened = tuple[SessionStore | None, list[str]]

CHECK_BUDGET = 1.0
"""Seconds PRAGMA integrity_check may take at start-up before it is cut short. A 100,000-session
log (68 MiB) is checked whole in about 0.5 s (bench/bench_history.py); past the budget the rest
is checked as it is used: any read or write that meets damage sets the file aside then."""


def connect(
    path: Path, read_only: bool, timeout: float, immutable: bool = False
) -> sqlite3.Connection:
    """Open the database file; read-only connections change nothing in it.

    ``immutable`` also stops SQLite from creating the -wal and -shm files beside it: only for a
    database no process is writing (no -wal file). ``check_same_thread=False``: the window
    opens its log on a worker thread and uses it on its own (never both at once).
    """
    if read_only:
        uri = path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
    conn.text_factory = decode_text
    return conn


def _sessions(count: int) -> str:
    return f"{count:,} session" + ("" if count == 1 else "s")


def _new_log(path: Path) -> sqlite3.Connection:
    conn = connect(path, read_only=False, timeout=2.0)
    try:
        schema.configure(conn, read_only=False)
        schema.migrate(conn, 0)
    except BaseException:
        conn.close()
        raise
    return conn


def rebuild_log(path: Path, now: datetime, why: str) -> tuple[sqlite3.Connection, str]:
    """Set the damaged log aside and start a new one with all that can be read from it.
    Returns the new log's connection and what to tell the user."""
    conn, moved, counts = recovery.rebuild(path, now, _new_log, schema.table_shapes())
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
) -> Opened:
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
            conn = connect(path, read_only=True, timeout=timeout)
            schema.user_version(conn)
        except sqlite3.Error:
            if not idle:
                raise
            if conn is not None:
                conn.close()
            conn = connect(path, read_only=True, timeout=timeout, immutable=True)
            schema.user_version(conn)
        schema.configure(conn, read_only=True)
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


def file_problem(path: Path) -> str | None:
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
    return recovery.wal_damage(wal, path) if wal.is_file() else None


def open_store(
    data_dir: Path,
    *,
    now: Callable[[], datetime] = datetime.now,
    timeout: float = 2.0,
    integrity_check: bool | None = None,
    check_budget: float = CHECK_BUDGET,
    lock_wait: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    on_recovering: Callable[[], None] | None = None,
) -> Opened:
    """Open (or create) the session log in ``data_dir``. Never raises.

    Returns the store (None, or read-only, when sessions cannot be saved) and messages to show
    the user. Sessions that were still running when the app last stopped become interrupted.
    ``integrity_check``: None runs SQLite's integrity_check within ``check_budget`` seconds,
    True without a limit, False not at all. ``lock_wait``: how long to wait for the instance
    lock (``history`` takes it for a moment) before saying another window has the log.
    ``on_recovering`` is called when the file turned out to be damaged, before what can be read
    from it is copied into a new log (which takes seconds for a large one).
    """
    path = data_dir / DB_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("cannot create the data directory %s: %s", data_dir, exc)
        kind = os_kind(exc, data_dir.parent)
        return None, [message("read_only" if kind == "other" else kind, path)]
    if odd_files(data_dir):
        reason = message("not_a_file", path, odd_detail(data_dir))
        return _open_read_only(path, "not_a_file", reason, [reason], timeout)

    lock = InstanceLock(data_dir / LOCK_NAME)
    try:
        locked_here = lock.acquire(lock_wait, sleep)
    except OSError as exc:
        logger.warning("cannot create the lock file: %s", exc)
        kind = os_kind(exc, data_dir)
        reason = message(kind, path, odd_detail(data_dir))
        return _open_read_only(path, kind, reason, [reason], timeout)
    if not locked_here:
        reason = message("locked", path)
        return _open_read_only(path, "locked", reason, [reason], timeout)
    owned = False
    try:
        store, messages = _open_locked(
            path, lock, now, timeout, integrity_check, check_budget, on_recovering
        )
        owned = store is not None and not store.read_only
        return store, messages
    finally:
        if not owned:
            lock.release()


def _open_locked(
    path: Path,
    lock: InstanceLock,
    now: Callable[[], datetime],
    timeout: float,
    integrity_check: bool | None,
    check_budget: float,
    on_recovering: Callable[[], None] | None,
) -> Opened:
    messages: list[str] = []
    for attempt in range(2):
        conn: sqlite3.Connection | None = None
        try:
            if attempt == 0:
                problem = file_problem(path)
                if problem:
                    raise DamagedError(problem)
            conn = connect(path, read_only=False, timeout=timeout)
            version = schema.user_version(conn)
            if schema.SCHEMA_VERSION < version < schema.IMPLAUSIBLE_VERSION:
                conn.close()
                reason = (
                    f"{newer_version(path, version, schema.SCHEMA_VERSION)} It is left "
                    "untouched and new sessions will not be saved: please update Stretch Timer."
                )
                return _open_read_only(path, "newer", reason, [*messages, reason], timeout)
            if not 0 <= version <= schema.SCHEMA_VERSION:
                raise schema.unknown_version(version)
            schema.check_schema(conn, version)
            if integrity_check is not False and version:
                recovery.check_integrity(conn, None if integrity_check else check_budget)
            schema.configure(conn, read_only=False)
            schema.migrate(conn, version)
            store = SessionStore(
                conn,
                path,
                read_only=False,
                lock=lock,
                rebuild=lambda: rebuild_log(path, now(), ""),
            )
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
            error_kind, detail, why = classify(exc, path), str(exc), ""
        except OSError as exc:
            error_kind, detail, why = os_kind(exc, path.parent), str(exc), ""
        logger.warning("opening the session log failed (%s): %s", error_kind, detail)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        if error_kind != "corrupt" or attempt:
            if error_kind == "busy":
                reason = busy_at_open(path)
            elif error_kind == "not_a_file":
                reason = message(error_kind, path, odd_detail(path.parent))
            else:
                reason = message(error_kind, path, detail)
            return _open_read_only(path, error_kind, reason, [*messages, reason], timeout)
        if on_recovering is not None:
            on_recovering()
        try:
            rebuilt, told = rebuild_log(path, now(), why)
        except (OSError, sqlite3.Error) as exc:
            logger.warning("cannot set the damaged session log aside: %s", exc)
            return None, [message("corrupt", path)]
        rebuilt.close()
        messages.append(told)
    return None, messages  # pragma: no cover - the loop always returns


def open_salvaged(path: Path, why: str = "") -> tuple[SessionStore, list[str]]:
    """A read-only store in memory with what can be read from the damaged log at ``path``,
    which is left as it is (the command line shows this; the app repairs the file)."""
    shapes = schema.table_shapes()
    salvage = recovery.salvage_rows(path, shapes)
    conn = schema.empty_log()
    counts = recovery.copy_into(conn, salvage, shapes)
    sessions = counts["sessions"]
    shown = (
        f"showing the {_sessions(sessions)} that could be read from it"
        if sessions
        else "nothing in it could be read"
    )
    told = (
        f"The session log ({path}) is damaged{f' ({why})' if why else ''}: {shown}. Start "
        "Stretch Timer to set it aside and recover it into a new log."
    )
    store = SessionStore(
        conn,
        path,
        read_only=True,
        read_only_reason=told,
        read_only_kind="corrupt",
        running_means_interrupted=lambda: lock_is_free(path.parent),
    )
    return store, [told]


def _mark_if_unused(path: Path) -> None:
    """When no window holds the log, mark the sessions a killed app left running."""
    lock = InstanceLock(path.parent / LOCK_NAME)
    if not lock.try_existing():
        return
    try:
        conn = connect(path, read_only=False, timeout=0.5)
        try:
            if schema.user_version(conn) != schema.SCHEMA_VERSION:
                return
            schema.check_schema(conn, schema.SCHEMA_VERSION)
            conn.execute("PRAGMA synchronous = FULL")
            with conn:
                count = conn.execute(schema.MARK_INTERRUPTED).rowcount
            if count:
                logger.info("%d session(s) left running were marked interrupted", count)
        finally:
            conn.close()
    except (sqlite3.Error, DamagedError) as exc:
        logger.info("could not mark interrupted sessions: %s", exc)
    finally:
        lock.release()


def open_store_readonly(data_dir: Path) -> Opened:
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
        problem = file_problem(path)
    except OSError as exc:
        return None, [message(os_kind(exc, data_dir), path, str(exc))]
    if problem:
        return open_salvaged(path, problem)
    if not odd:
        _mark_if_unused(path)
    # With no -wal file no one is writing, and a plain read-only open would create -wal/-shm.
    # A -wal or -shm that is not a file (a FIFO would hang SQLite) is not opened at all.
    idle = not wal.exists() or bool(odd)
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path, read_only=True, timeout=2.0, immutable=idle)
        conn.execute("PRAGMA query_only = ON")
        version = schema.user_version(conn)
        if schema.SCHEMA_VERSION < version < schema.IMPLAUSIBLE_VERSION:
            conn.close()
            return None, [newer_version(path, version, schema.SCHEMA_VERSION)]
        if not 0 <= version <= schema.SCHEMA_VERSION:
            raise schema.unknown_version(version)
        schema.check_schema(conn, version)
    except (DamagedError, sqlite3.Error) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, DamagedError):
            return open_salvaged(path, str(exc))
        kind = classify(exc, path)
        if kind == "corrupt":
            return open_salvaged(path, "")
        return None, [message(kind, path, str(exc))]
    if version < schema.SCHEMA_VERSION:
        conn.close()
        return None, []
    store = SessionStore(
        conn,
        path,
        read_only=True,
        read_only_reason="The session log was opened for reading only.",
        running_means_interrupted=lambda: lock_is_free(data_dir),
    )
    return store, []


class BackgroundOpening:
    """:func:`open_store` on a worker thread (a large damaged log takes seconds to recover).

    ``done(store, messages)`` and ``recovering()`` are called on the worker thread: a window
    passes them on to its own thread (a queued Qt signal). :meth:`wait` blocks until the
    opening has finished, for a window that closes meanwhile. ``opener`` stands in for
    :func:`open_store` in tests.
    """

    def __init__(
        self,
        data_dir: Path,
        done: Callable[[SessionStore | None, list[str]], None],
        *,
        recovering: Callable[[], None] | None = None,
        opener: Callable[..., Opened] = open_store,
    ) -> None:
        self._data_dir = data_dir
        self._done = done
        self._recovering = recovering
        self._opener = opener
        self.result: Opened | None = None
        # Not a daemon: a recovery cut short by the end of the process would leave the new log
        # half-filled (the damaged file is kept, but what it holds would not be in the log).
        self._thread = threading.Thread(target=self._run, name="log-opening")

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self._opener(self._data_dir, on_recovering=self._recovering)
        except Exception:  # open_store never raises; a bug must still end in a result
            logger.exception("opening the session log failed")
            self.result = (None, ["The session log could not be opened because of an error."])
        store, messages = self.result
        self._done(store, messages)

    def wait(self, timeout: float | None = None) -> Opened | None:
        """The result, once the worker is done (None if ``timeout`` ran out first)."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self.result
