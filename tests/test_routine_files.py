"""Bad routine files, one kind at a time: each a located, plain message, never a crash or a hang."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app import safe_read
from desktop_app.cli import main
from desktop_app.routines import (
    MAX_FILE_BYTES,
    RoutineError,
    RoutineFileError,
    find_routine_files,
    is_usable_key,
    load_library,
    load_routines,
    parse_duration,
    parse_routines,
    read_routine_file,
)
from tests.conftest import BUNDLED, REPO

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_non_root = pytest.mark.skipif(ROOT, reason="root may read any file")

GOOD = "format: 1\nroutines:\n  - {id: mine, name: Mine, steps: [{stretch: wall-calf, hold: 30}]}\n"


def routine_with(hold: str) -> str:
    return textwrap.dedent(
        f"""\
        format: 1
        routines:
          - id: mine
            name: Mine
            steps:
              - stretch: wall-calf
                hold: {hold}
        """
    )


def finishes(func: Callable[[], Any], seconds: float = 5.0) -> Any:
    """Runs ``func`` in a thread; fails the test (instead of hanging it) past ``seconds``."""
    outcome: list[Any] = []
    thread = threading.Thread(target=lambda: outcome.append(func()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "it hung"
    assert outcome, "it raised"
    return outcome[0]


def only_error(path: Path) -> RoutineError:
    result = finishes(lambda: load_library([path]))
    (report,) = result.reports
    (error,) = report.errors
    return error


def run_cli(*args: str, data: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if data is not None:
        env["STRETCH_TIMER_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=20,
        check=False,
    )


# --------------------------------------------------------------------------- what a path is


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    error = only_error(fifo)
    assert (error.line, error.column) == (1, 1)
    assert error.message == "cannot read the file: it is a named pipe (FIFO), not a file"


def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert only_error(link).message == "cannot read the file: it is a device, not a file"


def test_a_folder_and_a_socket_are_not_files(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert only_error(folder).message == "cannot read the file: it is a folder, not a file"
    if not hasattr(socket, "AF_UNIX"):
        return
    sock_path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert only_error(sock_path).message == "cannot read the file: it is a socket, not a file"


def test_a_symlink_loop_says_so(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop.name)
    assert "loop of symbolic links" in only_error(loop).message


def test_a_link_to_nothing_names_its_target(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to("moved-away.yaml")
    assert only_error(link).message == (
        "cannot read the file: it is a link to 'moved-away.yaml', which does not exist"
    )


def test_a_missing_file(tmp_path: Path) -> None:
    assert only_error(tmp_path / "nope.yaml").message == "cannot read the file: no such file"


def test_never_more_than_the_limit_plus_one_byte_whatever_the_size_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (3 * MAX_FILE_BYTES) + b"\n")
    real_fstat, real_read = os.fstat, os.read
    read_total = 0

    def fstat_says_empty(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((*info[:6], 0, *info[7:]))  # st_size 0, like /proc or a device

    def counting_read(fd: int, n: int) -> bytes:
        nonlocal read_total
        data = real_read(fd, n)
        read_total += len(data)
        return data

    monkeypatch.setattr(safe_read.os, "fstat", fstat_says_empty)
    monkeypatch.setattr(safe_read.os, "read", counting_read)
    error = only_error(big)
    assert error.message == "the file is larger than 1 MiB; the limit is 1 MiB"
    assert read_total == MAX_FILE_BYTES + 1


def test_a_file_over_the_limit_names_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (2 * 1024 * 1024))
    assert only_error(big).message == "the file is 2,097,152 bytes; the limit is 1 MiB"


# --------------------------------------------------------------------------- permissions


def refuse_to_list(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Listing ``folder`` fails as it does for a user without read permission on it."""
    real_scandir = os.scandir

    def refused(path: Any = ".") -> Any:
        if Path(path) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(safe_read.os, "scandir", refused)


def test_a_file_one_may_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD, encoding="utf-8")
    real_open = os.open

    def refused(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(name) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(safe_read.os, "open", refused)
    result = load_library([BUNDLED, path])
    assert result.reports[0].ok
    (error,) = result.errors[str(path)]
    assert str(error) == (
        f"{path}:1:1: cannot read the file: permission denied: you may not read this file"
    )


@needs_non_root
def test_a_file_one_may_not_read_for_real(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    try:
        assert "permission denied" in only_error(path).message
    finally:
        path.chmod(0o600)


def test_a_routines_folder_one_may_not_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "mine.yaml").write_text(GOOD, encoding="utf-8")
    refuse_to_list(monkeypatch, folder)
    result = finishes(lambda: load_routines(BUNDLED, folder, []))
    assert result.library.routines, "the bundled routines still load"
    (error,) = result.errors[str(folder)]
    assert str(error).startswith(f"{folder}: cannot list the folder: permission denied")


@needs_non_root
def test_a_routines_folder_one_may_not_list_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "routines"
    folder.mkdir()
    folder.chmod(0)
    try:
        result = load_routines(BUNDLED, folder, [])
        assert "permission denied" in str(result.errors[str(folder)][0])
        assert result.library.routines
    finally:
        folder.chmod(0o700)


# --------------------------------------------------------------------------- one file, many names


def test_the_same_file_under_several_names_is_loaded_once(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.yaml"
    link.symlink_to(path.name)
    names = [path, tmp_path / "sub" / ".." / "x.yaml", link, path]
    result = load_library([BUNDLED, *names])
    assert len(result.reports) == 2
    assert all(result.report_for(name) is result.reports[1] for name in names)
    assert [r.id for r in result.library.routines].count("mine") == 1


def test_validate_gives_each_name_its_own_line_without_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.yaml"
    link.symlink_to(path.name)
    dotted = tmp_path / "sub" / ".." / "x.yaml"
    result = run_cli("validate", str(path), str(dotted), str(link), str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"OK {name} (0 stretches, 1 routines)" for name in (path, dotted, link)
    ]


def test_validate_names_the_errors_of_a_second_name_with_that_name(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(routine_with("~"), encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(path.name)
    result = run_cli("validate", str(path), str(link))
    assert result.returncode == 1
    message = "hold in step 1 of routine 'mine' is empty: give a duration such as 30s"
    assert result.stdout.splitlines() == [f"{path}:7:15: {message}", f"{link}:7:15: {message}"]


# --------------------------------------------------------------------------- folders


def test_folder_entries_are_all_reported_and_hidden_ones_skipped(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a.yml").mkdir()
    (tmp_path / ".#b.yaml").symlink_to("someone@host.1234")  # an editor's lock link
    (tmp_path / "notes.txt").write_text("not a routine file", encoding="utf-8")
    found = find_routine_files([tmp_path])
    assert found.files == (tmp_path / "a.yml", tmp_path / "b.yaml")
    assert found.problems == ()
    result = load_library(list(found.files))
    assert "it is a folder, not a file" in result.errors[str(tmp_path / "a.yml")][0].message


def test_a_folder_with_no_routine_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("hi", encoding="utf-8")
    result = run_cli("validate", str(empty))
    assert result.returncode == 1
    assert result.stdout == f"{empty}: the folder has no routine files (*.yaml or *.yml)\n"


def test_list_with_a_missing_routines_path_is_misuse(tmp_path: Path) -> None:
    result = run_cli("list", "--routines", str(tmp_path / "nope.yaml"), data=tmp_path)
    assert result.returncode == 2
    missing = tmp_path / "nope.yaml"
    assert result.stderr == f"stretch-timer list: {missing}: no such file or folder\n"
    assert result.stdout == ""


def test_list_with_an_empty_routines_folder_says_so_and_lists(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["list", "--routines", str(empty)]) == 0
    captured = capsys.readouterr()
    assert f"{empty}: the folder has no routine files" in captured.err
    assert "hamstring-basics" in captured.out


def test_a_routines_path_in_the_data_dir_that_is_a_file(data_dir: Path) -> None:
    (data_dir / "routines").write_text(GOOD, encoding="utf-8")
    result = load_routines(BUNDLED, data_dir / "routines", [])
    (error,) = result.errors[str(data_dir / "routines")]
    assert error.message == "it is not a folder, so no routine files are read from it"
    assert [r.id for r in result.library.routines if r.id == "mine"] == []


def test_a_file_name_that_is_not_utf8_is_printed_escaped(tmp_path: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("needs a file system that takes any bytes in names")
    name = os.fsencode(tmp_path) + b"/bad-\xff.yaml"
    with open(name, "wb") as handle:
        handle.write(routine_with("~").encode())
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "validate", os.fsencode(tmp_path)],
        capture_output=True,
        cwd=REPO,
        timeout=20,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert b"bad-\\udcff.yaml:7:15: hold in step 1 of routine 'mine' is empty" in result.stdout
    assert b"Traceback" not in result.stderr


# --------------------------------------------------------------------------- contents


def errors_of(text: str) -> list[RoutineError]:
    with pytest.raises(RoutineFileError) as info:
        parse_routines(text, "my.yaml")
    return list(info.value.errors)


@pytest.mark.parametrize("hold", ["²", "'٣٠'", "３０s", "'1²m'", "30s²"])
def test_duration_digits_are_ascii_only(hold: str) -> None:
    (error,) = errors_of(routine_with(hold))
    assert (error.line, error.column) == (7, 15)
    assert "is not a duration" in error.message


def test_unicode_digits_are_not_durations() -> None:
    for text in ("²", "٣٠", "３０", "1m³s", "𝟑𝟎"):
        assert parse_duration(text) is None, text


@pytest.mark.parametrize("digits", [4301, 5000, 100_000])
def test_a_hold_of_thousands_of_digits_is_out_of_range(digits: int) -> None:
    (quoted,) = errors_of(routine_with(f'"{"1" * digits}"'))
    assert "is out of range: '1111" in quoted.message
    assert len(quoted.message) < 200
    (plain,) = errors_of(routine_with("1" * digits))
    assert "is a number too long to use" in plain.message


def test_base_60_numbers_that_never_end_are_refused_quickly() -> None:
    (error,) = finishes(lambda: errors_of(routine_with("1:" * 200_000 + "1")), 5)
    assert "is a number too long to use" in error.message


@pytest.mark.parametrize("hold", ["", "~", "null"])
def test_an_empty_hold_is_an_error_never_a_dropped_routine(hold: str) -> None:
    (error,) = errors_of(routine_with(hold))
    assert error.line == 7
    assert error.message == "hold in step 1 of routine 'mine' is empty: give a duration such as 30s"


def test_other_empty_values_are_errors_too() -> None:
    text = textwrap.dedent(
        """\
        format:
        defaults: {prepare: ~}
        stretches:
          s: {name: S, sided: , instructions: [x]}
        routines:
          - id: r
            name: R
            steps:
              - {stretch: s, hold: 30, reps: ~, rest: }
        """
    )
    messages = [(e.line, e.message) for e in errors_of(text)]
    assert messages == [
        (1, "format is empty: write format: 1"),
        (2, "prepare is empty: give a duration such as 30s, or 0 for none"),
        (4, "sided in stretch 's' is empty: write true or false"),
        (9, "reps in step 1 of routine 'r' is empty: give a whole number such as 1"),
        (9, "rest in step 1 of routine 'r' is empty: give a duration such as 30s, or 0 for none"),
    ]


def test_a_nul_byte_is_reported_where_it_is(tmp_path: Path) -> None:
    lines = GOOD.splitlines(keepends=True)
    text = "".join(lines) + "#\n" * 4 + "# a comment with a \x00 in it\n"
    assert text.splitlines()[7].startswith("# a comment")
    path = tmp_path / "nul.yaml"
    path.write_bytes(text.encode())
    error = only_error(path)
    assert (error.line, error.column) == (8, 20)
    assert "NUL byte" in error.message


def test_a_control_character_is_located_after_other_unicode() -> None:
    (error,) = errors_of("format: 1\n# é ü 𝄞\nroutines: [\x07]\n")
    assert (error.line, error.column) == (3, 12)
    assert "control character (U+0007)" in error.message


def test_utf16_and_binary_files_are_named(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(GOOD.encode("utf-16"))
    assert only_error(utf16).message == "the file is UTF-16 text; save it as UTF-8 text"
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(bytes(range(256)) * 4)
    assert "looks like a binary file" in only_error(binary).message


@pytest.mark.parametrize(
    ("name", "kind"), [("2024-01-01", "a date"), ("=", "a special YAML value")]
)
def test_values_yaml_reads_as_something_else_say_quote_this_value(name: str, kind: str) -> None:
    text = GOOD.replace("name: Mine", f"name: {name}")
    (error,) = errors_of(text)
    assert error.message == (
        f"YAML reads '{name}' as {kind}, not as text: quote this value (\"{name}\") to use it "
        "as written"
    )
    assert parse_routines(GOOD.replace("name: Mine", f'name: "{name}"'), "ok.yaml").routines


def test_a_number_as_a_name_is_kept_as_written() -> None:
    parsed = parse_routines(GOOD.replace("name: Mine", "name: 1.10"), "ok.yaml")
    assert parsed.routines[0].name == "1.10"


def test_a_yes_as_a_name_says_quote_it() -> None:
    (error,) = errors_of(GOOD.replace("name: Mine", "name: yes"))
    assert "YAML reads 'yes' as true or false: quote this value" in error.message


@pytest.mark.parametrize("depth", [1500, 100_000])
def test_deep_nesting_is_refused_before_the_yaml_library_can_crash(depth: int) -> None:
    flow = "format: 1\nroutines: " + "[" * depth + "]" * depth + "\n"
    block = "format: 1\nroutines:\n" + "- " * depth + "x\n"
    code = (
        "import sys; from desktop_app.routines import parse_routines, RoutineFileError\n"
        "try:\n    parse_routines(sys.stdin.read(), 'deep.yaml')\n"
        "except RoutineFileError as exc:\n    print(exc)\n"
    )
    for text, where in ((flow, "deep.yaml:2:1010"), (block, "deep.yaml:3:1999")):
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=text,
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=20,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-500:]
        assert done.stdout.startswith(f"{where}: the file is nested more than 1000 levels deep")


def test_nesting_within_the_limit_still_reads() -> None:
    text = GOOD.replace("hold: 30", "hold: 30, x: " + "[" * 400 + "]" * 400)
    (error,) = errors_of(text)
    assert "unknown key 'x'" in error.message


@pytest.mark.parametrize("key", ["ß", "ﬀ", "İ", "ŉ", "²", "٣", "Ⅻ", "ʰ", "TT", "", "-"])
def test_symptom_keys_the_window_cannot_bind_are_refused(key: str) -> None:
    assert not is_usable_key(key)
    text = f"format: 1\nsymptoms:\n  x: {{label: X, key: '{key}', action: stop}}\nstretches: {{}}\n"
    (error,) = errors_of(text)
    assert error.line == 3
    assert "key" in error.message


@pytest.mark.parametrize(("key", "bound"), [("t", "T"), ("7", "7"), ("ö", "Ö"), ("ж", "Ж")])
def test_symptom_keys_are_bound_as_their_capital(key: str, bound: str) -> None:
    text = f"format: 1\nsymptoms:\n  x: {{label: X, key: '{key}', action: stop}}\nstretches: {{}}\n"
    symptom, _ = parse_routines(text, "ok.yaml").symptoms["x"]
    assert symptom.key == bound


def test_a_routine_file_as_the_read_routine_file_api_never_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(RoutineFileError):
        read_routine_file(tmp_path / ("x" * 300 + ".yaml"))
    with pytest.raises(RoutineFileError):
        read_routine_file(tmp_path / "a-file" / "below-a-file.yaml")


def test_text_past_the_limit_and_control_characters_from_escapes_are_refused() -> None:
    long_name = GOOD.replace("name: Mine", "name: " + "M" * 900_000)
    (error,) = errors_of(long_name)
    assert error.message == "name in routine 'mine' is too long: 900,000 characters (at most 2,000)"
    (error,) = errors_of(GOOD.replace("name: Mine", 'name: "\\e[31mMine"'))
    assert error.message == "name in routine 'mine' holds a control character (U+001B): remove it"


def test_a_file_with_thousands_of_errors_shows_the_first_hundred_quickly() -> None:
    text = "format: 1\nroutines: [" + "1," * 300_000 + "]\n"
    errors = finishes(lambda: errors_of(text), 5)
    assert len(errors) == 101
    assert errors[0].message == "in routine 1 must be a mapping of keys to values, not '1'"
    assert errors[-1].message == "more errors from here on are not shown; fix the ones above first"


def test_messages_quote_long_values_cut_short() -> None:
    errors = errors_of(GOOD.replace("id: mine", "id: " + "A" * 1000).replace("hold: 30", "hold: x"))
    assert [e.message for e in errors] == [
        f"'{'A' * 40}…' is not a valid routine id: use lowercase letters, digits and dashes",
        f"hold in step 1 of routine '{'A' * 40}…' is not a duration: 'x' (write 30, '30s', "
        "'1m' or '1m30s')",
    ]


# ----------------------------------------------------------------- ids and text as written


def test_a_routine_id_with_spaces_around_it_is_a_located_error_not_a_silent_drop() -> None:
    for written in ('" mine"', "'mine '", '"mine\\t"'):
        (error,) = errors_of(GOOD.replace("id: mine", f"id: {written}"))
        assert (error.line, error.column) == (3, 10)
        assert "is not a valid routine id" in error.message or "control" in error.message
    (error,) = errors_of(GOOD.replace("id: mine", 'id: " mine"'))
    assert error.message.endswith("remove the spaces around it")


def test_a_stretch_reference_and_stop_on_id_are_checked_as_written() -> None:
    (error,) = errors_of(GOOD.replace("stretch: wall-calf", "stretch: ' wall-calf'"))
    assert "' wall-calf' is not a valid stretch id" in error.message
    text = GOOD.replace("name: Mine,", "name: Mine, stop_on: ['pain ' ],")
    (error,) = errors_of(text)
    assert "'pain ' in stop_on in routine 'mine' is not a valid symptom id" in error.message


def test_an_id_with_a_trailing_newline_does_not_pass_as_valid() -> None:
    # '$' matches before a final newline: the id must be matched whole.
    (error,) = errors_of(GOOD.replace("id: mine", 'id: "hamstring-basics\\n"'))
    assert error.line == 3
    assert "\n" not in error.message
    text = GOOD.replace("stretch: wall-calf", 'stretch: "wall-calf\\n"')
    (error,) = errors_of(text)
    assert "\n" not in error.message
    stretch = 'format: 1\nstretches:\n  "mine\\n": {name: Mine, instructions: [Do it.]}\n'
    (error,) = errors_of(stretch)
    assert "is not a valid id" in error.message
    assert "\n" not in error.message


def test_a_user_file_repeating_a_bundled_id_with_a_newline_is_refused(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(GOOD.replace("id: mine", 'id: "hamstring-basics\\n"'), encoding="utf-8")
    result = load_library([BUNDLED, mine])
    report = result.report_for(mine)
    assert report is not None
    assert not report.ok
    assert [r.id for r in result.library.routines].count("hamstring-basics") == 1


def test_durations_are_matched_whole() -> None:
    assert parse_duration("30s") == 30
    assert parse_duration("30s\n") == 30  # stripped like any value
    assert parse_duration("30s\nx") is None


@pytest.mark.parametrize(
    "key",
    ["\u212a", "\u212b", "\u2126", "\u01c4", "\u2113", "\uff2b", "\u1e9e", "中", "\u1d00"],
)
def test_keys_no_keyboard_types_are_refused(key: str) -> None:
    # The Kelvin sign, the Angstrom and Ohm signs, a DŽ ligature, a script l, a fullwidth K,
    # a capital sharp s (casefolds to 'ss'), an ideograph and a small capital are letters to
    # Unicode but keys on no common keyboard.
    assert not is_usable_key(key)
    text = f"format: 1\nsymptoms:\n  x: {{label: X, key: '{key}', action: stop}}\nstretches: {{}}\n"
    (error,) = errors_of(text)
    assert "key" in error.message


def test_a_kelvin_sign_beside_k_is_refused_and_k_still_works() -> None:
    text = (
        "format: 1\nsymptoms:\n"
        "  pain: {label: Pain, key: k, action: stop}\n"
        "  other: {label: Other, key: '\u212a', action: continue}\n"
        "stretches: {}\n"
    )
    (error,) = errors_of(text)
    assert error.line == 4


def test_keys_that_are_equal_after_case_folding_clash() -> None:
    text = (
        "format: 1\nsymptoms:\n"
        "  a: {label: A, key: 'σ', action: stop}\n"
        "  b: {label: B, key: 'Σ', action: continue}\n"
        "stretches: {}\n"
    )
    (error,) = errors_of(text)
    assert error.line == 4
    assert "already uses" in error.message


INVISIBLE = ["\u200b", "\u202e\u202c", "\u2060", "\ufeff", "\u3164", " \u200d ", "\u0301"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_name_with_nothing_visible_is_empty(value: str) -> None:
    escaped = value.encode("unicode_escape").decode()
    (error,) = errors_of(GOOD.replace("name: Mine", f'name: "{escaped}"'))
    assert error.line == 3
    assert "name in routine 'mine'" in error.message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("a\\nb", "line break (U+000A)"),
        ("x\\u2028y", "line break (U+2028)"),
        ("x\\u2029y", "line break (U+2029)"),
        ("\\u202eenilno\\u202c", "U+202E, right-to-left override"),
        ("ab\\u200bc", "U+200B, zero width space"),
        ("a\\u2066b\\u2069", "U+2066"),
        ("a\\tb", "control character (U+0009)"),
    ],
)
def test_one_line_fields_refuse_line_breaks_and_invisible_characters(
    value: str, problem: str
) -> None:
    (error,) = errors_of(GOOD.replace("name: Mine", f'name: "{value}"'))
    assert error.line == 3
    assert problem in error.message
    assert "\n" not in error.message
    symptom = f'format: 1\nsymptoms:\n  x: {{label: "{value}", key: x, action: stop}}\n'
    (error,) = errors_of(symptom + "stretches: {}\n")
    assert error.line == 3
    assert "label in symptom 'x'" in error.message
    stretch = f'format: 1\nstretches:\n  x: {{name: "{value}", instructions: [Do it.]}}\n'
    (error,) = errors_of(stretch)
    assert "name in stretch 'x'" in error.message
    area = f'format: 1\nstretches:\n  x: {{name: X, area: ["{value}"], instructions: [Do it.]}}\n'
    (error,) = errors_of(area)
    assert "area in stretch 'x'" in error.message


def test_multi_line_text_keeps_its_line_breaks_but_not_only_invisible_text() -> None:
    text = 'format: 1\nstretches:\n  x: {name: X, instructions: ["One.\\nTwo.", "\\u200b"]}\n'
    (error,) = errors_of(text)
    assert error.message == "item 2 of instructions in stretch 'x' is empty"
    ok = 'format: 1\nstretches:\n  x: {name: X, instructions: ["One.\\nTwo."]}\n'
    assert parse_routines(ok, "ok.yaml").stretches["x"].stretch.instructions == ("One.\nTwo.",)


def test_names_in_other_scripts_and_joined_emoji_still_read() -> None:
    # Right-to-left letters, a zero-width non-joiner's neighbours and combining accents are text.
    for name in ("מתיחה", "Étirement", "Растяжка", "stretch 🙂"):
        parsed = parse_routines(GOOD.replace("name: Mine", f"name: {name}"), "ok.yaml")
        assert parsed.routines[0].name == name
