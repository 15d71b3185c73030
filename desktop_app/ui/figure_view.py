"""A stretch's picture: a drawn pose or the routine file's SVG/PNG, mirrored for the left side.

The picture is painted once per size, side and palette into an opaque pixmap, which is all a
repaint draws: the countdown ticking beside it never costs a redraw of the figure. Every pen
and brush is opaque (alpha sends Qt's raster painter to a thread pool); the colours come from
the palette, so the figure follows light and dark themes: the text colour for the body, a
tone between it and the background for the far limbs and the props, the palette's highlight
for the area the stretch works.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Hashable

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.model import Side
from desktop_app.pose import Figure, FigureFile, Pose
from desktop_app.pose_drawing import Capsule, Disc, Drawing, Tone, draw_pose

log = logging.getLogger(__name__)

MARGIN = 0.04
"""Space kept around the picture, as a share of the box's shorter side."""
CACHE_SIZE = 6


def blend(a: QColor, b: QColor, share_of_a: float) -> QColor:
    """An opaque colour ``share_of_a`` of the way from ``b`` to ``a``."""
    t = min(1.0, max(0.0, share_of_a))
    return QColor(
        round(a.red() * t + b.red() * (1 - t)),
        round(a.green() * t + b.green() * (1 - t)),
        round(a.blue() * t + b.blue() * (1 - t)),
    )


def tones(palette: QPalette, background: QColor) -> dict[Tone, QColor]:
    """The opaque colour of each tone of a pose drawing on ``background``."""
    text = palette.color(QPalette.ColorRole.WindowText)
    accent = palette.color(QPalette.ColorRole.Highlight)
    if _distance(accent, text) < 60 or _distance(accent, background) < 60:
        accent = QColor("#2a82da")  # a palette whose highlight would vanish in the figure
    return {
        "body": _opaque(text),
        "far": blend(text, background, 0.5),
        "accent": _opaque(accent),
        "prop": blend(text, background, 0.32),
        "prop-line": blend(text, background, 0.6),
        "paper": _opaque(background),
    }


def _opaque(colour: QColor) -> QColor:
    return QColor(colour.red(), colour.green(), colour.blue())


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def paint_drawing(
    painter: QPainter, drawing: Drawing, box: QRectF, colours: dict[Tone, QColor]
) -> None:
    """Paints ``drawing`` centred in ``box``, as large as fits, keeping its proportions."""
    x0, y0, x1, y1 = drawing.bounds
    scale = min(box.width() / (x1 - x0), box.height() / (y1 - y0))
    left = box.left() + (box.width() - (x1 - x0) * scale) / 2
    top = box.top() + (box.height() - (y1 - y0) * scale) / 2

    def at(point: tuple[float, float]) -> QPointF:
        return QPointF(left + (point[0] - x0) * scale, top + (y1 - point[1]) * scale)

    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for item in drawing.items:
        colour = colours[item.tone]
        if isinstance(item, Capsule):
            pen = QPen(colour, max(1.0, item.width * scale))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawLine(at(item.a), at(item.b))
        elif isinstance(item, Disc):
            radius = item.radius * scale
            if item.outline > 0:
                painter.setPen(QPen(colours["prop-line"], max(1.0, item.outline * scale)))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(at(item.centre), radius, radius)
        else:
            path = QPainterPath(at(item.points[0]))
            for point in item.points[1:]:
                path.lineTo(at(point))
            if item.fill:
                path.closeSubpath()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.fillPath(path, QBrush(colour))
            else:
                pen = QPen(colour, max(1.0, item.width * scale))
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(path)


def render_figure(
    figure: Figure,
    size: QSize,
    palette: QPalette,
    *,
    side: Side | None = None,
    background: QColor | None = None,
    device_pixel_ratio: float = 1.0,
) -> QImage:
    """The picture on an opaque image of ``size`` (logical pixels); mirrored for the left side.

    A file picture that Qt cannot read after all leaves the image blank (and is logged).
    """
    ground = _opaque(background or palette.color(QPalette.ColorRole.Window))
    width = max(1, round(size.width() * device_pixel_ratio))
    height = max(1, round(size.height() * device_pixel_ratio))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(ground)
    margin = MARGIN * min(width, height)
    box = QRectF(margin, margin, width - 2 * margin, height - 2 * margin)
    if box.width() > 1 and box.height() > 1:
        painter = QPainter(image)
        try:
            if isinstance(figure, Pose):
                paint_drawing(painter, drawing_for(figure), box, tones(palette, ground))
            else:
                _paint_file(painter, figure, box)
        finally:
            painter.end()
    if side == "left":
        image = _flipped(image)
    image.setDevicePixelRatio(device_pixel_ratio)
    return image


_DRAWINGS: dict[Pose, Drawing] = {}


def drawing_for(pose: Pose) -> Drawing:
    """The pose's drawing, worked out once per pose."""
    drawing = _DRAWINGS.get(pose)
    if drawing is None:
        if len(_DRAWINGS) > 256:
            _DRAWINGS.clear()
        drawing = _DRAWINGS[pose] = draw_pose(pose)
    return drawing


def _flipped(image: QImage) -> QImage:
    flipped = getattr(image, "flipped", None)
    if flipped is not None:  # Qt 6.9 and later; mirrored() is deprecated there
        result: QImage = flipped(Qt.Orientation.Horizontal)
        return result
    return image.mirrored(True, False)


def _paint_file(painter: QPainter, figure: FigureFile, box: QRectF) -> None:
    """Draws a picture file's bytes (checked when the routine file loaded: a PNG's are a PNG,
    read by its signature) fitted in ``box``."""
    if figure.kind == "svg":
        from PySide6.QtSvg import QSvgRenderer, QtSvg

        renderer = QSvgRenderer()
        # The bytes were read and checked when the routine file loaded (no reference leads
        # out of the file); nothing is looked up on the disk or the network now.
        renderer.setOptions(QtSvg.Option.DisableAnimations)
        if not renderer.load(QByteArray(figure.data)) or not renderer.isValid():
            log.warning("the picture %s could not be drawn", figure.path)
            return
        view = renderer.viewBoxF()
        if view.isEmpty():
            view = QRectF(0, 0, max(1, renderer.defaultSize().width()),
                          max(1, renderer.defaultSize().height()))  # fmt: skip
        target = _fit(view.width(), view.height(), box)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, target)
        return
    image = QImage.fromData(figure.data)
    if image.isNull():
        log.warning("the picture %s could not be drawn", figure.path)
        return
    target = _fit(image.width(), image.height(), box)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(target, image)


def _fit(width: float, height: float, box: QRectF) -> QRectF:
    scale = min(box.width() / max(1e-9, width), box.height() / max(1e-9, height))
    w, h = width * scale, height * scale
    return QRectF(box.left() + (box.width() - w) / 2, box.top() + (box.height() - h) / 2, w, h)


def figure_aspect(figure: Figure) -> float:
    """Width over height of the picture (drawn poses are worked out, files measured)."""
    if isinstance(figure, Pose):
        return drawing_for(figure).aspect
    if figure.kind == "png":
        image = QImage.fromData(figure.data)
        return image.width() / image.height() if not image.isNull() else 1.0
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(figure.data))
    size = renderer.viewBoxF().size() if renderer.isValid() else None
    if size is None or size.isEmpty():
        return 1.0
    return size.width() / size.height()


class FigureView(QWidget):
    """Shows one stretch's picture, for one side; paints a cached pixmap and nothing else."""

    def __init__(self, parent: QWidget, *, minimum: QSize | None = None) -> None:
        super().__init__(parent)
        self._figure: Figure | None = None
        self._side: Side | None = None
        self._aspect: float | None = None
        self._cache: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self.renders = 0
        """How many times the picture was drawn (not taken from the cache): for tests."""
        self.paints = 0
        """How many times the widget was painted at all: for tests."""
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if minimum is not None:
            self.setMinimumSize(minimum)
        self.setAccessibleName("Picture of the stretch")

    @property
    def figure(self) -> Figure | None:
        return self._figure

    @property
    def side(self) -> Side | None:
        return self._side

    def set_figure(self, figure: Figure | None, side: Side | None = None) -> None:
        """Show ``figure`` for ``side`` (the left side mirrored); repaints only on a change."""
        if figure is self._figure and side == self._side:
            return
        if figure != self._figure:
            self._cache.clear()
            self._aspect = None
        self._figure, self._side = figure, side
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 240)

    def aspect(self) -> float | None:
        """Width over height of the picture shown (None when there is none)."""
        if self._figure is None:
            return None
        if self._aspect is None:
            self._aspect = figure_aspect(self._figure)
        return self._aspect

    def _background(self) -> QColor:
        return _opaque(self.palette().color(self.backgroundRole()))

    def _key(self) -> Hashable:
        palette = self.palette()
        colours = tuple(
            palette.color(role).rgb()
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Highlight)
        )
        return (
            self.width(),
            self.height(),
            self.devicePixelRatioF(),
            self._side,
            colours,
            self._background().rgb(),
        )

    def pixmap(self) -> QPixmap | None:
        """The picture at the current size, side and palette (drawn only when not cached)."""
        if self._figure is None or self.width() < 2 or self.height() < 2:
            return None
        key = self._key()
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        image = render_figure(
            self._figure,
            self.size(),
            self.palette(),
            side=self._side,
            background=self._background(),
            device_pixel_ratio=self.devicePixelRatioF(),
        )
        self.renders += 1
        pixmap = QPixmap.fromImage(image)
        self._cache[key] = pixmap
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        pixmap = self.pixmap()
        if pixmap is None:
            painter.fillRect(self.rect(), self._background())
        else:
            painter.drawPixmap(0, 0, pixmap)
        painter.end()
