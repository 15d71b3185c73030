"""The parsed routine library, cached in the data directory so a warm start reads no YAML.

:func:`load` wraps :func:`desktop_app.routines.load_routines`. Its key is a fingerprint of
everything the loader's answer depends on: the app's version; the size, times (mtime and
ctime, in ns), inode, device and mode of each routine file given, of every entry of the
``routines/`` folder and of each ``--routines`` folder (so adding, removing, editing, touching
or replacing a file changes it); and the same for the loader's own source files (an
editable install changes without a new version). The picture files the stretches' figures
name are known only once the files are read: the cache keeps the same facts about each, and
a picture that has changed, appeared or gone makes the cache stale too. When the key matches,
the library is rebuilt from the cache and neither PyYAML nor the loader is imported;
otherwise the files are loaded as always and :func:`save` writes the cache for next time.

The cache is ``cache/library.json`` in the data directory: a header line with a CRC-32 of
the body, then JSON of plain data (never pickle: the folder is the user's to write), written
to a temporary file and renamed over the old one. Every value read back is checked against
the model's type hints; a cache that is missing, foreign, damaged, from another version or
of the wrong shape is ignored without a word (logged at DEBUG) and rewritten. Qt-free.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import stat
import typing
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from types import MappingProxyType, NoneType, UnionType
from typing import Any, Literal

from desktop_app import __version__
from desktop_app.model import Library, Routine, Stretch, Symptom
from desktop_app.safe_read import UnreadableError, read_limited

log = logging.getLogger(__name__)

CACHE_NAME = "library.json"
FORMAT = 1
HEADER = "stretch-timer routine library cache"
MAX_CACHE_BYTES = 32 * 1024 * 1024
LOADER_SOURCES = (
    "model.py",
    "routines.py",
    "safe_read.py",
    "library_cache.py",
    "routine_format",
    "pose.py",
    "figure_spec.py",
    "figure_file.py",
)
"""The modules (and packages: each of their ``.py`` files) whose code decides what a routine
file loads as, beside this package's version."""
_PACKAGE_DIR = Path(__file__).resolve().parent


class _BadCacheError(Exception):
    """The cache cannot be used (foreign, damaged, stale or of the wrong shape)."""


@dataclass(frozen=True)
class LoadedLibrary:
    """The library and every load error, as text per file (what the window shows)."""

    library: Library
    errors: Mapping[str, tuple[str, ...]]
    key: str
    """The fingerprint of the files this was loaded from (see the module docstring)."""
    from_cache: bool
    picture_errors: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Pictures left out of files that loaded (their stretches show none)."""
    pictures: tuple[str, ...] = ()
    """Every picture file the figures name: a change to any makes the cache stale."""

    @property
    def problems(self) -> dict[str, tuple[str, ...]]:
        """Every error as text: files left out, then pictures left out."""
        return {**self.errors, **self.picture_errors}


# ---------------------------------------------------------------------- the key


def _stat_entry(path: Path) -> list[object]:
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        return [str(path), "unreadable", getattr(exc, "errno", None) or type(exc).__name__]
    return [
        str(path),
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
    ]


def _describe(path: Path) -> list[object]:
    """``path``'s stat; for a folder, the stat of each entry the loader could list instead of
    its times (an editor's hidden swap file coming and going changes nothing)."""
    entry = _stat_entry(path)
    mode = entry[1]
    if isinstance(mode, int) and stat.S_ISDIR(mode):
        entry = [str(path), mode, entry[5], entry[6]]
        try:
            names = sorted(name for name in os.listdir(path) if not name.startswith("."))
        except OSError as exc:
            entry.append(["unlistable", exc.errno])
        else:
            entry.append([_stat_entry(path / name) for name in names])
    return entry


def _loader_files() -> list[Path]:
    files: list[Path] = []
    for name in LOADER_SOURCES:
        path = _PACKAGE_DIR / name
        files.extend(sorted(path.glob("*.py")) if path.is_dir() else [path])
    return files


def fingerprint(bundled: Path, user_dir: Path | None, extra: Sequence[Path]) -> str:
    """The cache key for these routine files (cheap: a few ``stat`` calls and listings)."""
    parts: list[object] = [
        FORMAT,
        __version__,
        [_stat_entry(path) for path in _loader_files()],
        _describe(bundled),
        _describe(user_dir) if user_dir is not None else None,
        [_describe(path) for path in extra],
    ]
    return json.dumps(parts, separators=(",", ":"))


# ---------------------------------------------------------------------- loading


def load(
    bundled: Path, user_dir: Path | None, extra: Sequence[Path], cache_dir: Path | None
) -> LoadedLibrary:
    """The library from the cache in ``cache_dir`` when it matches the files, else loaded.

    Never raises for the cache's sake; ``cache_dir=None`` always loads the files.
    """
    key = fingerprint(bundled, user_dir, extra)
    if cache_dir is not None:
        try:
            return _read(cache_dir / CACHE_NAME, key)
        except _BadCacheError as exc:
            log.debug("routine library cache not used: %s", exc)
    from desktop_app.routines import load_routines

    result = load_routines(bundled, user_dir, extra)
    errors = {path: tuple(str(error) for error in errs) for path, errs in result.errors.items()}
    pictures = {p: tuple(str(e) for e in errs) for p, errs in result.picture_errors.items()}
    return LoadedLibrary(
        result.library,
        MappingProxyType(errors),
        key,
        from_cache=False,
        picture_errors=MappingProxyType(pictures),
        pictures=result.pictures,
    )


def save(loaded: LoadedLibrary, cache_dir: Path) -> bool:
    """Writes the cache for ``loaded`` (unless it came from there); False when it cannot."""
    if loaded.from_cache:
        return True
    try:
        body = json.dumps(
            {
                "key": loaded.key,
                "library": _library_data(loaded.library),
                "errors": [[path, list(errs)] for path, errs in loaded.errors.items()],
                "picture_errors": [
                    [path, list(errs)] for path, errs in loaded.picture_errors.items()
                ],
                "pictures": [_stat_entry(Path(path)) for path in loaded.pictures],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
    except (_BadCacheError, TypeError, ValueError) as exc:
        log.debug("routine library not cached: %s", exc)
        return False
    text = f"{HEADER} {FORMAT} {zlib.crc32(body)}\n".encode() + body
    temporary = cache_dir / f".{CACHE_NAME}.{os.getpid()}.tmp"
    try:
        cache_dir.mkdir(exist_ok=True)
        temporary.unlink(missing_ok=True)
        # O_EXCL and O_NOFOLLOW: whatever else appears under this name is never written into.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(temporary, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
        # The rename makes it appear whole or not at all: a write cut short is never read.
        os.replace(temporary, cache_dir / CACHE_NAME)
    except OSError as exc:
        log.debug("routine library cache not written to %s: %s", cache_dir, exc)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


def _read(path: Path, key: str) -> LoadedLibrary:
    try:
        data = read_limited(path, MAX_CACHE_BYTES)
    except UnreadableError as exc:
        raise _BadCacheError(f"{path}: {exc}") from None
    header, _, body = data.partition(b"\n")
    if header.decode("ascii", "replace") != f"{HEADER} {FORMAT} {zlib.crc32(body)}":
        raise _BadCacheError(f"{path}: not a cache of this format, or damaged")
    try:
        content = json.loads(body)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
        raise _BadCacheError(f"{path}: {exc}") from None
    if not isinstance(content, dict) or content.get("key") != key:
        raise _BadCacheError("the routine files have changed")
    try:
        library = _library_from(content["library"])
        errors = _error_texts(content["errors"])
        picture_errors = _error_texts(content["picture_errors"])
        pictures = _typed(content["pictures"], list)
        names = tuple(_typed(_typed(entry, list)[0], str) for entry in pictures)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _BadCacheError(f"{path}: {exc!r}") from None
    for name, entry in zip(names, pictures, strict=True):
        if _stat_entry(Path(name)) != entry:
            raise _BadCacheError(f"the picture {name} has changed")
    return LoadedLibrary(
        library,
        MappingProxyType(errors),
        key,
        from_cache=True,
        picture_errors=MappingProxyType(picture_errors),
        pictures=names,
    )


def _error_texts(data: object) -> dict[str, tuple[str, ...]]:
    return {
        _typed(path, str): tuple(_typed(e, str) for e in _typed(errs, list))
        for path, errs in _typed(data, list)
    }


# ---------------------------------------------------------------------- model <-> plain data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _library_data(library: Library) -> dict[str, object]:
    for routine in library.routines:
        for step in routine.steps:
            if library.stretches.get(step.stretch.id) != step.stretch:
                raise _BadCacheError(f"routine {routine.id} uses a stretch not in the library")
    return {
        "stretches": [_fields_data(s) for s in library.stretches.values()],
        "symptoms": [_fields_data(s) for s in library.symptoms.values()],
        "routines": [_fields_data(r) for r in library.routines],
    }


def _fields_data(obj: Any) -> dict[str, object]:
    hints = _hints(type(obj))
    return {f.name: _data(getattr(obj, f.name), hints[f.name]) for f in fields(obj)}


def _data(value: object, hint: Any) -> object:
    """``value`` as JSON-ready data, checked against ``hint``."""
    if hint is Stretch:  # in a step: by id (the library's own object when read back)
        return _typed(value, Stretch).id
    if is_dataclass(hint):
        return _fields_data(value)
    if hint is bytes:
        return base64.b64encode(_typed(value, bytes)).decode("ascii")
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    union = origin is UnionType or origin is typing.Union
    records = [o for o in args if union and isinstance(o, type) and is_dataclass(o)]
    if records and value is not None:  # a union of records (a figure): tagged with its kind
        kind = next((option for option in records if type(value) is option), None)
        if kind is None:
            raise _BadCacheError(f"{type(value).__name__} does not fit {hint}")
        return {"kind": kind.__name__, "value": _fields_data(value)}
    if origin is tuple and isinstance(value, tuple):
        return [_data(item, args[0]) for item in value]
    if origin is Mapping and isinstance(value, Mapping):
        return {_typed(k, str): _data(v, args[1]) for k, v in value.items()}
    return _scalar(value, hint)


def _library_from(data: object) -> Library:
    content = _typed(data, dict)
    stretches: dict[str, Stretch] = {}
    for item in _typed(content["stretches"], list):
        stretch = _fields_from(Stretch, item, stretches)
        stretches[stretch.id] = stretch
    symptoms = {}
    for item in _typed(content["symptoms"], list):
        symptom = _fields_from(Symptom, item, stretches)
        symptoms[symptom.id] = symptom
    routines = tuple(
        _fields_from(Routine, item, stretches) for item in _typed(content["routines"], list)
    )
    return Library(MappingProxyType(stretches), routines, MappingProxyType(symptoms))


_Model = typing.TypeVar("_Model")


def _fields_from(cls: type[_Model], data: object, stretches: Mapping[str, Stretch]) -> _Model:
    item = _typed(data, dict)
    hints = _hints(cls)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if sorted(item) != sorted(names):
        raise ValueError(f"{cls.__name__} fields {sorted(item)}, expected {sorted(names)}")
    values: dict[str, Any] = {name: _value(item[name], hints[name], stretches) for name in names}
    return cls(**values)


def _value(data: object, hint: Any, stretches: Mapping[str, Stretch]) -> object:
    """Plain ``data`` as the model's value for ``hint``; ValueError when it does not fit."""
    if hint is Stretch:
        return stretches[_typed(data, str)]
    if isinstance(hint, type) and is_dataclass(hint):  # a step, or another nested record
        return _fields_from(hint, data, stretches)
    if hint is bytes:
        return base64.b64decode(_typed(data, str), validate=True)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    union = origin is UnionType or origin is typing.Union
    records = {o.__name__: o for o in args if union and isinstance(o, type) and is_dataclass(o)}
    if records and data is not None:
        tagged = _typed(data, dict)
        if sorted(tagged) != ["kind", "value"] or tagged["kind"] not in records:
            raise ValueError(f"{tagged!r} is not one of {sorted(records)}")
        return _fields_from(records[tagged["kind"]], tagged["value"], stretches)
    if origin is tuple:
        return tuple(_value(item, args[0], stretches) for item in _typed(data, list))
    if origin is Mapping:
        items = _typed(data, dict).items()
        return MappingProxyType({k: _value(v, args[1], stretches) for k, v in items})
    return _scalar(data, hint)


def _scalar(value: object, hint: Any) -> object:
    """``value`` when it is of type ``hint`` (str, int, bool, None, a Literal, a union)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        if value in args and type(value) is type(args[0]):
            return value
        raise ValueError(f"{value!r} is not one of {args}")
    if origin is UnionType or origin is typing.Union:
        for option in args:
            try:
                return _scalar(value, option)
            except ValueError:
                continue
        raise ValueError(f"{value!r} does not fit {hint}")
    if hint is NoneType or hint is None:
        if value is None:
            return None
        raise ValueError(f"{value!r} is not None")
    if hint in (str, int, bool):
        if type(value) is hint:  # not isinstance: True is an int to Python, not to the model
            return value
        raise ValueError(f"{value!r} is not a {hint.__name__}")
    if hint is float:  # an angle: JSON writes 80.0 as 80.0, but a base's 80 as 80
        if type(value) in (int, float):
            return float(value)  # type: ignore[arg-type]
        raise ValueError(f"{value!r} is not a number")
    raise ValueError(f"cannot cache a value of type {hint}")


_T = typing.TypeVar("_T")


def _typed(value: object, kind: type[_T]) -> _T:
    if not isinstance(value, kind):
        raise ValueError(f"{type(value).__name__} where a {kind.__name__} belongs")
    return value
