"""The display strings the command line and the widgets share: one formatter per meaning."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.formatting import (
    chart_minutes_text,
    clock_duration,
    countdown_text,
    duration_text,
    spoken_duration,
    symptom_summary,
    total_minutes_text,
)


def test_a_countdown_rounds_up() -> None:
    assert [countdown_text(s) for s in (30, 29.01, 0.2, 0, -1, 59.5, 60, 65, 3723)] == [
        "30",
        "30",
        "1",
        "0",
        "0",
        "1:00",
        "1:00",
        "1:05",
        "1:02:03",
    ]
    assert countdown_text(44.2, minutes_always=True) == "0:45"


def test_a_clock_duration_rounds_to_the_nearest_second() -> None:
    assert [clock_duration(s) for s in (0, 29.4, 29.6, 59.6, 3725, 3599.5)] == [
        "0:00",
        "0:29",
        "0:30",
        "1:00",
        "1:02:05",
        "1:00:00",
    ]


def test_a_duration_in_words_rounds_to_the_nearest_second() -> None:
    assert [duration_text(s) for s in (45, 60, 90, 630, 3900, 3600, 59.6, 0.4)] == [
        "45 s",
        "1 min",
        "1 min 30 s",
        "10 min 30 s",
        "1 h 5 min",
        "1 h",
        "1 min",
        "0 s",
    ]


def test_a_total_rounds_to_the_minute_and_reads_in_seconds_under_one() -> None:
    assert [total_minutes_text(s) for s in (0, 25, 59.4, 60, 89, 3 * 3600 + 61)] == [
        "0 min",
        "25 s",
        "59 s",
        "1 min",
        "1 min",
        "3 h 01 min",
    ]


def test_chart_minutes() -> None:
    assert [chart_minutes_text(m) for m in (0, 0.5, 3.46, 12.4)] == [
        "nothing",
        "30 s",
        "3.5 min",
        "12 min",
    ]


def test_symptom_summary_counts_in_the_order_reported() -> None:
    assert symptom_summary(["tingling", "pain", "tingling"]) == "tingling ×2, pain"
    assert symptom_summary([]) == ""


@given(st.floats(min_value=0, max_value=10 * 3600, allow_nan=False))
def test_a_countdown_never_shows_less_than_what_is_left(seconds: float) -> None:
    parts = [int(p) for p in countdown_text(seconds, minutes_always=True).split(":")]
    shown = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    assert shown == math.ceil(seconds)
    assert (
        abs(
            sum(
                p * 60**i
                for i, p in enumerate(
                    reversed([int(p) for p in clock_duration(seconds).split(":")])
                )
            )
            - seconds
        )
        <= 0.5
    )


@pytest.mark.parametrize(
    ("formatter", "nothing"),
    [
        (countdown_text, "0"),
        (clock_duration, "0:00"),
        (duration_text, "0 s"),
        (spoken_duration, "0 seconds"),
    ],
)
def test_negative_times_read_as_nothing(formatter: Callable[[float], str], nothing: str) -> None:
    assert formatter(-5) == nothing


def test_spoken_durations_round_to_the_nearest_second() -> None:
    assert [spoken_duration(s) for s in (1, 45.4, 60, 330, 3600, 3900.4)] == [
        "1 second",
        "45 seconds",
        "1 minute",
        "5 minutes 30 seconds",
        "1 hour",
        "1 hour 5 minutes",
    ]


def test_formatting_imports_no_qt_and_no_storage() -> None:
    """The widgets and the command line share it: it must stay light and Qt-free."""
    code = (
        "import sys, desktop_app.formatting;"
        "assert 'PySide6' not in sys.modules, 'Qt was imported';"
        "assert 'desktop_app.storage' not in sys.modules, 'storage was imported';"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
