"""Pictures on screen: every bundled figure drawn, mirrored, fitted; the session page and the
picker showing them; the palette recolouring them; repaints that cost nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.model import Stretch
from desktop_app.pose import FigureFile, Pose
from desktop_app.routines import load_library
from desktop_app.ui.app import build_window
from desktop_app.ui.figure_view import MARGIN, FigureView, drawing_for, render_figure, tones
from desktop_app.ui.window import MainWindow
from tests.conftest import BUNDLED, FakeClock
from tests.test_figure_format import SVG, png_bytes

LIGHT = QColor("#f4f4f4")
DARK = QColor("#202124")


def palette(text: str, window: str, highlight: str = "#2a82da") -> QPalette:
    result = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        result.setColor(group, QPalette.ColorRole.WindowText, QColor(text))
        result.setColor(group, QPalette.ColorRole.Window, QColor(window))
        result.setColor(group, QPalette.ColorRole.Base, QColor(window))
        result.setColor(group, QPalette.ColorRole.Highlight, QColor(highlight))
    return result


LIGHT_PALETTE = palette("#111111", LIGHT.name())
DARK_PALETTE = palette("#eeeeee", DARK.name(), "#8ab4f8")


def bundled() -> dict[str, Stretch]:
    return dict(load_library([BUNDLED]).library.stretches)


def ink(image: QImage, background: QColor) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) of the pixels that are not the background."""
    ground = background.rgb()
    xs: list[int] = []
    ys: list[int] = []
    for y in range(image.height()):
        for x in range(image.width()):
            if image.pixel(x, y) != ground:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def render(figure: Pose | FigureFile, size: QSize, side: str | None = None) -> QImage:
    return render_figure(figure, size, LIGHT_PALETTE, side=side, background=LIGHT)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- drawing


@pytest.mark.parametrize("stretch_id", sorted(bundled()))
def test_every_bundled_figure_draws_inside_its_box_as_large_as_fits(
    qapp: object, stretch_id: str
) -> None:
    figure = bundled()[stretch_id].figure
    assert isinstance(figure, Pose)
    aspect = drawing_for(figure).aspect
    for width, height in ((300, 200), (120, 300), (640, 200), (64, 48)):
        image = render(figure, QSize(width, height))
        box = ink(image, LIGHT)
        assert box is not None, f"{stretch_id} drew nothing at {width}x{height}"
        left, top, right, bottom = box
        margin = MARGIN * min(width, height)
        slack = 2  # antialiased edges
        assert left >= margin - slack
        assert top >= margin - slack
        assert right <= width - margin + slack
        assert bottom <= height - margin + slack
        # As large as fits: it reaches across the box one way or the other.
        drawn_w, drawn_h = right - left + 1, bottom - top + 1
        inner_w, inner_h = width - 2 * margin, height - 2 * margin
        assert drawn_w >= inner_w - 2 * slack - 2 or drawn_h >= inner_h - 2 * slack - 2
        # And keeps its proportions.
        if min(drawn_w, drawn_h) > 40:
            assert drawn_w / drawn_h == pytest.approx(aspect, rel=0.08)


@pytest.mark.parametrize("stretch_id", sorted(bundled()))
def test_the_left_side_is_the_right_side_mirrored(qapp: object, stretch_id: str) -> None:
    figure = bundled()[stretch_id].figure
    assert isinstance(figure, Pose)
    size = QSize(260, 180)
    right = render(figure, size, "right")
    left = render(figure, size, "left")
    assert left == right.flipped(Qt.Orientation.Horizontal)
    assert left != right  # no bundled picture is symmetric: the side shows
    assert render(figure, size) == right  # an unsided stretch is drawn as written


def test_every_colour_is_opaque_and_follows_the_palette(qapp: object) -> None:
    for pal, ground in ((LIGHT_PALETTE, LIGHT), (DARK_PALETTE, DARK)):
        colours = tones(pal, ground)
        assert all(colour.alpha() == 255 for colour in colours.values())
        assert colours["body"] == pal.color(QPalette.ColorRole.WindowText)
        assert colours["accent"] == pal.color(QPalette.ColorRole.Highlight)
        assert colours["paper"] == ground
        assert len({c.rgb() for c in colours.values()}) == len(colours)
    # A highlight the body colour would hide is replaced by one that shows.
    grey = palette("#333333", "#ffffff", "#353535")
    assert tones(grey, QColor("#ffffff"))["accent"] != QColor("#353535")


def test_the_highlighted_area_is_in_the_accent_colour(qapp: object) -> None:
    figure = bundled()["towel-hamstring"].figure
    assert isinstance(figure, Pose)
    image = render(figure, QSize(300, 200))
    accent = LIGHT_PALETTE.color(QPalette.ColorRole.Highlight).rgb()
    count = sum(
        image.pixel(x, y) == accent for y in range(image.height()) for x in range(image.width())
    )
    assert count > 100


def test_picture_files_draw_and_a_broken_one_leaves_the_box_blank(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    size = QSize(200, 100)
    svg = render(FigureFile("x.svg", "svg", SVG.encode()), size)
    box = ink(svg, LIGHT)
    assert box is not None
    assert box[2] - box[0] > 150  # a 2:1 picture fills the width
    png = render(FigureFile("x.png", "png", png_bytes(40, 20)), size)
    assert ink(png, LIGHT) is not None
    with caplog.at_level(logging.WARNING):
        broken = render(FigureFile("x.png", "png", png_bytes()[:40]), size)
        nothing = render(FigureFile("x.svg", "svg", b"<svg><g></svg>"), size)
    assert ink(broken, LIGHT) is None
    assert ink(nothing, LIGHT) is None
    assert "could not be drawn" in caplog.text


# ---------------------------------------------------------------------------- the widget


def shown_view(qtbot: QtBot, stretch_id: str, side: str | None) -> tuple[QWidget, FigureView]:
    """A FigureView of 240x160 showing a bundled stretch, in a light window on screen."""
    host = QWidget()
    qtbot.addWidget(host)
    host.setPalette(LIGHT_PALETTE)
    view = FigureView(host)
    view.resize(240, 160)
    view.set_figure(bundled()[stretch_id].figure, side)  # type: ignore[arg-type]
    host.show()
    qtbot.waitExposed(host)
    return host, view


def test_the_view_draws_once_and_then_repaints_from_its_cache(qtbot: QtBot) -> None:
    _host, view = shown_view(qtbot, "wall-calf", "left")  # _host keeps the view alive
    figure = view.figure
    qtbot.waitUntil(lambda: view.renders == 1)
    for _ in range(5):
        view.repaint()
    view.set_figure(figure, "left")  # the same again: nothing to do
    view.repaint()
    assert view.renders == 1
    view.set_figure(figure, "right")
    view.repaint()
    assert view.renders == 2
    view.set_figure(figure, "left")  # back: the cached picture
    view.repaint()
    assert view.renders == 2
    view.resize(300, 200)
    view.repaint()
    assert view.renders == 3
    shown = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    expected = render_figure(
        figure,  # type: ignore[arg-type]
        QSize(300, 200),
        view.palette(),
        side="left",
        background=view.palette().color(view.backgroundRole()),
    )
    assert shown == expected


def test_a_palette_change_recolours_the_picture(qtbot: QtBot) -> None:
    host, view = shown_view(qtbot, "seated-chair-hamstring", None)

    def colours() -> set[int]:
        image = view.grab().toImage()
        return {image.pixel(x, y) for y in range(0, 160, 2) for x in range(0, 240, 2)}

    light = colours()
    assert QColor("#111111").rgb() in light
    assert LIGHT.rgb() in light
    host.setPalette(DARK_PALETTE)
    qtbot.waitUntil(lambda: DARK.rgb() in colours())
    dark = colours()
    assert QColor("#eeeeee").rgb() in dark
    assert QColor("#8ab4f8").rgb() in dark
    assert QColor("#111111").rgb() not in dark
    assert LIGHT.rgb() not in dark


# ---------------------------------------------------------------------------- in the window


@pytest.fixture
def real_window(
    qtbot: QtBot, clock: FakeClock, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setattr(MainWindow, "confirm_stop", lambda self, quitting=False: True)
    window = build_window(load_library([BUNDLED]).library, {}, data_dir, clock=clock)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_session_shows_the_picture_of_the_side_in_progress(
    qtbot: QtBot, real_window: MainWindow, clock: FakeClock
) -> None:
    window = real_window
    assert window.select_routine("hamstring-basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    page = window.session_page
    view = page.figure_view
    towel = bundled()["towel-hamstring"].figure
    qtbot.waitUntil(view.isVisible)
    assert view.figure == towel
    assert view.side == "left"
    assert view.width() >= 200  # large, beside the ring
    assert view.height() >= 150
    assert view.x() >= page.countdown.mapTo(page, page.countdown.rect().topRight()).x()
    left = view.grab().toImage()
    for _ in range(4):  # the rest of this hold, then the pause before the other side
        if view.side == "right":
            break
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert view.side == "right"
    qtbot.waitUntil(lambda: view.grab().toImage() != left)
    right = view.grab().toImage()
    assert right.flipped(Qt.Orientation.Horizontal) == left
    # Ticking the countdown paints the ring, never the picture...
    for _ in range(3):  # the side change's own repaint goes through first
        QApplication.processEvents()
    paints, ring = view.paints, page.countdown.grab().toImage()
    for _ in range(5):
        clock.advance(1)
        window.controller.refresh()
        QApplication.processEvents()
    assert page.countdown.grab().toImage() != ring  # the ring did move
    assert view.paints == paints
    # ...and even a repaint of the whole page takes the picture from its cache.
    renders = view.renders
    for _ in range(3):
        page.repaint()
    assert view.renders == renders
    # The next stretch brings its own picture.
    while window.controller.snapshot().hold.stretch.id == "towel-hamstring":  # type: ignore[union-attr]
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert view.figure == bundled()["doorway-hamstring"].figure


def test_the_picture_is_not_hidden_at_1000x700_and_fits_800x600(
    qtbot: QtBot, real_window: MainWindow
) -> None:
    window = real_window
    assert window.select_routine("hamstring-basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    page = window.session_page
    for width, height in ((1000, 700), (800, 600)):
        window.resize(width, height)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        for widget in (page.figure_view, page.countdown):
            assert widget.isVisible()
            top_left = widget.mapTo(window, widget.rect().topLeft())
            bottom_right = widget.mapTo(window, widget.rect().bottomRight())
            assert window.rect().contains(top_left)
            assert window.rect().contains(bottom_right)
        assert page.figure_view.width() >= 160
        assert min(page.countdown.width(), page.countdown.height()) >= 180


def test_the_stopped_screen_puts_the_picture_away(
    qtbot: QtBot, real_window: MainWindow, clock: FakeClock
) -> None:
    window = real_window
    assert window.select_routine("hamstring-basics")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    clock.advance(6)
    window.controller.refresh()
    qtbot.keyClick(window, Qt.Key.Key_P)  # pain stops the stretch
    assert window.session_page.halted
    assert not window.session_page.figure_view.isVisible()


def test_the_picker_cards_show_each_stretch_small_and_larger_when_opened(
    qtbot: QtBot, real_window: MainWindow
) -> None:
    window = real_window
    assert window.select_routine("heel-pain-relief")
    cards = window.picker.cards
    assert len(cards) == 4
    for card in cards:
        assert card.figure_view is not None
        assert card.figure_view.isVisible()
        assert card.figure_view.figure == card.step.stretch.figure
        assert ink(card.figure_view.grab().toImage(), card.figure_view.palette().color(
            card.figure_view.backgroundRole())) is not None  # fmt: skip
    small = cards[1].figure_view.height()  # type: ignore[union-attr]
    assert 40 <= small <= 120
    qtbot.mouseClick(cards[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cards[1].expanded)
    assert cards[1].figure_view.height() == 2 * small  # type: ignore[union-attr]


def test_the_picker_draws_its_pictures_only_after_the_first_paint(qtbot: QtBot) -> None:
    from desktop_app.ui.picker import PickerPage

    host = QWidget()
    qtbot.addWidget(host)
    page = PickerPage(host, load_library([BUNDLED]).library, {})
    cards = page.cards
    assert cards
    # The place for each picture is kept, so nothing moves when the pictures come in...
    assert all(card.picture_slot is not None for card in cards)
    sizes = [card.picture_slot.size() for card in cards]  # type: ignore[union-attr]
    # ...but none is drawn (nor its module imported by the picker) before the window shows.
    assert all(card.figure_view is None for card in cards)
    host.show()
    qtbot.waitUntil(lambda: all(card.figure_view is not None for card in cards))
    assert [card.picture_slot.size() for card in cards] == sizes  # type: ignore[union-attr]


def test_the_picker_names_pictures_left_out_apart_from_files_left_out(
    qtbot: QtBot, data_dir: Path
) -> None:
    library = load_library([BUNDLED]).library
    pictures = {"mine.yaml": ("mine.yaml:6:13: cannot read the picture 'x.svg': no such file",)}
    window = build_window(library, {}, data_dir, picture_errors=pictures)
    qtbot.addWidget(window)
    page = window.picker
    assert not page.errors_box.isHidden()
    assert page.errors_title.text() == (
        "1 picture could not be shown (the stretch is shown without it):"
    )
    assert "x.svg': no such file" in page.errors_text.toPlainText()
    both = build_window(library, {"bad.yaml": ("bad.yaml:1:1: oops",)}, data_dir,
                        picture_errors={**pictures, "b.yaml": ("b", "c")})  # fmt: skip
    qtbot.addWidget(both)
    assert both.picker.errors_title.text() == (
        "1 file could not be loaded (left out); 3 pictures could not be shown (the stretch is "
        "shown without it):"
    )
