"""Reads one routine file from disk (a regular file, at most 1 MiB, UTF-8) and checks it."""

from __future__ import annotations

from pathlib import Path

from desktop_app.routine_format.parsed import ParsedFile, RoutineError, RoutineFileError
from desktop_app.routine_format.records import parse_routines
from desktop_app.routine_format.values import MAX_FILE_BYTES
from desktop_app.safe_read import TooLargeError, UnreadableError, read_limited


def read_routine_file(path: Path, display_name: str | None = None) -> ParsedFile:
    """Reads and checks one file; raises RoutineFileError (never OSError) when it cannot.

    Only a regular file is read (a FIFO, device, folder or socket is refused before it can
    hang or flood the reader), and never more than the 1 MiB limit plus one byte.
    """
    name = display_name or str(path)
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except TooLargeError as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else "larger than 1 MiB"
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"the file is {size}; the limit is 1 MiB")]
        ) from None
    except UnreadableError as exc:
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"cannot read the file: {exc.message}")]
        ) from None
    return parse_routines(_decode(data, name), name, path.parent)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text (a leading BOM dropped), or a located error naming what the bytes are."""
    wide = wide_encoding(data)
    if wide is not None:
        raise RoutineFileError(
            [RoutineError(name, 1, 1, f"the file is {wide} text; save it as UTF-8 text")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        if b"\x00" in data[:1024]:
            problem = "the file is not text (it looks like a binary file)"
        else:
            problem = f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})"
        raise RoutineFileError(
            [RoutineError(name, line, column, f"{problem}; save it as UTF-8 text")]
        ) from None


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' for text in those encodings (with or without a BOM), else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:400]
    if len(head) < 8 or b"\x00" not in head[:8]:
        return None
    # ASCII text in UTF-16 or UTF-32 has a zero in every second or every fourth byte.
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        for offset in range(width):
            lanes = [head[i] for i in range(len(head)) if i % width != offset]
            if not any(lanes) and any(head[offset::width]):
                return name
    return None
