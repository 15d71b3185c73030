"""Opens ``settings.ini`` only when that is safe; otherwise the app runs on its defaults.

QSettings blocks for ever on a FIFO (reading it, or taking ``settings.ini.lock`` when that is a
FIFO or a folder) and rewrites a file it cannot parse with what it understood. So the file is
checked first (a regular, readable text file of sane size, its lock a regular file or absent)
and parsed once; if anything is wrong the window gets no settings object at all: it uses the
defaults, remembers nothing and never writes over the user's file.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.ini"
SETTINGS_LIMIT = 1024 * 1024
"""A settings file larger than this is not ours: a few hundred bytes is usual."""


def settings_problem(path: Path) -> str | None:
    """Why the settings file at ``path`` must not be handed to QSettings; None when it may.

    A missing file is fine (it is created when a setting changes). Never blocks.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        return _reason(exc)
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            return "it is a folder"
        if not stat.S_ISREG(info.st_mode):
            return "it is not a regular file"
        if info.st_size > SETTINGS_LIMIT:
            return f"it is too large ({info.st_size:,} bytes)"
        try:
            text = _read_at_most(path, SETTINGS_LIMIT)
        except OSError as exc:
            return _reason(exc)
        if _CONTROL.search(text):
            # Qt writes every control character escaped: raw ones mean another kind of file.
            return "it is not a text file"
    lock = path.with_name(path.name + ".lock")
    try:
        lock_info = lock.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"its lock file {lock.name} cannot be used ({_reason(exc)})"
    if not stat.S_ISREG(lock_info.st_mode):
        return f"its lock file {lock.name} is not a regular file"
    return None


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _read_at_most(path: Path, limit: int) -> bytes:
    # O_NONBLOCK: the file may have been swapped for a FIFO since it was checked.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "it cannot be read (permission denied)"
    return (exc.strerror or str(exc)).rstrip(".").lower()


def open_settings(data_dir: Path) -> tuple[QSettings | None, str | None]:
    """The settings in ``data_dir``, or None and a notice for the window saying why not.

    Needs a Q(Core)Application. Never raises and never blocks.
    """
    path = data_dir / SETTINGS_FILE
    problem = settings_problem(path)
    if problem is None:
        settings = QSettings(str(path), QSettings.Format.IniFormat)
        status = settings.status()
        if status == QSettings.Status.FormatError:
            problem = "it is not a settings file Stretch Timer can read"
        elif status == QSettings.Status.AccessError:
            problem = "it cannot be read"
        else:
            return settings, None
        # Dropped unchanged: QSettings writes only what was changed, so nothing is written.
        del settings
    log.warning("settings %s not used: %s", path, problem)
    return None, (
        f"Your settings ({path}) could not be read: {problem}. Stretch Timer uses its defaults "
        "this time and leaves that file as it is."
    )
