"""Writes a running session to the session log, event by event, so a killed app loses no hold."""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from desktop_app.storage import SessionStore, StorageError

logger = logging.getLogger(__name__)


def local_now() -> datetime:
    """The wall-clock time with the local UTC offset: what the log records."""
    return datetime.now().astimezone()


class SessionRecorder:
    """Listens to the session engine and logs what happened as it happens.

    Every write is its own transaction, committed before ``handle`` returns. It never raises:
    the first storage failure of a session is passed to ``on_error`` (a user-facing message),
    then that session goes on unsaved; the next session tries again.
    """

    def __init__(
        self,
        store: SessionStore | None,
        wall_clock: Callable[[], datetime] = local_now,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._clock = wall_clock
        self._on_error = on_error
        self._session_id: int | None = None
        self._failed = False

    @property
    def session_id(self) -> int | None:
        """The id of the session being logged, or None."""
        return self._session_id

    def handle(self, event: Event) -> None:
        try:
            self._handle(event)
        except StorageError as exc:
            self._fail(exc.message)
        except Exception:  # a bug here must not end the user's session
            logger.exception("logging the session failed")
            self._fail("The session could not be saved because of an internal error.")

    def _fail(self, message: str) -> None:
        self._session_id = None
        if not self._failed:
            self._failed = True
            if self._on_error is not None:
                self._on_error(message)

    def _now(self) -> datetime:
        moment = self._clock()
        return moment if moment.tzinfo is not None else moment.astimezone()

    def _handle(self, event: Event) -> None:
        store = self._store
        if store is None:
            return
        if isinstance(event, SessionStarted):
            previous = self._session_id
            if previous is not None:  # the previous one never ended
                self._session_id = None
                store.finish_session(previous, status="interrupted", ended_at=self._now())
            self._failed = False
            routine = event.routine
            self._session_id = store.start_session(
                routine_id=routine.id,
                routine_name=routine.name,
                started_at=self._now(),
                planned_seconds=routine.planned_seconds,
            )
            return
        sid = self._session_id
        if sid is None:
            return
        if isinstance(event, HoldEnded):
            hold = event.hold
            store.add_hold(
                sid,
                stretch_id=hold.stretch.id,
                stretch_name=hold.stretch.name,
                side=hold.side,
                rep=hold.rep,
                planned_seconds=hold.hold,
                held_seconds=event.held_seconds,
                outcome=event.outcome,
                hold_index=hold.index,
            )
        elif isinstance(event, SymptomReported):
            store.add_event(
                sid,
                kind="symptom",
                at=self._now(),
                stretch_id=event.hold.stretch.id if event.hold else None,
                symptom=event.symptom.id,
            )
        elif isinstance(event, SessionPaused | SessionResumed):
            store.add_event(
                sid,
                kind="pause" if isinstance(event, SessionPaused) else "resume",
                at=self._now(),
                stretch_id=event.hold.stretch.id if event.hold else None,
            )
        elif isinstance(event, SessionEnded):
            self._session_id = None
            store.finish_session(
                sid, status=event.status, ended_at=self._now(), held_seconds=event.held_seconds
            )
