"""Times validating a generated routine file the way ``stretch-timer validate`` does.

Generates a valid routine file (1,000 stretches and 200 routines by default) into a temporary
folder, then measures, after one warm-up run:

* ``parse_routines`` alone on the file's text (YAML composing and checking one file);
* ``load_library([bundled, generated])`` (read, parse and check both files, then link them),
  which is the work of ``stretch-timer validate FILE``;
* the whole ``python -m desktop_app validate FILE`` command, interpreter start-up included.

Run it from the repository root::

    .venv/bin/python bench/bench_validate.py [--stretches N] [--routines N] [--runs N]

It prints a Markdown table for the README; ``--profile`` adds a cProfile listing of the loader.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from desktop_app.paths import bundled_routines_file  # noqa: E402
from desktop_app.routines import MAX_FILE_BYTES, load_library, parse_routines  # noqa: E402

GOAL_MS = 300.0
CLI_RUNS = 5

AREAS = ("hamstrings", "calves", "soleus", "plantar fascia", "hips", "glutes", "quads", "back")
POSITIONS = ("Standing", "Seated", "Lying", "Kneeling", "Wall", "Step", "Chair", "Doorway")
PROPS = ("towel", "band", "strap", "rolled mat", "step", "chair", "wall", "foam roller")
INSTRUCTIONS = (
    "Stand tall with your weight spread evenly over both feet.",
    "Loop the {prop} around the ball of the foot and hold an end in each hand.",
    "Keep the knee almost straight and the hips square to the front.",
    "Lean forward from the hips until you feel a gentle pull in the {area}.",
    "Rest your hands on the {prop} for balance.",
    "Breathe out slowly as you settle into the stretch.",
    "Keep the heel down and the toes pointing straight ahead.",
    "Come out of the stretch slowly, the way you went in.",
)
TIPS = (
    "Aim for tightness or mild discomfort, never pain.",
    "Hold still: bouncing makes the muscle tighten against the stretch.",
    "Relax your shoulders and jaw while you hold.",
    "A lower {prop} gives a gentler stretch.",
    "Let the {area} soften a little more each time you breathe out.",
)
CAUTIONS = (
    "Skip it if the {area} may be strained or torn.",
    "Make sure the {prop} is steady before you lean on it.",
)
ADVICE = (
    "Bend the knee a little and ease off until it fades.",
    "Let the foot go loose and point the toes softly away.",
)

# Ids and keys of the generated symptoms must not clash with the bundled file's (T, H, P).
SYMPTOMS = {
    "numbness": ("Numbness", "N", "continue"),
    "cramp": ("Cramp", "C", "stop"),
    "dizziness": ("Dizziness", "D", "stop"),
}
BUNDLED_SYMPTOMS = ("tingling", "heel-pain")


def generate(stretches: int, routines: int, seed: int = 1) -> str:
    """A valid routine file: realistic but short texts, sided and unsided stretches, overrides."""
    rng = random.Random(seed)
    doc: dict[str, object] = {
        "format": 1,
        "defaults": {"prepare": "5s", "rest": "10s"},
        "symptoms": {
            sid: {
                "label": label,
                "key": key,
                "action": action,
                "advice": ["Ease off and breathe slowly.", "Come out of the stretch gently."],
                "seek_help": ["It stays after you stop, or comes back every time."],
            }
            for sid, (label, key, action) in SYMPTOMS.items()
        },
    }
    library: dict[str, dict[str, object]] = {}
    for number in range(1, stretches + 1):
        area = AREAS[number % len(AREAS)]
        prop = rng.choice(PROPS)
        position = POSITIONS[number // len(AREAS) % len(POSITIONS)]

        def fill(text: str, area: str = area, prop: str = prop) -> str:
            return text.format(area=area, prop=prop)

        stretch: dict[str, object] = {
            "name": f"{position} {prop} {area} stretch {number}",
            "area": [area] if number % 3 else [area, rng.choice(AREAS)],
            "sided": number % 4 != 0,
            "instructions": [fill(t) for t in rng.sample(INSTRUCTIONS, rng.randint(2, 4))],
            "tips": [fill(t) for t in rng.sample(TIPS, rng.randint(1, 2))],
        }
        if number % 3 == 0:
            stretch["cautions"] = [fill(rng.choice(CAUTIONS))]
        if number % 5 == 0:
            symptom = rng.choice((*BUNDLED_SYMPTOMS, *SYMPTOMS))
            stretch["advice"] = {symptom: [rng.choice(ADVICE)]}
        library[f"{area.replace(' ', '-')}-{prop.replace(' ', '-')}-{number}"] = stretch
    doc["stretches"] = library

    ids = list(library)
    routine_list = []
    for number in range(1, routines + 1):
        steps = []
        for stretch_id in rng.sample(ids, rng.randint(5, 15)):
            step: dict[str, object] = {
                "stretch": stretch_id,
                "hold": rng.choice((20, "30s", "45s", "1m", "1m30s")),
            }
            if rng.random() < 0.6:
                step["reps"] = rng.randint(2, 4)
            if rng.random() < 0.2:
                step["rest"] = rng.choice(("5s", "15s", 20))
            if rng.random() < 0.1:
                step["prepare"] = rng.choice((0, "3s", "10s"))
            steps.append(step)
        routine_list.append(
            {
                "id": f"bench-routine-{number}",
                "name": f"Bench routine {number}",
                "description": "A generated routine for timing the loader.",
                "steps": steps,
            }
        )
    doc["routines"] = routine_list

    class _Dumper(yaml.SafeDumper):
        # Lists indented under their key, as people write them (and as the bundled file is).
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    header = "# Generated by bench/bench_validate.py: a large, valid routine file (format 1).\n"
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def time_runs(func: Callable[[], object], runs: int, *, gc_on: bool = True) -> list[float]:
    """Milliseconds of each of ``runs`` calls, after one warm-up call.

    Each run starts from a collected heap, so the cyclic collector's work (small since the
    loader reads the YAML into untracked tuples, but it grows with the heap it walks) does not
    depend on what the previous run left behind.
    """
    func()
    times = []
    for _ in range(runs):
        gc.collect()
        if not gc_on:
            gc.disable()
        try:
            start = time.perf_counter()
            func()
            times.append((time.perf_counter() - start) * 1000)
        finally:
            gc.enable()
    return times


def _child_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "STRETCH_TIMER_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    # Cache bytecode as an installed app would have it (pip compiles on install), but in the
    # temporary folder, never beside the sources, even where PYTHONDONTWRITEBYTECODE is set.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data_dir.parent / "pycache")
    return env


def time_cli(path: Path, data_dir: Path, runs: int) -> list[float]:
    env = _child_env(data_dir)
    command = [sys.executable, "-m", "desktop_app", "validate", str(path)]
    times = []
    for index in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
        elapsed = (time.perf_counter() - start) * 1000
        if done.returncode != 0 or not done.stdout.startswith("OK "):
            sys.exit(f"validate failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        if index:  # the first run warms the OS file cache and writes the bytecode cache
            times.append(elapsed)
    return times


COLD_LOAD = """
import sys, time
from pathlib import Path
from desktop_app.routines import load_library
start = time.perf_counter()
load_library([Path(sys.argv[1]), Path(sys.argv[2])])
print((time.perf_counter() - start) * 1000)
"""


def time_cold_load(bundled: Path, path: Path, data_dir: Path, runs: int) -> list[float]:
    """The first ``load_library`` call of a fresh process, as the command makes it."""
    env = _child_env(data_dir)
    times = []
    for index in range(runs + 1):
        done = subprocess.run(
            [sys.executable, "-c", COLD_LOAD, str(bundled), str(path)],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        if index:
            times.append(float(done.stdout))
    return times


def profile(func: Callable[[], object], top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    func()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stretches", type=int, default=1000)
    parser.add_argument("--routines", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15, help="timed runs after a warm-up")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the loader")
    args = parser.parse_args(argv)

    bundled = bundled_routines_file()
    with tempfile.TemporaryDirectory(prefix="stretch-bench-") as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(generate(args.stretches, args.routines), encoding="utf-8")
        size = path.stat().st_size
        text = path.read_text(encoding="utf-8")

        parsed = parse_routines(text, str(path))  # raises on any error: the file must be valid
        steps = sum(len(r.steps) for r in parsed.routines)
        result = load_library([bundled, path])
        if result.errors:
            sys.exit(f"generated file did not validate: {result.errors}")

        parse_ms = time_runs(lambda: parse_routines(text, str(path)), args.runs)
        load_ms = time_runs(lambda: load_library([bundled, path]), args.runs)
        no_gc_ms = time_runs(lambda: load_library([bundled, path]), args.runs, gc_on=False)
        cli_ms = time_cli(path, Path(tmp) / "data", CLI_RUNS)
        cold_ms = time_cold_load(bundled, path, Path(tmp) / "data", CLI_RUNS)

        loader = getattr(yaml, "CSafeLoader", None)
        print(
            f"Generated file: {len(parsed.stretches):,} stretches, {len(parsed.routines):,} "
            f"routines ({steps:,} steps), {size:,} bytes "
            f"({size / MAX_FILE_BYTES:.0%} of the 1 MiB limit)."
        )
        print(
            f"Python {platform.python_version()}, PyYAML {yaml.__version__} "
            f"({'libyaml CSafeLoader' if loader else 'pure-Python SafeLoader'}), "
            f"{os.cpu_count()} CPUs; {args.runs} runs after a warm-up "
            f"({CLI_RUNS} fresh processes for the last two rows).\n"
        )
        rows = [
            ("`parse_routines` (generated file only)", parse_ms),
            ("`load_library([bundled, generated])` (read, parse, link)", load_ms),
            ("`load_library` as above, first call in a fresh process", cold_ms),
            ("`python -m desktop_app validate FILE` (whole process)", cli_ms),
        ]
        diagnostic = ("`load_library`, cyclic GC off (for comparison only)", no_gc_ms)
        print(f"| what | median | min | goal < {GOAL_MS:.0f} ms |")
        print("| --- | ---: | ---: | :---: |")
        for label, times in rows:
            verdict = "yes" if statistics.median(times) < GOAL_MS else "**no**"
            print(
                f"| {label} | {statistics.median(times):.0f} ms | {min(times):.0f} ms | {verdict} |"
            )
        label, times = diagnostic
        print(f"| {label} | {statistics.median(times):.0f} ms | {min(times):.0f} ms | |")
        if args.profile:
            print("\n```\n" + profile(lambda: load_library([bundled, path])) + "```")
        over = statistics.median(load_ms) >= GOAL_MS
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
