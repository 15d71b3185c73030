"""Connects the window to the session log: the recorder, storage notices and the history view."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.events import Event, SessionEnded
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    from desktop_app.recorder import SessionRecorder
    from desktop_app.storage import BackgroundOpening, SessionStore
    from desktop_app.storage.opening import Opened
    from desktop_app.ui.history import HistoryWindow

log = logging.getLogger(__name__)


RECOVERING_NOTICE = (
    "Recovering your session log… This session is kept in memory and saved as soon as that is done."
)


class SessionLogLink(QObject):
    """Owns the open session log for one window; :meth:`close` releases it.

    It subscribes to ``window.controller.events`` (every event of every session, in order,
    synchronously) and hands each to a :class:`SessionRecorder`, so each hold lands in the
    database as it ends; an open history view is refreshed when a session ends. Problems
    opening or writing the log become notices in the window; the session itself always goes
    on. The log is opened by :meth:`open`: at once, after the first paint, or by the first
    event of a session that starts earlier, whichever comes first.

    Opening (and recovering a damaged log: seconds for a large one) runs on a worker thread,
    as does a recovery a write sets off later: the window keeps running, and what a session
    logs meanwhile waits in the recorder's memory. ``background=False`` opens on the window's
    thread; ``opener`` stands in for :func:`~desktop_app.storage.open_store` in tests.
    """

    # Emitted on worker threads; Qt queues them to this object's thread.
    _opened = Signal(object)
    _recovering = Signal()
    _recovered = Signal()

    def __init__(
        self,
        window: MainWindow,
        data_dir: Path,
        *,
        background: bool = True,
        opener: Callable[..., Opened] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.store: SessionStore | None = None
        self.recorder: SessionRecorder | None = None
        self.history: HistoryWindow | None = None
        self._background = background
        self._opener = opener
        self._opening: BackgroundOpening | None = None
        self._history_wanted = False
        self._recovering_shown = False
        self._opened.connect(self._on_opened)
        self._recovering.connect(self._on_recovering)
        self._recovered.connect(self._on_recovered)
        window.controller.events.subscribe(self._on_event)
        window.history_requested.connect(self.show_history)

    @property
    def opening(self) -> bool:
        """The log is being opened (or recovered) on a worker thread."""
        return self._opening is not None

    def open(self) -> None:
        """Starts opening ``sessions.db`` (once); what went wrong, if anything, becomes a
        notice. Never raises."""
        if self.recorder is not None:
            return
        from desktop_app.recorder import SessionRecorder
        from desktop_app.storage import BackgroundOpening, open_store

        self.recorder = SessionRecorder(
            None, on_error=self._on_error, schedule=self._schedule, store_pending=True
        )
        opener = self._opener or open_store
        if not self._background:
            self._adopt(*opener(self.data_dir))
            return
        self._opening = BackgroundOpening(
            self.data_dir,
            lambda store, messages: self._opened.emit((store, messages)),
            recovering=self._recovering.emit,
            opener=opener,
        )
        self._opening.start()

    def _on_opened(self, result: Opened) -> None:
        if self._opening is None:
            return  # taken up by close() already
        self._opening = None
        self._adopt(*result)

    def _adopt(self, store: SessionStore | None, messages: list[str]) -> None:
        self.store = store
        if store is not None:
            # A damaged file found later (a write fails with SQLITE_CORRUPT) is set aside and
            # recovered by the store on a worker thread; what it says about that lands here.
            store.notify = self._on_error
            store.recover_in_background = True
            store.recovery_finished = self._recovered.emit
        if messages:
            self.window.show_notice(" ".join(messages))
        elif self._recovering_shown:
            self.window.show_notice("")
        self._recovering_shown = False
        assert self.recorder is not None
        self.recorder.store_ready(store)
        if self._history_wanted:
            self._history_wanted = False
            self.show_history()

    def _on_recovering(self) -> None:
        if self._opening is not None:
            self._recovering_shown = True
            self.window.show_notice(RECOVERING_NOTICE)

    def _on_recovered(self) -> None:
        """A recovery a write set off is done: what waited in memory is written now."""
        if self.recorder is not None:
            self.recorder.flush()

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

    def show_history(self) -> HistoryWindow | None:
        """Shows the history; while the log is still being opened, as soon as it is open."""
        self.open()
        if self._opening is not None:
            self._history_wanted = True
            return None
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
        """Waits for an opening or a recovery under way, saves what still waits (a busy log
        gets a last chance), then releases the database and its instance lock."""
        if self._opening is not None:
            opening, self._opening = self._opening, None
            log.info("waiting for the session log to open before closing")
            result = opening.wait()
            if result is not None:
                self._adopt(*result)
        if self.store is not None:
            self.store.wait_for_recovery()
        if self.recorder is not None:
            self.recorder.close()
        if self.store is not None:
            self.store.close()
            self.store = None


def attach_session_log(
    window: MainWindow,
    data_dir: Path,
    *,
    defer: bool = False,
    background: bool = True,
    opener: Callable[..., Opened] | None = None,
) -> SessionLogLink:
    """The session log in ``data_dir`` for ``window``; never raises.

    ``defer`` opens it just after the window's first paint rather than now (start-up speed);
    a session that starts before then opens it with its first event. It is opened on a worker
    thread unless ``background`` is False.
    """
    link = SessionLogLink(window, data_dir, background=background, opener=opener)
    if defer:
        after_first_paint(window, link.open)
    else:
        link.open()
    return link
