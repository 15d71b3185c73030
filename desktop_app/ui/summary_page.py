"""The summary page: what a finished session did, symptoms and their red flags first."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.session_summary import SessionSummary, describe_summary
from desktop_app.session_text import note_advice
from desktop_app.ui.widgets import advice_html, bullet_html, fit_text, scaled_font, wrapped_label

SUMMARY_SIZES = (1.3, 1.2)
"""The summary's symptoms and stretches: 1.3 when it fits, else 1.2 and a scroll."""
SUMMARY_WIDTH = 150
"""The summary's widest line, in average characters of the system font."""


class SummaryPage(QWidget):
    """What was done, how long it took, and every symptom reported with its red flags.

    Built when the first session ends (the window imports this module then); draws the
    :class:`SessionSummary` it is given and knows nothing of the controller.
    """

    done_requested = Signal()
    """Back to routines (the button; the window's Enter and Esc do the same)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        # One column, centred, no wider than a comfortable read on a large screen.
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 20, 32, 16)
        column = QWidget(self)
        column.setMaximumWidth(column.fontMetrics().averageCharWidth() * SUMMARY_WIDTH)
        outer.addStretch(0)
        outer.addWidget(column, 1)
        outer.addStretch(0)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.title_label = wrapped_label(column, "", 2.2, bold=True)
        self.routine_label = wrapped_label(column, "", 1.5)
        self.totals_label = wrapped_label(column, "", 1.3)
        for label in (self.title_label, self.routine_label, self.totals_label):
            layout.addWidget(label)
        # Symptoms first (what to watch for matters more than the count of holds); only this
        # part scrolls, so the button below never leaves the window.
        self.scroll_area = QScrollArea(column)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self.scroll_area)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 8, 0)
        self._body_spacing = body_layout.spacing()
        self.symptoms_label = wrapped_label(body, "", SUMMARY_SIZES[0])
        self.details_label = wrapped_label(body, "", SUMMARY_SIZES[0])
        for label in (self.symptoms_label, self.details_label):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setMinimumSize(1, 1)  # height for width; see SessionPage's advice
            body_layout.addWidget(label)
        body_layout.addStretch(1)
        self.scroll_area.setWidget(body)
        self.scroll_area.viewport().installEventFilter(self)
        layout.addWidget(self.scroll_area, 1)
        self.done_button = QPushButton("Back to routines  (Enter)", column)
        self.done_button.setFont(scaled_font(self.done_button, 1.2, bold=True))
        self.done_button.setMinimumHeight(44)
        self.done_button.clicked.connect(self.done_requested)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_summary(self, summary: SessionSummary) -> None:
        """Draw ``summary`` (a session that has ended)."""
        view = describe_summary(summary)
        self.title_label.setText(view.title)
        self.routine_label.setText(view.routine_name)
        self.totals_label.setText(view.totals)
        if view.symptoms:
            advices = [note_advice(note) for note in view.symptoms]
            self.symptoms_label.setText(
                "<p style='margin-bottom:2px'><b>Symptoms you reported: what to watch for</b></p>"
                + advice_html(advices, titles=True, columns=True)
            )
        else:
            self.symptoms_label.setText("<p>No symptoms reported.</p>")
        self.details_label.setText("<b>Stretches</b>" + bullet_html(view.lines))
        self.scroll_area.verticalScrollBar().setValue(0)
        self._fit()

    def _fit(self) -> None:
        labels = [self.symptoms_label, self.details_label]
        fit_text(self.scroll_area, labels, SUMMARY_SIZES, SUMMARY_SIZES[-1], self._body_spacing)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.scroll_area.viewport():
            self._fit()
        return super().eventFilter(watched, event)
