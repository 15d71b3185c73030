"""Pictures of the session screen at two sizes, large text, the dark theme, and the settings.

Run under a real X server so the fonts are the ones people see:

    Xvfb :75 -screen 0 1920x1080x24 -nolisten tcp &
    DISPLAY=:75 QT_QPA_PLATFORM=xcb python scripts/screen_screenshots.py docs

Writes ``hold-1000x700.png``, ``hold-fullscreen.png`` (1920x1080), ``hold-large-text.png``,
``hold-dark.png`` and ``settings.png``, each a hold of the first bundled routine's first
stretch 12 s in, on a stand-in clock (every run shows the same instant).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop_app import paths
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.window import MainWindow


class StandInClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()


def into_hold(window: MainWindow, clock: StandInClock, app: QApplication) -> None:
    window.controller.stop()
    window.start_selected()
    engine = window.controller.engine
    assert engine is not None
    clock.now += engine.holds[0].pause + 12.4
    window.controller.refresh()
    settle(app)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    QCoreApplication.setOrganizationName("stretch-timer-screenshots")
    app = QApplication(sys.argv[:1])
    library = load_library([paths.resources_dir() / "routines.yaml"]).library
    clock = StandInClock()
    with tempfile.TemporaryDirectory() as data:
        data_dir = Path(data)
        # The safety notice was read: not part of these pictures.
        (data_dir / "settings.ini").write_text("[help]\nsafety_notice_seen=99\n")
        window = build_window(library, {}, data_dir, clock=clock)
        window.confirm_stop = lambda quitting=False: True  # type: ignore[method-assign]
        window.resize(1000, 700)
        window.show()
        settle(app)
        into_hold(window, clock, app)
        window.grab().save(str(args.out / "hold-1000x700.png"))
        window.showFullScreen()
        window.setGeometry(0, 0, 1920, 1080)
        settle(app)
        into_hold(window, clock, app)
        window.grab().save(str(args.out / "hold-fullscreen.png"))
        window.showNormal()
        window.resize(1000, 700)
        window.preferences.update(text_size="large")
        settle(app)
        into_hold(window, clock, app)
        window.grab().save(str(args.out / "hold-large-text.png"))
        window.preferences.update(text_size="normal", theme="dark")
        settle(app)
        into_hold(window, clock, app)
        window.grab().save(str(args.out / "hold-dark.png"))
        window.preferences.update(theme="system")
        settle(app)
        window.controller.stop()
        window.show_picker()
        dialog = window.show_settings()
        settle(app)
        dialog.adjustSize()
        settle(app)
        dialog.grab().save(str(args.out / "settings.png"))
        dialog.close()
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
