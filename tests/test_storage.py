"""The session log: schema, writes, bad situations, figures and exports."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app import storage
from desktop_app.formatting import history_table
from desktop_app.storage import (
    SCHEMA_VERSION,
    SessionStore,
    StorageError,
    history_json,
    open_store,
    open_store_readonly,
    opening,
    schema,
    write_history_csv,
)

PARIS = timezone(timedelta(hours=2))
NEW_YORK = timezone(timedelta(hours=-4))


def at(day: date, hour: int = 8, minute: int = 0, tz: timezone = PARIS) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


@pytest.fixture
def store(data_dir: Path) -> Iterator[SessionStore]:
    opened, messages = open_store(data_dir)
    assert messages == []
    assert opened is not None
    assert not opened.read_only
    yield opened
    opened.close()


def log_session(
    store: SessionStore,
    started: datetime,
    held: float = 60.0,
    status: storage.FinishStatus | None = "completed",
    routine: str = "hamstring-basics",
) -> int:
    sid = store.start_session(
        routine_id=routine,
        routine_name=routine.replace("-", " ").title(),
        started_at=started,
        planned_seconds=90,
    )
    if held:
        store.add_hold(
            sid,
            stretch_id="towel-hamstring",
            stretch_name="Towel hamstring stretch",
            side="left",
            rep=1,
            planned_seconds=30,
            held_seconds=held,
            outcome="completed",
        )
    if status is not None:
        store.finish_session(sid, status=status, ended_at=started + timedelta(minutes=2))
    return sid


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


# -- schema -------------------------------------------------------------------------------------


def test_new_store_has_schema_wal_and_foreign_keys(store: SessionStore, data_dir: Path) -> None:
    conn = raw(data_dir / "sessions.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "holds", "events"} <= tables
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(StorageError):
        store.add_hold(
            999,
            stretch_id="x",
            stretch_name="X",
            side=None,
            rep=1,
            planned_seconds=1,
            held_seconds=1,
            outcome="completed",
        )
    conn.close()


def test_history_queries_use_indexes(store: SessionStore) -> None:
    plan = " ".join(
        str(r[3])
        for r in store._conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM sessions ORDER BY started_at DESC, id DESC LIMIT 5"
        )
    )
    assert "sessions_by_start" in plan
    plan = " ".join(
        str(r[3])
        for r in store._conn.execute(
            "EXPLAIN QUERY PLAN SELECT local_date, sum(held_seconds) FROM sessions"
            " WHERE local_date BETWEEN '2024-01-01' AND '2024-01-28' GROUP BY local_date"
        )
    )
    assert "sessions_by_day" in plan


def test_a_later_migration_runs_once_on_open(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    log_session(first, at(date(2024, 5, 1)))
    first.close()
    extra = (*schema.MIGRATIONS, ("ALTER TABLE sessions ADD COLUMN mood TEXT",))
    monkeypatch.setattr(schema, "MIGRATIONS", extra)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(extra))
    second, messages = open_store(data_dir)
    assert messages == []
    assert second is not None
    assert second._conn.execute("PRAGMA user_version").fetchone()[0] == len(extra)
    assert second.session_count() == 1
    columns = [r[1] for r in second._conn.execute("PRAGMA table_info(sessions)")]
    assert "mood" in columns
    second.close()


# -- writing ------------------------------------------------------------------------------------


def test_a_session_round_trips(store: SessionStore) -> None:
    started = at(date(2024, 5, 1), 7, 30)
    sid = store.start_session(
        routine_id="hamstring-basics",
        routine_name="Hamstring basics",
        started_at=started,
        planned_seconds=125,
    )
    store.add_hold(
        sid,
        stretch_id="towel-hamstring",
        stretch_name="Towel hamstring stretch",
        side="left",
        rep=1,
        planned_seconds=30,
        held_seconds=30.0004,
        outcome="completed",
        hold_index=0,
    )
    store.add_event(
        sid,
        kind="symptom",
        at=started + timedelta(seconds=40),
        stretch_id="towel-hamstring",
        symptom="tingling",
    )
    store.add_hold(
        sid,
        stretch_id="towel-hamstring",
        stretch_name="Towel hamstring stretch",
        side="right",
        rep=1,
        planned_seconds=30,
        held_seconds=12.5,
        outcome="skipped",
        hold_index=1,
    )
    store.finish_session(sid, status="stopped", ended_at=started + timedelta(seconds=80))
    detail = store.session_detail(sid)
    assert detail is not None
    s = detail.session
    assert (s.routine_id, s.routine_name, s.status, s.planned_seconds) == (
        "hamstring-basics",
        "Hamstring basics",
        "stopped",
        125,
    )
    assert s.started_at == started
    assert s.started_at.utcoffset() == timedelta(hours=2)
    assert s.ended_at == started + timedelta(seconds=80)
    assert s.held_seconds == pytest.approx(42.5)
    assert s.symptoms == ("tingling",)
    assert [(h.side, h.held_seconds, h.outcome) for h in detail.holds] == [
        ("left", 30.0, "completed"),
        ("right", 12.5, "skipped"),
    ]
    assert [(e.kind, e.symptom, e.stretch_id) for e in detail.events] == [
        ("symptom", "tingling", "towel-hamstring")
    ]
    stored = store._conn.execute("SELECT started_at, started_offset FROM sessions").fetchone()
    assert stored == ("2024-05-01T05:30:00.000Z", 7200)


def test_finish_with_engine_held_seconds_replaces_the_sum(store: SessionStore) -> None:
    sid = log_session(store, at(date(2024, 5, 1)), held=30, status=None)
    store.finish_session(sid, status="completed", ended_at=at(date(2024, 5, 1), 9), held_seconds=31)
    summary = store.session(sid)
    assert summary is not None
    assert summary.held_seconds == 31


def test_note_and_feeling(store: SessionStore) -> None:
    sid = log_session(store, at(date(2024, 5, 1)))
    store.set_note_and_feeling(sid, "  Heel better today  ", 4)
    summary = store.session(sid)
    assert summary is not None
    assert (summary.note, summary.feeling) == ("Heel better today", 4)
    store.set_note_and_feeling(sid, "   ", None)
    summary = store.session(sid)
    assert summary is not None
    assert (summary.note, summary.feeling) == (None, None)
    with pytest.raises(StorageError, match="1 to 5"):
        store.set_note_and_feeling(sid, "", 6)


def test_running_sessions_become_interrupted_on_open_and_keep_their_holds(data_dir: Path) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    done = log_session(first, at(date(2024, 5, 1)))
    killed = log_session(first, at(date(2024, 5, 2)), held=25, status=None)
    first.close()  # as if the process died: the row still says running
    second, messages = open_store(data_dir)
    assert messages == []
    assert second is not None
    detail = second.session_detail(killed)
    assert detail is not None
    assert detail.session.status == "interrupted"
    assert detail.session.held_seconds == 25
    assert len(detail.holds) == 1
    done_row = second.session(done)
    assert done_row is not None
    assert done_row.status == "completed"
    second.close()


def test_full_disk_is_a_storage_error_with_its_message(store: SessionStore) -> None:
    sid = log_session(store, at(date(2024, 5, 1)), status=None)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")

    def fill_the_disk() -> None:
        for rep in range(1, 5000):
            store.add_hold(
                sid,
                stretch_id="towel-hamstring",
                stretch_name="Towel hamstring stretch " * 20,
                side="left",
                rep=rep,
                planned_seconds=30,
                held_seconds=30,
                outcome="completed",
            )

    with pytest.raises(StorageError) as caught:
        fill_the_disk()
    assert caught.value.kind == "full"
    assert "is full" in caught.value.message
    assert "cannot be saved" in caught.value.message
    assert store.session_count() == 1  # what was logged is still there


# -- opening in bad situations ------------------------------------------------------------------


def test_corrupt_database_is_moved_aside_and_a_fresh_one_started(data_dir: Path) -> None:
    garbage = b"this is not an sqlite database, just bytes " * 200
    (data_dir / "sessions.db").write_bytes(garbage)
    store, messages = open_store(data_dir, now=lambda: datetime(2024, 5, 1, 12, 34, 56))
    assert store is not None
    assert not store.read_only
    moved = data_dir / "sessions.corrupt-20240501-123456.db"
    assert moved.read_bytes() == garbage
    assert len(messages) == 1
    assert str(moved) in messages[0]
    assert "damaged" in messages[0]
    assert store.session_count() == 0
    log_session(store, at(date(2024, 5, 1)))
    assert store.session_count() == 1
    store.close()


def test_damaged_pages_are_detected_too(data_dir: Path) -> None:
    store, _ = open_store(data_dir)
    assert store is not None
    for i in range(300):
        log_session(store, at(date(2024, 1, 1) + timedelta(days=i % 100)))
    store.close()
    path = data_dir / "sessions.db"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):  # keep the header and schema page
        data[offset + 8 : offset + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))
    store, messages = open_store(data_dir, now=lambda: datetime(2024, 5, 1, 1, 2, 3))
    assert store is not None
    assert len(messages) == 1
    assert "sessions.corrupt-20240501-010203.db" in messages[0]
    store.close()


def test_second_instance_is_told_the_log_is_in_use_and_does_not_interrupt(data_dir: Path) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    running = log_session(first, at(date(2024, 5, 1)), status=None)
    second, messages = open_store(data_dir)
    assert len(messages) == 1
    assert "in use by another Stretch Timer window" in messages[0]
    assert "cannot be saved" in messages[0]
    assert second is not None
    assert second.read_only
    assert second.session_count() == 1  # the history is still readable
    with pytest.raises(StorageError) as caught:
        log_session(second, at(date(2024, 5, 2)))
    assert caught.value.kind == "locked"
    summary = first.session(running)
    assert summary is not None
    assert summary.status == "running"
    second.close()
    first.close()


def test_lock_held_by_another_process(data_dir: Path) -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from desktop_app.storage import open_store;"
            "s, m = open_store(Path(sys.argv[1])); print('ready', flush=True); sys.stdin.read()",
            str(data_dir),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "ready"
            store, messages = open_store(data_dir)
            assert "in use by another Stretch Timer window" in messages[0]
            assert store is not None
            assert store.read_only
            store.close()
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)
    store, messages = open_store(data_dir)
    assert messages == []
    assert store is not None
    store.close()


def test_another_program_writing_at_start_is_not_another_window(data_dir: Path) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    left_running = log_session(first, at(date(2024, 5, 1)), status=None)
    first.close()
    other = sqlite3.connect(data_dir / "sessions.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        store, messages = open_store(data_dir, timeout=0)
        assert messages == []  # not "in use by another Stretch Timer window"
        assert store is not None
        assert not store.read_only
        assert store.interrupt_pending  # marking waits for the other program
        with pytest.raises(StorageError) as caught:
            log_session(store, at(date(2024, 5, 2)))
        assert caught.value.kind == "busy"
        assert "another program" in caught.value.message
        assert "another Stretch Timer window" not in caught.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    log_session(store, at(date(2024, 5, 2)))
    summary = store.session(left_running)
    assert summary is not None
    assert summary.status == "interrupted"
    assert store.session_count() == 2
    store.close()


def _force_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection is opened as on a read-only disk (tests run as root: chmod would not do)."""
    real = opening.connect

    def read_only_connect(
        path: Path, read_only: bool, timeout: float, immutable: bool = False
    ) -> sqlite3.Connection:
        return real(path, True, timeout, immutable)

    monkeypatch.setattr(opening, "connect", read_only_connect)


def test_read_only_database_keeps_history_readable(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    log_session(first, at(date(2024, 5, 1)))
    first.close()
    before = (data_dir / "sessions.db").read_bytes()
    _force_read_only(monkeypatch)
    store, messages = open_store(data_dir)
    assert len(messages) == 1
    assert "cannot be written" in messages[0]
    assert "cannot be saved" in messages[0]
    assert store is not None
    assert store.read_only
    assert store.session_count() == 1
    with pytest.raises(StorageError, match="cannot be written"):
        log_session(store, at(date(2024, 5, 2)))
    store.close()
    assert (data_dir / "sessions.db").read_bytes() == before


def test_read_only_disk_with_no_log_yet_gives_no_store(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _force_read_only(monkeypatch)
    store, messages = open_store(data_dir)
    assert store is None
    assert len(messages) == 1
    assert "cannot be written" in messages[0]


def test_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store, messages = open_store(blocker / "data")
    assert store is None
    assert "cannot be saved" in messages[0]


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A real read-only filesystem (a read-only bind mount); skipped where mounting is refused."""
    source = tmp_path / "source"
    source.mkdir()
    target = tmp_path / "ro"
    target.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("needs root on Linux to mount")
    bind = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip("mount is not allowed here")
    try:
        remount = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(target)], capture_output=True
        )
        if remount.returncode != 0:
            pytest.skip("read-only remount is not allowed here")
        yield source
    finally:
        done = subprocess.run(["umount", str(target)], capture_output=True, text=True)
        if done.returncode != 0:
            print("UMOUNT", done.stderr)
            subprocess.run(["umount", "-l", str(target)], check=False)


def test_real_read_only_filesystem(read_only_mount: Path) -> None:
    source = read_only_mount
    first, _ = open_store(source)
    assert first is not None
    log_session(first, at(date(2024, 5, 1)))
    first.close()
    store, messages = open_store(source.parent / "ro")
    assert len(messages) == 1
    assert "cannot be written" in messages[0]
    assert store is not None
    assert store.read_only
    assert store.session_count() == 1
    with pytest.raises(StorageError, match="cannot be written"):
        log_session(store, at(date(2024, 5, 2)))
    store.close()


def test_newer_schema_is_left_untouched(data_dir: Path) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    log_session(first, at(date(2024, 5, 1)))
    first._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    first.close()
    before = (data_dir / "sessions.db").read_bytes()
    store, messages = open_store(data_dir)
    assert len(messages) == 1
    assert "newer version of Stretch Timer" in messages[0]
    assert "will not be saved" in messages[0]
    assert store is not None
    assert store.read_only
    with pytest.raises(StorageError, match="newer version"):
        log_session(store, at(date(2024, 5, 2)))
    store.close()
    assert (data_dir / "sessions.db").read_bytes() == before
    ro, ro_messages = open_store_readonly(data_dir)
    assert ro is None
    assert "newer version" in ro_messages[0]


def test_readonly_open_creates_and_changes_nothing(data_dir: Path) -> None:
    assert open_store_readonly(data_dir) == (None, [])
    assert list(data_dir.iterdir()) == []
    first, _ = open_store(data_dir)
    assert first is not None
    done = log_session(first, at(date(2024, 5, 1)))
    first.close()
    (data_dir / "sessions.lock").unlink()  # as if no window had ever opened the log here
    files = sorted(p.name for p in data_dir.iterdir())
    before = (data_dir / "sessions.db").read_bytes()
    store, messages = open_store_readonly(data_dir)
    assert messages == []
    assert store is not None
    assert len(history_json(store, None)) == 1
    with pytest.raises(StorageError):
        store.set_note_and_feeling(done, "x", 3)
    store.close()
    assert sorted(p.name for p in data_dir.iterdir()) == files
    assert (data_dir / "sessions.db").read_bytes() == before


def test_readonly_open_reports_a_killed_session_as_interrupted_and_marks_it(
    data_dir: Path,
) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    killed = log_session(first, at(date(2024, 5, 1)), status=None)
    # While the window runs, its session is running, for history too.
    store, _ = open_store_readonly(data_dir)
    assert store is not None
    summary = store.session(killed)
    assert summary is not None
    assert summary.status == "running"
    store.close()
    first.close()  # as if the process died: the row still says running
    # No process holds the lock now: history says interrupted and marks it in the file.
    store, messages = open_store_readonly(data_dir)
    assert messages == []
    assert store is not None
    summary = store.session(killed)
    assert summary is not None
    assert summary.status == "interrupted"
    store.close()
    assert sorted(p.name for p in data_dir.iterdir()) == ["sessions.db", "sessions.lock"]
    with contextlib.closing(sqlite3.connect(data_dir / "sessions.db")) as conn:
        assert conn.execute("SELECT status FROM sessions").fetchall() == [("interrupted",)]


def test_readonly_open_without_a_lock_file_reports_interrupted_without_writing(
    data_dir: Path,
) -> None:
    first, _ = open_store(data_dir)
    assert first is not None
    killed = log_session(first, at(date(2024, 5, 1)), status=None)
    first.close()
    (data_dir / "sessions.lock").unlink()
    before = (data_dir / "sessions.db").read_bytes()
    store, _ = open_store_readonly(data_dir)
    assert store is not None
    summary = store.session(killed)
    assert summary is not None
    assert summary.status == "interrupted"
    store.close()
    assert (data_dir / "sessions.db").read_bytes() == before
    assert not (data_dir / "sessions.lock").exists()


# -- figures ------------------------------------------------------------------------------------


def test_streaks_count_local_days_across_midnight(store: SessionStore) -> None:
    # 23:30 and 00:30 in Paris are the same UTC day but two local days.
    log_session(store, at(date(2024, 5, 1), 23, 30))
    log_session(store, at(date(2024, 5, 2), 0, 30))
    assert store.stats(today=date(2024, 5, 2)).current_streak_days == 2
    assert store.stats(today=date(2024, 5, 3)).current_streak_days == 2  # yesterday still counts
    assert store.stats(today=date(2024, 5, 4)).current_streak_days == 0
    assert store.stats(today=date(2024, 5, 4)).longest_streak_days == 2


def test_streaks_and_week(store: SessionStore) -> None:
    days = [date(2024, 4, d) for d in (1, 2, 3, 4, 5)]  # a five-day run
    days += [date(2024, 4, d) for d in (10, 11)]
    days += [date(2024, 4, d) for d in (27, 28, 29, 30)]  # current run, to today
    for day in days:
        log_session(store, at(day, 7), held=300)
    log_session(store, at(date(2024, 4, 30), 19), held=300)  # twice on one day: one streak day
    log_session(store, at(date(2024, 4, 20), 19), held=0)  # nothing held: not a streak day
    stats = store.stats(today=date(2024, 4, 30))  # a Tuesday
    assert stats.current_streak_days == 4
    assert stats.longest_streak_days == 5
    assert stats.sessions_this_week == 3  # Monday 29th, Tuesday 30th twice
    assert stats.total_seconds == pytest.approx(300 * 12)


def test_empty_stats(store: SessionStore) -> None:
    stats = store.stats(today=date(2024, 4, 30))
    assert (stats.sessions_this_week, stats.current_streak_days, stats.longest_streak_days) == (
        0,
        0,
        0,
    )
    assert stats.total_seconds == 0


def test_minutes_per_day(store: SessionStore) -> None:
    today = date(2024, 5, 28)
    log_session(store, at(today, 7), held=120)
    log_session(store, at(today, 20), held=60)
    log_session(store, at(today - timedelta(days=27), 7), held=90)
    log_session(store, at(today - timedelta(days=28), 7), held=600)  # outside the window
    days = store.minutes_per_day(28, today=today)
    assert len(days) == 28
    assert days[0].day == today - timedelta(days=27)
    assert days[-1].day == today
    assert days[-1].minutes == pytest.approx(3.0)
    assert days[0].minutes == pytest.approx(1.5)
    assert sum(d.minutes for d in days) == pytest.approx(4.5)


def test_paging_walks_every_session_once_newest_first(store: SessionStore) -> None:
    start = at(date(2024, 1, 1))
    for i in range(250):
        log_session(store, start + timedelta(hours=7 * i))
    seen = []
    cursor = None
    while True:
        page, cursor = store.sessions_page(100, cursor)
        seen.extend(page)
        if len(page) < 100:
            break
    assert len(seen) == 250
    assert len({s.id for s in seen}) == 250
    starts = [s.started_at for s in seen]
    assert starts == sorted(starts, reverse=True)
    assert store.session_count() == 250


# -- exports ------------------------------------------------------------------------------------


@pytest.fixture
def two_sessions(store: SessionStore) -> SessionStore:
    first = log_session(store, at(date(2024, 5, 1), 7), held=30)
    store.add_event(
        first, kind="pause", at=at(date(2024, 5, 1), 7, 1), stretch_id="towel-hamstring"
    )
    store.add_event(
        first, kind="resume", at=at(date(2024, 5, 1), 7, 2), stretch_id="towel-hamstring"
    )
    store.set_note_and_feeling(first, "Tight, but better", 3)
    second = store.start_session(
        routine_id="plantar",
        routine_name="Plantar fascia, morning",
        started_at=at(date(2024, 5, 3), 6, 45, tz=NEW_YORK),
        planned_seconds=60,
    )
    store.add_event(
        second, kind="symptom", at=at(date(2024, 5, 3), 6, 46, tz=NEW_YORK), symptom="pain"
    )
    store.finish_session(second, status="stopped", ended_at=at(date(2024, 5, 3), 6, 47, NEW_YORK))
    return store


def test_history_json_keys_exactly(two_sessions: SessionStore) -> None:
    data = history_json(two_sessions, None)
    json.dumps(data)
    assert [s["routine_id"] for s in data] == ["plantar", "hamstring-basics"]
    session_keys = [
        "id",
        "routine_id",
        "routine_name",
        "started_at",
        "ended_at",
        "status",
        "planned_seconds",
        "held_seconds",
        "note",
        "feeling",
        "holds",
        "events",
    ]
    hold_keys = [
        "stretch_id",
        "stretch_name",
        "side",
        "rep",
        "planned_seconds",
        "held_seconds",
        "outcome",
    ]
    event_keys = ["kind", "at", "stretch_id", "symptom"]
    for session in data:
        assert list(session) == session_keys
        for hold in session["holds"]:
            assert list(hold) == hold_keys
        for event in session["events"]:
            assert list(event) == event_keys
    newest, oldest = data
    assert newest["started_at"] == "2024-05-03T06:45:00-04:00"
    assert newest["ended_at"] == "2024-05-03T06:47:00-04:00"
    assert newest["holds"] == []
    assert newest["events"] == [
        {
            "kind": "symptom",
            "at": "2024-05-03T06:46:00-04:00",
            "stretch_id": None,
            "symptom": "pain",
        }
    ]
    assert oldest["note"] == "Tight, but better"
    assert oldest["feeling"] == 3
    assert oldest["holds"] == [
        {
            "stretch_id": "towel-hamstring",
            "stretch_name": "Towel hamstring stretch",
            "side": "left",
            "rep": 1,
            "planned_seconds": 30,
            "held_seconds": 30.0,
            "outcome": "completed",
        }
    ]
    assert [e["kind"] for e in oldest["events"]] == ["pause", "resume"]
    assert [s["id"] for s in history_json(two_sessions, date(2024, 5, 2))] == [newest["id"]]


def test_csv_has_one_row_per_hold_and_one_for_sessions_without(two_sessions: SessionStore) -> None:
    sid = log_session(two_sessions, at(date(2024, 5, 4), 7), held=20)
    two_sessions.add_hold(
        sid,
        stretch_id="calf-wall",
        stretch_name="Calf stretch, against a wall",
        side=None,
        rep=2,
        planned_seconds=45,
        held_seconds=44.96,
        outcome="stopped",
    )
    out = io.StringIO()
    count = write_history_csv(two_sessions, None, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 4
    assert list(rows[0]) == list(storage.CSV_COLUMNS)
    assert [(r["session_id"], r["stretch_id"]) for r in rows] == [
        (str(sid), "towel-hamstring"),
        (str(sid), "calf-wall"),
        ("2", ""),
        ("1", "towel-hamstring"),
    ]
    assert rows[1]["stretch_name"] == "Calf stretch, against a wall"
    assert rows[1]["side"] == ""
    assert rows[1]["held_seconds"] == "45.0"
    assert rows[1]["session_held_seconds"] == "65.0"
    assert rows[2]["symptoms"] == "pain"
    assert rows[2]["status"] == "stopped"
    assert rows[3]["note"] == "Tight, but better"
    assert rows[3]["feeling"] == "3"
    since = io.StringIO()
    assert write_history_csv(two_sessions, date(2024, 5, 4), since) == 2


def test_history_text(two_sessions: SessionStore) -> None:
    text = history_table(two_sessions.sessions(None), None)
    lines = text.splitlines()
    assert lines[0].split() == ["Date", "Routine", "Held", "Planned", "Status", "Symptoms"]
    assert "2024-05-03 06:45" in lines[2]
    assert "Plantar fascia, morning" in lines[2]
    assert "pain" in lines[2]
    assert "2024-05-01 07:00" in lines[3]
    assert "0:30" in lines[3]
    since = date(2030, 1, 1)
    assert history_table(two_sessions.sessions(since), since) == (
        "No sessions logged since 2030-01-01.\n"
    )


def test_figures_pass_over_values_that_cannot_be_read(store: SessionStore) -> None:
    log_session(store, at(date(2024, 5, 1)))
    bad = log_session(store, at(date(2024, 5, 2)))
    store._conn.execute("PRAGMA ignore_check_constraints = ON")
    with store._conn:
        store._conn.execute(
            "UPDATE sessions SET local_date = 'soon', held_seconds = 'long' WHERE id = ?", (bad,)
        )
    stats = store.stats(date(2024, 5, 2))
    assert stats.current_streak_days == 1  # 'soon' is no day
    assert stats.total_seconds == 60.0  # 'long' counts for nothing
    per_day = store.minutes_per_day(2, date(2024, 5, 2))
    assert [d.minutes for d in per_day] == [1.0, 0.0]
