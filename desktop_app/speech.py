"""Spoken phrases without Qt: espeak-ng renders each one to sound that audio's player plays.

Why espeak-ng's ``--stdout`` (Debian's ``espeak-ng``, 13 MiB) and not QtTextToSpeech or Speech
Dispatcher: QtTextToSpeech comes in PySide6-Addons (418 MiB), and Speech Dispatcher plays by
itself and never says when a phrase has ended when there is no sound output, so tones and
speech could not be kept apart. Rendered here, a phrase is a :class:`~desktop_app.audio.Clip`
like any tone and goes through the same player, which knows its length and never plays it over
a tone. README's "Sound and speech: what was measured" has the figures.

:class:`EspeakEngine` finds the program with :func:`shutil.which`; without it the engine says
so (:meth:`EspeakEngine.available`, :attr:`EspeakEngine.reason`) and nothing is said. Each
phrase is one short ``espeak-ng`` process (20–40 ms) with a timeout, always run in the sound
player's worker thread, never the window's. :class:`Speaker` joins an engine to a player and
to the person's choice of voice and speed.
"""

from __future__ import annotations

import logging
import os
import shutil
import struct
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from desktop_app.audio import Clip, Render, SpeechMode, scaled

log = logging.getLogger(__name__)

PROGRAM = "espeak-ng"
RENDER_TIMEOUT_S = 5.0
"""A phrase that espeak-ng has not rendered by then is left out (it takes 20–40 ms)."""
VOICES_TIMEOUT_S = 5.0
BASE_WORDS_PER_MINUTE = 175
"""espeak-ng's own default speed: a rate of 0 %."""
RATE_LIMIT = 50
"""The speed is set from -50 % to +50 % of the default."""
MAX_TEXT = 2000
"""Longer text is cut (a phrase of the app is a sentence; this is only a guard)."""
CACHE_ENTRIES = 16
CACHE_TEXT = 16
"""Phrases up to this long are kept once rendered: "Hold", "Rest", "Halfway" and the counts,
said again and again (about 200 KiB). Longer ones are rendered each time (15–40 ms): kept, the
stretch names alone took 1–1.6 MiB for a bundled routine."""
NOT_FOUND = "espeak-ng is not installed (Debian: apt-get install espeak-ng)"


class SpeechError(Exception):
    """A phrase could not be rendered; the message says why (for the log)."""


@dataclass(frozen=True)
class Voice:
    """One voice of the engine: ``id`` is what the engine takes (``en-gb``)."""

    id: str
    name: str
    language: str
    gender: str = ""


class SpeechEngine(Protocol):
    """What speaks: a real engine (:class:`EspeakEngine`) or a test's fake one."""

    @property
    def reason(self) -> str:
        """Why the engine cannot speak, for the person; empty when it can."""
        ...

    def available(self) -> bool: ...

    def voices(self) -> tuple[Voice, ...]:
        """Every voice the engine has (empty when it is not available)."""
        ...

    def synthesise(self, text: str, voice: str, rate: int) -> Clip:
        """``text`` as sound; blocks (call it from a worker). Raises :class:`SpeechError`.

        ``voice``: a :attr:`Voice.id`, or empty for the default; ``rate``: -50 to +50 (%).
        """
        ...


@dataclass(frozen=True)
class UnavailableEngine:
    """No speech engine, and why."""

    reason: str

    def available(self) -> bool:
        return False

    def voices(self) -> tuple[Voice, ...]:
        return ()

    def synthesise(self, text: str, voice: str, rate: int) -> Clip:
        raise SpeechError(self.reason)


# ---------------------------------------------------------------------- espeak-ng


def words_per_minute(rate: int) -> int:
    """espeak-ng's ``-s`` for a rate in percent of its default speed (clamped to ±50 %)."""
    rate = max(-RATE_LIMIT, min(RATE_LIMIT, rate))
    return round(BASE_WORDS_PER_MINUTE * (100 + rate) / 100)


def parse_voices(text: str) -> tuple[Voice, ...]:
    """The voices ``espeak-ng --voices`` lists (a header, then one fixed-column line each).

    Columns: priority, language, age/gender, name (underscores for spaces), file, other
    languages. The language is the voice's id; two voices of one language (Cantonese) are
    told apart by their file. MBROLA voices are left out: they need the separate ``mbrola``
    program and its data, and fail without them.
    """
    voices: list[Voice] = []
    seen: set[str] = set()
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        language, gender_field, name, file = fields[1], fields[2], fields[3], fields[4]
        if file.startswith("mb/") or language == "variant":
            continue
        voice_id = file if language in seen else language
        seen.add(language)
        gender = gender_field.rpartition("/")[2]
        voices.append(
            Voice(
                id=voice_id,
                name=name.replace("_", " "),
                language=language,
                gender=gender if gender in ("M", "F") else "",
            )
        )
    return tuple(voices)


def english_voice_for(environ: Mapping[str, str], voices: Sequence[Voice]) -> str:
    """The voice used when none is chosen: English (the app's words are English), in the
    system's own variety when its language is English (``en_GB.UTF-8`` → ``en-gb``), else
    the engine's own default (empty)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            break
    else:
        return ""
    tag = value.split(".")[0].split("@")[0].replace("_", "-").lower()
    if not tag.startswith("en-"):
        return ""
    ids = {voice.id for voice in voices}
    return tag if tag in ids else ""


def wav_clip(data: bytes) -> Clip:
    """A 16-bit PCM WAV as a :class:`Clip`, also as espeak-ng streams it to a pipe.

    espeak-ng writes the header before it knows the length (sizes of 0x7FFFFFFF): the
    samples are simply everything after the ``data`` chunk's header.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("the engine's output is not a WAV file")
    offset = 12
    rate = channels = bits = 0
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if chunk == b"fmt ":
            if body + 16 > len(data):
                break
            kind, channels, rate = struct.unpack_from("<HHI", data, body)
            bits = struct.unpack_from("<H", data, body + 14)[0]
            if kind != 1 or bits != 16 or channels < 1 or rate < 1:
                raise SpeechError(f"the engine's WAV is not 16-bit PCM ({kind}, {bits} bits)")
        elif chunk == b"data":
            if not rate:
                break
            end = len(data) if size >= len(data) - body else body + size
            frame = 2 * channels
            pcm = data[body:end]
            return Clip(pcm[: len(pcm) // frame * frame], rate, channels)
        offset = body + size + (size & 1)
    raise SpeechError("the engine's WAV has no sound in it")


class EspeakEngine:
    """Speech through the ``espeak-ng`` program (found on ``PATH``)."""

    def __init__(
        self,
        which: Callable[[str], str | None] = shutil.which,
        run: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self._program = which(PROGRAM)
        self._run = run
        self._environ = environ
        self._voices: tuple[Voice, ...] | None = None
        self._default_voice: str | None = None
        self._lock = threading.Lock()
        self.reason = "" if self._program else NOT_FOUND

    def available(self) -> bool:
        return self._program is not None

    def _call(self, arguments: Sequence[str], text: str | None, timeout: float) -> bytes:
        if self._program is None:
            raise SpeechError(NOT_FOUND)
        try:
            done = self._run(
                [self._program, *arguments],
                input=None if text is None else text.encode("utf-8"),
                stdin=subprocess.DEVNULL if text is None else None,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng did not answer within {timeout:g} s") from None
        except OSError as exc:
            raise SpeechError(f"espeak-ng cannot be run ({exc})") from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            why = said[0] if said else f"exit code {done.returncode}"
            raise SpeechError(f"espeak-ng failed: {why}")
        return done.stdout

    def voices(self) -> tuple[Voice, ...]:
        """The voices (asked once, then remembered); empty when espeak-ng cannot list them."""
        with self._lock:
            if self._voices is None:
                try:
                    listing = self._call(["--voices"], None, VOICES_TIMEOUT_S)
                    self._voices = parse_voices(listing.decode("utf-8", "replace"))
                except SpeechError as exc:
                    log.info("speech voices not listed: %s", exc)
                    self._voices = ()
            return self._voices

    def default_voice(self) -> str:
        """The voice an empty choice means (see :func:`english_voice_for`)."""
        if self._default_voice is None:
            self._default_voice = english_voice_for(self._environ, self.voices())
        return self._default_voice

    def synthesise(self, text: str, voice: str, rate: int) -> Clip:
        text = " ".join(text.split())[:MAX_TEXT]
        if not text:
            raise SpeechError("nothing to say")
        chosen = voice or self.default_voice()
        arguments = ["--stdout", "--stdin", "-s", str(words_per_minute(rate))]
        if chosen:
            arguments += ["-v", chosen]
        return wav_clip(self._call(arguments, text, RENDER_TIMEOUT_S))


# ---------------------------------------------------------------------- speaking


class SpeechSink(Protocol):
    """Where rendered phrases are played: :class:`desktop_app.audio.CuePlayer` (or a fake)."""

    def say(self, renders: Sequence[Render], mode: SpeechMode = "now") -> None: ...

    def hush(self) -> None: ...


class VoiceChoice(Protocol):
    """The person's choice of voice and speed (the preferences model has these fields)."""

    @property
    def speech_voice(self) -> str: ...

    @property
    def speech_rate(self) -> int: ...


@dataclass(frozen=True)
class DefaultVoice:
    speech_voice: str = ""
    speech_rate: int = 0


class Speaker:
    """Says phrases through a player, in the voice and at the speed chosen when each is said.

    Rendering happens in the player's worker; the short phrases said again and again are kept
    once rendered, so "Hold" costs one espeak-ng run a session. A phrase that cannot be
    rendered is logged (once per reason) and left out: tones and the session go on.
    """

    def __init__(
        self,
        engine: SpeechEngine,
        sink: SpeechSink,
        choice: Callable[[], VoiceChoice] = DefaultVoice,
        volume: float = 1.0,
    ) -> None:
        self.engine = engine
        self.sink = sink
        self._choice = choice
        self.volume = volume
        self._cache: OrderedDict[tuple[str, str, int, float], Clip] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._reported: set[str] = set()
        self.failures = 0

    def say(self, phrases: Sequence[str], mode: SpeechMode = "now") -> None:
        """Says ``phrases`` one after the other (see :data:`~desktop_app.audio.SpeechMode`)."""
        choice = self._choice()
        voice, rate, volume = choice.speech_voice, choice.speech_rate, self.volume
        renders = [partial(self._render, text, voice, rate, volume) for text in phrases if text]
        if renders:
            self.sink.say(renders, mode)

    def hush(self) -> None:
        self.sink.hush()

    def _render(self, text: str, voice: str, rate: int, volume: float) -> Clip | None:
        key = (text, voice, rate, volume)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        try:
            clip = self.engine.synthesise(text, voice, rate)
        except SpeechError as exc:
            self.failures += 1
            reason = str(exc)
            if reason not in self._reported:
                self._reported.add(reason)
                log.info("a phrase was left out: %s", reason)
            return None
        if volume < 1.0:
            clip = Clip(scaled(clip.pcm, volume), clip.rate, clip.channels)
        if len(text) <= CACHE_TEXT:
            with self._cache_lock:
                self._cache[key] = clip
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return clip
