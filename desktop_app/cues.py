"""What a session sounds like: the tones and spoken phrases each engine event brings. No Qt.

:class:`CueSchedule` is fed every engine event (and, after a stopped stretch, the screen that
follows it) and answers with :data:`Action` s in the order they are to be heard: a
:class:`Tone`, words to :class:`Say`, or :class:`Hush` (stop talking). The window's sound cues
(:mod:`desktop_app.ui.sound`) play them; tests read them.

Tones
    ``TICK`` on each of the last 3 seconds of getting into position; ``HOLD_STARTED`` when a
    hold starts (also when restarted with back); ``HOLD_COMPLETED`` when a hold runs to its end
    (not when skipped or stopped); ``SESSION_FINISHED`` when the session runs to its end, after
    the last hold's tone. Rests, skips, stops and pauses are silent.

Spoken cues (when turned on and there is a speech engine)
    Getting into position: the stretch and side, as the screen has them ("Towel hamstring
    stretch, left leg"), or "Switch to the right leg" for the other side. "Hold" after the
    hold's tone; "Rest"; "Halfway" in holds of 30 s or more; "Done" with the session's total
    time after the chime. A stretch stopped by a symptom: what the stopped screen says first.
    With the count on, "3", "2", "1" in the last seconds of getting into position (instead of
    the ticks) and of each hold.

Nothing stale is said: each new cue cuts off the one before it; a pause, a stop or a move
(skip, back) hushes; "Halfway" and the counts are left out rather than said late, when
something else is still being said.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from desktop_app.events import (
    Event,
    HoldEnded,
    Phase,
    PhaseStarted,
    SecondChanged,
    SessionEnded,
    SessionPaused,
    SessionStarted,
    StretchStopped,
)
from desktop_app.formatting import spoken_duration
from desktop_app.model import PauseKind, PlannedHold
from desktop_app.session_text import side_text

if TYPE_CHECKING:
    # Only their types: the window imports this before its first paint, and these load the
    # engine and the sound library (both wait until after it).
    from desktop_app.audio import SpeechMode
    from desktop_app.session_view import AdvicePanel, Screen

TICK_SECONDS = range(1, 4)
"""The displayed seconds of getting into position that tick (or are counted): 3, 2 and 1."""
HALFWAY_FROM = 30
"""Holds this long or longer say "Halfway"."""


class Cue(enum.Enum):
    """A tone, named as its WAV file in ``resources/sounds``."""

    TICK = "tick"
    HOLD_STARTED = "hold-started"
    HOLD_COMPLETED = "hold-completed"
    SESSION_FINISHED = "session-finished"

    @property
    def file_name(self) -> str:
        return f"{self.value}.wav"


@dataclass(frozen=True)
class Tone:
    cue: Cue
    after_tone: bool = False
    """It follows another tone closely (the chime after the last hold's tone): the player
    waits for that one to end, and so does whatever comes after this."""


@dataclass(frozen=True)
class Say:
    phrases: tuple[str, ...]
    mode: SpeechMode = "now"


@dataclass(frozen=True)
class Hush:
    pass


Action = Tone | Say | Hush


class SpeechOptions(Protocol):
    """What the schedule needs to know of the person's preferences (see preferences.py)."""

    @property
    def speech_enabled(self) -> bool: ...

    @property
    def speech_count_down(self) -> bool: ...


@dataclass(frozen=True)
class SpeechPreferences:
    """The spoken cues' preferences, as the preferences model names them (off by default)."""

    speech_enabled: bool = False
    speech_voice: str = ""
    """A voice of the speech engine; empty: the engine's default (English)."""
    speech_rate: int = 0
    """-50 to +50: percent slower or faster than the engine's default speed."""
    speech_count_down: bool = False
    """Count the last three seconds aloud."""


# ---------------------------------------------------------------------- words


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def sentence(text: str) -> str:
    """``text`` as a spoken sentence: one line, ending in a full stop (the voice falls)."""
    text = " ".join(text.split())
    if text and text[-1] not in ".!?:;":
        text += "."
    return text


def intro_phrase(hold: PlannedHold) -> str:
    """What is said when getting into position: the stretch and side, or the side change.

    The side's words are the screen's (:func:`desktop_app.session_text.side_text`).
    """
    side = side_text(hold)
    if hold.side_changed and hold.side is not None:
        return f"Switch to the {_lower_first(side)}"
    return f"{hold.stretch.name}, {_lower_first(side)}" if side else hold.stretch.name


def done_phrase(elapsed: float) -> str:
    return f"Done. Total time {spoken_duration(elapsed)}."


def _panel_phrases(panel: AdvicePanel, *, first_only: bool = False) -> list[str]:
    """The advice panel's words in the order the screen shows them (red flags first when they
    lead): the title, each advice's lead and sections; with ``first_only`` only as far as the
    first section."""
    phrases: list[str] = []
    if panel.title:
        phrases.append(panel.title)
    for advice in panel.advices:
        if advice.title and advice.title != panel.title and len(panel.advices) > 1:
            phrases.append(advice.title)
        if advice.lead:
            phrases.append(advice.lead)
        for section in advice.sections:
            phrases.append(section.title)
            phrases.extend(section.items)
            if first_only:
                return phrases
    return phrases


def stopped_phrases(screen: Screen) -> tuple[str, ...]:
    """What the stopped screen says first: its heading, then its advice's first section."""
    phrases = [screen.stretch_name, screen.phase_text]
    if screen.advice is not None:
        phrases += _panel_phrases(screen.advice, first_only=True)
    return tuple(sentence(p) for p in phrases if p.strip())


def read_aloud_phrases(screen: Screen) -> tuple[str, ...]:
    """What the read-aloud key says: the advice on screen, whole, in the screen's order (red
    flags first when they lead), and on the stopped screen its heading and the suggested
    choice; with no advice on screen, the stretch, its side and its steps."""
    phrases: list[str] = []
    if screen.advice is not None:
        if screen.halted:
            phrases += [screen.stretch_name, screen.phase_text]
        phrases += _panel_phrases(screen.advice)
        suggested = next((c for c in screen.all_choices() if c.suggested), None)
        if suggested is not None:
            phrases.append(f"Suggested: {suggested.text}")
    elif screen.stretch_name:
        phrases += [screen.stretch_name, screen.side_text, *screen.instructions]
    return tuple(sentence(p) for p in phrases if p.strip())


# ---------------------------------------------------------------------- the schedule


def _says_intro_at_hold(hold: PlannedHold) -> bool:
    """A new position with no time to get into it: the intro is said as the hold starts."""
    new_position = hold.side_changed or (hold.rep == 1 and hold.side in (None, "left"))
    return hold.pause_kind is PauseKind.NONE and new_position


class CueSchedule:
    """Turns engine events into tones and spoken phrases (see the module docstring).

    ``options`` is asked at each event, so a change of preferences applies at once; ``clock``
    times the session for "Done" (the summary's total time uses the same clock).
    """

    def __init__(
        self,
        options: Callable[[], SpeechOptions] = SpeechPreferences,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._options = options
        self._clock = clock
        self._started_at: float | None = None
        self._last_tone: Cue | None = None
        self._stopped_pending = False

    @property
    def waiting_for_screen(self) -> bool:
        """A stretch was stopped: :meth:`on_screen` with the next screen says what it says."""
        return self._stopped_pending

    def on_event(self, event: Event) -> tuple[Action, ...]:
        options = self._options()
        speak = options.speech_enabled
        count = speak and options.speech_count_down
        actions = [*self._tones(event, count), *self._speech(event, speak, count)]
        if isinstance(event, SessionStarted):
            self._started_at = self._clock()
        last = [a.cue for a in actions if isinstance(a, Tone)]
        self._last_tone = last[-1] if last else None
        return tuple(actions)

    def on_screen(self, screen: Screen) -> tuple[Action, ...]:
        """The screen drawn after the events: after a stopped stretch, its first words."""
        if not self._stopped_pending or not screen.halted:
            return ()
        self._stopped_pending = False
        if not self._options().speech_enabled:
            return ()
        return (Say(stopped_phrases(screen)),)

    @staticmethod
    def read_aloud(screen: Screen) -> tuple[Action, ...]:
        """The read-aloud key (whether or not spoken cues are on: the person asked)."""
        phrases = read_aloud_phrases(screen)
        return (Say(phrases),) if phrases else ()

    # -------------------------------------------------------------- tones

    def _tones(self, event: Event, counting: bool) -> Iterable[Tone]:
        if isinstance(event, PhaseStarted):
            if event.phase is Phase.HOLDING:
                yield Tone(Cue.HOLD_STARTED)
            # A prepare of 3 s or less starts inside the ticking seconds.
            elif (
                event.phase is Phase.PREPARING
                and math.ceil(event.duration) in TICK_SECONDS
                and not counting
            ):
                yield Tone(Cue.TICK)
        elif isinstance(event, SecondChanged):
            if event.phase is Phase.PREPARING and event.remaining in TICK_SECONDS and not counting:
                yield Tone(Cue.TICK)
        elif isinstance(event, HoldEnded):
            if event.outcome == "completed":
                yield Tone(Cue.HOLD_COMPLETED)
        elif isinstance(event, SessionEnded) and event.status == "completed":
            yield Tone(Cue.SESSION_FINISHED, after_tone=self._last_tone is Cue.HOLD_COMPLETED)

    # -------------------------------------------------------------- speech

    def _speech(self, event: Event, speak: bool, counting: bool) -> Iterable[Action]:
        if isinstance(event, StretchStopped):
            self._stopped_pending = True
            if speak:
                yield Hush()
        elif isinstance(event, SessionPaused):
            if speak and not self._stopped_pending:
                yield Hush()
        elif isinstance(event, SessionEnded):
            self._stopped_pending = False
            if event.status == "completed" and speak:
                start = self._started_at if self._started_at is not None else self._clock()
                yield Say((done_phrase(self._clock() - start),))
            elif speak:
                yield Hush()
        elif not speak:
            return
        elif isinstance(event, PhaseStarted):
            yield from self._phase_speech(event)
        elif isinstance(event, SecondChanged):
            yield from self._second_speech(event, counting)
        elif isinstance(event, HoldEnded) and event.outcome != "completed":
            yield Hush()  # skipped or stopped: what was said of it no longer applies

    @staticmethod
    def _phase_speech(event: PhaseStarted) -> Iterable[Action]:
        hold = event.hold
        if event.phase is Phase.PREPARING:
            yield Say((sentence(intro_phrase(hold)),))
        elif event.phase is Phase.RESTING:
            yield Say(("Rest.",))
        elif _says_intro_at_hold(hold):
            yield Say((sentence(intro_phrase(hold)), "Hold."))
        else:
            yield Say(("Hold.",))

    @staticmethod
    def _second_speech(event: SecondChanged, counting: bool) -> Iterable[Action]:
        remaining = event.remaining
        if counting and remaining in TICK_SECONDS and event.phase is not Phase.RESTING:
            yield Say((f"{remaining}.",), "if_idle")
        elif (
            event.phase is Phase.HOLDING
            and event.hold.hold >= HALFWAY_FROM
            and remaining == event.hold.hold // 2
        ):
            yield Say(("Halfway.",), "if_idle")


def phrases_of(actions: Sequence[Action]) -> list[str]:
    """Every phrase said by ``actions``, in order (for tests and the log)."""
    return [phrase for action in actions if isinstance(action, Say) for phrase in action.phrases]
