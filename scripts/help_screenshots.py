"""Pictures of the real app under X: the first-run safety notice and the picker's preview.

Runs the app's own command line (a fresh data directory, so it is a first start) in a window of
the given size at the screen's top-left corner, and saves what the screen shows there:

    Xvfb :72 -screen 0 1920x1080x24 -nolisten tcp &
    DISPLAY=:72 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/help_screenshots.py docs
    DISPLAY=:72 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/help_screenshots.py /tmp/big \\
        --size 1920x1080

Writes ``first-run.png`` (the notice over the picker) and ``picker.png`` (Hamstring basics,
its second stretch opened by keys: Tab, then ↓). With ``--start`` it starts the routine at once
instead, as ``--routine ID --start`` does, and writes ``banner.png`` (the notice as a banner
above the running session).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import desktop_app.ui.app as gui
from desktop_app import cli
from desktop_app.ui.help import InfoDialog
from desktop_app.ui.window import MainWindow

SETTLE_MS = 400
"""Time for the window system to draw what was just shown, before the screen is read."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the pictures")
    parser.add_argument("--size", default="1000x700", help="window size (default 1000x700)")
    parser.add_argument("--routine", default="hamstring-basics")
    parser.add_argument("--start", action="store_true", help="the banner over a started routine")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    real_run_gui = gui.run_gui

    def shoot(name: str) -> None:
        screen = QApplication.primaryScreen()
        path = args.out / name
        screen.grabWindow(0, 0, 0, width, height).save(str(path))
        print(path)

    def later(ms: int, step: Callable[[], None]) -> None:
        QTimer.singleShot(ms, step)

    def run_gui(*a: object, **kw: object) -> int:
        app_on_window = kw.get("on_window")

        def on_window(window: MainWindow) -> None:
            if callable(app_on_window):
                app_on_window(window)
            window.move(0, 0)
            window.resize(width, height)
            if args.start:
                later(3000, lambda: banner_shown(window))
            else:
                later(0, lambda: wait_for_notice(window))

        kw["on_window"] = on_window
        return real_run_gui(*a, **kw)  # type: ignore[arg-type]

    def wait_for_notice(window: MainWindow) -> None:
        dialogs = [d for d in window.findChildren(InfoDialog) if d.isVisible()]
        if not dialogs:
            later(50, lambda: wait_for_notice(window))
            return
        later(SETTLE_MS, lambda: notice_shown(window, dialogs[0]))

    def notice_shown(window: MainWindow, dialog: InfoDialog) -> None:
        shoot("first-run.png")
        QTest.keyClick(dialog.body, Qt.Key.Key_Return)
        window.activateWindow()
        assert window.select_routine(args.routine)
        window.picker.routine_list.setFocus()
        QTest.keyClick(window.picker.routine_list, Qt.Key.Key_Tab)
        QTest.keyClick(window.picker.cards[0], Qt.Key.Key_Down)
        later(SETTLE_MS, lambda: picker_shown(window))

    def picker_shown(window: MainWindow) -> None:
        shoot("picker.png")
        window.close()

    def banner_shown(window: MainWindow) -> None:
        shoot("banner.png")
        window.controller.stop()
        window.close()

    gui.run_gui = run_gui
    with tempfile.TemporaryDirectory() as data:
        start = ["--routine", args.routine, "--start"] if args.start else []
        return cli.main(["--data-dir", data, *start])


if __name__ == "__main__":
    raise SystemExit(main())
