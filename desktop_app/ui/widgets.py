"""Small shared widget helpers: fonts scaled from the system font, wrapped labels, bullet lists."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

if TYPE_CHECKING:
    from desktop_app.session_text import Advice

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


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows its text as written, never as HTML.

    QLabel's default (AutoText) renders anything that looks like markup: a routine named
    ``<img src='/some/fifo'>`` would make Qt open and read that file while drawing, and a
    named pipe blocks the window for ever. Text from files, paths and messages goes into plain
    labels; rich labels html.escape every such piece (see :func:`bullet_html`).
    """
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip showing ``text`` as written (Qt renders tooltips that look like HTML)."""
    return f"<p>{html.escape(text)}</p>"


def wrapped_label(
    parent: QWidget, text: str = "", factor: float = 1.0, *, bold: bool = False
) -> QLabel:
    """A word-wrapped plain label (set RichText on it only for escaped HTML)."""
    label = plain_label(text, parent)
    label.setWordWrap(True)
    label.setFont(scaled_font(label, factor, bold=bold))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def _sections_html(advice: Advice, warning: bool | None) -> str:
    parts = []
    for section in advice.sections:
        if warning is not None and section.warning != warning:
            continue
        title = html.escape(section.title)
        if section.warning:
            title = f"<span style='color:{WARNING_ACCENT}'>{title}</span>"
        parts.append(f"<b>{title}</b>{bullet_html(section.items, compact=True)}")
    return "".join(parts)


def advice_html(advices: Sequence[Advice], *, titles: bool, columns: bool = False) -> str:
    """Symptom advice as rich text: each one's lead, then its sections in order.

    ``titles`` names each symptom (several in one box); ``columns`` puts the red flags beside
    the rest, which is how the stopped screen fits one symptom in 800x600 without scrolling.
    """
    parts = []
    for advice in advices:
        lead = html.escape(advice.lead)
        if titles:
            lead = f"<b>{html.escape(advice.title)}</b>" + (f" · {lead}" if lead else "")
        if lead:
            parts.append(f"<p style='margin-top:6px; margin-bottom:4px'>{lead}</p>")
        if columns and advice.sections:
            # The red flags in a column of their own, on the side they come in the list.
            first = advice.sections[0].warning
            parts.append(
                "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
                f"<td width='50%' style='padding-right:16px'>{_sections_html(advice, first)}</td>"
                f"<td width='50%'>{_sections_html(advice, not first)}</td>"
                "</tr></table>"
            )
        else:
            parts.append(_sections_html(advice, None))
    return "".join(parts)


def fit_text(
    scroll: QScrollArea,
    labels: Sequence[QLabel],
    factors: Sequence[float],
    fallback: float,
    spacing: int = 0,
) -> float:
    """Give ``labels`` (stacked in ``scroll``) the largest size of ``factors`` that fits.

    Sizes are multiples of the scroll area's font (so of the system font), largest first. When
    none fits, ``fallback`` is used and the text scrolls: a size still read from the floor
    beats tiny text that fits. Returns the factor chosen.
    """
    viewport = scroll.viewport()
    width, height = viewport.width(), viewport.height()
    shown = [label for label in labels if not label.isHidden()]
    for factor in (*factors, fallback):
        font = scaled_font(scroll, factor)
        for label in labels:
            label.setFont(font)
        needed = sum(label.heightForWidth(width) for label in shown)
        needed += spacing * max(0, len(shown) - 1)
        if width <= 0 or needed <= height:
            return factor
    return fallback
