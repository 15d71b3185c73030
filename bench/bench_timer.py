"""Timer accuracy, CPU and memory of a real session in the real window, on the real clock.

Runs a routine in Stretch Timer's main window (shown; offscreen unless QT_QPA_PLATFORM says
otherwise) with ``time.monotonic`` and records when each phase boundary reaches the window
(the moment the engine's event is delivered), against where the plan puts it:

1. the end of the first hold (60 s with ``--full``): goal within 50 ms;
2. the spread of every boundary over the routine (5 minutes with ``--full``): goal < 100 ms;
3. CPU time of the process while counting down, as % of one core: goal < 2 %;
4. peak RSS, against a bare PySide6 window with one label, in its own process.

    .venv/bin/python bench/bench_timer.py          # a 20 s routine with a 5 s first hold
    .venv/bin/python bench/bench_timer.py --full   # a 5-minute routine with a 60 s first hold
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import MappingProxyType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BARE = """
import resource, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello", window))
window.resize(1000, 700)
window.show()
QTimer.singleShot(1000, window, app.quit)
app.exec()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def build_routine(full: bool) -> object:
    from desktop_app.model import Routine, Step, Stretch

    def stretch(sid: str, sided: bool = False) -> Stretch:
        return Stretch(
            id=sid,
            name=sid.title(),
            area=("hamstrings",),
            sided=sided,
            instructions=("Do it.",),
            tips=("Breathe.",),
            advice=MappingProxyType({}),
        )

    if full:
        # 60 + 4 x (5 + 30) + (5 + 20 + 10 + 20) + (5 + 40) = 300 s
        steps = (
            Step(stretch("first"), hold=60, prepare=0),
            Step(stretch("sided", sided=True), hold=30, reps=2, rest=10, prepare=5),
            Step(stretch("reps"), hold=20, reps=2, rest=10, prepare=5),
            Step(stretch("last"), hold=40, prepare=5),
        )
    else:
        # 5 + 2 x (1 + 3) + (1 + 2 + 1 + 2) = 19 s
        steps = (
            Step(stretch("first"), hold=5, prepare=0),
            Step(stretch("sided", sided=True), hold=3, prepare=1),
            Step(stretch("reps"), hold=2, reps=2, rest=1, prepare=1),
        )
    return Routine(id="bench", name="Bench", description="", steps=steps)


def run_app(full: bool) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.events import Event, HoldEnded, PhaseStarted, SessionEnded, SessionStarted
    from desktop_app.model import Library, Routine
    from desktop_app.ui.app import build_window

    routine = build_routine(full)
    assert isinstance(routine, Routine)
    app = QApplication(sys.argv[:1])
    library = Library(stretches=MappingProxyType({}), routines=(routine,), symptoms={})
    observed: list[tuple[str, float]] = []
    started: list[float] = []

    def listener(event: Event) -> None:
        now = time.monotonic()
        if isinstance(event, SessionStarted):
            started.append(now)
        elif isinstance(event, PhaseStarted):
            observed.append(("phase", now))
        elif isinstance(event, HoldEnded):
            observed.append(("hold_end", now))
        elif isinstance(event, SessionEnded):
            observed.append(("end", now))
            app.quit()

    window = build_window(library, {}, None)
    window.controller.events.subscribe(listener)
    window.resize(1000, 700)
    window.show()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    wall_before = time.monotonic()
    window.start_routine(routine)
    app.exec()
    wall = time.monotonic() - wall_before
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)

    # Where the plan puts each event, from the session start: every phase start (pause, then
    # hold) and every hold end, in the order the engine emits them.
    planned: list[float] = []
    offset = 0.0
    for hold in routine.holds():
        if hold.pause:
            planned.append(offset)
            offset += hold.pause
        planned.append(offset)
        offset += hold.hold
        planned.append(offset)
    start = started[0]
    seen = [t for kind, t in observed if kind != "end"]
    assert len(seen) == len(planned), (len(seen), len(planned))
    errors = [t - start - plan for t, plan in zip(seen, planned, strict=True)]
    first_hold_end = next(t for kind, t in observed if kind == "hold_end")
    first_hold = routine.holds()[0]
    first_error = first_hold_end - start - (first_hold.pause + first_hold.hold)
    spread = max(errors) - min(errors)
    return {
        "first_hold_seconds": float(first_hold.hold),
        "first_hold_error_ms": first_error * 1000,
        "boundaries": float(len(errors)),
        "worst_error_ms": max(abs(e) for e in errors) * 1000,
        "spread_ms": spread * 1000,
        "routine_seconds": float(routine.planned_seconds),
        "wall_seconds": wall,
        "cpu_percent": 100 * cpu / wall,
        "peak_rss_kib": float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="60 s hold, 5-minute routine")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_app(args.full)))
        return 0
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [sys.executable, __file__, "--child"] + (["--full"] if args.full else [])
    result = json.loads(
        subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    )
    bare_rss = float(
        subprocess.run(
            [sys.executable, "-c", BARE], env=env, capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    )
    ok = (
        abs(result["first_hold_error_ms"]) < 50
        and result["spread_ms"] < 100
        and result["cpu_percent"] < 2
    )
    print(f"session of {result['routine_seconds']:.0f} s ({env['QT_QPA_PLATFORM']}), real clock")
    print(
        f"  end of the first {result['first_hold_seconds']:.0f} s hold: "
        f"{result['first_hold_error_ms']:+.1f} ms late (goal within 50 ms)"
    )
    print(
        f"  {result['boundaries']:.0f} boundaries: worst {result['worst_error_ms']:.1f} ms, "
        f"spread {result['spread_ms']:.1f} ms (goal < 100 ms)"
    )
    print(f"  CPU while counting down: {result['cpu_percent']:.2f} % of one core (goal < 2 %)")
    print(
        f"  peak RSS: {result['peak_rss_kib'] / 1024:.0f} MiB "
        f"(bare PySide6 window: {bare_rss / 1024:.0f} MiB)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
