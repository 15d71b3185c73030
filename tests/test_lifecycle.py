"""The fault log and the data folder checks, in fresh processes where the process state changes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app.lifecycle import FAULT_LOG_NAME, exit_code_for
from desktop_app.paths import data_dir_problem
from tests.conftest import REPO

CRASH = textwrap.dedent(
    """\
    import faulthandler, sys
    from pathlib import Path
    from desktop_app.lifecycle import enable_faulthandler
    data = Path(sys.argv[1]) if sys.argv[1] != "-" else None
    print(enable_faulthandler(data), flush=True)
    faulthandler._sigsegv()
    """
)


def crash(data: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CRASH, data],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_fatal_error_is_dumped_to_the_fault_log_in_the_data_dir(tmp_path: Path) -> None:
    log = tmp_path / FAULT_LOG_NAME
    log.write_text("an earlier run\n", encoding="utf-8")
    result = crash(str(tmp_path))
    assert result.returncode != 0
    assert result.stdout.strip() == str(log)
    text = log.read_text(encoding="utf-8")
    assert text.startswith("an earlier run\n")  # appended, not replaced
    assert "Fatal Python error: Segmentation fault" in text
    assert "Fatal Python error" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "folder", "no data dir", "dir under a file"])
def test_without_a_usable_fault_log_it_goes_to_stderr_and_never_blocks(
    tmp_path: Path, kind: str
) -> None:
    data = str(tmp_path)
    if kind == "fifo":
        os.mkfifo(tmp_path / FAULT_LOG_NAME)
    elif kind == "folder":
        (tmp_path / FAULT_LOG_NAME).mkdir()
    elif kind == "no data dir":
        data = "-"
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        data = str(tmp_path / "file" / "data")
    result = crash(data)
    assert result.stdout.strip() == "None"
    assert "Fatal Python error: Segmentation fault" in result.stderr


def test_exit_codes_after_a_signal_follow_the_shell() -> None:
    assert exit_code_for(15) == 143
    assert exit_code_for(2) == 130


def test_data_dir_problems_in_plain_words(tmp_path: Path) -> None:
    assert data_dir_problem(tmp_path / "new" / "data") is None
    assert (tmp_path / "new" / "data").is_dir()
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert data_dir_problem(blocker) == "it is a file, not a folder"
    assert data_dir_problem(blocker / "data") == "part of its path is a file, not a folder"
    # Without creating: a folder that could be made is fine, and nothing is made.
    assert data_dir_problem(tmp_path / "later" / "data", create=False) is None
    assert not (tmp_path / "later").exists()
    assert data_dir_problem(blocker, create=False) == "it is a file, not a folder"
    assert data_dir_problem(blocker / "a" / "b", create=False) == (
        f"{blocker} is a file, not a folder"
    )


def test_lifecycle_imports_no_qt() -> None:
    code = (
        "import sys, desktop_app.lifecycle as m; m.SignalCatcher().install();"
        "assert 'PySide6' not in sys.modules, 'Qt was imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=30)
