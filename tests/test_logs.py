"""The app's log file: rotating, in the data directory, never blocking; --debug for detail."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.logs import LOG_BACKUPS, LOG_BYTES, LOG_NAME, configure_logging
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_info_goes_to_the_file_and_debug_only_with_debug(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    assert path == tmp_path / LOG_NAME
    logging.getLogger("desktop_app.test").info("session started")
    logging.getLogger("desktop_app.test").debug("tick detail")
    text = path.read_text(encoding="utf-8")
    assert "INFO desktop_app.test: session started" in text
    assert "tick detail" not in text

    configure_logging(tmp_path, debug=True)
    logging.getLogger("desktop_app.test").debug("tick detail")
    assert "DEBUG desktop_app.test: tick detail" in path.read_text(encoding="utf-8")


def test_a_second_call_replaces_the_file_handler(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    configure_logging(tmp_path)
    logging.getLogger("desktop_app.test").warning("once")
    text = (tmp_path / LOG_NAME).read_text(encoding="utf-8")
    assert text.count("once") == 1


def test_the_log_rotates_and_stays_bounded(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    line = "x" * 1000
    for _ in range(LOG_BYTES * (LOG_BACKUPS + 2) // 1000):
        logging.getLogger("desktop_app.test").info(line)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2"]
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert total <= LOG_BYTES * (LOG_BACKUPS + 1) + 2000


def test_a_fifo_or_folder_in_place_of_the_log_is_left_alone(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / LOG_NAME)  # opening it for writing would block for ever
    assert configure_logging(tmp_path) is None
    other = tmp_path / "other"
    (other / LOG_NAME).mkdir(parents=True)
    assert configure_logging(other) is None


def test_no_data_directory_means_no_file(tmp_path: Path) -> None:
    assert configure_logging(None) is None
    assert list(tmp_path.iterdir()) == []


def test_the_file_is_opened_with_the_first_record_not_at_start(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    assert path == tmp_path / LOG_NAME
    assert not path.exists()  # nothing to say yet: logging.handlers is not even imported
    logging.getLogger("desktop_app.test").info("first")
    assert "first" in path.read_text(encoding="utf-8")


def test_configuring_the_log_imports_no_logging_handlers() -> None:
    code = (
        "import sys, tempfile, pathlib\n"
        "from desktop_app.logs import configure_logging\n"
        "assert configure_logging(pathlib.Path(tempfile.mkdtemp())) is not None\n"
        "assert 'logging.handlers' not in sys.modules\n"
        "assert 'socket' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def test_a_file_that_cannot_be_opened_later_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging.handlers

    def refuse(*_args: object, **_kwargs: object) -> logging.Handler:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(logging.handlers, "RotatingFileHandler", refuse)
    assert configure_logging(tmp_path) == tmp_path / LOG_NAME
    logging.getLogger("desktop_app.test").info("one")
    logging.getLogger("desktop_app.test").info("two")
    warnings = [r for r in caplog.records if r.getMessage().startswith("not logging to")]
    assert len(warnings) == 1
    assert "Permission denied" in warnings[0].getMessage()
    assert not (tmp_path / LOG_NAME).exists()
