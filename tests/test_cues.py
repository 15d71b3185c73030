"""The cue schedule: the tones and spoken phrases of a session, driven from the engine on a fake
clock, and what the player makes of them with a fake speech engine (nothing stale is heard)."""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pytest

from desktop_app.audio import RATE, Clip, CuePlayer
from desktop_app.cues import (
    Action,
    Cue,
    CueSchedule,
    Hush,
    Say,
    SpeechPreferences,
    Tone,
    read_aloud_phrases,
    stopped_phrases,
)
from desktop_app.engine import SessionEngine
from desktop_app.events import Event
from desktop_app.formatting import spoken_duration
from desktop_app.model import Routine, Step, Stretch, Symptom
from desktop_app.session_view import Screen, SessionView
from desktop_app.speech import Speaker
from tests.conftest import FakeClock
from tests.fake_speech import FakeSpeechEngine
from tests.null_sink import wait_for
from tests.test_audio import FakeDevice, Reports, samples

TOWEL = Stretch(
    id="towel",
    name="Towel hamstring stretch",
    area=("hamstrings",),
    sided=True,
    instructions=("Lie on your back.", "Loop the towel around your foot"),
    advice=MappingProxyType({"tingling": ("Let the towel go a little slack.",)}),
)
CALF = Stretch(
    id="calf", name="Wall calf stretch", area=("calves",), sided=False, instructions=("Face it.",)
)
SEATED = Stretch(
    id="seated", name="Seated stretch", area=("hamstrings",), sided=False, instructions=("Sit.",)
)
TINGLING = Symptom(
    "tingling", "Tingling", "T", "continue", ("Bend the knee.",), ("Numbness that stays.",)
)
PAIN = Symptom("pain", "Pain", "P", "stop", ("Come out slowly.",), ("Sharp pain.", "Swelling."))

SMALL = Routine(
    id="small",
    name="Small",
    description="",
    steps=(
        Step(TOWEL, hold=30, reps=1, rest=10, prepare=5),
        Step(CALF, hold=20, reps=2, rest=10, prepare=5),
    ),
)
NO_PREPARE = Routine(
    id="no-prepare",
    name="No time to get ready",
    description="",
    steps=(
        Step(TOWEL, hold=10, reps=1, prepare=0),
        Step(SEATED, hold=10, reps=2, rest=0, prepare=0),
    ),
)


@dataclass
class Options:
    speech_enabled: bool = True
    speech_count_down: bool = False


def heard(actions: Sequence[Action]) -> list[str]:
    """Actions as short words: ``tick``, ``say Hold.``, ``say? Halfway.`` (if idle), ``hush``."""
    words: list[str] = []
    for action in actions:
        if isinstance(action, Tone):
            words.append(action.cue.value + ("(after)" if action.after_tone else ""))
        elif isinstance(action, Say):
            mark = "say?" if action.mode == "if_idle" else "say"
            words += [f"{mark} {phrase}" for phrase in action.phrases]
        elif isinstance(action, Hush):
            words.append("hush")
    return words


@dataclass
class Run:
    """A session on a fake clock: the engine's events go to the screen's model and the
    schedule, and every snapshot to the schedule too, as the window does."""

    routine: Routine
    options: Options = field(default_factory=Options)
    clock: FakeClock = field(default_factory=FakeClock)
    log: list[tuple[float, str]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.start = self.clock.now
        self.engine = SessionEngine(self.routine, clock=self.clock)
        self.view = SessionView()
        self.schedule = CueSchedule(lambda: self.options, clock=self.clock)
        self.engine.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        self.view.feed(event)
        self._record(self.schedule.on_event(event))

    def _record(self, actions: Sequence[Action]) -> None:
        self.actions += actions
        self.log += [(self.clock.now - self.start, word) for word in heard(actions)]

    def screen(self) -> Screen:
        return self.view.screen(self.engine.snapshot())

    def refresh(self) -> None:
        """What the controller's timer does: catch up, then the screen is drawn."""
        self.engine.tick()
        self._record(self.schedule.on_screen(self.screen()))

    def seconds(self, count: int) -> None:
        for _ in range(count):
            self.clock.advance(1)
            self.refresh()

    def words(self) -> list[str]:
        return [word for _, word in self.log]


PER_SECOND_SMALL = [
    (0, "say Towel hamstring stretch, left leg."),
    (2, "tick"),
    (3, "tick"),
    (4, "tick"),
    (5, "hold-started"),
    (5, "say Hold."),
    (20, "say? Halfway."),
    (35, "hold-completed"),
    (35, "say Switch to the right leg."),
    (37, "tick"),
    (38, "tick"),
    (39, "tick"),
    (40, "hold-started"),
    (40, "say Hold."),
    (55, "say? Halfway."),
    (70, "hold-completed"),
    (70, "say Wall calf stretch, rep 1 of 2."),
    (72, "tick"),
    (73, "tick"),
    (74, "tick"),
    (75, "hold-started"),
    (75, "say Hold."),  # 20 s: no "Halfway"
    (95, "hold-completed"),
    (95, "say Rest."),
    (105, "hold-started"),
    (105, "say Hold."),
    (125, "hold-completed"),
    (125, "session-finished(after)"),
    (125, "say Done. Total time 2 minutes 5 seconds."),
]


def test_a_small_routine_says_each_step_between_its_tones() -> None:
    run = Run(SMALL)
    run.engine.start()
    run.seconds(130)
    assert run.log == PER_SECOND_SMALL


def test_counting_aloud_replaces_the_ticks_and_counts_down_each_hold() -> None:
    run = Run(SMALL, Options(speech_count_down=True))
    run.engine.start()
    run.seconds(40)
    assert run.log == [
        (0, "say Towel hamstring stretch, left leg."),
        (2, "say? 3."),
        (3, "say? 2."),
        (4, "say? 1."),
        (5, "hold-started"),
        (5, "say Hold."),
        (20, "say? Halfway."),
        (32, "say? 3."),
        (33, "say? 2."),
        (34, "say? 1."),
        (35, "hold-completed"),
        (35, "say Switch to the right leg."),
        (37, "say? 3."),
        (38, "say? 2."),
        (39, "say? 1."),
        (40, "hold-started"),
        (40, "say Hold."),
    ]
    # Rests are not counted: nothing to get into.
    run.seconds(60)
    assert [w for t, w in run.log if 95 < t < 105] == []


def test_with_spoken_cues_off_only_the_tones_sound_as_before() -> None:
    run = Run(SMALL, Options(speech_enabled=False, speech_count_down=True))
    run.engine.start()
    run.seconds(130)
    assert run.log == [(t, w) for t, w in PER_SECOND_SMALL if not w.startswith("say")]
    assert not any(isinstance(a, Say | Hush) for a in run.actions)


def test_a_new_position_with_no_time_to_get_into_it_is_named_as_the_hold_starts() -> None:
    run = Run(NO_PREPARE)
    run.engine.start()
    run.seconds(40)
    assert run.words() == [
        "hold-started",
        "say Towel hamstring stretch, left leg.",
        "say Hold.",
        "hold-completed",
        "hold-started",
        "say Switch to the right leg.",
        "say Hold.",
        "hold-completed",
        "hold-started",
        "say Seated stretch, rep 1 of 2.",
        "say Hold.",
        "hold-completed",
        "hold-started",
        "say Hold.",  # the same position again
        "hold-completed",
        "session-finished(after)",
        "say Done. Total time 40 seconds.",
    ]


def test_skip_back_and_pause_never_leave_stale_words_waiting() -> None:
    run = Run(SMALL)
    run.engine.start()
    run.seconds(1)
    run.engine.skip()  # into the hold at once: the side is cut off by the hold's own words
    assert run.words()[-2:] == ["hold-started", "say Hold."]
    run.seconds(3)
    run.engine.back()  # restart the hold
    assert run.words()[-2:] == ["hold-started", "say Hold."]
    run.seconds(2)
    run.engine.pause()
    assert run.words()[-1] == "hush"
    run.seconds(60)  # nothing is said while paused, and nothing stale after
    run.engine.resume()
    run.seconds(10)
    assert run.words()[-1] == "hush"
    run.seconds(5)  # 15 s from the restart: halfway
    assert run.words()[-1] == "say? Halfway."
    run.engine.skip()  # skip the hold: what was said of it is dropped
    assert run.words()[-2:] == ["hush", "say Switch to the right leg."]
    run.engine.stop()
    assert run.words()[-1] == "hush"
    # Every phrase is "now" (cuts off the last one) but for Halfway and the counts.
    modes = {p: a.mode for a in run.actions if isinstance(a, Say) for p in a.phrases}
    assert modes == {
        "Towel hamstring stretch, left leg.": "now",
        "Hold.": "now",
        "Halfway.": "if_idle",
        "Switch to the right leg.": "now",
    }


def test_a_stopped_stretch_says_what_its_screen_says_first() -> None:
    run = Run(SMALL)
    run.engine.start()
    run.seconds(8)
    assert run.engine.report_symptom(PAIN)
    assert run.words()[-1] == "hush"
    run.refresh()  # the stopped screen is drawn: its first words are said
    screen = run.screen()
    assert screen.halted
    assert run.log[-4:] == [
        (8, "say Stopped: Towel hamstring stretch."),
        (8, "say You reported: Pain."),
        (8, "say What helps."),
        (8, "say Come out slowly."),
    ]
    said = len(run.log)
    run.seconds(30)  # waiting on the stopped screen: said once, nothing more
    assert len(run.log) == said
    # The person goes on: the next stretch is named.
    assert run.engine.resume()
    assert run.words()[-1] == "say Wall calf stretch, rep 1 of 2."


def test_a_symptom_that_keeps_the_hold_running_says_nothing_by_itself() -> None:
    run = Run(SMALL)
    run.engine.start()
    run.seconds(8)
    before = len(run.log)
    assert run.engine.report_symptom(TINGLING)
    run.refresh()
    assert run.log[before:] == []
    assert run.screen().advice is not None


def test_reading_aloud_gives_the_advice_in_the_screens_order_red_flags_first_when_they_lead() -> (
    None
):
    run = Run(SMALL)
    run.engine.start()
    run.seconds(8)
    assert read_aloud_phrases(run.screen()) == (
        "Towel hamstring stretch.",
        "Left leg.",
        "Lie on your back.",
        "Loop the towel around your foot.",
    )
    run.engine.report_symptom(TINGLING)
    assert read_aloud_phrases(run.screen()) == (
        "Tingling.",
        "Keep going gently, with these adjustments.",
        "For the towel hamstring stretch.",
        "Let the towel go a little slack.",
        "In general.",
        "Bend the knee.",
        "See a professional if.",
        "Numbness that stays.",
    )
    run.engine.report_symptom(TINGLING)  # again in this hold: the red flags lead
    phrases = read_aloud_phrases(run.screen())
    assert phrases[1].startswith("Reported again (2 times in this session).")
    assert phrases[2:4] == ("See a professional if.", "Numbness that stays.")
    assert phrases[-1] == "Suggested: Stop this stretch."
    assert CueSchedule.read_aloud(run.screen()) == (Say(phrases),)
    assert CueSchedule.read_aloud(Screen()) == ()


def test_the_stopped_screen_read_aloud_whole_ends_with_the_suggested_choice() -> None:
    run = Run(SMALL)
    run.engine.start()
    run.seconds(8)
    run.engine.report_symptom(PAIN)
    screen = run.screen()
    assert stopped_phrases(screen) == (
        "Stopped: Towel hamstring stretch.",
        "You reported: Pain.",
        "What helps.",
        "Come out slowly.",
    )
    whole = read_aloud_phrases(screen)
    assert whole[: len(stopped_phrases(screen))] == stopped_phrases(screen)
    assert "Sharp pain." in whole
    assert "Swelling." in whole
    assert whole[-1] == "Suggested: Continue with the next stretch: Wall calf stretch."


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (45.4, "45 seconds"),
        (60, "1 minute"),
        (125, "2 minutes 5 seconds"),
        (3600, "1 hour"),
        (3725, "1 hour 2 minutes"),
    ],
)
def test_durations_are_spoken_in_words(seconds: float, words: str) -> None:
    assert spoken_duration(seconds) == words


def test_preferences_are_read_at_each_event() -> None:
    run = Run(SMALL, Options(speech_enabled=False))
    run.engine.start()
    run.seconds(3)
    run.options.speech_enabled = True
    run.options.speech_count_down = True
    run.seconds(2)
    assert run.words() == ["tick", "tick", "say? 1.", "hold-started", "say Hold."]
    assert SpeechPreferences() == SpeechPreferences(False, "", 0, False)  # off by default


# ---------------------------------------------------------------------- through the player


class Heard:
    """The schedule played by the real player on a fake output, with a fake speech engine.

    The output is pulled in step with the fake clock (one second of frames per second), so
    what a person would hear at each moment is what the test reads.
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.device = FakeDevice()
        reports = Reports()
        self.tone_levels = {cue: 20000 + 1000 * index for index, cue in enumerate(Cue)}
        clips = {
            cue: Clip(array.array("h", [level] * (RATE // 2)).tobytes())
            for cue, level in self.tone_levels.items()
        }
        self.player: CuePlayer[Cue] = CuePlayer(
            clips, reports.on_ready, reports.on_failure, lambda: self.device, name="test-cues"
        )
        self.player.start()
        assert reports.ready.wait(5)
        self.engine = FakeSpeechEngine()
        self.speaker = Speaker(self.engine, self.player)
        self.levels: list[int] = []

    def play_new(self, start: int) -> None:
        for action in self.run.actions[start:]:
            if isinstance(action, Tone):
                self.player.play(action.cue)
            elif isinstance(action, Say):
                self.speaker.say(action.phrases, action.mode)
            elif isinstance(action, Hush):
                self.speaker.hush()
        # Wait until the worker has taken everything in (a silent clip marks the end).
        mark = Clip(b"")
        self.player.play_clip(mark)
        wait_for(lambda: any(c is mark for c in self.device.prepared), "the worker is stuck")

    def listen(self, seconds: float) -> None:
        frames = round(RATE * seconds)
        while frames > 0:
            feed = self.device.feed
            period = samples(feed.send(min(882, frames))) if feed is not None else []
            self.levels += period + [0] * (min(882, frames) - len(period))
            frames -= 882

    def step(self, action: str = "", seconds: float = 1.0) -> None:
        """Do ``action`` on the engine (or let a second pass), play what it brought, listen."""
        start = len(self.run.actions)
        if action:
            getattr(self.run.engine, action)()
        else:
            self.run.clock.advance(seconds)
            self.run.refresh()
        self.play_new(start)
        self.listen(0 if action else seconds)

    def phrases_heard(self) -> list[str]:
        by_level = {level: text for text, level in self.engine.levels.items()}
        out: list[str] = []
        last = None
        for value in self.levels:
            text = by_level.get(value)
            if text is not None and text != last:
                out.append(text)
            last = text
        return out


def test_what_is_heard_never_mixes_a_tone_and_speech_nor_says_anything_stale() -> None:
    run = Run(SMALL, Options(speech_count_down=True))
    ear = Heard(run)
    start = len(run.actions)
    run.engine.start()
    ear.play_new(start)
    ear.listen(0.2)  # the start of the side's name
    ear.step("skip")  # into the hold: the name is cut off, the tone, then "Hold."
    for _ in range(3):
        ear.step()
    ear.step("back")  # the hold restarts: its tone and "Hold." again
    ear.step()
    ear.step("pause")
    for _ in range(5):
        ear.step()  # paused: silence
    ear.step("resume")
    for _ in range(30):
        ear.step()  # to the end of the hold: halfway, 3, 2, 1, the tone, the other side
    ear.step("skip")  # the hold's tone, and "Hold." waiting for it to end...
    ear.step("stop")  # ...is never said: the session has stopped
    ear.listen(3)
    levels = set(ear.levels)
    speech = set(ear.engine.levels.values())
    tones = set(ear.tone_levels.values())
    assert levels <= speech | tones | {0}  # never a sum: a tone and speech are never mixed
    assert ear.phrases_heard() == [
        "Towel hamstring stretch, left leg.",  # cut off by the skip
        "Hold.",
        "Hold.",  # after back
        "Halfway.",
        "3.",
        "2.",
        "1.",
        "Switch to the right leg.",
    ]
    assert ear.tone_levels[Cue.HOLD_STARTED] in ear.levels[-3 * RATE :]  # the last tone played
    # "Hold." follows its tone whole: what sounded last before each "Hold." is the tone.
    hold = ear.engine.level("Hold.")
    start_tone = ear.tone_levels[Cue.HOLD_STARTED]
    sounding = [v for v in ear.levels if v]
    firsts = [i for i, v in enumerate(sounding) if v == hold and sounding[i - 1] != hold]
    assert len(firsts) == 2
    assert all(sounding[i - 1] == start_tone for i in firsts)
    assert ear.player.close()
