"""The Qt window: widgets and the one controller that drives the engine from a QTimer.

Importing this package first protects the interpreter from a reference-count bug in the
installed Qt binding (see :mod:`desktop_app.ui.qtguard`).
"""

from desktop_app.ui.qtguard import protect_none

protect_none()
