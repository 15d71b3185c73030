"""Reads an SQLite database file (and its -wal) page by page, without SQLite.

For recovering what SQLite itself refuses to read: table rows on leaf pages whose parents are
damaged, and transactions in a -wal past a frame with a bad checksum. Follows the documented
file format (https://www.sqlite.org/fileformat2.html); knows nothing of any particular schema.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HEADER_MAGIC = b"SQLite format 3\x00"
_WAL_MAGIC = (0x377F0682, 0x377F0683)
_WAL_HEADER = 32
_FRAME_HEADER = 24
TABLE_LEAF = 0x0D
_TABLE_INTERIOR = 0x05
BTREE_TYPES = (0x02, 0x05, 0x0A, 0x0D)
_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def decode_text(raw: bytes) -> str:
    """SQLite text as str; bytes that are not UTF-8 become U+FFFD instead of an error."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = 0
    for i in range(8):
        byte = buf[pos + i]
        result = (result << 7) | (byte & 0x7F)
        if byte < 0x80:
            return result, pos + i + 1
    return (result << 8) | buf[pos + 8], pos + 9


def _signed(value: int) -> int:
    return value - 2**64 if value >= 2**63 else value


def decode_record(payload: bytes) -> list[Any] | None:
    """The values of an SQLite record, or None when it is not a well-formed one."""
    try:
        header_size, pos = _varint(payload, 0)
        if header_size < 1 or header_size > len(payload):
            return None
        types = []
        while pos < header_size:
            serial, pos = _varint(payload, pos)
            types.append(serial)
        if pos != header_size:
            return None
        values: list[Any] = []
        offset = header_size
        for serial in types:
            if serial == 0:
                values.append(None)
                continue
            if serial in (8, 9):
                values.append(serial - 8)
                continue
            if serial in (10, 11):
                return None
            if serial <= 6:
                size = _INT_SIZES[serial]
            elif serial == 7:
                size = 8
            else:
                size = (serial - 12) // 2
            chunk = payload[offset : offset + size]
            if len(chunk) != size:
                return None
            offset += size
            if serial <= 6:
                values.append(int.from_bytes(chunk, "big", signed=True))
            elif serial == 7:
                values.append(struct.unpack(">d", chunk)[0])
            elif serial % 2:
                values.append(decode_text(chunk))
            else:
                values.append(bytes(chunk))
        return values if offset == len(payload) else None
    except IndexError:
        return None


class FileImage:
    """The pages of a database file with the committed frames of its -wal laid over them."""

    def __init__(self, db: bytes, wal: bytes | None) -> None:
        self.size = page_size(db, wal)
        reserved = db[20] if len(db) > 20 and db[:16] == HEADER_MAGIC else 0
        self.usable = self.size - (reserved if reserved < 64 else 0)
        self.pages: dict[int, bytes] = {}
        count = -(-len(db) // self.size)
        for number in range(1, count + 1):
            chunk = db[(number - 1) * self.size : number * self.size]
            self.pages[number] = chunk.ljust(self.size, b"\x00")
        if wal is not None:
            for number, page in committed_frames(wal, self.size):
                self.pages[number] = page

    def get(self, number: int) -> bytes | None:
        return self.pages.get(number)

    def header_offset(self, number: int) -> int:
        return 100 if number == 1 else 0

    def page_type(self, number: int) -> int | None:
        page = self.pages.get(number)
        return None if page is None else page[self.header_offset(number)]

    def freelist(self) -> set[int]:
        """Pages the header's freelist names: their old rows were deleted on purpose."""
        first = self.pages.get(1)
        if first is None or first[:16] != HEADER_MAGIC:
            return set()
        free: set[int] = set()
        trunk = int.from_bytes(first[32:36], "big")
        while trunk and trunk not in free and trunk in self.pages:
            free.add(trunk)
            page = self.pages[trunk]
            leaves = int.from_bytes(page[4:8], "big")
            for i in range(min(leaves, (self.usable - 8) // 4)):
                free.add(int.from_bytes(page[8 + 4 * i : 12 + 4 * i], "big"))
            trunk = int.from_bytes(page[0:4], "big")
        return free

    def cells(self, number: int, any_type: bool = False) -> Iterator[tuple[int, list[Any]]]:
        """(rowid, values) of every readable cell of a table leaf page; ``any_type`` also
        reads a page whose type byte is not a b-tree page's (it may be the damaged byte)."""
        page = self.pages[number]
        head = self.header_offset(number)
        if page[head] != TABLE_LEAF and not any_type:
            return
        count = int.from_bytes(page[head + 3 : head + 5], "big")
        pointers = head + 8
        if pointers + 2 * count > self.usable:
            count = (self.usable - pointers) // 2
        for i in range(count):
            cell = int.from_bytes(page[pointers + 2 * i : pointers + 2 * i + 2], "big")
            if cell < pointers + 2 * count or cell >= self.usable:
                continue
            try:
                size, pos = _varint(page, cell)
                rowid, pos = _varint(page, pos)
            except IndexError:
                continue
            payload = self._payload(page, pos, size)
            if payload is None:
                continue
            values = decode_record(payload)
            if values is not None:
                yield _signed(rowid), values

    def _payload(self, page: bytes, pos: int, size: int) -> bytes | None:
        usable = self.usable
        most = usable - 35
        if size <= most:
            payload = page[pos : pos + size]
            return payload if len(payload) == size and pos + size <= usable else None
        least = ((usable - 12) * 32 // 255) - 23
        local = least + (size - least) % (usable - 4)
        if local > most:
            local = least
        if pos + local + 4 > usable:
            return None
        parts = [page[pos : pos + local]]
        remaining = size - local
        following = int.from_bytes(page[pos + local : pos + local + 4], "big")
        seen: set[int] = set()
        while remaining > 0:
            overflow = self.pages.get(following)
            if overflow is None or following in seen:
                return None
            seen.add(following)
            take = min(remaining, usable - 4)
            parts.append(overflow[4 : 4 + take])
            remaining -= take
            following = int.from_bytes(overflow[0:4], "big")
        return b"".join(parts)

    def children(self, number: int) -> list[int]:
        """The child pages of a table interior page."""
        page = self.pages[number]
        head = self.header_offset(number)
        count = int.from_bytes(page[head + 3 : head + 5], "big")
        pointers = head + 12
        found = []
        for i in range(min(count, (self.usable - pointers) // 2)):
            cell = int.from_bytes(page[pointers + 2 * i : pointers + 2 * i + 2], "big")
            if pointers <= cell <= self.usable - 4:
                found.append(int.from_bytes(page[cell : cell + 4], "big"))
        found.append(int.from_bytes(page[head + 8 : head + 12], "big"))
        return [child for child in found if child in self.pages]

    def leaves_under(self, root: int) -> list[int]:
        """The table leaf pages reachable from ``root`` (damaged interior pages are skipped)."""
        leaves: list[int] = []
        seen: set[int] = set()
        stack = [root]
        while stack:
            number = stack.pop()
            if number in seen or number not in self.pages:
                continue
            seen.add(number)
            kind = self.page_type(number)
            if kind == TABLE_LEAF:
                leaves.append(number)
            elif kind == _TABLE_INTERIOR:
                stack.extend(self.children(number))
        return leaves

    def roots(self) -> dict[str, int]:
        """Table name -> root page, from the schema table (page 1), as far as it can be read."""
        found: dict[str, int] = {}
        for leaf in self.leaves_under(1):
            for _rowid, values in self.cells(leaf):
                if len(values) == 5 and values[0] == "table" and isinstance(values[3], int):
                    found[str(values[1])] = values[3]
        return found


def page_size(db: bytes, wal: bytes | None) -> int:
    """The page size the header gives, else the -wal's, else the one most pages fit."""

    def valid(size: int) -> bool:
        return 512 <= size <= 65536 and size & (size - 1) == 0

    if len(db) >= 18:
        size = int.from_bytes(db[16:18], "big")
        size = 65536 if size == 1 else size
        if valid(size) and db[:16] == HEADER_MAGIC:
            return size
    if wal is not None and len(wal) >= _WAL_HEADER:
        size = int.from_bytes(wal[8:12], "big")
        if valid(size):
            return size
    # A damaged header: take the size at which most pages look like b-tree pages.
    best, best_score = 4096, -1
    for size in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
        score = sum(1 for offset in range(size, len(db), size) if db[offset] in (2, 5, 10, 13))
        if score > best_score:
            best, best_score = size, score
    return best


def _wal_checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack((">" if big_endian else "<") + f"{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & mask
        s1 = (s1 + words[i + 1] + s0) & mask
    return s0, s1


@dataclass(frozen=True)
class WalFrames:
    """What a -wal file holds: ``committed`` frames of the current generation, and how many of
    them SQLite itself will use (the ones before the first bad checksum)."""

    committed: list[tuple[int, bytes]]
    valid: int


def read_wal(wal: bytes, page_size: int, verify: bool = True) -> WalFrames:
    """The committed frames of a -wal, in order, whatever their checksums say."""
    if len(wal) < _WAL_HEADER + _FRAME_HEADER:
        return WalFrames([], 0)
    magic = int.from_bytes(wal[0:4], "big")
    header_size = int.from_bytes(wal[8:12], "big")
    size = header_size if header_size == page_size else page_size
    frame_size = _FRAME_HEADER + size
    salts = wal[16:24]
    first_salts = wal[_WAL_HEADER + 8 : _WAL_HEADER + 16]
    if salts != first_salts:
        salts = first_salts  # the header is damaged; the first frame is of the current generation
    big_endian = magic != _WAL_MAGIC[0]
    checksum: tuple[int, int] | None = None
    header_ok = magic in _WAL_MAGIC and header_size == page_size
    if verify and header_ok:
        checksum = _wal_checksum(wal[:24], big_endian, 0, 0)
        if checksum != struct.unpack(">II", wal[24:32]):
            checksum = None
    committed: list[tuple[int, bytes]] = []
    pending: list[tuple[int, bytes]] = []
    valid = 0
    offset = _WAL_HEADER
    while offset + frame_size <= len(wal):
        head = wal[offset : offset + _FRAME_HEADER]
        page = wal[offset + _FRAME_HEADER : offset + frame_size]
        offset += frame_size
        if head[8:16] != salts:
            break  # an older generation from here on
        number = int.from_bytes(head[0:4], "big")
        if checksum is not None:
            checksum = _wal_checksum(head[:8] + page, big_endian, *checksum)
            if checksum != struct.unpack(">II", head[16:24]):
                checksum = None
        if number:
            pending.append((number, page))
        if int.from_bytes(head[4:8], "big"):
            committed.extend(pending)
            pending = []
            if checksum is not None:
                valid = len(committed)
    return WalFrames(committed, valid)


def committed_frames(wal: bytes, page_size: int) -> list[tuple[int, bytes]]:
    return read_wal(wal, page_size, verify=False).committed


def header_problem(head: bytes) -> str | None:
    """What is wrong with a database file's first 100 bytes for a UTF-8 SQLite 3 file, if
    anything (SQLite itself would call some of these read-only or read text as UTF-16)."""
    if not head:
        return None
    if len(head) < 100 or head[:16] != HEADER_MAGIC:
        return "it does not start as an SQLite database does"
    size = int.from_bytes(head[16:18], "big")
    size = 65536 if size == 1 else size
    if not 512 <= size <= 65536 or size & (size - 1):
        return "its header gives an impossible page size"
    if head[18] not in (1, 2) or head[19] not in (1, 2):
        return "its header gives an unknown file format version"
    if int.from_bytes(head[56:60], "big") not in (0, 1):
        return "its header says its text is not UTF-8"
    return None
