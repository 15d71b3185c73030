"""Spoken cues in the window: View > Spoken cues, the count, the read-aloud key (R), the
first-run offer, and no speech engine or no sound output: nothing else changes."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple
from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app import help_text, paths
from desktop_app.audio import Clip, NoSoundError, Render, SpeechMode, _samples
from desktop_app.model import Library, Symptom
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.help import InfoDialog
from desktop_app.ui.sound import NO_OUTPUT, Cue, SoundCues
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.fake_speech import FakeSpeechEngine
from tests.null_sink import NullSink, loudest, null_sink
from tests.ui.conftest import LIBRARY, WindowFactory
from tests.ui.test_help import open_dialogs, press_in
from tests.ui.test_sound import run_seconds

__all__ = ["null_sink"]  # the fixture, used by name


class SpeakingPlayer:
    """A player that plays nothing: it notes each tone, and renders each phrase at once (as
    the worker would) to note its words, all with the fake clock's time."""

    def __init__(self, clock: FakeClock, engine: FakeSpeechEngine) -> None:
        self.clock = clock
        self.engine = engine
        self.heard: list[tuple[float, str]] = []
        self.closed = False

    def __call__(
        self,
        sounds: Mapping[Cue, Path],
        parent: QObject,
        on_ready: Callable[[], None],
        on_failure: Callable[[str], None],
    ) -> SpeakingPlayer:
        on_ready()
        return self

    def play(self, cue: Cue) -> None:
        self.heard.append((self.clock.now, cue.value))

    def say(self, renders: Sequence[Render], mode: SpeechMode = "now") -> None:
        for render in renders:
            clip = render()
            assert isinstance(clip, Clip)
            words = {level: text for text, level in self.engine.levels.items()}
            text = words.get(_samples(clip.pcm)[0], "?")
            self.heard.append((self.clock.now, f"{'say?' if mode == 'if_idle' else 'say'} {text}"))

    def hush(self) -> None:
        self.heard.append((self.clock.now, "hush"))

    def close(self) -> None:
        self.closed = True

    def words(self) -> list[str]:
        return [word for _, word in self.heard]


@pytest.fixture
def engine() -> FakeSpeechEngine:
    return FakeSpeechEngine()


@pytest.fixture
def player(clock: FakeClock, engine: FakeSpeechEngine) -> SpeakingPlayer:
    return SpeakingPlayer(clock, engine)


def attach(qtbot: QtBot, window: MainWindow, player: object, engine: object) -> SoundCues:
    cues = SoundCues(
        window,
        player_factory=player,  # type: ignore[arg-type]
        finish_delay_ms=20,
        speech_engine=lambda: engine,  # type: ignore[arg-type,return-value]
    )
    qtbot.waitUntil(lambda: cues.available is not None)
    return cues


def start(qtbot: QtBot, window: MainWindow, routine: str = "basics") -> None:
    window.show_picker()
    assert window.select_routine(routine)
    qtbot.keyClick(window, Qt.Key.Key_Return)


def test_spoken_cues_are_off_until_turned_on_and_then_say_each_step(
    qtbot: QtBot,
    make_window: WindowFactory,
    clock: FakeClock,
    player: SpeakingPlayer,
    engine: FakeSpeechEngine,
    data_dir: Path,
) -> None:
    window = make_window()
    attach(qtbot, window, player, engine)
    action = window.speech_action
    assert action.isEnabled()
    assert not action.isChecked()  # off until turned on
    assert not window.count_action.isEnabled()  # nothing to count with
    assert [voice.id for voice in window.speech_voices()] == ["en-gb"]  # for the settings
    start(qtbot, window)
    run_seconds(window, clock, 6)
    assert player.words() == ["tick", "tick", "tick", "hold-started"]
    assert engine.said == []
    window.controller.stop()

    action.trigger()  # View > Spoken cues
    assert window.count_action.isEnabled()
    t0 = clock.now
    start(qtbot, window)
    run_seconds(window, clock, 35 + 15)
    assert [(when - t0, word) for when, word in player.heard if when >= t0] == [
        (0, "say Towel hamstring stretch, left leg, rep 1 of 3."),
        (2, "tick"),
        (3, "tick"),
        (4, "tick"),
        (5, "hold-started"),
        (5, "say Hold."),
        (20, "say? Halfway."),
        (35, "hold-completed"),
        (35, "say Switch to the right leg, rep 1 of 3."),
        (37, "tick"),
        (38, "tick"),
        (39, "tick"),
        (40, "hold-started"),
        (40, "say Hold."),
    ]
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause: what is being said stops
    assert player.words()[-1] == "hush"
    window.controller.stop()
    window.close()
    again = make_window()
    assert again.speech_action.isChecked()  # remembered
    assert not again.speech_action.isEnabled()  # until the sound cues say it can be heard


def test_done_comes_after_the_chime_with_the_sessions_total_time(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: SpeakingPlayer
) -> None:
    attach(qtbot, window, player, player.engine)
    window.speech_action.setChecked(True)
    start(qtbot, window, "long")  # two 90 s holds, 10 s rest between
    run_seconds(window, clock, 190)
    qtbot.waitUntil(lambda: player.words()[-1].startswith("say Done"))
    assert player.words()[-3:] == [
        "hold-completed",
        "session-finished",
        "say Done. Total time 3 minutes 10 seconds.",
    ]


def test_counting_aloud_replaces_the_ticks(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: SpeakingPlayer
) -> None:
    attach(qtbot, window, player, player.engine)
    window.speech_action.trigger()
    window.count_action.trigger()
    start(qtbot, window)
    run_seconds(window, clock, 5)
    assert player.words() == [
        "say Towel hamstring stretch, left leg, rep 1 of 3.",
        "say? 3.",
        "say? 2.",
        "say? 1.",
        "hold-started",
        "say Hold.",
    ]
    window.count_action.trigger()  # off again: applies at once
    run_seconds(window, clock, 30 + 5)
    assert "tick" in player.words()[-5:]


def test_without_espeak_ng_spoken_cues_are_disabled_saying_why_and_nothing_else_changes(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: SpeakingPlayer
) -> None:
    missing = FakeSpeechEngine(available=False)
    attach(qtbot, window, player, missing)
    action = window.speech_action
    assert not action.isEnabled()
    assert action.toolTip() == action.statusTip()
    assert "espeak-ng is not installed" in action.toolTip()
    assert "apt-get install espeak-ng" in action.toolTip()
    action.setChecked(True)  # turned on (say, in an earlier run on a machine with it)
    window.count_action.setChecked(True)
    start(qtbot, window)
    run_seconds(window, clock, 6)
    # The tones are as ever: the ticks stay, since nothing can count aloud.
    assert player.words() == ["tick", "tick", "tick", "hold-started"]
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert "Nothing can be read aloud" in window.notice.text()
    assert "espeak-ng is not installed" in window.notice.text()
    assert missing.said == []
    assert window.sound_action.isEnabled()
    assert window.speech_voices() == ()


def test_no_sound_output_disables_spoken_cues_too(
    qtbot: QtBot, window: MainWindow, engine: FakeSpeechEngine
) -> None:
    def no_output(*_args: object) -> object:
        raise NoSoundError("no audio output device")

    attach(qtbot, window, no_output, engine)
    assert not window.speech_action.isEnabled()
    assert window.speech_action.toolTip() == f"No spoken cues: {NO_OUTPUT.lower()}"
    assert window.speech_reason() != ""


def test_the_read_aloud_key_reads_the_advice_on_screen_even_with_spoken_cues_off(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: SpeakingPlayer
) -> None:
    attach(qtbot, window, player, player.engine)
    start(qtbot, window)
    run_seconds(window, clock, 8)
    qtbot.keyClick(window, Qt.Key.Key_R)  # no advice: the stretch and its steps
    assert player.words()[-5:] == [
        "say Towel hamstring stretch.",
        "say Left leg, rep 1 of 3.",
        "say Lie on your back.",
        "say Loop the towel around your foot.",
        "say Raise the leg.",
    ]
    qtbot.keyClick(window, Qt.Key.Key_T)  # tingling
    qtbot.keyClick(window, Qt.Key.Key_T)  # again in this hold: red flags lead
    before = len(player.heard)
    qtbot.keyClick(window, Qt.Key.Key_R)
    said = player.words()[before:]
    assert said[0] == "say Tingling."
    assert said[1].startswith("say Reported again (2 times in this session).")
    assert said[2:4] == ["say See a professional if.", "say Numbness that stays."]
    assert said[-1] == "say Suggested: Stop this stretch."
    assert window.session_view.reports  # the key reported nothing itself
    assert [r.symptom.id for r in window.session_view.reports] == ["tingling", "tingling"]


def test_a_stop_symptom_says_what_the_stopped_screen_says_first(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: SpeakingPlayer
) -> None:
    attach(qtbot, window, player, player.engine)
    window.speech_action.setChecked(True)
    start(qtbot, window)
    run_seconds(window, clock, 8)
    qtbot.keyClick(window, Qt.Key.Key_P)  # pain stops the stretch
    assert window.current_screen.halted
    assert player.words()[-5:] == [
        "hush",
        "say Stopped: Towel hamstring stretch.",
        "say You reported: Pain.",
        "say What helps.",
        "say Come out of the stretch slowly.",
    ]


def test_read_aloud_gives_way_to_a_symptom_key_that_uses_its_letter(
    qtbot: QtBot, clock: FakeClock, data_dir: Path
) -> None:
    reading = Symptom("redness", "Redness", "R", "continue", ("Ease off.",))
    library = Library(
        stretches=LIBRARY.stretches,
        routines=LIBRARY.routines,
        symptoms=MappingProxyType({**LIBRARY.symptoms, "redness": reading}),
    )
    window = build_window(library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    assert window.keys.read_aloud == "L"
    assert len(set(astuple(window.keys)) | {"T", "P", "R"}) == len(astuple(window.keys)) + 3
    rows = dict(help_text.key_rows(window.symptoms))
    assert rows["R"] == "report redness (shows what helps)"
    assert rows["L"].startswith("read aloud the advice on screen")


def test_the_first_run_notice_offers_spoken_cues_and_remembers_the_choice(
    qtbot: QtBot,
    make_window: WindowFactory,
    player: SpeakingPlayer,
    engine: FakeSpeechEngine,
) -> None:
    window = make_window()
    attach(qtbot, window, player, engine)
    window.greet(starting=False)
    qtbot.waitUntil(lambda: len(open_dialogs(window)) == 1)
    (dialog,) = open_dialogs(window)
    box = dialog.speech_box
    assert box is not None
    assert box.isVisible()
    assert not box.isChecked()  # offered, not chosen for the person
    assert box.text().startswith("Turn on spoken cues")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert box.isChecked()
    press_in(qtbot, dialog, Qt.Key.Key_Return)
    assert window.speech_action.isChecked()
    window.close()
    again = make_window()
    assert again.speech_action.isChecked()
    assert again.safety_notice_seen()
    # Help > Safety later offers nothing: it is the notice only.
    attach(qtbot, again, player, engine)
    later = again.show_safety()
    assert later.speech_box is None


def test_the_first_run_notice_offers_nothing_without_a_speech_engine_or_when_on(
    qtbot: QtBot, window: MainWindow, player: SpeakingPlayer
) -> None:
    attach(qtbot, window, player, FakeSpeechEngine(available=False))
    assert window.show_safety(first_run=True).speech_box is None
    for dialog in window.findChildren(InfoDialog):
        dialog.close()
    cues = SoundCues(window, player_factory=player, speech_engine=lambda: player.engine)
    qtbot.waitUntil(lambda: cues.available is not None)
    window.speech_action.setChecked(True)
    assert window.show_safety(first_run=True).speech_box is None  # already on


def test_the_notice_with_its_offer_still_fits_the_smallest_window(
    qtbot: QtBot, clock: FakeClock, data_dir: Path, player: SpeakingPlayer
) -> None:
    library = load_library([paths.bundled_routines_file()]).library
    window = build_window(library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    attach(qtbot, window, player, player.engine)
    dialog = window.show_safety(first_run=True)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.speech_box is not None
    assert dialog.height() <= 600
    assert dialog.width() <= 800
    qtbot.waitUntil(lambda: dialog.body.verticalScrollBar().maximum() == 0)
    assert dialog.speech_box.isVisible()
    assert dialog.button.isVisible()
    box = dialog.speech_box.geometry()
    assert box.right() < dialog.button.geometry().left()  # side by side, nothing cut off
    assert dialog.speech_box.width() >= dialog.speech_box.sizeHint().width()
    assert QApplication.activeModalWidget() in (dialog, None)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
def test_spoken_cues_reach_a_real_pulseaudio_sink(
    qtbot: QtBot,
    window: MainWindow,
    null_sink: NullSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PULSE_SERVER", null_sink.server)
    cues = SoundCues(window)  # the app's own player and espeak-ng
    qtbot.waitUntil(lambda: cues.available is not None, timeout=10_000)
    assert cues.available is True
    assert window.speech_action.isEnabled()
    window.sound_action.setChecked(False)  # no tones: what is heard is speech
    window.speech_action.setChecked(True)
    with null_sink.recording() as raw:
        assert loudest(raw) < 100
        start(qtbot, window)  # "Towel hamstring stretch, left leg, rep 1 of 3."
        qtbot.waitUntil(lambda: loudest(raw) > 1000, timeout=10_000)
    cues.close()


def test_a_session_started_before_the_player_loads_keeps_its_first_words(
    qtbot: QtBot, window: MainWindow, player: SpeakingPlayer
) -> None:
    window.speech_action.setChecked(True)
    looked_for: list[bool] = []

    def engine() -> FakeSpeechEngine:
        looked_for.append(True)
        return player.engine

    cues = SoundCues(window, player_factory=player, speech_engine=engine)  # type: ignore[arg-type]
    assert window.select_routine("basics")
    assert window.start_selected()  # as --start does, before the first paint's work has run
    assert cues.available is None
    assert looked_for == []  # speech is looked for after the first paint, not before
    qtbot.waitUntil(lambda: cues.available is True)
    assert looked_for == [True]
    assert player.words() == ["say Towel hamstring stretch, left leg, rep 1 of 3."]


def test_the_settings_turn_spoken_cues_on_and_choose_the_voice_and_speed(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: SpeakingPlayer
) -> None:
    attach(qtbot, window, player, player.engine)
    # What the settings dialog does: the preferences change, and apply at once.
    window.preferences.update(speech_enabled=True, speech_voice="en-gb", speech_rate=30)
    assert window.speech_action.isChecked()
    window.preferences.update(speech_count_down=True)
    assert window.count_action.isChecked()
    start(qtbot, window)
    assert player.engine.calls[-1] == (
        "Towel hamstring stretch, left leg, rep 1 of 3.",
        "en-gb",
        30,
    )
    window.speech_action.trigger()  # and the menu changes the preferences
    assert window.preferences.current.speech_enabled is False
