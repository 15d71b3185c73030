"""The demo routine ("Quick check"): its own file, loaded only with --demo, never counted."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from desktop_app import paths
from desktop_app.cli import main
from desktop_app.model import DEMO_ROUTINE_ID
from desktop_app.routines import load_library
from desktop_app.storage import SessionStore, open_store

PARIS = timezone(timedelta(hours=2))


def test_demo_file_holds_only_the_demo_routine_and_loads_with_the_bundled_one() -> None:
    demo = paths.demo_routines_file()
    assert demo.parent == paths.bundled_routines_file().parent
    result = load_library([paths.bundled_routines_file(), demo])
    assert result.errors == {}
    routine = result.library.routine(DEMO_ROUTINE_ID)
    assert routine is not None
    assert routine.name == "Quick check"
    assert routine.source == str(demo)
    assert routine.planned_seconds < 60
    # Every stretch it uses comes from the bundled file; it adds no stretches of its own.
    assert yaml.safe_load(demo.read_text(encoding="utf-8")).keys() == {"format", "routines"}


def test_bundled_file_alone_has_no_demo_routine() -> None:
    library = load_library([paths.bundled_routines_file()]).library
    assert library.routine(DEMO_ROUTINE_ID) is None
    assert library.routines  # the user's routines are all still there


def _listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(list(args)) == 0
    return [row["id"] for row in json.loads(capsys.readouterr().out)]


def test_list_shows_the_demo_only_with_the_flag(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _listed(capsys, "list", "--json")
    assert DEMO_ROUTINE_ID not in plain
    with_flag = _listed(capsys, "list", "--json", "--demo")
    assert with_flag == [*plain, DEMO_ROUTINE_ID]
    # Given before the subcommand too, like the other common options.
    assert _listed(capsys, "--demo", "list", "--json") == with_flag


def test_window_option_without_demo_says_how_to_get_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--routine", DEMO_ROUTINE_ID, "--start"]) == 2
    err = capsys.readouterr().err
    assert f"unknown routine '{DEMO_ROUTINE_ID}'" in err
    assert "needs --demo" in err


# -- the history's figures, on a real SQLite file ----------------------------------------------


def _log(store: SessionStore, day: date, routine_id: str, held: float) -> None:
    started = datetime(day.year, day.month, day.day, 8, tzinfo=PARIS)
    sid = store.start_session(
        routine_id=routine_id,
        routine_name=routine_id,
        started_at=started,
        planned_seconds=60,
    )
    store.add_hold(
        sid,
        stretch_id="seated-chair-hamstring",
        stretch_name="Seated chair hamstring stretch",
        side=None,
        rep=1,
        planned_seconds=30,
        held_seconds=held,
        outcome="completed",
    )
    store.finish_session(sid, status="completed", ended_at=started + timedelta(minutes=1))


def test_demo_sessions_never_count_toward_streaks_week_or_minutes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store, messages = open_store(data)
    assert store is not None, messages
    today = date(2024, 4, 30)  # a Tuesday
    try:
        # Real sessions on the 26th and 27th (a two-day run, ended); demo runs on the 28th,
        # 29th and 30th would otherwise make a five-day streak reaching today.
        for day in (26, 27):
            _log(store, date(2024, 4, day), "hamstring-basics", 300)
        for day in (28, 29, 30):
            _log(store, date(2024, 4, day), DEMO_ROUTINE_ID, 12)
        stats = store.stats(today=today)
        assert stats.current_streak_days == 0
        assert stats.longest_streak_days == 2
        assert stats.sessions_this_week == 0
        assert stats.total_seconds == pytest.approx(600)
        minutes = {d.day: d.minutes for d in store.minutes_per_day(7, today=today)}
        assert minutes[date(2024, 4, 29)] == 0
        assert minutes[date(2024, 4, 27)] == pytest.approx(5)

        # A real session on a demo day counts that day, and only its own time.
        _log(store, date(2024, 4, 30), "desk-break", 60)
        stats = store.stats(today=today)
        assert stats.current_streak_days == 1
        assert stats.sessions_this_week == 1
        assert stats.total_seconds == pytest.approx(660)
        assert store.minutes_per_day(1, today=today)[0].minutes == pytest.approx(1)
        # The demo sessions stay in the log and in the list.
        assert store.session_count() == 6
    finally:
        store.close()
    with sqlite3.connect(data / "sessions.db") as conn:
        rows = conn.execute(
            "SELECT count(*) FROM sessions WHERE routine_id = ?", [DEMO_ROUTINE_ID]
        ).fetchone()
    assert rows == (3,)
