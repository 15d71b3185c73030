"""`stretch-timer history`: the JSON contract, the CSV export and the plain text."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.storage import open_store

OFFSET = timezone(timedelta(hours=2))


def fill(data_dir: Path) -> None:
    store, messages = open_store(data_dir)
    assert store is not None, messages
    start = datetime(2026, 11, 20, 7, 30, tzinfo=OFFSET)
    first = store.start_session(
        routine_id="hamstring-basics",
        routine_name="Hamstring basics",
        started_at=start,
        planned_seconds=630,
    )
    store.add_hold(
        first,
        stretch_id="towel-hamstring",
        stretch_name="Towel hamstring stretch",
        side="left",
        rep=1,
        planned_seconds=30,
        held_seconds=30,
        outcome="completed",
    )
    store.add_event(
        first,
        kind="symptom",
        at=start + timedelta(seconds=50),
        stretch_id="towel-hamstring",
        symptom="tingling",
    )
    store.add_hold(
        first,
        stretch_id="towel-hamstring",
        stretch_name="Towel hamstring stretch",
        side="right",
        rep=1,
        planned_seconds=30,
        held_seconds=12.5,
        outcome="skipped",
    )
    store.finish_session(first, status="stopped", ended_at=start + timedelta(minutes=2))
    second = store.start_session(
        routine_id="desk-break",
        routine_name="Desk break",
        started_at=datetime(2026, 11, 22, 12, 0, tzinfo=OFFSET),
        planned_seconds=120,
    )
    store.finish_session(
        second, status="completed", ended_at=datetime(2026, 11, 22, 12, 2, tzinfo=OFFSET)
    )
    store.close()


def test_history_json_keys_order_and_times(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    assert main(["history", "--json"]) == 0
    sessions = json.loads(capsys.readouterr().out)
    assert [s["routine_id"] for s in sessions] == ["desk-break", "hamstring-basics"]
    keys = "id routine_id routine_name started_at ended_at status planned_seconds held_seconds"
    assert list(sessions[1]) == [*keys.split(), "note", "feeling", "holds", "events"]
    older = sessions[1]
    assert older["started_at"] == "2026-11-20T07:30:00+02:00"
    assert older["status"] == "stopped"
    assert older["holds"] == [
        {
            "stretch_id": "towel-hamstring",
            "stretch_name": "Towel hamstring stretch",
            "side": "left",
            "rep": 1,
            "planned_seconds": 30,
            "held_seconds": 30,
            "outcome": "completed",
        },
        {
            "stretch_id": "towel-hamstring",
            "stretch_name": "Towel hamstring stretch",
            "side": "right",
            "rep": 1,
            "planned_seconds": 30,
            "held_seconds": 12.5,
            "outcome": "skipped",
        },
    ]
    assert older["events"] == [
        {
            "kind": "symptom",
            "at": "2026-11-20T07:30:50+02:00",
            "stretch_id": "towel-hamstring",
            "symptom": "tingling",
        }
    ]


def test_history_since_filters_by_date(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(data_dir)
    assert main(["history", "--json", "--since", "2026-11-21"]) == 0
    assert [s["routine_id"] for s in json.loads(capsys.readouterr().out)] == ["desk-break"]


def test_history_csv_has_a_row_per_hold(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(data_dir)
    assert main(["history", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # Two holds of the first session, and one row for the session without holds.
    assert [(r["routine_id"], r["side"], r["outcome"]) for r in rows] == [
        ("desk-break", "", ""),
        ("hamstring-basics", "left", "completed"),
        ("hamstring-basics", "right", "skipped"),
    ]


def test_history_text_and_an_empty_log(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert capsys.readouterr().out == "No sessions logged yet.\n"
    assert main(["history", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"
    assert list(data_dir.iterdir()) == []
    fill(data_dir)
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Hamstring basics" in out
    assert "Desk break" in out


def test_history_rejects_a_bad_date(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--since", "yesterday"]) == 2
    assert "is not a date like 2026-01-31" in capsys.readouterr().err


def spoil(data_dir: Path, *statements: str) -> None:
    """Write values the app never writes (as a damaged disk or another program might)."""
    conn = sqlite3.connect(data_dir / "sessions.db", isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        conn.execute(statement)
    conn.close()


BAD_VALUES = (
    "UPDATE sessions SET started_at = 'last tuesday' WHERE id = 1",
    "UPDATE sessions SET held_seconds = 'plenty', note = CAST(x'4f6bff' AS TEXT) WHERE id = 2",
)


def test_history_leaves_out_what_it_cannot_read_and_says_so(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    spoil(data_dir, *BAD_VALUES[:1], "UPDATE holds SET side = 'up' WHERE id = 2")
    assert main(["history", "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert [s["id"] for s in data] == [2]
    assert "Session 1 is left out: its start time ('last tuesday') is not a date and time." in err
    assert "Traceback" not in err
    assert main(["history", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [r[0] for r in rows[1:]] == ["2"]
    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    assert "Desk break" in out
    assert "Hamstring basics" not in out
    assert "Session 1 is left out" in err


def test_history_text_in_a_number_column_and_bad_utf8(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    spoil(data_dir, "UPDATE sessions SET note = CAST(x'4f6bff' AS TEXT) WHERE id = 2")
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["note"] == "Ok\ufffd"  # shown as what it is, the rest kept
    spoil(data_dir, "UPDATE sessions SET held_seconds = 'plenty' WHERE id = 2")
    assert main(["history", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [s["id"] for s in json.loads(out)] == [1]
    assert "its time held ('plenty') is not a number of seconds" in err


def test_history_of_a_damaged_log_shows_what_can_be_read(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    path = data_dir / "sessions.db"
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF  # SQLite says "not a database"
    path.write_bytes(bytes(data))
    assert main(["history", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [s["id"] for s in json.loads(out)] == [2, 1]
    assert "is damaged" in err
    assert "showing the 2 sessions that could be read from it" in err
    assert path.read_bytes() == bytes(data)  # left as it was


def test_history_shows_a_killed_session_as_interrupted(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    spoil(data_dir, "UPDATE sessions SET status = 'running', ended_at = NULL WHERE id = 2")
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "interrupted"


def test_history_of_a_log_that_cannot_be_read_at_all(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "sessions.db").write_text("not a log\n" * 100)
    assert main(["history", "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == []
    assert "nothing in it could be read" in err
