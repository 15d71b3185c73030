"""bench/adversarial_logs.py as a test: every damaged, odd or busy log is handled."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench" / "adversarial_logs.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("adversarial_logs", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_every_damaged_log_is_handled_by_history_and_the_app() -> None:
    bench = load_bench()
    tried, handled, failures = bench.run_log_cases()
    assert tried >= 40
    assert failures == []
    assert handled == tried
