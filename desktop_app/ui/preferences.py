"""The settings kept in ``settings.ini`` (QSettings), and a signal when any of them changes.

:class:`PreferencesStore` holds the window's current :class:`~desktop_app.preferences.Preferences`:
read once from the settings (unreadable settings: :func:`desktop_app.ui.settings.open_settings`
gives none, and the defaults are used and nothing is written), written at once when one changes
(so they last across restarts), and announced with :attr:`PreferencesStore.changed` so each
part applies it at once. ``sound/enabled`` is the key View > Sound cues (Ctrl+M) always used.
"""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import QObject, QSettings, Signal

from desktop_app.preferences import Preferences

log = logging.getLogger(__name__)

SETTINGS_KEYS: dict[str, str] = {
    "sound_enabled": "sound/enabled",
    "sound_volume": "sound/volume",
    "speech_enabled": "speech/enabled",
    "speech_voice": "speech/voice",
    "speech_rate": "speech/rate",
    "speech_count_down": "speech/count_down",
    "text_size": "screen/text_size",
    "theme": "screen/theme",
    "start_full_screen": "screen/start_full_screen",
    "prepare_seconds": "timing/prepare",
    "rest_seconds": "timing/rest",
    "switch_seconds": "timing/switch_sides",
}
"""Each field of :class:`Preferences` and its key in ``settings.ini``."""


def read_preferences(settings: QSettings | None) -> Preferences:
    """The preferences in ``settings`` (their defaults where a key is missing or unreadable)."""
    if settings is None:
        return Preferences()
    data: dict[str, object] = {}
    for name, key in SETTINGS_KEYS.items():
        if settings.contains(key):
            data[name] = settings.value(key)
    return Preferences.from_dict(data)


def write_preferences(
    settings: QSettings, preferences: Preferences, previous: Preferences | None = None
) -> None:
    """Write ``preferences`` (only what differs from ``previous`` when given); a pause left
    as the routine says removes its key."""
    for name, value in preferences.to_dict().items():
        if previous is not None and getattr(previous, name) == value:
            continue
        key = SETTINGS_KEYS[name]
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)
    settings.sync()


class PreferencesStore(QObject):
    """The window's preferences: :attr:`current`, :meth:`update`, and :attr:`changed`."""

    changed = Signal(object)
    """The new :class:`Preferences`, emitted only when something changed."""

    def __init__(self, settings: QSettings | None, parent: QObject) -> None:
        super().__init__(parent)
        self._settings = settings
        self.current = read_preferences(settings)

    def set(self, preferences: Preferences) -> None:
        """Make ``preferences`` (validated) the current ones: stored and announced at once."""
        new = preferences.validated()
        old = self.current
        if new == old:
            return
        self.current = new
        if self._settings is not None:
            try:
                write_preferences(self._settings, new, old)
            except Exception:  # a setting that cannot be kept still applies now
                log.exception("could not store the settings")
        self.changed.emit(new)

    def update(self, **changes: object) -> None:
        """Change some fields: ``store.update(theme="dark")``."""
        self.set(dataclasses.replace(self.current, **changes))  # type: ignore[arg-type]
