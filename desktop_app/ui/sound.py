"""Sound cues for a session: soft ticks, hold start and end tones, a finishing chime.

A person lying on the floor with a towel around their foot should know when a hold starts and
ends without looking at the screen. :class:`SoundCues` is a session listener (subscribed to
``window.controller.events``) that turns engine events into :class:`Cue` s:

- ``TICK`` on each of the last 3 seconds of "get into position" (the prepare pause);
- ``HOLD_STARTED`` when a hold starts (also when it is restarted with back);
- ``HOLD_COMPLETED`` when a hold runs to its end (not when it is skipped or stopped);
- ``SESSION_FINISHED`` when the session runs to its end, just after the last hold's tone.

Rests, skips, stops and pauses are silent. View > Sound cues (Ctrl+M) turns them off.

The sounds are played by :mod:`desktop_app.audio` (miniaudio, from a worker thread: nothing here
waits for the sound output). The player is made after the window's first paint, so start-up is
not slowed. No sound is a normal state, never an error: the library missing, no sound server or
device, an output that does not answer within :data:`OPEN_TIMEOUT_MS`, or a sound that cannot be
played are logged at INFO, the menu action is disabled with "No sound output found", and the
session runs on. The player is injected (:class:`PlayerFactory`), so tests record the cues instead.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from desktop_app.events import Event, HoldEnded, Phase, PhaseStarted, SecondChanged, SessionEnded
from desktop_app.paths import resources_dir
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    # Imported when the player is made, after the first paint (ctypes and threads: ~6 ms).
    from desktop_app.audio import CuePlayer, Device

__all__ = ["NO_OUTPUT", "Cue", "SoundCues", "attach_sound_cues", "sound_files"]

log = logging.getLogger(__name__)

NO_OUTPUT = "No sound output found"
TICK_SECONDS = range(1, 4)
"""The displayed seconds of a prepare pause that tick: 3, 2 and 1."""
FINISH_DELAY_MS = 550
"""The finishing chime waits for the last hold's tone (0.55 s) instead of sounding over it."""
VOLUME = 0.8
PENDING_LIMIT = 4
"""Cues kept while the player is still loading (a session started with ``--start``)."""
OPEN_TIMEOUT_MS = 5000
"""A sound output that has not opened by then counts as none (a sound server that hangs)."""


class Cue(enum.Enum):
    TICK = "tick"
    HOLD_STARTED = "hold-started"
    HOLD_COMPLETED = "hold-completed"
    SESSION_FINISHED = "session-finished"

    @property
    def file_name(self) -> str:
        return f"{self.value}.wav"


def sound_files(folder: Path | None = None) -> dict[Cue, Path]:
    """The WAV file of every cue (made by ``scripts/make_sounds.py``)."""
    base = folder if folder is not None else resources_dir() / "sounds"
    return {cue: base / cue.file_name for cue in Cue}


class Player(Protocol):
    def play(self, cue: Cue) -> None:
        """Plays ``cue`` soon; must return at once."""
        ...

    def close(self) -> None:
        """Lets go of the sound output; must return at once."""
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

        clips = {cue: read_wav(path, VOLUME) for cue, path in sounds.items()}  # NoSoundError
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
        # Let go of the output with the window, and before Python shuts down at the latest (an
        # output must not call into Python then; desktop_app.audio's atexit does the same).
        self.destroyed.connect(partial(self.cues.close, 0.0))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(partial(self.cues.close))
        self.cues.start()

    def play(self, cue: Cue) -> None:
        self.cues.play(cue)

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


def cue_for(event: Event) -> Cue | None:
    """The cue an engine event sounds, if any."""
    if isinstance(event, PhaseStarted):
        if event.phase is Phase.HOLDING:
            return Cue.HOLD_STARTED
        # A prepare of 3 s or less starts inside the ticking seconds.
        if event.phase is Phase.PREPARING and math.ceil(event.duration) in TICK_SECONDS:
            return Cue.TICK
    elif isinstance(event, SecondChanged):
        if event.phase is Phase.PREPARING and event.remaining in TICK_SECONDS:
            return Cue.TICK
    elif isinstance(event, HoldEnded):
        if event.outcome == "completed":
            return Cue.HOLD_COMPLETED
    elif isinstance(event, SessionEnded) and event.status == "completed":
        return Cue.SESSION_FINISHED
    return None


class SoundCues(QObject):
    """Plays the session's cues for one window while its View > Sound cues action is checked.

    ``available`` is ``None`` until the player has been loaded (after the window's first
    paint) and has opened the sound output, then ``True`` or ``False``;
    :attr:`availability_changed` tells when it is known or when sound fails later.
    """

    availability_changed = Signal(bool)

    def __init__(
        self,
        window: MainWindow,
        player_factory: PlayerFactory = audio_player,
        sounds: Mapping[Cue, Path] | None = None,
        finish_delay_ms: int = FINISH_DELAY_MS,
        open_timeout_ms: int = OPEN_TIMEOUT_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.action = window.sound_action
        self.available: bool | None = None
        self.player: Player | None = None
        self._factory = player_factory
        self._sounds = dict(sounds) if sounds is not None else sound_files()
        self._loading = False
        self._ready_early = False
        self._pending: list[Cue] = []
        self._after_hold_tone = False
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        self._finish_timer.setInterval(finish_delay_ms)
        self._finish_timer.timeout.connect(partial(self._play, Cue.SESSION_FINISHED))
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(open_timeout_ms)
        self._open_timer.timeout.connect(self._open_timed_out)
        window.controller.events.subscribe(self)
        # Opening the sound output never delays the first picture.
        after_first_paint(window, self._load_player)

    # ------------------------------------------------------------------ loading

    def _load_player(self) -> None:
        if self._loading or self.available is not None:
            return
        self._loading = True
        from desktop_app.audio import NoSoundError

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
        self.availability_changed.emit(True)
        pending, self._pending = self._pending, []
        for cue in pending:
            self._play(cue)

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
        self._pending = []
        self._open_timer.stop()
        self._finish_timer.stop()
        self.action.setEnabled(False)
        self.action.setToolTip(NO_OUTPUT)
        self.action.setStatusTip(NO_OUTPUT)
        self.availability_changed.emit(False)

    # ------------------------------------------------------------------ playing

    @property
    def enabled(self) -> bool:
        """The person wants sound cues (View > Sound cues)."""
        return self.action.isChecked()

    def __call__(self, event: Event) -> None:
        cue = cue_for(event)
        after_hold_tone, self._after_hold_tone = self._after_hold_tone, cue is Cue.HOLD_COMPLETED
        if cue is Cue.SESSION_FINISHED and after_hold_tone:
            self._finish_timer.start()
        elif cue is not None:
            self._play(cue)

    def _play(self, cue: Cue) -> None:
        if not self.enabled or self.available is False:
            return
        if self.available is None or self.player is None:
            self._pending = [*self._pending, cue][-PENDING_LIMIT:]
            return
        try:
            self.player.play(cue)
        except Exception as exc:  # a sound must never interrupt the session
            self._set_unavailable(f"playing {cue.value} failed ({exc!r})")

    def close(self) -> None:
        """Lets go of the sound output (the window is going away)."""
        if self.player is not None:
            self.player.close()


def attach_sound_cues(window: MainWindow) -> SoundCues:
    """Sound cues for ``window`` (miniaudio, from a worker thread); never raises."""
    return SoundCues(window)
