"""The Help menu's part of the main window: the safety notice (first run, banner), shortcuts, About.

A mixin of :class:`~desktop_app.ui.window.MainWindow`, kept apart so the window module stays
the frame (menus, shortcuts, pages). The notice counts as read only when the person closes it;
a dialog closed by a signal's shutdown carries :data:`CLOSED_UNREAD`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from desktop_app.ui.deferred import after_first_paint

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QAction, QKeySequence, QShortcut
    from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

    from desktop_app.model import Symptom
    from desktop_app.speech import Voice
    from desktop_app.ui.help import SafetyBanner

SETTINGS_SAFETY_SEEN = "help/safety_notice_seen"
"""The version of the safety notice the user has acknowledged (see help_text)."""
CLOSED_UNREAD = "stretch_timer_closed_unread"
"""A dialog property: set (to True) on a dialog closed by the program, not by the person."""


class WindowSpeech:
    """The settings dialog's view of spoken cues: the window's :attr:`MainWindow.speech_reason`
    and :attr:`MainWindow.speech_voices` (set by :mod:`desktop_app.ui.sound`)."""

    def __init__(self, window: SafetyHelp) -> None:
        self._window = window

    @property
    def reason(self) -> str:
        return self._window.speech_reason()

    def available(self) -> bool:
        return not self._window.speech_reason()

    def voices(self) -> tuple[Voice, ...]:
        return self._window.speech_voices()


class SafetyHelp:
    """Help > Safety (F1), Keyboard shortcuts and About, and the first-run safety notice."""

    if TYPE_CHECKING:
        settings: QSettings | None
        symptoms: tuple[Symptom, ...]
        data_dir: Path | None
        speech_action: QAction
        _central: QWidget
        _top_layout: QVBoxLayout
        speech_reason: Callable[[], str]
        speech_voices: Callable[[], tuple[Voice, ...]]

        def _shortcut(
            self, key: str | QKeySequence.StandardKey | Qt.Key, slot: Callable[[], object]
        ) -> QShortcut: ...

    def __init__(self) -> None:
        super().__init__()  # the QMainWindow next in the window's bases
        self.safety_banner: SafetyBanner | None = None
        self._banner_shortcut: QShortcut | None = None

    def _widget(self) -> QWidget:
        return cast("QWidget", self)

    def greet(self, *, starting: bool) -> None:
        """At start: the safety notice, until the user has acknowledged it once.

        ``starting`` (a routine launched with ``--start``): never a dialog that would hold up
        the session, but a banner above it that a key dismisses.
        """
        if not starting:
            # Asked after the first paint (help_text is not needed for the first picture).
            after_first_paint(self._widget(), self._first_run_notice)
        elif not self.safety_notice_seen():
            self.show_safety_banner()

    def _first_run_notice(self) -> None:
        if not self.safety_notice_seen():
            self.show_safety(first_run=True)

    def _offer_speech(self) -> bool:
        """The first-run notice offers spoken cues: there is an engine, and they are off."""
        return not self.speech_reason() and not self.speech_action.isChecked()

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

        offer = first_run and self._offer_speech()
        dialog = safety_dialog(
            self._widget(), self.symptoms, first_run=first_run, offer_speech=offer
        )
        dialog.finished.connect(lambda _result: self._notice_closed(dialog))
        if dialog.speech_box is not None:
            box = dialog.speech_box
            dialog.finished.connect(lambda _result: self._speech_chosen(box.isChecked()))
        dialog.open()
        return dialog

    def _notice_closed(self, dialog: QDialog) -> None:
        # A signal's shutdown closes open dialogs (see ui.shutdown.close_dialogs); nobody read
        # the notice then, so it must come back at the next start.
        if not dialog.property(CLOSED_UNREAD):
            self._safety_acknowledged()

    def _speech_chosen(self, wanted: bool) -> None:
        if wanted:
            self.speech_action.setChecked(True)

    def show_shortcuts(self) -> QDialog:
        from desktop_app.ui.help import shortcuts_dialog

        dialog = shortcuts_dialog(self._widget(), self.symptoms)
        dialog.open()
        return dialog

    def show_about(self) -> QDialog:
        from desktop_app import __version__
        from desktop_app.ui.help import about_dialog

        dialog = about_dialog(self._widget(), __version__, self.data_dir)
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
