"""Writes the sound cues (resources/sounds/*.wav): soft sine tones, stdlib only, reproducible.

    python scripts/make_sounds.py [OUTPUT_DIR]

Every cue is 16-bit mono at 44.1 kHz, shorter than 0.6 s, made of sine notes with a gentle
attack (no click) and an exponential decay, plus a quiet octave partial for warmth. The pitches
are from a C major chord, so the cues sound related and nothing is shrill:

    tick.wav             a soft, short 880 Hz tick (each of the last 3 s of "get into position")
    hold-started.wav     a clear E5 with a longer ring: the hold begins
    hold-completed.wav   a gentle falling G5 -> C5: the hold is done
    session-finished.wav a rising C5 -> E5 -> G5 chime: the routine is complete
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

RATE = 44100
PEAK = 32767
FADE_OUT = 0.012
"""Seconds of linear fade at the very end, so every file ends on silence."""


@dataclass(frozen=True)
class Note:
    frequency: float
    start: float
    """Seconds from the beginning of the cue."""
    length: float
    level: float
    """Peak amplitude, 0..1."""
    attack: float = 0.012
    decay: float = 6.0
    """Exponential decay rate (1/s): larger dies away sooner."""


def note_sample(note: Note, t: float) -> float:
    local = t - note.start
    if local < 0 or local >= note.length:
        return 0.0
    if local < note.attack:
        # Raised cosine: starts with zero slope, so no click.
        envelope = 0.5 - 0.5 * math.cos(math.pi * local / note.attack)
    else:
        envelope = math.exp(-note.decay * (local - note.attack))
    tail = note.length - local
    if tail < FADE_OUT:
        envelope *= tail / FADE_OUT
    phase = 2 * math.pi * note.frequency * local
    # The octave partial fades faster than the fundamental, like a struck bell or a marimba.
    tone = math.sin(phase) + 0.18 * math.exp(-8 * local) * math.sin(2 * phase)
    return note.level * envelope * tone / 1.18


def render(notes: list[Note]) -> bytes:
    length = max(n.start + n.length for n in notes)
    frames = bytearray()
    for i in range(round(length * RATE)):
        t = i / RATE
        value = sum(note_sample(n, t) for n in notes)
        value = max(-1.0, min(1.0, value))
        frames += struct.pack("<h", round(value * PEAK))
    return bytes(frames)


CUES: dict[str, list[Note]] = {
    "tick": [Note(880.0, 0.0, 0.09, 0.28, attack=0.004, decay=45.0)],
    "hold-started": [Note(659.26, 0.0, 0.5, 0.5, attack=0.015, decay=5.5)],
    "hold-completed": [
        Note(783.99, 0.0, 0.24, 0.38, attack=0.015, decay=9.0),
        Note(523.25, 0.19, 0.36, 0.42, attack=0.02, decay=7.0),
    ],
    "session-finished": [
        Note(523.25, 0.0, 0.2, 0.34, attack=0.012, decay=9.0),
        Note(659.26, 0.13, 0.2, 0.36, attack=0.012, decay=9.0),
        Note(783.99, 0.26, 0.32, 0.4, attack=0.012, decay=6.5),
    ],
}


def write_cue(path: Path, notes: list[Note]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(render(notes))


def main(argv: list[str]) -> int:
    repo = Path(__file__).resolve().parent.parent
    target = Path(argv[0]) if argv else repo / "resources" / "sounds"
    target.mkdir(parents=True, exist_ok=True)
    for name, notes in CUES.items():
        path = target / f"{name}.wav"
        write_cue(path, notes)
        seconds = max(n.start + n.length for n in notes)
        print(f"{path} ({seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
