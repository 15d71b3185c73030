"""How the process meets the OS: termination signals caught for a clean end, fatal errors logged.

:class:`SignalCatcher` takes over SIGTERM, SIGHUP and SIGINT as early as possible. Its Python
handlers only note the signal: the C-level handler also writes the signal's number to a pipe
(``signal.set_wakeup_fd``; a socket pair on Windows), and the window watches it with a
``QSocketNotifier``, so
the signal is acted on from the event loop even while Qt is busy or a dialog runs its own loop,
never in the middle of a write to the session log. Qt-free.

:func:`enable_faulthandler` dumps the Python stack of every thread to
``crash-faulthandler.log`` in the data directory when the process dies of a fatal error
(a segmentation fault, an abort) or on SIGUSR1 (to see where a hung app is stuck).
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import signal
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import socket

log = logging.getLogger(__name__)

CAUGHT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)
"""The signals that end the app cleanly (SIGHUP does not exist on Windows)."""

FAULT_LOG_NAME = "crash-faulthandler.log"
FAULT_LOG_LIMIT = 1024 * 1024
"""A fault log larger than this is started afresh rather than appended to."""

_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def exit_code_for(signo: int) -> int:
    """The exit code after a clean end on ``signo``: 128 + its number, as shells report it."""
    return 128 + signo


class SignalCatcher:
    """Catches :data:`CAUGHT_SIGNALS` and queues them for the event loop to handle.

    :meth:`install` must be called from the main thread. After that no caught signal kills the
    process or raises ``KeyboardInterrupt``: each one waits in a pipe until :meth:`take`
    returns it, and :attr:`fileno` is readable meanwhile. :meth:`uninstall` restores what was
    there before.
    """

    def __init__(self) -> None:
        self._reader = -1
        self._writer = -1
        # Windows wants a socket for set_wakeup_fd: the pair is kept here (see _open_channel).
        self._sockets: tuple[socket.socket, socket.socket] | None = None
        self._previous: dict[int, _Handler] = {}
        self._previous_wakeup = -1

    @property
    def installed(self) -> bool:
        return self._reader != -1

    @property
    def fileno(self) -> int:
        """The descriptor to watch for readability; -1 when not installed."""
        return self._reader

    def install(self) -> bool:
        """Takes over the signals; False (and nothing changed) when that is not possible here."""
        if self.installed:
            return True
        try:
            reader, writer = self._open_channel()
        except OSError as exc:  # pragma: no cover - out of file descriptors
            log.warning("cannot catch signals: %s", exc)
            return False
        self._reader, self._writer = reader, writer
        try:
            self._previous_wakeup = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
        except ValueError as exc:  # not the main thread
            log.warning("cannot catch signals: %s", exc)
            self._close_channel()
            return False
        for signo in CAUGHT_SIGNALS:
            self._previous[signo] = signal.getsignal(signo)
            signal.signal(signo, self._note)
        return True

    @staticmethod
    def _note(_signo: int, _frame: FrameType | None) -> None:
        # A Python handler replaces the default action (die, or raise KeyboardInterrupt);
        # the C-level handler has already written the signal's number to the pipe, and
        # the event loop acts on it there (see take()), never in the middle of other code.
        return

    def _open_channel(self) -> tuple[int, int]:
        """A non-blocking pipe (no ``socket`` import: a few ms of start-up); sockets on Windows."""
        if os.name == "posix":
            reader, writer = os.pipe()
            os.set_blocking(reader, False)
            os.set_blocking(writer, False)
            return reader, writer
        import socket  # pragma: no cover - Windows

        pair = socket.socketpair()  # pragma: no cover
        for sock in pair:  # pragma: no cover
            sock.setblocking(False)
        self._sockets = pair  # pragma: no cover
        return pair[0].fileno(), pair[1].fileno()  # pragma: no cover

    def _read(self) -> bytes:
        if self._sockets is not None:  # pragma: no cover - Windows
            return self._sockets[0].recv(256)
        return os.read(self._reader, 256)

    def _close_channel(self) -> None:
        if self._sockets is not None:  # pragma: no cover - Windows
            for sock in self._sockets:
                sock.close()
        else:
            for fd in (self._reader, self._writer):
                if fd != -1:
                    with contextlib.suppress(OSError):
                        os.close(fd)
        self._sockets = None
        self._reader = self._writer = -1

    def take(self) -> list[int]:
        """The signals received since the last call, in the order they came."""
        numbers: list[int] = []
        while self.installed:
            try:
                chunk = self._read()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # pragma: no cover - the pipe was closed under us
                break
            if not chunk:  # pragma: no cover
                break
            numbers.extend(chunk)
        return [n for n in numbers if n in CAUGHT_SIGNALS]

    def uninstall(self) -> None:
        """Restores the previous handlers and wakeup descriptor; closes the pipe."""
        if not self.installed:
            return
        for signo, handler in self._previous.items():
            with contextlib.suppress(ValueError, TypeError, OSError):
                signal.signal(signo, handler)
        self._previous.clear()
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._previous_wakeup)
        self._close_channel()


_fault_log: IO[str] | None = None


def enable_faulthandler(data_dir: Path | None) -> Path | None:
    """Turns ``faulthandler`` on, writing to the fault log in ``data_dir``; returns its path.

    The file is opened once and kept open for the life of the process (faulthandler writes to
    its descriptor from a signal handler). When the data directory cannot hold it (missing,
    read-only, or the name is taken by something that is not a regular file) the dump goes to
    standard error instead and None is returned. Never raises, never blocks.
    """
    global _fault_log
    handle = _open_fault_log(data_dir / FAULT_LOG_NAME) if data_dir is not None else None
    target: IO[str] | None = handle if handle is not None else sys.stderr
    if target is None:  # a GUI entry point on Windows has no stderr
        return None
    try:
        faulthandler.enable(target, all_threads=True)
        if hasattr(signal, "SIGUSR1") and hasattr(faulthandler, "register"):
            faulthandler.register(signal.SIGUSR1, target, all_threads=True, chain=False)
    except (OSError, ValueError, RuntimeError, AttributeError) as exc:
        log.warning("faulthandler could not be enabled: %s", exc)
        if handle is not None:
            handle.close()
        return None
    if _fault_log is not None and _fault_log is not handle:
        _fault_log.close()
    _fault_log = handle
    return data_dir / FAULT_LOG_NAME if handle is not None and data_dir is not None else None


def _open_fault_log(path: Path) -> IO[str] | None:
    # O_NONBLOCK: a FIFO in the file's place must not block the start (ENXIO instead).
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        log.info("no fault log at %s: %s", path, exc)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            log.warning("%s is not a regular file: faults are reported on stderr", path)
            os.close(fd)
            return None
        if info.st_size > FAULT_LOG_LIMIT:
            os.ftruncate(fd, 0)
        return os.fdopen(fd, "a", encoding="utf-8", errors="replace")
    except OSError as exc:
        log.info("no fault log at %s: %s", path, exc)
        with contextlib.suppress(OSError):
            os.close(fd)
        return None
