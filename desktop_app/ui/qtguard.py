"""Guards against PySide6 6.12's lost references to None/True/False on Python 3.11 (a crash).

Measured here (PySide6 6.12.0, CPython 3.11): every call of a Qt method that returns nothing
(``QLabel.setText``, ``QWidget.setVisible``, ``QTimer.start`` ...) takes one reference from
``None`` without having given it one, and ``Signal.emit`` / ``disconnect`` do the same to
``True`` / ``False``. These start with a few thousand references, so a window that redraws
ten times a second dies within a minute with "Fatal Python error: none_dealloc" (or
bool_dealloc). Python 3.12 made these objects immortal (PEP 683), which hides the bug there.

:func:`protect_none` checks for the leak and, only if it is there, gives ``None``, ``True``
and ``False`` reference counts so large that they cannot reach zero, which is what Python
3.12 does for immortal objects. Nothing else changes. The proper fix is a binding without
the bug.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_PROBES = 64
_IMMORTAL_BOOST = 1 << 40

_protected = False


def none_leaks() -> bool:
    """True when calling a Qt method that returns nothing costs ``None`` a reference."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
    after = sys.getrefcount(None)
    del probe
    return after < before


def protect_none() -> bool:
    """Make ``None`` impossible to deallocate if the binding leaks it; True if it did so."""
    global _protected
    if _protected or sys.version_info >= (3, 12):
        return False
    if not none_leaks():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython.
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += _IMMORTAL_BOOST
    _protected = True
    log.info("PySide6 drops references to None/True/False; protected them from deallocation")
    return True
