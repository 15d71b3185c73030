"""Keeps the screen from blanking during a session: when to hold the screen saver off, no Qt.

:class:`KeepAwake` is a session listener. It asks its :class:`Inhibitor` to hold the screen
saver off when a session starts or resumes, and lets go when the session ends or has stood
paused (or stopped after a symptom) for :data:`PAUSE_LIMIT` seconds: a session left paused on
the floor should not keep a screen lit for hours. Whoever owns it calls :meth:`KeepAwake.check`
when :meth:`KeepAwake.seconds_until_check` says. An inhibitor that cannot inhibit (no D-Bus, no
service) is normal: nothing happens and nothing is said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from desktop_app.events import (
    Event,
    PhaseStarted,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    StretchStopped,
)

log = logging.getLogger(__name__)

PAUSE_LIMIT = 600.0
"""Ten minutes paused and the screen may blank again (held again on resume)."""
REASON = "A stretching session is running"


class Inhibitor(Protocol):
    def inhibit(self, reason: str) -> bool:
        """Holds the screen saver off; True when it is held. Never raises."""
        ...

    def release(self) -> None:
        """Lets the screen saver run again. Never raises."""
        ...


class KeepAwake:
    """Decides when the screen saver is held off (see the module docstring)."""

    def __init__(
        self,
        inhibitor: Inhibitor,
        clock: Callable[[], float] = time.monotonic,
        pause_limit: float = PAUSE_LIMIT,
    ) -> None:
        self.inhibitor = inhibitor
        self.clock = clock
        self.pause_limit = pause_limit
        self.held = False
        self.in_session = False
        self.paused_since: float | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, SessionStarted | SessionResumed | PhaseStarted):
            self.in_session = True
            self.paused_since = None
            self._hold()
        elif isinstance(event, SessionPaused | StretchStopped):
            if self.paused_since is None:
                self.paused_since = self.clock()
        elif isinstance(event, SessionEnded):
            self.in_session = False
            self.paused_since = None
            self._release()

    def seconds_until_check(self) -> float | None:
        """When :meth:`check` has something to do; None while nothing is waiting."""
        if not self.held or self.paused_since is None:
            return None
        return max(0.0, self.paused_since + self.pause_limit - self.clock())

    def check(self) -> None:
        """Lets go once the session has stood paused for the limit."""
        wait = self.seconds_until_check()
        if wait is not None and wait <= 0:
            log.info("paused for %.0f s: the screen saver may run again", self.pause_limit)
            self._release()

    def _hold(self) -> None:
        if not self.held:
            self.held = self.inhibitor.inhibit(REASON)

    def _release(self) -> None:
        if self.held:
            self.held = False
            self.inhibitor.release()
