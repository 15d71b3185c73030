"""A speech engine for tests: records what it is asked to say and renders a recognisable sound.

Each phrase becomes a clip of constant samples (a "level" of its own), 20 ms per character, so a
test reading the player's output can tell which phrase is playing and that no tone is mixed in.
"""

from __future__ import annotations

import array
import threading

from desktop_app.audio import RATE, Clip
from desktop_app.speech import NOT_FOUND, SpeechError, Voice

MS_PER_CHARACTER = 20


class FakeSpeechEngine:
    def __init__(self, available: bool = True, fail_on: str = "") -> None:
        self._available = available
        self.reason = "" if available else NOT_FOUND
        self.fail_on = fail_on
        self.said: list[str] = []
        """Every phrase synthesised, in order (from the worker's thread)."""
        self.calls: list[tuple[str, str, int]] = []
        self.levels: dict[str, int] = {}
        self._lock = threading.Lock()

    def available(self) -> bool:
        return self._available

    def voices(self) -> tuple[Voice, ...]:
        if not self._available:
            return ()
        return (Voice("en-gb", "English (Great Britain)", "en-gb", "M"),)

    def level(self, text: str) -> int:
        """The sample value ``text`` is rendered with (distinct for each phrase)."""
        with self._lock:
            return self.levels.setdefault(text, 1000 + 100 * len(self.levels))

    def synthesise(self, text: str, voice: str, rate: int) -> Clip:
        if not self._available:
            raise SpeechError(self.reason)
        if self.fail_on and self.fail_on in text:
            raise SpeechError(f"cannot say {text!r}")
        with self._lock:
            self.said.append(text)
            self.calls.append((text, voice, rate))
        frames = RATE * MS_PER_CHARACTER * len(text) // 1000
        return Clip(array.array("h", [self.level(text)] * frames).tobytes(), RATE, 1)
