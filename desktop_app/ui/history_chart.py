"""A painted bar chart of minutes stretched per day: light, fast, in the palette's colours."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.formatting import chart_minutes_text
from desktop_app.storage import DayMinutes


def nice_ceiling(value: float) -> int:
    """The smallest of 5, 10, 15, 20, 30, 45, 60, then multiples of 30, that is >= value."""
    for step in (5, 10, 15, 20, 30, 45, 60):
        if value <= step:
            return step
    return int(math.ceil(value / 30.0) * 30)


class MinutesChart(QWidget):
    """Minutes per day as bars, oldest day on the left, today highlighted; hover for the figure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._days: tuple[DayMinutes, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self.setAccessibleName("Minutes stretched per day, last 4 weeks")

    def set_days(self, days: Sequence[DayMinutes]) -> None:
        self._days = tuple(days)
        active = [d for d in self._days if d.minutes > 0]
        total = sum(d.minutes for d in self._days)
        self.setAccessibleDescription(
            f"{len(active)} of {len(self._days)} days with stretching, {total:.0f} minutes in all"
        )
        self.update()

    @property
    def days(self) -> tuple[DayMinutes, ...]:
        return self._days

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(560, line * 11)

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(300, line * 7)

    # -- geometry ------------------------------------------------------------------------------

    def _plot_rect(self) -> QRectF:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance("000 min") + 8
        top = metrics.height() * 0.6
        bottom = metrics.height() * 2.4
        return QRectF(left, top, max(1.0, self.width() - left - 8), self.height() - top - bottom)

    def _bar_rect(self, index: int, scale_max: float) -> QRectF:
        plot = self._plot_rect()
        slot = plot.width() / max(1, len(self._days))
        gap = max(1.0, slot * 0.22)
        minutes = self._days[index].minutes
        height = plot.height() * min(minutes, scale_max) / scale_max if minutes > 0 else 0.0
        if 0 < height < 2:
            height = 2.0  # a short session is still visible
        return QRectF(
            plot.left() + index * slot + gap / 2, plot.bottom() - height, slot - gap, height
        )

    def _index_at(self, pos: QPoint) -> int | None:
        plot = self._plot_rect()
        if not self._days or not plot.left() <= pos.x() <= plot.right():
            return None
        slot = plot.width() / len(self._days)
        index = int((pos.x() - plot.left()) // slot)
        return index if 0 <= index < len(self._days) else None

    # -- events --------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._index_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                day = self._days[index]
                QToolTip.showText(
                    event.globalPos(),
                    f"{day.day.strftime('%a %d %b')}: {chart_minutes_text(day.minutes)}",
                    self,
                )
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        faint = QColor(text)
        faint.setAlphaF(0.18)
        muted = QColor(text)
        muted.setAlphaF(0.65)
        bar = palette.color(QPalette.ColorRole.Highlight)
        soft_bar = QColor(bar)
        soft_bar.setAlphaF(0.55)
        plot = self._plot_rect()
        metrics = self.fontMetrics()

        peak = max((d.minutes for d in self._days), default=0.0)
        scale_max = float(nice_ceiling(peak))

        # Grid lines and their labels: 0, half, top.
        for fraction in (0.0, 0.5, 1.0):
            y = plot.bottom() - plot.height() * fraction
            painter.setPen(QPen(faint, 1))
            painter.drawLine(int(plot.left()), round(y), int(plot.right()), round(y))
            label = f"{scale_max * fraction:g} min"
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )

        if not self._days:
            painter.end()
            return
        last = len(self._days) - 1
        for index in range(len(self._days)):
            rect = self._bar_rect(index, scale_max)
            if rect.height() > 0:
                painter.fillRect(rect, bar if index == last else soft_bar)

        # "Today" under the last bar, then each Monday whose label does not run into another.
        taken: list[QRectF] = []
        for index in [last, *range(last)]:
            day = self._days[index].day
            if index != last and day.weekday() != 0:
                continue
            label = "Today" if index == last else f"Mon {day.day} {day:%b}"
            width = metrics.horizontalAdvance(label)
            centre = self._bar_rect(index, scale_max).center().x()
            x = min(max(centre - width / 2, 0.0), self.width() - width - 1.0)
            box = QRectF(x, plot.bottom() + 4, width + 1, metrics.height())
            if any(box.adjusted(-6, 0, 6, 0).intersects(other) for other in taken):
                continue
            taken.append(box)
            painter.setPen(text if index == last else muted)
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), label
            )
            painter.setPen(QPen(faint, 1))
            painter.drawLine(
                round(centre), int(plot.bottom()), round(centre), int(plot.bottom() + 3)
            )
        painter.end()
