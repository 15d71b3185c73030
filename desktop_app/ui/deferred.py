"""Runs start-up work that the first picture does not need right after the window's first paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            # Queued: the paint that is being delivered finishes first.
            QTimer.singleShot(0, self, self._callback)
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Calls ``callback`` once, soon after ``widget`` has first painted (soon, if it has).

    A window that is shown but not yet exposed has not painted: ``show()`` only asks the
    window system, and the paint comes from the event loop after that. An exposed one has
    (Qt paints a widget window as soon as it is exposed).

    The callback must be safe to call early too: whoever needs its result first may run it.
    """
    window = widget.window().windowHandle()
    if window is not None and window.isExposed():
        QTimer.singleShot(0, widget, callback)
    else:
        _FirstPaint(widget, callback)
