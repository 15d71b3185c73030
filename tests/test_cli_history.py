"""`stretch-timer history`: the JSON contract, the CSV export and the plain text."""

from __future__ import annotations

import csv
import io
import json
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
    with pytest.raises(SystemExit) as info:
        main(["history", "--since", "yesterday"])
    assert info.value.code == 2
    assert "is not a date like 2026-01-31" in capsys.readouterr().err
