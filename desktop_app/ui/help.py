"""The Help menu's dialogs (safety notice, keyboard shortcuts, About) and the safety banner."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app import help_text
from desktop_app.model import Symptom
from desktop_app.ui.widgets import WARNING_ACCENT, bullet_html, scaled_font, wrapped_label

SIZE_DIALOG_TEXT = 1.2
SIZE_DIALOG_TITLE = 1.6
REFERENCE_HEIGHT = 700
"""The default window's height: in a taller one (full screen, read from further away) the
dialog and its text grow with it, up to ``MAX_SCALE``."""
MAX_SCALE = 1.6
SPEECH_OFFER = "Turn on spoken cues: hear the stretch, Hold, Rest and Switch called out"
SPEECH_OFFER_TIP = "You can change this later in the View menu (Spoken cues)."


def window_scale(widget: QWidget) -> float:
    return min(MAX_SCALE, max(1.0, widget.window().height() / REFERENCE_HEIGHT))


class InfoDialog(QDialog):
    """A titled page of text that scrolls by keyboard, with one button: Enter or Esc closes it."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        body_html: str,
        button: str,
        *,
        offer_speech: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(
            Qt.WidgetAttribute.WA_DeleteOnClose
        )  # a new one each time it is asked for
        scale = window_scale(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title_label = wrapped_label(self, title, SIZE_DIALOG_TITLE * scale, bold=True)
        layout.addWidget(self.title_label)
        self.body = QTextBrowser(self)
        self.body.setOpenExternalLinks(False)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setFont(scaled_font(self.body, SIZE_DIALOG_TEXT * scale))
        self.body.setHtml(body_html)
        # Only the arrows and Page keys scroll it; Tab goes on to the button.
        self.body.setTabChangesFocus(True)
        self.body.setAccessibleName(title)
        layout.addWidget(self.body, 1)
        row = QHBoxLayout()
        self.speech_box: QCheckBox | None = None
        """The first-run notice's offer of spoken cues (only where they can be had)."""
        if offer_speech:
            self.speech_box = QCheckBox(SPEECH_OFFER, self)
            self.speech_box.setFont(scaled_font(self.speech_box, SIZE_DIALOG_TEXT * scale))
            self.speech_box.setToolTip(SPEECH_OFFER_TIP)
            row.addWidget(self.speech_box)
        row.addStretch(1)
        self.button = QPushButton(f"{button}  (Enter)", self)
        self.button.setFont(scaled_font(self.button, SIZE_DIALOG_TEXT * scale, bold=True))
        self.button.setMinimumHeight(round(44 * scale))
        self.button.setMinimumWidth(self.button.sizeHint().width() + round(24 * scale))
        self.button.setDefault(True)
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.accept)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.body.setFocus()
        # A comfortable reading width, as tall as the text (the text scrolls beyond the window).
        window = parent.window()
        width = min(round(760 * scale), max(480, window.width() - 40))
        measure = self.body.document().clone(self)  # the browser lays out its own copy
        measure.setTextWidth(width - 44)
        chrome = self.title_label.heightForWidth(width - 40) + self.button.minimumHeight() + 64
        wanted = round(measure.size().height()) + chrome
        measure.deleteLater()
        self.resize(width, min(wanted, max(300, window.height() - 10)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Enter closes from anywhere in the dialog, the text included.
            self.accept()
            return
        super().keyPressEvent(event)

    def text(self) -> str:
        """The body as plain text (what a reader of the dialog sees)."""
        return self.body.toPlainText()


def safety_html(symptoms: Iterable[Symptom]) -> str:
    notice = help_text.safety_notice(symptoms)
    # Tight paragraphs: the whole notice fits the smallest window (800x600) without scrolling.
    para = "<p style='margin:0 0 7px 0'>{}</p>"
    parts = [para.format(html.escape(line)) for line in notice.general]
    if notice.during:
        parts.append(para.format(" ".join(html.escape(line) for line in notice.during)))
    if notice.red_flags:
        parts.append(
            f"<p style='margin:10px 0 2px 0; font-size:large; color:{WARNING_ACCENT}'>"
            f"<b>{html.escape(notice.red_flags_title)}</b></p>"
        )
        for flags in notice.red_flags:
            parts.append(f"<p style='margin:4px 0 0 0'><b>{html.escape(flags.label)}</b></p>")
            parts.append(bullet_html(flags.lines, compact=True))
    return "".join(parts)


def shortcuts_html(symptoms: Iterable[Symptom]) -> str:
    rows = "".join(
        f"<tr><td style='padding:3px 16px 3px 0'><b>{html.escape(key)}</b></td>"
        f"<td style='padding:3px 0'>{html.escape(what)}</td></tr>"
        for key, what in help_text.key_rows(symptoms)
    )
    return f"<table cellspacing='0'>{rows}</table>"


def about_html(version: str, data_dir: Path | None) -> str:
    about = help_text.about(version, data_dir)
    facts = "".join(
        f"<tr><td style='padding:2px 16px 2px 0'><b>{html.escape(name)}</b></td>"
        f"<td style='padding:2px 0'>{html.escape(value)}</td></tr>"
        for name, value in about.facts
    )
    return (
        f"<p>{html.escape(about.summary)}</p><table cellspacing='0'>{facts}</table>"
        f"<h3>Health note</h3><p>{html.escape(about.health_note)}</p>"
    )


def safety_dialog(
    parent: QWidget, symptoms: Sequence[Symptom], *, first_run: bool, offer_speech: bool = False
) -> InfoDialog:
    """The safety notice; at the first start it may offer spoken cues (a checkbox, off)."""
    button = "I understand" if first_run else "Close"
    title = help_text.safety_notice(symptoms).title
    return InfoDialog(
        parent, title, safety_html(symptoms), button, offer_speech=first_run and offer_speech
    )


def shortcuts_dialog(parent: QWidget, symptoms: Sequence[Symptom]) -> InfoDialog:
    return InfoDialog(parent, "Keyboard shortcuts", shortcuts_html(symptoms), "Close")


def about_dialog(parent: QWidget, version: str, data_dir: Path | None) -> InfoDialog:
    return InfoDialog(
        parent, f"About Stretch Timer {version}", about_html(version, data_dir), "Close"
    )


class SafetyBanner(QFrame):
    """The safety notice as a strip above the pages, when a routine starts at once (``--start``).

    It never takes the focus or a key the session needs: ``read_requested`` opens the full
    notice (F1, the Help menu's key) and ``dismissed`` is its own button or Ctrl+D.
    """

    read_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("safetyBanner")
        # Drawn like the session's advice box: it must stand out from the page below it.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"#safetyBanner {{ background: palette(alternate-base);"
            f" border: 2px solid {WARNING_ACCENT}; border-radius: 6px; margin: 6px 12px 0 12px; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 10, 20, 6)
        self.label = wrapped_label(self, text, 1.1)
        layout.addWidget(self.label, 1)
        self.read_button = self._button(f"Read it  ({help_text.SAFETY_KEY})")
        self.read_button.clicked.connect(self.read_requested)
        self.dismiss_button = self._button(f"Got it  ({help_text.BANNER_DISMISS_KEY})")
        self.dismiss_button.clicked.connect(self.dismissed)
        layout.addWidget(self.read_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text, self)
        # The session's keys (Space, the arrows, Enter) stay with the window's shortcuts.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setFont(scaled_font(button, 1.05))
        button.setMinimumHeight(36)
        return button

    def text(self) -> str:
        return self.label.text()
