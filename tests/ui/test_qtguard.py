"""The window survives the binding's lost references to None/True/False (PySide6 6.12, 3.11)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

LONG_RUN = """
import desktop_app.ui
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Source(QObject):
    changed = Signal(object)

app = QApplication([])
label = QLabel()
source = Source(label)
source.changed.connect(label.setText)
for i in range(200_000):  # far more than None's or True's reference count at start-up
    label.setVisible(False)
    source.changed.emit("x")
print("survived")
"""


def test_many_qt_calls_do_not_deallocate_none_or_true() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", LONG_RUN],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"
