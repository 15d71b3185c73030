"""The session log under faults that are not damage: busy, full, not a file, errors by code."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app import storage
from desktop_app.events import HoldEnded, SessionEnded, SessionStarted
from desktop_app.model import Routine, Step, Stretch
from desktop_app.recorder import RETRY_DELAYS, SessionRecorder
from desktop_app.storage import SessionStore, StorageError, errors, history_json, open_store
from desktop_app.storage.lock import InstanceLock

REPO = Path(__file__).resolve().parent.parent
TZ = timezone(timedelta(hours=1))
ROUTINE = Routine(
    id="probe",
    name="Probe",
    description="",
    steps=(Step(Stretch(id="c", name="Calf", area=(), sided=False, instructions=("a",)), 30, 10),),
)


class FakeScheduler:
    """Collects the recorder's retries; the test decides when time has passed."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, seconds: float, callback: Callable[[], None]) -> None:
        self.calls.append((seconds, callback))

    def run_next(self) -> float:
        seconds, callback = self.calls.pop(0)
        callback()
        return seconds


@pytest.fixture
def store(data_dir: Path) -> Iterator[SessionStore]:
    opened, messages = open_store(data_dir)
    assert opened is not None, messages
    yield opened
    opened.close()


@contextlib.contextmanager
def other_program_writing(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """Another program (not Stretch Timer) holds a write transaction on the log."""
    other = sqlite3.connect(data_dir / "sessions.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        with contextlib.suppress(sqlite3.Error):
            other.execute("COMMIT")
        other.close()


def test_a_busy_log_keeps_the_holds_in_memory_until_it_is_free(
    data_dir: Path, store: SessionStore
) -> None:
    store.set_busy_timeout(0)
    notices: list[str] = []
    scheduler = FakeScheduler()
    recorder = SessionRecorder(
        store,
        wall_clock=lambda: datetime(2024, 6, 1, 9, tzinfo=TZ),
        on_error=notices.append,
        schedule=scheduler,
    )
    holds = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(holds[0], 30.0, "completed"))
    with other_program_writing(data_dir):
        for hold in holds[1:9]:  # eight holds while the other program writes (6 s or more)
            recorder.handle(HoldEnded(hold, 30.0, "completed"))
        assert recorder.pending == 8
        assert len(notices) == 1
        assert "busy: another program is writing to it" in notices[0]
        assert "another Stretch Timer window" not in notices[0]
        # The retries back off while it stays busy, one scheduled at a time.
        assert len(scheduler.calls) == 1
        delays = [scheduler.run_next() for _ in range(3)]
        assert delays == list(RETRY_DELAYS[:3])
        assert recorder.pending == 8
    assert len(scheduler.calls) == 1
    scheduler.run_next()  # the other program has finished
    assert recorder.pending == 0
    assert notices[-1] == "The session log can be written again: every hold is saved."
    recorder.handle(HoldEnded(holds[9], 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 300.0))
    session = history_json(store)[0]
    assert [h["rep"] for h in session["holds"]] == list(range(1, 11))
    assert session["status"] == "completed"
    assert len(notices) == 2


def test_without_a_scheduler_the_next_event_retries(data_dir: Path, store: SessionStore) -> None:
    store.set_busy_timeout(0)
    recorder = SessionRecorder(store)
    holds = ROUTINE.holds()
    with other_program_writing(data_dir):
        recorder.handle(SessionStarted(ROUTINE))
        recorder.handle(HoldEnded(holds[0], 30.0, "completed"))
        assert recorder.pending == 2
    recorder.handle(HoldEnded(holds[1], 30.0, "completed"))
    assert recorder.pending == 0
    assert len(history_json(store)[0]["holds"]) == 2


def test_closing_gives_waiting_holds_a_last_chance(data_dir: Path, store: SessionStore) -> None:
    store.set_busy_timeout(0)
    recorder = SessionRecorder(store)
    with other_program_writing(data_dir):
        recorder.handle(SessionStarted(ROUTINE))
        recorder.handle(SessionEnded("stopped", 0.0))
        assert recorder.pending == 2
    recorder.close()
    assert recorder.pending == 0
    assert history_json(store)[0]["status"] == "stopped"


def test_only_a_real_second_instance_is_another_window(data_dir: Path) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    second, messages = open_store(data_dir, lock_wait=0)
    assert second is not None
    assert second.read_only
    assert "in use by another Stretch Timer window" in messages[0]
    second.close()
    first.close()


def test_history_taking_the_lock_for_a_moment_does_not_make_a_second_window(
    data_dir: Path,
) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    first.close()
    lock = InstanceLock(data_dir / storage.LOCK_NAME)
    assert lock.try_existing()  # as history does while it marks interrupted sessions
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        if sum(waited) > 0.1:
            lock.release()  # history is done

    store, messages = open_store(data_dir, sleep=sleep)
    assert messages == []
    assert store is not None
    assert not store.read_only
    assert waited
    store.close()


# -- errors by their code, not their wording ----------------------------------------------------


def sqlite_error(code: int, text: str = "some words") -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (11, "corrupt"),
        (26, "corrupt"),
        (5, "busy"),
        (5 | (1 << 8), "busy"),  # SQLITE_BUSY_RECOVERY
        (6, "busy"),
        (13, "full"),
        (8, "read_only"),
        (3, "read_only"),
        (14, "read_only"),
        (10, "io"),
        (1, "other"),
    ],
)
def test_errors_are_classified_by_their_code(code: int, kind: str, tmp_path: Path) -> None:
    assert errors.classify(sqlite_error(code, "database is locked, full, malformed")) == kind


def test_an_error_without_a_code_is_not_guessed_from_its_words() -> None:
    assert errors.classify(sqlite3.ProgrammingError("database disk image is malformed")) == "other"


def test_an_io_error_on_a_full_disk_says_the_disk_is_full(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(errors, "free_bytes", lambda folder: 0)
    error = errors.wrap(sqlite_error(10 | (13 << 8)), data_dir / "sessions.db")
    assert error.kind == "full"
    assert "is full" in error.message


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 kB filesystem (tmpfs); skipped where mounting is refused."""
    target = tmp_path / "tiny"
    target.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("needs root on Linux to mount")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(target)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mount is not allowed here")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_full_disk_at_start_says_the_disk_is_full(tiny_disk: Path) -> None:
    data = tiny_disk / "data"
    first, _ = open_store(data)
    assert first is not None
    first.close()
    with open(tiny_disk / "filler", "wb", buffering=0) as filler, contextlib.suppress(OSError):
        while True:
            filler.write(b"\0" * 4096)
    (data / "sessions.db").unlink()  # a new log has no room at all
    store, messages = open_store(data)
    assert len(messages) == 1
    assert "is full" in messages[0]
    assert "disk I/O error" not in messages[0]
    if store is not None:
        store.close()


# -- files that are not files -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sessions.lock", "sessions.db-wal", "sessions.db-shm"])
def test_a_folder_where_a_file_should_be_is_named_not_blamed_on_the_disk(
    data_dir: Path, name: str
) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    first.close()
    with contextlib.suppress(FileNotFoundError):
        (data_dir / name).unlink()
    (data_dir / name).mkdir()
    store, messages = open_store(data_dir)
    assert len(messages) == 1
    assert f"{data_dir / name} is a folder, not a file" in messages[0]
    assert "read-only" not in messages[0]
    if store is not None:
        assert store.read_only
        store.close()


def run_with_timeout(code: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


@pytest.mark.parametrize("name", ["sessions.db", "sessions.db-wal", "sessions.lock"])
def test_a_fifo_in_the_logs_place_never_freezes_the_app(data_dir: Path, name: str) -> None:
    if name != "sessions.db":
        first, _ = open_store(data_dir)
        assert first is not None
        first.close()
        with contextlib.suppress(FileNotFoundError):
            (data_dir / name).unlink()
    os.mkfifo(data_dir / name)
    done = run_with_timeout(
        "import sys; from pathlib import Path; from desktop_app.storage import open_store;"
        "s, m = open_store(Path(sys.argv[1])); print(m)",
        data_dir,
    )
    assert done.returncode == 0, done.stderr
    assert "a named pipe (FIFO), not a file" in done.stdout
    cli = subprocess.run(
        [sys.executable, "-m", "desktop_app", "history", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
        check=False,
    )
    assert "Traceback" not in cli.stderr
    if name == "sessions.db":
        assert cli.returncode == 1
        assert "a named pipe (FIFO), not a session log file" in cli.stderr


def test_the_write_busy_timeout_is_short(store: SessionStore) -> None:
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 250


def test_commits_are_synchronous_full(store: SessionStore) -> None:
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_store_write_raises_only_storage_errors(store: SessionStore) -> None:
    store.close()
    with pytest.raises(StorageError):
        store.set_note_and_feeling(1, "x", 3)
