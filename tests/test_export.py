"""The history export streams, and prints exactly what it printed before it did.

tests/data/export/ holds what ``stretch-timer history`` printed for the log of
tests/export_log.py before the export streamed (main at 1f92efe): stdout, and the exit code with
stderr. The streaming export must print the same bytes, at any page size.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app import storage
from desktop_app.cli import main
from desktop_app.storage import (
    EventRecord,
    HoldRecord,
    LoggedSession,
    SessionDetail,
    SessionStore,
    StorageError,
    open_store,
    open_store_readonly,
)
from desktop_app.storage.export import session_data, session_json
from desktop_app.storage.rows import RowReader
from tests.export_log import build

GOLDEN = Path(__file__).resolve().parent / "data" / "export"
CASES = {
    "all.json": ["--json"],
    "all.csv": ["--csv"],
    "all.txt": [],
    "since.json": ["--json", "--since", "2026-03-10"],
    "since.csv": ["--csv", "--since", "2026-03-10"],
    "since.txt": ["--since", "2026-03-10"],
    "none.json": ["--json", "--since", "2027-01-01"],
    "none.csv": ["--csv", "--since", "2027-01-01"],
}


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_history_prints_what_it_printed_before_it_streamed(
    name: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(data_dir)
    code = main(["history", *CASES[name]])
    out, err = capsys.readouterr()
    assert out == golden(name)
    assert f"exit {code}\n{err}" == golden(f"{name}.stderr")


def readonly_store(data_dir: Path) -> SessionStore:
    store, messages = open_store_readonly(data_dir)
    assert store is not None, messages
    return store


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 39, 40, 41, 500])
def test_every_page_size_writes_the_same_bytes(page_size: int, data_dir: Path) -> None:
    build(data_dir)
    store = readonly_store(data_dir)
    try:
        for since, name in ((None, "all"), (date(2026, 3, 10), "since")):
            out = io.StringIO()
            storage.write_history_json(store, since, out, page_size=page_size)
            assert out.getvalue() + "\n" == golden(f"{name}.json")
            out = io.StringIO()
            storage.write_history_csv(store, since, out, page_size=page_size)
            assert out.getvalue() == golden(f"{name}.csv")
        assert len(store.unreadable()) == 5
    finally:
        store.close()


def test_history_json_in_memory_is_the_same_data(data_dir: Path) -> None:
    build(data_dir)
    store = readonly_store(data_dir)
    try:
        assert storage.history_json(store) == json.loads(golden("all.json"))
    finally:
        store.close()


def test_damage_met_on_the_way_goes_on_from_the_same_place(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(data_dir)
    store = readonly_store(data_dir)
    real = SessionStore.session_rows
    calls = {"n": 0}

    def damaged(self: SessionStore, *args: Any, **kwargs: Any) -> list[Any]:
        calls["n"] += 1
        if self is store and calls["n"] == 4:
            raise StorageError("damaged", "corrupt")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SessionStore, "session_rows", damaged)
    replacements: list[SessionStore] = []

    def salvage(old: SessionStore) -> SessionStore:
        assert old is store
        old.close()
        new, _ = storage.open_salvaged(data_dir / "sessions.db")
        replacements.append(new)
        return new

    out = io.StringIO()
    written = storage.write_history_json(store, None, out, page_size=5, on_damage=salvage)
    assert len(replacements) == 1
    replacements[0].close()
    assert out.getvalue() + "\n" == golden("all.json")
    assert written == len(json.loads(golden("all.json")))


def test_damage_without_a_way_on_is_a_storage_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(data_dir)
    store = readonly_store(data_dir)

    def damaged(self: SessionStore, *args: Any, **kwargs: Any) -> list[Any]:
        raise StorageError("damaged", "corrupt")

    monkeypatch.setattr(SessionStore, "session_rows", damaged)
    with pytest.raises(StorageError):
        storage.write_history_csv(store, None, io.StringIO())
    store.close()


# -- the JSON writer against json.dumps ------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.astimezone(timezone(timedelta(minutes=90))))
seconds = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
holds = st.builds(
    HoldRecord,
    texts,
    texts,
    st.sampled_from([None, "left", "right"]),
    st.integers(1, 10**12),
    st.integers(0, 10**9),
    seconds,
    st.sampled_from(["completed", "skipped", "stopped"]),
)
events = st.builds(
    EventRecord,
    st.sampled_from(["symptom", "pause", "resume"]),
    moments,
    st.none() | texts,
    st.none() | texts,
)
sessions = st.builds(
    LoggedSession,
    st.integers(-(2**63), 2**63 - 1),
    texts,
    texts,
    moments,
    st.none() | moments,
    st.sampled_from(["running", "completed", "stopped", "interrupted"]),
    st.integers(0, 10**9),
    seconds,
    st.none() | texts,
    st.none() | st.integers(1, 5),
    st.lists(texts, max_size=3).map(tuple),
)
details = st.builds(
    SessionDetail,
    sessions,
    st.lists(holds, max_size=4).map(tuple),
    st.lists(events, max_size=3).map(tuple),
)


@settings(max_examples=300)
@given(st.lists(details, max_size=4))
def test_session_json_is_json_dumps_indented(page: list[SessionDetail]) -> None:
    expected = json.dumps([session_data(d) for d in page], indent=2, ensure_ascii=False)
    written = "[\n" + ",\n".join(map(session_json, page)) + "\n]" if page else "[]"
    assert written == expected


def test_negative_zero_is_written_as_json_dumps_writes_it() -> None:
    detail = SessionDetail(
        LoggedSession(
            1, "r", "R", datetime(2026, 1, 1, tzinfo=UTC), None, "completed", 0, 0.0, None, None, ()
        ),
        (
            HoldRecord("a", "A", None, 1, 30, 0.0, "completed"),
            HoldRecord("a", "A", None, 1, 30, -0.0, "completed"),
        ),
        (),
    )
    assert session_json(detail) == session_json(detail)
    expected = json.dumps([session_data(detail)], indent=2, ensure_ascii=False)
    assert "[\n" + session_json(detail) + "\n]" == expected


# -- a large log ---------------------------------------------------------------------------------

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_export.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_export", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("large")
    load_bench().generate(data_dir, 20_000, today=date(2026, 11, 20))
    return data_dir


def counts(data_dir: Path, since: str) -> tuple[int, int, int, int]:
    """Sessions on or after ``since`` (all for ""), their holds, their events, and how many of
    them have no hold."""
    chosen = "SELECT id FROM sessions WHERE local_date >= :since"
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        found = conn.execute(
            f"SELECT (SELECT count(*) FROM ({chosen})),"
            f" (SELECT count(*) FROM holds WHERE session_id IN ({chosen})),"
            f" (SELECT count(*) FROM events WHERE session_id IN ({chosen})),"
            f" (SELECT count(*) FROM ({chosen}) s"
            "   WHERE NOT EXISTS (SELECT 1 FROM holds h WHERE h.session_id = s.id))",
            {"since": since},
        ).fetchone()
    conn.close()
    return found[0], found[1], found[2], found[3]


@pytest.mark.parametrize("since", ["", "2026-01-01"])
def test_a_large_log_exports_every_session_hold_and_event(
    large_log: Path, since: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STRETCH_TIMER_DATA_DIR", str(large_log))
    sessions, hold_count, event_count, without_holds = counts(large_log, since)
    assert sessions > (1000 if since else 19_999)
    extra = ["--since", since] if since else []

    assert main(["history", "--json", *extra]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == sessions
    assert len({s["id"] for s in data}) == sessions
    assert sum(len(s["holds"]) for s in data) == hold_count
    assert sum(len(s["events"]) for s in data) == event_count
    starts = [(s["started_at"], s["id"]) for s in data]
    assert [datetime.fromisoformat(t) for t, _ in starts] == sorted(
        (datetime.fromisoformat(t) for t, _ in starts), reverse=True
    )

    assert main(["history", "--csv", *extra]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + hold_count + without_holds
    assert len({line.split(",", 1)[0] for line in lines[1:]}) == sessions


def test_a_start_time_that_is_not_utf8_at_a_page_end_does_not_repeat_pages(
    data_dir: Path,
) -> None:
    store, _ = open_store(data_dir)
    assert store is not None
    for n in range(12):
        sid = store.start_session(
            routine_id="r",
            routine_name="R",
            started_at=datetime(2026, 1, 1 + n, 8, tzinfo=UTC),
            planned_seconds=30,
        )
        store.finish_session(sid, status="completed", ended_at=datetime(2026, 1, 1 + n, 9))
    store.close()
    with sqlite3.connect(data_dir / "sessions.db") as conn:
        # \x80 reads back as U+FFFD, whose bytes sort after it: a key taken from the decoded
        # text would fetch this row's page again, for ever.
        conn.execute(
            "UPDATE sessions SET started_at = CAST(x'323032362d30312d3036543038' || x'80' AS TEXT)"
            " WHERE id = 6"
        )
    conn.close()
    store = readonly_store(data_dir)
    try:
        pages = list(storage.session_pages(store, page_size=1))
        ids = [d.session.id for page in pages for d in page]
        assert ids == [12, 11, 10, 9, 8, 7, 5, 4, 3, 2, 1]
        assert store.unreadable() == [
            "Session 6 is left out: its start time ('2026-01-06T08�') is not a date and time."
        ]
    finally:
        store.close()


def test_sessions_logged_out_of_time_order_export_each_with_its_own_holds(
    data_dir: Path,
) -> None:
    """Ids that do not follow start times (a log put together from several): a page's holds
    and events are looked up by id, and each session gets its own."""
    store, _ = open_store(data_dir)
    assert store is not None
    order = [7, 2, 11, 0, 5, 9, 1, 12, 3, 8, 4, 10, 6]
    for n in order:
        start = datetime(2026, 2, 1, 7, tzinfo=UTC) + timedelta(hours=9 * n)
        sid = store.start_session(
            routine_id=f"r{n}", routine_name=f"R {n}", started_at=start, planned_seconds=60
        )
        for rep in range(1 + n % 3):
            store.add_hold(
                sid,
                stretch_id=f"s{n}",
                stretch_name=f"S {n}",
                side=None,
                rep=rep + 1,
                planned_seconds=30,
                held_seconds=10.0 + n,
                outcome="completed",
            )
        if n % 4 == 0:
            store.add_event(sid, kind="symptom", at=start, stretch_id=f"s{n}", symptom="pain")
        store.finish_session(sid, status="completed", ended_at=start + timedelta(minutes=2))
    # One for reference, read session by session.
    newest_first = sorted(
        (store.session_detail(sid) for sid in range(1, len(order) + 1)),
        key=lambda d: (d.session.started_at if d else 0, d.session.id if d else 0),
        reverse=True,
    )
    expected = json.dumps(
        [session_data(d) for d in newest_first if d is not None], indent=2, ensure_ascii=False
    )
    store.close()
    store = readonly_store(data_dir)
    try:
        for page_size in (2, 3, 5, 13):
            out = io.StringIO()
            storage.write_history_json(store, None, out, page_size=page_size)
            assert out.getvalue() == expected
    finally:
        store.close()
    data = json.loads(expected)
    assert [s["routine_id"] for s in data] == [f"r{n}" for n in range(12, -1, -1)]
    assert all(
        h["stretch_id"] == s["routine_id"].replace("r", "s") for s in data for h in s["holds"]
    )


def test_holds_read_once_are_the_same_holds_and_odd_values_still_are_looked_at() -> None:
    reader = RowReader()
    good = ("a", "A", "left", 1, 30, 30.0, "completed")
    rows = [
        (1, 1, *good),
        (1, 2, *good),  # the same values: the same record
        (2, 3, "a", "A", "left", 1, 30, 0.0, "completed"),
        (2, 4, "a", "A", "left", 1, 30, -0.0, "completed"),  # equals 0.0, prints otherwise
        (3, 5, "a", b"A", "left", 1, 30, 30.0, "completed"),  # not text
        (3, 6, "a", "A", "left", 1.0, 30, 30, "completed"),  # integral values are read as such
    ]
    found = reader.holds_by_session(rows)
    assert found[1][0] is found[1][1]
    assert [repr(h.held_seconds) for h in found[2]] == ["0.0", "-0.0"]
    assert found[3] == [HoldRecord("a", "A", "left", 1, 30, 30.0, "completed")]
    assert type(found[3][0].rep) is int
    assert type(found[3][0].held_seconds) is float
    assert reader.unreadable() == [
        "A hold of session 3 is left out: its stretch name (b'A') is not text."
    ]
