"""The instance lock: a second Stretch Timer must not mark the first one's session as
interrupted, nor write to the log it is writing."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from desktop_app.storage.errors import LOCK_NAME


def _try_lock(handle: IO[str]) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class InstanceLock:
    """An advisory lock on ``sessions.lock``, held by the process that writes the log."""

    def __init__(self, path: Path) -> None:
        self._file: IO[str] | None = None
        self.path = path

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self, wait: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> bool:
        """True when this process now holds the lock; False when another process holds it.

        ``wait``: keep trying this long, since ``history`` takes the lock for a moment to mark
        sessions a killed app left running. Raises OSError when the lock file cannot be opened.
        """
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        delay, waited = 0.02, 0.0
        while not _try_lock(handle):
            if waited >= wait:
                handle.close()
                return False
            sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.2)
        self._file = handle
        return True

    def try_existing(self) -> bool:
        """Take the lock only if its file exists (creates nothing); True when now held."""
        try:
            handle = open(self.path, encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError:
            return False
        if not _try_lock(handle):
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the lock
            self._file = None


def lock_is_free(data_dir: Path) -> bool:
    """No Stretch Timer window holds the log in ``data_dir`` (checked by taking the lock for a
    moment; a missing lock file means no window ever opened it)."""
    lock = InstanceLock(data_dir / LOCK_NAME)
    if not (data_dir / LOCK_NAME).exists():
        return True
    taken = lock.try_existing()
    lock.release()
    return taken
