"""``python -m demo_generator`` (from ``scripts/``): the same as ``generate_demo_data.py``."""

from .cli import main

raise SystemExit(main())
