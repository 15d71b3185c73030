"""Starts the GUI: QApplication, settings, the main window, and the hooks for session listeners.

Wiring listeners (the session log, sounds)
    ``run_gui(..., listeners=[recorder])`` or ``build_window(..., listeners=[recorder])``: each
    callable is subscribed to every new :class:`~desktop_app.engine.SessionEngine` before it
    starts, so it receives every :mod:`desktop_app.events` event of every session, in order,
    from ``SessionStarted`` to ``SessionEnded``. The same list is
    ``window.controller.listeners`` and may be appended to at any time (it applies from the
    next session). For more control, connect to ``window.controller.engine_created`` (emitted
    with the new engine, before ``start()``), or pass ``on_window`` to ``run_gui`` to reach the
    window before the event loop starts (e.g. to connect ``window.history_requested`` or call
    ``window.show_notice``).
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.engine import Listener
from desktop_app.model import Library
from desktop_app.paths import APP_NAME, ORG_NAME, data_dir_problem
from desktop_app.ui.settings import open_settings
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    from desktop_app.lifecycle import SignalCatcher

log = logging.getLogger(__name__)

# With --exit-when-done: long enough to see "Well done" and hear the finishing chime.
EXIT_LINGER_MS = 1500


def data_dir_notice(data_dir: Path, problem: str) -> str:
    """What the window says when the data directory cannot be used: the app runs, unsaved."""
    return (
        f"Nothing will be saved this time: {data_dir} cannot be used as the data folder "
        f"({problem}). Sessions, settings and your routine files live there; start Stretch "
        "Timer with --data-dir DIR to use another folder."
    )


def build_window(
    library: Library,
    load_errors: Mapping[str, Sequence[object]],
    data_dir: Path | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    listeners: Iterable[Listener] = (),
) -> MainWindow:
    """The main window, not shown. Needs a QApplication; ``data_dir=None`` keeps no settings.

    The data directory is created when missing. When it cannot be used, or its settings file
    cannot be read, the window runs on default settings, remembers nothing, and says why in a
    lasting notice.
    """
    settings: QSettings | None = None
    notice: str | None = None
    if data_dir is not None:
        problem = data_dir_problem(data_dir)
        if problem is not None:
            log.info("data directory %s not usable: %s", data_dir, problem)
            notice = data_dir_notice(data_dir, problem)
        else:
            settings, notice = open_settings(data_dir)
    window = MainWindow(
        library,
        load_errors,
        settings=settings,
        clock=clock,
        listeners=listeners,
        data_dir=data_dir,
    )
    if notice is not None:
        window.add_lasting_notice(notice)
    return window


def _install_excepthook(window: MainWindow, log_file: Path | None = None) -> None:
    """Log unexpected errors with their traceback; show the user a short message instead."""
    where = (
        f"The details are in {log_file}."
        if log_file is not None
        else "The details were written to the program's error output."
    )

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        try:
            QMessageBox.warning(
                window,
                "Something went wrong",
                f"Stretch Timer hit an unexpected problem ({kind.__name__}). {where} "
                "The window keeps working.",
            )
        except Exception:  # pragma: no cover - nothing more can be shown
            log.exception("could not show the error message")

    sys.excepthook = hook


def run_gui(
    library: Library,
    load_errors: Mapping[str, Sequence[object]],
    data_dir: Path,
    routine_id: str | None = None,
    start: bool = False,
    exit_when_done: bool = False,
    argv: list[str] | None = None,
    *,
    listeners: Iterable[Listener] = (),
    on_window: Callable[[MainWindow], None] | None = None,
    signals: SignalCatcher | None = None,
    log_file: Path | None = None,
) -> int:
    """Open the window and run the event loop; returns the exit code.

    ``routine_id`` selects that routine in the picker (the caller has checked it exists);
    ``start`` begins it at once; ``exit_when_done`` quits with exit code 0 when the session ends.
    ``signals``: an installed catcher; each signal it catches ends the session (saved as
    stopped) and the app, with exit code 128 + the signal's number
    (see :mod:`desktop_app.ui.shutdown`).
    """
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    window = build_window(library, load_errors, data_dir, listeners=listeners)
    shutdown = None
    if signals is not None and signals.installed:
        from desktop_app.ui.shutdown import SignalShutdown

        shutdown = SignalShutdown(window, signals, app.exit)
    _install_excepthook(window, log_file)
    if routine_id is not None and not window.select_routine(routine_id):
        log.warning("no routine %r to select", routine_id)
    if exit_when_done:
        # Queued on the window, so the summary is drawn and listeners are done first.
        window.session_finished.connect(
            lambda _event: QTimer.singleShot(EXIT_LINGER_MS, window, lambda: app.exit(0))
        )
    if on_window is not None:
        on_window(window)
    window.show()
    if shutdown is not None and shutdown.exit_code is not None:
        # A signal was handled in a dialog's loop during set-up: app.exec() would never end.
        shutdown.finish()
        shutdown.close()
        return shutdown.exit_code
    # The safety notice at the first start; with --start a banner that holds nothing up.
    window.greet(starting=start)
    if start:
        window.start_selected()
    code = app.exec()
    if shutdown is not None:
        shutdown.close()
        if shutdown.exit_code is not None:
            return shutdown.exit_code
    return code
