"""Wakeups, CPU and peak memory while counting down: the real app against a bare PySide6 window.

In one run, on a real X server (Xvfb) and offscreen, it starts two programs one after the
other and watches each from outside, through /proc, so nothing in them is changed:

(a) a bare PySide6 window (1000x700, as the app opens) whose label changes once a second;
(b) Stretch Timer as users run it: ``python -m desktop_app --data-dir D --routines tiny.yaml
    --routine long-hold --start``, which attaches the session log and the sound cues, with one
    15-minute hold running.

After ``--settle`` seconds (start-up, the session log and the sound player are loaded after the
first paint) it measures for ``--seconds`` seconds:

- wakeups a second: context switches (voluntary + involuntary) summed over every thread of the
  process (/proc/PID/task/*/status), each thread from when it was first seen (a thread that
  ends between two samples, once a second, loses its last second);
- CPU as % of one core: utime + stime of the whole process (/proc/PID/stat, 10 ms ticks), and
  the same from the scheduler's nanosecond run times (/proc/PID/task/*/schedstat);
- peak memory: VmHWM at the end.

Goals (issue 14): at most 15 wakeups a second; CPU at most 2x the bare window's or 0.3 % of a
core, whichever is larger; peak memory at most 1.4x the bare window's. Then the app is ended
with SIGTERM, and its session must be in the log (``history --json``): the session ran and the
log was attached.

    .venv/bin/python bench/bench_wakeups.py                     # xcb (own Xvfb) and offscreen
    .venv/bin/python bench/bench_wakeups.py --platforms xcb --threads
    DISPLAY=:74 .venv/bin/python bench/bench_wakeups.py         # use a running X server
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WAKEUPS_GOAL = 15.0
CPU_FACTOR_GOAL = 2.0
CPU_FLOOR_GOAL = 0.3
MEMORY_FACTOR_GOAL = 1.4

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("900", window)
window.setCentralWidget(label)
window.resize(1000, 700)
window.show()
left = [900]
def tick():
    left[0] -= 1
    label.setText(str(left[0]))
timer = QTimer(window)
timer.timeout.connect(tick)
timer.start(1000)
sys.exit(app.exec())
"""

ROUTINE_ID = "long-hold"
TINY_YAML = """format: 1
routines:
  - id: {routine_id}
    name: Long hold
    description: One long hold, for measuring.
    steps:
      - stretch: seated-chair-hamstring
        hold: {hold}
        prepare: 0s
"""


@dataclass
class Threads:
    """What the process's threads have done so far, per thread id."""

    switches: dict[int, int] = field(default_factory=dict)
    run_ns: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


@dataclass
class Measure:
    name: str
    seconds: float
    wakeups: float
    cpu_percent: float
    cpu_percent_ns: float
    peak_kib: int
    per_thread: list[tuple[str, float]]

    @property
    def wakeups_per_second(self) -> float:
        return self.wakeups / self.seconds


def read_threads(pid: int) -> Threads:
    threads = Threads()
    for task in Path(f"/proc/{pid}/task").iterdir():
        tid = int(task.name)
        try:
            status = (task / "status").read_text()
            schedstat = (task / "schedstat").read_text().split()
            name = (task / "comm").read_text().strip()
        except OSError:  # the thread ended while it was read
            continue
        switches = 0
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"):
                switches += int(value)
        threads.switches[tid] = switches
        threads.run_ns[tid] = int(schedstat[0])
        threads.names[tid] = name
    return threads


def cpu_ticks(pid: int) -> int:
    """utime + stime of the whole process, ended threads included, in clock ticks."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def measure(name: str, process: subprocess.Popen[bytes], seconds: float) -> Measure:
    pid = process.pid
    first = read_threads(pid)
    ticks0 = cpu_ticks(pid)
    start = time.monotonic()
    last = Threads(dict(first.switches), dict(first.run_ns), dict(first.names))
    while (elapsed := time.monotonic() - start) < seconds:
        if process.poll() is not None:
            raise RuntimeError(f"{name} ended during the measurement ({process.returncode})")
        time.sleep(min(1.0, seconds - elapsed))
        now = read_threads(pid)
        last.switches.update(now.switches)
        last.run_ns.update(now.run_ns)
        last.names.update(now.names)
    elapsed = time.monotonic() - start
    ticks = cpu_ticks(pid) - ticks0
    per_thread: dict[str, float] = {}
    wakeups = 0
    run_ns = 0
    for tid, count in last.switches.items():
        done = count - first.switches.get(tid, 0)
        wakeups += done
        run_ns += last.run_ns[tid] - first.run_ns.get(tid, 0)
        label = f"{last.names[tid]}" + (" (main)" if tid == pid else "")
        per_thread[label] = per_thread.get(label, 0.0) + done / elapsed
    hz = os.sysconf("SC_CLK_TCK")
    return Measure(
        name=name,
        seconds=elapsed,
        wakeups=float(wakeups),
        cpu_percent=100.0 * ticks / hz / elapsed,
        cpu_percent_ns=100.0 * run_ns / 1e9 / elapsed,
        peak_kib=peak_kib(pid),
        per_thread=sorted(per_thread.items(), key=lambda item: -item[1]),
    )


def end(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@contextmanager
def x_server() -> Iterator[str]:
    """The DISPLAY to use: the one set, else a fresh Xvfb of our own for this run."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("no DISPLAY and no Xvfb: install xvfb or run with --platforms offscreen")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("Xvfb did not start")
            time.sleep(0.1)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait()


def run_pair(platform: str, display: str | None, args: argparse.Namespace) -> list[Measure]:
    env = dict(os.environ, QT_QPA_PLATFORM=platform, PYTHONPATH=str(REPO))
    env.pop("QT_LOGGING_RULES", None)
    if display is not None:
        env["DISPLAY"] = display
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-wakeups-") as tmp:
        routines = Path(tmp) / "tiny.yaml"
        routines.write_text(
            TINY_YAML.format(routine_id=ROUTINE_ID, hold=args.hold), encoding="utf-8"
        )
        data = Path(tmp) / "data"
        programs = {
            "bare window": [sys.executable, "-c", BARE],
            "Stretch Timer": [
                sys.executable,
                "-m",
                "desktop_app",
                "--data-dir",
                str(data),
                "--routines",
                str(routines),
                "--routine",
                ROUTINE_ID,
                "--start",
            ],
        }
        for name, command in programs.items():
            process = subprocess.Popen(
                command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                time.sleep(args.settle)
                if process.poll() is not None:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"{name} ended early: {error}")
                results.append(measure(name, process, args.seconds))
            finally:
                end(process)
        history = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--data-dir", str(data), "history", "--json"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        sessions = json.loads(history.stdout)
        if len(sessions) != 1:
            raise RuntimeError(f"expected the one session in the log, found {len(sessions)}")
    return results


def report(platform: str, bare: Measure, app: Measure, threads: bool) -> bool:
    cpu_goal = max(CPU_FACTOR_GOAL * bare.cpu_percent, CPU_FLOOR_GOAL)
    memory_ratio = app.peak_kib / bare.peak_kib
    checks = (
        app.wakeups_per_second <= WAKEUPS_GOAL,
        app.cpu_percent <= cpu_goal,
        memory_ratio <= MEMORY_FACTOR_GOAL,
    )
    print(f"{platform}: {app.seconds:.0f} s of a running hold")
    print(f"  {'':<16} {'wakeups/s':>10} {'CPU %':>7} {'CPU % (ns)':>11} {'peak MiB':>9}")
    for m in (bare, app):
        print(
            f"  {m.name:<16} {m.wakeups_per_second:>10.1f} {m.cpu_percent:>7.2f} "
            f"{m.cpu_percent_ns:>11.3f} {m.peak_kib / 1024:>9.1f}"
        )
    print(
        f"  goals: wakeups <= {WAKEUPS_GOAL:.0f}/s "
        f"[{'met' if checks[0] else 'NOT met'}]; "
        f"CPU <= {cpu_goal:.2f} % [{'met' if checks[1] else 'NOT met'}]; "
        f"memory {memory_ratio:.2f}x <= {MEMORY_FACTOR_GOAL}x "
        f"[{'met' if checks[2] else 'NOT met'}]"
    )
    if threads:
        for m in (bare, app):
            busy = ", ".join(f"{name} {rate:.1f}" for name, rate in m.per_thread if rate >= 0.05)
            print(f"  {m.name} threads (wakeups/s): {busy}")
    return all(checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", nargs="+", default=["xcb", "offscreen"])
    parser.add_argument("--seconds", type=float, default=25.0, help="measured (default 25)")
    parser.add_argument("--settle", type=float, default=8.0, help="after start (default 8)")
    parser.add_argument("--hold", default="15m", help="the hold measured (default 15m)")
    parser.add_argument("--threads", action="store_true", help="wakeups of each thread")
    args = parser.parse_args()
    ok = True
    for platform in args.platforms:
        if platform == "xcb":
            with x_server() as display:
                bare, app = run_pair(platform, display, args)
        else:
            bare, app = run_pair(platform, None, args)
        ok = report(platform, bare, app, args.threads) and ok
    with suppress(BrokenPipeError):
        sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
