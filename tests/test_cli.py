"""The command line contract: list, validate, --version and the window's options."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.cli import main
from tests.conftest import BUNDLED, REPO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"stretch-timer {__version__}"


def test_list_json_gives_id_name_steps_and_planned_seconds(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {row["id"]: row for row in rows}
    assert {"hamstring-basics", "desk-break"} <= set(by_id)
    assert "quick-check" not in by_id  # the demo routine needs --demo
    for row in rows:
        assert {"id", "name", "steps", "planned_seconds"} <= set(row)
        assert isinstance(row["planned_seconds"], int)
    # 5 + 25 + 5 + 25 seated, then 10 + 25 + 10 + 25 to stand up and face the wall.
    assert by_id["desk-break"]["planned_seconds"] == 130


def test_list_text(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "hamstring-basics" in out
    assert "130 s  (2 min 10 s)" in out
    assert "300 s  (5 min)" in out  # office-five-minutes


def test_list_takes_user_files_from_the_data_dir_and_from_routines(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = data_dir / "routines"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        textwrap.dedent(
            """\
            format: 1
            routines:
              - id: from-data-dir
                name: From the data dir
                steps: [{stretch: wall-calf, hold: 30s}]
            """
        ),
        encoding="utf-8",
    )
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "format: 1\nroutines:\n"
        "  - {id: extra, name: Extra, steps: [{stretch: wall-calf, hold: 1m}]}\n",
        encoding="utf-8",
    )
    assert main(["list", "--json", "--routines", str(extra)]) == 0
    ids = [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert ids[-2:] == ["from-data-dir", "extra"]


def test_list_reports_broken_files_on_stderr_and_still_lists(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nstretches: [\n", encoding="utf-8")
    assert main(["list", "--routines", str(broken)]) == 0
    captured = capsys.readouterr()
    assert f"{broken}:3:1: YAML syntax error" in captured.err
    assert "hamstring-basics" in captured.out


def test_validate_ok_counts_and_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "format: 1\nroutines:\n"
        "  - {id: mine, name: Mine, steps: [{stretch: wall-calf, hold: 30}]}\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: 1\nroutines:\n  - {id: bad, name: Bad, steps: [{stretch: wall-calf, hodl: 30}]}\n",
        encoding="utf-8",
    )
    result = run("validate", str(good))
    assert (result.returncode, result.stdout) == (0, f"OK {good} (0 stretches, 1 routines)\n")

    result = run("validate", str(good), str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"OK {good} (0 stretches, 1 routines)"
    assert (
        f"{bad}:3:55: unknown key 'hodl' in step 1 of routine 'bad' (did you mean 'hold'?)" in lines
    )
    assert "Traceback" not in result.stderr


def test_validate_the_bundled_file_is_not_loaded_twice() -> None:
    result = run("validate", str(BUNDLED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK {BUNDLED} (")


def test_validate_misuse_exits_2(tmp_path: Path) -> None:
    assert run("validate").returncode == 2
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_an_unknown_routine_id_is_refused_before_any_window(data_dir: Path) -> None:
    result = run("--routine", "no-such-routine", "--start")
    assert result.returncode == 2
    assert "unknown routine 'no-such-routine'" in result.stderr
    assert "Traceback" not in result.stderr


def test_history_with_an_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    # The window runs unsaved instead (tests/test_real_app_signals.py).
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for data in (blocker, blocker / "data"):
        result = run("history", "--data-dir", str(data))
        assert result.returncode == 2
        assert f"cannot use {data} as the data directory" in result.stderr
        assert "a file, not a folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_an_unexpected_error_is_a_short_message_and_a_saved_report(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop_app.cli as cli

    def broken(_args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "cmd_list", broken)
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    report = Path(err.split("The details are in ")[1].split(";")[0])
    try:
        assert "RuntimeError: a bug" in report.read_text(encoding="utf-8")
    finally:
        report.unlink()


def test_validate_accepts_stop_on_and_locates_an_unknown_symptom_in_it(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "format: 1\nroutines:\n"
        "  - id: mine\n    name: Mine\n    stop_on: [tingling]\n"
        "    steps: [{stretch: wall-calf, hold: 30}]\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: 1\nroutines:\n"
        "  - id: bad\n    name: Bad\n    stop_on: [heelpain]\n"
        "    steps: [{stretch: wall-calf, hold: 30}]\n",
        encoding="utf-8",
    )
    result = run("validate", str(good), str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"OK {good} (0 stretches, 1 routines)",
        f"{bad}:5:15: routine 'bad' stops on unknown symptom 'heelpain' "
        "(did you mean 'heel-pain'?)",
    ]
