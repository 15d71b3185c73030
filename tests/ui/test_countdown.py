"""The countdown costs what a clock costs: it repaints only what changed, with opaque colours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPalette, QPen, QRegion
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui import countdown as countdown_module
from desktop_app.ui.countdown import CountdownWidget, mixed
from desktop_app.ui.window import MainWindow
from tests.conftest import FakeClock
from tests.ui.conftest import BASICS


class Paints(QObject):
    """Every paint and layout request the application delivers, per widget."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: dict[QWidget, list[QRegion]] = {}
        self.layouts: list[QObject] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            self.regions.setdefault(watched, []).append(QRegion(event.region()))
        elif event.type() == QEvent.Type.LayoutRequest:
            self.layouts.append(watched)
        return False

    def painted(self) -> set[QWidget]:
        return set(self.regions)

    def region(self, widget: QWidget) -> QRegion:
        total = QRegion()
        for region in self.regions.get(widget, []):
            total += region
        return total


def settle() -> None:
    """Deliver what is posted (update requests, layouts) and paint, as the event loop would.

    A layout request can post another to the parent; a few rounds let a resize settle.
    """
    for _ in range(6):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


@pytest.fixture
def paints() -> Iterator[Paints]:
    spy = Paints()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(spy)
    yield spy
    app.removeEventFilter(spy)


def area(region: QRegion) -> int:
    return sum(rect.width() * rect.height() for rect in region)


def into_the_hold(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.resize(1000, 700)
    assert window.select_routine(BASICS.id)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    clock.advance(5.5)  # past "get into position": 0.5 s into the 30 s hold
    window.controller.refresh()
    page = window.session_page
    qtbot.waitUntil(lambda: page.countdown.height() > 300)
    settle()


def test_a_second_repaints_the_number_and_the_ring_not_the_page(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, paints: Paints
) -> None:
    into_the_hold(qtbot, window, clock)
    page = window.session_page
    ring = page.countdown
    assert ring.text == "30"
    left = page.progress_label.text()
    paints.regions.clear()
    paints.layouts.clear()

    clock.advance(1.0)
    window.controller.refresh()
    settle()

    assert ring.text == "29"
    assert page.progress_label.text() != left  # "· 3:50 left" and so on
    # Only the ring and the label whose text changed; nothing behind them.
    assert paints.painted() == {ring, page.progress_label}
    assert paints.region(ring).subtracted(QRegion(ring.rect())).isEmpty()
    assert area(paints.region(ring)) < 0.5 * ring.width() * ring.height()
    # The time left changed width, but nothing was laid out again.
    assert paints.layouts == []


def test_between_two_seconds_only_the_end_of_the_ring_is_repainted(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, paints: Paints
) -> None:
    into_the_hold(qtbot, window, clock)
    ring = window.session_page.countdown
    paints.regions.clear()

    clock.advance(0.2)
    window.controller.refresh()
    settle()

    assert ring.text == "30"
    assert paints.painted() == {ring}
    # A 30 s hold moves the ring 2.4 degrees in 0.2 s: a few pixels, not the widget.
    assert 0 < area(paints.region(ring)) < 0.03 * ring.width() * ring.height()


def test_labels_repaint_only_when_their_text_changes(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, paints: Paints
) -> None:
    into_the_hold(qtbot, window, clock)
    page = window.session_page
    paints.regions.clear()
    for _ in range(3):
        clock.advance(1.0)
        window.controller.refresh()
        settle()
    labels = {w for w in paints.painted() if isinstance(w, QLabel)}
    assert labels == {page.progress_label}
    assert len(paints.regions[page.progress_label]) == 3


def test_the_time_left_keeps_its_size_and_follows_the_text_size(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    into_the_hold(qtbot, window, clock)
    label = window.session_page.progress_label
    size = label.size()
    for _ in range(12):  # every digit comes by
        clock.advance(1.0)
        window.controller.refresh()
        settle()
        assert label.size() == size
        assert label.width() >= label.sizeHint().width()
    point_size = label.font().pointSizeF()
    window.resize(1600, 1000)  # the page's text grows with it
    qtbot.waitUntil(lambda: label.font().pointSizeF() > point_size)
    settle()
    assert label.width() >= label.sizeHint().width() > size.width()


def test_the_controller_paces_the_ring_by_its_size_on_screen(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    into_the_hold(qtbot, window, clock)
    ring = window.session_page.countdown
    assert ring.ring_length() > 900
    assert window.controller.ring_length == pytest.approx(ring.ring_length())
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.controller.ring_length < ring.ring_length() + 1)
    assert window.controller.ring_length == pytest.approx(ring.ring_length())


# ------------------------------------------------------------------ the ring alone


@pytest.fixture
def ring(qtbot: QtBot) -> Iterator[CountdownWidget]:
    owner = QWidget()
    qtbot.addWidget(owner)
    widget = CountdownWidget(owner)
    widget.resize(420, 400)
    owner.show()
    qtbot.waitExposed(owner)
    yield widget  # while ``owner`` keeps it alive
    owner.close()


def changed_pixels(before: QImage, after: QImage) -> QRegion:
    """Every pixel that differs between two pictures of the same size."""
    assert before.size() == after.size()
    line = before.bytesPerLine()
    first, second = bytes(before.constBits()), bytes(after.constBits())
    changed = QRegion()
    for y in range(before.height()):
        if first[y * line : (y + 1) * line] == second[y * line : (y + 1) * line]:
            continue
        for x in range(before.width()):
            if before.pixel(x, y) != after.pixel(x, y):
                changed += QRect(x, y, 1, 1)
    return changed


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (("30", "hold", 1.0), ("30", "hold", 0.995)),  # the full ring's end leaves 12 o'clock
        (("30", "hold", 0.62), ("30", "hold", 0.615)),
        (("19", "hold", 0.62), ("18", "hold", 0.60)),  # the number and the ring
        (("2", "hold", 0.02), ("1", "hold", 0.004)),  # the ring's end comes back to 12
        (("1", "hold", 0.004), ("0", "hold", 0.0)),  # and goes
        (("5", "get ready", 0.5), ("5", "hold", 0.5)),  # the caption
        (("10", "hold", 0.9), ("10", "hold", 0.4)),  # back or skip: far
    ],
)
def test_the_repainted_part_covers_every_pixel_that_changed(
    ring: CountdownWidget,
    before: tuple[str, str, float],
    after: tuple[str, str, float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ring.set_state(*before)
    first = ring.grab().toImage()
    asked: list[QRegion] = []
    real_update = CountdownWidget.update

    def update(self: CountdownWidget, *args: object) -> None:
        asked.append(QRegion(args[0]) if args else QRegion(self.rect()))  # type: ignore[arg-type]
        real_update(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(CountdownWidget, "update", update)
    ring.set_state(*after)
    second = ring.grab().toImage()
    changed = changed_pixels(first, second)
    assert not changed.isEmpty()
    assert len(asked) == 1
    assert changed.subtracted(asked[0]).isEmpty()
    # Painting only that part over the old picture gives the new picture, pixel for pixel:
    # no seam where the repainted part meets the old pixels.
    patched = QImage(first)
    painter = QPainter(patched)
    where = asked[0].boundingRect().topLeft()  # render() puts the part's corner there
    ring.render(painter, where, asked[0], QWidget.RenderFlag.DrawChildren)
    painter.end()
    assert changed_pixels(patched.convertToFormat(second.format()), second).isEmpty()
    whole = ring.width() * ring.height()
    if before[2] - after[2] < 0.1:  # a small move repaints a small part
        small = 0.03 if before[:2] == after[:2] else 0.5
        assert area(asked[0]) < small * whole


def test_the_same_state_repaints_nothing(
    ring: CountdownWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring.set_state("12", "hold", 0.4)
    calls: list[object] = []
    monkeypatch.setattr(CountdownWidget, "update", lambda self, *args: calls.append(args))
    ring.set_state("12", "hold", 0.4)
    ring.set_state("12", "hold", 0.40001)  # moves the ring by less than Qt can draw
    assert calls == []


class PainterSpy(QPainter):
    """QPainter that records every colour it is given."""

    colours: ClassVar[list[QColor]] = []

    def setPen(self, pen: object) -> None:  # type: ignore[override]
        if isinstance(pen, QPen):
            self.colours.append(pen.color())
            if pen.brush().style() != Qt.BrushStyle.NoBrush:
                self.colours.append(pen.brush().color())
        elif isinstance(pen, QColor):
            self.colours.append(pen)
        super().setPen(pen)  # type: ignore[call-overload]

    def setBrush(self, brush: object) -> None:  # type: ignore[override]
        if isinstance(brush, QBrush) and brush.style() != Qt.BrushStyle.NoBrush:
            self.colours.append(brush.color())
        super().setBrush(brush)  # type: ignore[call-overload]

    def fillRect(self, *args: object) -> None:  # type: ignore[override]
        fill = args[-1]
        if isinstance(fill, QColor):
            self.colours.append(fill)
        elif isinstance(fill, QBrush):
            self.colours.append(fill.color())
        super().fillRect(*args)  # type: ignore[call-overload]


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("dimmed", [False, True])
@pytest.mark.parametrize("accent", [None, QColor("#c8701a")])
def test_every_colour_the_ring_paints_is_opaque(
    ring: CountdownWidget,
    monkeypatch: pytest.MonkeyPatch,
    dimmed: bool,
    accent: QColor | None,
    dark: bool,
) -> None:
    # A see-through colour sends Qt's raster painter to its thread pool, which woke two
    # threads more than a hundred times a second.
    monkeypatch.setattr(countdown_module, "QPainter", PainterSpy)
    PainterSpy.colours = []
    # A new palette: the ring draws its grey ring again, through the spy.
    ring.setPalette(QPalette(QColor("#2b2b2b") if dark else QColor("#f4f4f4")))
    ring.set_state("42", "paused" if dimmed else "hold", 0.6, accent, dimmed=dimmed)
    ring.repaint()
    assert len(PainterSpy.colours) >= 4  # grey ring, ring, number, caption
    assert [c.alpha() for c in PainterSpy.colours] == [255] * len(PainterSpy.colours)
    assert not ring.backdrop().hasAlphaChannel()
    # The grey ring and the caption still read as lighter than the text, as they did when
    # they were drawn see-through.
    colours = ring.colours()
    assert [c.alpha() for c in colours.values()] == [255] * len(colours)
    assert colours["track"] not in (colours["background"], colours["number"])
    assert colours["caption"] not in (colours["background"], colours["number"])
    assert ring.backdrop().pixelColor(2, 2) == colours["background"]


def test_mixed_is_the_colour_seen_through_at_that_share() -> None:
    seen = mixed(QColor(255, 255, 255), QColor(0, 0, 0), 0.12)
    assert seen.alpha() == 255
    assert seen.red() == seen.green() == seen.blue() == pytest.approx(224, abs=1)
    assert mixed(QColor("#102030"), QColor("#c8701a"), 1.0).name() == "#c8701a"


SPARE_SWITCHES = 4


def pool_switches() -> int:
    """Context switches so far of this process's Qt pool threads (Linux)."""
    total = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            if (task / "comm").read_text().strip() != "Thread (pooled)":
                continue
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:  # the thread ended
            continue
    return total


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_the_ring_never_wakes_qts_thread_pool(ring: CountdownWidget) -> None:
    before = pool_switches()
    ring.setPalette(QPalette(QColor("#f0f0f0")))  # the grey ring is drawn again too
    for second in range(30, 20, -1):
        for tenth in range(10):
            fraction = (second - tenth / 10) / 30
            ring.set_state(str(second), "hold", fraction)
            settle()
    ring.set_state("20", "paused", 0.66, dimmed=True)
    settle()
    ring.repaint()
    # A pool thread of an earlier test may still go to sleep or retire meanwhile.
    assert pool_switches() - before <= SPARE_SWITCHES

    # The check sees the pool: a see-through pen on a picture the ring's size wakes it.
    image = QImage(ring.size(), QImage.Format.Format_RGB32)
    before = pool_switches()
    for _ in range(5):
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(0, 0, 0, 30), 20))
        painter.drawEllipse(image.rect().adjusted(20, 20, -20, -20))
        painter.end()
    assert pool_switches() - before > 10 * SPARE_SWITCHES
