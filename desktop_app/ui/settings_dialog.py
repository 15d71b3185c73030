"""File > Settings… (Ctrl+,): every preference, grouped, applied the moment it changes.

The dialog edits the window's :class:`~desktop_app.ui.preferences.PreferencesStore`: each
control writes its field at once (so the screen, the sound and the theme change behind the
dialog as the person tries them) and follows the store when something else changes it (Ctrl+M).
Esc or Close closes it; there is nothing to confirm or cancel. With no speech engine, the
spoken-cue controls are disabled and say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.preferences import (
    PAUSE_RANGE,
    SPEECH_RATE_RANGE,
    TEXT_SIZE_NAMES,
    TEXT_SIZES,
    THEME_NAMES,
    THEMES,
    VOLUME_RANGE,
    Preferences,
)
from desktop_app.ui.preferences import PreferencesStore

NO_SPEECH_ENGINE = "No speech engine was found on this computer."
AS_THE_ROUTINE_SAYS = "As the routine says"


class VoiceInfo(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class SpeechInfo(Protocol):
    """What the dialog needs of the speech engine (``desktop_app.speech``'s engines)."""

    @property
    def reason(self) -> str: ...

    def available(self) -> bool: ...

    def voices(self) -> Sequence[VoiceInfo]: ...


class SettingsDialog(QDialog):
    """The settings, live. Built by :meth:`MainWindow.show_settings`."""

    def __init__(
        self, parent: QWidget, store: PreferencesStore, speech: SpeechInfo | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.store = store
        self._updating = False
        layout = QVBoxLayout(self)

        # ---- sound
        sound = QGroupBox("Sound", self)
        form = QFormLayout(sound)
        self.sound_enabled = QCheckBox("Play soft tones when a hold starts and ends", sound)
        form.addRow(self.sound_enabled)
        self.volume = QSlider(Qt.Orientation.Horizontal, sound)
        self.volume.setRange(*VOLUME_RANGE)
        self.volume.setSingleStep(5)
        self.volume.setPageStep(10)
        self.volume_value = QLabel(sound)
        self.volume_value.setMinimumWidth(
            self.volume_value.fontMetrics().horizontalAdvance("100 %")
        )
        form.addRow(_label("&Volume:", self.volume), _row(self.volume, self.volume_value))
        layout.addWidget(sound)

        # ---- spoken cues
        spoken = QGroupBox("Spoken cues", self)
        form = QFormLayout(spoken)
        self.speech_enabled = QCheckBox("Say the stretch, the side, hold and rest aloud", spoken)
        form.addRow(self.speech_enabled)
        self.voice = QComboBox(spoken)
        form.addRow(_label("V&oice:", self.voice), self.voice)
        self.rate = QSlider(Qt.Orientation.Horizontal, spoken)
        self.rate.setRange(*SPEECH_RATE_RANGE)
        self.rate.setSingleStep(5)
        self.rate.setPageStep(10)
        self.rate_value = QLabel(spoken)
        self.rate_value.setMinimumWidth(self.rate_value.fontMetrics().horizontalAdvance("+50 %"))
        form.addRow(_label("S&peed:", self.rate), _row(self.rate, self.rate_value))
        self.count_down = QCheckBox("Count the last three seconds of a hold aloud", spoken)
        form.addRow(self.count_down)
        self.speech_reason = QLabel(spoken)
        self.speech_reason.setTextFormat(Qt.TextFormat.PlainText)  # an engine's own words
        self.speech_reason.setWordWrap(True)
        form.addRow(self.speech_reason)
        layout.addWidget(spoken)
        self._setup_speech(speech)

        # ---- screen
        screen = QGroupBox("Screen", self)
        form = QFormLayout(screen)
        self.text_size = QComboBox(screen)
        for size in TEXT_SIZES:
            self.text_size.addItem(TEXT_SIZE_NAMES[size], size)
        form.addRow(_label("&Text size:", self.text_size), self.text_size)
        self.theme = QComboBox(screen)
        for theme in THEMES:
            self.theme.addItem(THEME_NAMES[theme], theme)
        form.addRow(_label("T&heme:", self.theme), self.theme)
        self.full_screen = QCheckBox("Start in &full screen (F11 switches)", screen)
        form.addRow(self.full_screen)
        layout.addWidget(screen)

        # ---- timing
        timing = QGroupBox("Pauses (replace the routine's own)", self)
        form = QFormLayout(timing)
        self.prepare = _pause_box(timing)
        self.rest = _pause_box(timing)
        self.switch = _pause_box(timing)
        form.addRow(_label("Getting into &position:", self.prepare), self.prepare)
        form.addRow(_label("&Rest between holds:", self.rest), self.rest)
        form.addRow(_label("S&witching sides:", self.switch), self.switch)
        note = QLabel("Used from the next session on.", timing)
        form.addRow(note)
        layout.addWidget(timing)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.show_preferences(store.current)
        store.changed.connect(self.show_preferences)
        self._connect()

    # ------------------------------------------------------------------ building

    def _setup_speech(self, speech: SpeechInfo | None) -> None:
        available = speech is not None and speech.available()
        self.voice.addItem("Default voice", "")
        if speech is not None and available:
            for voice in sorted(speech.voices(), key=lambda v: v.name.casefold()):
                self.voice.addItem(voice.name, voice.id)
        reason = (
            "" if available else ((speech.reason if speech is not None else "") or NO_SPEECH_ENGINE)
        )
        for widget in (self.speech_enabled, self.voice, self.rate, self.count_down):
            widget.setEnabled(available)
            widget.setToolTip(reason)
        self.speech_reason.setText(
            reason
            if reason.startswith("No spoken cues")
            else (f"No spoken cues: {reason}" if reason else "")
        )
        self.speech_reason.setVisible(bool(reason))

    def _connect(self) -> None:
        self.sound_enabled.toggled.connect(lambda on: self._set(sound_enabled=on))
        self.volume.valueChanged.connect(lambda v: self._set(sound_volume=v))
        self.speech_enabled.toggled.connect(lambda on: self._set(speech_enabled=on))
        self.voice.currentIndexChanged.connect(
            lambda _: self._set(speech_voice=str(self.voice.currentData() or ""))
        )
        self.rate.valueChanged.connect(lambda v: self._set(speech_rate=v))
        self.count_down.toggled.connect(lambda on: self._set(speech_count_down=on))
        self.text_size.currentIndexChanged.connect(
            lambda _: self._set(text_size=self.text_size.currentData())
        )
        self.theme.currentIndexChanged.connect(lambda _: self._set(theme=self.theme.currentData()))
        self.full_screen.toggled.connect(lambda on: self._set(start_full_screen=on))
        self.prepare.valueChanged.connect(lambda v: self._set(prepare_seconds=_pause(v)))
        self.rest.valueChanged.connect(lambda v: self._set(rest_seconds=_pause(v)))
        self.switch.valueChanged.connect(lambda v: self._set(switch_seconds=_pause(v)))

    def _set(self, **changes: object) -> None:
        if not self._updating:
            self.store.update(**changes)

    # ------------------------------------------------------------------ showing

    def show_preferences(self, prefs: Preferences) -> None:
        """Put ``prefs`` in the controls (without writing them back)."""
        self._updating = True
        try:
            self.sound_enabled.setChecked(prefs.sound_enabled)
            self.volume.setValue(prefs.sound_volume)
            self.volume_value.setText(f"{prefs.sound_volume} %")
            self.volume.setEnabled(prefs.sound_enabled)
            self.speech_enabled.setChecked(prefs.speech_enabled)
            index = self.voice.findData(prefs.speech_voice)
            if index < 0 and prefs.speech_voice:
                # A voice not found now (another engine): kept, shown by its name.
                self.voice.addItem(prefs.speech_voice, prefs.speech_voice)
                index = self.voice.count() - 1
            self.voice.setCurrentIndex(max(0, index))
            self.rate.setValue(prefs.speech_rate)
            self.rate_value.setText(f"{prefs.speech_rate:+d} %" if prefs.speech_rate else "normal")
            self.count_down.setChecked(prefs.speech_count_down)
            self.text_size.setCurrentIndex(self.text_size.findData(prefs.text_size))
            self.theme.setCurrentIndex(self.theme.findData(prefs.theme))
            self.full_screen.setChecked(prefs.start_full_screen)
            for box, value in (
                (self.prepare, prefs.prepare_seconds),
                (self.rest, prefs.rest_seconds),
                (self.switch, prefs.switch_seconds),
            ):
                box.setValue(box.minimum() if value is None else value)
        finally:
            self._updating = False


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text, buddy.parentWidget())
    label.setBuddy(buddy)
    return label


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget(widgets[0].parentWidget())
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if isinstance(widget, QSlider) else 0)
    return row


def _pause_box(parent: QWidget) -> QSpinBox:
    box = QSpinBox(parent)
    # One below the shortest pause stands for "as the routine says".
    box.setRange(PAUSE_RANGE[0] - 1, PAUSE_RANGE[1])
    box.setSpecialValueText(AS_THE_ROUTINE_SAYS)
    box.setSuffix(" s")
    box.setAccelerated(True)
    return box


def _pause(value: int) -> int | None:
    return None if value < PAUSE_RANGE[0] else value
