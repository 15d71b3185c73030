"""Connects the window to the session log: the recorder, storage notices and the history view."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop_app.recorder import SessionRecorder
from desktop_app.storage import SessionStore, open_store
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    from desktop_app.ui.history import HistoryWindow

log = logging.getLogger(__name__)


class SessionLogLink(QObject):
    """Owns the open session log for one window and closes it when the window goes away.

    Every engine the window creates reports to a :class:`SessionRecorder`, so each hold lands in
    the database as it ends. Problems opening or writing the log become notices in the window;
    the session itself always goes on.
    """

    def __init__(self, window: MainWindow, store: SessionStore | None, messages: list[str]) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.history: HistoryWindow | None = None
        self.recorder = SessionRecorder(store, on_error=self._on_error)
        window.controller.listeners.append(self.recorder.handle)
        window.history_requested.connect(self.show_history)
        window.session_finished.connect(self._on_session_finished)
        if messages:
            window.show_notice(" ".join(messages))

    def _on_error(self, message: str) -> None:
        self.window.show_notice(message)

    def show_history(self) -> HistoryWindow:
        if self.history is None:
            # Imported on first use: the history view is not needed to start a session.
            from desktop_app.ui.history import HistoryWindow

            self.history = HistoryWindow(self.store, self.window)
            self.history.resize(900, 720)
        else:
            self.history.refresh()
        self.history.show()
        self.history.raise_()
        self.history.activateWindow()
        return self.history

    def _on_session_finished(self, _event: object) -> None:
        if self.history is not None and self.history.isVisible():
            self.history.refresh()

    def close(self) -> None:
        """Releases the database and its instance lock."""
        if self.store is not None:
            self.store.close()
            self.store = None


def attach_session_log(window: MainWindow, data_dir: Path) -> SessionLogLink:
    """Opens ``sessions.db`` in ``data_dir`` for ``window``; never raises."""
    store, messages = open_store(data_dir)
    return SessionLogLink(window, store, messages)
