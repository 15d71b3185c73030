"""Start-up to the first painted window: Stretch Timer against a bare PySide6 window with a label.

Each run is a fresh process; its time is from spawning it to the moment its main window's first
paint event is delivered (the child prints a line then, the parent reads the clock). Runs come
in interleaved pairs, one of each program, the order alternating from pair to pair, so that
disk caches, CPU frequency and the load of other processes affect both alike; each pair gives
one ratio. Prints the median of each program, the median ratio and its spread (the quartiles
and the extremes of the per-pair ratios): a difference inside the spread is noise. Goal: the
median ratio under 1.3x. Exit code 0 when it is met, 1 when not.

The app runs as ``stretch-timer --data-dir TMP`` does, session log and sound cues included;
its routine library cache is warm (a warm-up start writes it), as on every start after the
first. ``--cold-cache`` removes the cache before each of the app's runs instead (the first
start after installing or after editing a routine file). Bytecode is written and used, as
after ``pip install`` (this environment sets PYTHONDONTWRITEBYTECODE, which would add ~35 ms
of compiling to every run).

    .venv/bin/python bench/bench_startup.py                 # 21 pairs, offscreen
    .venv/bin/python bench/bench_startup.py --pairs 5       # a quick look
    .venv/bin/python bench/bench_startup.py --trace         # one app run: what ran before the paint
    Xvfb :73 -screen 0 1280x800x24 -nolisten tcp &
    QT_QPA_PLATFORM=xcb DISPLAY=:73 .venv/bin/python bench/bench_startup.py   # a real X window

Both children watch their main window with the same event filter, installed as it is shown
(the app's ``MainWindow.show`` is wrapped in the child; nothing in the app is a hook for this).
Only that window's events pass through Python: a filter on the whole application would be
called for every event of every widget as the window is built, and would slow the app (many
widgets) far more than the bare window (two).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL = 1.3

WATCH = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    done = False

    def eventFilter(self, watched, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            print("painted", flush=True)
            if "--trace" in sys.argv:
                modules = sorted(name for name in sys.modules if not name.startswith("_"))
                print("modules", " ".join(modules), flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False

spy = FirstPaint()

def watch(window):
    window.installEventFilter(spy)
"""

BARE = (
    WATCH
    + """
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
    WATCH
    + """
from desktop_app.ui.window import MainWindow
real_show = MainWindow.show

def show(self):
    watch(self)
    real_show(self)

MainWindow.show = show
from desktop_app import cli
sys.exit(cli.main(["--data-dir", sys.argv[1]]))
"""
)


def one_run(code: str, data_dir: str, *, trace: bool = False) -> tuple[float, list[str]]:
    """Seconds from spawning ``code`` to its first paint, and (``trace``) its modules then."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(REPO)
    # An installed app has its bytecode compiled (pip does it); let the warm-up run write it
    # here too, or every run would compile the package from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    args = [sys.executable, "-c", code, data_dir, *(["--trace"] if trace else [])]
    modules: list[str] = []
    start = time.perf_counter()
    with subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as child:
        assert child.stdout is not None
        elapsed = None
        for line in child.stdout:
            if elapsed is None and line.strip() == "painted":
                elapsed = time.perf_counter() - start
            elif line.startswith("modules "):
                modules = line.split()[1:]
        child.wait(timeout=30)
    if elapsed is None:
        raise RuntimeError("the child never painted its window")
    return elapsed, modules


def quartiles(values: list[float]) -> tuple[float, float]:
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def trace(data_dir: str) -> int:
    one_run(APP, data_dir)  # writes the bytecode and the library cache
    elapsed, modules = one_run(APP, data_dir, trace=True)
    ours = [m for m in modules if m.startswith("desktop_app")]
    print(f"first paint after {elapsed * 1000:.1f} ms; {len(modules)} modules loaded by then")
    print("desktop_app modules:", " ".join(ours))
    heavy = ("yaml", "desktop_app.routines", "desktop_app.engine", "desktop_app.audio", "sqlite3")
    for name in (*heavy, "logging.handlers", "socket", "datetime"):
        print(f"  {name:22} {'loaded' if name in modules else 'not loaded'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=21, help="interleaved pairs (default 21)")
    parser.add_argument(
        "--cold-cache", action="store_true", help="no routine library cache (first start)"
    )
    parser.add_argument("--trace", action="store_true", help="what one app start loads")
    args = parser.parse_args()
    bare: list[float] = []
    app: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir:
        if args.trace:
            return trace(data_dir)
        one_run(BARE, data_dir)  # warm the disk cache for both (not counted)
        one_run(APP, data_dir)
        for pair in range(args.pairs):
            if args.cold_cache:
                shutil.rmtree(Path(data_dir, "cache"), ignore_errors=True)
            if pair % 2:
                app.append(one_run(APP, data_dir)[0])
                bare.append(one_run(BARE, data_dir)[0])
            else:
                bare.append(one_run(BARE, data_dir)[0])
                app.append(one_run(APP, data_dir)[0])
    ratios = [a / b for a, b in zip(app, bare, strict=True)]
    ratio = statistics.median(ratios)
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    cache = "cold" if args.cold_cache else "warm"
    print(f"start-up to first paint ({platform}, {args.pairs} interleaved pairs, {cache} cache)")
    for name, times in (("bare PySide6 window + label", bare), ("Stretch Timer (picker)", app)):
        q1, q3 = quartiles(times)
        print(
            f"  {name:28}: median {statistics.median(times) * 1000:6.1f} ms"
            f"  (IQR {q1 * 1000:.0f}-{q3 * 1000:.0f}, min {min(times) * 1000:.0f})"
        )
    q1, q3 = quartiles(ratios)
    print(
        f"  ratio per pair              : median {ratio:.2f}x"
        f"  (IQR {q1:.2f}-{q3:.2f}, min-max {min(ratios):.2f}-{max(ratios):.2f};"
        f" goal < {GOAL}x: {'met' if ratio < GOAL else 'not met'})"
    )
    return 0 if ratio < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
