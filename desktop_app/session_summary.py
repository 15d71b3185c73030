"""What a session's summary and the history's session detail say, symptoms and red flags first.

Qt-free. :class:`SessionSummary` collects a running session's events; :func:`describe_summary`
turns them into the summary page's texts. :func:`symptom_notes` is what both the summary and
the history say about the symptoms of a session: every one reported, where, its advice and every
red flag that means "see a professional".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from desktop_app.events import HoldEnded, SessionEnded, SymptomReported
from desktop_app.formatting import duration_text
from desktop_app.model import Routine, Symptom

SEEK_HELP_TITLE = "See a professional if"
ADVICE_TITLE = "What helps"


@dataclass(frozen=True)
class SymptomNote:
    """One symptom of a session: what it was, where, and what to watch for."""

    symptom_id: str
    label: str
    where: str
    """``Reported in Towel hamstring stretch``, ``Reported 2 times: in A and B``."""
    seek_help: tuple[str, ...]
    advice: tuple[str, ...]


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def symptom_notes(
    reports: Iterable[tuple[str, str | None]], symptoms: Mapping[str, Symptom]
) -> tuple[SymptomNote, ...]:
    """Notes for every symptom in ``reports`` (symptom id, stretch name), in order of first report.

    ``symptoms`` is the loaded library's: a symptom it does not know (a routine file that has
    changed since) is still listed, by its id, so no report is ever dropped.
    """
    order: list[str] = []
    places: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for symptom_id, stretch in reports:
        if symptom_id not in counts:
            order.append(symptom_id)
            counts[symptom_id] = 0
            places[symptom_id] = []
        counts[symptom_id] += 1
        if stretch and stretch not in places[symptom_id]:
            places[symptom_id].append(stretch)
    notes = []
    for symptom_id in order:
        count = counts[symptom_id]
        where = _names(places[symptom_id])
        if count == 1:
            text = f"Reported in {where}" if where else "Reported once"
        else:
            text = f"Reported {count} times" + (f": in {where}" if where else "")
        known = symptoms.get(symptom_id)
        notes.append(
            SymptomNote(
                symptom_id=symptom_id,
                label=known.label if known is not None else symptom_id,
                where=text,
                seek_help=known.seek_help if known is not None else (),
                advice=known.advice if known is not None else (),
            )
        )
    return tuple(notes)


@dataclass
class SessionSummary:
    """Collects a session's events for the summary page."""

    routine: Routine
    holds: list[HoldEnded] = field(default_factory=list)
    reports: list[SymptomReported] = field(default_factory=list)
    ended: SessionEnded | None = None
    elapsed: float = 0.0

    def add_hold(self, event: HoldEnded) -> None:
        self.holds.append(event)

    def add_symptom(self, event: SymptomReported) -> None:
        self.reports.append(event)

    def notes(self) -> tuple[SymptomNote, ...]:
        known = {report.symptom.id: report.symptom for report in self.reports}
        return symptom_notes(
            ((r.symptom.id, r.hold.stretch.name if r.hold else None) for r in self.reports), known
        )


@dataclass(frozen=True)
class SummaryView:
    title: str
    routine_name: str
    totals: str
    lines: tuple[str, ...]
    symptoms: tuple[SymptomNote, ...]


def describe_summary(summary: SessionSummary) -> SummaryView:
    status = summary.ended.status if summary.ended else "stopped"
    if status != "completed":
        title = "Session ended early"
    elif summary.reports:
        title = "Routine complete"  # no "well done" for someone who reported pain
    else:
        title = "Well done: routine complete"
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
    return SummaryView(
        title=title,
        routine_name=summary.routine.name,
        totals=totals,
        lines=tuple(lines),
        symptoms=summary.notes(),
    )


def _outcome_note(events: Sequence[HoldEnded]) -> str:
    counts: Mapping[str, int] = {
        outcome: sum(1 for e in events if e.outcome == outcome)
        for outcome in ("skipped", "stopped")
    }
    notes = [f"{n} {outcome}" for outcome, n in counts.items() if n]
    return f" ({', '.join(notes)})" if notes else ""
