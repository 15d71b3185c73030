"""Shared fixtures: offscreen Qt, a fake monotonic clock and a throw-away data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "resources" / "routines.yaml"


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Points the app's data directory (and QSettings) at a temporary folder."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("STRETCH_TIMER_DATA_DIR", str(path))
    return path
