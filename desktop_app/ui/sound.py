"""Sound cues for a session: soft ticks, hold start and end tones, a finishing chime.

A person lying on the floor with a towel around their foot should know when a hold starts and
ends without looking at the screen. :class:`SoundCues` is a session listener (subscribed to
``window.controller.events``) that turns engine events into :class:`Cue` s:

- ``TICK`` on each of the last 3 seconds of "get into position" (the prepare pause);
- ``HOLD_STARTED`` when a hold starts (also when it is restarted with back);
- ``HOLD_COMPLETED`` when a hold runs to its end (not when it is skipped or stopped);
- ``SESSION_FINISHED`` when the session runs to its end, just after the last hold's tone.

Rests, skips, stops and pauses are silent. View > Sound cues (Ctrl+M) turns them off.

QtMultimedia (PySide6-Addons) is imported only after the window's first paint, so start-up is
not slowed. No sound is a normal state, never an error: QtMultimedia missing or failing to load
(Debian needs ``libpulse0``), no audio output, or a sound that cannot be played are logged at
INFO, the menu action is disabled with "No sound output found", and the session runs on.
The player is injected (:class:`PlayerFactory`), so tests record the cues instead.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QLoggingCategory, QObject, QTimer, QUrl, Signal

from desktop_app.events import Event, HoldEnded, Phase, PhaseStarted, SecondChanged, SessionEnded
from desktop_app.paths import resources_dir
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.window import MainWindow

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)

NO_OUTPUT = "No sound output found"
QUIET_QT_MULTIMEDIA = "qt.multimedia.symbolsresolver.warning=false\nqt.multimedia.ffmpeg.info=false"
"""QtMultimedia reports optional libraries it did not find (PipeWire, VA-API: video decoding) and
its FFmpeg version on every start; none of it matters for short WAVs. QT_LOGGING_RULES still
overrides this."""
TICK_SECONDS = range(1, 4)
"""The displayed seconds of a prepare pause that tick: 3, 2 and 1."""
FINISH_DELAY_MS = 550
"""The finishing chime waits for the last hold's tone (0.55 s) instead of sounding over it."""
VOLUME = 0.8
PENDING_LIMIT = 4
"""Cues kept while the player is still loading (a session started with ``--start``)."""


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


class NoSoundError(Exception):
    """There is no way to play sound here; the message says why (for the log)."""


class Player(Protocol):
    def play(self, cue: Cue) -> None: ...


class PlayerFactory(Protocol):
    """Builds a player for ``sounds`` or raises :class:`NoSoundError`.

    ``on_failure`` is called with a reason if the player finds out later that it cannot play.
    """

    def __call__(
        self, sounds: Mapping[Cue, Path], parent: QObject, on_failure: Callable[[str], None]
    ) -> Player: ...


class QtSoundPlayer(QObject):
    """One preloaded QSoundEffect per cue: low latency, nothing decoded while a session runs."""

    def __init__(
        self,
        effects: Mapping[Cue, QSoundEffect],
        parent: QObject,
        on_failure: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self.effects = dict(effects)
        self._on_failure = on_failure
        self._failed = False
        for cue, effect in self.effects.items():
            effect.setParent(self)
            effect.statusChanged.connect(partial(self._check_status, cue))
            self._check_status(cue)

    def play(self, cue: Cue) -> None:
        effect = self.effects.get(cue)
        if effect is not None and not self._failed:
            effect.play()

    def _check_status(self, cue: Cue) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        effect = self.effects[cue]
        if effect.status() is QSoundEffect.Status.Error and not self._failed:
            self._failed = True
            self._on_failure(f"{effect.source().toLocalFile()} cannot be played")


def qt_player(
    sounds: Mapping[Cue, Path], parent: QObject, on_failure: Callable[[str], None]
) -> QtSoundPlayer:
    """The real player (QtMultimedia's QSoundEffect); raises :class:`NoSoundError`."""
    QLoggingCategory.setFilterRules(QUIET_QT_MULTIMEDIA)
    try:
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    except ImportError as exc:
        raise NoSoundError(f"QtMultimedia cannot be loaded ({exc})") from None
    if not QMediaDevices.audioOutputs():
        raise NoSoundError("no audio output device")
    missing = [str(path) for path in sounds.values() if not path.is_file()]
    if missing:
        raise NoSoundError(f"sound files missing: {', '.join(missing)}")
    effects: dict[Cue, QSoundEffect] = {}
    for cue, path in sounds.items():
        effect = QSoundEffect()
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effect.setVolume(VOLUME)
        effects[cue] = effect
    return QtSoundPlayer(effects, parent, on_failure)


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
    paint), then ``True`` or ``False``; :attr:`availability_changed` tells when it is known or
    when sound fails later.
    """

    availability_changed = Signal(bool)

    def __init__(
        self,
        window: MainWindow,
        player_factory: PlayerFactory = qt_player,
        sounds: Mapping[Cue, Path] | None = None,
        finish_delay_ms: int = FINISH_DELAY_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.action = window.sound_action
        self.available: bool | None = None
        self.player: Player | None = None
        self._factory = player_factory
        self._sounds = dict(sounds) if sounds is not None else sound_files()
        self._pending: list[Cue] = []
        self._after_hold_tone = False
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        self._finish_timer.setInterval(finish_delay_ms)
        self._finish_timer.timeout.connect(partial(self._play, Cue.SESSION_FINISHED))
        window.controller.events.subscribe(self)
        # The QtMultimedia import never delays the first picture.
        after_first_paint(window, self._load_player)

    # ------------------------------------------------------------------ loading

    def _load_player(self) -> None:
        if self.available is not None:
            return
        try:
            self.player = self._factory(self._sounds, self, self._on_failure)
        except NoSoundError as exc:
            self._set_unavailable(str(exc))
            return
        except Exception as exc:  # an unexpected backend problem is still only "no sound"
            self._set_unavailable(f"the sound player failed to start ({exc!r})")
            return
        if self.available is False:  # it failed while starting
            return
        self.available = True
        log.info("sound cues ready")
        self.availability_changed.emit(True)
        pending, self._pending = self._pending, []
        for cue in pending:
            self._play(cue)

    def _on_failure(self, reason: str) -> None:
        self._set_unavailable(reason)

    def _set_unavailable(self, reason: str) -> None:
        if self.available is False:
            return
        log.info("sound cues are off: %s", reason)
        self.available = False
        self.player = None
        self._pending = []
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
        if self.player is None:
            self._pending = [*self._pending, cue][-PENDING_LIMIT:]
            return
        try:
            self.player.play(cue)
        except Exception as exc:  # a sound must never interrupt the session
            self._set_unavailable(f"playing {cue.value} failed ({exc!r})")


def attach_sound_cues(window: MainWindow) -> SoundCues:
    """Sound cues for ``window`` through QtMultimedia; never raises."""
    return SoundCues(window)
