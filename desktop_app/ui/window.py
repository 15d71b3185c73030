"""The main window, the app's frame: menus, keyboard shortcuts, and which page is shown.

The pages are their own modules: :mod:`~desktop_app.ui.picker` (built at once),
:mod:`~desktop_app.ui.session_page` and :mod:`~desktop_app.ui.summary_page` (imported and built
when first needed, so the picker paints sooner). The window draws what the controller publishes
and turns keys and buttons into the controller's operations.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu, QStackedWidget, QVBoxLayout, QWidget

from desktop_app.model import Library, Routine, Symptom
from desktop_app.ui.controller import SessionController
from desktop_app.ui.help_menu import SafetyHelp, WindowSpeech
from desktop_app.ui.picker import PickerPage
from desktop_app.ui.preferences import PreferencesStore
from desktop_app.ui.widgets import plain_label

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QDialog

    from desktop_app.engine import Snapshot
    from desktop_app.events import Event
    from desktop_app.preferences import Preferences
    from desktop_app.session_summary import SessionSummary
    from desktop_app.session_view import Choice, ControlKeys, Screen, SessionView
    from desktop_app.speech import Voice
    from desktop_app.ui.session_page import SessionPage
    from desktop_app.ui.settings_dialog import SettingsDialog
    from desktop_app.ui.summary_page import SummaryPage

log = logging.getLogger(__name__)

SETTINGS_GEOMETRY = "window/geometry"
SETTINGS_LAST_ROUTINE = "session/last_routine"
SETTINGS_SOUND = "sound/enabled"
SOUND_TIP = "Soft tones when a hold starts and ends, so you need not watch the screen"
SPEECH_TIP = "Hear the stretch and side, Hold, Rest and Switch called out as the session runs"
COUNT_TIP = "Say 3, 2, 1 at the end of getting into position and of each hold (no ticks)"
NO_SPEECH_YET = "Spoken cues are not set up in this window"


def _no_speech() -> str:
    return NO_SPEECH_YET


class MainWindow(SafetyHelp, QMainWindow):
    """The app's one window.

    Signals
        ``history_requested``: View > History… (Ctrl+H) was chosen.
        ``session_finished``: the summary page is on screen after a session ended; carries the
        session's ``SessionEnded`` event.
        ``read_aloud_requested``: the read-aloud key (R) was pressed on the session page.

    View > Spoken cues and its count are played by :mod:`desktop_app.ui.sound`, which sets
    :attr:`speech_reason` and enables them once it knows there is a speech engine.

    Help > Safety, Keyboard shortcuts and About open their dialogs through
    :meth:`show_safety`, :meth:`show_shortcuts` and :meth:`show_about` (tests replace them);
    :meth:`greet` shows the safety notice at the first start.

    The :attr:`controller` (a :class:`SessionController`) owns the engines. To listen to
    sessions, subscribe to ``window.controller.events``, as the window itself does first.
    """

    history_requested = Signal()
    session_finished = Signal(object)
    read_aloud_requested = Signal()

    def __init__(
        self,
        library: Library,
        load_errors: Mapping[str, Sequence[object]] | None = None,
        settings: QSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        data_dir: Path | None = None,
        picture_errors: Mapping[str, Sequence[object]] | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Stretch Timer")
        self.setMinimumSize(800, 600)
        self.library = library
        self.settings = settings
        self.data_dir = data_dir
        if settings is not None:
            settings.setParent(self)
        self.preferences = PreferencesStore(settings, self)
        """The settings (File > Settings…): ``preferences.current``, ``preferences.changed``."""
        self.controller = SessionController(self, clock=clock)
        self.controller.events.subscribe(self._on_event)
        self.controller.updated.connect(self._on_snapshot)
        self.controller.summary_completed.connect(self._on_summary)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._central = central
        self._top_layout = layout
        self.notice = plain_label("", central)  # paths and messages, never markup
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
        self._keys: ControlKeys | None = None
        self._session_view: SessionView | None = None
        # The last routine started is selected from the start (its cards are built once).
        last = settings.value(SETTINGS_LAST_ROUTINE) if settings is not None else None
        self.picker = PickerPage(
            self.stack,
            library,
            load_errors or {},
            selected=last if isinstance(last, str) else None,
            picture_errors=picture_errors,
        )
        self.stack.addWidget(self.picker)
        # The session and summary pages are built when first needed: a faster first paint.
        self._session_page: SessionPage | None = None
        self._summary_page: SummaryPage | None = None
        self.picker.start_requested.connect(self.start_routine)

        self.settings_dialog: SettingsDialog | None = None
        self.settings_action = self._action("&Settings…", "Ctrl+,")
        self.settings_action.triggered.connect(lambda: self.show_settings())
        self.full_screen_action = self._action("&Full screen", "F11")
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.triggered.connect(self.toggle_full_screen)
        self.quit_action = self._action("&Quit", "Ctrl+Q")
        self.quit_action.triggered.connect(self.close)
        self.history_action = self._action("&History…", "Ctrl+H")
        self.history_action.triggered.connect(self.history_requested)
        # Played by desktop_app.ui.sound.SoundCues, which disables this when there is no sound.
        self.sound_action = self._action("&Sound cues", "Ctrl+M", tip=SOUND_TIP)
        self.sound_action.setCheckable(True)
        self.sound_action.setChecked(self.preferences.current.sound_enabled)
        self.sound_action.toggled.connect(self._remember_sound)
        self.preferences.changed.connect(self._preferences_changed)
        # Off until turned on (here, in the first-run notice or in the settings); enabled by
        # desktop_app.ui.sound once it has found a speech engine and a sound output.
        self.speech_action = self._action("Sp&oken cues", tip=SPEECH_TIP)
        self.speech_action.setCheckable(True)
        self.speech_action.setChecked(self.preferences.current.speech_enabled)
        self.speech_action.toggled.connect(self._remember_speech)
        self.count_action = self._action("&Count the last 3 seconds aloud", tip=COUNT_TIP)
        self.count_action.setCheckable(True)
        self.count_action.setChecked(self.preferences.current.speech_count_down)
        self.count_action.toggled.connect(self._remember_count)
        self.speech_action.toggled.connect(self._update_count_action)
        self.speech_reason: Callable[[], str] = _no_speech
        """Why spoken cues cannot be offered now, or empty when they can (see ui.sound)."""
        self.speech_voices: Callable[[], tuple[Voice, ...]] = tuple
        """The speech engine's voices, for the settings (see ui.sound); empty without one."""
        self.set_speech_available(False, NO_SPEECH_YET)
        self.safety_action = self._action("&Safety…", "F1")
        self.safety_action.triggered.connect(lambda: self.show_safety())
        self.shortcuts_action = self._action("&Keyboard shortcuts…")
        self.shortcuts_action.triggered.connect(lambda: self.show_shortcuts())
        self.about_action = self._action("&About Stretch Timer…")
        self.about_action.triggered.connect(lambda: self.show_about())
        self.help_menu = self._build_menus()

        # Each page's keys, enabled only while it is shown (see _show_page).
        controller = self.controller
        enter = self._presser("Enter")
        self._session_shortcuts = [
            self._shortcut(Qt.Key.Key_Space, controller.toggle_pause),
            self._shortcut(Qt.Key.Key_Right, controller.skip),
            self._shortcut(Qt.Key.Key_Left, controller.back),
            self._shortcut(Qt.Key.Key_Escape, self.request_stop),
            self._shortcut(Qt.Key.Key_Return, enter),
            self._shortcut(Qt.Key.Key_Enter, enter),
            *(self._shortcut(s.key.upper(), self._reporter(s)) for s in self.symptoms),
        ]
        self._picker_shortcuts = [
            self._shortcut(Qt.Key.Key_Return, self.picker.start_selected),
            self._shortcut(Qt.Key.Key_Enter, self.picker.start_selected),
        ]
        self._summary_shortcuts = [
            self._shortcut(Qt.Key.Key_Return, self.show_picker),
            self._shortcut(Qt.Key.Key_Enter, self.show_picker),
            self._shortcut(Qt.Key.Key_Escape, self.show_picker),
        ]
        self._restore_settings()
        self.show_picker()

    # ------------------------------------------------------------------ building

    def _action(self, text: str, key: str | None = None, *, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        if tip is not None:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        return action

    def _build_menus(self) -> QMenu:
        """File, View and Help, from the actions built in ``__init__``; returns Help."""
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.history_action)
        view_menu.addAction(self.sound_action)
        view_menu.addAction(self.speech_action)
        view_menu.addAction(self.count_action)
        view_menu.addAction(self.full_screen_action)
        view_menu.setToolTipsVisible(True)
        help_menu = self.menuBar().addMenu("&Help")
        for action in (self.safety_action, self.shortcuts_action, self.about_action):
            help_menu.addAction(action)
        return help_menu

    def _remember_sound(self, enabled: bool) -> None:
        # Ctrl+M and the settings' sound switch are one setting (``sound/enabled``).
        self.preferences.update(sound_enabled=enabled)

    def _preferences_changed(self, preferences: Preferences) -> None:
        from desktop_app.ui.theme import apply_theme

        self.sound_action.setChecked(preferences.sound_enabled)
        apply_theme(preferences.theme)
        if self._session_page is not None:
            self._session_page.set_text_scale(preferences.text_scale)
        self.speech_action.setChecked(preferences.speech_enabled)
        self.count_action.setChecked(preferences.speech_count_down)

    def _remember_speech(self, enabled: bool) -> None:
        self.preferences.update(speech_enabled=enabled)

    def _remember_count(self, enabled: bool) -> None:
        self.preferences.update(speech_count_down=enabled)

    def set_speech_available(self, available: bool, reason: str = "") -> None:
        """Enables View > Spoken cues, or disables it saying why (no engine, no output)."""
        self.speech_action.setEnabled(available)
        tip = SPEECH_TIP if available else reason
        self.speech_action.setToolTip(tip)
        self.speech_action.setStatusTip(tip)
        self._update_count_action()

    def _update_count_action(self) -> None:
        on = self.speech_action.isEnabled() and self.speech_action.isChecked()
        self.count_action.setEnabled(on)

    def speech_preferences(self) -> Preferences:
        """The spoken cues' preferences now (on or off, voice, speed, the count)."""
        return self.preferences.current

    def show_settings(self) -> QDialog:
        """File > Settings… (Ctrl+,): applies each change at once; Esc closes it."""
        from desktop_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self, self.preferences, WindowSpeech(self))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def toggle_full_screen(self) -> None:
        """F11: full screen, or back to the window it was."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.WindowStateChange:
            self.full_screen_action.setChecked(self.isFullScreen())
        super().changeEvent(event)

    def _shortcut(
        self, key: str | QKeySequence.StandardKey | Qt.Key, slot: Callable[[], object]
    ) -> QShortcut:
        sequence = QKeySequence(key)
        shortcut = QShortcut(sequence, self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _presser(self, key: str) -> Callable[[], None]:
        def press() -> None:
            self.press(key)

        return press

    def _reporter(self, symptom: Symptom) -> Callable[[], None]:
        def report() -> None:
            self.controller.report_symptom(symptom)

        return report

    @property
    def keys(self) -> ControlKeys:
        """The session's own letters (G, W, S, N unless a symptom key takes one)."""
        if self._keys is None:
            from desktop_app.session_view import ControlKeys

            self._keys = ControlKeys.avoiding(symptom.key for symptom in self.symptoms)
        return self._keys

    @property
    def session_view(self) -> SessionView:
        """What the session page says; fed every engine event, drawn for every snapshot."""
        if self._session_view is None:
            from desktop_app.session_view import SessionView

            self._session_view = SessionView(self.keys)
        return self._session_view

    @property
    def session_page(self) -> SessionPage:
        # Built, with its keys, when first needed: the picker paints sooner.
        if self._session_page is None:
            from desktop_app.ui.session_page import SessionPage

            self._session_page = SessionPage(self.stack, self.symptoms)
            self._session_page.set_text_scale(self.preferences.current.text_scale)
            self._session_page.countdown.ring_resized.connect(self.controller.set_ring_length)
            self.stack.addWidget(self._session_page)
            self._connect_session_buttons(self._session_page)
            keys = self.keys
            for letter in astuple(keys):
                shortcut = self._shortcut(letter, self._presser(letter))
                shortcut.setEnabled(False)
                self._session_shortcuts.append(shortcut)
        return self._session_page

    @property
    def summary_page(self) -> SummaryPage:
        if self._summary_page is None:
            from desktop_app.ui.summary_page import SummaryPage

            self._summary_page = SummaryPage(self.stack)
            self.stack.addWidget(self._summary_page)
            self._summary_page.done_requested.connect(self.show_picker)
        return self._summary_page

    def _connect_session_buttons(self, page: SessionPage) -> None:
        page.pause_button.clicked.connect(self.controller.toggle_pause)
        page.back_button.clicked.connect(self.controller.back)
        page.skip_button.clicked.connect(self.controller.skip)
        page.stop_button.clicked.connect(self.request_stop)
        page.choice_made.connect(self.perform)
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
        self._show_page(self.session_page)
        if self.settings is not None:
            self.settings.setValue(SETTINGS_LAST_ROUTINE, routine.id)
        # The settings' prepare, rest and switch-sides times, where set, replace the routine's.
        self.controller.start(self.preferences.current.apply_to(routine))

    @property
    def current_screen(self) -> Screen:
        """What the session page shows now."""
        return self.session_page.shown

    def press(self, key: str) -> None:
        """A view key (dismiss, watch, stop this stretch, other area, read aloud) or Enter."""
        if key == self.keys.read_aloud:
            self.read_aloud_requested.emit()
            return
        if key == self.keys.watch:
            if self.session_view.toggle_watch():
                self.controller.refresh()
            return
        choice = self.current_screen.choice_for(key)
        if choice is not None:
            self.perform(choice)

    def perform(self, choice: Choice) -> None:
        """Do what a choice of the session screen says (its key, Enter, or its button)."""
        controller = self.controller
        if choice.action == "continue":
            controller.resume()
        elif choice.action == "other_area" and choice.step is not None:
            controller.resume_at(choice.step)
        elif choice.action == "end":
            self.request_stop()
        elif choice.action == "stop_stretch" and choice.symptom is not None:
            controller.halt(choice.symptom)
        elif choice.action == "dismiss" and self.session_view.dismiss():
            controller.refresh()

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
        box.setTextFormat(Qt.TextFormat.PlainText)
        confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Continue session", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is confirm

    # ------------------------------------------------------------------ engine to screen

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self.session_page.draw(self.session_view.screen(snapshot))

    def _on_event(self, event: Event) -> None:
        self.session_view.feed(event)

    def _on_summary(self, summary: SessionSummary) -> None:
        self.summary_page.show_summary(summary)
        self._show_page(self.summary_page)
        self.summary_page.done_button.setFocus()
        if summary.ended is not None:
            self.session_finished.emit(summary.ended)

    # ------------------------------------------------------------------ settings

    def _restore_settings(self) -> None:
        # The default size also with no settings (unreadable) or a geometry Qt cannot use.
        geometry = self.settings.value(SETTINGS_GEOMETRY) if self.settings is not None else None
        if not (
            isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(QByteArray(geometry))
        ):
            self.resize(1000, 700)

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
