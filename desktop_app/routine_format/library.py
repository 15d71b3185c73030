"""Loads routine files together: ids shared by all files, references resolved across them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from desktop_app.model import Library, Routine, Step, Symptom
from desktop_app.routine_format.files import read_routine_file
from desktop_app.routine_format.nodes import by_place
from desktop_app.routine_format.parsed import (
    Loc,
    ParsedFile,
    RawRoutine,
    RawStretch,
    RoutineError,
    RoutineFileError,
)
from desktop_app.routine_format.values import did_you_mean, key_identity, short
from desktop_app.safe_read import FileIdentity, file_identity, list_folder, path_exists


@dataclass(frozen=True)
class FileReport:
    """What became of one routine file: its counts when it loaded, its errors when it did not."""

    path: str
    stretches: int = 0
    routines: int = 0
    errors: tuple[RoutineError, ...] = ()
    picture_errors: tuple[RoutineError, ...] = ()
    """Problems with pictures of a file that loaded: those stretches show no picture."""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class LoadResult:
    """The library built from every file that loaded, and a report on each file."""

    library: Library
    reports: tuple[FileReport, ...]
    # Every path given, by its text, to the path of the file's report (another name of the
    # same file when it was given twice).
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    pictures: tuple[str, ...] = ()
    """Every picture file the files' figures name, read or not (what a cache must watch)."""

    @property
    def errors(self) -> dict[str, tuple[RoutineError, ...]]:
        return {r.path: r.errors for r in self.reports if r.errors}

    @property
    def picture_errors(self) -> dict[str, tuple[RoutineError, ...]]:
        """Pictures left out of files that loaded (their stretches show none)."""
        return {r.path: r.picture_errors for r in self.reports if r.picture_errors}

    @property
    def problems(self) -> dict[str, tuple[RoutineError, ...]]:
        """Every error: files left out, then pictures left out of files that loaded."""
        return {**self.errors, **self.picture_errors}

    def report_for(self, path: Path | str) -> FileReport | None:
        """The report on the file at ``path``, under whichever name it was loaded."""
        name = self.aliases.get(str(path), str(path))
        return next((r for r in self.reports if r.path == name), None)


ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class RoutinePaths:
    """Routine files found from the paths given, and what went wrong with folders among them."""

    files: tuple[Path, ...]
    # Folders that could not be listed, or (when asked) that hold no routine file.
    problems: tuple[FileReport, ...] = ()


def find_routine_files(paths: Iterable[Path], *, empty_is_error: bool = True) -> RoutinePaths:
    """Files as given, and every ``*.yaml`` / ``*.yml`` in a given folder, in name order.

    Never raises: a folder that cannot be listed (or, with ``empty_is_error``, holds no
    routine file) becomes a problem report instead.
    """
    files: list[Path] = []
    problems: list[FileReport] = []
    for path in paths:
        listing = list_folder(path, ROUTINE_SUFFIXES)
        if not listing.is_folder:
            files.append(path)  # a file, or nothing: reading it says which
            continue
        if listing.problem is not None:
            message = listing.problem
        elif not listing.files and empty_is_error:
            message = "the folder has no routine files (*.yaml or *.yml)"
        else:
            files.extend(listing.files)
            continue
        problems.append(folder_report(path, message))
    return RoutinePaths(tuple(files), tuple(problems))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The files of :func:`find_routine_files`, without its folder problems."""
    return list(find_routine_files(paths, empty_is_error=False).files)


def load_library(paths: Sequence[Path]) -> LoadResult:
    """Loads the files in order; a file with any error is left out and reported, never raised.

    Each file is loaded once, however it is named (a link, ``sub/../x.yaml``, the same path
    twice): later names of it are aliases of the first (see :meth:`LoadResult.report_for`).
    Ids of stretches, routines and symptoms are shared by all files: a file that repeats an id
    of an earlier one is left out. Routines may use stretches, and stretches may give advice
    for symptoms, from any file that loaded.
    """
    first_name: dict[FileIdentity, str] = {}
    aliases: dict[str, str] = {}
    unique: list[Path] = []
    for path in paths:
        identity = file_identity(path)
        if identity in first_name:
            aliases[str(path)] = first_name[identity]
            continue
        first_name[identity] = str(path)
        aliases[str(path)] = str(path)
        unique.append(path)
    parsed: list[ParsedFile | None] = []
    partials: list[ParsedFile] = []
    reports: dict[str, FileReport] = {}
    for path in unique:
        try:
            parsed.append(read_routine_file(path))
        except RoutineFileError as exc:
            parsed.append(None)
            reports[str(path)] = FileReport(str(path), errors=exc.errors)
            if exc.partial is not None:
                partials.append(exc.partial)
    result = _link(unique, parsed, reports, partials)
    read = [*(f for f in parsed if f is not None), *partials]
    pictures = tuple(dict.fromkeys(p for f in read for p in f.pictures))
    return replace(result, aliases=MappingProxyType(aliases), pictures=pictures)


def _link(
    paths: Sequence[Path],
    parsed: Sequence[ParsedFile | None],
    reports: dict[str, FileReport],
    partials: Sequence[ParsedFile] = (),
) -> LoadResult:
    # Ids first: a later file that repeats an id is left out, and the error names both places.
    owners: dict[tuple[str, str], str] = {}
    accepted: list[ParsedFile] = []
    for parsed_file in parsed:
        if parsed_file is None:
            continue
        errors = by_place(_duplicate_ids(parsed_file, owners))
        if errors:
            errors = by_place([*errors, *parsed_file.picture_errors])
            reports[parsed_file.source] = FileReport(parsed_file.source, errors=tuple(errors))
        else:
            accepted.append(parsed_file)
            for kind, ident, loc in _ids(parsed_file):
                owners[(kind, ident)] = f"{parsed_file.source}:{loc.line}:{loc.column}"

    # Then references, until no file is dropped (dropping one can break another).
    while True:
        stretches = {sid: raw for f in accepted for sid, raw in f.stretches.items()}
        symptoms = {sid: s for f in accepted for sid, (s, _) in f.symptoms.items()}
        dropped = False
        for parsed_file in list(accepted):
            errors = by_place(_unresolved(parsed_file, stretches, symptoms))
            if errors:
                errors = by_place([*errors, *parsed_file.picture_errors])
                reports[parsed_file.source] = FileReport(parsed_file.source, errors=tuple(errors))
                accepted.remove(parsed_file)
                dropped = True
        if not dropped:
            break

    routines: list[Routine] = []
    for parsed_file in accepted:
        file_routines = [
            _build_routine(r, stretches, parsed_file.source) for r in parsed_file.routines
        ]
        routines.extend(file_routines)
        reports[parsed_file.source] = FileReport(
            parsed_file.source,
            len(parsed_file.stretches),
            len(file_routines),
            picture_errors=tuple(parsed_file.picture_errors),
        )
    # A file left out for its own errors still hears about its cross-file ones in the same pass.
    for partial in partials:
        own_stretches = {**stretches, **partial.stretches}
        own_symptoms = {**symptoms, **{sid: s for sid, (s, _) in partial.symptoms.items()}}
        extra = [
            *_duplicate_ids(partial, owners),
            *_unresolved(partial, own_stretches, own_symptoms),
        ]
        if extra:
            report = reports[partial.source]
            merged = tuple(by_place([*report.errors, *extra]))
            reports[partial.source] = FileReport(partial.source, errors=merged)

    library = Library(
        stretches=MappingProxyType({sid: raw.stretch for sid, raw in stretches.items()}),
        routines=tuple(routines),
        symptoms=MappingProxyType(symptoms),
    )
    ordered = tuple(reports[str(p)] for p in paths if str(p) in reports)
    return LoadResult(library, ordered)


def _ids(parsed: ParsedFile) -> Iterator[tuple[str, str, Loc]]:
    for sid, raw in parsed.stretches.items():
        yield "stretch", sid, raw.loc
    for sid, (_, loc) in parsed.symptoms.items():
        yield "symptom", sid, loc
    for routine_id, loc in parsed.routine_ids:
        yield "routine", routine_id, loc


def _duplicate_ids(
    parsed: ParsedFile, owners: dict[tuple[str, str], str]
) -> Iterator[RoutineError]:
    for kind, ident, loc in _ids(parsed):
        other = owners.get((kind, ident))
        if other is not None:
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"{kind} id '{short(ident)}' is already defined at {other}; ids must be unique "
                "across all routine files",
            )


def _unresolved(
    parsed: ParsedFile, stretches: dict[str, RawStretch], symptoms: dict[str, Symptom]
) -> Iterator[RoutineError]:
    for step, stretch_id, loc in parsed.step_refs:
        if stretch_id not in stretches:
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"{step} uses unknown stretch '{short(stretch_id)}'"
                f"{did_you_mean(stretch_id, stretches)}",
            )
    for sid, raw in parsed.stretches.items():
        for symptom_id, loc in raw.advice_locs:
            if symptom_id not in symptoms:
                yield RoutineError(
                    parsed.source,
                    loc.line,
                    loc.column,
                    f"stretch '{short(sid)}' gives advice for unknown symptom "
                    f"'{short(symptom_id)}'{did_you_mean(symptom_id, symptoms)}",
                )
    for routine, symptom_id, loc in parsed.stop_on_refs:
        if symptom_id not in symptoms:
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"{routine} stops on unknown symptom "
                f"'{short(symptom_id)}'{did_you_mean(symptom_id, symptoms)}",
            )
    # Keys shared within this file were reported when it was read: only another file's count
    # here, and only against the first symptom of this file on that key.
    owners: dict[str, Symptom] = {}
    here: set[str] = set()
    for symptom in symptoms.values():
        same = key_identity(symptom.key)
        owner = owners.setdefault(same, symptom)
        if symptom.source != parsed.source or same in here:
            continue
        here.add(same)
        if owner.source != symptom.source:
            _, loc = parsed.symptoms[symptom.id]
            yield RoutineError(
                parsed.source,
                loc.line,
                loc.column,
                f"symptom '{symptom.id}' uses key '{symptom.key}', which symptom "
                f"'{short(owner.id)}' already uses",
            )


def _build_routine(raw: RawRoutine, stretches: dict[str, RawStretch], source: str) -> Routine:
    steps = tuple(
        Step(
            stretch=stretches[s.stretch_id].stretch,
            hold=s.hold,
            reps=s.reps,
            rest=s.rest,
            prepare=s.prepare,
        )
        for s in raw.steps
    )
    return Routine(raw.id, raw.name, raw.description, steps, source, stop_on=raw.stop_on)


def load_routines(bundled: Path, user_dir: Path | None, extra: Sequence[Path]) -> LoadResult:
    """The bundled file, every ``*.yaml`` in the user's folder, then each ``--routines`` path.

    A user folder that does not exist is fine (no routines of one's own yet); one that cannot
    be listed, and a ``--routines`` folder with no routine file, are reported with the files.
    """
    found = [RoutinePaths((bundled,))]
    if user_dir is not None:
        found.append(_user_folder(user_dir))
    found.append(find_routine_files(extra))
    result = load_library([path for f in found for path in f.files])
    problems = tuple(report for f in found for report in f.problems)
    if not problems:
        return result
    return replace(result, reports=(*result.reports, *problems))


def _user_folder(user_dir: Path) -> RoutinePaths:
    if not path_exists(user_dir):
        return RoutinePaths(())
    listing = list_folder(user_dir, ROUTINE_SUFFIXES)
    problem = listing.problem
    if problem is None and not listing.is_folder:
        problem = "it is not a folder, so no routine files are read from it"
    if problem is None:
        return RoutinePaths(listing.files)
    return RoutinePaths((), (folder_report(user_dir, problem),))


def folder_report(path: Path, problem: str) -> FileReport:
    return FileReport(str(path), errors=(RoutineError(str(path), 0, 0, problem),))
