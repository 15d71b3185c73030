"""Reads files a user hands us without trusting them: regular files only, bounded, never blocking.

A path may name a FIFO (opening it for reading waits for a writer, forever), a device such as
``/dev/zero`` (endless, and reports a size of 0), a folder, a socket, a link that loops or leads
nowhere, or a file the user may not read. Each becomes an :class:`UnreadableError` with a plain
sentence; nothing here raises ``OSError`` and nothing reads more than ``limit + 1`` bytes.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (it is then refused
# as "not a file"); for a regular file it changes nothing. O_NOCTTY: a terminal device named as
# a routine file never becomes our controlling terminal.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 256 * 1024


class UnreadableError(Exception):
    """A path that cannot be read as a file; ``str()`` is a sentence for the user."""

    def __init__(self, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        # For "too large": the size the file reports, when it is a regular file.
        self.size = size


class TooLargeError(UnreadableError):
    """A regular file with more bytes than the limit."""


FileIdentity = tuple[int, int] | tuple[str, str]


def not_a_file(mode: int) -> str | None:
    """What the path is when it is not a regular file (``None`` when it is one)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a file"
    return "it is not a regular file"


def os_problem(
    exc: OSError, path: str | os.PathLike[str], *, folder: bool = False, opening: bool = True
) -> str:
    """A sentence for an ``OSError`` met while opening or reading ``path``.

    ``opening=False``: met while only looking the path up, so a refusal is about a folder on
    the way to it, not about the file itself.
    """
    what = "folder" if folder else "file"
    code = exc.errno
    if code == errno.ENOENT:
        target = _dangling_target(path)
        if target is not None:
            return f"it is a link to '{target}', which does not exist"
        return f"no such {what}"
    if code == errno.ELOOP:
        return "it is a loop of symbolic links (a link that leads back to itself)"
    if code in (errno.EACCES, errno.EPERM):
        if not opening:
            return "permission denied: you may not open a folder on its path"
        return f"permission denied: you may not read this {what}"
    if code == errno.ENOTDIR:
        return "a part of its path is a file, not a folder"
    if code == errno.EISDIR:
        return "it is a folder, not a file"
    if code == errno.ENAMETOOLONG:
        return "its name is too long"
    if code == errno.ENXIO:
        return "it is a socket or device, not a file"
    if code == errno.EIO:
        return f"the {what} could not be read from the disk (input/output error)"
    reason = exc.strerror or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _dangling_target(path: str | os.PathLike[str]) -> str | None:
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return os.readlink(path)
    except (OSError, ValueError):
        pass
    return None


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """All of a regular file's bytes; raises :class:`UnreadableError` when that is not possible.

    Reads at most ``limit + 1`` bytes whatever size the file reports, and raises
    :class:`TooLargeError` past ``limit``.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:
        raise UnreadableError(_problem(exc, path)) from None
    kind = not_a_file(mode)
    if kind is not None:
        raise UnreadableError(kind)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise UnreadableError(os_problem(exc, path)) from None
    try:
        info = os.fstat(fd)
        # Checked again on what was opened: the path may have been swapped in between.
        kind = not_a_file(info.st_mode)
        if kind is not None:
            raise UnreadableError(kind)
        if info.st_size > limit:
            raise TooLargeError("too large", size=info.st_size)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise UnreadableError(os_problem(exc, path)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLargeError("too large")
    return data


def _problem(
    exc: OSError | ValueError, path: str | os.PathLike[str], *, folder: bool = False
) -> str:
    """A sentence for a failed lookup (``os.stat``) of ``path``."""
    if isinstance(exc, OSError):
        return os_problem(exc, path, folder=folder, opening=False)
    return "its name cannot be used (it holds a character the system refuses)"


def file_identity(path: str | os.PathLike[str]) -> FileIdentity:
    """The same value for every name of one file (links, ``sub/../x``), whatever its state."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return ("path", os.path.normpath(os.path.abspath(path)))
    return (info.st_dev, info.st_ino)


def path_exists(path: str | os.PathLike[str]) -> bool:
    """Whether anything at all has this name (a broken or looping link counts)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False
    except (OSError, ValueError):
        return True  # something is in the way (permissions, a long name): say so when reading
    return True


@dataclass(frozen=True)
class FolderListing:
    """Entries of a folder with one of the wanted suffixes, or why the folder could not be read."""

    files: tuple[Path, ...] = ()
    problem: str | None = None
    is_folder: bool = True


def list_folder(path: Path, suffixes: Iterable[str]) -> FolderListing:
    """Every entry named ``*<suffix>`` (hidden ones left out), in name order; never raises.

    Entries are listed whatever they are (a folder or FIFO named ``x.yaml`` is listed and then
    refused by :func:`read_limited`), so nothing a user put there is skipped without a word.
    ``is_folder`` is false when ``path`` is not a folder at all (then nothing is listed).
    """
    wanted = tuple(suffixes)
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:
        return FolderListing(problem=_problem(exc, path, folder=True), is_folder=False)
    if not stat.S_ISDIR(mode):
        return FolderListing(is_folder=False)
    try:
        with os.scandir(path) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.endswith(wanted) and not entry.name.startswith(".")
            )
    except OSError as exc:
        return FolderListing(
            problem=f"cannot list the folder: {os_problem(exc, path, folder=True)}"
        )
    return FolderListing(files=tuple(path / name for name in names))
