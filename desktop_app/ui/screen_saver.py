"""Holds the screen saver off during a session over D-Bus (see :mod:`desktop_app.keep_awake`).

:class:`DBusInhibitor` asks ``org.freedesktop.ScreenSaver.Inhibit`` on the session bus and
keeps the cookie for ``UnInhibit``; where only the desktop portal exists it asks
``org.freedesktop.portal.Inhibit`` (idle) and closes the request it got to let go. With no
session bus, or neither service, it does nothing and says so once in the log at INFO level:
never a warning, never an error. The bus is reached through :class:`Bus`, so tests use a fake.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from desktop_app.events import Event
from desktop_app.keep_awake import Inhibitor, KeepAwake
from desktop_app.ui.window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "Stretch Timer"
SCREEN_SAVER = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver")
PORTAL = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")
PORTAL_INHIBIT = "org.freedesktop.portal.Inhibit"
PORTAL_IDLE = 8
"""The portal's flag for "do not let the session go idle" (the screen saver)."""


class Bus(Protocol):
    def has_service(self, name: str) -> bool: ...

    def call(self, service: str, path: str, interface: str, method: str, *args: object) -> object:
        """The method's first reply value; raises :class:`OSError` when the call fails."""
        ...


class QtSessionBus:
    """The session bus through QtDBus (imported only when a session starts)."""

    def __init__(self) -> None:
        from PySide6.QtDBus import QDBusConnection

        self._connection = QDBusConnection.sessionBus()

    @property
    def connected(self) -> bool:
        return bool(self._connection.isConnected())

    def has_service(self, name: str) -> bool:
        reply = self._connection.interface().isServiceRegistered(name)
        return bool(reply.value()) if reply.isValid() else False

    def call(self, service: str, path: str, interface: str, method: str, *args: object) -> object:
        from PySide6.QtDBus import QDBusInterface, QDBusMessage

        # An introspected interface: Qt converts the arguments to the method's own types
        # (the cookie is a uint32, the portal's flags too).
        remote = QDBusInterface(service, path, interface, self._connection)
        if not remote.isValid():
            raise OSError(remote.lastError().message() or f"{interface} is not there")
        message = remote.call(method, *args)
        if message.type() == QDBusMessage.MessageType.ErrorMessage:
            raise OSError(message.errorMessage())
        values = message.arguments()
        return values[0] if values else None


def session_bus_configured() -> bool:
    """Whether a session bus can be reached without starting one (no autolaunch, no X11)."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return runtime is not None and runtime != "" and Path(runtime, "bus").exists()


class DBusInhibitor:
    """:class:`desktop_app.keep_awake.Inhibitor` over D-Bus; quiet when there is none."""

    def __init__(self, bus: Bus | None = None) -> None:
        self._bus = bus
        self._looked = bus is not None
        self._cookie: object = None
        self._request: str | None = None
        self._told = False

    def _get_bus(self) -> Bus | None:
        if not self._looked:
            self._looked = True
            if session_bus_configured():
                try:
                    bus = QtSessionBus()
                    self._bus = bus if bus.connected else None
                except Exception:  # no QtDBus: the same as no bus
                    self._bus = None
        return self._bus

    def inhibit(self, reason: str) -> bool:
        bus = self._get_bus()
        if bus is None:
            self._tell("no D-Bus session bus")
            return False
        try:
            if bus.has_service(SCREEN_SAVER[0]):
                self._cookie = bus.call(*SCREEN_SAVER, SCREEN_SAVER[0], "Inhibit", APP_NAME, reason)
                log.info("screen saver held off (cookie %s)", self._cookie)
                return True
            if bus.has_service(PORTAL[0]):
                handle = bus.call(
                    *PORTAL, PORTAL_INHIBIT, "Inhibit", "", PORTAL_IDLE, {"reason": reason}
                )
                self._request = str(handle)
                log.info("screen saver held off through the portal (%s)", self._request)
                return True
        except Exception as exc:
            self._tell(f"the call failed ({exc})")
            return False
        self._tell("no screen saver service on the session bus")
        return False

    def release(self) -> None:
        bus = self._bus
        cookie, request = self._cookie, self._request
        self._cookie = self._request = None
        if bus is None:
            return
        try:
            if cookie is not None:
                bus.call(*SCREEN_SAVER, SCREEN_SAVER[0], "UnInhibit", cookie)
            elif request is not None:
                bus.call(PORTAL[0], request, "org.freedesktop.portal.Request", "Close")
            else:
                return
            log.info("screen saver released")
        except Exception as exc:
            log.info("the screen saver could not be released: %s", exc)

    def _tell(self, why: str) -> None:
        if not self._told:
            self._told = True
            log.info("the screen saver is left alone during sessions: %s", why)


class ScreenSaverGuard(QObject):
    """Feeds session events to a :class:`KeepAwake` and wakes it when a pause runs long."""

    def __init__(self, parent: QObject, keep_awake: KeepAwake) -> None:
        super().__init__(parent)
        self.keep_awake = keep_awake
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._waiting_since: float | None = None

    def __call__(self, event: Event) -> None:
        self.keep_awake(event)
        since = self.keep_awake.paused_since
        if since != self._waiting_since:  # only when a pause starts or ends, never per tick
            self._waiting_since = since
            self._arm()

    def _arm(self) -> None:
        wait = self.keep_awake.seconds_until_check()
        if wait is None:
            self._timer.stop()
        else:
            self._timer.start(max(1, round(wait * 1000)))

    def check(self) -> None:
        self.keep_awake.check()
        self._arm()

    def close(self) -> None:
        self._timer.stop()
        if self.keep_awake.held:
            self.keep_awake.held = False
            self.keep_awake.inhibitor.release()


def attach_screen_saver_guard(
    window: MainWindow, inhibitor: Inhibitor | None = None
) -> ScreenSaverGuard:
    """A guard for ``window``'s sessions (D-Bus unless ``inhibitor`` is given); never raises."""
    keep_awake = KeepAwake(inhibitor if inhibitor is not None else DBusInhibitor())
    guard = ScreenSaverGuard(window, keep_awake)
    window.controller.events.subscribe(guard)
    return guard
