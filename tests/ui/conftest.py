"""A small hand-built library and a shown main window on a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.model import Library, Routine, Step, Stretch, Symptom
from desktop_app.ui.app import build_window
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock

TOWEL = Stretch(
    id="towel-hamstring",
    name="Towel hamstring stretch",
    area=("hamstrings",),
    sided=True,
    instructions=("Lie on your back.", "Loop the towel around your foot.", "Raise the leg."),
    tips=("Keep your back flat.",),
    cautions=("Never bounce.",),
    advice=MappingProxyType({"tingling": ("Let the towel go a little slack.",)}),
)
CALF = Stretch(
    id="wall-calf",
    name="Wall calf stretch",
    area=("calves",),
    sided=False,
    instructions=("Face the wall.",),
    tips=("Heel down.",),
)
SEATED = Stretch(
    id="seated",
    name="Seated hamstring stretch",
    area=("hamstrings",),
    sided=False,
    instructions=("Sit on the edge of a chair.",),
)
TINGLING = Symptom(
    "tingling",
    "Tingling",
    "T",
    "continue",
    ("Bend the knee slightly.", "Point the toes away."),
    ("Numbness that stays.",),
)
PAIN = Symptom("pain", "Pain", "P", "stop", ("Come out of the stretch slowly.",), ("Sharp pain.",))

BASICS = Routine(
    id="basics",
    name="Hamstring basics",
    description="Towel stretch then calves.",
    steps=(
        Step(TOWEL, hold=30, reps=3, rest=10, prepare=5),
        Step(CALF, hold=20, reps=1, rest=10, prepare=5),
    ),
)
LONG = Routine(
    id="long",
    name="Long hold",
    description="One long hold.",
    steps=(Step(SEATED, hold=90, reps=2, rest=10, prepare=0),),
)
NERVE = Routine(
    id="nerve",
    name="Nerve-friendly",
    description="Tingling stops a stretch here.",
    steps=(
        Step(TOWEL, hold=20, reps=1, rest=10, prepare=5),
        Step(SEATED, hold=20, reps=2, rest=5, prepare=5),
        Step(CALF, hold=20, reps=1, rest=10, prepare=5),
    ),
    stop_on=("tingling",),
)
LIBRARY = Library(
    stretches=MappingProxyType({s.id: s for s in (TOWEL, CALF, SEATED)}),
    routines=(BASICS, LONG, NERVE),
    symptoms=MappingProxyType({"tingling": TINGLING, "pain": PAIN}),
)


class FakeError:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(
    qtbot: QtBot, clock: FakeClock, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> WindowFactory:
    # The real confirmation is a modal dialog; tests answer it (yes unless a test says no).
    monkeypatch.setattr(MainWindow, "confirm_stop", lambda self, quitting=False: True)

    def make(**kwargs: object) -> MainWindow:
        errors = kwargs.pop("load_errors", {})
        window = build_window(LIBRARY, errors, data_dir, clock=clock, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return make


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()
