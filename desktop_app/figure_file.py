"""Checks a picture file a routine names: a PNG or an SVG, bounded, self-contained (no Qt).

The bytes are read once, through the guarded reader (a FIFO, device or folder is refused and
never blocks), and kept: the window draws from them and never opens the path again. An SVG
that refers to anything outside itself (another file, an address, an external entity) is
refused, so drawing it can reach neither the disk nor the network.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any, Literal

from desktop_app.safe_read import TooLargeError, UnreadableError, read_limited

MAX_SVG_BYTES = 1024 * 1024
MAX_PNG_BYTES = 4 * 1024 * 1024
MAX_PNG_SIDE = 8192
MAX_PNG_PIXELS = 16 * 1024 * 1024
MAX_SVG_ELEMENTS = 50_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SUFFIXES: dict[str, Literal["svg", "png"]] = {".svg": "svg", ".png": "png"}
_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
# Embedded bitmaps only: an embedded SVG could itself point outside.
_EMBEDDED = re.compile(r"^data:image/(?:png|jpeg|gif);", re.IGNORECASE)


def check_picture(path: Path, written: str) -> tuple[Literal["svg", "png"], bytes] | str:
    """The picture's kind and bytes, or a sentence saying why it cannot be shown."""
    name = f"the picture '{_short(written)}'"
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return f"{name} must be an SVG or PNG file (ending in .svg or .png)"
    limit = MAX_SVG_BYTES if kind == "svg" else MAX_PNG_BYTES
    try:
        data = read_limited(path, limit)
    except TooLargeError as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else "too large"
        return f"{name} is {size}; the limit is {limit // (1024 * 1024)} MiB"
    except UnreadableError as exc:
        return f"cannot read {name}: {exc.message}"
    problem = _png_problem(data) if kind == "png" else _svg_problem(data)
    if problem is not None:
        return f"{name} {problem}"
    return kind, data


def _png_problem(data: bytes) -> str | None:
    if not data.startswith(PNG_SIGNATURE):
        return "is not a PNG image"
    if len(data) < 33 or data[12:16] != b"IHDR":
        return "is a damaged PNG image (it has no header)"
    width, height = struct.unpack(">II", data[16:24])
    if width == 0 or height == 0:
        return "is a damaged PNG image (no width or height)"
    if width > MAX_PNG_SIDE or height > MAX_PNG_SIDE or width * height > MAX_PNG_PIXELS:
        return (
            f"is {width:,} x {height:,} pixels; the limit is {MAX_PNG_SIDE:,} on a side and "
            f"{MAX_PNG_PIXELS // (1024 * 1024)} million pixels"
        )
    return None


def _svg_problem(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if data.startswith((PNG_SIGNATURE, b"\xff\xd8", b"GIF8")) or b"\x00" in data[:512]:
            return "is not an SVG image (it is not text)"
        return "is not an SVG image in UTF-8 text"
    if "<!ENTITY" in text or "<!entity" in text:
        return "declares XML entities, which pictures may not use"
    if "<?xml-stylesheet" in text:
        return "refers to a style sheet outside itself (xml-stylesheet)"
    import xml.etree.ElementTree as ET  # only when a routine file names an SVG

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        return f"is not a valid SVG image (XML error at its line {line}, column {column + 1})"
    if root.tag not in ("svg", f"{_SVG_NAMESPACE}svg"):
        return "is not an SVG image (its first element is not <svg>)"
    for count, element in enumerate(root.iter(), start=1):
        if count > MAX_SVG_ELEMENTS:
            return f"has more than {MAX_SVG_ELEMENTS:,} elements"
        problem = _outside_reference(element)
        if problem is not None:
            return problem
    return None


def _outside_reference(element: Any) -> str | None:
    """Why ``element`` reaches outside the file (None when it does not)."""
    for attribute, value in element.attrib.items():
        local = attribute.rsplit("}", 1)[-1]
        if local == "href" and not _inside(value):
            return (
                f"refers to '{_short(value)}' outside itself: a picture must hold everything "
                "it shows (embed images as data: addresses)"
            )
        if "url(" in value.lower():
            for target in _URL.findall(value):
                if not _inside(target):
                    return f"refers to '{_short(target)}' outside itself in a style"
    if element.tag.rsplit("}", 1)[-1] == "style" and element.text:
        if _IMPORT.search(element.text):
            return "imports a style sheet from outside itself (@import)"
        for target in _URL.findall(element.text):
            if not _inside(target):
                return f"refers to '{_short(target)}' outside itself in a style"
    return None


def _inside(reference: str) -> bool:
    """A reference to a part of the same file, or a bitmap embedded in it."""
    value = reference.strip()
    return value.startswith("#") or _EMBEDDED.match(value) is not None


def _short(text: str, limit: int = 60) -> str:
    shown = text if len(text) <= limit else text[:limit] + "…"
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in shown)
