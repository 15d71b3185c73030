"""Refuses a Qt binding release known to crash the app, with a message that says what to do.

PySide6 6.12.0 takes a reference from ``None`` on every call of a Qt method that returns
nothing, and from ``True``/``False`` on every signal emit, under Python 3.11 (3.12 made those
objects immortal, which hides it). A window redrawing ten times a second then dies within a
minute with "Fatal Python error: none_dealloc". pyproject.toml excludes that release; this
check catches an environment that has it anyway (installed by hand, or by another package).
"""

from __future__ import annotations

import sys

BROKEN_RELEASES = frozenset({"6.12.0"})


def binding_problem(
    qt_version: str | None = None, python: tuple[int, int] | None = None
) -> str | None:
    """A sentence for the user when the installed PySide6 is a known-broken release, else None."""
    if qt_version is None:
        import PySide6

        qt_version = PySide6.__version__
    if python is None:
        python = (sys.version_info[0], sys.version_info[1])
    if qt_version not in BROKEN_RELEASES or python >= (3, 12):
        return None
    return (
        f"PySide6 {qt_version} has a bug that makes Stretch Timer crash within a minute of "
        f"counting down on Python {python[0]}.{python[1]}. Install another release, for example "
        f"with: pip install 'PySide6-Essentials!={qt_version}'"
    )
