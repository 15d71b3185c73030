"""Sound cues for a session: tones (ticks, hold start and end, a finishing chime) and speech.

A person lying on the floor with a towel around their foot should know when a hold starts and
ends without looking at the screen. :class:`SoundCues` is a session listener (subscribed to
``window.controller.events``) that plays what :class:`desktop_app.cues.CueSchedule` makes of
each engine event: the tones, and with View > Spoken cues the stretch and side, "Hold",
"Rest", "Switch to the right leg" and the rest (see :mod:`desktop_app.cues`), through the same
player, so speech never sounds over a tone. View > Sound cues (Ctrl+M) turns the tones off;
spoken cues are off until turned on. The read-aloud key (R) reads the advice on screen.

Speech needs a speech engine (espeak-ng, :mod:`desktop_app.speech`, looked for after the first
paint) and a sound output: without either, View > Spoken cues is disabled and says why, and
everything else is as before.
The settings' volume (0-100 %) applies to the next tone.

The sounds are played by :mod:`desktop_app.audio` (miniaudio, from a worker thread: nothing here
waits for the sound output). The player is made after the window's first paint, so start-up is
not slowed. No sound is a normal state, never an error: the library missing, no sound server or
device, an output that does not answer within :data:`OPEN_TIMEOUT_MS`, or a sound that cannot be
played are logged at INFO, the menu action is disabled with "No sound output found", and the
session runs on. The player is injected (:class:`PlayerFactory`), so tests record the cues instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from desktop_app.cues import Action, Cue, CueSchedule, Hush, Say, Tone
from desktop_app.events import Event
from desktop_app.paths import resources_dir
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    # Imported when the player is made, after the first paint (ctypes and threads: ~6 ms).
    from desktop_app.audio import CuePlayer, Device, Render, SpeechMode
    from desktop_app.engine import Snapshot
    from desktop_app.preferences import Preferences
    from desktop_app.speech import Speaker, SpeechEngine, Voice

__all__ = ["NO_OUTPUT", "Cue", "SoundCues", "attach_sound_cues", "sound_files"]

log = logging.getLogger(__name__)

NO_OUTPUT = "No sound output found"
FINISH_DELAY_MS = 550
"""The finishing chime waits for the last hold's tone (0.55 s) instead of sounding over it."""
VOLUME = 0.8
"""The volume until one is set (the settings' default of 80 %)."""
PENDING_LIMIT = 4
"""Tones kept while the player is still loading (a session started with ``--start``); of the
speech only the last phrase is kept."""
OPEN_TIMEOUT_MS = 5000
"""A sound output that has not opened by then counts as none (a sound server that hangs)."""


def sound_files(folder: Path | None = None) -> dict[Cue, Path]:
    """The WAV file of every cue (made by ``scripts/make_sounds.py``)."""
    base = folder if folder is not None else resources_dir() / "sounds"
    return {cue: base / cue.file_name for cue in Cue}


class Player(Protocol):
    def play(self, cue: Cue) -> None:
        """Plays ``cue`` soon; must return at once."""
        ...

    def say(self, renders: Sequence[Render], mode: SpeechMode = "now") -> None:
        """Says phrases soon, after any tone playing; must return at once (see audio)."""
        ...

    def hush(self) -> None:
        """Stops what is being said; must return at once."""
        ...

    def close(self) -> None:
        """Lets go of the sound output; must return at once."""
        ...

    def set_volume(self, volume: float) -> None:
        """Plays later cues at ``volume`` (0 to 1); must return at once."""
        ...


class PlayerFactory(Protocol):
    """Builds a player for ``sounds`` or raises :class:`NoSoundError`.

    The player calls ``on_ready`` once it can play, or ``on_failure`` with a reason if it
    cannot (also later, when the output fails), on the thread of ``parent``.
    """

    def __call__(
        self,
        sounds: Mapping[Cue, Path],
        parent: QObject,
        on_ready: Callable[[], None],
        on_failure: Callable[[str], None],
    ) -> Player: ...


class AudioPlayer(QObject):
    """:class:`desktop_app.audio.CuePlayer` for the window: what its thread says arrives here."""

    _ready = Signal()
    _failed = Signal(str)

    def __init__(
        self,
        sounds: Mapping[Cue, Path],
        parent: QObject,
        on_ready: Callable[[], None],
        on_failure: Callable[[str], None],
        open_device: Callable[[], Device] | None = None,
    ) -> None:
        """``open_device``: the sound output (miniaudio's default device unless given)."""
        from desktop_app.audio import CuePlayer, MiniaudioDevice, read_wav

        clips = {cue: read_wav(path) for cue, path in sounds.items()}  # NoSoundError
        super().__init__(parent)
        # Queued: the worker thread emits, the window's thread runs the callbacks.
        self._ready.connect(on_ready, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(on_failure, Qt.ConnectionType.QueuedConnection)
        self.cues: CuePlayer[Cue] = CuePlayer(
            clips,
            self._ready.emit,
            self._failed.emit,
            open_device or MiniaudioDevice,
            name="sound-cues",
        )
        self.cues.set_volume(VOLUME)
        # Let go of the output with the window, and before Python shuts down at the latest (an
        # output must not call into Python then; desktop_app.audio's atexit does the same).
        self.destroyed.connect(partial(self.cues.close, 0.0))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(partial(self.cues.close))
        self.cues.start()

    def play(self, cue: Cue) -> None:
        self.cues.play(cue)

    def say(self, renders: Sequence[Render], mode: SpeechMode = "now") -> None:
        self.cues.say(renders, mode)

    def hush(self) -> None:
        self.cues.hush()

    def set_volume(self, volume: float) -> None:
        self.cues.set_volume(volume)

    def close(self) -> None:
        self.cues.close(timeout=0)


def audio_player(
    sounds: Mapping[Cue, Path],
    parent: QObject,
    on_ready: Callable[[], None],
    on_failure: Callable[[str], None],
) -> AudioPlayer:
    """The real player (miniaudio, see :mod:`desktop_app.audio`); raises :class:`NoSoundError`."""
    return AudioPlayer(sounds, parent, on_ready, on_failure)


def espeak_engine() -> SpeechEngine:
    """The real speech engine (espeak-ng, if installed); looking for it never fails."""
    from desktop_app.speech import EspeakEngine

    return EspeakEngine()


class SoundCues(QObject):
    """Plays the session's tones and spoken cues for one window.

    Tones while its View > Sound cues action is checked; speech while View > Spoken cues is
    (and always for the read-aloud key). ``available`` is ``None`` until the player has been
    loaded (after the window's first paint) and has opened the sound output, then ``True`` or
    ``False``; :attr:`availability_changed` tells when it is known or when sound fails later.
    The speech engine is injected (``speech_engine``): tests give a fake one.
    """

    availability_changed = Signal(bool)

    def __init__(
        self,
        window: MainWindow,
        player_factory: PlayerFactory = audio_player,
        sounds: Mapping[Cue, Path] | None = None,
        finish_delay_ms: int = FINISH_DELAY_MS,
        open_timeout_ms: int = OPEN_TIMEOUT_MS,
        speech_engine: Callable[[], SpeechEngine] = espeak_engine,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.action = window.sound_action
        self.available: bool | None = None
        self.player: Player | None = None
        self.speaker: Speaker | None = None
        self.schedule = CueSchedule(self._speech_options, clock=window.controller.clock)
        self._factory = player_factory
        self._engine_factory = speech_engine
        self._engine: SpeechEngine | None = None
        self._sounds = dict(sounds) if sounds is not None else sound_files()
        self._loading = False
        self._ready_early = False
        self._pending: list[Action] = []
        self._deferred: list[Action] = []
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        self._finish_timer.setInterval(finish_delay_ms)
        self._finish_timer.timeout.connect(self._play_deferred)
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(open_timeout_ms)
        self._open_timer.timeout.connect(self._open_timed_out)
        self.volume = window.preferences.current.sound_volume / 100
        window.preferences.changed.connect(self._preferences_changed)
        window.controller.events.subscribe(self)
        # After the window's own slot: the screen is drawn when the stopped screen is read.
        window.controller.updated.connect(self._on_snapshot)
        window.read_aloud_requested.connect(self.read_aloud)
        window.speech_action.toggled.connect(self._speech_toggled)
        window.speech_reason = self.speech_reason
        window.speech_voices = self.speech_voices
        # Opening the sound output never delays the first picture.
        after_first_paint(window, self._load_player)

    # ------------------------------------------------------------------ loading

    def _load_player(self) -> None:
        if self._loading or self.available is not None:
            return
        self._loading = True
        from desktop_app.audio import NoSoundError

        self._update_speech_action()
        try:
            player = self._factory(self._sounds, self, self._on_ready, self._on_failure)
        except NoSoundError as exc:
            self._set_unavailable(str(exc))
            return
        except Exception as exc:  # an unexpected backend problem is still only "no sound"
            self._set_unavailable(f"the sound player failed to start ({exc!r})")
            return
        if self.available is False:  # it failed while starting
            player.close()
            return
        self.player = player
        self._apply_volume()
        if self._ready_early:
            self._became_ready()
        else:
            self._open_timer.start()

    def _on_ready(self) -> None:
        if self.available is not None:  # already given up on (timed out)
            return
        if self.player is None:  # ready before the factory returned
            self._ready_early = True
            return
        self._became_ready()

    def _became_ready(self) -> None:
        self._open_timer.stop()
        self.available = True
        log.info("sound cues ready")
        engine = self.speech_engine
        if engine.available() and self.player is not None:
            from desktop_app.speech import Speaker

            self.speaker = Speaker(engine, self.player, self.window.speech_preferences)
            # Listed now, off the window's thread: the settings' voice list is then at hand.
            threading.Thread(target=engine.voices, name="speech-voices", daemon=True).start()
        self._update_speech_action()
        self.availability_changed.emit(True)
        pending, self._pending = self._pending, []
        self._run(pending)

    def _open_timed_out(self) -> None:
        self._set_unavailable(f"the sound output did not open within {OPEN_TIMEOUT_MS} ms")

    def _on_failure(self, reason: str) -> None:
        self._set_unavailable(reason)

    def _set_unavailable(self, reason: str) -> None:
        if self.available is False:
            return
        log.info("sound cues are off: %s", reason)
        self.available = False
        if self.player is not None:
            self.player.close()
        self.player = None
        self.speaker = None
        self._pending = []
        self._deferred = []
        self._open_timer.stop()
        self._finish_timer.stop()
        self.action.setEnabled(False)
        self.action.setToolTip(NO_OUTPUT)
        self.action.setStatusTip(NO_OUTPUT)
        self._update_speech_action()
        self.availability_changed.emit(False)

    # ------------------------------------------------------------------ speech

    @property
    def speech_engine(self) -> SpeechEngine:
        """The speech engine, looked for when first needed (after the first paint)."""
        if self._engine is None:
            try:
                self._engine = self._engine_factory()
            except Exception as exc:  # looking for an engine must never break the window
                log.warning("no speech engine: %r", exc)
                from desktop_app.speech import UnavailableEngine

                self._engine = UnavailableEngine(f"the speech engine failed to start ({exc!r})")
        return self._engine

    def speech_voices(self) -> tuple[Voice, ...]:
        """The engine's voices (listed once, in a thread after the player is ready)."""
        return self.speech_engine.voices()

    def speech_reason(self) -> str:
        """Why there can be no spoken cues (no engine, no sound output), or empty."""
        engine = self.speech_engine
        if not engine.available():
            return f"No spoken cues: {engine.reason}"
        if self.available is False:
            return f"No spoken cues: {NO_OUTPUT.lower()}"
        return ""

    def _update_speech_action(self) -> None:
        reason = self.speech_reason()
        self.window.set_speech_available(not reason, reason)
        if reason and self.window.speech_action.isChecked():
            log.info("spoken cues are on but cannot be heard: %s", reason)

    def _speech_options(self) -> Preferences:
        """The preferences, with speech off where it cannot be heard (the ticks then stay).

        Before the first paint (a session started with ``--start``) the engine is not looked
        for yet: its phrases wait with the tones until the player is ready.
        """
        preferences = self.window.speech_preferences()
        looked_for = self._engine is not None or self._loading
        if preferences.speech_enabled and looked_for and self.speech_reason():
            return replace(preferences, speech_enabled=False)
        return preferences

    def _speech_toggled(self, on: bool) -> None:
        if not on and self.speaker is not None:
            self.speaker.hush()

    def read_aloud(self) -> None:
        """The read-aloud key: the advice on screen (else the stretch's steps), spoken."""
        if not self.window.controller.active:
            return
        reason = self.speech_reason()
        if reason:
            self.window.show_notice(f"{reason}. Nothing can be read aloud.")
            return
        self._run(self.schedule.read_aloud(self.window.current_screen), asked=True)

    # ------------------------------------------------------------------ playing

    def _preferences_changed(self, preferences: Preferences) -> None:
        volume = preferences.sound_volume / 100
        if volume != self.volume:
            self.volume = volume
            self._apply_volume()

    def _apply_volume(self) -> None:
        set_volume = getattr(self.player, "set_volume", None)
        if set_volume is not None:
            try:
                set_volume(self.volume)
            except Exception:  # a volume must never interrupt the session
                log.info("the sound volume could not be set", exc_info=True)

    @property
    def enabled(self) -> bool:
        """The person wants sound cues (View > Sound cues)."""
        return self.action.isChecked()

    def __call__(self, event: Event) -> None:
        self._run(self.schedule.on_event(event))

    def _on_snapshot(self, _snapshot: Snapshot) -> None:
        if self.schedule.waiting_for_screen:
            self._run(self.schedule.on_screen(self.window.current_screen))

    def _run(self, actions: Sequence[Action], *, asked: bool = False) -> None:
        for index, action in enumerate(actions):
            if isinstance(action, Tone) and action.after_tone:
                # The chime waits for the last hold's tone; what follows waits with it.
                self._deferred = [replace(action, after_tone=False), *actions[index + 1 :]]
                self._finish_timer.start()
                return
            if isinstance(action, Tone):
                self._play(action.cue)
            elif isinstance(action, Say):
                self._say(action, asked=asked)
            elif isinstance(action, Hush):
                self._hush()

    def _play_deferred(self) -> None:
        deferred, self._deferred = self._deferred, []
        self._run(deferred)

    def _play(self, cue: Cue) -> None:
        if not self.enabled or self.available is False:
            return
        if self.available is None or self.player is None:
            self._keep(Tone(cue))
            return
        try:
            self.player.play(cue)
        except Exception as exc:  # a sound must never interrupt the session
            self._set_unavailable(f"playing {cue.value} failed ({exc!r})")

    def _say(self, say: Say, *, asked: bool = False) -> None:
        if not (asked or self.window.speech_action.isChecked()) or self.available is False:
            return
        if self.available is None or self.player is None:
            self._keep(say)
            return
        if self.speaker is None:
            return
        try:
            self.speaker.say(say.phrases, say.mode)
        except Exception as exc:  # speech must never interrupt the session
            self._set_unavailable(f"speaking failed ({exc!r})")

    def _hush(self) -> None:
        self._pending = [a for a in self._pending if not isinstance(a, Say)]
        if self.speaker is not None:
            self.speaker.hush()

    def _keep(self, action: Tone | Say) -> None:
        """Keeps a cue until the player is ready: the last few tones, the last phrase."""
        pending = [*self._pending, action]
        if isinstance(action, Say) and action.mode == "now":
            pending = [a for a in pending if not isinstance(a, Say) or a is action]
        tones = [a for a in pending if isinstance(a, Tone)]
        drop = {id(a) for a in tones[: max(0, len(tones) - PENDING_LIMIT)]}
        self._pending = [a for a in pending if id(a) not in drop]

    def close(self) -> None:
        """Lets go of the sound output (the window is going away)."""
        if self.player is not None:
            self.player.close()


def attach_sound_cues(window: MainWindow) -> SoundCues:
    """Sound cues for ``window`` (miniaudio, from a worker thread); never raises."""
    return SoundCues(window)
