"""The countdown: a painted ring that empties as the phase runs, with the large number inside."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

NUMBER_SHARE = 0.42
"""The big number's height as a share of the ring's inner height."""


class CountdownWidget(QWidget):
    """Draws what it is given (text, caption, fraction left); it never looks at a clock."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._text = ""
        self._caption = ""
        self._fraction = 0.0
        self._accent: QColor | None = None
        self._dimmed = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(180, 180)
        self.setAccessibleName("Countdown")

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    @property
    def text(self) -> str:
        return self._text

    @property
    def caption(self) -> str:
        return self._caption

    @property
    def fraction(self) -> float:
        return self._fraction

    def set_state(
        self,
        text: str,
        caption: str,
        fraction: float,
        accent: QColor | None = None,
        *,
        dimmed: bool = False,
    ) -> None:
        fraction = min(1.0, max(0.0, fraction))
        changed = (text, caption, fraction, accent, dimmed) != (
            self._text,
            self._caption,
            self._fraction,
            self._accent,
            self._dimmed,
        )
        if not changed:
            return
        self._text, self._caption, self._fraction = text, caption, fraction
        self._accent, self._dimmed = accent, dimmed
        self.setAccessibleDescription(f"{text} {caption}".strip())
        self.update()

    def _geometry(self) -> tuple[QRectF, float]:
        """The ring's rectangle and pen width for the widget's current size."""
        side = min(self.width(), self.height()) - 8.0
        pen_width = max(6.0, side * 0.055)
        rect = QRectF(
            (self.width() - side) / 2 + pen_width / 2,
            (self.height() - side) / 2 + pen_width / 2,
            side - pen_width,
            side - pen_width,
        )
        return rect, pen_width

    def number_font(self) -> QFont:
        """The font of the big number at the current size (what :meth:`paintEvent` uses)."""
        rect, pen_width = self._geometry()
        inner = rect.adjusted(pen_width * 1.5, pen_width * 1.5, -pen_width * 1.5, -pen_width * 1.5)
        number_font = QFont(self.font())
        number_font.setWeight(QFont.Weight.DemiBold)
        number_font.setPixelSize(max(12, int(inner.height() * NUMBER_SHARE)))
        metrics = QFontMetricsF(number_font)
        width = metrics.horizontalAdvance(self._text or "0")
        if width > inner.width() * 0.85:
            number_font.setPixelSize(
                max(12, int(number_font.pixelSize() * inner.width() * 0.85 / width))
            )
        return number_font

    def paintEvent(self, event: QPaintEvent) -> None:
        if min(self.width(), self.height()) <= 8:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect, pen_width = self._geometry()
        track = QColor(palette.color(QPalette.ColorRole.WindowText))
        track.setAlphaF(0.12)
        painter.setPen(QPen(track, pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawEllipse(rect)

        accent = QColor(self._accent or palette.color(QPalette.ColorRole.Highlight))
        if self._dimmed:
            accent.setAlphaF(0.45)
        if self._fraction > 0:
            painter.setPen(QPen(accent, pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            # Qt angles are in 1/16 degree, counter-clockwise from 3 o'clock. The part still to
            # run ends at 12 o'clock; the gap grows clockwise from 12, like a clock hand.
            start = round((90 - 360 * (1 - self._fraction)) * 16)
            painter.drawArc(rect, start, round(-360 * 16 * self._fraction))

        inner = rect.adjusted(pen_width * 1.5, pen_width * 1.5, -pen_width * 1.5, -pen_width * 1.5)
        text_color = palette.color(QPalette.ColorRole.WindowText)
        painter.setFont(self.number_font())
        painter.setPen(text_color)
        number_rect = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.78)
        painter.drawText(number_rect, Qt.AlignmentFlag.AlignCenter, self._text)

        if self._caption:
            caption_font = QFont(self.font())
            caption_font.setPixelSize(max(11, int(inner.height() * 0.09)))
            painter.setFont(caption_font)
            muted = QColor(text_color)
            muted.setAlphaF(0.7)
            painter.setPen(muted)
            caption_rect = QRectF(
                inner.left(),
                inner.top() + inner.height() * 0.66,
                inner.width(),
                inner.height() * 0.2,
            )
            painter.drawText(
                caption_rect,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self._caption,
            )
        painter.end()
