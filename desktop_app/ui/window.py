"""The main window: picker, session page and summary, with menus and keyboard shortcuts."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.engine import Listener, Snapshot
from desktop_app.events import Event, Phase, SessionEnded, SymptomReported
from desktop_app.model import Library, PlannedHold, Routine, Symptom
from desktop_app.ui.controller import SessionController
from desktop_app.ui.countdown import CountdownWidget
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.picker import PickerPage
from desktop_app.ui.text import (
    Advice,
    SessionView,
    describe,
    describe_summary,
    symptom_advice,
)
from desktop_app.ui.widgets import WARNING_ACCENT, bullet_html, scaled_font, wrapped_label

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QDialog

    from desktop_app.ui.help import SafetyBanner

log = logging.getLogger(__name__)

SETTINGS_GEOMETRY = "window/geometry"
SETTINGS_LAST_ROUTINE = "session/last_routine"
SETTINGS_SOUND = "sound/enabled"
SETTINGS_SAFETY_SEEN = "help/safety_notice_seen"
"""The version of the safety notice the user has acknowledged (see help_text)."""
SOUND_TIP = "Soft tones when a hold starts and ends, so you need not watch the screen"

# Ring colours for the pauses; the hold uses the palette's highlight. Both read on light and
# dark backgrounds, and nothing else in the window is a fixed colour.
PREPARE_ACCENT = QColor("#c8701a")
REST_ACCENT = QColor("#2f8f60")

# Text sizes on the session page, as multiples of the system font (read from a metre or two
# away; nothing is a fixed pixel size). The countdown number scales with the ring instead.
SIZE_NAME = 2.0
SIZE_PHASE = 2.6
SIZE_SIDE = 1.8
SIZE_PROGRESS = 1.3
SIZE_NEXT = 1.35
SIZE_TEXT = 1.3
"""Instructions, tips and cautions."""
SIZE_ADVICE = 1.25
SIZE_ADVICE_HALTED = 1.4
SIZE_ADVICE_TITLE = 1.5
SIZE_BUTTON = 1.15


# ---------------------------------------------------------------------- session


class SessionPage(QWidget):
    """What the person on the floor looks at: name, phase, side, the countdown, tips, controls.

    After a stop symptom the page turns into a stopped state about the stretch that hurt: the
    ring is hidden, the advice takes the main area, and the control row (which keeps its
    height, so nothing jumps) offers "Continue with the next stretch" or "End session".
    """

    def __init__(self, parent: QWidget, symptoms: Iterable[Symptom]) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 12, 20, 12)

        header = QGridLayout()
        self.stretch_label = wrapped_label(self, "", SIZE_NAME, bold=True)
        self.progress_label = wrapped_label(self, "", SIZE_PROGRESS)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.progress_label.setWordWrap(False)
        self.phase_label = wrapped_label(self, "", SIZE_PHASE, bold=True)
        self.side_label = wrapped_label(self, "", SIZE_SIDE)
        header.addWidget(self.stretch_label, 0, 0)
        header.addWidget(self.progress_label, 0, 1)
        # The phase and the side/rep share a line: the ring keeps its height.
        phase_row = QHBoxLayout()
        phase_row.setSpacing(28)
        self.phase_label.setWordWrap(False)
        self.side_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        phase_row.addWidget(self.phase_label, 0)
        phase_row.addWidget(self.side_label, 1)
        header.addLayout(phase_row, 1, 0, 1, 2)
        header.setColumnStretch(0, 1)
        outer.addLayout(header)

        middle = QHBoxLayout()
        outer.addLayout(middle, 1)
        self.timer_column = QWidget(self)
        left = QVBoxLayout(self.timer_column)
        left.setContentsMargins(0, 0, 0, 0)
        self.countdown = CountdownWidget(self.timer_column)
        left.addWidget(self.countdown, 1)
        self.next_label = wrapped_label(self.timer_column, "", SIZE_NEXT)
        self.next_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        left.addWidget(self.next_label)
        middle.addWidget(self.timer_column, 1)

        self.info_column = QWidget(self)
        right = QVBoxLayout(self.info_column)
        right.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(self.info_column, 1)

        self.advice_box = QFrame(self.info_column)
        self.advice_box.setObjectName("adviceBox")
        self.advice_box.setStyleSheet(
            f"#adviceBox {{ border: 2px solid {WARNING_ACCENT}; border-radius: 8px;"
            " background: palette(alternate-base); }"
        )
        advice_layout = QVBoxLayout(self.advice_box)
        advice_layout.setContentsMargins(12, 8, 8, 8)
        advice_layout.setSpacing(2)
        title_row = QHBoxLayout()
        self.advice_title = wrapped_label(self.advice_box, "", SIZE_ADVICE_TITLE, bold=True)
        title_row.addWidget(self.advice_title, 1)
        # Beside the title, so it never scrolls out of view and costs no height of its own.
        self.dismiss_button = self._button("Got it", self.advice_box)
        self.dismiss_button.clicked.connect(self.clear_advice)
        title_row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        advice_layout.addLayout(title_row)
        # Only the advice text scrolls (on small screens); the dismiss button stays in view.
        self.advice_scroll = QScrollArea(self.advice_box)
        self.advice_scroll.setWidgetResizable(True)
        self.advice_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.advice_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.advice_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.advice_scroll.setStyleSheet("QScrollArea { background: transparent; }")
        self.advice_scroll.viewport().setAutoFillBackground(False)
        advice_body = QWidget(self.advice_scroll)
        advice_body.setObjectName("adviceBody")
        advice_body.setStyleSheet("#adviceBody { background: transparent; }")
        body_layout = QVBoxLayout(advice_body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.advice_label = wrapped_label(advice_body, "", SIZE_ADVICE)
        self.advice_label.setTextFormat(Qt.TextFormat.RichText)
        self.advice_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        body_layout.addWidget(self.advice_label)
        body_layout.addStretch(1)
        self.advice_scroll.setWidget(advice_body)
        advice_layout.addWidget(self.advice_scroll, 1)
        self.advice_box.hide()
        right.addWidget(self.advice_box, 1)

        self.side_scroll = QScrollArea(self.info_column)
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_panel = QWidget(self.side_scroll)
        side_layout = QVBoxLayout(side_panel)
        side_layout.setContentsMargins(8, 0, 8, 0)
        self.cautions_label = wrapped_label(side_panel, "", SIZE_TEXT)
        self.cautions_label.setTextFormat(Qt.TextFormat.RichText)
        self.instructions_label = wrapped_label(side_panel, "", SIZE_TEXT)
        self.instructions_label.setTextFormat(Qt.TextFormat.RichText)
        self.tips_label = wrapped_label(side_panel, "", SIZE_TEXT)
        self.tips_label.setTextFormat(Qt.TextFormat.RichText)
        side_layout.addWidget(self.cautions_label)
        side_layout.addWidget(self.instructions_label)
        side_layout.addWidget(self.tips_label)
        side_layout.addStretch(1)
        self.side_scroll.setWidget(side_panel)
        right.addWidget(self.side_scroll, 1)

        # The running controls and the two choices after a stop symptom share one row of a
        # fixed height, so switching between them never resizes the ring or the advice.
        self.controls = QStackedWidget(self)
        running = QWidget(self.controls)
        running_layout = QHBoxLayout(running)
        running_layout.setContentsMargins(0, 0, 0, 0)
        self.pause_button = self._button("Pause  (Space)", running)
        self.back_button = self._button("Back  (←)", running)
        self.skip_button = self._button("Skip  (→)", running)
        self.stop_button = self._button("Stop  (Esc)", running)
        for button in (self.pause_button, self.back_button, self.skip_button, self.stop_button):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            running_layout.addWidget(button)
        self.controls.addWidget(running)
        self.running_controls = running

        self.halted_box = QWidget(self.controls)
        self.halted_layout = QHBoxLayout(self.halted_box)
        self.halted_layout.setContentsMargins(0, 0, 0, 0)
        self.continue_button = self._button(
            "Continue with the next stretch:\nnext  (Space)", self.halted_box
        )
        self.end_button = self._button("End session  (Esc)", self.halted_box)
        self.continue_button.setFont(scaled_font(self.continue_button, SIZE_BUTTON, bold=True))
        for button in (self.continue_button, self.end_button):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            # Focusable (so the suggested choice can hold the focus and Enter picks it),
            # but never by a click, and Space stays the window's shortcut.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.halted_layout.addWidget(self.continue_button, 3)
        self.halted_layout.addWidget(self.end_button, 2)
        self.controls.addWidget(self.halted_box)
        self.controls.setFixedHeight(
            max(running.sizeHint().height(), self.halted_box.sizeHint().height())
        )
        outer.addWidget(self.controls)

        symptom_row = QHBoxLayout()
        report = wrapped_label(self, "Tell me if you feel:", SIZE_BUTTON)
        report.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        symptom_row.addWidget(report)
        self.symptom_buttons: dict[str, QPushButton] = {}
        for symptom in symptoms:
            button = self._button(f"{symptom.label}  ({symptom.key.upper()})", self)
            button.setToolTip(f"Report {symptom.label.lower()} (key {symptom.key.upper()})")
            self.symptom_buttons[symptom.id] = button
            symptom_row.addWidget(button)
        symptom_row.addStretch(1)
        outer.addLayout(symptom_row)

    _last_view: tuple[object, ...] | None = None
    halted = False

    def _button(self, text: str, parent: QWidget) -> QPushButton:
        button = QPushButton(text, parent)
        # Keys belong to the window's shortcuts: no button may swallow Space or the arrows.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setFont(scaled_font(button, SIZE_BUTTON))
        button.setMinimumHeight(40)
        return button

    def show_view(self, view: SessionView, accent: QColor | None) -> None:
        self.countdown.set_state(
            view.countdown_text,
            view.countdown_caption,
            view.fraction_left,
            accent,
            dimmed=view.paused,
        )
        # Between two seconds only the ring moves: leave the labels alone (saves CPU).
        key = (replace(view, fraction_left=0.0), None if accent is None else accent.rgba())
        if key == self._last_view:
            return
        self._last_view = key
        self.stretch_label.setText(view.stretch_name)
        self.phase_label.setText(view.phase_text)
        self.side_label.setText(view.side_text)
        self.side_label.setVisible(bool(view.side_text))
        phase_palette = self.phase_label.palette()
        phase_palette.setColor(
            QPalette.ColorRole.WindowText,
            accent or self.palette().color(QPalette.ColorRole.Highlight),
        )
        self.phase_label.setPalette(phase_palette)
        self.progress_label.setText(view.progress_text)
        self.next_label.setText(view.next_text)
        self.pause_button.setText(f"{view.pause_label}  (Space)")
        self.instructions_label.setText(
            "<b>How to do it</b>" + bullet_html(view.instructions, numbered=True)
            if view.instructions
            else ""
        )
        self.tips_label.setText("<b>Tips</b>" + bullet_html(view.tips) if view.tips else "")
        self.tips_label.setVisible(bool(view.tips))
        self.cautions_label.setText(
            "<b>Before you start</b>" + bullet_html(view.cautions) if view.cautions else ""
        )
        self.cautions_label.setVisible(bool(view.cautions))
        self.continue_button.setText(view.continue_text.replace(": ", ":\n", 1) + "  (Space)")
        self._set_halted(view.halted)

    def suggest_end(self, suggested: bool) -> None:
        """Put "End session" first and give it the focus (a stop symptom came back)."""
        first, second = (
            (self.end_button, self.continue_button)
            if suggested
            else (self.continue_button, self.end_button)
        )
        self.halted_layout.insertWidget(0, first, 3)
        self.halted_layout.insertWidget(1, second, 2)
        self.end_button.setFont(scaled_font(self, SIZE_BUTTON, bold=suggested))
        self.continue_button.setFont(scaled_font(self, SIZE_BUTTON, bold=not suggested))
        if self.halted:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_halted(self, halted: bool) -> None:
        self.halted = halted
        self.controls.setCurrentWidget(self.halted_box if halted else self.running_controls)
        # Stopped: nothing may look like a running timer, and the advice takes the main area.
        self.timer_column.setVisible(not halted)
        self.dismiss_button.setVisible(not halted)
        # Stopped, the advice is the main thing on screen and has room to be larger.
        self.advice_label.setFont(scaled_font(self, SIZE_ADVICE_HALTED if halted else SIZE_ADVICE))
        self._arrange_info()

    def _arrange_info(self) -> None:
        # Symptom advice gets the whole column (the instructions come back with "Got it"), so
        # a symptom's advice and red flags fit the default window without scrolling.
        self.side_scroll.setVisible(not self.halted and self.advice_box.isHidden())

    def show_advice(self, advices: Sequence[Advice]) -> None:
        """Show the advice for one symptom, or for several reported while stopped, in order."""
        self.advice_title.setText(" + ".join(advice.title for advice in advices))
        parts = []
        for advice in advices:
            if len(advices) > 1:
                parts.append(f"<p style='margin:0'><b>{html.escape(advice.title)}</b></p>")
            parts.append(
                f"<p style='margin-top:0; margin-bottom:4px'>{html.escape(advice.lead)}</p>"
            )
            for section in advice.sections:
                title = html.escape(section.title)
                if section.warning:
                    title = f"<span style='color:{WARNING_ACCENT}'>{title}</span>"
                parts.append(f"<b>{title}</b>{bullet_html(section.items, compact=True)}")
        self.advice_label.setText("".join(parts))
        self.advice_box.show()
        self.advice_scroll.verticalScrollBar().setValue(0)
        self._arrange_info()

    def clear_advice(self) -> None:
        self.advice_box.hide()
        self._arrange_info()


# ---------------------------------------------------------------------- summary


class SummaryPage(QWidget):
    """What was done, how long it took, which symptoms were reported."""

    done_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 24)
        layout.setSpacing(12)
        self.title_label = wrapped_label(self, "", 2.4, bold=True)
        self.routine_label = wrapped_label(self, "", 1.6)
        self.totals_label = wrapped_label(self, "", 1.35)
        self.details_label = wrapped_label(self, "", 1.3)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.title_label, self.routine_label, self.totals_label, self.details_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self.done_button = QPushButton("Back to routines  (Enter)", self)
        self.done_button.setFont(scaled_font(self.done_button, 1.2, bold=True))
        self.done_button.setMinimumHeight(44)
        self.done_button.clicked.connect(self.done_requested)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_summary(self, controller: SessionController) -> None:
        if controller.summary is None:
            return
        view = describe_summary(controller.summary)
        self.title_label.setText(view.title)
        self.routine_label.setText(view.routine_name)
        self.totals_label.setText(view.totals)
        parts = [bullet_html(view.lines)]
        if view.symptoms:
            parts.append("<b>Symptoms you reported</b>" + bullet_html(view.symptoms))
        else:
            parts.append("<p>No symptoms reported.</p>")
        self.details_label.setText("".join(parts))


# ---------------------------------------------------------------------- window


class MainWindow(QMainWindow):
    """The app's one window.

    Signals
        ``history_requested``: View > History… (Ctrl+H) was chosen.
        ``session_finished``: a session ended; carries its ``SessionEnded`` event.

    Help > Safety, Keyboard shortcuts and About open their dialogs through
    :meth:`show_safety`, :meth:`show_shortcuts` and :meth:`show_about` (tests replace them);
    :meth:`greet` shows the safety notice at the first start.

    The :attr:`controller` (a :class:`SessionController`) owns the engines; subscribe session
    listeners through ``controller.listeners`` or ``controller.engine_created``.
    """

    history_requested = Signal()
    session_finished = Signal(object)

    def __init__(
        self,
        library: Library,
        load_errors: Mapping[str, Sequence[object]] | None = None,
        settings: QSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        listeners: Iterable[Listener] = (),
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Stretch Timer")
        self.setMinimumSize(800, 600)
        self.library = library
        self.settings = settings
        self.data_dir = data_dir
        if settings is not None:
            settings.setParent(self)
        self.controller = SessionController(self, clock=clock, listeners=listeners)
        self.controller.updated.connect(self._on_snapshot)
        self.controller.event_emitted.connect(self._on_event)
        self.controller.session_ended.connect(self._on_session_ended)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._central = central
        self._top_layout = layout
        self.safety_banner: SafetyBanner | None = None
        self._banner_shortcut: QShortcut | None = None
        self.notice = QLabel(central)
        self.notice.setWordWrap(True)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet(
            "#notice { padding: 6px 12px; background: palette(tool-tip-base);"
            " color: palette(tool-tip-text); border-bottom: 1px solid palette(mid); }"
        )
        self.notice.hide()
        self._lasting_notices: list[str] = []
        self._notice_text = ""
        layout.addWidget(self.notice)
        self.stack = QStackedWidget(central)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.symptoms: tuple[Symptom, ...] = tuple(library.symptoms.values())
        self._advices = []
        self.picker = PickerPage(self.stack, library, load_errors or {})
        self.stack.addWidget(self.picker)
        # The session and summary pages are built when first needed: a faster first paint.
        self._session_page: SessionPage | None = None
        self._summary_page: SummaryPage | None = None
        self.picker.start_requested.connect(self.start_routine)
        self._build_menus()
        self._build_shortcuts()
        self._restore_settings()
        self.show_picker()

    # ------------------------------------------------------------------ building

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        history_action = QAction("&History…", self)
        history_action.setShortcut(QKeySequence("Ctrl+H"))
        history_action.triggered.connect(self.history_requested)
        view_menu.addAction(history_action)
        # Played by desktop_app.ui.sound.SoundCues, which disables this when there is no sound.
        sound_action = QAction("&Sound cues", self)
        sound_action.setCheckable(True)
        sound_action.setShortcut(QKeySequence("Ctrl+M"))
        sound_action.setToolTip(SOUND_TIP)
        sound_action.setStatusTip(SOUND_TIP)
        sound_action.setChecked(self._sound_wanted())
        sound_action.toggled.connect(self._remember_sound)
        view_menu.addAction(sound_action)
        view_menu.setToolTipsVisible(True)
        self.quit_action = quit_action
        self.history_action = history_action
        self.sound_action = sound_action

        help_menu = self.menuBar().addMenu("&Help")
        self.safety_action = QAction("&Safety…", self)
        self.safety_action.setShortcut(QKeySequence("F1"))
        self.safety_action.triggered.connect(lambda: self.show_safety())
        self.shortcuts_action = QAction("&Keyboard shortcuts…", self)
        self.shortcuts_action.triggered.connect(lambda: self.show_shortcuts())
        self.about_action = QAction("&About Stretch Timer…", self)
        self.about_action.triggered.connect(lambda: self.show_about())
        for action in (self.safety_action, self.shortcuts_action, self.about_action):
            help_menu.addAction(action)
        self.help_menu = help_menu

    def _sound_wanted(self) -> bool:
        if self.settings is None:
            return True
        return bool(self.settings.value(SETTINGS_SOUND, True, type=bool))

    def _remember_sound(self, enabled: bool) -> None:
        if self.settings is not None:
            self.settings.setValue(SETTINGS_SOUND, enabled)

    def _shortcut(
        self, key: str | QKeySequence.StandardKey | Qt.Key, slot: Callable[[], object]
    ) -> QShortcut:
        sequence = QKeySequence(key)
        shortcut = QShortcut(sequence, self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _build_shortcuts(self) -> None:
        controller = self.controller
        self._session_shortcuts = [
            self._shortcut(Qt.Key.Key_Space, controller.toggle_pause),
            self._shortcut(Qt.Key.Key_Right, controller.skip),
            self._shortcut(Qt.Key.Key_Left, controller.back),
            self._shortcut(Qt.Key.Key_Escape, self.request_stop),
            self._shortcut(Qt.Key.Key_Return, self._choose_first),
            self._shortcut(Qt.Key.Key_Enter, self._choose_first),
        ]
        for symptom in self.symptoms:
            self._session_shortcuts.append(
                self._shortcut(symptom.key.upper(), self._reporter(symptom))
            )
        self._picker_shortcuts = [
            self._shortcut(Qt.Key.Key_Return, self.picker.start_selected),
            self._shortcut(Qt.Key.Key_Enter, self.picker.start_selected),
        ]
        self._summary_shortcuts = [
            self._shortcut(Qt.Key.Key_Return, self.show_picker),
            self._shortcut(Qt.Key.Key_Enter, self.show_picker),
            self._shortcut(Qt.Key.Key_Escape, self.show_picker),
        ]

    def _reporter(self, symptom: Symptom) -> Callable[[], None]:
        def report() -> None:
            self.controller.report_symptom(symptom)

        return report

    @property
    def session_page(self) -> SessionPage:
        if self._session_page is None:
            self._session_page = SessionPage(self.stack, self.symptoms)
            self.stack.addWidget(self._session_page)
            self._connect_session_buttons(self._session_page)
        return self._session_page

    @property
    def summary_page(self) -> SummaryPage:
        if self._summary_page is None:
            self._summary_page = SummaryPage(self.stack)
            self.stack.addWidget(self._summary_page)
            self._summary_page.done_requested.connect(self.show_picker)
        return self._summary_page

    def _connect_session_buttons(self, page: SessionPage) -> None:
        page.pause_button.clicked.connect(self.controller.toggle_pause)
        page.back_button.clicked.connect(self.controller.back)
        page.skip_button.clicked.connect(self.controller.skip)
        page.stop_button.clicked.connect(self.request_stop)
        page.continue_button.clicked.connect(self.controller.resume)
        page.end_button.clicked.connect(self.request_stop)
        for symptom in self.symptoms:
            page.symptom_buttons[symptom.id].clicked.connect(self._reporter(symptom))

    def _show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        for shortcuts, owner in (
            (self._session_shortcuts, self._session_page),
            (self._picker_shortcuts, self.picker),
            (self._summary_shortcuts, self._summary_page),
        ):
            for shortcut in shortcuts:
                shortcut.setEnabled(owner is page)

    # ------------------------------------------------------------------ public API

    def show_picker(self) -> None:
        self._show_page(self.picker)
        self.picker.routine_list.setFocus()

    def select_routine(self, routine_id: str) -> bool:
        """Select a routine in the picker; False if there is no such routine."""
        return self.picker.select(routine_id)

    def start_selected(self) -> bool:
        routine = self.picker.selected_routine()
        if routine is None:
            return False
        self.start_routine(routine)
        return True

    def start_routine(self, routine: Routine) -> None:
        self.session_page.clear_advice()
        self._current_step = -1
        self._stopped_hold = None
        self._end_suggested = False
        self._advices = []
        self._show_page(self.session_page)
        if self.settings is not None:
            self.settings.setValue(SETTINGS_LAST_ROUTINE, routine.id)
        self.controller.start(routine)

    def _choose_first(self) -> None:
        """Enter on the stopped screen picks the first (focused) choice."""
        page = self.session_page
        if page.halted:
            (page.end_button if self._end_suggested else page.continue_button).click()

    def show_notice(self, text: str) -> None:
        """Show a one-line notice (e.g. a storage warning) above the pages; empty text hides it.

        It replaces the previous one; lasting notices stay above it.
        """
        self._notice_text = text
        self._update_notice()

    def add_lasting_notice(self, text: str) -> None:
        """A notice for the whole run (the data folder or the settings cannot be used)."""
        if text and text not in self._lasting_notices:
            self._lasting_notices.append(text)
            self._update_notice()

    def _update_notice(self) -> None:
        lines = [*self._lasting_notices, self._notice_text]
        text = "\n".join(line for line in lines if line)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def request_stop(self) -> None:
        """Esc / Stop: ask first (the session stands still meanwhile), then end the session.

        On the stopped screen after a stop symptom, "End session" is already the answer: no
        second question.
        """
        if not self.controller.active:
            return
        if self.session_page.halted:
            self.controller.stop()
            return
        with self.controller.hold_time():
            confirmed = self.confirm_stop()
            if confirmed:
                self.controller.stop()

    def confirm_stop(self, quitting: bool = False) -> bool:
        """Ask whether to end the running session (``quitting``: the app is closing).

        Tests replace this method; the session's time stands still while it runs.
        """
        from PySide6.QtWidgets import QMessageBox  # only when asked: keeps start-up short

        if quitting:
            title = "Quit Stretch Timer?"
            text = (
                "Quit Stretch Timer? This session will be saved as stopped, with what you"
                " have done so far."
            )
            yes = "Quit"
        else:
            title = "End the session?"
            text = "End this session now? What you have done so far is kept in the summary."
            yes = "End session"
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Continue session", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is confirm

    # ------------------------------------------------------------------ help

    def greet(self, *, starting: bool) -> None:
        """At start: the safety notice, until the user has acknowledged it once.

        ``starting`` (a routine launched with ``--start``): never a dialog that would hold up
        the session, but a banner above it that a key dismisses.
        """
        if self.safety_notice_seen():
            return
        if starting:
            self.show_safety_banner()
        else:
            after_first_paint(self, self._first_run_notice)

    def _first_run_notice(self) -> None:
        self.show_safety(first_run=True)

    def safety_notice_seen(self) -> bool:
        from desktop_app.help_text import SAFETY_NOTICE_VERSION

        if self.settings is None:
            return False
        seen = self.settings.value(SETTINGS_SAFETY_SEEN, 0)
        try:
            return int(str(seen)) >= SAFETY_NOTICE_VERSION
        except ValueError:
            return False

    def _safety_acknowledged(self) -> None:
        from desktop_app.help_text import SAFETY_NOTICE_VERSION

        if self.settings is not None:
            self.settings.setValue(SETTINGS_SAFETY_SEEN, SAFETY_NOTICE_VERSION)
            self.settings.sync()
        self.dismiss_safety_banner()

    def show_safety(self, first_run: bool = False) -> QDialog:
        """Help > Safety (F1), and the first-run notice. Window-modal, never a nested loop."""
        from desktop_app.ui.help import safety_dialog

        dialog = safety_dialog(self, self.symptoms, first_run=first_run)
        dialog.finished.connect(self._safety_acknowledged)
        dialog.open()
        return dialog

    def show_shortcuts(self) -> QDialog:
        from desktop_app.ui.help import shortcuts_dialog

        dialog = shortcuts_dialog(self, self.symptoms)
        dialog.open()
        return dialog

    def show_about(self) -> QDialog:
        from desktop_app import __version__
        from desktop_app.ui.help import about_dialog

        dialog = about_dialog(self, __version__, self.data_dir)
        dialog.open()
        return dialog

    def show_safety_banner(self) -> None:
        """The safety notice in short, above the pages; F1 reads it all, Ctrl+D dismisses it."""
        from desktop_app.help_text import BANNER_DISMISS_KEY, safety_banner
        from desktop_app.ui.help import SafetyBanner

        if self.safety_banner is None:
            banner = SafetyBanner(self._central, safety_banner(self.symptoms))
            banner.read_requested.connect(lambda: self.show_safety())
            banner.dismissed.connect(self._safety_acknowledged)
            self._top_layout.insertWidget(0, banner)
            self.safety_banner = banner
            self._banner_shortcut = self._shortcut(BANNER_DISMISS_KEY, banner.dismissed.emit)
        self.safety_banner.show()
        if self._banner_shortcut is not None:
            self._banner_shortcut.setEnabled(True)

    def dismiss_safety_banner(self) -> None:
        if self.safety_banner is not None:
            self.safety_banner.hide()
        if self._banner_shortcut is not None:
            self._banner_shortcut.setEnabled(False)

    # ------------------------------------------------------------------ engine to screen

    _current_step = -1
    _stopped_hold: PlannedHold | None = None
    _end_suggested = False
    _advices: list[Advice]

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.hold is None:
            return
        if snapshot.halted_by is None:
            self._stopped_hold = None
            self._end_suggested = False
        if snapshot.hold.step_index != self._current_step:
            # A new stretch: the previous one's symptom advice no longer applies.
            if self._current_step >= 0 and snapshot.halted_by is None:
                self.session_page.clear_advice()
            self._current_step = snapshot.hold.step_index
        accent = None
        if snapshot.phase is Phase.PREPARING:
            accent = PREPARE_ACCENT
        elif snapshot.phase is Phase.RESTING:
            accent = REST_ACCENT
        if snapshot.halted_by is not None:
            accent = QColor(WARNING_ACCENT)
        view = describe(snapshot, self._stopped_hold)
        page = self.session_page
        was_halted = page.halted
        page.show_view(view, accent)
        if page.halted and not was_halted:
            page.suggest_end(self._end_suggested)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SymptomReported):
            halted = self._stopped_hold is not None
            advice = symptom_advice(event, halted=halted)
            if halted:
                # Stopped after a stop symptom: add this report's advice to what is shown,
                # never drop the first symptom's red flags.
                ids = [shown.symptom_id for shown in self._advices]
                if advice.symptom_id in ids:
                    self._advices[ids.index(advice.symptom_id)] = advice
                else:
                    self._advices.append(advice)
            else:
                self._advices = [advice]
            self.session_page.show_advice(self._advices)
            if event.times_reported > 1 and (halted or event.symptom.action == "stop"):
                # It came back: suggest ending today's session (continuing stays possible).
                self._end_suggested = True
                if halted:
                    self.session_page.suggest_end(True)
            if event.symptom.action == "stop" and self._stopped_hold is None:
                self._stopped_hold = event.hold
            if event.symptom.action == "stop" and event.hold is not None:
                # Keep the advice on screen when the engine moves on to the next stretch.
                self._current_step = event.hold.step_index + 1

    def _on_session_ended(self, event: SessionEnded) -> None:
        self.summary_page.show_summary(self.controller)
        self._show_page(self.summary_page)
        self.summary_page.done_button.setFocus()
        self.session_finished.emit(event)

    # ------------------------------------------------------------------ settings

    def _restore_settings(self) -> None:
        # The default size also with no settings (unreadable) or a geometry Qt cannot use.
        geometry = self.settings.value(SETTINGS_GEOMETRY) if self.settings is not None else None
        if not (
            isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(QByteArray(geometry))
        ):
            self.resize(1000, 700)
        if self.settings is None:
            return
        last = self.settings.value(SETTINGS_LAST_ROUTINE)
        if isinstance(last, str):
            self.picker.select(last)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.active:
            with self.controller.hold_time():
                if self.confirm_stop(quitting=True):
                    self.controller.stop()
            # Still running unless the answer was yes, or a signal ended the session while
            # the question was open (desktop_app.ui.shutdown): then the window closes.
            if self.controller.active:
                event.ignore()
                return
        self.controller.shutdown()
        if self.settings is not None:
            self.settings.setValue(SETTINGS_GEOMETRY, self.saveGeometry())
            self.settings.sync()
        super().closeEvent(event)
