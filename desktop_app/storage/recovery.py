"""Reading what can still be read from a damaged session log, row by row and page by page.

Two passes, both read-only on a private copy of the damaged file (and its ``-wal``):

1. Through SQLite: each table is read in rowid order; where a page cannot be read, the next
   readable rowid is found by seeking ever further ahead (then back, to lose no more than the
   damaged page), so one bad page costs only the rows on it.
2. Only when the first pass met damage: every page of the file, with the committed frames of
   the ``-wal`` laid over it (checksums not required: SQLite stops at the first bad frame, this
   does not), is parsed as an SQLite b-tree page. Rows on table leaf pages are attributed to a
   table through the schema's tree (or, for pages no longer reachable, by their shape) and fill
   the gaps the first pass left.

Also here: the checks that find damage when a log is opened (the -wal's checksums, SQLite's
integrity_check within a time budget) and setting a damaged log aside.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_app.storage.errors import DamagedError
from desktop_app.storage.pages import (
    BTREE_TYPES,
    TABLE_LEAF,
    FileImage,
    decode_text,
    header_problem,
    page_size,
    read_wal,
)

logger = logging.getLogger(__name__)

Row = tuple[Any, ...]

_PROBE_BATCH = 256


# ----------------------------------------------------------------------------------------------
# Finding damage


def wal_damage(wal_path: Path, db_path: Path) -> str | None:
    """Why the -wal holds committed transactions SQLite would drop (a frame with a bad
    checksum, a damaged header), or None when SQLite will read all of it."""
    try:
        wal = wal_path.read_bytes()
        with open(db_path, "rb") as handle:
            head = handle.read(100)
    except OSError:
        return None
    frames = read_wal(wal, page_size(head, wal))
    if frames.valid < len(frames.committed):
        lost = len(frames.committed) - frames.valid
        logger.info("%d committed -wal frames fail their checksum", lost)
        return f"its write-ahead file {wal_path.name} is damaged"
    return None


def check_integrity(conn: sqlite3.Connection, budget: float | None) -> bool:
    """PRAGMA integrity_check (which, unlike quick_check, also finds index entries that do not
    match their rows), cut short after ``budget`` seconds. True when it ran to the end; raises
    DamagedError with SQLite's first finding."""
    if budget is not None:
        deadline = time.perf_counter() + budget
        conn.set_progress_handler(lambda: int(time.perf_counter() > deadline), 1000)
    try:
        result = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_INTERRUPT:
            raise
        logger.info("integrity_check stopped after %.2f s; the rest is checked as used", budget)
        return False
    finally:
        conn.set_progress_handler(None, 0)
    if result != "ok":
        logger.warning("integrity_check: %s", result)
        raise DamagedError("")
    return True


def move_aside(path: Path, now: datetime) -> Path:
    """Rename the damaged log and its -wal; nothing is deleted but the -shm, which holds no data
    of its own (SQLite rebuilds it from the -wal)."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"sessions.corrupt-{stamp}.db")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"sessions.corrupt-{stamp}-{counter}.db")
    os.replace(path, target)
    wal = path.with_name(path.name + "-wal")
    if wal.is_file():
        os.replace(wal, target.with_name(target.name + "-wal"))
    with contextlib.suppress(OSError):
        path.with_name(path.name + "-shm").unlink()
    return target


# ----------------------------------------------------------------------------------------------
# What the tables look like


@dataclass(frozen=True)
class TableShape:
    """A table of the current schema: its columns, the rowid alias first when there is one."""

    name: str
    key: str  # the INTEGER PRIMARY KEY column (the rowid)
    columns: tuple[str, ...]  # the other columns, in order
    kinds: tuple[str, ...]  # per column: "int", "real", "text"
    nullable: tuple[bool, ...]

    def fits(self, values: Sequence[Any]) -> bool:
        """A record as stored on a page: the key column is NULL, every value of its kind."""
        if len(values) != len(self.columns) + 1 or values[0] is not None:
            return False
        for value, kind, nullable in zip(values[1:], self.kinds, self.nullable, strict=True):
            if value is None:
                if not nullable:
                    return False
            elif kind == "int":
                if not isinstance(value, int):
                    return False
            elif kind == "real":
                if not isinstance(value, int | float):
                    return False
            elif not isinstance(value, str):
                return False
        return True


def table_shapes(conn: sqlite3.Connection, tables: Sequence[str]) -> list[TableShape]:
    """The shapes of ``tables`` as ``conn``'s schema declares them."""
    shapes = []
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        key = next(row[1] for row in info if row[5] == 1)
        rest = [row for row in info if row[5] != 1]
        kinds = []
        for row in rest:
            declared = str(row[2]).upper()
            kinds.append("int" if "INT" in declared else "real" if "REAL" in declared else "text")
        shapes.append(
            TableShape(
                name=table,
                key=key,
                columns=tuple(row[1] for row in rest),
                kinds=tuple(kinds),
                nullable=tuple(not row[3] for row in rest),
            )
        )
    return shapes


# ----------------------------------------------------------------------------------------------
# The result


@dataclass
class Salvage:
    """Rows read from a damaged log: ``rows[table][rowid]`` = the values of ``shape.columns``."""

    rows: dict[str, dict[int, Row]] = field(default_factory=dict)
    damage: list[str] = field(default_factory=list)  # what could not be read, for the log
    from_pages: int = 0  # rows only the page scan found


# ----------------------------------------------------------------------------------------------
# Pass 1: through SQLite, rowid range by rowid range


def _read_through_sqlite(path: Path, shapes: Sequence[TableShape], salvage: Salvage) -> None:
    try:
        # Read-only: a read-write connection would checkpoint the -wal into the file on close.
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=0)
    except sqlite3.Error as exc:
        salvage.damage.append(f"cannot open: {exc}")
        return
    conn.text_factory = decode_text
    try:
        try:
            present = {
                str(name)
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except sqlite3.Error as exc:
            salvage.damage.append(f"schema unreadable: {exc}")
            return
        for shape in shapes:
            if shape.name not in present:
                salvage.damage.append(f"no table {shape.name}")
                continue
            _read_table(conn, shape, salvage)
    finally:
        conn.close()


def _source_columns(conn: sqlite3.Connection, shape: TableShape) -> list[str] | None:
    try:
        info = conn.execute(f"PRAGMA table_info({shape.name})").fetchall()
    except sqlite3.Error:
        return None
    return [str(row[1]) for row in info]


def _read_table(conn: sqlite3.Connection, shape: TableShape, salvage: Salvage) -> None:
    present = _source_columns(conn, shape) or [shape.key, *shape.columns]
    picks = [f'"{c}"' if c in present else "NULL" for c in shape.columns]
    select = f"SELECT rowid, {', '.join(picks)} FROM {shape.name}"
    rows = salvage.rows.setdefault(shape.name, {})
    last: int | None = None  # every rowid up to here has been tried; it only ever grows
    while True:
        where, params = ("", ()) if last is None else (" WHERE rowid > ?", (last,))
        start = last
        try:
            cursor = conn.execute(f"{select}{where} ORDER BY rowid LIMIT {_PROBE_BATCH}", params)
            count = 0
            for row in cursor:
                rowid = int(row[0])
                if last is not None and rowid <= last:
                    raise sqlite3.DatabaseError("rowids out of order")  # a damaged page
                last = rowid
                rows[rowid] = tuple(row[1:])
                count += 1
            if count < _PROBE_BATCH:
                return
            continue
        except sqlite3.Error as exc:
            _note(salvage, f"{shape.name} after rowid {last}: {exc}")
        following = _next_readable(conn, shape.name, last)
        if following is None or (start is not None and following <= start):
            return
        # The row the probe found may itself be unreadable: read it alone, then go on after it.
        try:
            row = conn.execute(f"{select} WHERE rowid = ?", (following,)).fetchone()
        except sqlite3.Error as exc:
            _note(salvage, f"{shape.name} row {following}: {exc}")
            row = None
        if row is not None:
            rows[following] = tuple(row[1:])
        last = following


def _note(salvage: Salvage, damage: str) -> None:
    if len(salvage.damage) < 100:
        salvage.damage.append(damage)
    elif len(salvage.damage) == 100:
        salvage.damage.append("...")


def _seek(conn: sqlite3.Connection, table: str, at_least: int) -> int | bool | None:
    """The first rowid >= at_least; None past the end; False when the seek hits damage."""
    try:
        row = conn.execute(
            f"SELECT rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (at_least,)
        ).fetchone()
    except sqlite3.Error:
        return False
    return None if row is None else int(row[0])


def _next_readable(conn: sqlite3.Connection, table: str, last: int | None) -> int | None:
    """The first rowid after ``last`` whose page can be reached, skipping damaged pages."""
    low = -(2**63) if last is None else last + 1
    top = 2**63 - 1
    step = 1
    bad = low - 1  # the highest start known to hit damage
    found: int | None = None
    while True:
        start = min(low + step - 1, top)
        result = _seek(conn, table, start)
        if result is not False:
            found = None if result is None else int(result)
            good = start
            break
        bad = start
        if start >= top:
            return None
        step *= 2
    # Narrow down between the last damaged start and the first good one, to skip only the
    # damaged page's rows.
    while good - bad > 1:
        middle = (bad + good) // 2
        result = _seek(conn, table, middle)
        if result is False:
            bad = middle
        else:
            good = middle
            found = None if result is None else int(result)
    return found


# ----------------------------------------------------------------------------------------------
# Pass 2: the pages themselves


def _read_pages(
    db: bytes, wal: bytes | None, shapes: Sequence[TableShape], salvage: Salvage
) -> None:
    if len(db) < 512 and not wal:
        return
    pages = FileImage(db, wal)
    free = pages.freelist()
    by_name = {shape.name: shape for shape in shapes}
    owned: dict[int, TableShape] = {}
    for name, root in pages.roots().items():
        if name in by_name:
            for leaf in pages.leaves_under(root):
                owned[leaf] = by_name[name]
    found: dict[str, dict[int, Row]] = {shape.name: {} for shape in shapes}
    orphans: dict[str, dict[int, Row]] = {shape.name: {} for shape in shapes}
    for number in sorted(pages.pages):
        kind = pages.page_type(number)
        if number in free or (kind != TABLE_LEAF and kind in BTREE_TYPES):
            continue
        owner = owned.get(number)
        for rowid, values in pages.cells(number, any_type=True):
            if owner is not None and owner.fits(values):
                found[owner.name].setdefault(rowid, tuple(values[1:]))
                continue
            for shape in shapes:
                if shape.fits(values):
                    orphans[shape.name].setdefault(rowid, tuple(values[1:]))
                    break
    for shape in shapes:
        rows = salvage.rows.setdefault(shape.name, {})
        for source in (found[shape.name], orphans[shape.name]):
            for rowid, row in source.items():
                if rowid not in rows:
                    rows[rowid] = row
                    salvage.from_pages += 1


# ----------------------------------------------------------------------------------------------
# Both passes, on a copy


def salvage_rows(path: Path, shapes: Sequence[TableShape]) -> Salvage:
    """Everything that can be read from the log at ``path`` (and its -wal). Never raises for a
    damaged file; reads a private copy, so the file and its companions stay as they are."""
    salvage = Salvage(rows={shape.name: {} for shape in shapes})
    wal_path = path.with_name(path.name + "-wal")
    try:
        db = path.read_bytes()
        wal = wal_path.read_bytes() if wal_path.is_file() else None
    except OSError as exc:
        salvage.damage.append(f"cannot read the file: {exc}")
        return salvage
    if wal is not None:
        frames = read_wal(wal, page_size(db, wal))
        if frames.valid < len(frames.committed):
            salvage.damage.append("the -wal has committed frames that fail their checksum")
    problem = header_problem(db[:100])
    if problem:
        # SQLite would read the text as UTF-16, or not at all: the pages are read as UTF-8.
        salvage.damage.append(problem)
        _read_pages(db, wal, shapes, salvage)
        return salvage
    with tempfile.TemporaryDirectory(
        prefix="stretch-timer-salvage-", ignore_cleanup_errors=True
    ) as temp:
        copy = Path(temp) / "sessions.db"
        try:
            copy.write_bytes(db)
            if wal is not None:
                copy.with_name(copy.name + "-wal").write_bytes(wal)
        except OSError as exc:  # no room for a copy: the page pass still reads the bytes
            salvage.damage.append(f"cannot copy: {exc}")
        else:
            _read_through_sqlite(copy, shapes, salvage)
    if salvage.damage:
        _read_pages(db, wal, shapes, salvage)
    if salvage.damage:
        logger.info("session log salvage: %s", "; ".join(salvage.damage[:10]))
    return salvage


def copy_into(
    conn: sqlite3.Connection,
    salvage: Salvage,
    shapes: Sequence[TableShape],
    keep: Callable[[str, Row], bool] | None = None,
) -> dict[str, int]:
    """Insert the salvaged rows (rowids kept) into ``conn``'s empty tables, in one transaction.

    Rows the schema refuses (a CHECK, NOT NULL) are left out, then rows of the child tables
    whose parent row was not recovered. Returns the rows kept per table.
    """
    with contextlib.closing(conn.cursor()) as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn:
                for shape in shapes:
                    names = ", ".join([shape.key, *shape.columns])
                    marks = ", ".join("?" * (len(shape.columns) + 1))
                    rows = salvage.rows.get(shape.name, {})
                    cursor.executemany(
                        f"INSERT OR IGNORE INTO {shape.name} ({names}) VALUES ({marks})",
                        (
                            (rowid, *values)
                            for rowid, values in sorted(rows.items())
                            if keep is None or keep(shape.name, values)
                        ),
                    )
                for table, parent, column in _foreign_keys(conn, shapes):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE {column} NOT IN (SELECT rowid FROM {parent})"
                    )
        finally:
            cursor.execute("PRAGMA foreign_keys = ON")
        return {
            shape.name: int(cursor.execute(f"SELECT count(*) FROM {shape.name}").fetchone()[0])
            for shape in shapes
        }


def _foreign_keys(
    conn: sqlite3.Connection, shapes: Sequence[TableShape]
) -> list[tuple[str, str, str]]:
    keys = []
    for shape in shapes:
        for row in conn.execute(f"PRAGMA foreign_key_list({shape.name})"):
            keys.append((shape.name, str(row[2]), str(row[3])))
    return keys


def rebuild(
    path: Path,
    now: datetime,
    new_log: Callable[[Path], sqlite3.Connection],
    shapes: Sequence[TableShape],
) -> tuple[sqlite3.Connection, Path, dict[str, int]]:
    """Set the damaged log at ``path`` aside and start a new one there (``new_log`` creates it
    with the schema) holding every row that can be read from the old one.

    Returns the new log's connection, where the old one went, and the rows kept per table.
    """
    moved = move_aside(path, now)
    salvage = salvage_rows(moved, shapes)
    conn = new_log(path)
    try:
        counts = copy_into(conn, salvage, shapes)
    except BaseException:
        conn.close()
        raise
    logger.warning(
        "session log set aside as %s; recovered %s (%d only from its pages)",
        moved,
        counts,
        salvage.from_pages,
    )
    return conn, moved, counts
