"""Connects the window to the session log: the recorder, storage notices and the history view."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from desktop_app.events import Event, SessionEnded
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    from desktop_app.recorder import SessionRecorder
    from desktop_app.storage import SessionStore
    from desktop_app.ui.history import HistoryWindow

log = logging.getLogger(__name__)


class SessionLogLink(QObject):
    """Owns the open session log for one window; :meth:`close` releases it.

    It subscribes to ``window.controller.events`` (every event of every session, in order,
    synchronously) and hands each to a :class:`SessionRecorder`, so each hold lands in the
    database as it ends; an open history view is refreshed when a session ends. Problems
    opening or writing the log become notices in the window; the session itself always goes
    on. The log is opened by :meth:`open`: at once, after the first paint, or by the first
    event of a session that starts earlier, whichever comes first.
    """

    def __init__(self, window: MainWindow, data_dir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.store: SessionStore | None = None
        self.recorder: SessionRecorder | None = None
        self.history: HistoryWindow | None = None
        window.controller.events.subscribe(self._on_event)
        window.history_requested.connect(self.show_history)

    def open(self) -> None:
        """Opens ``sessions.db`` (once) and shows what went wrong, if anything; never raises."""
        if self.recorder is not None:
            return
        from desktop_app.recorder import SessionRecorder
        from desktop_app.storage import open_store

        self.store, messages = open_store(self.data_dir)
        if self.store is not None:
            # A damaged file found later (a write fails with SQLITE_CORRUPT) is set aside and
            # recovered by the store; what it says about that lands here.
            self.store.notify = self._on_error
        self.recorder = SessionRecorder(
            self.store, on_error=self._on_error, schedule=self._schedule
        )
        if messages:
            self.window.show_notice(" ".join(messages))

    def _on_event(self, event: Event) -> None:
        self.open()
        assert self.recorder is not None
        self.recorder.handle(event)
        history = self.history
        if isinstance(event, SessionEnded) and history is not None and history.isVisible():
            history.refresh()

    def _on_error(self, message: str) -> None:
        self.window.show_notice(message)

    def _schedule(self, seconds: float, callback: Callable[[], None]) -> None:
        """The recorder's retries while another program keeps the log busy."""
        QTimer.singleShot(round(seconds * 1000), self, callback)

    def show_history(self) -> HistoryWindow:
        self.open()
        if self.history is None:
            # Imported on first use: the history view is not needed to start a session.
            from desktop_app.ui.history import HistoryWindow

            self.history = HistoryWindow(
                self.store, self.window, symptoms=self.window.library.symptoms
            )
            self.history.resize(900, 720)
        else:
            self.history.refresh()
        self.history.show()
        self.history.raise_()
        self.history.activateWindow()
        return self.history

    def close(self) -> None:
        """Saves what still waits (a busy log gets a last chance), then releases the database
        and its instance lock."""
        if self.recorder is not None:
            self.recorder.close()
        if self.store is not None:
            self.store.close()
            self.store = None


def attach_session_log(
    window: MainWindow, data_dir: Path, *, defer: bool = False
) -> SessionLogLink:
    """The session log in ``data_dir`` for ``window``; never raises.

    ``defer`` opens it just after the window's first paint rather than now (start-up speed);
    a session that starts before then opens it with its first event.
    """
    link = SessionLogLink(window, data_dir)
    if defer:
        after_first_paint(window, link.open)
    else:
        link.open()
    return link
