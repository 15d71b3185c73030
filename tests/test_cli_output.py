"""The command line's own failures are sentences, never crash reports.

Odd data folders, and output that cannot be written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def run(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    env.pop("STRETCH_TIMER_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        cwd=REPO,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", [["list"], ["history"]])
def test_a_tilde_naming_no_user_is_a_clear_error(command: list[str]) -> None:
    result = run(*command, "--data-dir", "~nosuchuser-stretch/x")
    assert result.returncode == 2
    assert "names no user" in result.stderr
    assert "something went wrong" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["list"], ["list", "--json"]])
def test_a_full_disk_for_the_output_says_so(command: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = run(*command, "--data-dir", str(tmp_path), stdout=full.fileno())
    assert result.returncode == 1
    assert "cannot write the output: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_stdout_is_an_error_not_silence(tmp_path: Path) -> None:
    code = (
        "import os, sys; os.close(1); sys.stdout = None; "
        "from desktop_app.cli import main; "
        f"sys.exit(main(['list', '--data-dir', {str(tmp_path)!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "standard output is closed" in result.stderr


def test_ctrl_c_while_importing_ends_with_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from desktop_app import __main__ as entry

    real_import = builtins.__import__

    def interrupted(name: str, *args: object, **kwargs: object) -> object:
        if name == "desktop_app.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", interrupted)
    assert entry.run() == 130
