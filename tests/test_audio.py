"""The Qt-free sound player: clips, mixing, the worker thread, no sound, and real playback."""

from __future__ import annotations

import array
import subprocess
import sys
import threading
import wave
from pathlib import Path

import pytest

from desktop_app.audio import (
    RATE,
    Clip,
    CuePlayer,
    Feed,
    MiniaudioDevice,
    Mixer,
    NoSoundError,
    read_wav,
)
from tests.conftest import REPO
from tests.null_sink import NullSink, loudest, null_sink, wait_for

__all__ = ["null_sink"]  # the fixture, used by name

SOUNDS = REPO / "resources" / "sounds"


def pcm(*samples: int) -> bytes:
    return array.array("h", samples).tobytes()


def samples(data: bytes) -> list[int]:
    return list(array.array("h", data))


class FakeDevice:
    """An output the test drives: it pulls frames only when the test calls :meth:`pull`."""

    def __init__(
        self,
        start_error: str | None = None,
        start_gate: threading.Event | None = None,
    ) -> None:
        self.calls: list[str] = []
        self.feed: Feed | None = None
        self.prepared: list[Clip] = []
        self._start_error = start_error
        self._start_gate = start_gate

    def prepare(self, clip: Clip) -> bytes:
        self.prepared.append(clip)
        return clip.pcm

    def start(self, feed: Feed) -> None:
        if self._start_gate is not None:
            self._start_gate.wait()
        if self._start_error is not None:
            raise NoSoundError(self._start_error)
        self.calls.append("start")
        self.feed = feed

    def pull(self, frames: int) -> bytes:
        assert self.feed is not None
        return self.feed.send(frames)

    def stop(self) -> None:
        self.calls.append("stop")
        self.feed = None

    def close(self) -> None:
        self.calls.append("close")


class Reports:
    """What a player told: ready, or failures with their reasons."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.failures: list[str] = []
        self.failed = threading.Event()

    def on_ready(self) -> None:
        self.ready.set()

    def on_failure(self, reason: str) -> None:
        self.failures.append(reason)
        self.failed.set()


def make_player(
    device: object, clips: dict[str, Clip] | None = None
) -> tuple[CuePlayer[str], Reports]:
    reports = Reports()

    def open_device() -> object:
        if isinstance(device, Exception):
            raise device
        return device

    player: CuePlayer[str] = CuePlayer(
        clips if clips is not None else {"tick": Clip(pcm(*range(1, 101)))},
        reports.on_ready,
        reports.on_failure,
        open_device,  # type: ignore[arg-type]
        name="test-sound",
    )
    player.start()
    return player, reports


def in_a_thread(work: object, timeout: float = 5.0) -> bool:
    """Runs ``work`` in a thread; True if it returned within ``timeout`` (it never blocked)."""
    thread = threading.Thread(target=work, daemon=True)  # type: ignore[arg-type]
    thread.start()
    thread.join(timeout)
    return not thread.is_alive()


# ---------------------------------------------------------------------------- clips and mixing


def test_the_bundled_cues_read_as_clips_at_the_output_rate_and_volume_scales_them() -> None:
    for path in sorted(SOUNDS.glob("*.wav")):
        full = read_wav(path)
        assert (full.rate, full.channels) == (RATE, 1), path
        assert 0.05 < full.seconds < 0.6, path
        half = read_wav(path, 0.5)
        assert samples(half.pcm) == [int(value * 0.5) for value in samples(full.pcm)]
        assert max(map(abs, samples(full.pcm))) > 1000, path


def test_a_wav_that_cannot_be_used_is_no_sound(tmp_path: Path) -> None:
    eight_bit = tmp_path / "eight.wav"
    with wave.open(str(eight_bit), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * 100)
    (tmp_path / "text.wav").write_text("not a wav")
    for path, words in [
        (tmp_path / "missing.wav", "cannot be read"),
        (eight_bit, "not 16-bit"),
        (tmp_path / "text.wav", "cannot be read"),
    ]:
        with pytest.raises(NoSoundError, match=words):
            read_wav(path)


def test_the_mixer_passes_one_sound_through_and_mixes_two_with_clipping() -> None:
    mixer = Mixer()
    feed = mixer.feed()
    assert feed.send(4) == b""  # nothing playing: silence
    mixer.add(pcm(1, 2, 3, 4, 5))
    assert mixer.frames_left == 5
    assert samples(feed.send(3)) == [1, 2, 3]
    assert samples(feed.send(3)) == [4, 5]  # the rest; the output fills silence
    assert mixer.frames_left == 0
    mixer.add(pcm(30000, 30000, 100, -30000))
    mixer.add(pcm(10000, -10000, 1, -10000, 7))
    assert mixer.frames_left == 5
    assert samples(feed.send(10)) == [32767, 20000, 101, -32768, 7]


# ---------------------------------------------------------------------------- the worker thread


def test_a_cue_is_played_through_the_output_which_stops_once_it_has_ended() -> None:
    device = FakeDevice()
    player, reports = make_player(device)
    assert reports.ready.wait(5)
    player.play("tick")
    wait_for(lambda: device.calls == ["start"], "the output never started")
    assert samples(device.pull(60)) == list(range(1, 61))
    assert samples(device.pull(60)) == list(range(61, 101))
    # Idle: the output is stopped (it wakes nothing up between cues) and started again.
    wait_for(lambda: device.calls == ["start", "stop"], "the output was never stopped")
    player.play("tick")
    player.play("unknown")  # a name without a clip plays nothing
    wait_for(lambda: device.calls == ["start", "stop", "start"], "the output did not restart")
    assert samples(device.pull(200)) == list(range(1, 101))
    assert player.close()
    assert device.calls[-2:] == ["stop", "close"]
    assert reports.failures == []


def test_any_clip_can_be_played_in_the_output_format() -> None:
    device = FakeDevice()
    player, reports = make_player(device)
    assert reports.ready.wait(5)
    phrase = Clip(pcm(5, 6, 7), rate=22050)
    player.play_clip(phrase)
    wait_for(lambda: device.feed is not None, "the output never started")
    assert device.prepared[-1] == phrase
    assert samples(device.pull(10)) == [5, 6, 7]
    assert player.close()


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        (NoSoundError("no sound output found (-401)"), "no sound output found (-401)"),
        (RuntimeError("odd"), "the sound output failed to open (RuntimeError('odd'))"),
    ],
)
def test_no_output_is_reported_once_and_everything_after_is_silent(
    problem: Exception, reason: str
) -> None:
    player, reports = make_player(problem)
    assert reports.failed.wait(5)
    assert reports.failures == [reason]
    assert not reports.ready.is_set()
    assert player.failed
    player.play("tick")  # nothing happens, nothing raises
    assert player.close()


def test_an_output_that_cannot_start_is_reported_and_the_player_goes_quiet() -> None:
    device = FakeDevice(start_error="the sound output cannot start (-3)")
    player, reports = make_player(device)
    assert reports.ready.wait(5)
    player.play("tick")
    assert reports.failed.wait(5)
    assert reports.failures == ["the sound output cannot start (-3)"]
    player.play("tick")
    assert player.close()
    assert device.calls == ["close"]


def test_nothing_waits_for_an_output_that_hangs() -> None:
    """A sound server that never answers: opening and starting block, playing never does."""
    gate = threading.Event()
    opening = threading.Event()

    def hanging_open() -> FakeDevice:
        opening.set()
        gate.wait()
        return FakeDevice()

    reports = Reports()
    player: CuePlayer[str] = CuePlayer(
        {"tick": Clip(pcm(1))}, reports.on_ready, reports.on_failure, hanging_open
    )
    player.start()
    assert opening.wait(5)
    assert in_a_thread(lambda: [player.play("tick") for _ in range(1000)])
    assert not player.close(timeout=0.05)  # the worker is stuck; close does not wait for it
    gate.set()
    wait_for(lambda: not player._thread.is_alive(), "the worker did not end once released")
    assert not reports.ready.is_set()  # closed meanwhile: nothing to tell

    start_gate = threading.Event()
    device = FakeDevice(start_gate=start_gate)
    player, reports = make_player(device)
    assert reports.ready.wait(5)
    assert in_a_thread(lambda: [player.play("tick") for _ in range(1000)])
    start_gate.set()
    wait_for(lambda: device.feed is not None, "the output never started")
    assert player.close()


def test_a_listener_that_has_gone_away_does_not_break_the_worker() -> None:
    def gone(*_args: object) -> None:
        raise RuntimeError("Internal C++ object already deleted.")

    device = FakeDevice()
    player: CuePlayer[str] = CuePlayer({"tick": Clip(pcm(1))}, gone, gone, lambda: device)
    player.start()
    player.play("tick")
    wait_for(lambda: device.feed is not None, "the worker died with its listener")
    assert player.close()


def test_the_audio_module_imports_no_qt() -> None:
    code = (
        "import sys, desktop_app.audio\n"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)\n"
        "assert 'miniaudio' not in sys.modules  # loaded when an output is opened\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# ---------------------------------------------------------------------------- miniaudio itself


def test_miniaudio_comes_without_its_web_client_and_urllib_still_works() -> None:
    code = (
        "import sys\n"
        "from desktop_app.audio import import_miniaudio\n"
        "miniaudio = import_miniaudio()\n"
        "assert miniaudio.PlaybackDevice\n"
        "web = ('ssl', 'http.client', 'email', 'urllib.request')\n"
        "loaded = [m for m in web if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert miniaudio.urllib.request.Request.__module__ == 'urllib.request'\n"
        "import urllib.request, http.client\n"
        "assert urllib.request.Request is miniaudio.urllib.request.Request\n"
        "assert hasattr(http.client, 'HTTPSConnection')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_miniaudio_with_no_sound_server_is_no_sound_without_waiting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-server")
    failures: list[str] = []

    def open_pulse() -> None:
        try:
            MiniaudioDevice(backends=("PULSEAUDIO",)).close()
        except NoSoundError as exc:
            failures.append(str(exc))

    assert in_a_thread(open_pulse, timeout=10)
    assert len(failures) == 1
    assert failures[0].startswith("no sound output found")


def test_without_the_miniaudio_library_there_is_no_sound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "miniaudio", None)
    with pytest.raises(NoSoundError, match="the miniaudio library cannot be loaded"):
        MiniaudioDevice()


def test_a_cue_reaches_a_real_pulseaudio_sink(
    null_sink: NullSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", null_sink.server)
    devices: list[MiniaudioDevice] = []

    def open_device() -> MiniaudioDevice:
        devices.append(MiniaudioDevice(backends=("PULSEAUDIO",)))
        return devices[-1]

    reports = Reports()
    clip = read_wav(SOUNDS / "hold-started.wav")
    player: CuePlayer[str] = CuePlayer(
        {"start": clip}, reports.on_ready, reports.on_failure, open_device
    )
    player.start()
    assert reports.ready.wait(10), reports.failures
    assert devices[0].backend == "PulseAudio"
    with null_sink.recording() as raw:
        assert loudest(raw) < 100  # silence before
        player.play("start")
        wait_for(lambda: loudest(raw) > 1000, "the cue never reached the sink")
    # A phrase at another rate (espeak-ng speaks at 22,050 Hz) is converted and heard too.
    half_rate = Clip(pcm(*samples(clip.pcm)[::2]), rate=22050)
    with null_sink.recording() as raw:
        player.play_clip(half_rate)
        wait_for(lambda: loudest(raw) > 1000, "the converted clip never reached the sink")
    assert player.close()
    assert reports.failures == []


def test_running_the_app_needs_no_pyside6_addons() -> None:
    """Addons (418 MiB with QtWebEngine) came in for QSoundEffect alone; sound is miniaudio now."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [
        dependency.split(">")[0].split("=")[0].split("!")[0].strip().lower()
        for dependency in project["dependencies"]
    ]
    assert "miniaudio" in names
    assert not {"pyside6", "pyside6-addons"} & set(names), names


def test_set_volume_scales_what_is_played_next() -> None:
    device = FakeDevice()
    player, reports = make_player(device, {"tick": Clip(pcm(1000, -2000, 3000))})
    try:
        assert reports.ready.wait(5)
        player.set_volume(0.5)
        player.play("tick")
        wait_for(lambda: device.feed is not None, "the output never started")
        assert samples(device.pull(3)) == [500, -1000, 1500]
        player.set_volume(7)  # clamped to 1
        assert player.volume == 1.0
        player.set_volume(-1)
        assert player.volume == 0.0
    finally:
        player.close()
