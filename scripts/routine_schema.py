"""Writes resources/routines.schema.json from the routine format's spec, or checks it.

    .venv/bin/python scripts/routine_schema.py          # write it
    .venv/bin/python scripts/routine_schema.py --check  # exit 1 if it differs from the spec

The spec is desktop_app/routine_format/spec.py: change a key there, then run this.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from desktop_app.routine_format.schema import schema_text  # noqa: E402

SCHEMA_FILE = REPO / "resources" / "routines.schema.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    wanted = schema_text()
    current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    if args.check:
        if current != wanted:
            print(f"{SCHEMA_FILE} is out of date: run scripts/routine_schema.py", file=sys.stderr)
            return 1
        print(f"{SCHEMA_FILE} is current")
        return 0
    if current == wanted:
        print(f"{SCHEMA_FILE} is already current")
    else:
        SCHEMA_FILE.write_text(wanted, encoding="utf-8")
        print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
