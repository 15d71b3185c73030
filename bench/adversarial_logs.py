"""Damaged, odd and busy session logs, each run through the command line and the app's opening.

    python bench/adversarial_logs.py [--only SUBSTRING] [--keep DIR] [--jobs N]

Every case builds a data directory of its own (a real log of 60 sessions, then the damage), then:

- runs ``python -m desktop_app history --json`` on it (10 s timeout);
- opens the store as the app does (``open_store``) in a subprocess, records a session through
  the recorder and reads the log back (10 s timeout).

Handled means: a clear message (``stretch-timer history: ...`` or the app's notice) and no
traceback or crash report, no hang, and nothing recoverable lost: as many sessions come back as
can be read. What "can be read" is the larger of what the case knows is intact and what
SQLite's own ``sqlite3 .recover`` gets out of the same files (when the sqlite3 program is
installed), counting only rows whose values are readable.

``run_log_cases()`` returns (tried, handled, failures); bench/adversarial.py adds them to its own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from desktop_app.storage import open_store  # noqa: E402

TIMEOUT = 10.0
SESSIONS = 60
DB = "sessions.db"


# ----------------------------------------------------------------------------------------------
# A healthy log to damage


def _fill(data: Path, sessions: int = SESSIONS, *, close: bool = True, seed: int = 3) -> None:
    """A real log written through the store: sessions with holds, events and a few notes."""
    store, messages = open_store(data)
    if store is None or messages:
        raise RuntimeError(f"cannot fill a healthy log: {messages}")
    rng = random.Random(seed)
    tz = timezone(timedelta(hours=1))
    start = datetime(2024, 1, 1, 7, 0, tzinfo=tz)
    for i in range(sessions):
        began = start + timedelta(days=i, minutes=rng.randrange(0, 600))
        sid = store.start_session(
            routine_id="hamstring-basics",
            routine_name="Hamstring basics",
            started_at=began,
            planned_seconds=300,
        )
        for rep in range(1, rng.randrange(2, 6)):
            store.add_hold(
                sid,
                stretch_id="towel-hamstring",
                stretch_name="Towel hamstring stretch",
                side=("left", "right")[rep % 2],
                rep=rep,
                planned_seconds=30,
                held_seconds=30.0,
                outcome="completed",
                hold_index=rep - 1,
            )
        if rng.random() < 0.2:
            store.add_event(sid, kind="symptom", at=began, symptom="tingling")
        if rng.random() < 0.1:
            store.set_note_and_feeling(sid, "Tight on the left, better after the second rep", 4)
        store.finish_session(sid, status="completed", ended_at=began + timedelta(minutes=6))
    if close:
        store.close()


def _crash_copy(source_dir: Path, target_dir: Path, sessions: int, wal_only: int) -> None:
    """A log as a kill -9 leaves it: the last ``wal_only`` sessions only in the -wal."""
    _fill(source_dir, sessions - wal_only)
    conn = sqlite3.connect(source_dir / DB)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    tz = timezone(timedelta(hours=1))
    for i in range(wal_only):
        began = datetime(2025, 1, 1, 7, tzinfo=tz) + timedelta(days=i)
        with conn:
            cursor = conn.execute(
                "INSERT INTO sessions (routine_id, routine_name, started_at, started_offset,"
                " local_date, status, planned_seconds, held_seconds) VALUES"
                " ('calf', 'Calves', ?, 3600, ?, 'completed', 60, 30)",
                (
                    began.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    began.date().isoformat(),
                ),
            )
            conn.execute(
                "INSERT INTO holds (session_id, stretch_id, stretch_name, rep, planned_seconds,"
                " held_seconds, outcome) VALUES (?, 'calf-wall', 'Calf', 1, 30, 30, 'completed')",
                (cursor.lastrowid,),
            )
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in (DB, DB + "-wal"):
        shutil.copyfile(source_dir / name, target_dir / name)
    conn.close()


def _pages(path: Path) -> dict[str, list[tuple[int, str]]]:
    """Page numbers of each table and index: [(page, 'leaf'|'internal')]."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        found: dict[str, list[tuple[int, str]]] = {}
        for name, page, kind in conn.execute("SELECT name, pageno, pagetype FROM dbstat"):
            found.setdefault(name, []).append((page, kind))
        return found
    finally:
        conn.close()


def _page_size(path: Path) -> int:
    data = path.read_bytes()[16:18]
    size = int.from_bytes(data, "big")
    return 65536 if size == 1 else size


def _flip(path: Path, offset: int, mask: int = 0xFF) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


def _in_page(path: Path, page: int, within: float) -> int:
    size = _page_size(path)
    return (page - 1) * size + int(size * within)


# ----------------------------------------------------------------------------------------------
# The cases


@dataclass
class Case:
    name: str
    build: Callable[[Path], None]
    intact: int | None = SESSIONS  # sessions known to be readable; None: only what .recover says
    refuses: bool = False  # the log is rightly left unread (a newer version, a FIFO...)
    holder: Callable[[Path], Callable[[], None]] | None = None  # runs beside the checks
    notes: list[str] = field(default_factory=list)


def _healthy(data: Path) -> Path:
    _fill(data)
    return data / DB


def _keep_healthy(path: Path) -> None:
    """A copy of the log before the damage: what an ideal recovery could still read."""
    shutil.copyfile(path, path.parent.parent / "healthy.db")


def _with(action: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(data: Path) -> None:
        path = _healthy(data)
        _keep_healthy(path)
        action(path)

    return build


def _truncate(keep: Callable[[int], int]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: keep(len(data))])

    return damage


def _flip_at(offset: int, mask: int = 0xFF) -> Callable[[Path], None]:
    return lambda path: _flip(path, offset, mask)


def _flip_page(
    object_name: str, kind: str, within: float, which: int = 0
) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        pages = [p for p, k in _pages(path)[object_name] if k == kind]
        _flip(path, _in_page(path, pages[which % len(pages)], within))

    return damage


def _fill_page(object_name: str, kind: str, byte: int | None) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        page = next(p for p, k in _pages(path)[object_name] if k == kind)
        size = _page_size(path)
        data = bytearray(path.read_bytes())
        rng = random.Random(page)
        fill = bytes([byte] * size) if byte is not None else rng.randbytes(size)
        data[(page - 1) * size : page * size] = fill
        path.write_bytes(bytes(data))

    return damage


def _sql(*statements: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            conn.execute(statement)
        conn.close()

    return damage


def _user_version(value: int) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        data[60:64] = (value & 0xFFFFFFFF).to_bytes(4, "big")
        path.write_bytes(bytes(data))

    return damage


def _crash(wal_only: int, damage: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    def build(data: Path) -> None:
        with tempfile.TemporaryDirectory() as source:
            _crash_copy(Path(source), data, SESSIONS, wal_only)
        if damage is not None:
            damage(data / (DB + "-wal"))

    return build


def _wal_frame_offset(frame: int, within: int = 100) -> Callable[[Path], None]:
    def damage(wal: Path) -> None:
        size = int.from_bytes(wal.read_bytes()[8:12], "big")
        _flip(wal, 32 + frame * (24 + size) + 24 + within)

    return damage


def _replace_with(kind: str, name: str = DB) -> Callable[[Path], None]:
    def build(data: Path) -> None:
        if name != DB:
            _fill(data)
        target = data / name
        if target.exists():
            target.unlink()
        if kind == "dir":
            target.mkdir()
        elif kind == "fifo":
            os.mkfifo(target)
        elif kind == "zero":
            target.symlink_to("/dev/zero")
        elif kind == "dangling":
            target.symlink_to(data / "nowhere")
        elif kind == "loop":
            target.symlink_to(target)
        elif kind == "text":
            target.write_text("these are my notes, not a database\n" * 50)
        elif kind == "empty":
            target.write_bytes(b"")

    return build


def _with_shm_garbage(data: Path) -> None:
    with tempfile.TemporaryDirectory() as source:
        _crash_copy(Path(source), data, SESSIONS, 5)
    (data / (DB + "-shm")).write_bytes(random.Random(1).randbytes(32768))


def _read_only_file(data: Path) -> None:
    _fill(data)
    os.chmod(data / DB, 0o444)


def _long_note_overflow(data: Path) -> None:
    _fill(data)
    conn = sqlite3.connect(data / DB)
    with conn:
        conn.execute("UPDATE sessions SET note = ? WHERE id = 5", ("A long note. " * 900,))
    conn.close()
    path = data / DB
    _keep_healthy(path)
    overflow = [p for p, k in _pages(path)["sessions"] if k == "overflow"]
    _flip(path, _in_page(path, overflow[0], 0.5))


def _page_size_variant(size: int) -> Callable[[Path], None]:
    def build(data: Path) -> None:
        conn = sqlite3.connect(data / DB)
        conn.execute(f"PRAGMA page_size = {size}")
        conn.execute("VACUUM")
        conn.close()
        _fill(data)
        path = data / DB
        _keep_healthy(path)
        leaves = [p for p, k in _pages(path)["holds"] if k == "leaf"]
        _flip(path, _in_page(path, leaves[len(leaves) // 2], 0.01))

    return build


def _orphaned_table(path: Path) -> None:
    """The schema forgets the sessions table; its pages are still in the file."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("DELETE FROM sqlite_master WHERE name = 'sessions'")
    conn.close()


def _swap_pages(path: Path) -> None:
    pages = [p for p, k in _pages(path)["holds"] if k == "leaf"]
    size = _page_size(path)
    data = bytearray(path.read_bytes())
    a, b = pages[0], pages[-1]
    one = data[(a - 1) * size : a * size]
    data[(a - 1) * size : a * size] = data[(b - 1) * size : b * size]
    data[(b - 1) * size : b * size] = one
    path.write_bytes(bytes(data))


def _hold_write_lock(seconds: float) -> Callable[[Path], Callable[[], None]]:
    """Another program holds a write transaction on the log while the checks run."""

    def start(data: Path) -> Callable[[], None]:
        conn = sqlite3.connect(data / DB, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE sessions SET note = note WHERE id = 1")
        timer = threading.Timer(seconds, lambda: conn.execute("COMMIT"))
        timer.start()

        def stop() -> None:
            timer.cancel()
            with contextlib.suppress(sqlite3.Error):
                conn.execute("COMMIT")
            conn.close()

        return stop

    return start


_HOLD_LOCK = (
    "import fcntl, sys, time\n"
    "h = open(sys.argv[1], 'a+')\n"
    "fcntl.flock(h.fileno(), fcntl.LOCK_EX)\n"
    "print('ready', flush=True)\n"
    "sys.stdin.read()\n"
)


def _instance_running(data: Path) -> Callable[[], None]:
    """Another Stretch Timer window holds the instance lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(data / "sessions.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if holder.stdout is None:
        raise RuntimeError("no pipe to the lock holder")
    holder.stdout.readline()

    def stop() -> None:
        if holder.stdin is not None:
            holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()

    return stop


def _killed_mid_session(data: Path) -> None:
    _fill(data, SESSIONS - 1)
    store, _ = open_store(data)
    assert store is not None
    sid = store.start_session(
        routine_id="r",
        routine_name="Killed",
        started_at=datetime.now().astimezone(),
        planned_seconds=60,
    )
    store.add_hold(
        sid,
        stretch_id="s",
        stretch_name="S",
        side=None,
        rep=1,
        planned_seconds=30,
        held_seconds=30,
        outcome="completed",
    )
    shutil.copyfile(data / DB, data / "copy.db")
    if (data / (DB + "-wal")).exists():
        shutil.copyfile(data / (DB + "-wal"), data / "copy.db-wal")
    store.close()
    os.replace(data / "copy.db", data / DB)
    if (data / "copy.db-wal").exists():
        os.replace(data / "copy.db-wal", data / (DB + "-wal"))


CASES: list[Case] = [
    # Cut short
    Case("truncated by one byte", _with(_truncate(lambda n: n - 1)), intact=None),
    Case("truncated to half", _with(_truncate(lambda n: n // 2)), intact=None),
    Case("truncated inside page 1", _with(_truncate(lambda n: 2000)), intact=None),
    Case("truncated to the header", _with(_truncate(lambda n: 100)), intact=0),
    Case("empty file", _replace_with("empty"), intact=0),
    # The header
    Case("header: magic flipped", _with(_flip_at(3)), intact=None),
    Case("header: page size flipped", _with(_flip_at(16, 0x01)), intact=None),
    Case("header: write version flipped", _with(_flip_at(18)), intact=None),
    Case("header: page count flipped", _with(_flip_at(31)), intact=None),
    Case("header: freelist flipped", _with(_flip_at(35)), intact=None),
    Case("header: schema cookie flipped", _with(_flip_at(43)), intact=None),
    Case("header: text encoding flipped", _with(_flip_at(59, 0x02)), intact=None),
    Case("user_version negative", _with(_user_version(-2147483647))),
    Case("user_version -1", _with(_user_version(-1))),
    Case("user_version huge", _with(_user_version(65537))),
    Case("user_version 0 with tables", _with(_user_version(0))),
    Case("user_version newer", _with(_user_version(2)), intact=0, refuses=True),
    # Pages
    Case("schema page flipped", _with(lambda p: _flip(p, 100 + 8 + 400)), intact=None),
    Case("sessions leaf: cell flipped", _with(_flip_page("sessions", "leaf", 0.9)), intact=None),
    Case("sessions leaf: header flipped", _with(_flip_page("sessions", "leaf", 0.0)), intact=None),
    Case("sessions interior flipped", _with(_flip_page("sessions", "internal", 0.0)), intact=None),
    Case("holds leaf: header flipped", _with(_flip_page("holds", "leaf", 0.0, 1)), intact=None),
    Case("holds leaf: cell flipped", _with(_flip_page("holds", "leaf", 0.8, 2)), intact=None),
    Case("index leaf: key flipped", _with(_flip_page("sessions_by_day", "leaf", 0.95))),
    Case("index leaf: header flipped", _with(_flip_page("sessions_by_start", "leaf", 0.0))),
    Case("index page zeroed", _with(_fill_page("holds_by_session", "leaf", 0))),
    Case("sessions page zeroed", _with(_fill_page("sessions", "leaf", 0)), intact=None),
    Case("holds page of garbage", _with(_fill_page("holds", "leaf", None)), intact=None),
    Case("two pages swapped", _with(_swap_pages), intact=None),
    Case("overflow page flipped", _long_note_overflow, intact=None),
    Case("page size 512, flipped", _page_size_variant(512), intact=None),
    Case("page size 65536, flipped", _page_size_variant(65536), intact=None),
    Case("sessions table forgotten", _with(_orphaned_table), intact=None),
    # Write-ahead log
    Case("killed mid-session", _killed_mid_session),
    Case("crash: sessions only in -wal", _crash(6)),
    Case("-wal: frame flipped", _crash(6, _wal_frame_offset(2))),
    Case("-wal: header salt flipped", _crash(6, lambda w: _flip(w, 17))),
    # The last transaction's commit frame is cut off: it never committed.
    Case(
        "-wal: cut mid-frame",
        _crash(6, lambda w: w.write_bytes(w.read_bytes()[:-1000])),
        intact=SESSIONS - 1,
    ),
    # Only the six sessions in the -wal are gone with it.
    Case("-wal: garbage", _crash(6, lambda w: w.write_bytes(b"\x17" * 9000)), intact=SESSIONS - 6),
    Case("-shm: garbage", _with_shm_garbage),
    # Not files
    Case("sessions.db is a FIFO", _replace_with("fifo"), intact=0, refuses=True),
    Case("sessions.db is a folder", _replace_with("dir"), intact=0, refuses=True),
    Case("sessions.db links to /dev/zero", _replace_with("zero"), intact=0, refuses=True),
    Case("sessions.db links to nothing", _replace_with("dangling"), intact=0, refuses=True),
    Case("sessions.db links to itself", _replace_with("loop"), intact=0, refuses=True),
    Case("sessions.db is a text file", _replace_with("text"), intact=0),
    Case("-wal is a folder", _replace_with("dir", DB + "-wal")),
    Case("-wal is a FIFO", _replace_with("fifo", DB + "-wal")),
    Case("-shm is a folder", _replace_with("dir", DB + "-shm")),
    Case("sessions.lock is a folder", _replace_with("dir", "sessions.lock")),
    Case("sessions.lock is a FIFO", _replace_with("fifo", "sessions.lock")),
    Case("read-only log file", _read_only_file),
    # Bad values
    Case(
        "start time not a date",
        _with(_sql("UPDATE sessions SET started_at = 'yesterday' WHERE id IN (3, 9)")),
        intact=SESSIONS - 2,
    ),
    Case(
        "text in number columns",
        _with(
            _sql(
                "UPDATE sessions SET held_seconds = 'lots' WHERE id = 4",
                "UPDATE holds SET planned_seconds = 'thirty' WHERE id = 7",
                "UPDATE sessions SET started_offset = 'CET' WHERE id = 5",
            )
        ),
        intact=SESSIONS - 2,
    ),
    Case(
        "invalid UTF-8",
        _with(
            _sql(
                "UPDATE sessions SET note = CAST(x'4869ff21' AS TEXT) WHERE id = 2",
                "UPDATE sessions SET routine_name = CAST(x'c3' AS TEXT) WHERE id = 6",
                "UPDATE events SET symptom = CAST(x'fffe' AS TEXT) WHERE id = 1",
            )
        ),
    ),
    Case(
        "values out of range",
        _with(
            _sql(
                "UPDATE sessions SET feeling = 9, status = 'paused' WHERE id = 8",
                "UPDATE sessions SET ended_at = '2024-02-30T25:00:00Z' WHERE id = 10",
                "UPDATE holds SET side = 'middle', rep = -2 WHERE id = 3",
                "UPDATE events SET at = 'noon' WHERE id = 1",
                "UPDATE sessions SET local_date = 'soon' WHERE id = 11",
            )
        ),
        intact=SESSIONS - 2,
    ),
    Case(
        "blobs in text columns",
        _with(_sql("UPDATE sessions SET routine_id = x'00ff' WHERE id = 12")),
        intact=SESSIONS - 1,
    ),
    Case("events table missing", _with(_sql("DROP TABLE events"))),
    Case("holds table missing", _with(_sql("DROP TABLE holds"))),
    Case("sessions table dropped", _with(_sql("DROP TABLE sessions")), intact=0),
    Case("an index missing", _with(_sql("DROP INDEX sessions_by_start"))),
    # Busy and locked
    Case("another program writes for 6 s", _healthy, holder=_hold_write_lock(6.0)),
    Case("another Stretch Timer has it", _healthy, holder=_instance_running),
]


# ----------------------------------------------------------------------------------------------
# Running a case


_APP = r"""
import json, sys, time
from pathlib import Path
from desktop_app.storage import open_store, history_json
from desktop_app.recorder import SessionRecorder
from desktop_app.events import SessionStarted, HoldEnded, SessionEnded
from desktop_app.model import Routine, Step, Stretch

data = Path(sys.argv[1])
stretch = Stretch(id="calf-wall", name="Calf", area=(), sided=False, instructions=("a",))
routine = Routine(id="probe", name="Probe", description="", steps=(Step(stretch, hold=30, reps=2),))
store, messages = open_store(data)
result = {"messages": list(messages), "store": store is not None}
if store is not None:
    store.notify = result["messages"].append
    result["read_only"] = store.read_only
    result["readable"] = len(history_json(store))
    recorder = SessionRecorder(store, on_error=result["messages"].append)
    recorder.handle(SessionStarted(routine))
    for hold in routine.holds():
        recorder.handle(HoldEnded(hold, 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 60.0))
    deadline = time.monotonic() + 8
    while recorder.pending and time.monotonic() < deadline:
        time.sleep(0.2)
        recorder.flush()
    result["pending"] = recorder.pending
    after = [s for s in history_json(store) if s["routine_id"] == "probe"]
    result["saved_holds"] = len(after[0]["holds"]) if after else 0
    result["unreadable"] = store.unreadable()
    store.close()
print(json.dumps(result))
"""


def _run(args: list[str], env: dict[str, str]) -> tuple[int | None, str, str]:
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=REPO, check=False
        )
    except subprocess.TimeoutExpired:
        return None, "", ""
    return done.returncode, done.stdout, done.stderr


def _valid_sessions(db: Path) -> int:
    """Sessions whose values are all readable, as the app reads them."""
    from desktop_app.storage import SessionStore, history_json

    conn = sqlite3.connect(db)
    try:
        store = SessionStore(conn, db, read_only=True)
        return len(history_json(store))
    except Exception:
        return 0
    finally:
        conn.close()


def _oracle(data: Path) -> int | None:
    """What SQLite's own recovery (the sqlite3 program's .recover) gets out of the files."""
    program = shutil.which("sqlite3")
    db = data / DB
    if program is None or not db.is_file():
        return None
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp) / "copy.db"
        shutil.copyfile(db, copy)
        wal = data / (DB + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, Path(temp) / "copy.db-wal")
        try:
            dump = subprocess.run(
                [program, str(copy), ".recover"], capture_output=True, timeout=30, check=False
            ).stdout
        except subprocess.TimeoutExpired:
            return None
        target = Path(temp) / "recovered.db"
        subprocess.run([program, str(target)], input=dump, capture_output=True, check=False)
        with contextlib.closing(sqlite3.connect(target)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not {"sessions", "holds", "events"} <= tables:
            return None  # this sqlite3 cannot recover (e.g. built without sqlite_dbpage)
        return _valid_sessions(target)


def _intact_sessions(healthy: Path, damaged: Path) -> int:
    """Sessions whose bytes the damage left alone: their cell, its pointer, the overflow pages
    and their page's type and cell count. An ideal recovery gets at least these back."""
    from desktop_app.storage.pages import FileImage, _varint

    before, after = healthy.read_bytes(), damaged.read_bytes() if damaged.is_file() else b""
    changed = [i for i in range(min(len(before), len(after))) if before[i] != after[i]]
    changed.extend(range(len(after), len(before)))
    hit = set(changed)
    image = FileImage(before, None)
    root = image.roots()["sessions"]
    usable = image.usable
    intact = 0
    for number in image.leaves_under(root):
        page = image.pages[number]
        base = (number - 1) * image.size
        head = image.header_offset(number)
        vital = [base + head, base + head + 3, base + head + 4]
        for i in range(int.from_bytes(page[head + 3 : head + 5], "big")):
            slot = head + 8 + 2 * i
            cell = int.from_bytes(page[slot : slot + 2], "big")
            size, pos = _varint(page, cell)
            _rowid, pos = _varint(page, pos)
            spans = [*vital, base + slot, base + slot + 1]
            if size <= usable - 35:
                spans.extend(range(base + cell, base + pos + size))
            else:  # a long note: the local part, the pointer and every overflow page
                spans.extend(range(base + cell, base + usable))
                following = int.from_bytes(page[usable - 4 : usable], "big")
                seen = 0
                while following and seen < 64:
                    start = (following - 1) * image.size
                    spans.extend(range(start, start + image.size))
                    following = int.from_bytes(before[start : start + 4], "big")
                    seen += 1
            if not hit.intersection(spans):
                intact += 1
    return intact


@dataclass
class Result:
    case: str
    handled: bool
    readable: int
    history: str
    app: str
    problems: list[str]


def _snapshot(data: Path, into: Path) -> None:
    into.mkdir(parents=True)
    for item in data.iterdir():
        if item.is_file() and not item.is_symlink():
            shutil.copyfile(item, into / item.name)


def run_case(case: Case, root: Path) -> Result:
    data = root / "data"
    data.mkdir(parents=True)
    problems: list[str] = []
    case.build(data)
    pristine = root / "pristine"
    _snapshot(data, pristine)
    oracle = _oracle(pristine) if not case.refuses else None
    healthy = root / "healthy.db"
    ideal = _intact_sessions(healthy, pristine / DB) if case.intact is None else case.intact
    readable = max(ideal, oracle or 0)
    env = {**os.environ, "PYTHONPATH": str(REPO), "STRETCH_TIMER_DATA_DIR": str(data)}
    env.pop("QT_QPA_PLATFORM", None)

    stop = case.holder(data) if case.holder else None
    try:
        code, out, err = _run([sys.executable, "-m", "desktop_app", "history", "--json"], env)
        history = "hang"
        if code is None:
            problems.append(f"history hung (> {TIMEOUT:.0f} s)")
        else:
            history = f"exit {code}"
            if "Traceback" in err or "went wrong" in err:
                problems.append("history: traceback or crash report")
            if code not in (0, 1):
                problems.append(f"history: exit code {code}")
            if code == 1 and "stretch-timer history:" not in err:
                problems.append("history: exit 1 without a message")
            shown = 0
            if code == 0:
                try:
                    sessions = json.loads(out)
                except ValueError:
                    problems.append("history: not JSON")
                    sessions = []
                shown = len(sessions)
                running = [s for s in sessions if s["status"] == "running"]
                if running and case.holder is not _instance_running:
                    problems.append("history: a session no window holds is shown as running")
            history = f"exit {code}, {shown} shown"
            if not case.refuses and shown < readable:
                problems.append(f"history: {shown} sessions shown, {readable} readable")

        code, out, err = _run([sys.executable, "-c", _APP, str(data)], env)
        app = "hang"
        if code is None:
            problems.append(f"app hung (> {TIMEOUT:.0f} s)")
        elif code != 0 or "Traceback" in err:
            problems.append(f"app: crashed (exit {code}): {err.strip().splitlines()[-1:]}")
            app = "crash"
        else:
            report = json.loads(out.strip().splitlines()[-1])
            messages = report["messages"]
            saved = report.get("saved_holds", 0) == 2
            got = report.get("readable", 0)
            app = f"{got} read, " + ("saved" if saved else "unsaved")
            if not saved and not messages:
                problems.append("app: session not saved and nothing said")
            if not case.refuses and got < readable:
                problems.append(f"app: {got} sessions read, {readable} readable")
            if case.holder is _instance_running and not any(
                "another Stretch" in m for m in messages
            ):
                problems.append("app: a second window was not told")
            if case.holder is not _instance_running and any(
                "another Stretch Timer window" in m for m in messages
            ):
                problems.append("app: blamed another window")
            if report.get("pending"):
                problems.append(f"app: {report['pending']} writes never saved")
    finally:
        if stop is not None:
            stop()
    return Result(case.name, not problems, readable, history, app, problems)


def run_log_cases(
    only: str | None = None, keep: Path | None = None, jobs: int = 2
) -> tuple[int, int, list[str]]:
    """Run every case (or those whose name contains ``only``); (tried, handled, failures)."""
    results = run_all(only, keep, jobs)
    failures = [f"{r.case}: {'; '.join(r.problems)}" for r in results if not r.handled]
    return len(results), sum(r.handled for r in results), failures


def run_all(only: str | None = None, keep: Path | None = None, jobs: int = 2) -> list[Result]:
    quiet = logging.getLogger("desktop_app")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # building the cases reports their damage at INFO/WARNING
    try:
        return _run_all(only, keep, jobs)
    finally:
        quiet.setLevel(level)


def _run_all(only: str | None, keep: Path | None, jobs: int) -> list[Result]:
    chosen = [c for c in CASES if only is None or only in c.name]
    base = Path(tempfile.mkdtemp(prefix="adversarial-logs-")) if keep is None else keep
    base.mkdir(parents=True, exist_ok=True)

    def one(index_case: tuple[int, Case]) -> Result:
        index, case = index_case
        root = base / f"{index:02d}"
        try:
            return run_case(case, root)
        except Exception as exc:  # the bench itself must report, not stop
            return Result(case.name, False, 0, "-", "-", [f"bench error: {exc!r}"])

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, enumerate(chosen)))
    finally:
        if keep is None:
            _remove(base)


def _remove(base: Path) -> None:
    for path in base.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
    shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name contains this")
    parser.add_argument("--keep", type=Path, help="build the cases here and keep them")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    started = time.monotonic()
    results = run_all(args.only, args.keep, args.jobs)
    width = max(len(r.case) for r in results)
    print(f"{'case':<{width}}  {'ok':<3} {'readable':>8}  {'history':<18} app")
    for r in results:
        mark = "yes" if r.handled else "NO"
        print(f"{r.case:<{width}}  {mark:<3} {r.readable:>8}  {r.history:<18} {r.app}")
        for problem in r.problems:
            print(f"{'':<{width}}      - {problem}")
    handled = sum(r.handled for r in results)
    print(
        f"\n{len(results)} damaged or odd logs tried, {handled} handled "
        f"({time.monotonic() - started:.0f} s)."
    )
    return 0 if handled == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
