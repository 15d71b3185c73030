"""Speech: espeak-ng as the engine, the player's speech lane (never over a tone, never stale)."""

from __future__ import annotations

import array
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import pytest

from desktop_app.audio import RATE, Clip, CuePlayer, Mixer, Render, SpeechMode
from desktop_app.speech import (
    NOT_FOUND,
    RENDER_TIMEOUT_S,
    EspeakEngine,
    Speaker,
    SpeechError,
    Voice,
    english_voice_for,
    parse_voices,
    wav_clip,
    words_per_minute,
)
from tests.conftest import REPO
from tests.fake_speech import FakeSpeechEngine
from tests.null_sink import wait_for
from tests.test_audio import FakeDevice, Reports, pcm, samples

VOICES = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  af              --/M      Afrikaans          gmw/af
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)
 5  variant         --/F      Alicia             !v/Alicia
 5  yue             --/M      Chinese_(Cantonese) sit/yue              (zh-yue 5)(zh 8)
 5  yue             --/M      Chinese_(Cantonese,_latin_as_Jyutping) sit/yue-Latn-jyutping (zh 8)
"""


def streamed_wav(frames: Sequence[int], rate: int = 22050) -> bytes:
    """A WAV as espeak-ng writes it to a pipe: its sizes say 0x7FFFFFFF (not known yet)."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    data = array.array("h", frames).tobytes()
    return (
        b"RIFF"
        + struct.pack("<I", 0x7FFFFFFF)
        + b"WAVEfmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", 0x7FFFFFFF)
        + data
    )


# ---------------------------------------------------------------------- espeak-ng's words


def test_voices_are_read_from_the_listing_without_mbrola_or_variants() -> None:
    voices = parse_voices(VOICES)
    assert voices == (
        Voice("af", "Afrikaans", "af", "M"),
        Voice("en-gb", "English (Great Britain)", "en-gb", "M"),
        Voice("en-us", "English (America)", "en-us", "M"),
        Voice("yue", "Chinese (Cantonese)", "yue", "M"),
        # A second voice of one language is told apart by its file.
        Voice("sit/yue-Latn-jyutping", "Chinese (Cantonese, latin as Jyutping)", "yue", "M"),
    )
    assert parse_voices("") == ()


def test_the_rate_is_a_percentage_of_the_default_speed_within_half_either_way() -> None:
    assert words_per_minute(0) == 175
    assert words_per_minute(50) == 262
    assert words_per_minute(-50) == 88
    assert words_per_minute(400) == 262
    assert words_per_minute(-400) == 88


def test_with_no_voice_chosen_english_is_spoken_in_the_systems_own_variety() -> None:
    voices = parse_voices(VOICES)
    assert english_voice_for({"LANG": "en_US.UTF-8"}, voices) == "en-us"
    assert english_voice_for({"LC_ALL": "en_GB.utf8", "LANG": "en_US.UTF-8"}, voices) == "en-gb"
    # The app's words are English: another language, or none, is espeak-ng's own English.
    assert english_voice_for({"LANG": "de_DE.UTF-8"}, voices) == ""
    assert english_voice_for({"LANG": "en_IE.UTF-8"}, voices) == ""
    assert english_voice_for({}, voices) == ""
    assert english_voice_for({"LANG": "C.UTF-8"}, voices) == ""


def test_a_streamed_wav_is_every_sample_after_its_header() -> None:
    clip = wav_clip(streamed_wav([1, -2, 3]))
    assert (clip.rate, clip.channels, samples(clip.pcm)) == (22050, 1, [1, -2, 3])
    # A WAV with real sizes, and an odd byte left over, reads the same.
    exact = bytearray(streamed_wav([4, 5]))
    struct.pack_into("<I", exact, 40, 4)
    assert samples(wav_clip(bytes(exact) + b"\x00").pcm) == [4, 5]
    for bad, words in [
        (b"", "not a WAV"),
        (b"RIFF\x00\x00\x00\x00WAVE", "no sound"),
        (streamed_wav([1])[:30], "no sound"),
        (streamed_wav([1]).replace(b"\x01\x00\x01\x00", b"\x03\x00\x01\x00", 1), "16-bit PCM"),
    ]:
        with pytest.raises(SpeechError, match=words):
            wav_clip(bad)


class FakeRun:
    """Stands in for subprocess.run: answers like espeak-ng, or fails as told."""

    def __init__(self, result: bytes = b"", error: Exception | None = None, code: int = 0) -> None:
        self.result = result
        self.error = error
        self.code = code
        self.calls: list[tuple[list[str], bytes | None, float]] = []

    def __call__(self, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append((args, kwargs.get("input"), kwargs["timeout"]))
        if self.error is not None:
            raise self.error
        if args[1:] == ["--voices"]:
            return subprocess.CompletedProcess(args, 0, VOICES.encode(), b"")
        stderr = b"Error: The specified espeak-ng voice does not exist.\n" if self.code else b""
        return subprocess.CompletedProcess(args, self.code, self.result, stderr)


def test_without_espeak_ng_the_engine_is_unavailable_and_says_why() -> None:
    run = FakeRun()
    engine = EspeakEngine(which=lambda _name: None, run=run)
    assert not engine.available()
    assert engine.reason == NOT_FOUND
    assert "apt-get install espeak-ng" in engine.reason
    assert engine.voices() == ()
    with pytest.raises(SpeechError, match="not installed"):
        engine.synthesise("Hold", "", 0)
    assert run.calls == []  # nothing was run


def test_a_phrase_is_rendered_by_espeak_ng_from_stdin_with_a_timeout() -> None:
    run = FakeRun(streamed_wav([7, 8, 9]))
    engine = EspeakEngine(
        which=lambda _name: "/usr/bin/espeak-ng", run=run, environ={"LANG": "en_US.UTF-8"}
    )
    assert engine.available()
    assert engine.reason == ""
    clip = engine.synthesise("-  Towel hamstring\nstretch ", "", 20)
    assert samples(clip.pcm) == [7, 8, 9]
    args, text, timeout = run.calls[-1]
    # The text goes in on stdin (a phrase starting with "-" is never read as an option).
    assert args == ["/usr/bin/espeak-ng", "--stdout", "--stdin", "-s", "210", "-v", "en-us"]
    assert text == b"- Towel hamstring stretch"
    assert timeout == RENDER_TIMEOUT_S
    engine.synthesise("Hold", "en-gb", 0)
    assert run.calls[-1][0][-2:] == ["-v", "en-gb"]
    assert len([c for c in run.calls if c[0][1:] == ["--voices"]]) == 1  # listed once


@pytest.mark.parametrize(
    ("run", "words"),
    [
        (FakeRun(error=subprocess.TimeoutExpired("espeak-ng", 5)), "did not answer within 5 s"),
        (FakeRun(error=PermissionError(13, "Permission denied")), "cannot be run"),
        (FakeRun(code=1), "voice does not exist"),
        (FakeRun(b"garbage"), "not a WAV"),
    ],
)
def test_a_phrase_that_cannot_be_rendered_is_a_speech_error(run: FakeRun, words: str) -> None:
    engine = EspeakEngine(which=lambda _name: "/usr/bin/espeak-ng", run=run, environ={})
    with pytest.raises(SpeechError, match=words):
        engine.synthesise("Hold", "en-gb", 0)


needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="needs espeak-ng (apt-get install espeak-ng)"
)


@needs_espeak
def test_espeak_ng_renders_a_phrase_to_sound_well_within_the_timeout() -> None:
    engine = EspeakEngine()
    assert engine.available()
    ids = {voice.id for voice in engine.voices()}
    assert {"en-gb", "en-us"} <= ids
    started = time.monotonic()
    clip = engine.synthesise("Towel hamstring stretch, left leg", "en-gb", 0)
    took = time.monotonic() - started
    assert took < RENDER_TIMEOUT_S
    assert (clip.channels, clip.rate) == (1, 22050)
    assert 1.0 < clip.seconds < 4.0  # the words, not silence and not the header's 0x7FFFFFFF
    assert max(map(abs, samples(clip.pcm))) > 3000
    faster = engine.synthesise("Towel hamstring stretch, left leg", "en-gb", 50)
    assert faster.seconds < clip.seconds * 0.8
    with pytest.raises(SpeechError, match="voice does not exist"):
        engine.synthesise("Hold", "zzz", 0)


# ---------------------------------------------------------------------- the speech lane


def test_speech_waits_while_a_tone_plays_and_is_never_mixed_with_it() -> None:
    mixer = Mixer()
    feed = mixer.feed()
    mixer.add(pcm(9, 9, 9))
    assert mixer.speak(pcm(1, 2, 3, 4), mixer.generation, "now")
    assert mixer.frames_left == 7
    assert samples(feed.send(2)) == [9, 9]
    assert samples(feed.send(2)) == [9]  # the tone's end; the phrase waits for the next period
    assert samples(feed.send(2)) == [1, 2]
    mixer.add(pcm(8))  # a tone in the middle of a phrase holds the phrase
    assert samples(feed.send(2)) == [8]
    assert samples(feed.send(5)) == [3, 4]
    assert mixer.frames_left == 0


def test_a_new_phrase_cuts_off_the_last_and_stale_or_late_ones_are_left_out() -> None:
    mixer = Mixer()
    feed = mixer.feed()
    first = mixer.generation
    assert mixer.speak(pcm(1, 1, 1, 1), first, "now")
    assert mixer.speak(pcm(2, 2), first, "after")
    assert not mixer.speak(pcm(3), first, "if_idle")  # something is being said: left out
    assert samples(feed.send(1)) == [1]
    second = mixer.hush()  # what a new "now" phrase does before it is rendered
    assert not mixer.speaking
    assert not mixer.speak(pcm(2, 2), first, "after")  # the rest of the old reading: stale
    assert mixer.speak(pcm(5, 5), second, "now")
    assert samples(feed.send(4)) == [5, 5]
    assert mixer.speak(pcm(6), second, "if_idle")  # nothing being said: said
    assert samples(feed.send(4)) == [6]


class Lane:
    """A real player on a fake output, saying what a fake engine renders."""

    def __init__(self, engine: FakeSpeechEngine | None = None) -> None:
        self.device = FakeDevice()
        self.reports = Reports()
        self.tone = [30000] * 441  # 10 ms
        self.player: CuePlayer[str] = CuePlayer(
            {"tone": Clip(pcm(*self.tone))},
            self.reports.on_ready,
            self.reports.on_failure,
            lambda: self.device,
            name="test-speech",
        )
        self.engine = engine or FakeSpeechEngine()
        self.speaker = Speaker(self.engine, self.player)
        self.player.start()
        assert self.reports.ready.wait(5)

    def heard(self, frames: int = RATE * 5) -> list[int]:
        """Everything the output plays from now on, a period of 20 ms at a time."""
        out: list[int] = []
        wait_for(lambda: self.device.feed is not None, "the output never started")
        while len(out) < frames:
            feed = self.device.feed
            if feed is None:
                break
            period = samples(feed.send(882))
            if not period and not self.player.speaking:
                break
            out += period
        return out

    def close(self) -> None:
        assert self.player.close()


def runs(levels: list[int]) -> list[int]:
    """The levels heard in order, each run once (a phrase is one constant level)."""
    out: list[int] = []
    for value in levels:
        if not out or out[-1] != value:
            out.append(value)
    return out


def test_a_cue_sounds_its_tone_then_its_phrase_and_a_new_cue_drops_the_stale_one() -> None:
    lane = Lane()
    engine = lane.engine
    lane.player.play("tone")
    lane.speaker.say(["Hold."])
    wait_for(lambda: lane.player.speaking, "the phrase was never queued")
    heard = runs(lane.heard())
    assert heard == [30000, engine.level("Hold.")]  # the tone whole, then the phrase
    # A phrase cut off by the next cue: the old reading's later sentences are never heard.
    lane.speaker.say(["Towel hamstring stretch, left leg.", "Loop the towel round your foot."])
    wait_for(lambda: lane.player.speaking, "the reading was never queued")
    lane.speaker.say(["Rest."])
    wait_for(lambda: engine.said[-1] == "Rest.", "the new phrase was never rendered")
    wait_for(lambda: lane.player.speaking, "the new phrase was never queued")
    heard = runs(lane.heard())
    assert engine.level("Loop the towel round your foot.") not in heard
    assert heard[-1] == engine.level("Rest.")
    lane.close()


def test_halfway_is_left_out_rather_than_said_late_and_hush_silences_at_once() -> None:
    lane = Lane()
    engine = lane.engine
    lane.speaker.say(["Towel hamstring stretch, left leg."])
    wait_for(lambda: lane.player.speaking, "the phrase was never queued")
    lane.speaker.say(["Halfway."], "if_idle")
    lane.player.play("tone")  # the queue is worked through in order: this comes after
    wait_for(lambda: len(lane.device.prepared) >= 2, "the tone never came through")
    assert "Halfway." not in engine.said  # not even rendered
    lane.speaker.hush()
    assert not lane.player.speaking
    assert engine.level("Towel hamstring stretch, left leg.") not in runs(lane.heard())
    lane.close()


def test_a_phrase_that_fails_is_left_out_logged_once_and_the_tones_go_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lane = Lane(FakeSpeechEngine(fail_on="Hold"))
    with caplog.at_level("INFO", logger="desktop_app.speech"):
        for tries in (1, 2):
            lane.speaker.say(["Hold."])
            wait_for(lambda: lane.speaker.failures == tries, "the phrase was never rendered")  # noqa: B023
        lane.player.play("tone")
        assert runs(lane.heard()) == [30000]
    assert [r.getMessage() for r in caplog.records] == ["a phrase was left out: cannot say 'Hold.'"]
    assert lane.reports.failures == []
    lane.close()


class Recorder:
    """A speech sink that renders at once (as the worker would) and keeps the clips."""

    def __init__(self) -> None:
        self.clips: list[Clip | None] = []
        self.modes: list[SpeechMode] = []

    def say(self, renders: Sequence[Render], mode: SpeechMode = "now") -> None:
        self.modes.append(mode)
        self.clips += [render() for render in renders]

    def hush(self) -> None:
        self.modes.append("hush")  # type: ignore[arg-type]


def test_the_speaker_uses_the_voice_chosen_when_it_speaks_and_keeps_short_phrases() -> None:
    engine = FakeSpeechEngine()
    sink = Recorder()

    class Choice:
        speech_voice = "en-gb"
        speech_rate = 0

    choice = Choice()
    speaker = Speaker(engine, sink, lambda: choice, volume=0.5)
    speaker.say(["Hold.", "", "Rest."])
    speaker.say(["Hold."])
    assert engine.calls == [("Hold.", "en-gb", 0), ("Rest.", "en-gb", 0)]  # "Hold." kept
    clip = sink.clips[0]
    assert clip is not None
    assert samples(clip.pcm)[0] == engine.level("Hold.") // 2
    choice.speech_rate = 30
    speaker.say(["Hold."])
    assert engine.calls[-1] == ("Hold.", "en-gb", 30)
    long = "Towel hamstring stretch, left leg."
    speaker.say([long])
    speaker.say([long])
    assert [call[0] for call in engine.calls].count(long) == 2
    speaker.say([])
    assert sink.modes == ["now"] * 5


def test_the_speech_module_imports_no_qt() -> None:
    code = (
        "import sys; import desktop_app.speech, desktop_app.cues;"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
