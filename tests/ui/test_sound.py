"""Sound cues: which tones a session driven by keys plays, the menu toggle, and no sound at all."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from desktop_app.audio import MiniaudioDevice, NoSoundError
from desktop_app.ui.sound import NO_OUTPUT, AudioPlayer, Cue, SoundCues, sound_files
from desktop_app.ui.window import MainWindow
from tests.conftest import REPO, FakeClock
from tests.null_sink import NullSink, loudest, null_sink, wait_for
from tests.test_audio import FakeDevice
from tests.ui.conftest import WindowFactory

__all__ = ["null_sink"]  # the fixture, used by name

TICK, START, DONE, FINISH = Cue.TICK, Cue.HOLD_STARTED, Cue.HOLD_COMPLETED, Cue.SESSION_FINISHED


class FakePlayer:
    """Records what was played, with the fake clock's time."""

    def __init__(self, clock: FakeClock, ready_at_once: bool = True) -> None:
        self.clock = clock
        self.ready_at_once = ready_at_once
        self.played: list[tuple[Cue, float]] = []
        self.on_ready: Callable[[], None] | None = None
        self.on_failure: Callable[[str], None] | None = None
        self.closed = False

    def __call__(
        self,
        sounds: Mapping[Cue, Path],
        parent: QObject,
        on_ready: Callable[[], None],
        on_failure: Callable[[str], None],
    ) -> FakePlayer:
        assert set(sounds) == set(Cue)
        self.on_ready = on_ready
        self.on_failure = on_failure
        if self.ready_at_once:
            on_ready()
        return self

    def play(self, cue: Cue) -> None:
        self.played.append((cue, self.clock.now))

    def close(self) -> None:
        self.closed = True

    @property
    def cues(self) -> list[Cue]:
        return [cue for cue, _ in self.played]


@pytest.fixture
def player(clock: FakeClock) -> FakePlayer:
    return FakePlayer(clock)


def attach(qtbot: QtBot, window: MainWindow, factory: object, **options: int) -> SoundCues:
    cues = SoundCues(window, player_factory=factory, finish_delay_ms=20, **options)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: cues.available is not None)
    return cues


def run_seconds(window: MainWindow, clock: FakeClock, seconds: int) -> None:
    """Let the session run, one second at a time (as the controller's timer would)."""
    for _ in range(seconds):
        clock.advance(1)
        window.controller.refresh()


def test_a_session_driven_by_keys_plays_ticks_hold_tones_and_the_finishing_chime(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: FakePlayer
) -> None:
    cues = attach(qtbot, window, player)
    assert cues.available is True
    assert window.sound_action.isEnabled()
    assert window.sound_action.isChecked()  # on by default
    assert window.select_routine("basics")
    t0 = clock.now
    qtbot.keyClick(window, Qt.Key.Key_Return)
    # Each of the 7 holds: 5 s getting into position, then a hold of 30 s (20 s for the last).
    run_seconds(window, clock, 6 * 35 + 5 + 20)
    assert window.stack.currentWidget() is window.summary_page
    qtbot.waitUntil(lambda: FINISH in player.cues)

    per_hold = [TICK, TICK, TICK, START, DONE]
    assert player.cues == per_hold * 7 + [FINISH]
    # The ticks sound as 3, 2 and 1 appear; the hold's tone at its start and at its end.
    first = [when - t0 for _, when in player.played[:5]]
    assert first == [2, 3, 4, 5, 35]
    # The chime waits for the last hold's tone instead of sounding over it.
    assert player.played[-1][1] == player.played[-2][1] == t0 + 235


def test_rests_are_silent_and_a_back_restarts_the_hold_with_its_tone(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: FakePlayer
) -> None:
    attach(qtbot, window, player)
    assert window.select_routine("long")  # no prepare; 10 s rest between the two holds
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 5)
    qtbot.keyClick(window, Qt.Key.Key_Left)  # restart the hold
    run_seconds(window, clock, 90 + 10)
    assert player.cues == [START, START, DONE, START]


def test_a_pause_stops_the_ticks_until_resumed(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: FakePlayer
) -> None:
    attach(qtbot, window, player)
    assert window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 2)  # 3 is showing: one tick
    qtbot.keyClick(window, Qt.Key.Key_Space)
    run_seconds(window, clock, 20)
    assert player.cues == [TICK]
    qtbot.keyClick(window, Qt.Key.Key_Space)
    run_seconds(window, clock, 3)
    assert player.cues == [TICK, TICK, TICK, START]


def test_skipping_or_stopping_a_hold_plays_no_completed_tone(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: FakePlayer
) -> None:
    attach(qtbot, window, player)
    assert window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # skip getting into position: the hold starts
    run_seconds(window, clock, 10)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # skip the hold
    run_seconds(window, clock, 7)  # 5 s into position, 2 s of the next hold
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # stop (confirmed)
    assert window.stack.currentWidget() is window.summary_page
    assert player.cues == [START, TICK, TICK, TICK, START]


def test_ctrl_m_turns_the_cues_off_and_the_choice_is_remembered(
    qtbot: QtBot,
    make_window: WindowFactory,
    clock: FakeClock,
    player: FakePlayer,
    data_dir: Path,
) -> None:
    window = make_window()
    attach(qtbot, window, player)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert not window.sound_action.isChecked()
    assert window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 95)
    assert player.cues == []
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    run_seconds(window, clock, 10)
    assert player.cues == [START]
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # off again
    window.controller.stop()
    window.close()

    again = make_window()
    assert (data_dir / "settings.ini").is_file()
    assert again.sound_action.isEnabled()
    assert not again.sound_action.isChecked()
    qtbot.keyClick(again, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    again.close()
    assert make_window().sound_action.isChecked()


def test_no_sound_output_disables_the_action_and_the_session_runs(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    def no_output(*_args: object) -> object:
        raise NoSoundError("no audio output device")

    cues = attach(qtbot, window, no_output)
    assert cues.available is False
    action = window.sound_action
    assert not action.isEnabled()
    assert action.toolTip() == action.statusTip() == NO_OUTPUT
    assert window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 245)
    assert window.stack.currentWidget() is window.summary_page


def test_a_sound_that_fails_later_turns_the_cues_off_quietly(
    qtbot: QtBot,
    window: MainWindow,
    clock: FakeClock,
    player: FakePlayer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cues = attach(qtbot, window, player)
    assert window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert player.cues == [START]
    assert player.on_failure is not None
    with caplog.at_level("INFO", logger="desktop_app.ui.sound"):
        player.on_failure("the sound output cannot start (-3)")  # the output went away
    assert cues.available is False
    assert not window.sound_action.isEnabled()
    assert window.sound_action.toolTip() == NO_OUTPUT
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert all(r.exc_info is None for r in caplog.records)
    run_seconds(window, clock, 200)
    assert window.stack.currentWidget() is window.summary_page
    assert player.cues == [START]


def test_the_real_player_degrades_silently(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="desktop_app.ui.sound"):
        cues = SoundCues(window)  # miniaudio, whatever this machine has
        qtbot.waitUntil(lambda: cues.available is not None, timeout=10_000)
        assert window.sound_action.isEnabled() is cues.available
        if not cues.available:
            assert window.sound_action.toolTip() == NO_OUTPUT
        assert window.select_routine("basics")
        qtbot.keyClick(window, Qt.Key.Key_Return)
        run_seconds(window, clock, 245)
        assert window.stack.currentWidget() is window.summary_page
        assert window.sound_action.isEnabled() is cues.available
        cues.close()
    assert all(r.levelno <= 20 and r.exc_info is None for r in caplog.records)


def test_no_sound_server_disables_the_action_and_says_so(
    qtbot: QtBot,
    window: MainWindow,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-server")
    pulse = partial(MiniaudioDevice, backends=("PULSEAUDIO",))
    pulse_only = partial(AudioPlayer, open_device=pulse)
    with caplog.at_level("INFO", logger="desktop_app.ui.sound"):
        cues = SoundCues(window, player_factory=pulse_only)
        qtbot.waitUntil(lambda: cues.available is not None, timeout=10_000)
    assert cues.available is False
    assert not window.sound_action.isEnabled()
    assert window.sound_action.toolTip() == window.sound_action.statusTip() == NO_OUTPUT
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "sound cues are off: no sound output found"
    ]
    assert window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 190)
    assert window.stack.currentWidget() is window.summary_page


def test_cues_wait_for_an_output_that_opens_late_and_nothing_blocks_meanwhile(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, player: FakePlayer
) -> None:
    player.ready_at_once = False
    cues = SoundCues(window, player_factory=player)
    qtbot.waitUntil(lambda: player.on_ready is not None)
    assert cues.available is None
    assert window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 5)  # 3, 2, 1 ticks, then the hold starts
    assert player.cues == []
    assert player.on_ready is not None
    player.on_ready()
    assert cues.available is True
    assert player.cues == [TICK, TICK, TICK, START]  # kept, then played (at most 4)
    run_seconds(window, clock, 30)
    assert player.cues[-1] is DONE


def test_an_output_that_never_opens_counts_as_none_and_the_session_runs(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    """A sound server that never answers: the window goes on, and the menu says so in time."""
    gate = threading.Event()

    def hanging() -> FakeDevice:
        gate.wait()
        return FakeDevice()

    cues = SoundCues(
        window,
        player_factory=partial(AudioPlayer, open_device=hanging),
        open_timeout_ms=300,
    )
    assert window.select_routine("long")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    run_seconds(window, clock, 3)
    qtbot.waitUntil(lambda: cues.available is False, timeout=5_000)
    assert window.sound_action.toolTip() == NO_OUTPUT
    run_seconds(window, clock, 190)
    assert window.stack.currentWidget() is window.summary_page
    gate.set()


def test_an_output_that_hangs_while_playing_never_holds_up_the_window(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    start_gate = threading.Event()
    device = FakeDevice(start_gate=start_gate)
    cues = SoundCues(window, player_factory=partial(AudioPlayer, open_device=lambda: device))
    qtbot.waitUntil(lambda: cues.available is True)
    assert window.select_routine("basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)  # the first tick's start hangs in the worker
    run_seconds(window, clock, 245)
    assert window.stack.currentWidget() is window.summary_page
    start_gate.set()
    wait_for(lambda: device.feed is not None, "the output never started once released")
    cues.close()


def test_cues_reach_a_real_pulseaudio_sink(
    qtbot: QtBot,
    window: MainWindow,
    clock: FakeClock,
    null_sink: NullSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PULSE_SERVER", null_sink.server)
    cues = SoundCues(window)  # the app's own player: miniaudio, PulseAudio first
    qtbot.waitUntil(lambda: cues.available is not None, timeout=10_000)
    assert cues.available is True
    assert window.sound_action.isEnabled()
    assert window.select_routine("long")
    with null_sink.recording() as raw:
        assert loudest(raw) < 100
        qtbot.keyClick(window, Qt.Key.Key_Return)  # the hold starts: its tone
        qtbot.waitUntil(lambda: loudest(raw) > 1000, timeout=10_000)
    cues.close()


def test_every_cue_has_a_short_soft_wav() -> None:
    import wave

    for cue, path in sound_files(REPO / "resources" / "sounds").items():
        with wave.open(str(path), "rb") as sound:
            assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (
                1,
                2,
                44100,
            ), cue
            assert sound.getnframes() / sound.getframerate() < 0.6, cue


class VolumePlayer(FakePlayer):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.volumes: list[float] = []

    def set_volume(self, volume: float) -> None:
        self.volumes.append(volume)


def test_the_volume_setting_reaches_the_player_at_once(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    player = VolumePlayer(clock)
    attach(qtbot, window, player)
    assert player.volumes == [0.8]  # the default 80 %
    window.preferences.update(sound_volume=35)
    assert player.volumes == [0.8, 0.35]
    window.preferences.update(theme="dark")  # nothing to do with sound
    assert player.volumes == [0.8, 0.35]
