"""Assembles and runs the app: QApplication, the window, the session log, sound cues, signals.

:func:`run_app` is the one entry point the command line calls (``cli.py`` only parses the
arguments and checks them). It builds everything in this order, and takes it down again:

1. the signal catcher (SIGTERM, SIGHUP, SIGINT);
2. QApplication, then the window (:func:`build_window`: settings, or a notice why not);
3. the session log (:mod:`~desktop_app.ui.session_log`, opened just after the first paint)
   the sound cues (:mod:`~desktop_app.ui.sound`, loaded after the first paint) and the
   screen saver guard (:mod:`~desktop_app.ui.screen_saver`), all subscribed to
   ``window.controller.events`` like every other listener;
4. the signal shutdown and the excepthook; ``--routine``, ``--exit-when-done``;
5. the window shown, then the safety notice (or banner), and ``--start``.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.events import Event, SessionEnded
from desktop_app.model import Library
from desktop_app.paths import APP_NAME, ORG_NAME, data_dir_problem
from desktop_app.ui.settings import open_settings
from desktop_app.ui.theme import apply_theme, current_theme
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
    picture_errors: Mapping[str, Sequence[object]] | None = None,
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
        data_dir=data_dir,
        picture_errors=picture_errors,
    )
    if notice is not None:
        window.add_lasting_notice(notice)
    theme = window.preferences.current.theme
    if theme != "system" or current_theme() != "system":
        apply_theme(theme)
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
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Something went wrong",
                f"Stretch Timer hit an unexpected problem ({kind.__name__}). {where} "
                "The window keeps working.",
                parent=window,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)  # the log file's path is not markup
            box.exec()
        except Exception:  # pragma: no cover - nothing more can be shown
            log.exception("could not show the error message")

    sys.excepthook = hook


@dataclass(frozen=True)
class AppOptions:
    """What the command line asks of the window (checked already: the routine exists)."""

    library: Library
    load_errors: Mapping[str, Sequence[object]]
    data_dir: Path
    routine_id: str | None = None
    """Selected in the picker."""
    start: bool = False
    """Start the selected routine at once (the safety notice is then a banner)."""
    exit_when_done: bool = False
    """Quit with exit code 0 shortly after the session ends."""
    log_file: Path | None = None
    """Where unexpected errors are logged (the message the user sees names it)."""
    argv: Sequence[str] = ()
    """QApplication's arguments (the program's name)."""
    picture_errors: Mapping[str, Sequence[object]] | None = None
    """Pictures left out of files that loaded (the stretches are shown without them)."""


def run_app(options: AppOptions) -> int:
    """Run the app until its window closes; returns the exit code.

    Each signal caught (SIGTERM, SIGHUP, SIGINT) ends the session (saved as stopped) and the
    app with exit code 128 + the signal's number (see :mod:`desktop_app.ui.shutdown`).
    Everything it installed (signal handlers, excepthook) is put back before it returns, and
    the session log is closed. Reuses a QApplication that exists already (tests).
    """
    from desktop_app.lifecycle import SignalCatcher

    # From here on SIGTERM, SIGHUP and SIGINT end a session cleanly.
    signals = SignalCatcher()
    signals.install()
    previous_hook = sys.excepthook
    try:
        return _run(options, signals)
    finally:
        sys.excepthook = previous_hook
        signals.uninstall()


def _run(options: AppOptions, signals: SignalCatcher) -> int:
    from desktop_app.ui.screen_saver import attach_screen_saver_guard
    from desktop_app.ui.session_log import attach_session_log
    from desktop_app.ui.sound import attach_sound_cues

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(list(options.argv) or sys.argv[:1])
    )
    window = build_window(
        options.library,
        options.load_errors,
        options.data_dir,
        picture_errors=options.picture_errors,
    )
    link = attach_session_log(window, options.data_dir, defer=True)
    guard = attach_screen_saver_guard(window)
    try:
        attach_sound_cues(window)
        shutdown = None
        if signals.installed:
            from desktop_app.ui.shutdown import SignalShutdown

            shutdown = SignalShutdown(window, signals, app.exit)
        _install_excepthook(window, options.log_file)
        if options.routine_id is not None and not window.select_routine(options.routine_id):
            log.warning("no routine %r to select", options.routine_id)
        if options.exit_when_done:
            window.controller.events.subscribe(_exit_when_done(window, app))
        if window.preferences.current.start_full_screen:
            window.showFullScreen()
        else:
            window.show()
        if shutdown is not None and shutdown.exit_code is not None:
            # A signal was handled in a dialog's loop during set-up: app.exec() would never end.
            shutdown.finish()
            shutdown.close()
            return shutdown.exit_code
        # The safety notice at the first start; with --start a banner that holds nothing up.
        window.greet(starting=options.start)
        if options.start:
            window.start_selected()
        code = app.exec()
        if shutdown is not None:
            shutdown.close()
            if shutdown.exit_code is not None:
                return shutdown.exit_code
        return code
    finally:
        guard.close()
        link.close()


def _exit_when_done(window: MainWindow, app: QApplication) -> Callable[[Event], None]:
    def on_event(event: Event) -> None:
        # Long enough to see "Well done" and hear the finishing chime.
        if isinstance(event, SessionEnded):
            QTimer.singleShot(EXIT_LINGER_MS, window, lambda: app.exit(0))

    return on_event
