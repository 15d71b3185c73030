"""The routine picker: the loaded routines, a preview of the selected one, and files that failed.

The preview lists the routine's stretches as cards, each with its timing and its cautions.
Tab (or a click) moves into the cards and ↑ ↓ go from one to the next; the chosen card opens
to show the stretch's steps and tips. Enter starts the routine from anywhere on the page.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.formatting import duration_text
from desktop_app.model import Library, Routine, Step
from desktop_app.ui.deferred import after_first_paint
from desktop_app.ui.text import routine_summary
from desktop_app.ui.widgets import WARNING_ACCENT, bullet_html, scaled_font, wrapped_label

if TYPE_CHECKING:
    from desktop_app.ui.figure_view import FigureView

SIZE_TITLE = 1.8
SIZE_LIST = 1.15
SIZE_NAME = 1.5
SIZE_TEXT = 1.15
"""Description, cards, steps and tips: read from a step or two back from the desk."""
SIZE_CAPTION = 1.0
SIZE_START = 1.3
REFERENCE_HEIGHT = 680
"""The page's height in the default 1000x700 window: text grows with a taller window (full
screen is read from further away), up to ``MAX_SCALE``; it never shrinks below the sizes above."""
MAX_SCALE = 1.7
CAUTION_MARK = "⚠"
FIGURE_LINES = 3.6
"""A card's picture is about this many lines of its text high..."""
FIGURE_ASPECT = 1.45
"""...and this much wider than high (most positions are lying or sitting)."""
HINT = "Tab to the stretches, then ↑ ↓ to read each one's steps and tips."


def step_timing(step: Step) -> str:
    """``3 × 30 s, each side``; ``1 min`` for a single unsided hold."""
    reps = f"{step.reps} × " if step.reps > 1 else ""
    sides = ", each side" if step.stretch.sided else ""
    return f"{reps}{duration_text(step.hold)}{sides}"


class StretchCard(QFrame):
    """One step of the previewed routine: name, timing and cautions; steps and tips when chosen."""

    chosen = Signal(object)
    """Focused or clicked: carries the card."""
    move_requested = Signal(object, int)
    """↑ (-1) or ↓ (+1) pressed on the card: carries the card and the direction."""

    def __init__(self, parent: QWidget, number: int, step: Step, font: QFont) -> None:
        super().__init__(parent)
        self.step = step
        stretch = step.stretch
        self.setObjectName("stretchCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(10)
        # The stretch's picture, small beside its name (larger once the card is opened). Its
        # place is kept from the start; the picture comes in after the window's first paint.
        self.figure_view: FigureView | None = None
        self.picture_slot: QWidget | None = None
        if stretch.figure is not None:
            self.picture_slot = QWidget(self)
            QVBoxLayout(self.picture_slot).setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.picture_slot, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout()
        layout.setSpacing(2)
        row.addLayout(layout, 1)
        self.header = wrapped_label(
            self,
            f"<b>{number}. {html.escape(stretch.name)}</b> · {html.escape(step_timing(step))}",
        )
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.cautions = wrapped_label(self, "")
        self.cautions.setTextFormat(Qt.TextFormat.RichText)
        self.cautions.setText(
            "".join(
                f"<div style='margin-top:2px'><span style='color:{WARNING_ACCENT}'>"
                f"{CAUTION_MARK}</span> {html.escape(caution)}</div>"
                for caution in stretch.cautions
            )
        )
        self.cautions.setVisible(bool(stretch.cautions))
        layout.addWidget(self.cautions)
        parts = [
            "<b>How to do it</b>" + bullet_html(stretch.instructions, numbered=True, compact=True)
        ]
        if stretch.tips:
            parts.append("<b>Tips</b>" + bullet_html(stretch.tips, compact=True))
        self.details = wrapped_label(self, "".join(parts))
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.hide()
        layout.addWidget(self.details)
        self.set_text_font(font)
        self.setAccessibleName(f"{number}. {stretch.name}, {step_timing(step)}")
        self.setAccessibleDescription(" ".join(stretch.cautions))
        self._style(expanded=False)

    def set_text_font(self, font: QFont) -> None:
        for label in (self.header, self.cautions, self.details):
            label.setFont(font)
        self._size_figure()

    def show_picture(self) -> None:
        """Puts the stretch's picture in its place (once)."""
        if self.picture_slot is None or self.figure_view is not None:
            return
        from desktop_app.ui.figure_view import FigureView

        self.figure_view = FigureView(self.picture_slot)
        self.figure_view.setBackgroundRole(QPalette.ColorRole.Base)
        self.figure_view.set_figure(self.step.stretch.figure)
        layout = self.picture_slot.layout()
        assert layout is not None
        layout.addWidget(self.figure_view)
        self.figure_view.show()

    def _size_figure(self) -> None:
        """About three lines of text high; twice that once the card is open."""
        if self.picture_slot is None:
            return
        height = round(QFontMetrics(self.header.font()).height() * FIGURE_LINES)
        if self.expanded:
            height *= 2
        self.picture_slot.setFixedSize(round(height * FIGURE_ASPECT), height)

    @property
    def expanded(self) -> bool:
        return not self.details.isHidden()

    def set_expanded(self, expanded: bool) -> None:
        self.details.setVisible(expanded)
        self._style(expanded)
        self._size_figure()

    def _style(self, expanded: bool) -> None:
        border = "2px solid palette(highlight)" if expanded else "1px solid palette(mid)"
        self.setStyleSheet(
            f"#stretchCard {{ border: {border}; border-radius: 6px; background: palette(base); }}"
        )

    def text(self) -> str:
        """Everything the card shows, as plain text."""
        labels = [self.header, self.cautions, self.details]
        return "\n".join(
            _plain(label.text()) for label in labels if not label.isHidden() and label.text()
        )

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.chosen.emit(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(self, -1 if event.key() == Qt.Key.Key_Up else 1)
            return
        # Page Up/Down and the rest go to the scroll area around the cards.
        super().keyPressEvent(event)


def _problems_heading(
    load_errors: Mapping[str, Sequence[object]], picture_errors: Mapping[str, Sequence[object]]
) -> str:
    """``1 file could not be loaded (left out); 2 pictures could not be shown (...)``."""
    parts = []
    if load_errors:
        count = len(load_errors)
        files = "1 file" if count == 1 else f"{count} files"
        parts.append(f"{files} could not be loaded (left out)")
    pictures = sum(len(errors) for errors in picture_errors.values())
    if pictures:
        what = "1 picture" if pictures == 1 else f"{pictures} pictures"
        parts.append(f"{what} could not be shown (the stretch is shown without it)")
    return "; ".join(parts)


def _plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


class PickerPage(QWidget):
    """The loaded routines, a preview of the selected one, a start button, and failed files."""

    start_requested = Signal(object)

    def __init__(
        self,
        parent: QWidget,
        library: Library,
        load_errors: Mapping[str, Sequence[object]],
        *,
        selected: str | None = None,
        picture_errors: Mapping[str, Sequence[object]] | None = None,
    ) -> None:
        """``selected``: the routine to select first (the first one when it is not found).

        ``load_errors``: files left out, with their errors; ``picture_errors``: pictures left
        out of files that loaded. Both are listed under the routines.
        """
        super().__init__(parent)
        self.library = library
        self.cards: list[StretchCard] = []
        self._pictures = False
        """Cards show their pictures (from just after the window's first paint on)."""
        self._scale = 1.0
        self._sized: list[tuple[QWidget, float, bool]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        title = self._sized_label("Choose a routine", SIZE_TITLE, bold=True)
        layout.addWidget(title)

        body = QHBoxLayout()
        body.setSpacing(16)
        layout.addLayout(body, 1)
        self.routine_list = QListWidget(self)
        self._size(self.routine_list, SIZE_LIST)
        self.routine_list.setSpacing(4)
        self.routine_list.setAccessibleName("Routines")
        for routine in library.routines:
            item = QListWidgetItem(f"{routine.name}\n{routine_summary(routine)}")
            item.setData(Qt.ItemDataRole.UserRole, routine.id)
            self.routine_list.addItem(item)
        # The routine names are short; the preview gets the width (fewer wrapped lines).
        body.addWidget(self.routine_list, 4)

        details = QVBoxLayout()
        details.setSpacing(6)
        body.addLayout(details, 7)
        self.name_label = self._sized_label("", SIZE_NAME, bold=True)
        self.description_label = self._sized_label("", SIZE_TEXT)
        self.hint_label = self._sized_label(HINT, SIZE_CAPTION)
        details.addWidget(self.name_label)
        details.addWidget(self.description_label)
        details.addWidget(self.hint_label)

        self.stretch_scroll = QScrollArea(self)
        self.stretch_scroll.setWidgetResizable(True)
        self.stretch_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.stretch_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The cards take the focus; the area itself is scrolled through them.
        self.stretch_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stretch_box = QWidget(self.stretch_scroll)
        self.stretch_layout = QVBoxLayout(self.stretch_box)
        self.stretch_layout.setContentsMargins(0, 0, 4, 0)
        self.stretch_layout.setSpacing(6)
        self.stretch_layout.addStretch(1)
        self.stretch_scroll.setWidget(self.stretch_box)
        details.addWidget(self.stretch_scroll, 1)

        self.total_label = self._sized_label("", SIZE_TEXT)
        details.addWidget(self.total_label)
        self.start_button = QPushButton("Start  (Enter)", self)
        self._size(self.start_button, SIZE_START, bold=True)
        self.start_button.setMinimumHeight(48)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_selected)
        details.addWidget(self.start_button)

        if not library.routines:
            self.name_label.setText("No routines loaded")
            self.hint_label.hide()
            self.start_button.setEnabled(False)

        self.errors_box = QFrame(self)
        errors_layout = QVBoxLayout(self.errors_box)
        errors_layout.setContentsMargins(0, 8, 0, 0)
        pictures = picture_errors or {}
        self.errors_title = wrapped_label(
            self.errors_box, f"{_problems_heading(load_errors, pictures)}:", 1.0, bold=True
        )
        errors_layout.addWidget(self.errors_title)
        self.errors_text = QPlainTextEdit(self.errors_box)
        self.errors_text.setReadOnly(True)
        self.errors_text.setMaximumHeight(120)
        self.errors_text.setPlainText(
            "\n".join(
                str(err)
                for problems in (load_errors, pictures)
                for errors in problems.values()
                for err in errors
            )
        )
        errors_layout.addWidget(self.errors_text)
        self.errors_box.setVisible(bool(load_errors) or bool(pictures))
        layout.addWidget(self.errors_box)

        self.routine_list.currentItemChanged.connect(self._show_details)
        self.routine_list.itemActivated.connect(self.start_selected)
        if library.routines:
            ids = [routine.id for routine in library.routines]
            self.routine_list.setCurrentRow(ids.index(selected) if selected in ids else 0)
        # The pictures are drawn once the window is on screen: start-up shows the text first.
        after_first_paint(self, self.show_pictures)

    def show_pictures(self) -> None:
        """Gives every card its picture, now and from now on."""
        self._pictures = True
        for card in self.cards:
            card.show_picture()

    def _size(self, widget: QWidget, factor: float, *, bold: bool = False) -> None:
        """Give ``widget`` the page font times ``factor``, now and whenever the page grows."""
        self._sized.append((widget, factor, bold))
        widget.setFont(scaled_font(self, factor * self._scale, bold=bold))

    def _sized_label(self, text: str, factor: float, *, bold: bool = False) -> QLabel:
        label = wrapped_label(self, text, 1.0)
        self._size(label, factor, bold=bold)
        return label

    def _card_font(self) -> QFont:
        return scaled_font(self, SIZE_TEXT * self._scale)

    @property
    def text_scale(self) -> float:
        """How much larger than at the default size the page's text is drawn (1.0 or more)."""
        return self._scale

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        scale = min(MAX_SCALE, self.height() / REFERENCE_HEIGHT)
        if scale < 1.1:
            scale = 1.0  # the default window and anything near it: the sizes as designed
        if scale == self._scale or (scale > 1.0 and abs(scale - self._scale) < 0.05):
            return  # small steps while a window is dragged larger: keep the fonts
        self._scale = scale
        for widget, factor, bold in self._sized:
            widget.setFont(scaled_font(self, factor * scale, bold=bold))
        self.start_button.setMinimumHeight(round(48 * scale))
        font = self._card_font()
        for card in self.cards:
            card.set_text_font(font)

    def selected_routine(self) -> Routine | None:
        item = self.routine_list.currentItem()
        if item is None:
            return None
        return self.library.routine(str(item.data(Qt.ItemDataRole.UserRole)))

    def select(self, routine_id: str) -> bool:
        for row in range(self.routine_list.count()):
            if self.routine_list.item(row).data(Qt.ItemDataRole.UserRole) == routine_id:
                self.routine_list.setCurrentRow(row)
                return True
        return False

    def expanded_card(self) -> StretchCard | None:
        return next((card for card in self.cards if card.expanded), None)

    def _show_details(self, *_args: object) -> None:
        routine = self.selected_routine()
        if routine is None:
            return
        self.name_label.setText(routine.name)
        self.description_label.setText(routine.description)
        self.description_label.setVisible(bool(routine.description))
        self.total_label.setText(f"Total: {duration_text(routine.planned_seconds)}")
        self._build_cards(routine)

    def _build_cards(self, routine: Routine) -> None:
        for card in self.cards:
            card.hide()
            card.deleteLater()
        self.cards = []
        for number, step in enumerate(routine.steps, start=1):
            card = StretchCard(self.stretch_box, number, step, self._card_font())
            card.chosen.connect(self._choose)
            card.move_requested.connect(self._move)
            self.stretch_layout.insertWidget(self.stretch_layout.count() - 1, card)
            card.show()  # at once, not when the layout gets to it: Tab may come next
            if self._pictures:
                card.show_picture()
            self.cards.append(card)
        # Tab goes from the routines through the cards, in order, to the start button.
        chain: list[QWidget] = [self.routine_list, *self.cards, self.start_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.stretch_scroll.verticalScrollBar().setValue(0)

    def _choose(self, chosen: StretchCard) -> None:
        for card in self.cards:
            card.set_expanded(card is chosen)
        self.stretch_layout.activate()
        # Once the opened card has its height: bring it into view, its top first.
        QTimer.singleShot(0, self, lambda: self._reveal(chosen))

    def _reveal(self, card: StretchCard) -> None:
        if card not in self.cards:
            return
        bar = self.stretch_scroll.verticalScrollBar()
        view = self.stretch_scroll.viewport().height()
        top = card.y()
        bottom = top + card.height()
        if top < bar.value() or card.height() > view:
            bar.setValue(top)
        elif bottom > bar.value() + view:
            bar.setValue(bottom - view)

    def _move(self, card: StretchCard, direction: int) -> None:
        index = self.cards.index(card) + direction
        if 0 <= index < len(self.cards):
            self.cards[index].setFocus(Qt.FocusReason.OtherFocusReason)

    def start_selected(self) -> None:
        routine = self.selected_routine()
        if routine is not None:
            self.start_requested.emit(routine)
