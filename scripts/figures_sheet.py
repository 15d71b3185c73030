"""A contact sheet of every bundled stretch's picture with its name: docs/figures.png.

Each picture is drawn by the app (the same code as the session page), as for the right side,
in a light theme; ``--dark`` draws the dark one, ``--side left`` the mirrored pictures. Runs
offscreen or under X:

    QT_QPA_PLATFORM=offscreen python scripts/figures_sheet.py docs/figures.png
    QT_QPA_PLATFORM=offscreen python scripts/figures_sheet.py /tmp/each --each   # one PNG each
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app import paths
from desktop_app.routines import load_library
from desktop_app.ui.figure_view import render_figure

CELL = QSize(360, 240)
CAPTION = 44
GAP = 12
THEMES = {
    "light": ("#1d1d1f", "#fbfbfb", "#2a82da", "#ffffff"),
    "dark": ("#e8eaed", "#26272b", "#8ab4f8", "#1b1c1f"),
}


def theme(name: str) -> tuple[QPalette, QColor, QColor]:
    text, cell, accent, page = (QColor(c) for c in THEMES[name])
    palette = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.WindowText, text)
        palette.setColor(group, QPalette.ColorRole.Window, cell)
        palette.setColor(group, QPalette.ColorRole.Highlight, accent)
    return palette, cell, page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the sheet's PNG, or a folder with --each")
    parser.add_argument("--columns", type=int, default=3)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--side", choices=("left", "right"), default="right")
    parser.add_argument("--each", action="store_true", help="one 720x480 PNG per stretch")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    palette, cell, page = theme("dark" if args.dark else "light")
    library = load_library([paths.resources_dir() / "routines.yaml"]).library
    stretches = [s for s in library.stretches.values() if s.figure is not None]
    side = args.side if args.side == "left" else None
    if args.each:
        args.out.mkdir(parents=True, exist_ok=True)
        for number, stretch in enumerate(stretches, start=1):
            assert stretch.figure is not None
            image = render_figure(
                stretch.figure, QSize(720, 480), palette, side=side, background=cell
            )
            path = args.out / f"{number:02d}.png"  # numbered, not named: the reader guesses
            image.save(str(path))
            print(f"{path} {stretch.id}")
        return 0
    rows = (len(stretches) + args.columns - 1) // args.columns
    width = args.columns * (CELL.width() + GAP) + GAP
    height = rows * (CELL.height() + CAPTION + GAP) + GAP
    sheet = QImage(width, height, QImage.Format.Format_RGB32)
    sheet.fill(page)
    painter = QPainter(sheet)
    font = QFont(app.font())  # type: ignore[attr-defined]
    font.setPixelSize(16)
    font.setWeight(QFont.Weight.DemiBold)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorRole.WindowText))
    for index, stretch in enumerate(stretches):
        assert stretch.figure is not None
        x = GAP + (index % args.columns) * (CELL.width() + GAP)
        y = GAP + (index // args.columns) * (CELL.height() + CAPTION + GAP)
        image = render_figure(stretch.figure, CELL, palette, side=side, background=cell)
        painter.fillRect(QRect(x, y, CELL.width(), CELL.height() + CAPTION), cell)
        painter.drawImage(x, y, image)
        caption = QRect(x + 8, y + CELL.height(), CELL.width() - 16, CAPTION - 6)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.drawText(caption, int(flags | Qt.TextFlag.TextWordWrap), stretch.name)
    painter.end()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(str(args.out))
    print(f"wrote {args.out} ({len(stretches)} pictures, {width}x{height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
