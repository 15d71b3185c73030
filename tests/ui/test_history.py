"""The history window, driven with clicks and keys, asserting on what it shows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.storage import SessionStore, open_store
from desktop_app.ui.history import PAGE_SIZE, HistoryWindow, SessionDialog

TZ = timezone(timedelta(hours=1))
TODAY = date(2024, 4, 17)  # a Wednesday


def log(
    store: SessionStore,
    day: date,
    hour: int = 7,
    held: float = 120.0,
    symptoms: tuple[str, ...] = (),
    status: str = "completed",
) -> int:
    start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)
    sid = store.start_session(
        routine_id="morning-heel",
        routine_name="Morning heel routine",
        started_at=start,
        planned_seconds=150,
    )
    store.add_hold(
        sid,
        stretch_id="calf-wall",
        stretch_name="Calf stretch against a wall",
        side="left",
        rep=1,
        planned_seconds=60,
        held_seconds=held / 2,
        outcome="completed",
    )
    for symptom in symptoms:
        store.add_event(
            sid,
            kind="symptom",
            at=start + timedelta(seconds=30),
            stretch_id="calf-wall",
            symptom=symptom,
        )
    store.add_hold(
        sid,
        stretch_id="calf-wall",
        stretch_name="Calf stretch against a wall",
        side="right",
        rep=1,
        planned_seconds=60,
        held_seconds=held / 2,
        outcome="skipped",
    )
    store.finish_session(
        sid,
        status="stopped" if status == "stopped" else "completed",
        ended_at=start + timedelta(minutes=3),
    )
    return sid


@pytest.fixture
def store(data_dir: Path) -> Iterator[SessionStore]:
    opened, messages = open_store(data_dir)
    assert opened is not None, messages
    yield opened
    opened.close()


@pytest.fixture
def filled(store: SessionStore) -> SessionStore:
    for offset in (0, 1, 2, 3, 6, 7):
        log(store, TODAY - timedelta(days=offset))
    log(store, TODAY, hour=19, held=60, symptoms=("tingling", "tingling"), status="stopped")
    return store


def make_window(qtbot: QtBot, store: SessionStore | None) -> HistoryWindow:
    window = HistoryWindow(store, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def cell(window: HistoryWindow, row: int, column: int) -> str:
    return str(window.model.index(row, column).data())


def test_figures_and_chart(qtbot: QtBot, filled: SessionStore) -> None:
    window = make_window(qtbot, filled)
    labels = window.figure_labels
    assert labels["week"].text() == "4"  # Mon 15, Tue 16, Wed 17 twice
    assert labels["current"].text() == "4 days"
    assert labels["longest"].text() == "4 days"
    assert labels["total"].text() == "13 min"
    days = window.chart.days
    assert len(days) == 28
    assert days[-1].day == TODAY
    assert days[-1].minutes == pytest.approx(3.0)
    assert days[-5].minutes == 0
    image = window.chart.grab().toImage()
    assert image.width() > 0
    assert not window.empty_label.isVisible()


def test_list_newest_first_with_symptoms(qtbot: QtBot, filled: SessionStore) -> None:
    window = make_window(qtbot, filled)
    assert window.model.rowCount() == 7
    assert [window.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Date",
        "Routine",
        "Duration",
        "Status",
        "Symptoms",
    ]
    assert cell(window, 0, 0) == "Wed 17 Apr 2024, 19:00"
    assert cell(window, 0, 1) == "Morning heel routine"
    assert cell(window, 0, 2) == "1:00"
    assert cell(window, 0, 3) == "Stopped"
    assert cell(window, 0, 4) == "tingling ×2"
    assert cell(window, 1, 0) == "Wed 17 Apr 2024, 07:00"
    assert cell(window, 1, 4) == ""
    assert cell(window, 6, 0) == "Wed 10 Apr 2024, 07:00"


def test_list_is_fetched_a_page_at_a_time(qtbot: QtBot, store: SessionStore) -> None:
    start = datetime(2023, 1, 1, 7, tzinfo=TZ)
    total = PAGE_SIZE * 2 + 50
    with store._conn:
        store._conn.executemany(
            "INSERT INTO sessions (routine_id, routine_name, started_at, started_offset,"
            " local_date, status, planned_seconds, held_seconds)"
            " VALUES ('r', 'R', ?, 3600, ?, 'completed', 60, 60)",
            [
                (
                    (start + timedelta(hours=i)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    (start + timedelta(hours=i)).date().isoformat(),
                )
                for i in range(total)
            ],
        )
    window = make_window(qtbot, store)
    assert window.model.rowCount() == PAGE_SIZE
    assert window.model.canFetchMore()
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() > PAGE_SIZE)
    while window.model.canFetchMore():
        window.table.scrollToBottom()
        qtbot.waitUntil(lambda: window.model.rowCount() == total or window.model.canFetchMore())
        window.model.fetchMore()
    assert window.model.rowCount() == total
    ids = [window.model.summary(r).id for r in range(total)]
    assert ids == list(range(total, 0, -1))


def open_first_by_double_click(qtbot: QtBot, window: HistoryWindow) -> SessionDialog:
    rect = window.table.visualRect(window.model.index(0, 1))
    viewport = window.table.viewport()
    none = Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, none, rect.center())
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, none, rect.center())
    qtbot.waitUntil(lambda: window.session_dialog is not None)
    dialog = window.session_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_double_click_shows_holds_and_events_and_saves_note_and_feeling(
    qtbot: QtBot, filled: SessionStore
) -> None:
    window = make_window(qtbot, filled)
    dialog = open_first_by_double_click(qtbot, window)
    assert dialog.isVisible()
    assert "Stopped" in dialog.summary_label.text()
    assert "held 1:00 of 2:30 planned" in dialog.summary_label.text()
    table = dialog.holds_table
    assert table.rowCount() == 2

    def text(row: int, column: int) -> str:
        item = table.item(row, column)
        assert item is not None
        return item.text()

    assert [text(r, 1) for r in range(2)] == ["Left, rep 1", "Right, rep 1"]
    assert [text(r, 3) for r in range(2)] == ["Completed", "Skipped"]
    assert text(0, 0) == "Calf stretch against a wall"
    assert (
        dialog.events_label.text().count(
            "Symptom reported: tingling during Calf stretch against a wall"
        )
        == 2
    )

    dialog.note_edit.setFocus()
    QTest.keyClicks(dialog.note_edit, "Tingling eased after bending the knee")
    dialog.feeling_buttons[4].click()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session_dialog is None)

    sid = window.model.summary(0).id
    saved = filled.session(sid)
    assert saved is not None
    assert saved.note == "Tingling eased after bending the knee"
    assert saved.feeling == 4
    tooltip = str(window.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole))
    assert "Felt 4 · good" in tooltip
    assert "Tingling eased" in tooltip


def test_enter_opens_the_selected_session(qtbot: QtBot, filled: SessionStore) -> None:
    window = make_window(qtbot, filled)
    window.table.setFocus()
    window.table.selectRow(1)
    window.table.setCurrentIndex(window.model.index(1, 0))
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session_dialog is not None)
    dialog = window.session_dialog
    assert dialog is not None
    assert dialog.session_id == window.model.summary(1).id
    assert dialog.events_label.text() == "No symptoms or pauses."
    QTest.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: window.session_dialog is None)
    assert filled.session(window.model.summary(1).id).note is None  # type: ignore[union-attr]


def test_export_csv(qtbot: QtBot, filled: SessionStore, tmp_path: Path) -> None:
    window = make_window(qtbot, filled)
    target = tmp_path / "export.csv"
    window._ask_export_path = lambda: target  # type: ignore[method-assign]
    QTest.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 14  # seven sessions of two holds
    assert rows[0]["symptoms"] == "tingling tingling"
    assert window.status_label.text() == f"Exported 14 rows to {target}"


def test_export_cancelled_or_failing(qtbot: QtBot, filled: SessionStore, tmp_path: Path) -> None:
    window = make_window(qtbot, filled)
    window._ask_export_path = lambda: None  # type: ignore[method-assign]
    QTest.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    assert window.status_label.text() == ""
    window._ask_export_path = lambda: tmp_path / "missing" / "x.csv"  # type: ignore[method-assign]
    QTest.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    assert window.message_label.isVisible()
    assert "Could not write" in window.message_label.text()


@pytest.mark.parametrize("key", ["Ctrl+W", "Esc"])
def test_keys_close_the_window(qtbot: QtBot, filled: SessionStore, key: str) -> None:
    window = make_window(qtbot, filled)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.table.setFocus()
    if key == "Esc":
        QTest.keyClick(window.table, Qt.Key.Key_Escape)
    else:
        QTest.keyClick(window.table, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_empty_log(qtbot: QtBot, store: SessionStore) -> None:
    window = make_window(qtbot, store)
    assert window.empty_label.isVisible()
    assert "No sessions yet" in window.empty_label.text()
    assert not window.export_button.isEnabled()
    assert window.figure_labels["week"].text() == "0"
    assert window.figure_labels["current"].text() == "0 days"
    assert window.figure_labels["total"].text() == "0 min"


def test_no_store(qtbot: QtBot) -> None:
    window = make_window(qtbot, None)
    assert window.message_label.isVisible()
    assert "could not be opened" in window.message_label.text()
    assert not window.export_button.isEnabled()


def test_read_only_log_cannot_be_edited(qtbot: QtBot, data_dir: Path, filled: SessionStore) -> None:
    second, messages = open_store(data_dir)  # another instance holds the log
    assert second is not None
    assert second.read_only
    window = make_window(qtbot, second)
    dialog = open_first_by_double_click(qtbot, window)
    assert dialog.note_edit.isReadOnly()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert dialog.error_label.text() == messages[0]
    dialog.close()
    window.close()
    second.close()


def test_refresh_picks_up_a_new_session(qtbot: QtBot, filled: SessionStore) -> None:
    window = make_window(qtbot, filled)
    log(filled, TODAY, hour=21)
    window.refresh()
    assert window.model.rowCount() == 8
    assert cell(window, 0, 0) == "Wed 17 Apr 2024, 21:00"
    assert window.figure_labels["week"].text() == "5"


def test_chart_tooltip_names_the_day(qtbot: QtBot, filled: SessionStore) -> None:
    window = make_window(qtbot, filled)
    chart = window.chart
    rect = chart._bar_rect(27, 5.0)
    assert chart._index_at(QPoint(int(rect.center().x()), 5)) == 27
    assert chart._index_at(QPoint(0, 5)) is None


def test_session_detail_lists_every_red_flag_of_every_symptom_reported(
    qtbot: QtBot, store: SessionStore
) -> None:
    from desktop_app.routines import load_library
    from tests.conftest import BUNDLED

    symptoms = load_library([BUNDLED]).library.symptoms
    log(store, TODAY, symptoms=("tingling", "pain", "tingling", "retired-symptom"))
    window = HistoryWindow(store, today=TODAY, symptoms=symptoms)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(0, 0))
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session_dialog is not None)
    dialog = window.session_dialog
    assert dialog is not None
    label = dialog.symptoms_label
    assert label.isVisible()
    text = label.text()
    for symptom_id in ("tingling", "pain"):
        symptom = symptoms[symptom_id]
        assert symptom.label in text
        for line in (*symptom.seek_help, *symptom.advice):
            assert line.replace("'", "&#x27;") in text or line in text
    assert "Reported 2 times: in Calf stretch against a wall." in text
    # A symptom the loaded files no longer define is still listed, by its id.
    assert "<b>retired-symptom</b> · Reported in Calf stretch against a wall." in text
    assert text.index("tingling".capitalize()[:4]) < text.index("retired-symptom")


def test_session_detail_without_symptoms_has_no_symptom_section(
    qtbot: QtBot, filled: SessionStore
) -> None:
    window = make_window(qtbot, filled)
    dialog = window.open_session(window.model.summary(1).id)
    assert dialog is not None
    assert dialog.symptoms_label.isHidden()


def spoil(store: SessionStore, *statements: str) -> None:
    store._conn.execute("PRAGMA ignore_check_constraints = ON")
    with store._conn:
        for statement in statements:
            store._conn.execute(statement)


def test_unreadable_rows_are_left_out_and_said(qtbot: QtBot, filled: SessionStore) -> None:
    spoil(
        filled,
        "UPDATE sessions SET started_at = 'soon' WHERE id = 2",
        "UPDATE sessions SET feeling = 9 WHERE id = 3",
        "UPDATE holds SET held_seconds = 'long' WHERE id = 1",
    )
    window = make_window(qtbot, filled)
    assert window.model.rowCount() == 5
    assert window.message_label.isVisible()
    assert window.message_label.text().startswith("2 entries of the session log could not be read")
    assert "Session 2 is left out" in window.message_label.text()
    window.open_session(1)
    assert window.session_dialog is not None
    assert window.session_dialog.holds_table.rowCount() == 1  # the other hold is left out
    assert "3 entries" in window.message_label.text()
    window.session_dialog.close()


def test_a_page_shortened_by_unreadable_rows_does_not_end_the_list(
    qtbot: QtBot, store: SessionStore
) -> None:
    for i in range(PAGE_SIZE + 30):
        log(store, TODAY - timedelta(days=i))
    spoil(store, "UPDATE sessions SET started_offset = 'CET' WHERE id > 100 AND id < 120")
    window = make_window(qtbot, store)
    while window.model.canFetchMore():
        window.model.fetchMore()
    assert window.model.rowCount() == PAGE_SIZE + 30 - 19
