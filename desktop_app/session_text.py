"""The words of the session screen: a hold's plain texts and what is said about a symptom.

Qt-free, used by :mod:`desktop_app.session_view`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from desktop_app.events import Phase
from desktop_app.model import PlannedHold, Symptom, side_phrase
from desktop_app.model import side_text as stretch_side_text
from desktop_app.session_summary import ADVICE_TITLE, SEEK_HELP_TITLE, SymptomNote

Context = Literal["running", "stopped", "while_stopped", "chosen_stop"]
"""Where a report's advice is shown: during a hold, as the stopped screen, while stopped, or
on the stopped screen the person chose (stopping a stretch after a repeated symptom)."""

# ---------------------------------------------------------------------- plain texts


def side_text(hold: PlannedHold) -> str:
    """``Left leg, rep 2 of 3``; ``Rep 2 of 3`` for an unsided stretch; empty for a single hold.

    The side is in the stretch's own words (``Left foot back``): see ``model.side_text``.
    """
    rep = f"rep {hold.rep} of {hold.reps}" if hold.reps > 1 else ""
    if hold.side is None:
        return rep.capitalize()
    side = stretch_side_text(hold.stretch, hold.side)
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
    side = f", {side_phrase(hold.stretch, hold.side)}" if hold.side else ""
    return f"{hold.stretch.name}{side}"


def and_list(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class AdviceSection:
    title: str
    items: tuple[str, ...]
    warning: bool = False


@dataclass(frozen=True)
class Advice:
    """What the screen says about one symptom."""

    title: str
    lead: str
    sections: tuple[AdviceSection, ...]
    symptom_id: str = ""


# ---------------------------------------------------------------------- advice


@dataclass(frozen=True)
class Report:
    """One symptom report, as the view keeps it."""

    symptom: Symptom
    hold: PlannedHold | None
    times: int
    stops: bool
    while_stopped: bool


def _lead(report: Report, earlier: Sequence[Report], context: Context) -> str:
    before = [r for r in earlier if r.symptom.id == report.symptom.id]
    again = any(
        r.hold is not None and report.hold is not None and r.hold.index == report.hold.index
        for r in before
    )
    if before:
        how = "Reported again" if again else "This has come back"
        times = f"{how} ({report.times} times in this session)."
        if context == "chosen_stop":
            return f"{times} This stretch is stopped: let it settle before you go on."
        if report.stops or context != "running":
            return (
                f"{times} Consider ending today's session here;"
                " if it keeps happening, see a professional."
            )
        return (
            f"{times} Ease right off or stop this stretch;"
            " if it keeps happening, see a professional."
        )
    if context == "while_stopped":
        return "Stay out of the stretch and let this settle."
    if context == "chosen_stop":
        return "This stretch is stopped: let it settle before you go on."
    if context == "stopped":
        return ""  # the header already says the stretch stopped and why
    return "Keep going gently, with these adjustments."


def symptom_advice(report: Report, earlier: Sequence[Report], context: Context) -> Advice:
    """The stretch's own advice first, then the general; red flags first once it is repeated."""
    symptom = report.symptom
    stretch = report.hold.stretch if report.hold is not None else None
    own = stretch.advice.get(symptom.id, ()) if stretch is not None else ()
    sections: list[AdviceSection] = []
    if stretch is not None and own:
        sections.append(AdviceSection(f"For the {stretch.name.lower()}", own))
    if symptom.advice:
        sections.append(AdviceSection("In general" if own else ADVICE_TITLE, symptom.advice))
    if symptom.seek_help:
        flags = AdviceSection(SEEK_HELP_TITLE, symptom.seek_help, warning=True)
        repeated = any(r.symptom.id == symptom.id for r in earlier)
        if repeated:
            sections.insert(0, flags)
        else:
            sections.append(flags)
    return Advice(
        title=symptom.label,
        lead=_lead(report, earlier, context),
        sections=tuple(sections),
        symptom_id=symptom.id,
    )


def note_advice(note: SymptomNote) -> Advice:
    """A reported symptom, looked back on: red flags first, then what helps."""
    sections = []
    if note.seek_help:
        sections.append(AdviceSection(SEEK_HELP_TITLE, note.seek_help, warning=True))
    if note.advice:
        sections.append(AdviceSection(ADVICE_TITLE, note.advice))
    return Advice(note.label, f"{note.where}.", tuple(sections), note.symptom_id)
