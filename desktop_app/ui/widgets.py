"""Small shared widget helpers: fonts scaled from the system font, wrapped labels, bullet lists."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

WARNING_ACCENT = "#c0392b"
"""Warnings: red flags, cautions, the stopped state. Reads on light and dark backgrounds."""


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font (so the system font size) scaled by ``factor``."""
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    else:
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def bullet_html(items: Sequence[str], *, numbered: bool = False, compact: bool = False) -> str:
    tag = "ol" if numbered else "ul"
    rows = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    spacing = " margin-top:1px; margin-bottom:5px;" if compact else ""
    return f"<{tag} style='margin-left:-12px;{spacing}'>{rows}</{tag}>"


def wrapped_label(
    parent: QWidget, text: str = "", factor: float = 1.0, *, bold: bool = False
) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setFont(scaled_font(label, factor, bold=bold))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label
