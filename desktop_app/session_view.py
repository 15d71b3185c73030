"""What the session screen says: a pure model fed the engine's events, drawn by the widgets.

No Qt. The window feeds :meth:`SessionView.feed` every engine event and the person's view keys
(:meth:`SessionView.dismiss`, :meth:`SessionView.toggle_watch`), and for every snapshot draws
:meth:`SessionView.screen`: a frozen :class:`Screen` with every text, which advice panel shows
with which sections, whether the session is halted, the choices in order with their keys, and
the reminder line that keeps the red flags one key away.

Rules it keeps
    - A symptom that continues shows its advice until dismissed or until its stretch ends; its
      second report in a stretch offers stopping the stretch first.
    - A symptom that stops (its action, or the routine's ``stop_on``) shows the stopped screen
      with its red flags, also after the last stretch. Its panel belongs to the stretch that was
      stopped: once the person goes on, the next stretch's instructions are fully visible.
    - The first choice after a stop is what the advice says: go on with the next stretch that
      works a different area (saying which are skipped), or end the session when none is left
      or the symptom came back. The choices keep their places while stopped.
    - "Reported again" only within the same hold; "has come back" when it was reported in an
      earlier hold.
    - Every symptom reported stays one key away (the reminder line) for the rest of the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from desktop_app.engine import Snapshot
from desktop_app.events import (
    Event,
    Phase,
    PhaseStarted,
    SessionEnded,
    SessionResumed,
    SessionStarted,
    State,
    StretchStopped,
    SymptomReported,
)
from desktop_app.formatting import countdown_text, duration_text
from desktop_app.model import PlannedHold, Routine, Side, Symptom
from desktop_app.pose import Figure
from desktop_app.session_summary import SymptomNote, symptom_notes
from desktop_app.session_text import (
    Advice,
    Report,
    and_list,
    hold_title,
    note_advice,
    phase_text,
    side_text,
    symptom_advice,
)

Accent = Literal["prepare", "hold", "rest", "warning"]
ChoiceAction = Literal["continue", "other_area", "end", "stop_stretch", "dismiss"]
PanelKind = Literal["symptom", "stopped", "watch"]
WATCH_TITLE = "What to watch for"

# ---------------------------------------------------------------------- the screen value


@dataclass(frozen=True)
class ControlKeys:
    """The letters of the view's own keys, chosen so no symptom key of the routine files clashes."""

    dismiss: str = "G"
    watch: str = "W"
    stop_stretch: str = "S"
    other_area: str = "N"
    read_aloud: str = "R"
    """Reads the advice on screen aloud (desktop_app.cues.read_aloud_phrases)."""

    @classmethod
    def avoiding(cls, taken: Iterable[str]) -> ControlKeys:
        """G, W, S, N and R, or for each one taken by a symptom the next free letter of its list.

        Chosen in that order, so a letter one of the first four takes is never R's.
        """
        used = {key.upper() for key in taken}
        chosen: list[str] = []
        for preferred in ("GOKY", "WRFV", "SXZQ", "NADJ", "RLEU"):
            free = [c for c in preferred + "BCEILMU0123456789" if c not in used]
            chosen.append(free[0])
            used.add(free[0])
        return cls(*chosen)


@dataclass(frozen=True)
class Choice:
    """Something the person can do from the screen, with the keys that do it."""

    action: ChoiceAction
    text: str
    keys: tuple[str, ...]
    suggested: bool = False
    """The first choice, what the advice says: drawn first and bold, with the focus."""
    step: int | None = None
    """For ``other_area``: the step to go on with."""
    symptom: Symptom | None = None
    """For ``stop_stretch``: the symptom the stretch is stopped for."""

    @property
    def label(self) -> str:
        return f"{self.text}  ({' or '.join(self.keys)})"


@dataclass(frozen=True)
class AdvicePanel:
    """The advice box: its title (empty when the header already names it), advice, buttons.

    ``kind``: ``symptom`` (a report during the session), ``stopped`` (the stopped screen's),
    ``watch`` (every symptom reported so far, opened with the watch key).
    """

    kind: PanelKind
    title: str
    advices: tuple[Advice, ...]
    choices: tuple[Choice, ...] = ()

    @property
    def symptom_ids(self) -> frozenset[str]:
        return frozenset(a.symptom_id for a in self.advices)


@dataclass(frozen=True)
class Screen:
    """Everything the session page shows at one instant."""

    stretch_name: str = ""
    phase: Phase | None = None
    phase_text: str = ""
    side_text: str = ""
    progress_text: str = ""
    countdown_text: str = ""
    countdown_caption: str = ""
    fraction_left: float = 0.0
    next_text: str = ""
    accent: Accent = "hold"
    paused: bool = False
    pause_label: str = "Pause"
    instructions: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    halted: bool = False
    advice: AdvicePanel | None = None
    choices: tuple[Choice, ...] = ()
    """On the stopped screen: what the person can do next, in order; the first is suggested."""
    reminder: str = ""
    """``Pain reported in Doorway hamstring stretch: what to watch for (W)``, or empty."""
    figure: Figure | None = None
    """The stretch's picture, drawn for ``figure_side`` (the left side mirrored)."""
    figure_side: Side | None = None

    @property
    def show_instructions(self) -> bool:
        """The stretch's own instructions and tips are visible (no advice covers them)."""
        return not self.halted and self.advice is None

    def all_choices(self) -> tuple[Choice, ...]:
        return (self.advice.choices if self.advice else ()) + self.choices

    def choice_for(self, key: str) -> Choice | None:
        """The choice a key picks on this screen (``Enter`` picks the suggested one)."""
        for choice in self.all_choices():
            if key.upper() in (k.upper() for k in choice.keys):
                return choice
        return None


# ---------------------------------------------------------------------- the model


@dataclass
class _Halt:
    hold: PlannedHold
    symptom: Symptom
    advices: list[Advice]
    choices: tuple[Choice, ...]


@dataclass
class _Panel:
    kind: Literal["symptom", "watch"]
    step: int
    advice: Advice | None = None
    offer_stop: Symptom | None = None


@dataclass
class SessionView:
    """The session screen's state: fed engine events and view keys, asked for a :class:`Screen`."""

    keys: ControlKeys = field(default_factory=ControlKeys)
    routine: Routine | None = None
    reports: list[Report] = field(default_factory=list)
    _halt: _Halt | None = None
    _panel: _Panel | None = None
    _watch_over_halt: bool = False
    _step: int = -1

    # -------------------------------------------------------------- inputs

    def feed(self, event: Event) -> None:
        """Take in one engine event (every one, in order)."""
        if isinstance(event, SessionStarted):
            self.routine = event.routine
            self.reports = []
            self._halt = None
            self._panel = None
            self._watch_over_halt = False
            self._step = -1
        elif isinstance(event, SymptomReported):
            self._reported(event)
        elif isinstance(event, StretchStopped):
            self._stopped(event)
        elif isinstance(event, SessionResumed):
            if self._halt is not None:
                # The stopped stretch's panel stays behind with it; the reminder line remains.
                self._halt = None
                self._panel = None
                self._watch_over_halt = False
        elif isinstance(event, PhaseStarted):
            self._step = event.hold.step_index
            if self._panel is not None and self._panel.step != event.hold.step_index:
                self._panel = None  # a new stretch: the last one's advice no longer applies
        elif isinstance(event, SessionEnded):
            self._halt = None
            self._panel = None
            self._watch_over_halt = False

    def dismiss(self) -> bool:
        """The dismiss key: close the advice panel (never the stopped screen's)."""
        if self._watch_over_halt:
            self._watch_over_halt = False
            return True
        if self._panel is None or self._halt is not None:
            return False
        self._panel = None
        return True

    def toggle_watch(self) -> bool:
        """The watch key: show (or close) every reported symptom's red flags and advice."""
        if not self.reports:
            return False
        if self._halt is not None:
            self._watch_over_halt = not self._watch_over_halt
            return True
        if self._panel is not None and self._panel.kind == "watch":
            self._panel = None
        else:
            self._panel = _Panel("watch", self._step)
        return True

    # -------------------------------------------------------------- events

    def _action_stops(self, symptom: Symptom) -> bool:
        routine = self.routine
        action = routine.action_for(symptom) if routine is not None else symptom.action
        return action == "stop"

    def _reported(self, event: SymptomReported) -> None:
        earlier = list(self.reports)
        report = Report(
            symptom=event.symptom,
            hold=event.hold,
            times=event.times_reported,
            stops=self._action_stops(event.symptom),
            while_stopped=self._halt is not None,
        )
        self.reports.append(report)
        halt = self._halt
        if halt is not None:
            advice = symptom_advice(report, earlier, "while_stopped")
            ids = [a.symptom_id for a in halt.advices]
            if advice.symptom_id in ids:
                halt.advices[ids.index(advice.symptom_id)] = advice
            else:
                halt.advices.append(advice)
            if report.stops or report.times > 1:
                halt.choices = _suggest_end(halt.choices)
            self._watch_over_halt = False
            return
        if report.stops:
            return  # StretchStopped follows: the stopped screen takes over
        step = event.hold.step_index if event.hold is not None else -1
        in_stretch = sum(
            1
            for r in self.reports
            if r.symptom.id == report.symptom.id
            and r.hold is not None
            and r.hold.step_index == step
            and not r.while_stopped
        )
        self._panel = _Panel(
            "symptom",
            step,
            symptom_advice(report, earlier, "running"),
            offer_stop=report.symptom if in_stretch > 1 else None,
        )

    def _stopped(self, event: StretchStopped) -> None:
        last = self.reports[-1] if self.reports else None
        chosen = not (
            last is not None
            and last.symptom.id == event.symptom.id
            and last.hold == event.hold
            and not last.while_stopped
            and last.stops
        )
        if last is not None and not chosen:
            advice = symptom_advice(last, self.reports[:-1], "stopped")
            came_back = last.times > 1
        else:
            mine = [r for r in self.reports if r.symptom.id == event.symptom.id]
            report = mine[-1] if mine else Report(event.symptom, event.hold, 1, True, False)
            earlier = self.reports[: self.reports.index(report)] if mine else []
            advice = symptom_advice(report, earlier, "chosen_stop")
            came_back = False
        choices = self._halt_choices(event.hold, event.next_step, end_first=came_back)
        self._halt = _Halt(event.hold, event.symptom, [advice], choices)
        self._panel = None
        self._watch_over_halt = False

    def _halt_choices(
        self, stopped: PlannedHold, next_step: int | None, *, end_first: bool
    ) -> tuple[Choice, ...]:
        routine = self.routine
        end = Choice("end", "End session", ("Esc",))
        if routine is None or next_step is None:
            return (
                Choice("end", "End session: that was the last stretch", ("Enter", "Esc"), True),
            )
        steps = routine.steps
        area = set(stopped.stretch.area)
        other = next(
            (
                index
                for index in range(next_step, len(steps))
                if not area or not area & set(steps[index].stretch.area)
            ),
            None,
        )
        following = steps[next_step].stretch
        shared = [a for a in stopped.stretch.area if a in following.area]
        also = f", also for the {and_list(shared)}" if shared else ""
        go_on = Choice(
            "continue", f"Continue with the next stretch{also}: {following.name}", ("Space",)
        )
        if other == next_step:
            ordered = [end, go_on] if end_first else [go_on, end]
        elif other is None:
            ordered = [end, go_on]
        else:
            skipped = [steps[i].stretch for i in range(next_step, other)]
            common = [a for a in stopped.stretch.area if any(a in s.area for s in skipped)]
            count = len(skipped)
            noun = "stretch" if count == 1 else "stretches"
            jump = Choice(
                "other_area",
                f"Skip {count} more {noun} for the {and_list(common)} and go on to "
                f"{steps[other].stretch.name}",
                (self.keys.other_area,),
                step=other,
            )
            ordered = [end, jump, go_on] if end_first else [jump, go_on, end]
        first = ordered[0]
        ordered[0] = Choice(first.action, first.text, ("Enter", *first.keys), True, first.step)
        return tuple(ordered)

    # -------------------------------------------------------------- output

    def screen(self, snapshot: Snapshot) -> Screen:
        """What the session page shows for ``snapshot``."""
        if snapshot.halted_by is not None:
            return self._stopped_screen(snapshot)
        hold = snapshot.hold
        if hold is None or snapshot.phase is None:
            return Screen()
        base = _running_screen(snapshot, hold, snapshot.phase)
        panel = self._running_panel()
        return replace(base, advice=panel, reminder=self._reminder(panel))

    def _running_panel(self) -> AdvicePanel | None:
        panel = self._panel
        if panel is None:
            return None
        dismiss = Choice("dismiss", "Got it", (self.keys.dismiss,))
        if panel.kind == "watch":
            return AdvicePanel("watch", WATCH_TITLE, self._watch_advices(), (dismiss,))
        assert panel.advice is not None
        choices: tuple[Choice, ...] = (dismiss,)
        if panel.offer_stop is not None:
            stop = Choice(
                "stop_stretch",
                "Stop this stretch",
                (self.keys.stop_stretch,),
                suggested=True,
                symptom=panel.offer_stop,
            )
            choices = (stop, dismiss)
        return AdvicePanel("symptom", panel.advice.title, (panel.advice,), choices)

    def _watch_advices(self) -> tuple[Advice, ...]:
        return tuple(note_advice(note) for note in self.notes())

    def notes(self) -> tuple[SymptomNote, ...]:
        """Every symptom reported in this session, with where, its advice and red flags."""
        known = {r.symptom.id: r.symptom for r in self.reports}
        return symptom_notes(
            ((r.symptom.id, r.hold.stretch.name if r.hold else None) for r in self.reports), known
        )

    def _reminder(self, panel: AdvicePanel | None) -> str:
        notes = self.notes()
        if not notes:
            return ""
        covered = panel.symptom_ids if panel is not None else frozenset()
        if panel is not None and panel.kind == "watch":
            return ""
        if all(note.symptom_id in covered for note in notes):
            return ""
        key = self.keys.watch
        if len(notes) == 1:
            last = self.reports[-1]
            where = f" in {last.hold.stretch.name}" if last.hold is not None else ""
            return f"{notes[0].label} reported{where}: what to watch for ({key})"
        labels = ", ".join(n.label for n in notes)
        return f"Reported in this session: {labels}. What to watch for ({key})"

    def _stopped_screen(self, snapshot: Snapshot) -> Screen:
        halted_by = snapshot.halted_by
        assert halted_by is not None
        halt = self._halt
        stopped = snapshot.halted_hold or snapshot.hold
        if halt is None and stopped is not None:  # a view that came in late: rebuild it
            self._stopped(StretchStopped(stopped, halted_by, _next_step(snapshot)))
            halt = self._halt
        assert halt is not None
        if self._watch_over_halt:
            dismiss = Choice("dismiss", "Back to the advice", (self.keys.dismiss,))
            panel = AdvicePanel("watch", WATCH_TITLE, self._watch_advices(), (dismiss,))
        else:
            panel = AdvicePanel("stopped", "", tuple(halt.advices))
        step = halt.hold.step_index + 1
        return Screen(
            stretch_name=f"Stopped: {halt.hold.stretch.name}",
            phase_text=f"You reported: {halt.symptom.label}",
            progress_text=f"Stretch {step} of {snapshot.step_total}",
            accent="warning",
            paused=True,
            pause_label="Resume",
            halted=True,
            advice=panel,
            choices=halt.choices,
            reminder=self._reminder(panel),
        )


def _next_step(snapshot: Snapshot) -> int | None:
    return snapshot.hold.step_index if snapshot.hold is not None else None


def _suggest_end(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """The same buttons in the same places; End session becomes the suggested one."""
    result = []
    for choice in choices:
        keys = tuple(k for k in choice.keys if k != "Enter")
        suggested = choice.action == "end"
        if suggested:
            keys = ("Enter", *keys)
        result.append(
            Choice(choice.action, choice.text, keys, suggested, choice.step, choice.symptom)
        )
    return tuple(result)


_ACCENTS: dict[Phase, Accent] = {
    Phase.HOLDING: "hold",
    Phase.RESTING: "rest",
    Phase.PREPARING: "prepare",
}


def _running_screen(snapshot: Snapshot, hold: PlannedHold, phase: Phase) -> Screen:
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
        f" · {countdown_text(snapshot.routine_remaining, minutes_always=True)} left"
    )
    accent = _ACCENTS[phase]
    stretch = hold.stretch
    return Screen(
        stretch_name=stretch.name,
        phase=phase,
        phase_text=text,
        side_text=side_text(hold),
        progress_text=progress,
        countdown_text=countdown_text(snapshot.display),
        countdown_caption=caption,
        fraction_left=snapshot.fraction_left,
        next_text=next_text,
        accent=accent,
        paused=paused,
        pause_label="Resume" if paused else "Pause",
        instructions=stretch.instructions,
        tips=stretch.tips,
        cautions=stretch.cautions if phase is Phase.PREPARING else (),
        figure=stretch.figure,
        figure_side=hold.side,
    )
