"""The app's log: a rotating file in the data directory, and ``--debug`` for every detail."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging.handlers

LOG_NAME = "stretch-timer.log"
LOG_BYTES = 512 * 1024
LOG_BACKUPS = 2
"""``stretch-timer.log`` plus two older copies: at most 1.5 MiB of log, whatever happens."""

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(data: Path | None, *, debug: bool = False) -> Path | None:
    """Log everything from INFO to a file in ``data`` when it can take one; warnings to stderr.

    ``debug`` lowers both to DEBUG. Returns the log file's path, or None when there is none
    (no data directory, or a log path that is not a regular file: a FIFO would block).
    The console handler is the one :func:`logging.basicConfig` installed, if any.
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_stretch_timer", False):
            root.removeHandler(handler)
            handler.close()
        elif type(handler) is logging.StreamHandler:
            # The console (from logging.basicConfig) stays at warnings unless --debug.
            handler.setLevel(logging.DEBUG if debug else logging.WARNING)
    if data is None:
        return None
    path = data / LOG_NAME
    if not _usable(path):
        root.warning("not logging to %s: it is not a regular file", path)
        return None
    if not os.access(data, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        root.warning("not logging to %s: permission denied", path)
        return None
    handler = _RotatingFile(path)
    handler.setLevel(logging.DEBUG if debug else logging.INFO)
    handler.setFormatter(logging.Formatter(_FORMAT))
    _own(handler)
    root.addHandler(handler)
    return path


class _RotatingFile(logging.Handler):
    """A ``RotatingFileHandler`` made when the first record comes, not at start.

    ``logging.handlers`` imports ``socket``, ``pickle`` and ``queue`` (about 8 ms): the window
    paints first. When the file cannot be opened after all, records go nowhere (the reason is
    logged once, on stderr), as when there is no data directory.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.handlers.RotatingFileHandler | None = None
        self._failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None and not self._failed:
            import logging.handlers

            try:
                self._file = logging.handlers.RotatingFileHandler(
                    self.path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
                )
            except OSError as exc:
                self._failed = True  # so the warning below does not come back here
                logging.getLogger(__name__).warning(
                    "not logging to %s: %s", self.path, exc.strerror or exc
                )
                return
            self._file.setFormatter(self.formatter)
        if self._file is not None:
            self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def _usable(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISREG(mode)


def _own(handler: logging.Handler) -> None:
    # Marks the handlers this module added, so a second call replaces them (tests, re-runs).
    handler._stretch_timer = True  # type: ignore[attr-defined]
