"""A plain (non-editable) install finds the bundled resources inside the installed package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CHECKOUT_RESOURCES = REPO / "resources"
# What a build may leave in the folder it builds from; none of it may appear in the checkout.
BUILD_LEFTOVERS = ("build", "dist", "*.egg-info")

PROBE = """
import importlib.metadata, json, sys
import desktop_app, desktop_app.paths as paths
dist = importlib.metadata.distribution("stretch-timer")
print(json.dumps({
    "package": desktop_app.__file__,
    "resources_dir": str(paths.resources_dir()),
    "bundled": str(paths.bundled_routines_file()),
    "sys_path": sys.path,
    "modules": sorted(
        str(getattr(m, "__file__", None)) for name, m in sys.modules.items()
        if name == "desktop_app" or name.startswith("desktop_app.")
    ),
    "gui_scripts": {e.name: e.value for e in dist.entry_points if e.group == "gui_scripts"},
}))
"""


def _copy_checkout(dest: Path) -> None:
    """The checkout's files (tracked and new, not ignored) as they are now, without .git/.venv."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    names = [name for name in listed.split("\0") if name]
    if not names:  # not a git checkout (an unpacked sdist, say): copy all but the usual junk
        shutil.copytree(
            REPO,
            dest,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "__pycache__", "*_cache", ".hypothesis", *BUILD_LEFTOVERS
            ),
        )
        return
    for name in names:
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def _leftovers() -> set[Path]:
    return {path for pattern in BUILD_LEFTOVERS for path in REPO.glob(pattern)}


def _run(command: list[str], *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_plain_install_finds_bundled_resources_in_the_package(tmp_path: Path) -> None:
    before = _leftovers()
    source = tmp_path / "src"
    target = tmp_path / "installed"
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    _copy_checkout(source)

    # A plain `pip install .`: a wheel built in an isolated environment (which fetches the
    # build backend named in pyproject.toml), then installed. --target keeps it out of the venv.
    pip_env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    install = ["install", "--no-deps", "--no-compile", "--target", str(target), str(source)]
    pip = _run(
        [sys.executable, "-m", "pip", *install],
        env=pip_env,
        cwd=tmp_path,
    )
    assert pip.returncode == 0, f"pip install failed:\n{pip.stdout}\n{pip.stderr}"
    assert _leftovers() == before, "building wrote into the working tree"

    installed = target / "desktop_app" / "resources"
    for name in ("routines.yaml", "demo.yaml", "routines.schema.json"):
        assert (installed / name).is_file(), f"{name} is not installed in desktop_app/resources"
        assert (installed / name).read_bytes() == (CHECKOUT_RESOURCES / name).read_bytes()
    json.loads((installed / "routines.schema.json").read_text(encoding="utf-8"))
    sounds = sorted(path.name for path in (CHECKOUT_RESOURCES / "sounds").glob("*.wav"))
    assert len(sounds) >= 4, sounds
    for name in sounds:
        installed_sound = installed / "sounds" / name
        assert installed_sound.is_file(), f"sounds/{name} is not installed in desktop_app/resources"
        assert installed_sound.read_bytes() == (CHECKOUT_RESOURCES / "sounds" / name).read_bytes()

    # -S: no site-packages and no .pth files, so even an editable install of the checkout in
    # the venv cannot put it on sys.path; PYTHONPATH gives the install, then PyYAML's folder.
    yaml_dir = Path(yaml.__file__).resolve().parent.parent
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(target), str(yaml_dir)]),
        PYTHONSAFEPATH="1",
        PYTHONNOUSERSITE="1",
        STRETCH_TIMER_DATA_DIR=str(tmp_path / "data"),
    )
    python = [sys.executable, "-S"]

    probe = _run([*python, "-c", PROBE], env=env, cwd=run_dir)
    assert probe.returncode == 0, probe.stderr
    facts = json.loads(probe.stdout)
    assert Path(facts["package"]).is_relative_to(target)
    assert facts["modules"], "desktop_app was not imported"
    assert all(Path(m).is_relative_to(target) for m in facts["modules"]), facts["modules"]
    assert REPO not in {Path(p).resolve() for p in facts["sys_path"] if p}, facts["sys_path"]
    assert Path(facts["resources_dir"]) == installed
    assert Path(facts["bundled"]) == installed / "routines.yaml"
    assert facts["gui_scripts"] == {"stretch-timer": "desktop_app.__main__:run"}

    bundled = yaml.safe_load((CHECKOUT_RESOURCES / "routines.yaml").read_text(encoding="utf-8"))
    routine_ids = [routine["id"] for routine in bundled["routines"]]
    assert len(routine_ids) >= 5

    validate = _run(
        [*python, "-m", "desktop_app", "validate", str(installed / "routines.yaml")],
        env=env,
        cwd=run_dir,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert validate.stdout.strip() == (
        f"OK {installed / 'routines.yaml'} "
        f"({len(bundled['stretches'])} stretches, {len(routine_ids)} routines)"
    )

    listed = _run([*python, "-m", "desktop_app", "list", "--json"], env=env, cwd=run_dir)
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr == ""
    rows = json.loads(listed.stdout)
    assert [row["id"] for row in rows] == routine_ids
    assert {row["source"] for row in rows} == {str(installed / "routines.yaml")}

    # The demo routine comes from its own installed file, only with --demo.
    listed = _run([*python, "-m", "desktop_app", "list", "--json", "--demo"], env=env, cwd=run_dir)
    assert listed.returncode == 0, listed.stderr
    demo_rows = json.loads(listed.stdout)[len(routine_ids) :]
    assert [(row["id"], row["source"]) for row in demo_rows] == [
        ("quick-check", str(installed / "demo.yaml"))
    ]
