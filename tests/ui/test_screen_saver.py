"""The screen saver over D-Bus: the calls made (a fake bus), no bus at all, the guard's timer."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.keep_awake import KeepAwake
from desktop_app.ui.screen_saver import (
    PORTAL,
    SCREEN_SAVER,
    DBusInhibitor,
    ScreenSaverGuard,
    attach_screen_saver_guard,
)
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS


class FakeBus:
    def __init__(self, services: set[str], fail: bool = False) -> None:
        self.services = services
        self.fail = fail
        self.calls: list[tuple[object, ...]] = []

    def has_service(self, name: str) -> bool:
        return name in self.services

    def call(self, service: str, path: str, interface: str, method: str, *args: object) -> object:
        self.calls.append((service, path, interface, method, *args))
        if self.fail:
            raise OSError("org.freedesktop.DBus.Error.AccessDenied")
        return 4242 if method == "Inhibit" and service == SCREEN_SAVER[0] else "/request/1"


def test_screen_saver_inhibit_keeps_the_cookie_for_uninhibit() -> None:
    bus = FakeBus({SCREEN_SAVER[0], PORTAL[0]})
    inhibitor = DBusInhibitor(bus)
    assert inhibitor.inhibit("A stretching session is running")
    inhibitor.release()
    assert [c[3:] for c in bus.calls] == [
        ("Inhibit", "Stretch Timer", "A stretching session is running"),
        ("UnInhibit", 4242),
    ]
    assert bus.calls[0][:3] == (*SCREEN_SAVER, "org.freedesktop.ScreenSaver")


def test_the_portal_where_only_it_exists() -> None:
    bus = FakeBus({PORTAL[0]})
    inhibitor = DBusInhibitor(bus)
    assert inhibitor.inhibit("why")
    inhibitor.release()
    assert bus.calls[0][2:5] == ("org.freedesktop.portal.Inhibit", "Inhibit", "")
    assert bus.calls[0][5] == 8  # idle
    assert bus.calls[1][:4] == (PORTAL[0], "/request/1", "org.freedesktop.portal.Request", "Close")


def test_no_service_or_a_failing_call_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for bus in (FakeBus(set()), FakeBus({SCREEN_SAVER[0]}, fail=True)):
        inhibitor = DBusInhibitor(bus)
        for _ in range(3):
            assert not inhibitor.inhibit("why")
        inhibitor.release()
    assert all(r.levelno <= logging.INFO for r in caplog.records)
    assert len([r for r in caplog.records if "left alone" in r.message]) == 2  # once each


def test_no_dbus_at_all_nothing_happens(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")
    inhibitor = DBusInhibitor()
    assert not inhibitor.inhibit("why")
    inhibitor.release()
    assert all(r.levelno <= logging.INFO for r in caplog.records)


def test_a_session_in_the_window_holds_it_until_the_end(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    bus = FakeBus({SCREEN_SAVER[0]})
    guard = attach_screen_saver_guard(window, DBusInhibitor(bus))
    window.start_routine(BASICS)
    assert guard.keep_awake.held
    window.controller.stop()
    assert [c[3] for c in bus.calls] == ["Inhibit", "UnInhibit"]


def test_the_guard_releases_after_a_long_pause(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    bus = FakeBus({SCREEN_SAVER[0]})
    keep = KeepAwake(DBusInhibitor(bus), clock, pause_limit=0.05)
    guard = ScreenSaverGuard(window, keep)
    window.controller.events.subscribe(guard)
    window.start_routine(BASICS)
    window.controller.toggle_pause()
    clock.advance(1)
    qtbot.waitUntil(lambda: not keep.held)  # the guard's timer fired
    window.controller.toggle_pause()
    assert keep.held
    assert [c[3] for c in bus.calls] == ["Inhibit", "UnInhibit", "Inhibit"]
    guard.close()
    assert [c[3] for c in bus.calls][-1] == "UnInhibit"
