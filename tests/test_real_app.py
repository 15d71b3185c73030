"""The real app in a subprocess: killed mid-session it loses no hold; run to the end it exits 0."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from tests.conftest import REPO

ROUTINE = textwrap.dedent(
    """\
    format: 1
    defaults: {prepare: 0, rest: 0}
    stretches:
      kill-test-stretch:
        name: Kill test stretch
        instructions: [Hold still]
    routines:
      - id: kill-test
        name: Kill test
        steps:
          - {stretch: kill-test-stretch, hold: 1s, reps: 60}
    """
)


def holds_logged(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM holds").fetchone()[0])
    except sqlite3.Error:
        return 0


def wait_for(condition: object, timeout: float) -> bool:
    """Polls ``condition`` until it is true or ``timeout`` seconds pass (no fixed sleep)."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.05)
    return bool(condition())


def test_sigkill_mid_session_keeps_every_finished_hold(tmp_path: Path) -> None:
    data = tmp_path / "data"
    routines = tmp_path / "kill.yaml"
    routines.write_text(ROUTINE, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("STRETCH_TIMER_DATA_DIR", None)
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--data-dir",
            str(data),
            "--routines",
            str(routines),
            "--routine",
            "kill-test",
            "--start",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = data / "sessions.db"
    try:
        assert wait_for(lambda: holds_logged(db) >= 3, timeout=60), "no holds were logged"
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == -signal.SIGKILL
    assert app.stderr is not None
    app.stderr.close()
    logged = holds_logged(db)
    assert logged >= 3

    # Killed: the session is still marked running; opening the log (as the app does at start)
    # makes it interrupted.
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM sessions").fetchall() == [("running",)]
    from desktop_app.storage import open_store

    store, messages = open_store(data)
    assert store is not None, messages
    store.close()
    history = subprocess.run(
        [sys.executable, "-m", "desktop_app", "history", "--json", "--data-dir", str(data)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    (session,) = json.loads(history.stdout)
    assert session["status"] == "interrupted"
    assert session["routine_id"] == "kill-test"
    assert len(session["holds"]) == logged
    assert [h["rep"] for h in session["holds"]] == list(range(1, logged + 1))
    assert {h["outcome"] for h in session["holds"]} == {"completed"}
    assert all(h["held_seconds"] >= 0.9 for h in session["holds"])


def test_exit_when_done_ends_by_itself_with_exit_code_0(tmp_path: Path) -> None:
    data = tmp_path / "data"
    routines = tmp_path / "short.yaml"
    routines.write_text(
        ROUTINE.replace("reps: 60", "reps: 2").replace("id: kill-test", "id: short"),
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("STRETCH_TIMER_DATA_DIR", None)
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--data-dir",
            str(data),
            "--routines",
            str(routines),
            "--routine",
            "short",
            "--start",
            "--exit-when-done",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started >= 2  # it ran the two 1 s holds, not less
    with sqlite3.connect(data / "sessions.db") as conn:
        assert conn.execute("SELECT routine_id, status FROM sessions").fetchall() == [
            ("short", "completed")
        ]
        assert conn.execute("SELECT count(*) FROM holds").fetchone() == (2,)
