"""Entry point for ``python -m desktop_app`` and the ``stretch-timer`` command."""

import sys


def run() -> int:
    """Ctrl+C while the app is still importing ends quietly with 130, like later on."""
    try:
        from desktop_app.cli import main
    except KeyboardInterrupt:
        return 130
    return main()


if __name__ == "__main__":
    sys.exit(run())
