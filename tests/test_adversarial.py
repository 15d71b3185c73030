"""A share of bench/adversarial.py's bad routine files, through the real command line each time."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import REPO

BENCH = REPO / "bench"


def _load(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_bench_has_at_least_150_bad_files_of_every_kind() -> None:
    cases = _load("adversarial_cases").all_cases()
    assert len(cases) >= 150
    assert len({c.name for c in cases}) == len(cases)
    kinds = {c.kind for c in cases}
    assert {"encoding", "control chars", "nesting", "file system", "durations"} <= kinds


def test_a_share_of_each_kind_is_handled_by_validate_and_list() -> None:
    cases_module = _load("adversarial_cases")
    adversarial = _load("adversarial")
    cases = cases_module.all_cases()
    # Every fourth case, and every file-system case (FIFOs, devices, links, permissions).
    chosen = [c for i, c in enumerate(cases) if i % 4 == 0 or c.kind == "file system"]
    tried, handled, failures = adversarial.run_routine_cases(chosen, jobs=2)
    assert tried >= 60
    assert failures == []
    assert handled == tried
