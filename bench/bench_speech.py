"""What spoken cues cost: espeak-ng's time per phrase, the wait from a cue to its first sound,
and the espeak-ng runs and their time over each bundled routine with spoken cues on.

- Each phrase kind is rendered by ``desktop_app.speech.EspeakEngine`` (one ``espeak-ng
  --stdout`` process each), median of ``--runs``.
- "Cue to sound": the real player (``desktop_app.audio.CuePlayer``) on an output that records
  when the phrase's first sample is asked for; from ``Speaker.say`` on the calling thread,
  with the phrase not yet rendered and once kept (median of ``--runs``).
- Each bundled routine is run on a fake clock through ``desktop_app.cues.CueSchedule`` with
  spoken cues and the count on; every phrase it says is rendered as the app would (short ones
  are kept): how many espeak-ng runs, their total time, the longest, and the memory the kept
  phrases take (at most 16 of them).

    .venv/bin/python bench/bench_speech.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from desktop_app.audio import Clip, CuePlayer, Feed  # noqa: E402
from desktop_app.cues import CueSchedule, Say, SpeechPreferences  # noqa: E402
from desktop_app.engine import SessionEngine  # noqa: E402
from desktop_app.paths import bundled_routines_file  # noqa: E402
from desktop_app.routines import load_library  # noqa: E402
from desktop_app.speech import CACHE_TEXT, EspeakEngine, Speaker  # noqa: E402

PHRASES = {
    "a count": "3.",
    "Hold": "Hold.",
    "stretch and side": "Towel hamstring stretch, left leg, rep 1 of 3.",
    "Done": "Done. Total time 12 minutes 30 seconds.",
    "a sentence of advice": (
        "Numbness or tingling that stays long after you stop stretching, or is there all day."
    ),
}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FirstSample:
    """An output that notes when it is first asked for a sample that is not silence."""

    def __init__(self) -> None:
        self.heard = threading.Event()
        self.at = 0.0
        self._stop = threading.Event()

    def prepare(self, clip: Clip) -> bytes:
        return clip.pcm

    def start(self, feed: Feed) -> None:
        def pull() -> None:
            while not self._stop.is_set():
                if any(feed.send(441)):
                    self.at = time.perf_counter()
                    self.heard.set()
                    return
                time.sleep(0.0005)

        threading.Thread(target=pull, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self._stop.set()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def render_times(engine: EspeakEngine, runs: int) -> None:
    print("espeak-ng, one phrase (process start to WAV), median of", runs)
    for name, text in PHRASES.items():
        times = []
        clip = None
        for _ in range(runs):
            started = time.perf_counter()
            clip = engine.synthesise(text, "", 0)
            times.append(time.perf_counter() - started)
        assert clip is not None
        print(f"  {name:<22} {ms(statistics.median(times)):>9}   ({clip.seconds:.2f} s of speech)")


def cue_to_sound(engine: EspeakEngine, runs: int) -> None:
    waits: dict[str, list[float]] = {"not yet rendered": [], "kept": []}
    for index in range(runs):
        for kind in waits:
            device = FirstSample()
            ready = threading.Event()
            player: CuePlayer[str] = CuePlayer({}, ready.set, print, lambda d=device: d)
            player.start()
            ready.wait(5)
            speaker = Speaker(engine, player)
            text = f"Hold {index}." if kind == "not yet rendered" else "Hold."
            if kind == "kept":
                speaker.say([text])
                device.heard.wait(5)
                player.close()
                device = FirstSample()
                ready.clear()
                player = CuePlayer({}, ready.set, print, lambda d=device: d)
                player.start()
                ready.wait(5)
                speaker.sink = player
            started = time.perf_counter()
            speaker.say([text])
            device.heard.wait(5)
            waits[kind].append(device.at - started)
            player.close()
    print("Cue to its first sample at the output (before the output's own buffer), median:")
    for kind, values in waits.items():
        print(f"  {kind:<22} {ms(statistics.median(values)):>9}")


def routines(engine: EspeakEngine) -> None:
    library = load_library([bundled_routines_file()]).library
    print("Each bundled routine with spoken cues and the count on (short phrases kept):")
    options = SpeechPreferences(speech_enabled=True, speech_count_down=True)
    for routine in library.routines:
        clock = Clock()
        session = SessionEngine(routine, clock=clock)
        schedule = CueSchedule(lambda: options, clock=clock)
        phrases: list[str] = []
        session.subscribe(
            lambda event, schedule=schedule, phrases=phrases: phrases.extend(
                p for a in schedule.on_event(event) if isinstance(a, Say) for p in a.phrases
            )
        )
        session.start()
        while session.snapshot().running:
            clock.now += 0.5
            session.tick()
        kept: dict[str, int] = {}
        times: list[float] = []
        for text in phrases:
            if text in kept:
                continue
            started = time.perf_counter()
            clip = engine.synthesise(text, "", 0)
            times.append(time.perf_counter() - started)
            if len(text) <= CACHE_TEXT:
                kept[text] = len(clip.pcm)
        minutes = routine.planned_seconds / 60
        print(
            f"  {routine.name:<34} {minutes:5.1f} min: {len(phrases):3} phrases,"
            f" {len(times):3} espeak-ng runs, {sum(times):.2f} s in all,"
            f" longest {ms(max(times))}; kept {sum(kept.values()) / 1024:.0f} KiB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        print("needs espeak-ng (apt-get install espeak-ng)", file=sys.stderr)
        return 1
    engine = EspeakEngine()
    engine.synthesise("warm up", "", 0)
    render_times(engine, args.runs)
    cue_to_sound(engine, args.runs)
    routines(engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
