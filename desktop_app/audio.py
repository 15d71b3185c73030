"""Plays short sounds (cue tones and spoken phrases) without Qt and without blocking the caller.

Why not QtMultimedia: its one class the app needs, QSoundEffect, comes in PySide6-Addons (418 MiB
installed, with QtWebEngine, Qt3D, QML and FFmpeg) and adds about 19 MiB to the running app.
`miniaudio <https://pypi.org/project/miniaudio/>`_ (one 1.6 MB library, through cffi) plays to
PulseAudio (PipeWire's too) or ALSA; it loads ``libpulse.so.0`` and ``libasound.so.2`` itself
when it opens a device, so nothing is linked at import time. README's "What was measured" has
the figures.

:class:`CuePlayer` owns one worker thread. :meth:`CuePlayer.play` only puts a name in a queue:
opening the output (which can be slow or, with a sound server that does not answer, never end),
starting and stopping it all happen in the worker. The output runs only while a sound plays and
is stopped again soon after, so an idle player wakes nothing up. Sounds that overlap are mixed.

Speech has a lane of its own (:meth:`CuePlayer.say`): a phrase is rendered to sound in the
worker (by a callable the caller gives, such as :mod:`desktop_app.speech`'s espeak-ng), and
played only while no tone is playing: a tone that comes in the middle of a phrase holds the
phrase until the tone has ended, so the two never sound over each other. A new phrase said
``"now"`` cuts off what was being said and drops what was waiting to be said, at once (on the
caller's thread), so nothing stale is ever heard: "Hold" after the hold has ended, say.

No sound is a normal state: no library, no server, no device, or an output that fails later are
reported once through ``on_failure`` with a reason (for the log), and everything after that is
silent. The device is injected (``open_device``), so tests use a fake one.
"""

from __future__ import annotations

import array
import atexit
import contextlib
import ctypes
import logging
import queue
import sys
import threading
import wave
import weakref
from collections.abc import Callable, Generator, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, Literal, Protocol, TypeVar

log = logging.getLogger(__name__)

RATE = 44100
"""The output's sample rate: the cue WAVs' own, so they are played as they are."""
CHANNELS = 1
SAMPLE_BYTES = 2
"""Signed 16-bit little-endian samples throughout."""
PERIOD_MS = 20
"""The output asks for sound every 20 ms while it runs: a tick is at most that late."""
DRAIN_S = 0.25
"""How long the output keeps running after the last sound ended, so what it buffered is heard."""
CLOSE_TIMEOUT_S = 1.0

Feed = Generator[bytes, int, None]
"""What an output pulls sound from: sent a number of frames, yields up to that many as bytes."""


SpeechMode = Literal["now", "if_idle", "after"]
"""How a phrase meets speech already playing or waiting to play.

``now``: cuts it off and drops it (a new cue: what was being said is stale).
``if_idle``: said only if nothing else is being said, else left out ("Halfway", a count:
late, they would be wrong).
``after``: follows it (the next sentence of one reading).
"""

Render = Callable[[], "Clip | None"]
"""Makes a phrase's sound; called in the player's worker. ``None``: nothing to say after all."""


class NoSoundError(Exception):
    """There is no way to play sound here; the message says why (for the log)."""


@dataclass(frozen=True)
class Clip:
    """A sound in memory: signed 16-bit little-endian PCM."""

    pcm: bytes
    rate: int = RATE
    channels: int = CHANNELS

    @property
    def frames(self) -> int:
        return len(self.pcm) // (SAMPLE_BYTES * self.channels)

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def scaled(pcm: bytes, volume: float) -> bytes:
    """``pcm`` (16-bit samples) at ``volume`` (0 to 1)."""
    if volume >= 1.0:
        return pcm
    samples = _samples(pcm)
    for index, value in enumerate(samples):
        samples[index] = int(value * volume)
    return _pcm(samples)


def read_wav(path: Path, volume: float = 1.0) -> Clip:
    """A 16-bit PCM WAV file as a :class:`Clip`; raises :class:`NoSoundError` if it cannot be."""
    try:
        with wave.open(str(path), "rb") as sound:
            if sound.getsampwidth() != SAMPLE_BYTES:
                raise NoSoundError(f"{path} is not 16-bit PCM")
            pcm = sound.readframes(sound.getnframes())
            return Clip(scaled(pcm, volume), sound.getframerate(), sound.getnchannels())
    except (OSError, EOFError, wave.Error) as exc:
        raise NoSoundError(f"{path} cannot be read ({exc})") from None


def _samples(pcm: bytes) -> array.array[int]:
    samples = array.array("h", pcm[: len(pcm) // SAMPLE_BYTES * SAMPLE_BYTES])
    if sys.byteorder == "big":  # pragma: no cover - WAV samples are little-endian
        samples.byteswap()
    return samples


def _pcm(samples: array.array[int]) -> bytes:
    if sys.byteorder == "big":  # pragma: no cover
        samples.byteswap()
    return samples.tobytes()


class Mixer:
    """The sounds playing now; the output's thread takes frames from it, any thread adds to it.

    Tones (:meth:`add`) are mixed together. Speech (:meth:`speak`) waits while any tone plays
    and goes on after it; each new ``now`` phrase starts a new *generation*, and a phrase of an
    older generation is never played (see :data:`SpeechMode`).
    """

    def __init__(self, channels: int = CHANNELS) -> None:
        self._frame_bytes = SAMPLE_BYTES * channels
        self._lock = threading.Lock()
        self._voices: list[memoryview] = []
        self._speech: list[memoryview] = []
        self._generation = 0

    def add(self, pcm: bytes) -> None:
        if pcm:
            with self._lock:
                self._voices.append(memoryview(pcm))

    def clear(self) -> None:
        with self._lock:
            self._voices = []
            self._speech = []

    # ------------------------------------------------------------------ speech

    @property
    def generation(self) -> int:
        with self._lock:
            return self._generation

    def hush(self) -> int:
        """Cuts off what is being said, drops what waits; returns the new generation."""
        with self._lock:
            self._generation += 1
            self._speech = []
            return self._generation

    @property
    def speaking(self) -> bool:
        """Something is being said or waits to be said (also while a tone holds it)."""
        with self._lock:
            return bool(self._speech)

    def speak(self, pcm: bytes, generation: int, mode: SpeechMode) -> bool:
        """Queues a phrase's sound; False when it is stale or, ``if_idle``, not wanted now."""
        with self._lock:
            if generation != self._generation or (mode == "if_idle" and self._speech):
                return False
            if mode == "now":
                self._speech = []
            if pcm:
                self._speech.append(memoryview(pcm))
            return True

    # ------------------------------------------------------------------ the output's side

    @property
    def frames_left(self) -> int:
        with self._lock:
            tones = max((len(voice) for voice in self._voices), default=0)
            speech = sum(len(part) for part in self._speech)
            return (tones + speech) // self._frame_bytes

    def take(self, frames: int) -> bytes:
        """The next ``frames`` frames (fewer when everything ends sooner; the rest is silence).

        While a tone plays, speech waits: the two are never mixed.
        """
        size = frames * self._frame_bytes
        with self._lock:
            if not self._voices:
                return self._take_speech(size)
            parts = [voice[:size] for voice in self._voices]
            self._voices = [voice[size:] for voice in self._voices if len(voice) > size]
        if len(parts) <= 1:
            return bytes(parts[0]) if parts else b""
        longest = max(len(part) for part in parts) // SAMPLE_BYTES
        mixed = array.array("i", bytes(4 * longest))
        for part in parts:
            for index, value in enumerate(_samples(bytes(part))):
                mixed[index] += value
        return _pcm(array.array("h", (max(-32768, min(32767, value)) for value in mixed)))

    def _take_speech(self, size: int) -> bytes:
        # Called with the lock held.
        parts: list[bytes] = []
        while size > 0 and self._speech:
            head = self._speech[0]
            part = head[:size]
            parts.append(bytes(part))
            size -= len(part)
            if len(head) > len(part):
                self._speech[0] = head[len(part) :]
            else:
                self._speech.pop(0)
        return b"".join(parts)

    def feed(self) -> Feed:
        """A started generator for the output (it sends the number of frames it wants)."""
        feed = self._feed()
        next(feed)
        return feed

    def _feed(self) -> Feed:
        frames = yield b""
        while True:
            frames = yield self.take(frames)


class Device(Protocol):
    """An open sound output (see :class:`MiniaudioDevice`)."""

    def prepare(self, clip: Clip) -> bytes:
        """``clip``'s sound in the output's own format."""
        ...

    def start(self, feed: Feed) -> None:
        """Starts pulling sound from ``feed``; raises :class:`NoSoundError` if it cannot."""
        ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class MiniaudioDevice:
    """The default output through miniaudio: PulseAudio (or PipeWire's), else ALSA.

    Never miniaudio's "null" output, which would take sound and play nothing.
    """

    BACKENDS = ("PULSEAUDIO", "ALSA")

    def __init__(
        self, rate: int = RATE, channels: int = CHANNELS, backends: tuple[str, ...] = BACKENDS
    ) -> None:
        try:
            miniaudio = import_miniaudio()
        except Exception as exc:  # ImportError, or cffi's OSError when its library is broken
            raise NoSoundError(f"the miniaudio library cannot be loaded ({exc})") from None
        self._miniaudio = miniaudio
        self.rate = rate
        self.channels = channels
        _quiet_alsa()
        try:
            self._device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=channels,
                sample_rate=rate,
                buffersize_msec=PERIOD_MS,
                backends=[miniaudio.Backend[name] for name in backends],
                app_name="Stretch Timer",
            )
        except miniaudio.MiniaudioError as exc:
            raise NoSoundError(f"no sound output found ({_words(exc)})") from None
        self.backend: str = self._device.backend

    def prepare(self, clip: Clip) -> bytes:
        if (clip.rate, clip.channels) == (self.rate, self.channels):
            return clip.pcm
        sample = self._miniaudio.SampleFormat.SIGNED16
        return bytes(
            self._miniaudio.convert_frames(
                sample, clip.channels, clip.rate, clip.pcm, sample, self.channels, self.rate
            )
        )

    def start(self, feed: Feed) -> None:
        try:
            self._device.start(feed)
        except self._miniaudio.MiniaudioError as exc:
            raise NoSoundError(f"the sound output cannot start ({_words(exc)})") from None

    def stop(self) -> None:
        with contextlib.suppress(self._miniaudio.MiniaudioError):
            self._device.stop()

    def close(self) -> None:
        self._device.close()


def import_miniaudio() -> ModuleType:
    """``import miniaudio``, without the web client it imports for internet radio.

    miniaudio's module starts with ``import urllib.request`` (used only by its IceCast client),
    which brings in ``http.client``, ``email`` and ``ssl`` with OpenSSL: 9.6 MiB of memory this
    app never uses. While miniaudio is imported, ``urllib.request`` is a stand-in that imports
    the real module on first use; afterwards the next ``import urllib.request`` anywhere loads
    the real one as usual.
    """
    if "miniaudio" in sys.modules or "urllib.request" in sys.modules:
        import miniaudio

        return miniaudio
    import urllib

    def real_attribute(name: str) -> object:
        import importlib

        return getattr(importlib.import_module("urllib.request"), name)

    stand_in = ModuleType("urllib.request")
    stand_in.__getattr__ = real_attribute  # type: ignore[method-assign]
    sys.modules["urllib.request"] = stand_in
    try:
        import miniaudio
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]
    if getattr(urllib, "request", None) is None:
        urllib.request = stand_in
    return miniaudio


def _words(error: Exception) -> str:
    """miniaudio's error as words: ``failed to init device: -401``."""
    return ": ".join(str(arg) for arg in error.args)


_alsa_handler: object = None


def _quiet_alsa() -> None:
    """Keeps ALSA from printing a dozen lines to stderr when there is no sound card.

    miniaudio reports the failure itself; ALSA's own text says nothing more to the person.
    """
    global _alsa_handler  # one handler for the process, kept alive here
    if _alsa_handler is not None:
        return
    try:
        alsa = ctypes.CDLL("libasound.so.2")
    except OSError:
        _alsa_handler = False
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(lambda *_args: None)
    alsa.snd_lib_error_set_handler(handler)
    _alsa_handler = handler


Key = TypeVar("Key", bound=Hashable)


class _Close:
    pass


_CLOSE = _Close()


@dataclass(frozen=True)
class _Speech:
    renders: tuple[Render, ...]
    generation: int
    mode: SpeechMode


_players: weakref.WeakSet[CuePlayer[Any]] = weakref.WeakSet()


class CuePlayer(Generic[Key]):
    """Plays named clips (and any other clip) through one output, from its own thread.

    ``on_ready`` and ``on_failure`` are called from that thread: at most one of them, once,
    except that a player that was ready may fail later. After a failure it plays nothing.
    """

    def __init__(
        self,
        clips: Mapping[Key, Clip],
        on_ready: Callable[[], None],
        on_failure: Callable[[str], None],
        open_device: Callable[[], Device] = MiniaudioDevice,
        name: str = "sound",
    ) -> None:
        self._clips = dict(clips)
        self._on_ready = on_ready
        self._on_failure = on_failure
        self._open_device = open_device
        self._queue: queue.SimpleQueue[Key | Clip | _Speech | _Close] = queue.SimpleQueue()
        self._mixer = Mixer()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.failed = False
        self.closed = False
        self.volume = 1.0
        """0 to 1, applied to every clip played from now on (a float: read by the worker)."""

    def set_volume(self, volume: float) -> None:
        """Plays every later clip at ``volume`` (0 to 1); returns at once."""
        self.volume = min(1.0, max(0.0, volume))

    def start(self) -> None:
        _players.add(self)
        self._thread.start()

    def play(self, key: Key) -> None:
        """Plays the clip named ``key`` soon; returns at once."""
        if not (self.failed or self.closed):
            self._queue.put(key)

    def play_clip(self, clip: Clip) -> None:
        """Plays ``clip`` soon (a spoken phrase, say); returns at once."""
        if not (self.failed or self.closed):
            self._queue.put(clip)

    def say(self, renders: Sequence[Render], mode: SpeechMode = "now") -> None:
        """Says phrases soon, one after the other, after any tone playing; returns at once.

        Each of ``renders`` makes one phrase's sound in the worker (speech synthesis takes
        tens of milliseconds: never on the caller's thread). With ``mode="now"`` whatever was
        being said stops at once, before this call returns.
        """
        if self.failed or self.closed or not renders:
            return
        generation = self._mixer.hush() if mode == "now" else self._mixer.generation
        self._queue.put(_Speech(tuple(renders), generation, mode))

    def hush(self) -> None:
        """Stops what is being said and drops what waits to be said (tones play on)."""
        self._mixer.hush()

    @property
    def speaking(self) -> bool:
        return self._mixer.speaking

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """Stops and closes the output; True when the worker ended within ``timeout``."""
        self.closed = True
        self._queue.put(_CLOSE)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # ------------------------------------------------------------------ the worker thread

    def _run(self) -> None:
        try:
            device = self._open_device()
            prepared = {key: device.prepare(clip) for key, clip in self._clips.items()}
        except NoSoundError as exc:
            self._fail(str(exc))
            return
        except Exception as exc:  # an unexpected backend problem is still only "no sound"
            self._fail(f"the sound output failed to open ({exc!r})")
            return
        if self.closed:
            device.close()
            return
        self._notify(self._on_ready)
        try:
            self._serve(device, prepared)
        except Exception as exc:
            self._fail(f"the sound output failed ({exc!r})")
        finally:
            self._mixer.clear()
            with contextlib.suppress(Exception):
                device.close()

    def _serve(self, device: Device, prepared: Mapping[Key, bytes]) -> None:
        running = False
        while True:
            wait = self._mixer.frames_left / RATE + DRAIN_S if running else None
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                if self._mixer.frames_left == 0:
                    device.stop()
                    running = False
                continue
            if isinstance(item, _Close):
                if running:
                    device.stop()
                return
            if isinstance(item, _Speech):
                if not self._speak(device, item):
                    continue
            else:
                pcm = device.prepare(item) if isinstance(item, Clip) else prepared.get(item, b"")
                volume = self.volume
                if volume <= 0.0:
                    continue
                self._mixer.add(scaled(pcm, volume))
            if not running:
                try:
                    device.start(self._mixer.feed())
                except NoSoundError as exc:
                    self._fail(str(exc))
                    return
                running = True

    def _speak(self, device: Device, item: _Speech) -> bool:
        """Renders the first phrase of ``item`` and queues it; True when it will be heard.

        The rest of the phrases go back into the queue, so tones waiting behind a long reading
        are not held up by its synthesis.
        """
        mixer = self._mixer
        if item.generation != mixer.generation or (item.mode == "if_idle" and mixer.speaking):
            return False  # stale, or not wanted now: not worth rendering
        try:
            clip = item.renders[0]()
        except Exception:  # a phrase that cannot be said must not silence the tones
            log.warning("a phrase could not be rendered", exc_info=True)
            clip = None
        # The volume setting is the whole sound's: speech follows it as the tones do.
        placed = clip is not None and mixer.speak(
            scaled(device.prepare(clip), self.volume), item.generation, item.mode
        )
        rest = item.renders[1:]
        if rest and (placed or item.mode == "after"):
            self._queue.put(_Speech(rest, item.generation, "after"))
        return placed

    def _fail(self, reason: str) -> None:
        if self.failed:
            return
        self.failed = True
        if not self.closed:
            self._notify(self._on_failure, reason)

    def _notify(self, callback: Callable[..., None], *args: str) -> None:
        try:
            callback(*args)
        except Exception:  # whoever listened has gone away (a closed window): nothing to tell
            log.debug("sound player: %s could not be told", callback, exc_info=True)


def close_all_players() -> None:
    """Closes every player still open: an output must not call into Python while it shuts down."""
    for player in list(_players):
        player.close()


atexit.register(close_all_players)
