"""Damaged session logs, as real SQLite files: set aside, and what can be read is recovered."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app import storage
from desktop_app.events import HoldEnded, SessionEnded, SessionStarted
from desktop_app.model import Routine, Step, Stretch
from desktop_app.recorder import SessionRecorder
from desktop_app.storage import SessionStore, history_json, open_store, open_store_readonly, schema

TZ = timezone(timedelta(hours=1))
NOW = datetime(2024, 6, 1, 9, 30, 0)
SESSIONS = 40


def fill(data_dir: Path, sessions: int = SESSIONS) -> None:
    store, messages = open_store(data_dir)
    assert store is not None, messages
    for i in range(sessions):
        began = datetime(2024, 1, 1, 7, tzinfo=TZ) + timedelta(days=i)
        sid = store.start_session(
            routine_id="basics", routine_name="Basics", started_at=began, planned_seconds=90
        )
        for rep in (1, 2):
            store.add_hold(
                sid,
                stretch_id="towel",
                stretch_name="Towel stretch",
                side="left",
                rep=rep,
                planned_seconds=30,
                held_seconds=30,
                outcome="completed",
            )
        store.finish_session(sid, status="completed", ended_at=began + timedelta(minutes=3))
    store.close()


def pages_of(path: Path, name: str, kind: str = "leaf") -> list[int]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as conn:
        return [
            page
            for page, what in conn.execute(
                "SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno", (name,)
            )
            if what == kind
        ]


def flip(path: Path, offset: int, mask: int = 0xFF) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


def reopen(data_dir: Path, **options: object) -> tuple[SessionStore, list[str]]:
    store, messages = open_store(data_dir, now=lambda: NOW, **options)  # type: ignore[arg-type]
    assert store is not None
    return store, messages


def aside(data_dir: Path) -> Path:
    return data_dir / "sessions.corrupt-20240601-093000.db"


def assert_recovered(messages: list[str], data_dir: Path, sessions: int) -> None:
    assert len(messages) == 1
    assert "damaged" in messages[0]
    assert str(aside(data_dir)) in messages[0]
    assert f"with the {sessions} sessions" in messages[0]


def test_a_log_cut_short_by_one_byte_keeps_its_sessions(data_dir: Path) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    original = path.read_bytes()
    path.write_bytes(original[:-1])
    store, messages = reopen(data_dir)
    assert store.session_count() == SESSIONS
    assert len(history_json(store)) == SESSIONS
    store.close()
    if messages:  # the lost byte may or may not be part of a row
        assert_recovered(messages, data_dir, SESSIONS)
        assert aside(data_dir).read_bytes() == original[:-1]


def test_a_flipped_byte_in_a_sessions_page_loses_at_most_that_row(data_dir: Path) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    leaf = pages_of(path, "sessions")[0]
    flip(path, (leaf - 1) * 4096 + 4000)
    store, messages = reopen(data_dir)
    assert len(messages) == 1
    assert store.session_count() >= SESSIONS - 1
    store.close()


def test_a_sessions_page_with_a_damaged_type_byte_is_read_page_by_page(data_dir: Path) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    for leaf in pages_of(path, "sessions"):
        flip(path, (leaf - 1) * 4096)  # SQLite refuses every one of these pages
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    data = history_json(store)
    assert len(data) == SESSIONS
    assert all(len(s["holds"]) == 2 for s in data)
    store.close()


def test_a_damaged_interior_page_loses_nothing(data_dir: Path) -> None:
    fill(data_dir, 120)
    path = data_dir / "sessions.db"
    interior = pages_of(path, "holds", "internal")[0]
    flip(path, (interior - 1) * 4096 + 1)
    flip(path, (interior - 1) * 4096 + 9)  # the right-most child pointer
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, 120)
    assert sum(len(s["holds"]) for s in history_json(store)) == 240
    store.close()


def test_a_damaged_index_key_is_found_at_open_and_nothing_is_lost(data_dir: Path) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    index = pages_of(path, "sessions_by_day")[0]
    flip(path, index * 4096 - 20, 0x01)  # a key in the index no longer matches its row
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # quick_check misses it
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    assert store.session_count() == SESSIONS
    store.close()


ROUTINE = Routine(
    id="probe",
    name="Probe",
    description="",
    steps=(Step(Stretch(id="c", name="Calf", area=(), sided=False, instructions=("a",)), 30, 4),),
)


def test_damage_found_by_a_failing_write_mid_session_loses_no_hold(data_dir: Path) -> None:
    fill(data_dir)
    store, messages = reopen(data_dir)
    assert messages == []
    notices: list[str] = []
    store.notify = notices.append
    recorder = SessionRecorder(
        store, wall_clock=lambda: datetime(2024, 6, 1, 9, tzinfo=TZ), on_error=notices.append
    )
    first, second, third, fourth = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(first, 30.0, "completed"))
    recorder.handle(HoldEnded(second, 30.0, "completed"))
    # Now the index damage that the check at open did not see: every write that touches the
    # page fails with SQLITE_CORRUPT.
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = data_dir / "sessions.db"
    for page in pages_of(path, "sessions_by_day"):
        flip(path, (page - 1) * 4096)
    store._conn.execute("PRAGMA shrink_memory")  # forget the cached good pages
    recorder.handle(HoldEnded(third, 30.0, "completed"))
    recorder.handle(HoldEnded(fourth, 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 120.0))
    assert store.generation == 1
    assert len(notices) == 1
    assert "damaged" in notices[0]
    assert f"with the {SESSIONS + 1} sessions" in notices[0]
    data = history_json(store)
    store.close()
    assert len(data) == SESSIONS + 1
    probe = next(s for s in data if s["routine_id"] == "probe")
    assert probe["status"] == "completed"
    assert [h["rep"] for h in probe["holds"]] == [1, 2, 3, 4]
    assert probe["held_seconds"] == 120.0
    assert aside(data_dir).exists()


def test_a_write_that_finds_a_damaged_file_without_the_lock_is_not_recovered(
    data_dir: Path,
) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    conn = sqlite3.connect(path)
    store = SessionStore(conn, path, read_only=False)  # no instance lock: may not set aside
    for page in pages_of(path, "sessions_by_day"):
        flip(path, (page - 1) * 4096)
    with pytest.raises(storage.StorageError) as caught:
        store.finish_session(3, status="completed", ended_at=NOW, held_seconds=1.0)
    assert caught.value.kind == "corrupt"
    assert store.generation == 0
    store.close()


def crash_copy(data_dir: Path, target: Path, in_wal: int) -> None:
    """The files as a kill -9 leaves them, with the last ``in_wal`` sessions in the -wal only."""
    fill(data_dir, SESSIONS - in_wal)
    conn = sqlite3.connect(data_dir / "sessions.db")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(in_wal):
        with conn:
            conn.execute(
                "INSERT INTO sessions (routine_id, routine_name, started_at, started_offset,"
                " local_date, status, planned_seconds) VALUES ('wal', 'Wal', ?, 0, ?,"
                " 'completed', 30)",
                (f"2025-01-{i + 1:02d}T07:00:00.000Z", f"2025-01-{i + 1:02d}"),
            )
    target.mkdir()
    for name in ("sessions.db", "sessions.db-wal"):
        (target / name).write_bytes((data_dir / name).read_bytes())
    conn.close()


def test_a_damaged_wal_keeps_the_transactions_after_the_bad_frame(
    data_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "crashed"
    crash_copy(data_dir, target, 6)
    wal = target / "sessions.db-wal"
    size = int.from_bytes(wal.read_bytes()[8:12], "big")
    flip(wal, 32 + 24 + size // 2)  # the first frame: SQLite would drop every frame after it
    uri = f"file:{target / 'sessions.db'}?mode=ro"  # read-only: no checkpoint when it closes
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] < SESSIONS
    # The command line reads it without changing it...
    before = wal.read_bytes()
    ro, messages = open_store_readonly(target)
    assert ro is not None
    assert "write-ahead file" in messages[0]
    assert ro.session_count() == SESSIONS
    ro.close()
    assert wal.read_bytes() == before
    # ...and the app sets it aside with its -wal and recovers every session.
    store, messages = reopen(target)
    assert_recovered(messages, target, SESSIONS)
    assert "write-ahead file" in messages[0]
    assert (target / "sessions.corrupt-20240601-093000.db-wal").read_bytes() == before
    assert sorted(s["routine_id"] for s in history_json(store)).count("wal") == 6
    store.close()


@pytest.mark.parametrize("version", [-1, -2147483647, 65537])
def test_an_unknown_schema_version_is_damage_and_every_session_is_recovered(
    data_dir: Path, version: int
) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    data = bytearray(path.read_bytes())
    data[60:64] = (version & 0xFFFFFFFF).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    ro, ro_messages = open_store_readonly(data_dir)
    assert ro is not None
    assert f"version {version}, which no Stretch Timer writes" in ro_messages[0]
    assert ro.session_count() == SESSIONS
    ro.close()
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    assert f"version {version}" in messages[0]
    store.close()
    again, messages = open_store(data_dir)  # the lock was released: no "in use" here
    assert messages == []
    assert again is not None
    assert again.session_count() == SESSIONS
    again.close()


def test_migrations_refuse_a_version_they_do_not_know() -> None:
    conn = sqlite3.connect(":memory:")
    for version in (-1, storage.SCHEMA_VERSION + 1):
        with pytest.raises(storage.DamagedError, match=f"version {version}"):
            schema.migrate(conn, version)
    conn.close()


def test_the_lock_is_released_when_opening_fails_unexpectedly(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(data_dir)

    def broken(conn: sqlite3.Connection, version: int) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(schema, "check_schema", broken)
    with pytest.raises(RuntimeError):
        open_store(data_dir)
    monkeypatch.undo()
    store, messages = open_store(data_dir, lock_wait=0)
    assert messages == []
    assert store is not None
    store.close()


@pytest.mark.parametrize("table", ["events", "holds"])
def test_a_missing_table_is_damage_and_the_sessions_are_kept(data_dir: Path, table: str) -> None:
    fill(data_dir)
    with contextlib.closing(sqlite3.connect(data_dir / "sessions.db")) as conn:
        conn.execute(f"DROP TABLE {table}")
    ro, ro_messages = open_store_readonly(data_dir)
    assert ro is not None
    assert f"its {table} table is missing" in ro_messages[0]
    assert ro.session_count() == SESSIONS
    ro.close()
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    store.add_event(1, kind="pause", at=NOW.astimezone())  # the new log has every table
    store.close()


def test_a_forgotten_table_is_found_in_the_pages(data_dir: Path) -> None:
    fill(data_dir)
    with contextlib.closing(sqlite3.connect(data_dir / "sessions.db")) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("DELETE FROM sqlite_master WHERE name = 'sessions'")
        conn.commit()
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    store.close()


def test_a_header_sqlite_would_call_read_only_is_damage(data_dir: Path) -> None:
    fill(data_dir)
    flip(data_dir / "sessions.db", 18)  # the file format's write version
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    assert not store.read_only
    store.close()


def test_a_header_that_says_utf16_is_read_as_utf8(data_dir: Path) -> None:
    fill(data_dir)
    flip(data_dir / "sessions.db", 59, 0x02)
    store, messages = reopen(data_dir)
    assert_recovered(messages, data_dir, SESSIONS)
    assert {s["routine_name"] for s in history_json(store)} == {"Basics"}
    store.close()


def test_nothing_readable_is_said_plainly(data_dir: Path) -> None:
    (data_dir / "sessions.db").write_bytes(b"my shopping list\n" * 400)
    store, messages = reopen(data_dir)
    assert "a new, empty log was started: nothing in it was readable" in messages[0]
    assert store.session_count() == 0
    store.close()
    assert aside(data_dir).read_bytes() == b"my shopping list\n" * 400


def test_a_big_log_is_checked_within_the_budget(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fill(data_dir)
    caplog.set_level(logging.INFO, logger="desktop_app")
    store, messages = reopen(data_dir, check_budget=0.0)  # the check stops at once
    assert messages == []
    assert store.session_count() == SESSIONS
    store.close()
    assert "integrity_check stopped" in caplog.text


def test_a_recovery_a_write_sets_off_can_run_on_a_worker_thread(data_dir: Path) -> None:
    """As in the window: the log reads as busy while a worker recovers it, the recorder keeps
    the holds in memory, and writes them all, whole, once the recovery is taken up."""
    fill(data_dir)
    store, messages = reopen(data_dir)
    assert messages == []
    notices: list[str] = []
    store.notify = notices.append
    store.recover_in_background = True
    finished = threading.Event()
    store.recovery_finished = finished.set
    gate = threading.Event()
    rebuild = store._rebuild
    assert rebuild is not None

    def slow_rebuild() -> tuple[sqlite3.Connection, str]:
        assert gate.wait(10)  # the recovery runs until the test lets it finish
        return rebuild()

    store._rebuild = slow_rebuild
    retries: list[float] = []
    recorder = SessionRecorder(
        store,
        wall_clock=lambda: datetime(2024, 6, 1, 9, tzinfo=TZ),
        on_error=notices.append,
        schedule=lambda seconds, callback: retries.append(seconds),
    )
    first, second, third, fourth = ROUTINE.holds()
    recorder.handle(SessionStarted(ROUTINE))
    recorder.handle(HoldEnded(first, 30.0, "completed"))
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = data_dir / "sessions.db"
    for page in pages_of(path, "sessions_by_day"):
        flip(path, (page - 1) * 4096)
    store._conn.execute("PRAGMA shrink_memory")
    recorder.handle(HoldEnded(second, 30.0, "completed"))  # finds the damage
    assert store.recovering
    recorder.handle(HoldEnded(third, 30.0, "completed"))
    assert recorder.pending >= 2  # kept in memory, in order
    assert retries  # and tried again later
    assert notices == [storage.store.RECOVERING.format(path=path)]
    with pytest.raises(storage.StorageError) as caught:
        store.session_count()
    assert caught.value.kind == "busy"

    gate.set()
    assert finished.wait(10)
    recorder.handle(HoldEnded(fourth, 30.0, "completed"))
    recorder.handle(SessionEnded("completed", 120.0))
    assert recorder.pending == 0
    assert store.generation == 1
    assert "moved to" in notices[1]
    assert f"with the {SESSIONS + 1} sessions" in notices[1]
    assert len(notices) == 2  # no "can be written again" over where the damaged file went
    data = history_json(store)
    store.close()
    assert len(data) == SESSIONS + 1
    probe = next(s for s in data if s["routine_id"] == "probe")
    assert (probe["status"], probe["held_seconds"]) == ("completed", 120.0)
    assert [h["rep"] for h in probe["holds"]] == [1, 2, 3, 4]


def test_a_store_closed_during_a_recovery_waits_for_it(data_dir: Path) -> None:
    fill(data_dir)
    store, _ = reopen(data_dir)
    store.recover_in_background = True
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = data_dir / "sessions.db"
    for page in pages_of(path, "sessions_by_day"):
        flip(path, (page - 1) * 4096)
    store._conn.execute("PRAGMA shrink_memory")
    with pytest.raises(storage.StorageError):
        store.finish_session(3, status="completed", ended_at=NOW, held_seconds=1.0)
    store.close()  # waits, takes up the new log, closes it and releases the lock
    assert not store.recovering
    again, messages = reopen(data_dir)
    assert messages == []
    assert again.session_count() == SESSIONS
    again.close()
