"""Ends the app on SIGTERM, SIGHUP or SIGINT: the running session is saved as stopped, unasked.

Nobody may be at the screen when a signal comes (a logout, ``kill``, a scheduler's time limit),
so no question is asked: the session is stopped at once (the hold in progress is recorded with
the time held so far and the session as "stopped"), any open dialog is closed so that its own
event loop returns, and the window closes (saving the settings) before the app exits with
``128 + the signal's number``. A second signal while that happens exits at once; the session
is already saved by then, because the first one stopped it before anything else ran.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop_app.lifecycle import SignalCatcher, exit_code_for
from desktop_app.ui.help_menu import CLOSED_UNREAD
from desktop_app.ui.window import MainWindow

log = logging.getLogger(__name__)

MAX_DIALOGS = 8
"""Open dialogs closed one over another at most (more would be a dialog that will not close)."""


def signal_name(signo: int) -> str:
    try:
        return signal.Signals(signo).name
    except ValueError:
        return f"signal {signo}"


class SignalShutdown(QObject):
    """Watches a :class:`SignalCatcher` from the event loop and ends the app on a signal.

    ``quit`` is called with the exit code to leave the event loop (``QApplication.exit`` in
    the app; tests pass a recorder). :attr:`exit_code` is set from the first signal on.
    """

    def __init__(
        self, window: MainWindow, catcher: SignalCatcher, quit: Callable[[int], None]
    ) -> None:
        super().__init__(window)
        self.window = window
        self.catcher = catcher
        self.exit_code: int | None = None
        self.finished = False
        self._quit = quit
        # A signal that came before the event loop started is waiting in the socket already:
        # the notifier reports it on the loop's first pass.
        self._notifier = QSocketNotifier(catcher.fileno, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    def _on_readable(self, *_args: object) -> None:
        for signo in self.catcher.take():
            self.handle(signo)

    def handle(self, signo: int) -> None:
        """End the session and the app because ``signo`` arrived."""
        if self.exit_code is not None:
            log.warning("%s while ending: exiting now", signal_name(signo))
            self._stop_session()
            if self.finished:
                self._quit(self.exit_code)
            else:
                self.finish()
            return
        log.warning("%s received: ending the session and closing", signal_name(signo))
        self.exit_code = exit_code_for(signo)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # The window closing must not end the loop with code 0 before finish() runs.
            app.setQuitOnLastWindowClosed(False)
        self._stop_session()
        close_dialogs()
        # Queued: a dialog's own event loop returns first and the code that opened it finishes.
        QTimer.singleShot(0, self, self.finish)

    def _stop_session(self) -> None:
        controller = self.window.controller
        if controller.active:
            controller.stop()

    def finish(self) -> None:
        """Close the window (settings saved, no question: the session has ended) and quit."""
        if self.finished:
            return
        self.finished = True
        assert self.exit_code is not None
        self.window.close()
        self._quit(self.exit_code)

    def close(self) -> None:
        """Stops watching (before the catcher's socket is closed)."""
        self._notifier.setEnabled(False)


def close_dialogs() -> None:
    """Closes every open modal dialog and popup (innermost first), so their loops return."""
    seen: list[QWidget] = []
    for _ in range(MAX_DIALOGS):
        widget = QApplication.activePopupWidget() or QApplication.activeModalWidget()
        if widget is None or widget in seen:
            return
        seen.append(widget)
        if isinstance(widget, QDialog):
            widget.setProperty(CLOSED_UNREAD, True)  # e.g. the safety notice stays unread
            widget.reject()
        else:
            widget.close()
