"""Where things live: the bundled resources folder and the user's data directory."""

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


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``--data-dir``, else $STRETCH_TIMER_DATA_DIR, else the platform's place.

    The platform's application data location comes from QStandardPaths; Qt is imported only
    when neither override is given, so the command line stays light.
    """
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    if not QCoreApplication.organizationName():
        QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location)


def user_routines_dir(data: Path) -> Path:
    return data / "routines"
