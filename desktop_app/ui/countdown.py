"""The countdown: a painted ring that empties as the phase runs, with the large number inside.

It costs what a clock costs. Every colour it paints is opaque (a see-through colour is mixed
with the background here instead): Qt's raster painter hands see-through fills to its thread
pool (``QT_THREAD_PARALLEL_FILLS``), which woke two threads more than a hundred times a second.
The widget paints its own background (``WA_OpaquePaintEvent``), so nothing behind it is
repainted, and a change repaints only what changed: the few pixels the ring's end moved, the
number's box when the number changes, the caption's when it changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

NUMBER_SHARE = 0.42
"""The big number's height as a share of the ring's inner height."""
TRACK_SHARE = 0.12
"""The grey ring behind the coloured one: this share of the text colour on the background."""
DIMMED_SHARE = 0.45
"""The ring while paused: this share of its colour on the grey ring."""
CAPTION_SHARE = 0.7
"""The caption under the number: this share of the text colour on the background."""
SMALL_MOVE_DEGREES = 30.0
"""A move of the ring's end up to this far repaints the pixels around it; more, the ring."""


def mixed(background: QColor, colour: QColor, share: float) -> QColor:
    """``colour`` at ``share`` opacity over ``background``, as one opaque colour."""
    return QColor.fromRgbF(
        background.redF() + (colour.redF() - background.redF()) * share,
        background.greenF() + (colour.greenF() - background.greenF()) * share,
        background.blueF() + (colour.blueF() - background.blueF()) * share,
        1.0,
    )


def end_angle(fraction: float) -> float:
    """Where the ring's moving end is, in degrees (to 1/16), with ``fraction`` of it left.

    Angles run counter-clockwise from 3 o'clock, as in Qt. The part still to run goes from
    12 o'clock (-270 degrees) counter-clockwise to the moving end, which goes from 90 (full)
    clockwise to -270 (empty): the gap grows clockwise from 12, like a clock hand.
    """
    return round((90 - 360 * (1 - fraction)) * 16) / 16


class Shape(NamedTuple):
    """Where things go in a countdown of one size."""

    size: QSize
    ring: QRectF
    """The circle through the middle of the ring's stroke."""
    pen_width: float
    inner: QRectF
    """Inside the ring, with a margin: the number and caption go here."""
    number_box: QRectF
    caption_box: QRectF
    ring_rect: QRect
    """The pixels the ring may touch."""
    number_rect: QRect
    caption_rect: QRect
    vertices: tuple[QPointF, ...]
    """The ring's points at every whole degree from -270 to 90."""
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    """The same points' coordinates, for quick comparisons."""

    def point(self, degrees: float) -> QPointF:
        """The point of the ring's middle line at ``degrees``."""
        centre, radius = self.ring.center(), self.ring.width() / 2
        angle = math.radians(degrees)
        return QPointF(centre.x() + radius * math.cos(angle), centre.y() - radius * math.sin(angle))

    def arc(self, fraction: float) -> list[QPointF]:
        """The part of the ring left, as a line through fixed points.

        Its points sit at whole degrees and only the moving end is added, so a step of the
        end changes the pixels near it and no others (Qt's own arcs are split into curves
        from their start, and every pixel along the partial quarter moves a little).
        """
        end = end_angle(fraction)
        return [*self.vertices[: math.ceil(end) + 270], self.point(end)]

    def arc_near(self, fraction: float, areas: Iterable[QRect]) -> list[list[QPointF]]:
        """The stretches of :meth:`arc` that draw inside ``areas``: they draw the same pixels
        there as the whole arc, in a fraction of the time (most repaints are a few pixels)."""
        points = self.arc(fraction)
        xs = [*self.xs[: len(points) - 1], points[-1].x()]
        ys = [*self.ys[: len(points) - 1], points[-1].y()]
        centre, radius = self.ring.center(), self.ring.width() / 2
        hole = radius - self.pen_width / 2 - 2  # the stroke draws nothing nearer the centre
        # A point further out than a pen width and a line's length touches nothing inside.
        margin = self.pen_width + 4 + radius * math.pi / 180
        near = [False] * len(points)
        for area in areas:
            corners = (area.topLeft(), area.topRight(), area.bottomLeft(), area.bottomRight())
            if all(
                math.hypot(c.x() + 0.5 - centre.x(), c.y() + 0.5 - centre.y()) < hole - 1
                for c in corners
            ):
                continue  # inside the ring's hole: the number or the caption
            left, top = area.left() - margin, area.top() - margin
            right, bottom = area.right() + 1 + margin, area.bottom() + 1 + margin
            for index, (x, y) in enumerate(zip(xs, ys, strict=True)):
                if left <= x <= right and top <= y <= bottom:
                    near[index] = True
        runs = []
        index = 0
        while index < len(points):
            if not near[index]:
                index += 1
                continue
            last = index
            while last + 1 < len(points) and near[last + 1]:
                last += 1
            runs.append(points[max(0, index - 1) : last + 2])
            index = last + 1
        return runs

    @classmethod
    def of(cls, size: QSize) -> Shape:
        width, height = size.width(), size.height()
        side = min(width, height) - 8.0
        pen_width = max(6.0, side * 0.055)
        ring = QRectF(
            (width - side) / 2 + pen_width / 2,
            (height - side) / 2 + pen_width / 2,
            side - pen_width,
            side - pen_width,
        )
        margin = pen_width * 1.5
        inner = ring.adjusted(margin, margin, -margin, -margin)
        number_box = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.78)
        caption_box = QRectF(
            inner.left(), inner.top() + inner.height() * 0.66, inner.width(), inner.height() * 0.2
        )
        made = cls(
            size=QSize(size),
            ring=ring,
            pen_width=pen_width,
            inner=inner,
            number_box=number_box,
            caption_box=caption_box,
            ring_rect=ring.adjusted(-pen_width, -pen_width, pen_width, pen_width).toAlignedRect(),
            number_rect=number_box.toAlignedRect().adjusted(-2, -2, 2, 2),
            caption_rect=caption_box.toAlignedRect().adjusted(-2, -2, 2, 2),
            vertices=(),
            xs=(),
            ys=(),
        )
        vertices = tuple(made.point(degrees) for degrees in range(-270, 91))
        return made._replace(
            vertices=vertices,
            xs=tuple(point.x() for point in vertices),
            ys=tuple(point.y() for point in vertices),
        )


class CountdownWidget(QWidget):
    """Draws what it is given (text, caption, fraction left); it never looks at a clock."""

    ring_resized = Signal(float)
    """The ring's length in pixels (its circumference, through the middle of the stroke)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._text = ""
        self._caption = ""
        self._fraction = 0.0
        self._accent: QColor | None = None
        self._dimmed = False
        self._shape_cache: Shape | None = None
        self._colours: dict[str, QColor] | None = None
        self._backdrop: QImage | None = None
        # Everything under the widget is painted by it: nothing behind it is repainted.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
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

    def ring_length(self) -> float:
        """The ring's circumference in pixels at the current size."""
        return math.pi * self._shape().ring.width()

    def set_state(
        self,
        text: str,
        caption: str,
        fraction: float,
        accent: QColor | None = None,
        *,
        dimmed: bool = False,
    ) -> None:
        """Show this; repaint only the parts that look different."""
        fraction = min(1.0, max(0.0, fraction))
        shape = self._shape()
        dirty = QRegion()
        if (accent, dimmed) != (self._accent, self._dimmed):
            dirty = QRegion(self.rect())
            self._colours = None
        else:
            if text != self._text:
                dirty += shape.number_rect
            if caption != self._caption:
                dirty += shape.caption_rect
            if end_angle(fraction) != end_angle(self._fraction):
                dirty += self._arc_change(self._fraction, fraction)
        if (text, caption) != (self._text, self._caption):
            self.setAccessibleDescription(f"{text} {caption}".strip())
        self._text, self._caption, self._fraction = text, caption, fraction
        self._accent, self._dimmed = accent, dimmed
        if not dirty.isEmpty():
            self.update(dirty)

    # ------------------------------------------------------------------ geometry

    def _shape(self) -> Shape:
        if self._shape_cache is None or self._shape_cache.size != self.size():
            self._shape_cache = Shape.of(self.size())
        return self._shape_cache

    def _arc_change(self, before: float, after: float) -> QRect:
        """The pixels that differ when the ring goes from ``before`` to ``after`` left."""
        shape = self._shape()
        # The arc's fixed end is at 12 o'clock, where its moving end also is when it is full
        # or empty: only the moving end's way from one place to the other changes, and the
        # line from there to the next whole degree.
        low, high = sorted((end_angle(before), end_angle(after)))
        low, high = math.floor(low) - 1, math.ceil(high) + 1
        if high - low > SMALL_MOVE_DEGREES:
            return shape.ring_rect
        # Squares around points of the ring every quarter of a pen width between the two
        # ends cover the stroke and its round caps, with room for antialiasing.
        radius = shape.ring.width() / 2
        steps = max(1, math.ceil(math.radians(high - low) * radius / (shape.pen_width / 4)))
        points = [shape.point(low + (high - low) * index / steps) for index in range(steps + 1)]
        half = shape.pen_width * 0.75 + 2
        box = QRectF(
            QPointF(min(p.x() for p in points) - half, min(p.y() for p in points) - half),
            QPointF(max(p.x() for p in points) + half, max(p.y() for p in points) + half),
        )
        return box.toAlignedRect()

    def number_font(self) -> QFont:
        """The font of the big number at the current size (what :meth:`paintEvent` uses)."""
        inner = self._shape().inner
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

    # ------------------------------------------------------------------ painting

    def colours(self) -> dict[str, QColor]:
        """Every colour :meth:`paintEvent` uses, each opaque."""
        if self._colours is None:
            palette = self.palette()
            background = palette.color(QPalette.ColorRole.Window)
            text = palette.color(QPalette.ColorRole.WindowText)
            track = mixed(background, text, TRACK_SHARE)
            ring = mixed(background, self._accent or palette.color(QPalette.ColorRole.Highlight), 1)
            if self._dimmed:
                ring = mixed(track, ring, DIMMED_SHARE)
            self._colours = {
                "background": mixed(background, background, 1),
                "track": track,
                "ring": ring,
                "number": mixed(background, text, 1),
                "caption": mixed(background, text, CAPTION_SHARE),
            }
        return self._colours

    def backdrop(self) -> QImage:
        """The background with the grey ring on it, drawn once per size and palette.

        Repaints copy their part of it, which costs less than drawing the ring again.
        """
        ratio = self.devicePixelRatioF()
        size = self.size() * ratio
        if (
            self._backdrop is None
            or self._backdrop.size() != size
            or self._backdrop.devicePixelRatioF() != ratio
        ):
            colours = self.colours()
            shape = self._shape()
            image = QImage(size, QImage.Format.Format_RGB32)
            image.setDevicePixelRatio(ratio)
            image.fill(colours["background"])
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(colours["track"], shape.pen_width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawEllipse(shape.ring)
            painter.end()
            self._backdrop = image
        return self._backdrop

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._colours = None
            self._backdrop = None
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.ring_resized.emit(self.ring_length())

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = self.colours()
        shape = self._shape()
        painter = QPainter(self)
        if min(self.width(), self.height()) <= 8:
            painter.fillRect(event.rect(), colours["background"])
            painter.end()
            return
        backdrop = self.backdrop()
        ratio = backdrop.devicePixelRatioF()
        region = event.region()
        # A copy per rectangle, each clipped to itself: through a clip of several rectangles
        # Qt blends the image line by line, in its thread pool.
        rects: list[QRect] = list(region)  # type: ignore[call-overload]  # PySide6 iterates it
        for rect in rects:
            painter.setClipRect(rect)
            source = QRectF(
                rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio
            )
            painter.drawImage(QRectF(rect), backdrop, source)
        painter.setClipping(False)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._fraction > 0:
            runs = shape.arc_near(self._fraction, rects)
            if runs:
                pen = QPen(colours["ring"], shape.pen_width)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                # One path, so its pieces are filled together: where they overlap (both ends
                # at 12 o'clock) each pixel is covered once, as when the whole ring is drawn.
                path = QPainterPath()
                for run in runs:
                    path.addPolygon(QPolygonF(run))
                painter.drawPath(path)

        if region.intersects(shape.number_rect):
            painter.setFont(self.number_font())
            painter.setPen(colours["number"])
            painter.drawText(shape.number_box, Qt.AlignmentFlag.AlignCenter, self._text)

        if self._caption and region.intersects(shape.caption_rect):
            caption_font = QFont(self.font())
            caption_font.setPixelSize(max(11, int(shape.inner.height() * 0.09)))
            painter.setFont(caption_font)
            painter.setPen(colours["caption"])
            painter.drawText(
                shape.caption_box,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self._caption,
            )
        painter.end()
