"""Generate grantmatch's bundled demo dataset and the small test fixture.

The code is the package ``scripts/demo_generator/``; this file is its command line, kept so
that the documented command stays the same. Usage (from the repository root)::

    python scripts/generate_demo_data.py                # demo dataset + small fixture
    python scripts/generate_demo_data.py --seed 7 --out /tmp/demo --skip-fixture

Writes ``matcher/datasets/demo/{institutions,offices,profiles,calls}.jsonl`` and its
``README.md``, and ``tests/fixtures/small/*.jsonl`` (the fixture's README is hand-written).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent
if str(SCRIPTS_DIR) not in sys.path:  # loaded by path (the tests), not run as a script
    sys.path.insert(0, str(SCRIPTS_DIR))

from demo_generator.cli import main  # noqa: E402

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
