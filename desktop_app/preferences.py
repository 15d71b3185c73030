"""What the person has set (File > Settings…), as a frozen, validated value: no Qt.

:class:`Preferences` is the one model of the settings dialog, the QSettings storage
(:mod:`desktop_app.ui.preferences`) and whoever applies a setting (the sound cues, the spoken
cues, the session screen, the theme). :meth:`Preferences.from_dict` takes whatever a settings
file holds (strings from an INI file, numbers, garbage) and never raises: a value it cannot
read falls back to its default, a number out of range is clamped.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Literal, get_args

from desktop_app.model import Routine, Step

log = logging.getLogger(__name__)

TextSize = Literal["normal", "large", "extra-large"]
Theme = Literal["system", "light", "dark"]

TEXT_SIZES: tuple[TextSize, ...] = get_args(TextSize)
THEMES: tuple[Theme, ...] = get_args(Theme)
TEXT_SCALE: Mapping[TextSize, float] = {"normal": 1.0, "large": 1.25, "extra-large": 1.5}
TEXT_SIZE_NAMES: Mapping[TextSize, str] = {
    "normal": "Normal",
    "large": "Large",
    "extra-large": "Extra large",
}
THEME_NAMES: Mapping[Theme, str] = {
    "system": "As the system",
    "light": "Light",
    "dark": "Dark",
}

VOLUME_RANGE = (0, 100)
SPEECH_RATE_RANGE = (-50, 50)
PAUSE_RANGE = (0, 120)
"""Seconds a prepare, rest or switch-sides pause may be set to (None: as the routine says)."""


@dataclass(frozen=True)
class Preferences:
    """Every setting, with its default. Build changed copies with :func:`dataclasses.replace`
    and pass them through :meth:`validated` (the dialog and the storage do)."""

    sound_enabled: bool = True
    """Tones when a hold starts and ends (also View > Sound cues, Ctrl+M)."""
    sound_volume: int = 80
    """Percent, 0 to 100."""
    speech_enabled: bool = False
    speech_voice: str = ""
    """The speech engine's name of a voice; empty: its default."""
    speech_rate: int = 0
    """-50 (slower) to +50 (faster); 0 is the engine's normal speed."""
    speech_count_down: bool = False
    """Count the last three seconds aloud: of getting into position (instead of the ticks) and
    of each hold."""
    text_size: TextSize = "normal"
    theme: Theme = "system"
    prepare_seconds: int | None = None
    """Getting into position before a stretch; None: as the routine says."""
    rest_seconds: int | None = None
    """Between two holds of the same position; None: as the routine says."""
    switch_seconds: int | None = None
    """Changing to the other side; None: as the routine says."""
    start_full_screen: bool = False

    @property
    def text_scale(self) -> float:
        """The text-size setting as a multiple of the screen's own scale (1.0, 1.25 or 1.5)."""
        return TEXT_SCALE[self.text_size]

    @property
    def overrides_timing(self) -> bool:
        return any(
            v is not None for v in (self.prepare_seconds, self.rest_seconds, self.switch_seconds)
        )

    def validated(self) -> Preferences:
        """A copy with every value in range (clamped) and of its kind (else its default)."""
        return Preferences.from_dict(self.to_dict())

    def to_dict(self) -> dict[str, object]:
        """Plain values by field name (None for a pause left as the routine says)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Preferences:
        """Preferences from plain values (an INI file's strings too); never raises.

        Unknown keys are ignored; a missing or unreadable value is its default.
        """
        default = cls()
        values: dict[str, object] = {}
        for name in (f.name for f in fields(cls)):
            if name not in data:
                continue
            value = _READERS[name](data[name])
            if value is _BAD:
                log.info(
                    "setting %s: %r is not a value it can take; its default is used",
                    name,
                    data[name],
                )
            else:
                values[name] = value
        return dataclasses.replace(default, **values)  # type: ignore[arg-type]

    def apply_to(self, routine: Routine) -> Routine:
        """``routine`` with this prepare, rest and switch-sides time wherever one is set."""
        return with_pauses(
            routine,
            prepare=self.prepare_seconds,
            rest=self.rest_seconds,
            switch=self.switch_seconds,
        )


def with_pauses(
    routine: Routine,
    *,
    prepare: int | None = None,
    rest: int | None = None,
    switch: int | None = None,
) -> Routine:
    """``routine`` with every step's pauses overridden where a value is given (None keeps it).

    ``switch`` is the pause before the other side of a sided stretch; a step with no switch of
    its own uses its prepare there, so overriding ``prepare`` alone changes both.
    """
    if prepare is None and rest is None and switch is None:
        return routine
    steps = tuple(_step_with(step, prepare, rest, switch) for step in routine.steps)
    return dataclasses.replace(routine, steps=steps)


def _step_with(step: Step, prepare: int | None, rest: int | None, switch: int | None) -> Step:
    return dataclasses.replace(
        step,
        prepare=step.prepare if prepare is None else prepare,
        rest=step.rest if rest is None else rest,
        switch=step.switch if switch is None else switch,
    )


# ---------------------------------------------------------------------- reading plain values


class _Bad:
    pass


_BAD = _Bad()
Reader = Callable[[object], object]


def _bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off"}:
            return False
    return _BAD


def _int(value: object) -> int | _Bad:
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e9:  # not NaN
        return round(value)
    if isinstance(value, str):
        try:
            return _int(float(value.strip()))
        except ValueError:
            return _BAD
    return _BAD


def _clamped(low: int, high: int) -> Reader:
    def read(value: object) -> object:
        number = _int(value)
        return number if isinstance(number, _Bad) else min(high, max(low, number))

    return read


def _pause(value: object) -> object:
    if value is None or (
        isinstance(value, str) and value.strip().lower() in {"", "routine", "none"}
    ):
        return None
    return _clamped(*PAUSE_RANGE)(value)


def _choice(options: tuple[str, ...]) -> Reader:
    def read(value: object) -> object:
        return value if isinstance(value, str) and value in options else _BAD

    return read


def _text(value: object) -> object:
    if isinstance(value, str) and len(value) <= 200 and value.isprintable():
        return value
    return _BAD


_READERS: Mapping[str, Reader] = {
    "sound_enabled": _bool,
    "sound_volume": _clamped(*VOLUME_RANGE),
    "speech_enabled": _bool,
    "speech_voice": _text,
    "speech_rate": _clamped(*SPEECH_RATE_RANGE),
    "speech_count_down": _bool,
    "text_size": _choice(TEXT_SIZES),
    "theme": _choice(THEMES),
    "prepare_seconds": _pause,
    "rest_seconds": _pause,
    "switch_seconds": _pause,
    "start_full_screen": _bool,
}
