"""Where things live: the bundled resources, the user's data directory and whether it is usable."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Stretch Timer"
ORG_NAME = "StretchTimer"
DATA_DIR_ENV = "STRETCH_TIMER_DATA_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The bundled resources: inside the installed package, or beside it in a source checkout."""
    installed = _PACKAGE_DIR / "resources"
    if (installed / "routines.yaml").is_file():
        return installed
    return _PACKAGE_DIR.parent / "resources"


def bundled_routines_file() -> Path:
    return resources_dir() / "routines.yaml"


def demo_routines_file() -> Path:
    """The demo routine ("Quick check"), loaded only with ``--demo``."""
    return resources_dir() / "demo.yaml"


class DataDirError(ValueError):
    """The data directory's name cannot be turned into a path (e.g. ``~nosuchuser/x``)."""


def _expand(text: str | os.PathLike[str]) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~user" for a user that does not exist, or no home directory
        raise DataDirError(
            f"cannot use {os.fspath(text)!r} as the data directory: "
            "its ~ names no user with a home directory"
        ) from None


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``--data-dir``, else $STRETCH_TIMER_DATA_DIR, else the platform's place.

    The platform's application data location comes from QStandardPaths; Qt is imported only
    when neither override is given, so the command line stays light.
    """
    if override:
        return _expand(override)
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return _expand(env)
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    if not QCoreApplication.organizationName():
        QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location)


def user_routines_dir(data: Path) -> Path:
    return data / "routines"


def cache_dir(data: Path) -> Path:
    """What the app can always rebuild (the parsed routine library): safe to delete."""
    return data / "cache"


def data_dir_problem(path: Path, *, create: bool = True) -> str | None:
    """Why ``path`` cannot be the data directory, in a few plain words; None when it can.

    ``create`` makes it (and its parents) when missing, as the window does; without it a
    missing directory is no problem as long as it could be made (the read-only commands).
    """
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _os_reason(exc)
    else:
        existing = path
        while not os.path.lexists(existing) and existing.parent != existing:
            existing = existing.parent
        if existing != path:
            return None if existing.is_dir() else f"{existing} is a file, not a folder"
    if not path.is_dir():
        return "it is a file, not a folder"
    if create and not os.access(path, os.W_OK | os.X_OK):
        return "it is not writable"
    return None


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileExistsError):
        return "it is a file, not a folder"
    if isinstance(exc, NotADirectoryError):
        return "part of its path is a file, not a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).rstrip(".")
