"""The session page: what the person on the floor looks at. It only draws a session Screen."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model import Symptom
from desktop_app.session_view import Accent, Choice, Screen
from desktop_app.ui.countdown import CountdownWidget
from desktop_app.ui.figure_view import FigureView
from desktop_app.ui.widgets import (
    WARNING_ACCENT,
    advice_html,
    bullet_html,
    fit_text,
    plain_tooltip,
    scaled_font,
    wrapped_label,
)

# Ring colours for the pauses; the hold uses the palette's highlight. Both read on light and
# dark backgrounds, and nothing else in the window is a fixed colour.
ACCENT_COLOURS: dict[Accent, QColor | None] = {
    "hold": None,
    "prepare": QColor("#c8701a"),
    "rest": QColor("#2f8f60"),
    "warning": QColor(WARNING_ACCENT),
}

# Text sizes on the session page, as multiples of the system font (read from a metre or two
# away; nothing is a fixed pixel size). The countdown number scales with the ring instead.
SIZE_NAME = 2.0
SIZE_PHASE = 2.6
SIZE_SIDE = 1.8
SIZE_PROGRESS = 1.3
SIZE_NEXT = 1.35
SIZE_TEXT = 1.3
"""Instructions, tips and cautions."""
SIZE_ADVICE = (1.6, 1.45, 1.3, 1.2, 1.1)
"""Symptom advice during a session: the largest size that fits the box without scrolling..."""
SIZE_ADVICE_SCROLLING = 1.25
"""...or, when none fits, this size and a scroll bar."""
SIZE_ADVICE_HALTED = (2.0, 1.8, 1.6, 1.45, 1.3, 1.2, 1.1)
"""The stopped screen's advice: the main thing on screen, so as large as fits."""
SIZE_ADVICE_TITLE = 1.5
SIZE_BUTTON = 1.15
SIZE_REMINDER = 1.15
MAX_CHOICES = 3
REFERENCE_SIZE = (980, 640)
"""The page's size in a 1000x700 window: its text is at the sizes above there (and smaller)."""
MAX_SCALE = 3.0
SCALE_STEP = 0.05
"""Scales are rounded to this, so a small resize does not lay the page out again."""
BUTTON_HEIGHT = 40


def window_scale(width: int, height: int) -> float:
    """How much larger the page's text is at ``width`` x ``height`` than at its reference size.

    The geometric mean of the two ratios, so text grows with the area of the page as the ring
    does (a 1920x1080 screen: about 1.75x), never below 1.
    """
    ratio = math.sqrt((width / REFERENCE_SIZE[0]) * (height / REFERENCE_SIZE[1]))
    return min(MAX_SCALE, max(1.0, ratio))


DIGITS = "0123456789"


def set_steady_text(label: QLabel, text: str) -> None:
    """Change a one-line label's text without laying out the page again.

    The label gets a fixed size, wide enough for the text with its digits at their widest,
    and grows only when a text needs more room: a fixed-size widget does not ask its layout
    to redo the page when its text changes (as "3:41 left" would every second).
    """
    if text == label.text():
        return
    label.setText(text)
    fit_steady(label, grow_only=True)


def fit_steady(label: QLabel, *, grow_only: bool = False) -> None:
    """Fix ``label``'s size to its text with the digits at their widest (after a font change,
    or growing only, after a new text)."""
    text = label.text()
    metrics = label.fontMetrics()
    widest = max(DIGITS, key=metrics.horizontalAdvance)
    spare = metrics.horizontalAdvance(re.sub("[0-9]", widest, text)) - metrics.horizontalAdvance(
        text
    )
    hint = label.sizeHint()
    fixed = label.minimumSize() == label.maximumSize()
    width = hint.width() + spare
    if grow_only and fixed:
        width = max(width, label.minimumWidth())
    if (width, hint.height()) != (label.minimumWidth(), label.minimumHeight()) or not fixed:
        label.setFixedSize(width, hint.height())


FIGURE_MINIMUM = (160, 140)
"""The picture never gets smaller than this (it fits beside the ring at 800x600)."""
STRETCH_NO_FIGURE = (1, 0, 1)
STRETCH_FIGURE = {"wide": (4, 5, 4), "square": (4, 4, 5), "tall": (4, 3, 6)}
"""Ring, picture and instructions share the width during a hold: the ring keeps its share
(the same size from stretch to stretch), a picture lying down takes more of the rest..."""
STRETCH_FIGURE_LARGE_TEXT = {"wide": (4, 4, 6), "square": (4, 3, 6), "tall": (4, 2, 6)}
"""...less of it once the text is drawn larger (full screen, a larger text size), so the
steps still need no scrolling..."""
STRETCH_ADVICE = (3, 2, 6)
"""...and symptom advice gets the largest share (read from the floor, beside the ring)."""
LARGE_TEXT = 1.15


def middle_shares(aspect: float | None, advice: bool, scale: float = 1.0) -> tuple[int, int, int]:
    """Stretch factors of the ring, the picture and the text for a picture of ``aspect``."""
    if advice:
        return STRETCH_ADVICE if aspect is not None else (2, 0, 3)
    if aspect is None:
        return STRETCH_NO_FIGURE
    shares = STRETCH_FIGURE_LARGE_TEXT if scale > LARGE_TEXT else STRETCH_FIGURE
    shape = "wide" if aspect >= 1.3 else "square" if aspect >= 0.9 else "tall"
    return shares[shape]


class SessionPage(QWidget):
    """Name, phase, side, the countdown, instructions, advice, controls: drawn from a Screen.

    Stopped after a symptom, the ring and the running controls give way: the advice takes the
    whole middle, and the choices stand in a column in the order the screen gives, the
    suggested one first, bold and focused. They keep their places while the screen changes.
    """

    choice_made = Signal(object)
    """A choice's button was clicked (carries the :class:`Choice`)."""

    def __init__(self, parent: QWidget, symptoms: Iterable[Symptom]) -> None:
        super().__init__(parent)
        self.shown = Screen()
        """The Screen drawn last."""
        self._last: Screen | None = None
        self._advice_sizes: tuple[float, ...] = SIZE_ADVICE
        self._choices: dict[QPushButton, Choice] = {}
        self._system_font = QFont(self.font())
        self._text_scale = 1.0
        self.scale = 1.0
        """The page's text size as a multiple of its size at 1000x700 with normal text."""
        self._scaled: list[tuple[QWidget, float, bool]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 12, 20, 12)

        header = QGridLayout()
        self.stretch_label = self._label(self, "", SIZE_NAME, bold=True)
        self.progress_label = self._label(self, "", SIZE_PROGRESS)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.progress_label.setWordWrap(False)
        # Its text changes every second: it paints its own background, not the page's.
        self.progress_label.setAutoFillBackground(True)
        self.phase_label = self._label(self, "", SIZE_PHASE, bold=True)
        self.side_label = self._label(self, "", SIZE_SIDE)
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
        self._middle = middle
        outer.addLayout(middle, 1)
        self.timer_column = QWidget(self)
        left = QVBoxLayout(self.timer_column)
        left.setContentsMargins(0, 0, 0, 0)
        self.countdown = CountdownWidget(self.timer_column)
        left.addWidget(self.countdown, 1)
        self.next_label = self._label(self.timer_column, "", SIZE_NEXT)
        self.next_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        left.addWidget(self.next_label)
        middle.addWidget(self.timer_column, 1)

        # The stretch's picture beside the ring: redrawn only when the stretch, the side, the
        # size or the palette changes, never as the ring counts down.
        self.figure_view = FigureView(self, minimum=QSize(*FIGURE_MINIMUM))
        self.figure_view.hide()
        middle.addWidget(self.figure_view, 1)

        self.info_column = QWidget(self)
        right = QVBoxLayout(self.info_column)
        right.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(self.info_column, 1)
        # Symptom advice (hidden until a symptom is reported) over the instructions.
        self.advice_box = QFrame(self.info_column)
        self.advice_title = wrapped_label(self.advice_box, "", SIZE_ADVICE_TITLE, bold=True)
        self.advice_scroll = QScrollArea(self.advice_box)
        self.advice_label = wrapped_label(self.advice_scroll, "", SIZE_ADVICE[0])
        self.stop_stretch_button = self._button("", self.advice_box)
        self.dismiss_button = self._button("", self.advice_box)
        self._build_advice_box(right)
        self.side_scroll = QScrollArea(self.info_column)
        self.cautions_label = self._label(self.side_scroll, "", SIZE_TEXT)
        self.instructions_label = self._label(self.side_scroll, "", SIZE_TEXT)
        self.tips_label = self._label(self.side_scroll, "", SIZE_TEXT)
        self._build_side_panel(right)

        self.reminder_label = self._label(self, "", SIZE_REMINDER, bold=True)
        self.reminder_label.setStyleSheet(f"color: {WARNING_ACCENT};")
        self.reminder_label.hide()
        outer.addWidget(self.reminder_label)

        running = QWidget(self)
        running_layout = QHBoxLayout(running)
        running_layout.setContentsMargins(0, 0, 0, 0)
        self.pause_button = self._button("Pause  (Space)", running)
        self.back_button = self._button("Back  (←)", running)
        self.skip_button = self._button("Skip  (→)", running)
        self.stop_button = self._button("Stop  (Esc)", running)
        for button in (self.pause_button, self.back_button, self.skip_button, self.stop_button):
            running_layout.addWidget(button)
        outer.addWidget(running)
        self.running_controls = running

        self.halted_box = QWidget(self)
        halted_layout = QVBoxLayout(self.halted_box)
        halted_layout.setContentsMargins(0, 0, 0, 0)
        halted_layout.setSpacing(6)
        self.choice_buttons: list[QPushButton] = []
        for _ in range(MAX_CHOICES):
            button = self._button("", self.halted_box)
            # Focusable (so the suggested choice can hold the focus), but never by a click;
            # Space and Enter stay the window's shortcuts.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(self._clicked)
            halted_layout.addWidget(button)
            self.choice_buttons.append(button)
        self.halted_box.hide()
        # One column of choices, as wide as the longest needs and never the whole of a wide
        # screen (the eye should not travel 1,900 pixels to read a button).
        self.halted_box.setMaximumWidth(
            self.choice_buttons[0].fontMetrics().averageCharWidth() * 110
        )
        outer.addWidget(self.halted_box, 0, Qt.AlignmentFlag.AlignHCenter)

        symptom_row = QHBoxLayout()
        report = self._label(self, "Tell me if you feel:", SIZE_BUTTON)
        report.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        symptom_row.addWidget(report)
        self.symptom_buttons: dict[str, QPushButton] = {}
        for symptom in symptoms:
            button = self._button(f"{symptom.label}  ({symptom.key.upper()})", self)
            button.setToolTip(
                plain_tooltip(f"Report {symptom.label.lower()} (key {symptom.key.upper()})")
            )
            self.symptom_buttons[symptom.id] = button
            symptom_row.addWidget(button)
        symptom_row.addStretch(1)
        outer.addLayout(symptom_row)

    # ------------------------------------------------------------------ building

    def _build_advice_box(self, column: QVBoxLayout) -> None:
        self.advice_box.setObjectName("adviceBox")
        self.advice_box.setStyleSheet(
            f"#adviceBox {{ border: 2px solid {WARNING_ACCENT}; border-radius: 8px;"
            " background: palette(alternate-base); }"
        )
        layout = QVBoxLayout(self.advice_box)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(2)
        layout.addWidget(self.advice_title)
        # Only the advice text scrolls (on small screens); its buttons stay in view below it.
        self.advice_scroll.setWidgetResizable(True)
        self.advice_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.advice_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.advice_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.advice_scroll.setStyleSheet("QScrollArea { background: transparent; }")
        self.advice_scroll.viewport().setAutoFillBackground(False)
        body = QWidget(self.advice_scroll)
        body.setObjectName("adviceBody")
        body.setStyleSheet("#adviceBody { background: transparent; }")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.advice_label.setTextFormat(Qt.TextFormat.RichText)
        self.advice_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Its height comes from its width (heightForWidth); QLabel's own minimum guesses a
        # narrow width for rich text and would ask for a scroll bar the text does not need.
        self.advice_label.setMinimumSize(1, 1)
        body_layout.addWidget(self.advice_label)
        body_layout.addStretch(1)
        self.advice_scroll.setWidget(body)
        # Refit the text whenever its box changes size (the layout settles after a draw).
        self.advice_scroll.viewport().installEventFilter(self)
        layout.addWidget(self.advice_scroll, 1)
        buttons = QHBoxLayout()
        for button in (self.stop_stretch_button, self.dismiss_button):
            button.clicked.connect(self._clicked)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.advice_box.hide()
        column.addWidget(self.advice_box, 1)

    def _build_side_panel(self, column: QVBoxLayout) -> None:
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel = QWidget(self.side_scroll)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 0, 8, 0)
        for label in (self.cautions_label, self.instructions_label, self.tips_label):
            label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(label)
        layout.addStretch(1)
        self.side_scroll.setWidget(panel)
        column.addWidget(self.side_scroll, 1)

    def _label(self, parent: QWidget, text: str, factor: float, *, bold: bool = False) -> QLabel:
        label = wrapped_label(parent, text, factor, bold=bold)
        self._scaled.append((label, factor, bold))
        return label

    def _button(self, text: str, parent: QWidget) -> QPushButton:
        button = QPushButton(text, parent)
        # Keys belong to the window's shortcuts: no button may swallow Space or the arrows.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setFont(scaled_font(button, SIZE_BUTTON))
        button.setMinimumHeight(BUTTON_HEIGHT)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._scaled.append((button, SIZE_BUTTON, False))
        return button

    # ------------------------------------------------------------------ scaling

    def set_text_scale(self, text_scale: float) -> None:
        """The text-size setting (1.0, 1.25, 1.5): multiplies the window's scale."""
        self._text_scale = text_scale
        self._rescale()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._last = None  # the phase's colour comes from the palette: drawn again next time
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Fonts change here only (never per tick): a resize lays the page out anyway.
        self._rescale()
        super().resizeEvent(event)

    def _rescale(self) -> None:
        scale = window_scale(self.width(), self.height()) * self._text_scale
        scale = round(scale / SCALE_STEP) * SCALE_STEP
        if abs(scale - self.scale) < SCALE_STEP / 2:
            return
        self.scale = scale
        font = QFont(self._system_font)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * scale)
        else:
            font.setPixelSize(max(1, round(font.pixelSize() * scale)))
        # The page's own font is the scaled system font: every size below is a multiple of it.
        self.setFont(font)
        for widget, factor, bold in self._scaled:
            choice = self._choices.get(widget) if isinstance(widget, QPushButton) else None
            widget.setFont(
                scaled_font(self, factor, bold=bold or (choice is not None and choice.suggested))
            )
            if isinstance(widget, QPushButton):
                widget.setMinimumHeight(round(BUTTON_HEIGHT * scale))
        if self._last is not None:
            self._last = None
            self.draw(self.shown)  # the lists' indents follow the scale
        self.halted_box.setMaximumWidth(
            self.choice_buttons[0].fontMetrics().averageCharWidth() * 110
        )
        fit_steady(self.progress_label)  # its size is fixed: it follows its new font here
        self._share_width()
        self._fit_advice()

    def _share_width(self) -> None:
        """Ring, picture and text across the page, for the screen shown and the text's size."""
        screen = self.shown
        # Advice during a hold gets the wider share: read from the floor, beside a smaller ring.
        aspect = self.figure_view.aspect() if screen.figure is not None else None
        shares = middle_shares(aspect, screen.advice is not None, self.scale)
        for widget, share in zip(
            (self.timer_column, self.figure_view, self.info_column), shares, strict=True
        ):
            self._middle.setStretchFactor(widget, share)

    # ------------------------------------------------------------------ drawing

    @property
    def halted(self) -> bool:
        return self.shown.halted

    def draw(self, screen: Screen) -> None:
        """Show ``screen``, repainting only what changed.

        Each second only the number, the ring and the time left in the header change: the
        ring repaints its own pixels, and the header's label keeps its size, so the page is
        neither laid out nor repainted again. The rest is drawn when the phase changes.
        """
        accent = ACCENT_COLOURS[screen.accent]
        self.countdown.set_state(
            screen.countdown_text,
            screen.countdown_caption,
            screen.fraction_left,
            accent,
            dimmed=screen.paused,
        )
        set_steady_text(self.progress_label, screen.progress_text)
        self.shown = screen
        key = replace(screen, fraction_left=0.0, countdown_text="", progress_text="")
        if key == self._last:
            return
        self._last = key
        self.stretch_label.setText(screen.stretch_name)
        self.phase_label.setText(screen.phase_text)
        self.side_label.setText(screen.side_text)
        self.side_label.setVisible(bool(screen.side_text))
        phase_palette = self.phase_label.palette()
        phase_palette.setColor(
            QPalette.ColorRole.WindowText,
            accent or self.palette().color(QPalette.ColorRole.Highlight),
        )
        self.phase_label.setPalette(phase_palette)
        self.next_label.setText(screen.next_text)
        self.pause_button.setText(f"{screen.pause_label}  (Space)")
        self.instructions_label.setText(
            "<b>How to do it</b>" + self._list_html(screen.instructions, numbered=True)
            if screen.instructions
            else ""
        )
        self.tips_label.setText("<b>Tips</b>" + self._list_html(screen.tips) if screen.tips else "")
        self.tips_label.setVisible(bool(screen.tips))
        self.cautions_label.setText(
            "<b>Before you start</b>" + self._list_html(screen.cautions) if screen.cautions else ""
        )
        self.cautions_label.setVisible(bool(screen.cautions))
        self.reminder_label.setText(screen.reminder)
        self.reminder_label.setVisible(bool(screen.reminder))

        halted = screen.halted
        self.timer_column.setVisible(not halted)
        self.running_controls.setVisible(not halted)
        self.halted_box.setVisible(halted)
        self._draw_panel(screen)
        self._draw_choices(screen.choices)
        self.side_scroll.setVisible(screen.show_instructions)
        self.figure_view.set_figure(screen.figure, screen.figure_side)
        self.figure_view.setVisible(screen.figure is not None and not halted)
        self._share_width()
        self._advice_sizes = SIZE_ADVICE_HALTED if halted else SIZE_ADVICE
        self._fit_advice()

    def _list_html(self, items: tuple[str, ...], *, numbered: bool = False) -> str:
        # A list's numbers grow with the text, its indent does not: more room as text grows.
        indent = -12 + round(24 * (self.scale - 1))
        return bullet_html(items, numbered=numbered).replace(
            "margin-left:-12px", f"margin-left:{indent}px"
        )

    def _draw_panel(self, screen: Screen) -> None:
        panel = screen.advice
        if panel is None:
            self.advice_box.hide()
            return
        self.advice_title.setText(panel.title)
        self.advice_title.setVisible(bool(panel.title))
        titles = len(panel.advices) > 1 or panel.kind == "watch"
        text = advice_html(panel.advices, titles=titles, columns=screen.halted)
        if text != self.advice_label.text():
            self.advice_label.setText(text)
            self.advice_scroll.verticalScrollBar().setValue(0)
        for button, action in (
            (self.stop_stretch_button, "stop_stretch"),
            (self.dismiss_button, "dismiss"),
        ):
            choice = next((c for c in panel.choices if c.action == action), None)
            self._set_choice(button, choice)
        self.advice_box.show()

    def _draw_choices(self, choices: tuple[Choice, ...]) -> None:
        for index, button in enumerate(self.choice_buttons):
            self._set_choice(button, choices[index] if index < len(choices) else None)
        suggested = next(
            (b for b, c in zip(self.choice_buttons, choices, strict=False) if c.suggested), None
        )
        if suggested is not None and self.isVisible():
            suggested.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_choice(self, button: QPushButton, choice: Choice | None) -> None:
        button.setVisible(choice is not None)
        if choice is None:
            self._choices.pop(button, None)
        else:
            self._choices[button] = choice
            button.setText(choice.label)
            button.setFont(scaled_font(self, SIZE_BUTTON, bold=choice.suggested))

    def _clicked(self) -> None:
        button = self.sender()
        choice = self._choices.get(button) if isinstance(button, QPushButton) else None
        if choice is not None:
            self.choice_made.emit(choice)

    def choice_button(self, action: str) -> QPushButton | None:
        """The visible button for a choice of ``action`` (tests and screenshots)."""
        for button, choice in self._choices.items():
            if choice.action == action and button.isVisible():
                return button
        return None

    # ------------------------------------------------------------------ fitting

    def _fit_advice(self) -> None:
        """The largest advice text size whose whole text fits its box without scrolling."""
        if not self.advice_box.isHidden():
            factor = fit_text(
                self.advice_scroll,
                [self.advice_label],
                self._advice_sizes,
                SIZE_ADVICE_SCROLLING,
            )
            # The title never reads smaller than the advice under it.
            title = max(SIZE_ADVICE_TITLE, factor * 1.15)
            self.advice_title.setFont(scaled_font(self, title, bold=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.advice_scroll.viewport():
            self._fit_advice()
        return super().eventFilter(watched, event)
