"""What the session screen says, without Qt: every hold of every bundled routine x every symptom.

The engine runs on a fake clock; the view is fed its events exactly as the window feeds it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.engine import SessionEngine
from desktop_app.events import Phase
from desktop_app.model import Library, PlannedHold, Routine, Step, Stretch, Symptom
from desktop_app.routines import load_library
from desktop_app.session_summary import SessionSummary, describe_summary, symptom_notes
from desktop_app.session_view import Choice, ControlKeys, Screen, SessionView
from tests.conftest import BUNDLED, REPO, FakeClock

LIBRARY: Library = load_library([BUNDLED]).library


@dataclass
class Run:
    """One session: engine, view and summary, all fed the same events."""

    routine: Routine
    clock: FakeClock
    engine: SessionEngine
    view: SessionView
    summary: SessionSummary

    @classmethod
    def start(cls, routine: Routine) -> Run:
        clock = FakeClock()
        engine = SessionEngine(routine, clock=clock)
        view = SessionView()
        summary = SessionSummary(routine)
        engine.subscribe(view.feed)

        def collect(event: object) -> None:
            from desktop_app.events import HoldEnded, SessionEnded, SymptomReported

            if isinstance(event, HoldEnded):
                summary.add_hold(event)
            elif isinstance(event, SymptomReported):
                summary.add_symptom(event)
            elif isinstance(event, SessionEnded):
                summary.ended = event

        engine.subscribe(collect)  # type: ignore[arg-type]
        engine.start()
        return cls(routine, clock, engine, view, summary)

    def screen(self) -> Screen:
        return self.view.screen(self.engine.snapshot())

    def go_to_hold(self, index: int) -> PlannedHold:
        """Skip ahead until hold ``index`` is being held, then hold it for a second."""
        while True:
            snap = self.engine.snapshot()
            assert snap.hold is not None, "the session ended before the hold"
            if snap.hold.index == index and snap.phase is Phase.HOLDING:
                break
            self.engine.skip()
        self.clock.advance(1)
        self.engine.tick()
        hold = self.engine.snapshot().hold
        assert hold is not None
        return hold

    def perform(self, choice: Choice) -> None:
        """What the window does for a choice."""
        if choice.action == "continue":
            assert self.engine.resume()
        elif choice.action == "other_area":
            assert choice.step is not None
            assert self.engine.resume_at(choice.step)
        elif choice.action == "end":
            assert self.engine.stop()
        elif choice.action == "stop_stretch":
            assert choice.symptom is not None
            assert self.engine.halt(choice.symptom)
        else:
            assert self.view.dismiss()


def panel_text(screen: Screen) -> str:
    panel = screen.advice
    if panel is None:
        return ""
    parts = [panel.title]
    for advice in panel.advices:
        parts += [advice.title, advice.lead]
        for section in advice.sections:
            parts.append(section.title)
            parts.extend(section.items)
    return "\n".join(parts)


def flags_shown(screen: Screen, symptom: Symptom) -> bool:
    text = panel_text(screen)
    return all(flag in text for flag in symptom.seek_help)


def summary_has_flags(run: Run, symptom: Symptom) -> bool:
    view = describe_summary(run.summary)
    notes = {note.symptom_id: note for note in view.symptoms}
    return symptom.id in notes and notes[symptom.id].seek_help == symptom.seek_help


def different_area_step(routine: Routine, stopped: int) -> int | None:
    area = set(routine.steps[stopped].stretch.area)
    for index in range(stopped + 1, len(routine.steps)):
        if not area & set(routine.steps[index].stretch.area):
            return index
    return None


CASES = [
    pytest.param(routine, hold.index, symptom, times, id=f"{routine.id}-{hold.index}-{sid}-{times}")
    for routine in LIBRARY.routines
    for hold in routine.holds()
    for sid, symptom in LIBRARY.symptoms.items()
    for times in (1, 2)
]


def test_the_table_covers_every_hold_routine_and_symptom() -> None:
    assert len(LIBRARY.routines) >= 5
    assert set(LIBRARY.symptoms) >= {"tingling", "heel-pain", "pain"}
    assert len(CASES) == 2 * len(LIBRARY.symptoms) * sum(len(r.holds()) for r in LIBRARY.routines)


@pytest.mark.parametrize(("routine", "index", "symptom", "times"), CASES)
def test_every_hold_every_symptom_first_and_repeated(
    routine: Routine, index: int, symptom: Symptom, times: int
) -> None:
    run = Run.start(routine)
    hold = run.go_to_hold(index)
    for _ in range(times):
        assert run.engine.report_symptom(symptom)
    screen = run.screen()
    advice = screen.advice
    assert advice is not None
    assert flags_shown(screen, symptom), "every red flag is on screen with the advice"
    lead = advice.advices[-1].lead
    if times == 2:
        assert "Reported again" in lead
        assert "come back" not in lead
        first_section = advice.advices[-1].sections[0]
        assert first_section.warning == bool(symptom.seek_help)
    else:
        assert "again" not in lead
        assert "come back" not in lead
    last_step = hold.step_index == len(routine.steps) - 1

    if routine.action_for(symptom) == "stop":
        check_stopped_screen(run, routine, hold, symptom, times, screen)
        if last_step:
            assert [c.action for c in screen.choices] == ["end"]
            assert screen.choices[0].keys == ("Enter", "Esc")
            run.perform(screen.choices[0])
        else:
            go_on = next(c for c in screen.choices if c.action in ("continue", "other_area"))
            run.perform(go_on)
            after = run.screen()
            assert not after.halted
            assert after.advice is None
            assert after.choices == ()
            assert after.show_instructions
            assert after.instructions == routine.steps[hold.step_index + 1 :][
                0
            ].stretch.instructions or (go_on.action == "other_area")
            assert after.reminder == (
                f"{symptom.label} reported in {hold.stretch.name}: what to watch for (W)"
            )
            assert run.view.toggle_watch()
            assert flags_shown(run.screen(), symptom)
            assert run.view.dismiss()
            run.engine.stop()
    else:
        assert not screen.halted
        assert advice.kind == "symptom"
        assert not screen.show_instructions
        keys = [c.keys for c in advice.choices]
        if times == 2:
            assert advice.choices[0].action == "stop_stretch"
            assert advice.choices[0].suggested
            assert keys == [("S",), ("G",)]
            run.perform(advice.choices[0])
            stopped = run.screen()
            assert stopped.halted
            assert stopped.stretch_name == f"Stopped: {hold.stretch.name}"
            assert flags_shown(stopped, symptom)
            assert sum(c.suggested for c in stopped.choices) == 1
        else:
            assert keys == [("G",)]
            assert "Keep going gently" in lead
            # The panel stays through the rest of the stretch, and goes with it.
            while (snap := run.engine.snapshot()).hold is not None and (
                snap.hold.step_index == hold.step_index
            ):
                assert run.screen().advice is not None
                run.engine.skip()
            after = run.screen()
            if run.engine.snapshot().hold is not None:
                assert after.advice is None
                assert after.show_instructions
                assert symptom.label in after.reminder
                assert after.reminder.endswith("(W)")
        run.engine.stop()
    assert run.engine.snapshot().ended
    assert summary_has_flags(run, symptom), "the summary keeps every red flag"


def check_stopped_screen(
    run: Run, routine: Routine, hold: PlannedHold, symptom: Symptom, times: int, screen: Screen
) -> None:
    assert screen.halted
    assert screen.stretch_name == f"Stopped: {hold.stretch.name}"
    assert screen.phase_text == f"You reported: {symptom.label}"
    assert screen.countdown_text == ""
    assert not screen.show_instructions
    assert screen.accent == "warning"
    assert sum(c.suggested for c in screen.choices) == 1
    suggested = next(c for c in screen.choices if c.suggested)
    assert suggested.keys[0] == "Enter"
    end = next(c for c in screen.choices if c.action == "end")
    assert "Esc" in end.keys
    if hold.step_index == len(routine.steps) - 1:
        return
    assert any(c.action == "continue" and "Space" in c.keys for c in screen.choices)
    other = different_area_step(routine, hold.step_index)
    first = screen.choices[0]
    if other is None:
        assert first.action == "end"
    elif other == hold.step_index + 1:
        assert first.action == "continue"
    else:
        assert first.action == "other_area"
        assert first.step == other
        assert first.keys[-1] == "N"
        skipped = other - hold.step_index - 1
        assert f"Skip {skipped} more stretch" in first.text
        assert first.text.endswith(f"go on to {routine.steps[other].stretch.name}")
    # A repeated report keeps the buttons in their places and suggests ending.
    assert suggested.action == ("end" if times == 2 or other is None else first.action)


# ---------------------------------------------------------------- hand-built cases

HAM = Stretch("ham", "Towel hamstring stretch", ("hamstrings",), True, ("Lie down.",))
HAM2 = Stretch("ham2", "Doorway hamstring stretch", ("hamstrings",), False, ("Lie in a door.",))
CALF = Stretch(
    "calf",
    "Wall calf stretch",
    ("calves",),
    False,
    ("Face the wall.",),
    advice=MappingProxyType({"tingling": ("Lift the back heel.",)}),
)
TINGLING = Symptom("tingling", "Tingling", "T", "continue", ("Bend the knee.",), ("Numbness.",))
PAIN = Symptom("pain", "Pain", "P", "stop", ("Come out slowly.",), ("Sharp pain.", "Swelling."))
HEEL = Symptom("heel", "Heel pain", "H", "continue", ("Loosen the foot.",), ("Cannot walk.",))
ROUTINE = Routine(
    "r",
    "R",
    "",
    (
        Step(HAM, hold=30, reps=2),
        Step(HAM2, hold=30, reps=1),
        Step(HAM, hold=20, reps=1),
        Step(CALF, hold=30, reps=1),
    ),
)


def test_pain_offers_to_skip_the_same_area_and_says_so() -> None:
    run = Run.start(ROUTINE)
    run.go_to_hold(1)
    run.engine.report_symptom(PAIN)
    screen = run.screen()
    assert [c.label for c in screen.choices] == [
        "Skip 2 more stretches for the hamstrings and go on to Wall calf stretch  (Enter or N)",
        "Continue with the next stretch, also for the hamstrings: Doorway hamstring stretch"
        "  (Space)",
        "End session  (Esc)",
    ]
    assert screen.choice_for("n") == screen.choices[0] == screen.choice_for("Enter")
    assert screen.progress_text == "Stretch 1 of 4"
    (advice,) = screen.advice.advices if screen.advice else ()
    assert advice.lead == ""  # the header says it stopped; the panel does not repeat it
    assert screen.advice is not None
    assert screen.advice.title == ""
    run.perform(screen.choices[0])
    after = run.screen()
    assert after.stretch_name == "Wall calf stretch"
    assert after.reminder == "Pain reported in Towel hamstring stretch: what to watch for (W)"
    holds = [(e.hold.stretch.id, e.outcome) for e in run.summary.holds]
    assert holds == [
        ("ham", "skipped"),  # skipped by the test to reach hold 1
        ("ham", "stopped"),
        ("ham2", "skipped"),
        ("ham", "skipped"),  # the towel stretch again, left and right
        ("ham", "skipped"),
    ]


def test_a_second_symptom_while_stopped_keeps_the_buttons_and_adds_its_advice() -> None:
    run = Run.start(ROUTINE)
    run.go_to_hold(0)
    run.engine.report_symptom(PAIN)
    before = run.screen()
    run.engine.report_symptom(TINGLING)
    after = run.screen()
    assert [c.text for c in after.choices] == [c.text for c in before.choices]
    assert [c.suggested for c in after.choices] == [c.suggested for c in before.choices]
    assert after.advice is not None
    assert [a.title for a in after.advice.advices] == ["Pain", "Tingling"]
    assert after.advice.advices[1].lead == "Stay out of the stretch and let this settle."
    run.engine.report_symptom(PAIN)
    again = run.screen()
    assert [c.text for c in again.choices] == [c.text for c in before.choices]
    assert [c.action for c in again.choices if c.suggested] == ["end"]
    assert again.choice_for("Enter") == next(c for c in again.choices if c.action == "end")
    assert again.advice is not None
    assert again.advice.advices[0].lead.startswith("Reported again (2 times in this session).")


def test_came_back_only_after_an_earlier_hold() -> None:
    run = Run.start(ROUTINE)
    run.go_to_hold(0)
    run.engine.report_symptom(TINGLING)
    run.go_to_hold(1)
    run.engine.report_symptom(TINGLING)
    screen = run.screen()
    assert screen.advice is not None
    lead = screen.advice.advices[0].lead
    assert lead.startswith("This has come back (2 times in this session).")
    # Same stretch (step), second report: stopping the stretch comes first.
    assert [c.label for c in screen.advice.choices] == ["Stop this stretch  (S)", "Got it  (G)"]
    run.engine.report_symptom(TINGLING)
    again = run.screen()
    assert again.advice is not None
    assert again.advice.advices[0].lead.startswith("Reported again (3 times in this session).")


def test_a_continue_symptom_in_a_new_stretch_is_not_offered_a_stop_at_once() -> None:
    run = Run.start(ROUTINE)
    run.go_to_hold(0)
    run.engine.report_symptom(TINGLING)
    run.go_to_hold(7)  # the calf
    run.engine.report_symptom(TINGLING)
    screen = run.screen()
    assert screen.advice is not None
    assert [c.action for c in screen.advice.choices] == ["dismiss"]
    (advice,) = screen.advice.advices
    assert advice.lead.startswith("This has come back")
    titles = [s.title for s in advice.sections]
    assert titles == ["See a professional if", "For the wall calf stretch", "In general"]


def test_dismiss_watch_and_the_reminder() -> None:
    run = Run.start(ROUTINE)
    run.go_to_hold(0)
    assert not run.view.toggle_watch()  # nothing reported: nothing to watch for
    run.engine.report_symptom(HEEL)
    assert run.screen().reminder == ""  # the panel says it all
    assert run.view.dismiss()
    assert not run.view.dismiss()
    screen = run.screen()
    assert screen.advice is None
    assert screen.show_instructions
    assert screen.reminder == "Heel pain reported in Towel hamstring stretch: what to watch for (W)"
    run.go_to_hold(7)  # the calf
    run.engine.report_symptom(TINGLING)
    screen = run.screen()
    assert screen.reminder == "Reported in this session: Heel pain, Tingling. What to watch for (W)"
    assert run.view.toggle_watch()
    watch = run.screen()
    assert watch.advice is not None
    assert watch.advice.kind == "watch"
    assert [a.lead for a in watch.advice.advices] == [
        "Reported in Towel hamstring stretch.",
        "Reported in Wall calf stretch.",
    ]
    assert watch.advice.advices[0].sections[0].items == ("Cannot walk.",)
    assert watch.reminder == ""
    assert run.view.toggle_watch()
    assert run.screen().advice is None


def test_stop_on_turns_tingling_into_a_stop_in_that_routine() -> None:
    nerve = Routine("n", "N", "", ROUTINE.steps, stop_on=("tingling",))
    run = Run.start(nerve)
    run.go_to_hold(4)  # the doorway stretch: one more hamstring stretch after it
    run.engine.report_symptom(TINGLING)
    screen = run.screen()
    assert screen.halted
    assert screen.phase_text == "You reported: Tingling"
    assert screen.choices[0].text == (
        "Skip 1 more stretch for the hamstrings and go on to Wall calf stretch"
    )


def test_pain_in_the_last_stretch_shows_the_stopped_screen_before_the_summary() -> None:
    run = Run.start(ROUTINE)
    run.go_to_hold(len(ROUTINE.holds()) - 1)
    run.engine.report_symptom(PAIN)
    screen = run.screen()
    assert screen.halted
    assert not run.engine.snapshot().ended
    assert [c.label for c in screen.choices] == [
        "End session: that was the last stretch  (Enter or Esc)"
    ]
    assert flags_shown(screen, PAIN)
    run.clock.advance(3600)
    assert run.screen() == screen  # it waits for the person
    run.perform(screen.choices[0])
    assert run.summary.ended is not None
    assert run.summary.ended.status == "stopped"
    (note,) = describe_summary(run.summary).symptoms
    assert (note.label, note.where, note.seek_help) == (
        "Pain",
        "Reported in Wall calf stretch",
        ("Sharp pain.", "Swelling."),
    )


def test_control_keys_avoid_symptom_keys() -> None:
    assert ControlKeys.avoiding(["T", "H", "P"]) == ControlKeys("G", "W", "S", "N", "R")
    keys = ControlKeys.avoiding(["g", "W", "S", "N", "O"])
    # The watch key takes R when W is a symptom's: reading aloud gives way to it.
    assert keys == ControlKeys("K", "R", "X", "A", "L")
    assert ControlKeys.avoiding(["r"]).read_aloud == "L"


def test_history_notes_look_up_the_library_and_keep_unknown_ids() -> None:
    notes = symptom_notes(
        [("pain", "Towel"), ("pain", "Wall"), ("gone", None), ("pain", "Towel")],
        {"pain": PAIN},
    )
    assert [(n.label, n.where, n.seek_help) for n in notes] == [
        ("Pain", "Reported 3 times: in Towel and Wall", ("Sharp pain.", "Swelling.")),
        ("gone", "Reported once", ()),
    ]


# ---------------------------------------------------------------- invariants

OPS = st.lists(
    st.sampled_from(
        [
            "advance",
            "skip",
            "back",
            "toggle",
            "tingling",
            "pain",
            "heel",
            "dismiss",
            "watch",
            "enter",
            "first",
            "stop_stretch",
        ]
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, routine_index=st.integers(0, len(LIBRARY.routines) - 1))
def test_no_red_flag_is_ever_lost(ops: list[str], routine_index: int) -> None:
    routine = LIBRARY.routines[routine_index]
    run = Run.start(routine)
    symptoms = LIBRARY.symptoms
    by_name = {"tingling": "tingling", "pain": "pain", "heel": "heel-pain"}
    halted_order: list[str] | None = None
    for op in ops:
        if run.engine.snapshot().ended:
            break
        screen = run.screen()
        if op == "advance":
            run.clock.advance(7)
            run.engine.tick()
        elif op in ("skip", "back"):
            getattr(run.engine, op)()
        elif op == "toggle":
            run.engine.toggle_pause()
        elif op in by_name:
            run.engine.report_symptom(symptoms[by_name[op]])
        elif op == "dismiss":
            run.view.dismiss()
        elif op == "watch":
            run.view.toggle_watch()
        elif op == "enter":
            choice = screen.choice_for("Enter")
            if choice is not None:
                run.perform(choice)
        elif op == "first" and screen.choices:
            run.perform(screen.choices[0])
        elif op == "stop_stretch":
            choice = screen.choice_for("S")
            if choice is not None:
                run.perform(choice)
        snap = run.engine.snapshot()
        if snap.ended:
            break
        screen = run.screen()
        reported = {r.symptom.id: r.symptom for r in run.view.reports}
        for symptom in reported.values():
            assert flags_shown(screen, symptom) or symptom.label in screen.reminder
        if screen.reminder:
            assert screen.reminder.endswith("(W)")
        if snap.halted_by is not None:
            assert screen.halted
            assert screen.advice is not None
            assert sum(c.suggested for c in screen.choices) == 1
            assert any(c.action == "end" and "Esc" in c.keys for c in screen.choices)
            order = [c.action for c in screen.choices]
            if halted_order is not None:
                assert order == halted_order, "the buttons keep their places while stopped"
            halted_order = order
        else:
            halted_order = None
            assert not screen.halted
            assert screen.choices == ()
    run.engine.stop()
    for report in run.view.reports:
        assert summary_has_flags(run, report.symptom)


def test_session_view_imports_no_qt() -> None:
    code = (
        "import sys\n"
        "import desktop_app.session_view, desktop_app.session_summary\n"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide' in m)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_summary_title_has_no_well_done_after_a_symptom() -> None:
    quiet = Run.start(ROUTINE)
    while not quiet.engine.snapshot().ended:
        quiet.engine.skip()
    assert describe_summary(quiet.summary).title == "Well done: routine complete"
    reported = Run.start(ROUTINE)
    reported.go_to_hold(0)
    reported.engine.report_symptom(HEEL)
    while not reported.engine.snapshot().ended:
        reported.engine.skip()
    view = describe_summary(reported.summary)
    assert view.title == "Routine complete"
    assert [(n.label, n.seek_help) for n in view.symptoms] == [("Heel pain", ("Cannot walk.",))]
