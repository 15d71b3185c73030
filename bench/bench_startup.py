"""Cold start to the first painted window: Stretch Timer against a bare PySide6 window with a label.

Each run is a fresh process; the time is from spawning it to the moment its window's first
paint event is delivered (the child prints a line then, the parent reads the clock). The two
programs alternate so that disk caches and CPU load affect both alike. Prints the medians and
their ratio (goal: under 1.5x). Bytecode is written and used, as after ``pip install``
(this environment sets PYTHONDONTWRITEBYTECODE, which would add ~35 ms of compiling).

    .venv/bin/python bench/bench_startup.py            # 5 runs each
    .venv/bin/python bench/bench_startup.py --runs 15  # the full measurement
    QT_QPA_PLATFORM=xcb DISPLAY=:99 .venv/bin/python bench/bench_startup.py   # a real X window
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PAINT_FILTER = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            print("painted", flush=True)
            QTimer.singleShot(0, self, QApplication.quit)
        return False

def watch(window):
    spy = FirstPaint(window)
    window.installEventFilter(spy)
    window.centralWidget().installEventFilter(spy)
"""

BARE = (
    PAINT_FILTER
    + """
import sys
from PySide6.QtWidgets import QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello", window))
watch(window)
window.show()
app.exec()
"""
)

APP = (
    PAINT_FILTER
    + """
import sys
import desktop_app.ui.app as gui
from desktop_app import cli

real_run_gui = gui.run_gui

def run_gui(*args, **kwargs):
    app_on_window = kwargs.get("on_window")  # the session log and sound cues: keep them

    def on_window(window):
        if app_on_window is not None:
            app_on_window(window)
        watch(window)

    kwargs["on_window"] = on_window
    return real_run_gui(*args, **kwargs)

gui.run_gui = run_gui
sys.exit(cli.main(["--data-dir", sys.argv[1]]))
"""
)


def one_run(code: str, data_dir: str) -> float:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(REPO)
    # An installed app has its bytecode compiled (pip does it); let the warm-up run write it
    # here too, or every run would compile the package from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", code, data_dir],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == "painted":
                elapsed = time.perf_counter() - start
                break
        else:
            raise RuntimeError("the child never painted its window")
        child.wait(timeout=30)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each program (default 5)")
    args = parser.parse_args()
    bare: list[float] = []
    app: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir:
        one_run(BARE, data_dir)  # warm the disk cache for both (not counted)
        one_run(APP, data_dir)
        for _ in range(args.runs):
            bare.append(one_run(BARE, data_dir))
            app.append(one_run(APP, data_dir))
    bare_median = statistics.median(bare)
    app_median = statistics.median(app)
    ratio = app_median / bare_median
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    print(f"cold start to first paint ({platform}, {args.runs} runs each, medians)")
    print(f"  bare PySide6 window + label : {bare_median * 1000:7.1f} ms")
    print(f"  Stretch Timer (picker)      : {app_median * 1000:7.1f} ms")
    print(f"  ratio                       : {ratio:7.2f}x  (goal < 1.5x)")
    return 0 if ratio < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
