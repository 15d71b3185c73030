"""Pictures of the session screens from the real window, driven by keys on a stand-in clock.

Run under a real X server so the fonts are the ones people see, e.g.:

    Xvfb :71 -screen 0 1920x1080x24 -nolisten tcp &
    DISPLAY=:71 QT_QPA_PLATFORM=xcb python scripts/session_screenshots.py docs --size 800x600
    DISPLAY=:71 QT_QPA_PLATFORM=xcb python scripts/session_screenshots.py /tmp/full --size 1920x1080

It writes ``halted.png`` (the stopped screen after pain, on the bundled routine whose stopped
screen has the most choices) and ``summary-symptom.png`` (the summary after that pain, once the
routine has been run to its end with the suggested choice); with ``--extra`` also
``hold.png``, ``symptom.png`` and ``reminder.png``.
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
from desktop_app.model import Library
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.window import MainWindow


class StandInClock:
    """A monotonic clock the script moves, so every picture shows the same instant."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def busiest_stop(library: Library) -> tuple[str, int]:
    """A routine and step whose stopped screen offers all three choices, if any does."""
    for routine in library.routines:
        for index in range(len(routine.steps) - 2):
            area = set(routine.steps[index].stretch.area)
            if area & set(routine.steps[index + 1].stretch.area) and any(
                not area & set(s.stretch.area) for s in routine.steps[index + 2 :]
            ):
                return routine.id, index
    return library.routines[0].id, 0


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def shoot(window: MainWindow, app: QApplication, path: Path) -> None:
    settle(app)
    window.grab().save(str(path))
    print(f"wrote {path} ({window.width()}x{window.height()})")


def extra_shots(
    window: MainWindow, app: QApplication, library: Library, clock: StandInClock, out: Path
) -> None:
    """Tingling reported twice in the first hamstring hold; then pain there and going on."""
    routine = next(r for r in library.routines if "hamstrings" in r.steps[0].stretch.area)
    window.select_routine(routine.id)
    window.start_selected()
    controller = window.controller
    controller.skip()  # straight into the first hold
    clock.now += 8
    controller.refresh()
    shoot(window, app, out / "hold.png")  # the first hold: ring, picture, steps
    tingling = library.symptoms["tingling"]
    controller.report_symptom(tingling)
    controller.report_symptom(tingling)
    shoot(window, app, out / "symptom.png")
    window.press(window.keys.dismiss)
    controller.report_symptom(library.symptoms["pain"])
    go_on = [c for c in window.current_screen.choices if c.action in ("continue", "other_area")]
    window.perform(go_on[0])
    clock.now += 3
    controller.refresh()
    shoot(window, app, out / "reminder.png")
    controller.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1000x700", help="window size, e.g. 800x600")
    parser.add_argument("--symptom", default="pain")
    parser.add_argument(
        "--extra",
        action="store_true",
        help="also hold.png (the first hold of a hamstring routine), symptom.png (tingling "
        "twice in that hold) and reminder.png (after pain, going on)",
    )
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    QCoreApplication.setOrganizationName("StretchTimerScreenshots")
    app = QApplication(sys.argv[:1])
    library = load_library([paths.resources_dir() / "routines.yaml"]).library
    clock = StandInClock()
    with tempfile.TemporaryDirectory() as data:
        window = build_window(library, {}, Path(data), clock=clock)
        window.move(0, 0)
        window.resize(width, height)
        window.show()
        settle(app)
        routine_id, step = busiest_stop(library)
        # What the keys do, called directly: with no window manager the window is never
        # "active", so its shortcuts would not fire.
        window.select_routine(routine_id)
        window.start_selected()
        controller = window.controller
        while (
            (snap := controller.snapshot()) is not None
            and snap.hold is not None
            and (snap.hold.step_index < step)
        ):
            controller.skip()
        clock.now += 12
        controller.refresh()
        controller.report_symptom(library.symptoms[args.symptom])
        shoot(window, app, args.out / "halted.png")

        window.press("Enter")  # the suggested choice
        for _ in range(500):
            if window.stack.currentWidget() is window.summary_page:
                break
            snap = controller.snapshot()
            if snap is not None and snap.halted_by is not None:
                window.request_stop()
            else:
                clock.now += 5
                controller.refresh()
        shoot(window, app, args.out / "summary-symptom.png")
        if args.extra:
            extra_shots(window, app, library, clock, args.out)
        window.controller.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
