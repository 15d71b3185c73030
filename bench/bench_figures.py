"""What the pictures cost: working out a pose, drawing it once, and a repaint from the cache.

For every bundled stretch: ``draw_pose`` (the kinematics and the primitives, no Qt), the first
drawing at the session page's size and at a picker card's size, and then a repaint of a shown
FigureView, which only copies its cached pixmap (what each countdown tick could cost it; in the
app a tick repaints the ring alone). Medians, offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_figures.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from desktop_app import paths
from desktop_app.pose import Pose
from desktop_app.pose_drawing import draw_pose
from desktop_app.routines import load_library
from desktop_app.ui.figure_view import FigureView, render_figure

SESSION = QSize(380, 430)
CARD = QSize(110, 76)


def median_ms(work: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    library = load_library([paths.resources_dir() / "routines.yaml"]).library
    poses = [s.figure for s in library.stretches.values() if isinstance(s.figure, Pose)]
    palette = app.palette()  # type: ignore[attr-defined]
    pose_ms = [median_ms(lambda p=p: draw_pose(p), 50) for p in poses]
    large_ms = [
        median_ms(lambda p=p: render_figure(p, SESSION, palette, side="left"), 20) for p in poses
    ]
    small_ms = [median_ms(lambda p=p: render_figure(p, CARD, palette), 20) for p in poses]

    view = FigureView(None)  # type: ignore[arg-type]
    view.resize(SESSION)
    view.set_figure(poses[0], "left")
    view.show()
    app.processEvents()  # type: ignore[attr-defined]
    view.repaint()
    renders = view.renders
    repaint_ms = median_ms(view.repaint, 500)
    assert view.renders == renders, "a repaint drew the picture again"

    print(f"{len(poses)} bundled poses")
    print(f"draw_pose (no Qt), median of the poses' medians: {statistics.median(pose_ms):.3f} ms")
    print(
        f"first drawing at {SESSION.width()}x{SESSION.height()} (session page): median "
        f"{statistics.median(large_ms):.2f} ms, slowest {max(large_ms):.2f} ms"
    )
    print(
        f"first drawing at {CARD.width()}x{CARD.height()} (picker card): median "
        f"{statistics.median(small_ms):.2f} ms, slowest {max(small_ms):.2f} ms"
    )
    print(f"repaint of a shown picture from its cache: {repaint_ms * 1000:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
