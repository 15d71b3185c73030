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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app import cli
from desktop_app.ui.help import InfoDialog
from desktop_app.ui.window import MainWindow

SETTLE_MS = 400
"""Time for the window system to draw what was just shown, before the screen is read."""


class FirstShow(QObject):
    """Calls ``callback`` with the app's main window as it is first shown (before it paints)."""

    def __init__(self, callback: Callable[[MainWindow], None]) -> None:
        super().__init__()
        self.callback: Callable[[MainWindow], None] | None = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            self.callback is not None
            and event.type() == QEvent.Type.Show
            and isinstance(watched, MainWindow)
        ):
            callback, self.callback = self.callback, None
            callback(watched)
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the pictures")
    parser.add_argument("--size", default="1000x700", help="window size (default 1000x700)")
    parser.add_argument("--routine", default="hamstring-basics")
    parser.add_argument("--start", action="store_true", help="the banner over a started routine")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        screen = QApplication.primaryScreen()
        path = args.out / name
        screen.grabWindow(0, 0, 0, width, height).save(str(path))
        print(path)

    def later(ms: int, step: Callable[[], None]) -> None:
        QTimer.singleShot(ms, step)

    def on_window(window: MainWindow) -> None:
        window.move(0, 0)
        window.resize(width, height)
        if args.start:
            later(3000, lambda: banner_shown(window))
        else:
            later(0, lambda: wait_for_notice(window))

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

    # The app's own QApplication would be the same; making it here lets the filter watch it.
    app = QApplication(sys.argv[:1])
    spy = FirstShow(on_window)
    app.installEventFilter(spy)
    with tempfile.TemporaryDirectory() as data:
        start = ["--routine", args.routine, "--start"] if args.start else []
        return cli.main(["--data-dir", data, *start])


if __name__ == "__main__":
    raise SystemExit(main())
