"""The history window: figures, minutes per day, the session list, a session's detail, export."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.formatting import clock_duration, symptom_summary, total_minutes_text
from desktop_app.model import Symptom
from desktop_app.session_summary import symptom_notes
from desktop_app.session_text import note_advice
from desktop_app.storage import (
    LoggedSession,
    PageCursor,
    SessionDetail,
    SessionStore,
    StorageError,
    write_history_csv,
)
from desktop_app.ui.history_chart import MinutesChart
from desktop_app.ui.widgets import advice_html, plain_label

logger = logging.getLogger(__name__)

PAGE_SIZE = 200
STATUS_LABELS = {
    "completed": "Completed",
    "stopped": "Stopped",
    "interrupted": "Interrupted",
    "running": "Running",
}
FEELINGS = {1: "1 · awful", 2: "2 · poor", 3: "3 · okay", 4: "4 · good", 5: "5 · great"}
_ModelIndex = QModelIndex | QPersistentModelIndex


def session_date(summary: LoggedSession) -> str:
    moment = summary.started_at
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def unreadable_text(problems: list[str]) -> str:
    """What was left out of the history because it could not be read, in a sentence or two."""
    if not problems:
        return ""
    if len(problems) == 1:
        return problems[0]
    return (
        f"{len(problems)} entries of the session log could not be read and are left out. "
        f"The first: {problems[0]}"
    )


class SessionListModel(QAbstractTableModel):
    """Sessions newest first, read a page at a time as the view scrolls (canFetchMore/fetchMore).

    Keyset paging on the store's (started_at, id) index: every page costs the same, so a log of
    100,000 sessions opens as fast as one of ten.
    """

    COLUMNS = ("Date", "Routine", "Duration", "Status", "Symptoms")
    load_failed = Signal(str)

    def __init__(self, store: SessionStore | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._rows: list[LoggedSession] = []
        self._cursor: PageCursor | None = None
        self._exhausted = store is None
        self._reported = ""
        if store is not None:
            self.fetchMore(QModelIndex())

    # -- paging --------------------------------------------------------------------------------

    def canFetchMore(self, parent: _ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._store is None:
            return
        try:
            page, cursor = self._store.sessions_page(PAGE_SIZE, self._cursor)
        except StorageError as exc:
            self._exhausted = True
            self.load_failed.emit(exc.message)
            return
        self._report_unreadable()
        if cursor is None:  # a page may be short because unreadable rows were left out
            self._exhausted = True
        if not page:
            return
        self._cursor = cursor
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def _report_unreadable(self) -> None:
        if self._store is None:
            return
        text = unreadable_text(self._store.unreadable())
        if text and text != self._reported:
            self._reported = text
            self.load_failed.emit(text)

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._cursor = None
        self._exhausted = self._store is None
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def refresh_session(self, session_id: int) -> None:
        """Re-read one session (after its note or feeling changed)."""
        if self._store is None:
            return
        for row, summary in enumerate(self._rows):
            if summary.id == session_id:
                try:
                    fresh = self._store.session(session_id)
                except StorageError as exc:
                    self.load_failed.emit(exc.message)
                    return
                if fresh is not None:
                    self._rows[row] = fresh
                    self.dataChanged.emit(
                        self.index(row, 0), self.index(row, len(self.COLUMNS) - 1)
                    )
                return

    # -- the model -----------------------------------------------------------------------------

    def summary(self, row: int) -> LoggedSession:
        return self._rows[row]

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return session_date(summary)
            if column == 1:
                return summary.routine_name
            if column == 2:
                return clock_duration(summary.held_seconds)
            if column == 3:
                return STATUS_LABELS.get(summary.status, summary.status)
            return symptom_summary(summary.symptoms)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [
                f"Held {clock_duration(summary.held_seconds)} of "
                f"{clock_duration(summary.planned_seconds)} planned"
            ]
            if summary.feeling is not None:
                parts.append(f"Felt {FEELINGS[summary.feeling]}")
            if summary.note:
                parts.append(summary.note)
            return "\n".join(parts)
        return None


class SessionDialog(QDialog):
    """One session: what was held, what happened, and the user's note and feeling."""

    saved = Signal(int)

    def __init__(
        self,
        store: SessionStore,
        detail: SessionDetail,
        parent: QWidget | None = None,
        symptoms: Mapping[str, Symptom] | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        session = detail.session
        self.session_id = session.id
        self.setWindowTitle(f"{session.routine_name} — {session_date(session)}")
        layout = QVBoxLayout(self)

        heading = plain_label(session.routine_name)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        status = STATUS_LABELS.get(session.status, session.status)
        self.summary_label = plain_label(
            f"{session_date(session)} · {status} · held "
            f"{clock_duration(session.held_seconds)} of "
            f"{clock_duration(session.planned_seconds)} planned"
        )
        layout.addWidget(self.summary_label)

        self.holds_table = QTableWidget(len(detail.holds), 4)
        self.holds_table.setHorizontalHeaderLabels(["Stretch", "Side, rep", "Held", "Outcome"])
        self.holds_table.verticalHeader().setVisible(False)
        self.holds_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.holds_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.holds_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for row, hold in enumerate(detail.holds):
            side = f"{hold.side.capitalize()}, rep {hold.rep}" if hold.side else f"Rep {hold.rep}"
            held = f"{clock_duration(hold.held_seconds)} / {clock_duration(hold.planned_seconds)}"
            cells = (hold.stretch_name, side, held, hold.outcome.capitalize())
            for column, text in enumerate(cells):
                self.holds_table.setItem(row, column, QTableWidgetItem(text))
        header = self.holds_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if detail.holds:
            layout.addWidget(self.holds_table, 1)
        else:
            layout.addWidget(plain_label("No hold was finished in this session."))

        names = {hold.stretch_id: hold.stretch_name for hold in detail.holds}
        lines = []
        for event in detail.events:
            when = event.at.strftime("%H:%M:%S")
            if event.kind == "symptom":
                stretch = names.get(event.stretch_id or "", event.stretch_id)
                where = f" during {stretch}" if stretch else ""
                lines.append(f"{when}  Symptom reported: {event.symptom}{where}")
            else:
                lines.append(f"{when}  {'Paused' if event.kind == 'pause' else 'Resumed'}")
        self.events_label = plain_label("\n".join(lines) if lines else "No symptoms or pauses.")
        self.events_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.events_label)

        # Every symptom of the session with what to watch for, looked up in today's library
        # (a symptom it no longer has is still listed, by its id).
        notes = symptom_notes(
            (
                (event.symptom, names.get(event.stretch_id or "", event.stretch_id))
                for event in detail.events
                if event.kind == "symptom" and event.symptom
            ),
            symptoms or {},
        )
        self.symptoms_label = plain_label()
        self.symptoms_label.setWordWrap(True)
        self.symptoms_label.setTextFormat(Qt.TextFormat.RichText)
        self.symptoms_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.symptoms_label.setText(
            "<b>Symptoms: what to watch for</b>"
            + advice_html([note_advice(note) for note in notes], titles=True, columns=True)
        )
        self.symptoms_label.setVisible(bool(notes))
        layout.addWidget(self.symptoms_label)

        form = QFormLayout()
        self.note_edit = QPlainTextEdit(session.note or "")
        self.note_edit.setPlaceholderText("How did it go? Anything to tell your physiotherapist?")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        form.addRow("Note", self.note_edit)
        feelings = QHBoxLayout()
        self.feeling_group = QButtonGroup(self)
        self.feeling_buttons: dict[int, QRadioButton] = {}
        unset = QRadioButton("Not set")
        self.feeling_group.addButton(unset, 0)
        feelings.addWidget(unset)
        for value, label in FEELINGS.items():
            button = QRadioButton(label)
            self.feeling_group.addButton(button, value)
            self.feeling_buttons[value] = button
            feelings.addWidget(button)
        feelings.addStretch(1)
        (self.feeling_buttons.get(session.feeling or 0) or unset).setChecked(True)
        form.addRow("How you felt", feelings)
        layout.addLayout(form)

        self.error_label = plain_label()
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if store.read_only:
            self.note_edit.setReadOnly(True)
            for choice in self.feeling_group.buttons():
                choice.setEnabled(False)
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self._show_error(store.read_only_reason or "The session log is read-only.")
        self.resize(640, 480)

    def feeling(self) -> int | None:
        value = self.feeling_group.checkedId()
        return value if value in FEELINGS else None

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def save(self) -> None:
        try:
            self._store.set_note_and_feeling(
                self.session_id, self.note_edit.toPlainText(), self.feeling()
            )
        except StorageError as exc:
            self._show_error(exc.message)
            return
        self.saved.emit(self.session_id)
        self.accept()


class HistoryWindow(QWidget):
    """Figures at the top, minutes per day, then every session, newest first."""

    def __init__(
        self,
        store: SessionStore | None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        symptoms: Mapping[str, Symptom] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._store = store
        self._today = today
        self._symptoms = symptoms or {}
        self.session_dialog: SessionDialog | None = None
        self.setWindowTitle("History — Stretch Timer")
        self.setObjectName("HistoryWindow")
        layout = QVBoxLayout(self)

        figures = QGridLayout()
        self.figure_labels: dict[str, QLabel] = {}
        captions = (
            ("week", "sessions this week"),
            ("current", "current streak"),
            ("longest", "longest streak"),
            ("total", "total time stretched"),
        )
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        for column, (key, caption) in enumerate(captions):
            value = plain_label("–")
            value.setFont(big)
            value.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            value.setObjectName(f"figure_{key}")
            text = plain_label(caption)
            text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            figures.addWidget(value, 0, column)
            figures.addWidget(text, 1, column)
            self.figure_labels[key] = value
        layout.addLayout(figures)
        layout.addSpacing(self.fontMetrics().height() // 2)

        chart_title = plain_label("Minutes stretched per day, last 4 weeks")
        layout.addWidget(chart_title)
        self.chart = MinutesChart(self)
        layout.addWidget(self.chart)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)

        self.message_label = plain_label()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        layout.addWidget(self.message_label)

        self.model = SessionListModel(None, self)
        self.table = QTableView(self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAccessibleName("Sessions, newest first")
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)

        self.empty_label = plain_label(
            "No sessions yet. Start a routine: every session you do is listed here."
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setVisible(False)
        layout.addWidget(self.empty_label)

        buttons = QHBoxLayout()
        self.status_label = plain_label()
        buttons.addWidget(self.status_label, 1)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.export_csv)
        buttons.addWidget(self.export_button)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        self.resize(820, 700)
        self._attach_model()
        self._load_figures()
        self._update_empty()

    # -- loading -------------------------------------------------------------------------------

    def _attach_model(self) -> None:
        self.model = SessionListModel(self._store, self)
        self.model.load_failed.connect(self.show_message)
        if self._store is not None and self._store.unreadable():  # from the first page
            self.show_message(unreadable_text(self._store.unreadable()))
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        widths = {
            0: metrics.horizontalAdvance("Wed 30 Sep 2026, 00:00") + 24,
            2: metrics.horizontalAdvance("Duration") + 24,
            3: metrics.horizontalAdvance("Interrupted") + 24,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)

    def refresh(self) -> None:
        """Re-read the figures, the chart and the list (after a session ends, say)."""
        self._load_figures()
        self.model.reload()
        self._update_empty()

    def _load_figures(self) -> None:
        store = self._store
        if store is None:
            self.show_message("The session log could not be opened, so there is no history.")
            self.chart.set_days([])
            return
        try:
            stats = store.stats(self._today)
            per_day = store.minutes_per_day(28, self._today)
        except StorageError as exc:
            self.show_message(exc.message)
            return
        self.figure_labels["week"].setText(str(stats.sessions_this_week))
        self.figure_labels["current"].setText(days(stats.current_streak_days))
        self.figure_labels["longest"].setText(days(stats.longest_streak_days))
        self.figure_labels["total"].setText(total_minutes_text(stats.total_seconds))
        self.chart.set_days(per_day)

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0
        self.empty_label.setVisible(empty and self._store is not None)
        self.table.setVisible(not empty)
        self.export_button.setEnabled(not empty)
        if not empty:
            self.table.selectRow(0)

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.setVisible(True)

    # -- one session ---------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_session(self.model.summary(index.row()).id)

    def open_session(self, session_id: int) -> SessionDialog | None:
        if self._store is None:
            return None
        try:
            detail = self._store.session_detail(session_id)
        except StorageError as exc:
            self.show_message(exc.message)
            return None
        if detail is None:
            return None
        left_out = unreadable_text(self._store.unreadable())
        if left_out:
            self.show_message(left_out)
        dialog = SessionDialog(self._store, detail, self, self._symptoms)
        dialog.saved.connect(self.model.refresh_session)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session_dialog = dialog
        dialog.destroyed.connect(self._dialog_gone)
        self._show_dialog(dialog)
        return dialog

    def _dialog_gone(self) -> None:
        self.session_dialog = None

    def _show_dialog(self, dialog: QDialog) -> None:
        """Window-modal and non-blocking; tests replace it or drive the shown dialog."""
        dialog.open()

    # -- export --------------------------------------------------------------------------------

    def _ask_export_path(self) -> Path | None:
        """Where to save the CSV, or None when cancelled. Tests replace this."""
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Export the session log",
            str(Path.home() / f"stretch-timer-{date.today().isoformat()}.csv"),
            "CSV files (*.csv)",
        )
        return Path(name) if name else None

    def export_csv(self) -> bool:
        if self._store is None:
            return False
        path = self._ask_export_path()
        if path is None:
            return False
        try:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                rows = write_history_csv(self._store, None, stream)
        except StorageError as exc:
            self.show_message(exc.message)
            return False
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc.strerror or exc}.")
            return False
        self.status_label.setText(f"Exported {rows:,} rows to {path}")
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session_dialog is not None:
            self.session_dialog.close()
        super().closeEvent(event)
