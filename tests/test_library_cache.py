"""The routine library cache: the same library back, reloaded on any change, never trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from desktop_app import library_cache
from desktop_app.library_cache import CACHE_NAME, LoadedLibrary, load, save
from desktop_app.paths import demo_routines_file
from desktop_app.routines import load_routines
from tests.conftest import BUNDLED, REPO

MINE = textwrap.dedent(
    """\
    format: 1
    routines:
      - id: mine
        name: Mine
        steps: [{stretch: wall-calf, hold: 30s, reps: 2}]
    """
)
BROKEN = (
    "format: 1\nroutines:\n  - id: broken\n    name: Broken\n"
    "    steps: [{stretch: nope, hold: 3}]\n"
)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """The user's routines folder (with one file) and the cache folder, in a data directory."""
    routines = tmp_path / "routines"
    routines.mkdir()
    (routines / "mine.yaml").write_text(MINE, encoding="utf-8")
    return routines, tmp_path / "cache"


def load_and_save(routines: Path, cache: Path, extra: tuple[Path, ...] = ()) -> LoadedLibrary:
    loaded = load(BUNDLED, routines, list(extra), cache)
    assert save(loaded, cache)
    return loaded


def test_the_cached_library_equals_the_loaded_one(folders: tuple[Path, Path]) -> None:
    routines, cache = folders
    first = load_and_save(routines, cache, (demo_routines_file(),))
    assert not first.from_cache
    second = load(BUNDLED, routines, [demo_routines_file()], cache)
    assert second.from_cache
    direct = load_routines(BUNDLED, routines, [demo_routines_file()])
    assert second.library == direct.library == first.library
    assert [r.id for r in second.library.routines][-2:] == ["mine", "quick-check"]
    # Steps share the library's stretch objects, as the loader's do.
    step = second.library.routines[0].steps[0]
    assert step.stretch is second.library.stretches[step.stretch.id]


def test_load_errors_come_back_from_the_cache_word_for_word(
    folders: tuple[Path, Path],
) -> None:
    routines, cache = folders
    (routines / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    first = load_and_save(routines, cache)
    second = load(BUNDLED, routines, [], cache)
    assert second.from_cache
    expected = {
        path: tuple(str(e) for e in errors)
        for path, errors in load_routines(BUNDLED, routines, []).errors.items()
    }
    assert dict(second.errors) == dict(first.errors) == expected
    assert "uses unknown stretch 'nope'" in second.errors[str(routines / "broken.yaml")][0]


def change_content(routines: Path) -> None:
    # Same size, and the modification time put back: only the content and ctime differ.
    path = routines / "mine.yaml"
    before = path.stat()
    path.write_text(MINE.replace("reps: 2", "reps: 3"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(change_content, id="edited, same size and mtime"),
        pytest.param(
            lambda r: (r / "mine.yaml").write_text(MINE + "# more\n", encoding="utf-8"),
            id="edited",
        ),
        pytest.param(
            lambda r: (r / "more.yaml").write_text(
                MINE.replace("mine", "more").replace("Mine", "More"), encoding="utf-8"
            ),
            id="file added",
        ),
        pytest.param(lambda r: (r / "mine.yaml").unlink(), id="file deleted"),
        pytest.param(
            lambda r: os.utime(r / "mine.yaml", ns=(0, 10**18)), id="modification time touched"
        ),
        pytest.param(lambda r: (r / "mine.yaml").rename(r / "mine.yml"), id="file renamed"),
        pytest.param(lambda r: (r / "mine.yaml").chmod(0o200), id="file made unreadable"),
    ],
)
def test_any_change_to_the_files_reloads_them(folders: tuple[Path, Path], change: object) -> None:
    routines, cache = folders
    load_and_save(routines, cache)
    assert load(BUNDLED, routines, [], cache).from_cache
    change(routines)  # type: ignore[operator]
    after = load(BUNDLED, routines, [], cache)
    assert not after.from_cache
    assert after.library == load_routines(BUNDLED, routines, []).library
    assert dict(after.errors) == {
        p: tuple(map(str, e)) for p, e in load_routines(BUNDLED, routines, []).errors.items()
    }
    save(after, cache)
    assert load(BUNDLED, routines, [], cache).from_cache  # rewritten for the next start


def test_hidden_files_in_the_folder_do_not_count(folders: tuple[Path, Path]) -> None:
    routines, cache = folders
    load_and_save(routines, cache)
    (routines / ".mine.yaml.swp").write_bytes(b"an editor's swap file")
    assert load(BUNDLED, routines, [], cache).from_cache


def test_other_routine_paths_or_a_new_version_miss(
    folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routines, cache = folders
    load_and_save(routines, cache)
    assert not load(BUNDLED, routines, [demo_routines_file()], cache).from_cache
    extra = tmp_path / "extra.yaml"
    extra.write_text(MINE.replace("mine", "extra"), encoding="utf-8")
    load_and_save(routines, cache, (extra,))
    assert load(BUNDLED, routines, [extra], cache).from_cache
    extra.write_text(MINE.replace("mine", "other"), encoding="utf-8")
    assert not load(BUNDLED, routines, [extra], cache).from_cache
    load_and_save(routines, cache)
    monkeypatch.setattr(library_cache, "__version__", "99.0")
    assert not load(BUNDLED, routines, [], cache).from_cache


def test_a_change_to_the_loaders_own_code_misses(
    folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An editable install: the loader's code changes, the version does not.
    routines, cache = folders
    assert any(path.parent.name == "routine_format" for path in library_cache._loader_files())
    source = tmp_path / "loader.py"
    source.write_text("# the loader\n", encoding="utf-8")
    monkeypatch.setattr(library_cache, "_loader_files", lambda: [source])
    load_and_save(routines, cache)
    assert load(BUNDLED, routines, [], cache).from_cache
    source.write_text("# the loader, changed\n", encoding="utf-8")
    assert not load(BUNDLED, routines, [], cache).from_cache


def write_cache(cache: Path, body: bytes) -> None:
    """A cache file with a right header and checksum around ``body``."""
    cache.mkdir(exist_ok=True)
    header = f"{library_cache.HEADER} {library_cache.FORMAT} {zlib.crc32(body)}"
    (cache / CACHE_NAME).write_bytes(header.encode() + b"\n" + body)


def valid_body(routines: Path, cache: Path) -> dict[str, object]:
    load_and_save(routines, cache)
    _, _, body = (cache / CACHE_NAME).read_bytes().partition(b"\n")
    content: dict[str, object] = json.loads(body)
    return content


def tampered(content: dict[str, object], path: tuple[object, ...], value: object) -> bytes:
    target: object = content
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return json.dumps(content).encode()


@pytest.mark.parametrize(
    ("what", "damage"),
    [
        ("empty", lambda cache, body: (cache / CACHE_NAME).write_bytes(b"")),
        ("garbage", lambda cache, body: (cache / CACHE_NAME).write_bytes(os.urandom(3000))),
        ("cut short", lambda cache, body: write_cache(cache, body[: len(body) // 2])),
        (
            "a flipped byte",
            lambda cache, body: (cache / CACHE_NAME).write_bytes(
                (cache / CACHE_NAME).read_bytes().replace(b'"hold":30', b'"hold":31')
            ),
        ),
        ("not JSON", lambda cache, body: write_cache(cache, b"{not json")),
        ("not UTF-8", lambda cache, body: write_cache(cache, b'{"key": "\xff"}')),
        ("a list", lambda cache, body: write_cache(cache, b"[1, 2]")),
        ("a pickle", lambda cache, body: write_cache(cache, b"\x80\x04\x95.")),
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(
    folders: tuple[Path, Path], what: str, damage: object
) -> None:
    routines, cache = folders
    content = valid_body(routines, cache)
    damage(cache, json.dumps(content).encode())  # type: ignore[operator]
    loaded = load(BUNDLED, routines, [], cache)
    assert not loaded.from_cache, what
    assert loaded.library == load_routines(BUNDLED, routines, []).library
    assert save(loaded, cache)
    assert load(BUNDLED, routines, [], cache).from_cache


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("library", "routines", 0, "steps", 0, "hold"), "30"),
        (("library", "routines", 0, "steps", 0, "hold"), True),
        (("library", "routines", 0, "steps", 0, "stretch"), "no-such-stretch"),
        (("library", "routines", 0, "name"), None),
        (("library", "routines", 0, "stop_on"), "tingling"),
        (("library", "symptoms", 0, "action"), "explode"),
        (("library", "stretches", 0, "sided"), 1),
        (("library", "stretches", 0, "advice"), {"tingling": "not a list"}),
        (("library", "stretches", 0, "extra_field"), "x"),
        (("library", "routines"), {"not": "a list"}),
        (("errors",), [[1, ["x"]]]),
        (("errors",), "x"),
    ],
)
def test_a_well_formed_cache_with_values_of_the_wrong_type_is_ignored(
    folders: tuple[Path, Path], path: tuple[object, ...], value: object
) -> None:
    routines, cache = folders
    body = tampered(valid_body(routines, cache), path, value)
    write_cache(cache, body)  # the checksum matches: only the values are wrong
    loaded = load(BUNDLED, routines, [], cache)
    assert not loaded.from_cache
    assert loaded.library == load_routines(BUNDLED, routines, []).library


def test_a_missing_field_is_a_foreign_cache(folders: tuple[Path, Path]) -> None:
    routines, cache = folders
    content = valid_body(routines, cache)
    del content["library"]["stretches"][0]["tips"]  # type: ignore[index]
    write_cache(cache, json.dumps(content).encode())
    assert not load(BUNDLED, routines, [], cache).from_cache


def test_odd_things_in_the_caches_place_are_never_opened_or_raised_about(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    routines, cache = folders
    cache.mkdir()
    os.mkfifo(cache / CACHE_NAME)  # reading it would wait for a writer for ever
    loaded = load(BUNDLED, routines, [], cache)
    assert not loaded.from_cache
    assert save(loaded, cache)  # renamed over: the FIFO is never opened
    assert load(BUNDLED, routines, [], cache).from_cache
    (cache / CACHE_NAME).unlink()
    (cache / CACHE_NAME).mkdir()
    assert not load(BUNDLED, routines, [], cache).from_cache
    assert not save(loaded, cache)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    assert not load(BUNDLED, routines, [], not_a_folder).from_cache
    assert not save(loaded, not_a_folder)
    assert not save(loaded, tmp_path / "missing" / "cache")  # its parent is not made


def test_no_cache_folder_always_loads(folders: tuple[Path, Path]) -> None:
    routines, _ = folders
    loaded = load(BUNDLED, routines, [], None)
    assert not loaded.from_cache
    assert loaded.library == load_routines(BUNDLED, routines, []).library


def test_the_cache_is_replaced_whole_and_leaves_no_temporary_file(
    folders: tuple[Path, Path],
) -> None:
    routines, cache = folders
    load_and_save(routines, cache)
    (routines / "more.yaml").write_text(MINE.replace("mine", "more"), encoding="utf-8")
    load_and_save(routines, cache)
    assert sorted(p.name for p in cache.iterdir()) == [CACHE_NAME]
    assert load(BUNDLED, routines, [], cache).from_cache


NOT_BEFORE_THE_WINDOW = (
    "yaml",
    "desktop_app.routines",
    "desktop_app.routine_format",
    "desktop_app.engine",
    "desktop_app.audio",
    "desktop_app.storage",
    "sqlite3",
    "logging.handlers",
    "socket",
    "datetime",
)
"""What the start-up of the window has no need for before its first paint."""


def run_cli(data: Path) -> subprocess.CompletedProcess[str]:
    """``stretch-timer --data-dir DATA`` as far as the window; prints what was imported then."""
    code = textwrap.dedent(
        f"""\
        import sys
        import desktop_app.ui.app as app
        from desktop_app import cli

        def run_app(options):
            loaded = sorted(m for m in sys.modules if m in {NOT_BEFORE_THE_WINDOW!r})
            print(",".join(loaded), len(options.library.routines), flush=True)
            return 0

        app.run_app = run_app
        sys.exit(cli.main(["--data-dir", sys.argv[1]]))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", code, str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )


def test_a_warm_start_imports_no_yaml_and_no_loader(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cold = run_cli(data).stdout.split(" ")
    assert (data / "cache" / CACHE_NAME).is_file()
    warm = run_cli(data).stdout.split(" ")
    assert {"yaml", "desktop_app.routines"} <= set(cold[0].split(","))
    # Nothing the first picture does not need: not even the engine, the log or the sound.
    assert warm[0] == ""
    assert warm[-1] == cold[-1]  # the same routines


def test_the_cache_module_imports_no_qt_and_no_yaml() -> None:
    code = (
        "import sys, desktop_app.library_cache;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'yaml'))];"
        "assert not bad, bad"
    )
    subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(REPO)}, check=True
    )


# ---------------------------------------------------------------------- pictures


def with_pictures(routines: Path) -> Path:
    """A routine file whose stretches have a pose, an SVG that exists and one that does not."""
    (routines / "pics").mkdir()
    svg = routines / "pics" / "mine.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"/>', "utf-8")
    (routines / "mine.yaml").write_text(
        textwrap.dedent(
            """\
            format: 1
            stretches:
              posed:
                name: Posed
                instructions: [x]
                figure: {base: standing, knees: {near: 12.5}, props: [wall], highlight: calf}
              drawn:
                name: Drawn
                instructions: [x]
                figure: pics/mine.svg
              missing:
                name: Missing
                instructions: [x]
                figure: pics/later.png
            routines:
              - id: mine
                name: Mine
                steps: [{stretch: posed, hold: 5}, {stretch: drawn, hold: 5}]
            """
        ),
        encoding="utf-8",
    )
    return svg


def test_figures_and_pictures_come_back_from_the_cache(folders: tuple[Path, Path]) -> None:
    from desktop_app.pose import FigureFile, Pose

    routines, cache = folders
    with_pictures(routines)
    first = load_and_save(routines, cache)
    second = load(BUNDLED, routines, [], cache)
    assert second.from_cache
    assert second.library == first.library
    posed = second.library.stretches["posed"].figure
    assert isinstance(posed, Pose)
    assert posed.angles.near_knees == 12.5
    assert posed.angles.far_ankles is None  # standing: flat feet
    drawn = second.library.stretches["drawn"].figure
    assert isinstance(drawn, FigureFile)
    assert drawn.data == (routines / "pics" / "mine.svg").read_bytes()
    # Every bundled picture too, and the missing one is still reported.
    for stretch_id, stretch in first.library.stretches.items():
        assert second.library.stretches[stretch_id].figure == stretch.figure
    assert second.library.stretches["missing"].figure is None
    assert dict(second.picture_errors) == dict(first.picture_errors)
    (path, (message,)), *_ = second.picture_errors.items()
    assert path.endswith("mine.yaml")
    assert message.endswith("cannot read the picture 'pics/later.png': no such file")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda svg: svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8"),
            id="picture edited",
        ),
        pytest.param(lambda svg: svg.unlink(), id="picture deleted"),
        pytest.param(
            lambda svg: (svg.parent / "later.png").write_bytes(b"\x89PNG\r\n\x1a\n"),
            id="missing picture appears",
        ),
    ],
)
def test_a_change_to_a_picture_reloads_the_files(
    folders: tuple[Path, Path], change: object
) -> None:
    routines, cache = folders
    svg = with_pictures(routines)
    load_and_save(routines, cache)
    assert load(BUNDLED, routines, [], cache).from_cache
    change(svg)  # type: ignore[operator]
    after = load(BUNDLED, routines, [], cache)
    assert not after.from_cache
    assert after.library == load_routines(BUNDLED, routines, []).library


def test_the_picture_modules_are_part_of_the_loaders_code() -> None:
    names = {path.name for path in library_cache._loader_files()}
    assert {"pose.py", "figure_spec.py", "figure_file.py"} <= names
