"""What the window says: turns engine snapshots and events into plain strings (no Qt, no clock)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from desktop_app.engine import Snapshot
from desktop_app.events import HoldEnded, Phase, SessionEnded, State, SymptomReported
from desktop_app.model import PlannedHold, Routine, Symptom, duration_text


def clock_text(seconds: float, *, minutes_always: bool = False) -> str:
    """A countdown reading: ``45`` under a minute, ``1:05`` from a minute, ``1:02:03`` beyond.

    ``minutes_always`` writes ``0:45`` under a minute too (the routine's time left, which is
    read as a clock time beside ``10:18 left``, never as a bare count).
    """
    whole = max(0, math.ceil(seconds))
    if whole < 60 and not minutes_always:
        return str(whole)
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def side_text(hold: PlannedHold) -> str:
    """``Left leg, rep 2 of 3``; ``Rep 2 of 3`` for an unsided stretch; empty for a single hold."""
    rep = f"rep {hold.rep} of {hold.reps}" if hold.reps > 1 else ""
    if hold.side is None:
        return rep.capitalize()
    side = f"{hold.side.capitalize()} leg"
    return f"{side}, {rep}" if rep else side


def phase_text(phase: Phase, hold: PlannedHold) -> str:
    if phase is Phase.HOLDING:
        return "Hold"
    if phase is Phase.RESTING:
        return "Rest"
    if hold.side_changed and hold.side is not None:
        return f"Switch to the {hold.side} side"
    return "Get into position"


def hold_title(hold: PlannedHold) -> str:
    side = f", {hold.side} leg" if hold.side else ""
    return f"{hold.stretch.name}{side}"


def routine_summary(routine: Routine) -> str:
    count = routine.stretch_count
    noun = "stretch" if count == 1 else "stretches"
    return f"{count} {noun} · {duration_text(routine.planned_seconds)}"


@dataclass(frozen=True)
class SessionView:
    """The session page's texts for one snapshot."""

    stretch_name: str
    phase: Phase | None
    phase_text: str
    side_text: str
    countdown_text: str
    countdown_caption: str
    fraction_left: float
    next_text: str
    progress_text: str
    instructions: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    paused: bool = False
    halted_text: str = ""
    continue_text: str = ""
    pause_label: str = "Pause"

    @property
    def halted(self) -> bool:
        return bool(self.halted_text)


def describe_halted(snapshot: Snapshot, stopped: PlannedHold | None) -> SessionView:
    """The stopped state after a stop symptom: about the stretch that hurt, no countdown."""
    halted = snapshot.halted_by
    assert halted is not None
    hold = stopped or snapshot.hold
    name = hold.stretch.name if hold is not None else "this stretch"
    step = hold.step_index + 1 if hold is not None else snapshot.step_number
    upcoming = snapshot.hold
    following = f": {upcoming.stretch.name}" if upcoming is not None else ""
    return SessionView(
        stretch_name=f"Stretch stopped: {name}",
        phase=None,
        phase_text=f"You reported: {halted.label}",
        side_text="Nothing is running.",
        countdown_text="",
        countdown_caption="",
        fraction_left=0.0,
        next_text="",
        progress_text=f"Stretch {step} of {snapshot.step_total} stopped",
        paused=True,
        halted_text=f"This stretch was stopped because you reported: {halted.label}.",
        continue_text=f"Continue with the next stretch{following}",
        pause_label="Resume",
    )


def describe(snapshot: Snapshot, stopped: PlannedHold | None = None) -> SessionView:
    """Everything the session page shows, as text.

    ``stopped`` is the hold a stop symptom ended; while the engine is halted the page is about
    that stretch (the snapshot's hold is then the next one, not yet started).
    """
    if snapshot.halted_by is not None:
        return describe_halted(snapshot, stopped)
    hold = snapshot.hold
    if hold is None or snapshot.phase is None:
        return SessionView(
            stretch_name="",
            phase=None,
            phase_text="",
            side_text="",
            countdown_text="",
            countdown_caption="",
            fraction_left=0.0,
            next_text="",
            progress_text="",
        )
    phase = snapshot.phase
    paused = snapshot.state is State.PAUSED
    text = phase_text(phase, hold)
    caption = {Phase.HOLDING: "hold", Phase.RESTING: "rest", Phase.PREPARING: "get ready"}[phase]
    if paused:
        text = f"Paused · {text}"
        caption = "paused"
    nxt = snapshot.next_hold
    if phase is not Phase.HOLDING:
        next_text = f"Then: hold for {duration_text(hold.hold)}"
    elif nxt is None:
        next_text = "Last hold of the routine"
    elif nxt.step_index == hold.step_index and nxt.side == hold.side:
        next_text = f"Next: rest, then rep {nxt.rep} · {duration_text(nxt.hold)}"
    else:
        next_text = f"Next: {hold_title(nxt)} · {duration_text(nxt.hold)}"
    progress = (
        f"Stretch {snapshot.step_number} of {snapshot.step_total}"
        f" · {clock_text(snapshot.routine_remaining, minutes_always=True)} left"
    )
    stretch = hold.stretch
    return SessionView(
        stretch_name=stretch.name,
        phase=phase,
        phase_text=text,
        side_text=side_text(hold),
        countdown_text=clock_text(snapshot.display),
        countdown_caption=caption,
        fraction_left=snapshot.fraction_left,
        next_text=next_text,
        progress_text=progress,
        instructions=stretch.instructions,
        tips=stretch.tips,
        cautions=stretch.cautions if phase is Phase.PREPARING else (),
        paused=paused,
        pause_label="Resume" if paused else "Pause",
    )


@dataclass(frozen=True)
class AdviceSection:
    title: str
    items: tuple[str, ...]
    warning: bool = False


@dataclass(frozen=True)
class Advice:
    """What the window shows after a symptom is reported."""

    title: str
    lead: str
    sections: tuple[AdviceSection, ...]
    symptom_id: str = ""


def symptom_advice(report: SymptomReported, *, halted: bool = False) -> Advice:
    """The stretch's own advice first, then the general; red flags first from the second report.

    ``halted``: the report came while the session is stopped after a stop symptom, so the
    advice is about the stretch that was stopped and never says to keep going.
    """
    symptom: Symptom = report.symptom
    sections: list[AdviceSection] = []
    stretch = report.hold.stretch if report.hold is not None else None
    own = stretch.advice.get(symptom.id, ()) if stretch is not None else ()
    if stretch is not None and own:
        sections.append(AdviceSection(f"For {stretch.name.lower()}", own))
    if symptom.advice:
        sections.append(AdviceSection("What helps" if not own else "In general", symptom.advice))
    flags = AdviceSection("See a professional if", symptom.seek_help, warning=True)
    repeated = report.times_reported > 1
    if symptom.seek_help:
        if repeated:
            sections.insert(0, flags)
        else:
            sections.append(flags)
    if repeated and (halted or symptom.action == "stop"):
        lead = (
            "This has come back. Consider ending today's session here;"
            " if it keeps happening, see a professional."
        )
    elif repeated:
        lead = (
            "This has come back. Ease right off or stop here;"
            " if it keeps happening, see a professional."
        )
    elif halted:
        lead = "This stretch is already stopped. Stay out of it and let this settle."
    elif symptom.action == "stop":
        lead = "This stretch has been stopped."
    else:
        lead = "Keep going gently, with these adjustments."
    if repeated:
        lead = f"You have reported this {report.times_reported} times in this session. " + lead
    return Advice(title=symptom.label, lead=lead, sections=tuple(sections), symptom_id=symptom.id)


@dataclass
class SessionSummary:
    """Collects a session's events for the summary page."""

    routine: Routine
    holds: list[HoldEnded] = field(default_factory=list)
    symptoms: dict[str, int] = field(default_factory=dict)
    symptom_labels: dict[str, str] = field(default_factory=dict)
    ended: SessionEnded | None = None
    elapsed: float = 0.0

    def add_hold(self, event: HoldEnded) -> None:
        self.holds.append(event)

    def add_symptom(self, event: SymptomReported) -> None:
        self.symptoms[event.symptom.id] = event.times_reported
        self.symptom_labels[event.symptom.id] = event.symptom.label


@dataclass(frozen=True)
class SummaryView:
    title: str
    routine_name: str
    totals: str
    lines: tuple[str, ...]
    symptoms: tuple[str, ...]


def describe_summary(summary: SessionSummary) -> SummaryView:
    status = summary.ended.status if summary.ended else "stopped"
    title = "Well done: routine complete" if status == "completed" else "Session ended early"
    held = summary.ended.held_seconds if summary.ended else 0.0
    planned = summary.routine.holds()
    done = sum(1 for h in summary.holds if h.outcome == "completed")
    totals = (
        f"{done} of {len(planned)} holds done · held {duration_text(held)}"
        f" · total time {duration_text(summary.elapsed)}"
    )
    per_step: dict[int, list[HoldEnded]] = {}
    for event in summary.holds:
        per_step.setdefault(event.hold.step_index, []).append(event)
    lines = []
    for index, step in enumerate(summary.routine.steps):
        events = per_step.get(index, [])
        expected = sum(1 for h in planned if h.step_index == index)
        completed = sum(1 for e in events if e.outcome == "completed")
        extra = _outcome_note(events)
        lines.append(f"{step.stretch.name}: {completed} of {expected} holds{extra}")
    symptoms = tuple(
        f"{summary.symptom_labels[sid]}" + (f" ({count} times)" if count > 1 else "")
        for sid, count in summary.symptoms.items()
    )
    return SummaryView(
        title=title,
        routine_name=summary.routine.name,
        totals=totals,
        lines=tuple(lines),
        symptoms=symptoms,
    )


def _outcome_note(events: Sequence[HoldEnded]) -> str:
    counts: Mapping[str, int] = {
        outcome: sum(1 for e in events if e.outcome == outcome)
        for outcome in ("skipped", "stopped")
    }
    notes = [f"{n} {outcome}" for outcome, n in counts.items() if n]
    return f" ({', '.join(notes)})" if notes else ""
