"""The real app in a subprocess: signals end a session cleanly; bad settings or data folders run.

A session of two stretches: a 1 s hold, then a 60 s one. Once the first hold is in the log the
second is running, and a signal then must leave the session "stopped" with that hold's time.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_real_app import holds_logged, wait_for

ROUTINE = textwrap.dedent(
    """\
    format: 1
    defaults: {prepare: 0, rest: 0}
    stretches:
      signal-stretch:
        name: Signal test stretch
        instructions: [Hold still]
    routines:
      - id: signal-test
        name: Signal test
        steps:
          - {stretch: signal-stretch, hold: 1s}
          - {stretch: signal-stretch, hold: 60s}
      - id: short
        name: Short
        steps:
          - {stretch: signal-stretch, hold: 1s}
    """
)
PROMPT = 10.0
"""Seconds within which the app must have exited after a signal."""
HELD_BEFORE_SIGNAL = 1.0


def routines_file(tmp_path: Path) -> Path:
    path = tmp_path / "signal.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return path


def launch(tmp_path: Path, data: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("STRETCH_TIMER_DATA_DIR", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--data-dir",
            str(data),
            "--routines",
            str(routines_file(tmp_path)),
            *args,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(app: subprocess.Popen[str], timeout: float = PROMPT) -> str:
    """Waits for the app to exit (killing it if it does not); returns its stderr."""
    try:
        _out, err = app.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        app.kill()
        app.communicate()
        pytest.fail(f"the app did not exit within {timeout} s")
    return err


def start_and_reach_second_hold(tmp_path: Path, data: Path, *args: str) -> subprocess.Popen[str]:
    app = launch(tmp_path, data, "--routine", "signal-test", "--start", *args)
    db = data / "sessions.db"
    if not wait_for(lambda: holds_logged(db) >= 1 or app.poll() is not None, timeout=60):
        app.kill()
        app.communicate()
        pytest.fail("the first hold was never logged")
    assert app.poll() is None, app.communicate()[1]
    # The second hold has started; let it run a measurable while.
    seen = time.monotonic()
    wait_for(lambda: time.monotonic() - seen >= HELD_BEFORE_SIGNAL, timeout=5)
    return app


def logged(data: Path) -> tuple[list[tuple[str, str]], list[tuple[str, float]]]:
    with sqlite3.connect(data / "sessions.db") as conn:
        sessions = conn.execute("SELECT routine_id, status FROM sessions").fetchall()
        holds = conn.execute(
            "SELECT outcome, held_seconds FROM holds ORDER BY hold_index"
        ).fetchall()
    return sessions, holds


def assert_stopped_in_second_hold(data: Path) -> None:
    sessions, holds = logged(data)
    assert sessions == [("signal-test", "stopped")]
    assert [outcome for outcome, _ in holds] == ["completed", "stopped"]
    held = holds[1][1]
    assert HELD_BEFORE_SIGNAL - 0.1 <= held < 60


@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_mid_hold_saves_the_session_as_stopped_and_exits(
    tmp_path: Path, signo: signal.Signals
) -> None:
    data = tmp_path / "data"
    app = start_and_reach_second_hold(tmp_path, data)
    sent = time.monotonic()
    app.send_signal(signo)
    err = finish(app)
    assert time.monotonic() - sent < PROMPT
    assert app.returncode == 128 + signo, err
    assert "Traceback" not in err
    assert f"{signo.name} received" in err
    assert_stopped_in_second_hold(data)
    # The window closed the normal way: its settings were written.
    assert "geometry" in (data / "settings.ini").read_text(encoding="latin-1")


@pytest.mark.parametrize("run", range(5))
def test_sigint_under_exit_when_done_never_hangs(tmp_path: Path, run: int) -> None:
    data = tmp_path / f"data-{run}"
    app = start_and_reach_second_hold(tmp_path, data, "--exit-when-done")
    app.send_signal(signal.SIGINT)
    err = finish(app)
    assert app.returncode == 130, err
    assert "Traceback" not in err
    assert_stopped_in_second_hold(data)


def test_a_second_signal_while_ending_leaves_no_session_running(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = start_and_reach_second_hold(tmp_path, data, "--exit-when-done")
    app.send_signal(signal.SIGTERM)
    app.send_signal(signal.SIGINT)
    err = finish(app)
    assert app.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert_stopped_in_second_hold(data)


def test_a_signal_with_no_session_quits_and_saves_the_settings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = launch(tmp_path, data, "--routine", "short")
    # The session log is opened just after the window's first paint.
    assert wait_for(lambda: (data / "sessions.db").exists() or app.poll() is not None, 60)
    assert app.poll() is None, app.communicate()[1]
    app.send_signal(signal.SIGTERM)
    err = finish(app)
    assert app.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    settings = (data / "settings.ini").read_text(encoding="latin-1")
    assert "geometry" in settings
    assert logged(data) == ([], [])


def run_short(tmp_path: Path, data: Path) -> subprocess.CompletedProcess[str]:
    app = launch(tmp_path, data, "--routine", "short", "--start", "--exit-when-done")
    err = finish(app, timeout=60)
    return subprocess.CompletedProcess(app.args, app.returncode, "", err)


def test_settings_ini_as_a_fifo_does_not_hang_the_app(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.mkfifo(data / "settings.ini")
    result = run_short(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert "settings.ini not used: it is not a regular file" in result.stderr
    assert (data / "settings.ini").is_fifo()
    assert logged(data) == ([("short", "completed")], [("completed", 1.0)])


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file"])
def test_an_unusable_data_dir_runs_the_session_unsaved(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    data = blocker / "data" if where == "under-a-file" else blocker
    result = run_short(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert f"cannot use {data} as the data directory" in result.stderr
    assert "nothing will be saved" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"
