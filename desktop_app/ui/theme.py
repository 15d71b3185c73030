"""The theme setting: the system's own look, or a light or dark palette on Qt's Fusion style.

Everything painted by hand (the countdown ring, the history chart, the figures) reads the
palette, so it follows. "As the system" puts back the style and palette the app started with.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from desktop_app.preferences import Theme

_original: tuple[str, QPalette] | None = None
_applied: Theme = "system"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

LIGHT = {
    Role.Window: "#f4f4f2",
    Role.WindowText: "#1b1b1b",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#ecebe8",
    Role.ToolTipBase: "#fffbe6",
    Role.ToolTipText: "#1b1b1b",
    Role.PlaceholderText: "#6d6d6d",
    Role.Text: "#1b1b1b",
    Role.Button: "#e6e5e2",
    Role.ButtonText: "#1b1b1b",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#ececec",
    Role.Mid: "#b8b8b8",
    Role.Dark: "#8a8a8a",
    Role.Shadow: "#5a5a5a",
    Role.Highlight: "#1f6fb2",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#1a5f9e",
    Role.LinkVisited: "#6a3d9a",
}
DARK = {
    Role.Window: "#1e1f22",
    Role.WindowText: "#ececec",
    Role.Base: "#141517",
    Role.AlternateBase: "#2a2c30",
    Role.ToolTipBase: "#33302a",
    Role.ToolTipText: "#ececec",
    Role.PlaceholderText: "#9a9a9a",
    Role.Text: "#ececec",
    Role.Button: "#2d2f33",
    Role.ButtonText: "#ececec",
    Role.BrightText: "#ffffff",
    Role.Light: "#45484d",
    Role.Midlight: "#383a3e",
    Role.Mid: "#55585e",
    Role.Dark: "#101113",
    Role.Shadow: "#000000",
    Role.Highlight: "#4a9be0",
    Role.HighlightedText: "#0b0c0d",
    Role.Link: "#7cb8ee",
    Role.LinkVisited: "#b79be6",
}


def palette_for(theme: Theme) -> QPalette | None:
    """The palette of an explicit theme; None for "system"."""
    colours = {"light": LIGHT, "dark": DARK}.get(theme)
    if colours is None:
        return None
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    disabled = QColor(colours[Role.WindowText])
    disabled.setAlphaF(0.45)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, disabled)
    return palette


def apply_theme(theme: Theme, app: QApplication | None = None) -> None:
    """Makes ``theme`` the app's look at once (every window and widget repaints)."""
    global _original, _applied
    app = app or _app()
    if app is None or theme == _applied:
        return
    if _original is None:
        # Remember the system's look the first time it is left, to come back to it.
        _original = (app.style().name(), QPalette(app.palette()))
    palette = palette_for(theme)
    if palette is None:
        name, original = _original
        app.setStyle(QStyleFactory.create(name) or app.style())
        app.setPalette(original)
    else:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(palette)
    _applied = theme


def current_theme() -> Theme:
    return _applied


def _app() -> QApplication | None:
    instance = QApplication.instance()
    return instance if isinstance(instance, QApplication) else None
