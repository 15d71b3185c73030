"""The command line: lists, validates and reports, or checks the options and opens the window.

The window's case is checked here (an unknown routine, a refused Qt binding: exit 2 before any
window) and then run by :func:`desktop_app.ui.app.run_app`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import __version__
from desktop_app.formatting import duration_text
from desktop_app.lifecycle import enable_faulthandler
from desktop_app.logs import configure_logging
from desktop_app.model import DEMO_ROUTINE_ID
from desktop_app.paths import (
    DataDirError,
    bundled_routines_file,
    cache_dir,
    data_dir,
    data_dir_problem,
    demo_routines_file,
    user_routines_dir,
)
from desktop_app.safe_read import path_exists

if TYPE_CHECKING:
    from datetime import date

    from desktop_app.routines import LoadResult
    from desktop_app.storage import SessionStore

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _common(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--routines",
        metavar="PATH",
        action="append",
        default=[] if default is None else default,
        type=Path,
        help="a routine file or a folder of them, loaded after the bundled ones (repeatable)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="where sessions, settings and your routine files live "
        "(default: $STRETCH_TIMER_DATA_DIR, else the platform's app data folder)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if default is None else default,
        help="log every detail to stderr and to stretch-timer.log in the data directory",
    )


def _demo(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default,
        help="also load the demo routine 'Quick check' (half a minute, never counted in stats)",
    )


def build_parser() -> argparse.ArgumentParser:
    # Subcommands take the common options too; SUPPRESS keeps them from resetting what was
    # given before the subcommand's name.
    common = argparse.ArgumentParser(add_help=False)
    _common(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="stretch-timer",
        description="A timer that coaches you through stretching routines.",
    )
    _common(parser, None)
    _demo(parser, False)
    parser.add_argument("--version", action="version", version=f"stretch-timer {__version__}")
    parser.add_argument("--routine", metavar="ID", help="select this routine in the window")
    parser.add_argument("--start", action="store_true", help="start the selected routine at once")
    parser.add_argument(
        "--exit-when-done",
        action="store_true",
        help="close the app (exit code 0) when the session finishes",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    list_parser = sub.add_parser(
        "list", parents=[common], help="list the routines with their planned time"
    )
    list_parser.add_argument("--json", action="store_true", help="print JSON")
    _demo(list_parser, argparse.SUPPRESS)

    validate = sub.add_parser(
        "validate", parents=[common], help="check routine files and report every error"
    )
    validate.add_argument("paths", metavar="PATH", nargs="+", type=Path)

    history = sub.add_parser("history", parents=[common], help="print the session log")
    fmt = history.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print the CSV export (one row per hold)")
    history.add_argument("--since", metavar="YYYY-MM-DD", type=_parse_date, default=None)
    return parser


def _parse_date(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-01-31") from None


def _routine_paths(args: argparse.Namespace, data: Path) -> tuple[Path, Path, list[Path]]:
    """The bundled file, the user's folder and the extra paths, in the order they load."""
    demo = [demo_routines_file()] if args.demo else []
    return bundled_routines_file(), user_routines_dir(data), [*demo, *args.routines]


def _load(args: argparse.Namespace) -> LoadResult:
    # PyYAML and the loader are imported only when files are read (not on a warm start).
    from desktop_app.routines import load_routines

    return load_routines(*_routine_paths(args, data_dir(args.data_dir)))


def _missing(command: str, paths: Sequence[Path]) -> bool:
    """Says so for each path with nothing at all by its name (misuse: exit 2)."""
    missing = [p for p in paths if not path_exists(p)]
    for path in missing:
        print(f"stretch-timer {command}: {path}: no such file or folder", file=sys.stderr)
    return bool(missing)


def _print_load_errors(result: LoadResult) -> None:
    for errors in result.problems.values():
        for error in errors:
            print(error, file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    import json

    if _missing("list", args.routines):
        return EXIT_USAGE
    result = _load(args)
    _print_load_errors(result)
    routines = result.library.routines
    if args.json:
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "description": r.description,
                "steps": len(r.steps),
                "planned_seconds": r.planned_seconds,
                "source": r.source,
            }
            for r in routines
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not routines:
        print("No routines loaded.")
        return EXIT_OK
    id_width = max(len(r.id) for r in routines)
    name_width = max(len(r.name) for r in routines)
    for r in routines:
        steps = f"{len(r.steps)} step" + ("" if len(r.steps) == 1 else "s")
        print(
            f"{r.id:<{id_width}}  {r.name:<{name_width}}  {steps:>8}  "
            f"{r.planned_seconds:>5} s  ({duration_text(r.planned_seconds)})"
        )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from desktop_app.routines import find_routine_files, load_library

    if _missing("validate", args.paths):
        return EXIT_USAGE
    bundled = bundled_routines_file()
    given = [(path, find_routine_files([path])) for path in args.paths]
    result = load_library([bundled, *(f for _, found in given for f in found.files)])
    status = EXIT_OK
    shown: set[str] = set()
    for _, found in given:
        for problem in found.problems:  # a folder that cannot be listed or holds no file
            status = EXIT_INVALID
            for error in problem.errors:
                print(error)
        for path in found.files:
            if str(path) in shown:
                continue
            shown.add(str(path))
            report = result.report_for(path)
            if report is None:  # pragma: no cover - every file given has a report
                status = EXIT_INVALID
                print(f"{path}: was not checked")
            elif report.ok and not report.picture_errors:
                # The exact form is a contract scripts parse: always "stretches" and "routines".
                print(f"OK {path} ({report.stretches} stretches, {report.routines} routines)")
            else:
                # A picture that cannot be shown is a mistake too, though the file loads.
                status = EXIT_INVALID
                for error in (*report.errors, *report.picture_errors):
                    print(replace(error, file=str(path)))
    return status


def _history_text(store: SessionStore, args: argparse.Namespace) -> str:
    from desktop_app.formatting import history_table

    return history_table(store.sessions(args.since), args.since)


MAX_UNREADABLE_SHOWN = 20


def cmd_history(args: argparse.Namespace) -> int:
    import csv
    import gc

    from desktop_app import storage

    def say(message: str) -> None:
        print(f"stretch-timer history: {message}", file=sys.stderr)

    data = data_dir(args.data_dir)
    problem = data_dir_problem(data, create=False)
    if problem is not None:
        say(f"cannot use {data} as the data directory ({problem})")
        return EXIT_USAGE
    store, messages = storage.open_store_readonly(data)
    for message in messages:
        say(message)
    if store is None:
        if messages:
            return EXIT_INVALID
        # No log yet: the same shapes as an empty one.
        if args.json:
            print("[]")
        elif args.csv:
            csv.writer(sys.stdout).writerow(storage.CSV_COLUMNS)
        else:
            print("No sessions logged yet.")
        return EXIT_OK
    left_out: list[str] = []

    def salvage(damaged: SessionStore) -> SessionStore:
        """Damage the opening did not see: read what can be read, into memory."""
        nonlocal store
        left_out.extend(damaged.unreadable())
        damaged.close()
        store, told = storage.open_salvaged(damaged.path)
        for message in told:
            say(message)
        return store

    # The export makes millions of short-lived objects; each full garbage collection would scan
    # everything imported so far as well: a fifth of the export's time (bench/bench_export.py).
    # What exists now lives as long as this short process: collections leave it out.
    gc.freeze()
    try:
        # JSON and CSV are written as they are read, a page at a time (flat memory at any size);
        # damage met on the way goes on from the same place with what can be read.
        written = 0
        if args.json:
            written = storage.write_history_json(store, args.since, sys.stdout, on_damage=salvage)
            sys.stdout.write("\n")
        elif args.csv:
            written = storage.write_history_csv(store, args.since, sys.stdout, on_damage=salvage)
        else:
            try:
                output = _history_text(store, args)
            except storage.StorageError as exc:
                if exc.kind != "corrupt":
                    raise
                output = _history_text(salvage(store), args)
            sys.stdout.write(output)
        unreadable = list(dict.fromkeys([*left_out, *store.unreadable()]))
        for line in unreadable[:MAX_UNREADABLE_SHOWN]:
            say(line)
        if len(unreadable) > MAX_UNREADABLE_SHOWN:
            say(f"... and {len(unreadable) - MAX_UNREADABLE_SHOWN} more left out.")
        nothing_read = (
            store.read_only_kind == "corrupt" and store.session_count() == 0 and not written
        )
    except storage.StorageError as exc:
        say(exc.message)
        return EXIT_INVALID
    finally:
        store.close()
    return EXIT_INVALID if nothing_read else EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop_app import library_cache

    data = data_dir(args.data_dir)
    # From the cache when no routine file has changed since the last start: no YAML is read.
    result = library_cache.load(*_routine_paths(args, data), cache_dir(data))
    if args.routine and result.library.routine(args.routine) is None:
        known = ", ".join(r.id for r in result.library.routines) or "none"
        hint = " (the demo routine needs --demo)" if args.routine == DEMO_ROUTINE_ID else ""
        print(
            f"stretch-timer: unknown routine '{args.routine}' (known: {known}){hint}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.start and not args.routine:
        print("stretch-timer: --start needs --routine ID", file=sys.stderr)
        return EXIT_USAGE
    from desktop_app.ui.binding import binding_problem

    broken = binding_problem()
    if broken is not None:
        print(f"stretch-timer: {broken}", file=sys.stderr)
        return EXIT_USAGE
    # An unusable data directory does not stop the window: it runs unsaved and says so.
    problem = data_dir_problem(data)
    if problem is not None:
        print(
            f"stretch-timer: cannot use {data} as the data directory ({problem}); "
            "nothing will be saved. Choose another with --data-dir DIR.",
            file=sys.stderr,
        )
    else:
        library_cache.save(result, cache_dir(data))
    # The process's own set-up; the window's is run_app's.
    enable_faulthandler(data if problem is None else None)
    log_file = configure_logging(data if problem is None else None, debug=args.debug)
    from desktop_app.ui.app import AppOptions, run_app

    return run_app(
        AppOptions(
            library=result.library,
            load_errors=result.errors,
            picture_errors=result.picture_errors,
            data_dir=data,
            routine_id=args.routine,
            start=args.start,
            exit_when_done=args.exit_when_done,
            log_file=log_file,
            argv=[sys.argv[0]],
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    # A message may quote any character of a file or its name (one that is not valid UTF-8
    # included): show it escaped rather than fail to print it.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error: argparse printed it
        return _flushed(done.code if isinstance(done.code, int) else EXIT_USAGE)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    commands = {"list": cmd_list, "validate": cmd_validate, "history": cmd_history}
    if args.command in commands and sys.stdout is None:  # started with stdout closed (>&-)
        print("stretch-timer: cannot write the output: standard output is closed", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _flushed(commands.get(args.command, cmd_gui)(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except DataDirError as exc:
        print(f"stretch-timer: {exc}. Choose another with --data-dir DIR.", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        if exc.errno in _OUTPUT_ERRORS and exc.filename is None:
            return _output_failed(exc)
        if exc.filename is not None:
            print(f"stretch-timer: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        return _crashed()
    except Exception:
        return _crashed()


_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT, errno.EFBIG})


def _flushed(code: int) -> int:
    """``code``, once what was printed has reached standard output (a full disk says so)."""
    if sys.stdout is None:
        return code
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return code
    except OSError as exc:
        return _output_failed(exc)
    return code


def _output_failed(exc: OSError) -> int:
    # Nothing more may reach stdout at exit: point it at /dev/null so Python's final flush
    # cannot fail again with a traceback.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    with contextlib.suppress(OSError, ValueError):
        print(f"stretch-timer: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
    return EXIT_INVALID


def _crashed() -> int:
    """A bug: its traceback goes to a file, the user gets one sentence."""
    report = _save_crash_report()
    print(
        "stretch-timer: something went wrong that should not have. "
        f"The details are in {report}; please include them when you report it.",
        file=sys.stderr,
    )
    return EXIT_INVALID


def _save_crash_report() -> str:
    """Writes the current exception's traceback to a file; returns where (or a fallback)."""
    import tempfile
    import traceback

    text = traceback.format_exc()
    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="stretch-timer-crash-", suffix=".log", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
            return handle.name
    except OSError:
        log.error("unexpected error:\n%s", text)
        return "the log above"
