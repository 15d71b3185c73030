"""The routine picker: the loaded routines, a preview of the selected one, and files that failed."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model import Library, Routine, duration_text
from desktop_app.ui.text import routine_summary
from desktop_app.ui.widgets import bullet_html, scaled_font, wrapped_label


class PickerPage(QWidget):
    """The loaded routines, their details, a start button, and the files that failed to load."""

    start_requested = Signal(object)

    def __init__(
        self, parent: QWidget, library: Library, load_errors: Mapping[str, Sequence[object]]
    ) -> None:
        super().__init__(parent)
        self.library = library
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        title = wrapped_label(self, "Choose a routine", 1.8, bold=True)
        layout.addWidget(title)

        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.routine_list = QListWidget(self)
        self.routine_list.setFont(scaled_font(self.routine_list, 1.15))
        self.routine_list.setSpacing(4)
        self.routine_list.setAccessibleName("Routines")
        for routine in library.routines:
            item = QListWidgetItem(f"{routine.name}\n{routine_summary(routine)}")
            item.setData(Qt.ItemDataRole.UserRole, routine.id)
            self.routine_list.addItem(item)
        body.addWidget(self.routine_list, 2)

        details = QVBoxLayout()
        body.addLayout(details, 3)
        self.name_label = wrapped_label(self, "", 1.5, bold=True)
        self.description_label = wrapped_label(self, "", 1.05)
        self.stretches_label = wrapped_label(self, "", 1.1)
        self.stretches_label.setTextFormat(Qt.TextFormat.RichText)
        details.addWidget(self.name_label)
        details.addWidget(self.description_label)
        details.addWidget(self.stretches_label)
        details.addStretch(1)
        self.start_button = QPushButton("Start  (Enter)", self)
        self.start_button.setFont(scaled_font(self.start_button, 1.3, bold=True))
        self.start_button.setMinimumHeight(48)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_selected)
        details.addWidget(self.start_button)

        if not library.routines:
            self.name_label.setText("No routines loaded")
            self.start_button.setEnabled(False)

        self.errors_box = QFrame(self)
        errors_layout = QVBoxLayout(self.errors_box)
        errors_layout.setContentsMargins(0, 8, 0, 0)
        count = len(load_errors)
        heading = (
            "1 file could not be loaded" if count == 1 else f"{count} files could not be loaded"
        )
        self.errors_title = wrapped_label(self.errors_box, f"{heading} (left out):", 1.0, bold=True)
        errors_layout.addWidget(self.errors_title)
        self.errors_text = QPlainTextEdit(self.errors_box)
        self.errors_text.setReadOnly(True)
        self.errors_text.setMaximumHeight(120)
        self.errors_text.setPlainText(
            "\n".join(str(err) for errors in load_errors.values() for err in errors)
        )
        errors_layout.addWidget(self.errors_text)
        self.errors_box.setVisible(bool(load_errors))
        layout.addWidget(self.errors_box)

        self.routine_list.currentItemChanged.connect(self._show_details)
        self.routine_list.itemActivated.connect(self.start_selected)
        if library.routines:
            self.routine_list.setCurrentRow(0)

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

    def _show_details(self, *_args: object) -> None:
        routine = self.selected_routine()
        if routine is None:
            return
        self.name_label.setText(routine.name)
        self.description_label.setText(routine.description)
        rows = []
        for step in routine.steps:
            sides = ", each side" if step.stretch.sided else ""
            reps = f"{step.reps} × " if step.reps > 1 else ""
            rows.append(f"{step.stretch.name} — {reps}{duration_text(step.hold)}{sides}")
        self.stretches_label.setText(
            bullet_html(rows, numbered=True)
            + f"<p>Total: {html.escape(duration_text(routine.planned_seconds))}</p>"
        )

    def start_selected(self) -> None:
        routine = self.selected_routine()
        if routine is not None:
            self.start_requested.emit(routine)
