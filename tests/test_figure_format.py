"""The figure: key: a pose or a picture file, every problem located, only the picture left out."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest

from desktop_app.figure_file import MAX_PNG_BYTES, check_picture
from desktop_app.pose import FigureFile, Pose
from desktop_app.routines import PictureError, RoutineFileError, load_library, parse_routines
from tests.conftest import BUNDLED

REPO = BUNDLED.parent.parent


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A real PNG of grey pixels (the header may claim another size with ``claimed``)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20">'
    '<rect x="2" y="2" width="36" height="16" fill="#336699"/></svg>'
)


def routine_file(folder: Path, figure: str, name: str = "mine.yaml") -> Path:
    path = folder / name
    path.write_text(
        textwrap.dedent(
            f"""\
            format: 1
            stretches:
              mine:
                name: Mine
                instructions: [Do it.]
                figure: {figure}
            routines:
              - id: mine
                name: Mine
                steps: [{{stretch: mine, hold: 10}}]
            """
        ),
        encoding="utf-8",
    )
    return path


def validate(*paths: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )


# ---------------------------------------------------------------------------- poses

POSE_FILE = """\
format: 1
stretches:
  a:
    name: A
    instructions: [x]
    figure:
      base: lying-on-bak
      hips: {near: 200, side: 3}
      knees: flat
      ankles: {far: flat, near: 10}
      elbows: {}
      props: [towel, {wall: near-nose}, {stool: hands}, {towel: {from: near-foot}}, chair, rope]
      highlight: [near-hamstrings, back]
      tail: 3
  b:
    name: B
    instructions: [x]
    figure:
      hips: 90
      trunk: forward
      head: 1_000
      props: {towel: near-foot}
      highlight: near-hamstring
  c:
    name: C
    instructions: [x]
    figure: [standing]
  d:
    name: D
    instructions: [x]
    figure: {base: standing, props: [{floor: hands}, {band: {to: far-heel, from: hands, at: x}}]}
routines:
  - {id: r, name: R, steps: [{stretch: a, hold: 10}, {stretch: c, hold: 10}]}
"""


def test_every_pose_problem_is_located_and_the_file_still_loads() -> None:
    parsed = parse_routines(POSE_FILE, "poses.yaml")
    found = {(e.line, e.column): e.message for e in parsed.picture_errors}
    where = "in the figure of stretch"
    assert found == {
        (7, 13): f"unknown base position 'lying-on-bak' {where} 'a' (did you mean "
        "'lying-on-back'?)",
        (8, 20): f"near hips {where} 'a' must be between -45 and 180 degrees, not 200",
        (8, 25): f"unknown key 'side' in hips {where} 'a'",
        (9, 14): f"knees {where} 'a' must be an angle in degrees (0 to 160), not 'flat'",
        (11, 15): f"elbows {where} 'a' is empty: give near:, far: or both",
        (12, 29): f"unknown place 'near-nose' for the wall {where} 'a' (did you mean 'near-toes'?)",
        (12, 49): "a stool goes under a foot (near-heel, near-arch, near-ball or feet), not "
        f"'hands', {where} 'a'",
        (12, 57): f"the towel is listed twice in the props {where} 'a'",
        (12, 72): f"unknown hand 'near-foot' to hold the towel {where} 'a' (one of hands, "
        "near-hand, far-hand)",
        (12, 92): f"unknown prop 'rope' {where} 'a' (one of floor, wall, door-frame, chair, "
        "stool, step, towel, band, foam-roller, rolled-mat, bottle)",
        (13, 19): f"unknown area 'near-hamstrings' to highlight {where} 'a' (did you mean "
        "'near-hamstring'?)",
        (14, 7): f"unknown key 'tail' {where} 'a'",
        (19, 7): f"missing 'base' {where} 'b': one of lying-on-back, lying-face-down, "
        "sitting-on-floor, sitting-on-chair, standing, kneeling",
        (20, 14): f"trunk {where} 'b' must be an angle in degrees (-100 to 100), not 'forward'",
        (21, 13): f"head {where} 'b' must be a plain number of degrees, such as 45, not '1_000'",
        (22, 14): f"props {where} 'b' must be a list, such as [towel] or [wall, stool], not "
        "a mapping",
        (27, 13): "the figure of stretch 'c' must be the path of an SVG or PNG picture, or a "
        "pose (a mapping with 'base:' and joint angles), not a list",
        (31, 46): f"the floor {where} 'd' takes no place: write just 'floor'",
        (31, 89): f"unknown key 'at' in the band {where} 'd'",
    }
    assert all(isinstance(e, PictureError) for e in parsed.picture_errors)
    # Only the pictures are left out: every stretch and the routine are there.
    assert set(parsed.stretches) == {"a", "b", "c", "d"}
    assert all(raw.stretch.figure is None for raw in parsed.stretches.values())
    assert [r.id for r in parsed.routines] == ["r"]


def test_a_highlight_without_a_side_picks_out_both_legs_and_a_pose_needs_few_lines() -> None:
    text = """\
format: 1
stretches:
  a:
    name: A
    instructions: [x]
    figure:
      base: standing
      knees: 10
      ankles: {near: flat}
      props: [{wall: hands}, {towel: {to: near-heel}}]
      highlight: calf
"""
    parsed = parse_routines(text, "few.yaml")
    assert parsed.picture_errors == []
    pose = parsed.stretches["a"].stretch.figure
    assert isinstance(pose, Pose)
    assert pose.highlight == ("near-calf", "far-calf")
    assert pose.angles.near_knees == pose.angles.far_knees == 10
    assert pose.angles.near_ankles is None
    assert pose.angles.far_ankles is None  # standing: the base keeps both feet flat
    assert [(p.kind, p.at, p.hand) for p in pose.props] == [
        ("wall", "hands", "hands"),
        ("towel", "near-heel", "hands"),
    ]


def test_a_figure_error_beside_other_errors_is_listed_with_them() -> None:
    text = "format: 1\nstretches:\n  a:\n    name: A\n    instructions: [x]\n    tips: 3\n"
    text += "    figure: {base: sitting}\n"
    with pytest.raises(RoutineFileError) as caught:
        parse_routines(text, "both.yaml")
    lines = [str(e) for e in caught.value.errors]
    assert lines == [
        "both.yaml:6:11: tips in stretch 'a' must be a list (lines starting with '- '), not '3'",
        "both.yaml:7:20: unknown base position 'sitting' in the figure of stretch 'a' (did you "
        "mean 'standing'?)",
    ]


def test_validate_lists_pose_problems_and_exits_1_while_list_still_shows_the_routine(
    tmp_path: Path,
) -> None:
    path = routine_file(tmp_path, "{base: standing, knees: 170}")
    result = validate(path)
    assert result.returncode == 1
    assert result.stdout == (
        f"{path}:6:37: knees in the figure of stretch 'mine' must be between 0 and 160 "
        "degrees, not 170\n"
    )
    listed = subprocess.run(
        [sys.executable, "-m", "desktop_app", "list", "--routines", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0
    assert "mine" in listed.stdout.split()
    assert "must be between 0 and 160 degrees" in listed.stderr


# ---------------------------------------------------------------------------- files


def test_svg_and_png_pictures_next_to_the_routine_file_load(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "mine.svg").write_text(SVG, encoding="utf-8")
    (tmp_path / "mine.png").write_bytes(png_bytes())
    svg = routine_file(tmp_path, "pics/mine.svg", "a.yaml")
    result = load_library([BUNDLED, svg])
    figure = result.library.stretches["mine"].figure
    assert isinstance(figure, FigureFile)
    assert figure.kind == "svg"
    assert figure.path == str(tmp_path / "pics" / "mine.svg")
    assert figure.data == SVG.encode()
    # Relative to the routine file, not to where the app was started.
    assert validate(svg, cwd=Path("/")).stdout == f"OK {svg} (1 stretches, 1 routines)\n"
    png = routine_file(tmp_path, "mine.png", "b.yaml")
    figure = load_library([png]).library.stretches["mine"].figure
    assert isinstance(figure, FigureFile)
    assert figure.kind == "png"
    assert validate(png).returncode == 0


@pytest.mark.parametrize(
    ("make", "written", "message"),
    [
        (None, "gone.svg", "cannot read the picture 'gone.svg': no such file"),
        (
            lambda p: p.write_text("not a picture"),
            "x.png",
            "the picture 'x.png' is not a PNG image",
        ),
        (
            lambda p: p.write_bytes(png_bytes()),
            "x.svg",
            "the picture 'x.svg' is not an SVG image (it is not text)",
        ),
        (
            lambda p: p.write_text("<html><body/></html>"),
            "x.svg",
            "the picture 'x.svg' is not an SVG image (its first element is not <svg>)",
        ),
        (
            lambda p: p.write_text("<svg><g></svg>"),
            "x.svg",
            "the picture 'x.svg' is not a valid SVG image (XML error at its line 1, column 11)",
        ),
        (
            lambda p: p.write_text(SVG),
            "x.gif",
            "the picture 'x.gif' must be an SVG or PNG file (ending in .svg or .png)",
        ),
        (
            lambda p: p.mkdir(),
            "x.svg",
            "cannot read the picture 'x.svg': it is a folder, not a file",
        ),
        (
            lambda p: os.mkfifo(p),
            "x.png",
            "cannot read the picture 'x.png': it is a named pipe (FIFO), not a file",
        ),
        (
            lambda p: p.write_bytes(png_bytes()[:20]),
            "x.png",
            "the picture 'x.png' is a damaged PNG image (it has no header)",
        ),
        (
            lambda p: p.write_bytes(
                png_bytes().replace(struct.pack(">II", 4, 3), struct.pack(">II", 9000, 9000))
            ),
            "x.png",
            "the picture 'x.png' is 9,000 x 9,000 pixels; the limit is 8,192 on a side and 16 "
            "million pixels",
        ),
    ],
)
def test_a_picture_that_cannot_be_shown_is_a_located_error(
    tmp_path: Path, make: object, written: str, message: str
) -> None:
    if make is not None:
        make(tmp_path / written)  # type: ignore[operator]
    path = routine_file(tmp_path, written)
    started = time.monotonic()
    result = validate(path)
    assert time.monotonic() - started < 30  # a FIFO is never opened for reading
    assert result.returncode == 1
    assert result.stdout == f"{path}:6:13: {message}\n"
    # The stretch and its routine still load, without a picture.
    loaded = load_library([path])
    assert loaded.library.stretches["mine"].figure is None
    assert [r.id for r in loaded.library.routines] == ["mine"]
    assert [str(e) for e in loaded.picture_errors[str(path)]] == [f"{path}:6:13: {message}"]


def test_a_picture_too_large_is_refused_whatever_size_it_claims(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with path.open("wb") as out:
        out.write(png_bytes())
        out.truncate(MAX_PNG_BYTES + 1)  # sparse: nothing is written to the disk
    assert check_picture(path, "big.png") == (
        f"the picture 'big.png' is {MAX_PNG_BYTES + 1:,} bytes; the limit is 4 MiB"
    )
    svg = tmp_path / "big.svg"
    svg.write_text("<svg>" + " " * (1024 * 1024) + "</svg>")
    assert check_picture(svg, "big.svg") == (
        f"the picture 'big.svg' is {svg.stat().st_size:,} bytes; the limit is 1 MiB"
    )


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        ('<image href="/etc/passwd.png" width="9" height="9"/>', "refers to '/etc/passwd.png'"),
        (
            '<image xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="cat.png"/>',
            "refers to 'cat.png'",
        ),
        ('<use href="other.svg#shape"/>', "refers to 'other.svg#shape'"),
        ('<rect fill="url(http://example.com/x.svg#p)"/>', "refers to 'http://example.com"),
        ("<style>@import url(x.css);</style>", "imports a style sheet"),
        ("<style>rect { fill: url('pattern.svg#p') }</style>", "refers to 'pattern.svg#p'"),
        ('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>', "refers to 'data:image/svg+xml"),
    ],
)
def test_an_svg_that_reaches_outside_itself_is_refused(
    tmp_path: Path, svg: str, problem: str
) -> None:
    path = tmp_path / "x.svg"
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{svg}</svg>', encoding="utf-8")
    checked = check_picture(path, "x.svg")
    assert isinstance(checked, str)
    assert problem in checked


def test_an_svg_with_entities_or_a_style_sheet_is_refused_and_its_own_references_are_fine(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.svg"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "utf-8"
    )
    assert check_picture(path, "x.svg") == (
        "the picture 'x.svg' declares XML entities, which pictures may not use"
    )
    path.write_text('<?xml-stylesheet href="s.css"?><svg/>', "utf-8")
    assert "style sheet outside itself" in str(check_picture(path, "x.svg"))
    own = (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
        '<rect fill="url(#g)"/><use href="#g"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo="/></svg>'
    )
    path.write_text(own, "utf-8")
    assert check_picture(path, "x.svg") == ("svg", own.encode())


def test_the_schema_describes_the_same_pose_vocabulary_as_the_app() -> None:
    import json

    from desktop_app.figure_spec import HIGHLIGHTS, POSE_KEYS
    from desktop_app.pose import BASES, PROPS, RANGES

    schema = json.loads((BUNDLED.parent / "routines.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert defs["stretch"]["properties"]["figure"]["$ref"] == "#/$defs/figure"
    pose = defs["pose"]["properties"]
    assert set(pose) == set(POSE_KEYS)
    assert pose["base"]["enum"] == list(BASES)
    for joint, (low, high) in RANGES.items():
        one = pose[joint] if "minimum" in pose[joint] else pose[joint]["anyOf"][0]
        one = one.get("anyOf", [one])[0]
        assert (one["minimum"], one["maximum"]) == (low, high), joint
    assert pose["props"]["items"]["anyOf"][0]["enum"] == list(PROPS)
    assert set(pose["props"]["items"]["anyOf"][1]["properties"]) == set(PROPS) - {"floor"}
    assert pose["highlight"]["anyOf"][0]["enum"] == list(HIGHLIGHTS)
