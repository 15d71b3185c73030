"""Runs bad routine files (and damaged session logs) through the command line; counts the handled.

Each case of ``bench/adversarial_cases.py`` (over 200: encodings, BOMs, NUL and control
characters, binary and empty files, sizes past the limit, deep nesting, anchors and aliases,
tags, hostile durations, wrong types everywhere, odd Unicode, broken references, FIFOs, devices,
sockets, links, loops, folders, permissions, odd names) is run through

* ``python -m desktop_app validate PATH...``, and
* ``python -m desktop_app list --routines PATH...``,

each in a fresh process with a 10 s timeout. A case is *handled* when both runs

* end within 10 s with the documented exit code (validate: 1 for a bad file, 2 for a path that
  names nothing; list: 0, still listing the bundled routines, or 2 for a path that names nothing);
* say what is wrong in plain words: a ``file:line:column: message`` or ``path: message`` line
  naming the path given (list: on stderr);
* show no traceback, no Python exception name, no "something went wrong", and leave no crash
  report file.

When ``bench/adversarial_logs.py`` is there, its ``run_log_cases()`` (damaged session logs) runs
too and the table has both. Cases that need what this machine lacks are left out and named.
Permission cases need an unprivileged user: run as root, they run under ``setpriv`` as nobody
when a Python that nobody may run is found (else they are left out).

    .venv/bin/python bench/adversarial.py            # everything, a table for the README
    .venv/bin/python bench/adversarial.py --show     # also each case's first message
    .venv/bin/python bench/adversarial.py --only nesting --jobs 1
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from adversarial_cases import Case, all_cases, close_sockets  # noqa: E402

TIMEOUT = 10.0
BUNDLED_ROUTINE = "hamstring-basics"  # list must still show the bundled routines
# Signs that an error escaped as Python's own, not as a message written for the user.
LEAKS = re.compile(
    r"Traceback|something went wrong|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\[Errno|"
    r"object at 0x|File \"/"
)


@dataclass(frozen=True)
class Run:
    command: str
    ok: bool
    why: str
    first_message: str
    seconds: float


@dataclass(frozen=True)
class Outcome:
    case: Case
    runs: tuple[Run, ...]

    @property
    def handled(self) -> bool:
        return all(run.ok for run in self.runs)


@dataclass(frozen=True)
class Runner:
    """How to start the command line: as is, or as an unprivileged user for permission cases."""

    prefix: tuple[str, ...]
    python: str


def _machine_can(need: str | None) -> bool:
    if need is None:
        return True
    if need == "fifo":
        return hasattr(os, "mkfifo")
    if need == "socket":
        import socket

        return hasattr(socket, "AF_UNIX")
    if need == "device":
        return Path("/dev/zero").exists()
    if need == "symlink":
        return os.name == "posix"
    if need == "bytes-names":
        return sys.platform == "linux"
    return need == "unprivileged"  # whether it runs is decided by find_unprivileged_runner


def find_unprivileged_runner(root: Path) -> Runner | None:
    """A way to run the command line as a user who is refused what chmod 0 refuses."""
    if not hasattr(os, "geteuid"):
        return None
    if os.geteuid() != 0:
        return Runner((), sys.executable)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
    for python in (sys.executable, "/usr/bin/python3"):
        probe = subprocess.run(
            [*prefix, python, "-c", "import yaml, desktop_app.routines"],
            cwd=root,
            env=_env(root, root),
            capture_output=True,
            timeout=30,
            check=False,
        )
        if probe.returncode == 0:
            return Runner(prefix, python)
    return None


def _env(data: Path, crash_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "STRETCH_TIMER_DATA_DIR"}
    env.update(
        PYTHONPATH=str(REPO),
        PYTHONDONTWRITEBYTECODE="1",
        STRETCH_TIMER_DATA_DIR=str(data),
        TMPDIR=str(crash_dir),  # where a crash report would land
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def _run_one(
    runner: Runner, case: Case, command: str, paths: Sequence[str], data: Path, crash_dir: Path
) -> Run:
    if command == "validate":
        argv = ["validate", *paths]
        expected = case.validate_exit
    else:
        argv = ["list", *(arg for path in paths for arg in ("--routines", path))]
        expected = case.list_exit
    before = set(os.listdir(crash_dir))
    started = time.monotonic()
    try:
        done = subprocess.run(
            [*runner.prefix, runner.python, "-m", "desktop_app", *argv],
            cwd=REPO,
            env=_env(data, crash_dir),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(command, False, f"hung (no end within {TIMEOUT:.0f} s)", "", TIMEOUT)
    seconds = time.monotonic() - started
    out = done.stdout.decode("utf-8", "backslashreplace")
    err = done.stderr.decode("utf-8", "backslashreplace")
    messages = err if command == "list" else out + err
    first = next((line for line in messages.splitlines() if line.strip()), "")
    crashes = set(os.listdir(crash_dir)) - before
    why = ""
    if crashes:
        why = f"left a crash report ({sorted(crashes)[0]})"
    elif done.returncode != expected:
        why = f"exit code {done.returncode}, expected {expected}"
    elif LEAKS.search(out + err):
        why = f"a Python error reached the user: {LEAKS.search(out + err)!r}"
    elif expected != 0 and not _names_the_problem(messages, paths):
        why = "no message naming the path"
    elif command == "list" and expected == 0 and BUNDLED_ROUTINE not in out:
        why = "the bundled routines were not listed"
    elif expected == 0 and case.validate_exit != 0 and not _names_the_problem(err, paths):
        why = "no message naming the path"  # list: the bad file is named on stderr
    return Run(command, not why, why, first, seconds)


def _names_the_problem(messages: str, paths: Sequence[str]) -> bool:
    """A line that starts with a path given (or a file in it) and goes on with a message."""
    # As the command line prints them: a byte that is not UTF-8 as '\udcff'.
    shown = [p.encode("utf-8", "backslashreplace").decode("utf-8") for p in paths]
    for path in shown:
        for prefix in (path, f"stretch-timer validate: {path}", f"stretch-timer list: {path}"):
            at = messages.find(prefix)
            while at != -1:
                rest = messages[at + len(prefix) :]
                if re.match(r"(?:/[^\n:]*)?(?::\d+:\d+)?: \S", rest):
                    return True
                at = messages.find(prefix, at + 1)
    return False


def run_cases(
    cases: Iterable[Case], jobs: int = 2, *, unprivileged: Runner | None = None
) -> tuple[list[Outcome], list[tuple[Case, str]]]:
    """Runs each case through validate and list; returns the outcomes and the cases left out."""
    base = Path(tempfile.mkdtemp(prefix="stretch-adversarial-"))
    base.chmod(0o755)  # an unprivileged runner must reach the files (not the closed ones)
    data = base / "data"
    data.mkdir()
    crash_dir = base / "tmp"
    crash_dir.mkdir()
    crash_dir.chmod(0o1777)
    plain = Runner((), sys.executable)
    skipped: list[tuple[Case, str]] = []
    work: list[tuple[Case, Runner, list[str]]] = []
    try:
        for index, case in enumerate(cases):
            runner = plain
            if case.needs == "unprivileged":
                if unprivileged is None:
                    skipped.append((case, "no unprivileged user to run it as"))
                    continue
                runner = unprivileged
            elif not _machine_can(case.needs):
                skipped.append((case, f"this machine has no {case.needs}"))
                continue
            folder = base / f"{index:03d}-{case.name}"
            folder.mkdir()
            folder.chmod(0o755)
            work.append((case, runner, case.build(folder)))

        def one(item: tuple[Case, Runner, list[str]]) -> Outcome:
            case, runner, paths = item
            runs = tuple(
                _run_one(runner, case, command, paths, data, crash_dir)
                for command in ("validate", "list")
            )
            return Outcome(case, runs)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            outcomes = list(pool.map(one, work))
    finally:
        close_sockets()
        _remove(base)
    return outcomes, skipped


def _remove(base: Path) -> None:
    for path in base.rglob("*"):  # reopen what the permission cases closed
        try:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        except OSError:
            pass
    shutil.rmtree(base, ignore_errors=True)


def run_routine_cases(
    cases: Iterable[Case] | None = None, jobs: int = 2
) -> tuple[int, int, list[str]]:
    """(tried, handled, failures) over the routine-file cases, in the form of the log cases."""
    chosen = list(all_cases() if cases is None else cases)
    unprivileged = find_unprivileged_runner(REPO)
    outcomes, _ = run_cases(chosen, jobs, unprivileged=unprivileged)
    failures = [
        f"{o.case.kind}/{o.case.name}: {run.command}: {run.why}"
        for o in outcomes
        for run in o.runs
        if not run.ok
    ]
    return len(outcomes), sum(o.handled for o in outcomes), failures


def _log_cases() -> tuple[int, int, list[str]] | None:
    try:
        from adversarial_logs import run_log_cases  # type: ignore[import-not-found]
    except ImportError:
        return None
    result: tuple[int, int, list[str]] = run_log_cases()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--only", metavar="KIND", help="only the cases of this kind")
    parser.add_argument("--show", action="store_true", help="print each case's first message")
    parser.add_argument("--no-logs", action="store_true", help="skip the session-log cases")
    args = parser.parse_args(argv)

    cases = [c for c in all_cases() if args.only is None or c.kind == args.only]
    unprivileged = find_unprivileged_runner(REPO)
    started = time.monotonic()
    outcomes, skipped = run_cases(cases, args.jobs, unprivileged=unprivileged)
    elapsed = time.monotonic() - started

    if args.show:
        for outcome in outcomes:
            mark = "ok  " if outcome.handled else "FAIL"
            message = outcome.runs[0].first_message[:150]
            print(f"{mark} {outcome.case.kind}/{outcome.case.name}: {message}")
        print()

    tried = Counter(o.case.kind for o in outcomes)
    handled = Counter(o.case.kind for o in outcomes if o.handled)
    runs = [run for o in outcomes for run in o.runs]
    print("| inputs | tried | handled |")
    print("| --- | ---: | ---: |")
    for kind in dict.fromkeys(o.case.kind for o in outcomes):
        print(f"| routine files: {kind} | {tried[kind]} | {handled[kind]} |")
    total_tried, total_handled = len(outcomes), sum(handled.values())
    print(
        f"| **routine files** (each through validate and list) | **{total_tried}** | "
        f"**{total_handled}** |"
    )
    failures = [
        f"{o.case.kind}/{o.case.name}: {run.command}: {run.why}"
        for o in outcomes
        for run in o.runs
        if not run.ok
    ]
    logs = None if args.no_logs else _log_cases()
    if logs is not None:
        log_tried, log_handled, log_failures = logs
        print(f"| **session logs** | **{log_tried}** | **{log_handled}** |")
        print(f"| **all** | **{total_tried + log_tried}** | **{total_handled + log_handled}** |")
        failures += [f"session log: {f}" for f in log_failures]
    slow_run, slow_case = max(
        ((r, o.case) for o in outcomes for r in o.runs), key=lambda item: item[0].seconds
    )
    print(
        f"\n{len(runs)} command runs in {elapsed:.0f} s; slowest {slow_run.seconds:.2f} s "
        f"({slow_run.command}, {slow_case.kind}/{slow_case.name})"
        + (
            ""
            if unprivileged is None or not unprivileged.prefix
            else f"; permission cases as nobody ({unprivileged.python})"
        )
    )
    for case, reason in skipped:
        print(f"left out: {case.kind}/{case.name} ({reason})")
    for failure in failures:
        print(f"NOT HANDLED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
