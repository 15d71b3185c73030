"""Writes a running session to the session log, event by event, so a killed app loses no hold."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from desktop_app.events import (
    Event,
    HoldEnded,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    SymptomReported,
)
from desktop_app.storage import (
    EventKind,
    FinishStatus,
    NewEvent,
    NewHold,
    SessionStore,
    SessionWrite,
    StorageError,
)

logger = logging.getLogger(__name__)

Scheduler = Callable[[float, Callable[[], None]], None]
"""``schedule(seconds, callback)``: call back once, later (a QTimer.singleShot in the app)."""

RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
"""Seconds between attempts while the log is busy or the disk full; the last one repeats."""

_RETRYABLE = ("busy", "full")


def local_now() -> datetime:
    """The wall-clock time with the local UTC offset: what the log records."""
    return datetime.now().astimezone()


@dataclass
class _Memory:
    """One session as it happened, whatever has reached the log so far."""

    routine_id: str
    routine_name: str
    started_at: datetime
    planned_seconds: int
    holds: list[NewHold] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)
    finish: tuple[FinishStatus, datetime, float | None] | None = None
    session_id: int | None = None
    given_up: bool = False

    def whole(self) -> SessionWrite:
        return SessionWrite(
            self.routine_id,
            self.routine_name,
            self.started_at,
            self.planned_seconds,
            tuple(self.holds),
            tuple(self.events),
            self.finish,
        )


_Write = Callable[[SessionStore, _Memory], None]


def _start(store: SessionStore, memory: _Memory) -> None:
    memory.session_id = store.start_session(
        routine_id=memory.routine_id,
        routine_name=memory.routine_name,
        started_at=memory.started_at,
        planned_seconds=memory.planned_seconds,
    )


def _rewrite(store: SessionStore, memory: _Memory) -> None:
    memory.session_id = store.rewrite_session(memory.session_id, memory.whole())


def _session_id(memory: _Memory) -> int:
    if memory.session_id is None:  # pragma: no cover - the start is always written first
        raise StorageError("The session was never started in the log.")
    return memory.session_id


def _add_hold(hold: NewHold) -> _Write:
    def write(store: SessionStore, memory: _Memory) -> None:
        store.add_hold(
            _session_id(memory),
            stretch_id=hold.stretch_id,
            stretch_name=hold.stretch_name,
            side=hold.side,
            rep=hold.rep,
            planned_seconds=hold.planned_seconds,
            held_seconds=hold.held_seconds,
            outcome=hold.outcome,
            hold_index=hold.hold_index,
        )

    return write


def _add_event(event: NewEvent) -> _Write:
    def write(store: SessionStore, memory: _Memory) -> None:
        store.add_event(
            _session_id(memory),
            kind=event.kind,
            at=event.at,
            stretch_id=event.stretch_id,
            symptom=event.symptom,
        )

    return write


def _finish(store: SessionStore, memory: _Memory) -> None:
    assert memory.finish is not None
    status, ended_at, held = memory.finish
    store.finish_session(_session_id(memory), status=status, ended_at=ended_at, held_seconds=held)


class SessionRecorder:
    """Listens to the session engine and logs what happened as it happens.

    Every write is its own transaction, committed before ``handle`` returns when the log lets
    it. ``handle`` never raises. While another program keeps the log busy (or the disk is full)
    the writes wait in memory, in order, and are tried again after ``RETRY_DELAYS`` (through
    ``schedule``, else at the next event) until they get through. When the store recovers from
    a damaged file, the sessions still being written are rewritten whole from memory. Any
    other failure is passed once per session to ``on_error`` (a user-facing message) and that
    session goes on unsaved; the next session tries again.

    ``store_pending``: the log is still being opened (on a worker thread); everything waits in
    memory until :meth:`store_ready` hands it over.
    """

    def __init__(
        self,
        store: SessionStore | None,
        wall_clock: Callable[[], datetime] = local_now,
        on_error: Callable[[str], None] | None = None,
        schedule: Scheduler | None = None,
        *,
        store_pending: bool = False,
    ) -> None:
        self._store = store
        self._store_pending = store_pending and store is None
        self._clock = wall_clock
        self._on_error = on_error
        self._schedule = schedule
        self._current: _Memory | None = None
        self._pending: list[tuple[_Memory, _Write]] = []
        self._generation = getattr(store, "generation", 0)
        self._failed = False
        self._waiting: str | None = None  # the kind of trouble the user was told about
        self._attempts = 0
        self._retry_scheduled = False

    @property
    def session_id(self) -> int | None:
        """The id of the session being logged, or None."""
        return None if self._current is None else self._current.session_id

    @property
    def pending(self) -> int:
        """Writes waiting in memory for the log to take them."""
        return len(self._pending)

    def store_ready(self, store: SessionStore | None) -> None:
        """The log has been opened (None: it cannot be used, and what waits is dropped, the user
        having been told why): what waited in memory is written now."""
        self._store_pending = False
        self._store = store
        if store is None:
            self._pending.clear()
            return
        self._generation = store.generation
        self.flush()

    def handle(self, event: Event) -> None:
        try:
            self._handle(event)
        except Exception:  # a bug here must not end the user's session
            logger.exception("logging the session failed")
            self._pending.clear()
            self._current = None
            self._fail("The session could not be saved because of an internal error.")

    def _notify(self, message: str) -> None:
        if self._on_error is not None:
            self._on_error(message)

    def _fail(self, message: str) -> None:
        if not self._failed:
            self._failed = True
            self._notify(message)

    def _now(self) -> datetime:
        moment = self._clock()
        return moment if moment.tzinfo is not None else moment.astimezone()

    def _queue(self, memory: _Memory, write: _Write) -> None:
        if not memory.given_up:
            self._pending.append((memory, write))

    def _handle(self, event: Event) -> None:
        if self._store is None and not self._store_pending:
            return
        if isinstance(event, SessionStarted):
            previous = self._current
            if previous is not None and previous.finish is None:  # it never ended
                previous.finish = ("interrupted", self._now(), None)
                self._queue(previous, _finish)
            self._failed = False
            routine = event.routine
            self._current = _Memory(routine.id, routine.name, self._now(), routine.planned_seconds)
            self._queue(self._current, _start)
        else:
            memory = self._current
            if memory is None:
                return
            if isinstance(event, HoldEnded):
                hold = event.hold
                record = NewHold(
                    hold.stretch.id,
                    hold.stretch.name,
                    hold.side,
                    hold.rep,
                    hold.hold,
                    event.held_seconds,
                    event.outcome,
                    hold.index,
                )
                memory.holds.append(record)
                self._queue(memory, _add_hold(record))
            elif isinstance(event, SymptomReported | SessionPaused | SessionResumed):
                kind: EventKind = (
                    "symptom"
                    if isinstance(event, SymptomReported)
                    else "pause"
                    if isinstance(event, SessionPaused)
                    else "resume"
                )
                symptom = event.symptom.id if isinstance(event, SymptomReported) else None
                stretch = event.hold.stretch.id if event.hold else None
                entry = NewEvent(kind, self._now(), stretch, symptom)
                memory.events.append(entry)
                self._queue(memory, _add_event(entry))
            elif isinstance(event, SessionEnded):
                memory.finish = (event.status, self._now(), event.held_seconds)
                self._queue(memory, _finish)
                self._current = None
            else:
                return
        self.flush()

    # -- writing what waits --------------------------------------------------------------------

    def flush(self) -> None:
        """Write what waits in memory, in order, as far as the log lets it. Never raises."""
        store = self._store
        if store is None:
            return
        recovered = False
        while True:
            if store.generation != self._generation:
                self._after_recovery(store)
                recovered = True
            if not self._pending:
                break
            memory, write = self._pending[0]
            try:
                write(store, memory)
            except StorageError as exc:
                if store.generation != self._generation:
                    continue  # the log was rebuilt meanwhile: rewrite from memory
                if exc.kind in _RETRYABLE:
                    self._wait(exc)
                    return
                self._give_up(memory)
                self._fail(exc.message)
                continue
            except Exception:
                logger.exception("logging the session failed")
                self._give_up(memory)
                self._fail("The session could not be saved because of an internal error.")
                continue
            self._pending.pop(0)
        if self._waiting is not None:
            self._waiting = None
            if not recovered:  # the store has said where the damaged file went: leave it shown
                self._notify("The session log can be written again: every hold is saved.")
        self._attempts = 0

    def _after_recovery(self, store: SessionStore) -> None:
        """The store set a damaged file aside: write the unfinished sessions again, whole."""
        self._generation = store.generation
        again: list[_Memory] = []
        waiting = [memory for memory, _ in self._pending]
        if self._current is not None:
            waiting.append(self._current)
        for memory in waiting:
            if memory not in again and not memory.given_up:
                again.append(memory)
        self._pending = [(memory, _rewrite) for memory in again]

    def _give_up(self, memory: _Memory) -> None:
        memory.given_up = True
        self._pending = [(m, w) for m, w in self._pending if m is not memory]

    def _wait(self, exc: StorageError) -> None:
        if self._waiting != exc.kind:
            self._waiting = exc.kind
            self._notify(exc.message)
        if self._schedule is not None and not self._retry_scheduled:
            delay = RETRY_DELAYS[min(self._attempts, len(RETRY_DELAYS) - 1)]
            self._attempts += 1
            self._retry_scheduled = True
            self._schedule(delay, self._retry)

    def _retry(self) -> None:
        self._retry_scheduled = False
        try:
            self.flush()
        except Exception:  # pragma: no cover - flush never raises
            logger.exception("retrying the session log failed")

    def close(self, wait_ms: int = 2000) -> None:
        """A last try for what still waits (the app is closing), allowed ``wait_ms`` for a
        busy log; what cannot be written then is lost, and logged."""
        if self._store is None or not self._pending:
            return
        self._store.set_busy_timeout(wait_ms)
        self._schedule = None
        self.flush()
        if self._pending:
            logger.error("%d session log write(s) could not be saved", len(self._pending))
