"""Each widget owns its state from ``__init__``: read from the source of every ui module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

UI_MODULES = sorted((REPO / "desktop_app" / "ui").glob("*.py"))
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "deque"}


def _self_attributes(function: ast.FunctionDef) -> list[tuple[str, int]]:
    """``self.x`` assigned anywhere in ``function`` (nested functions included), with lines."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == "self"
                ):
                    found.append((part.attr, node.lineno))
    return found


def _mutable(value: ast.expr | None) -> bool:
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp):
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in MUTABLE_CALLS
    )


def problems_in(source: str, name: str) -> list[str]:
    problems = []
    for cls in (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)):
        init: set[str] = set()
        elsewhere: list[tuple[str, int, str]] = []
        for item in cls.body:
            if isinstance(item, ast.Assign | ast.AnnAssign) and _mutable(item.value):
                problems.append(f"{name}:{item.lineno}: {cls.name} has class-level mutable state")
            if isinstance(item, ast.FunctionDef):
                for attr, line in _self_attributes(item):
                    if item.name == "__init__":
                        init.add(attr)
                    else:
                        elsewhere.append((attr, line, item.name))
        for attr, line, method in elsewhere:
            if attr not in init:
                problems.append(f"{name}:{line}: {cls.name}.{attr} first set in {method}()")
    return problems


def test_the_check_finds_what_it_is_for() -> None:
    source = (
        "class Page:\n"
        "    cache = {}\n"
        "    def __init__(self):\n"
        "        self.ok = 1\n"
        "    def build(self):\n"
        "        self.ok = 2\n"
        "        self.late = 3\n"
    )
    assert problems_in(source, "x.py") == [
        "x.py:2: Page has class-level mutable state",
        "x.py:7: Page.late first set in build()",
    ]


@pytest.mark.parametrize("path", UI_MODULES, ids=lambda p: p.name)
def test_every_ui_class_sets_its_attributes_in_init(path: Path) -> None:
    assert problems_in(path.read_text(encoding="utf-8"), path.name) == []
