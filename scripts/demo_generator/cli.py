"""Generate grantmatch's bundled demo dataset and the small test fixture.

The command line of :mod:`demo_generator`: ``python scripts/generate_demo_data.py`` runs
:func:`main`. The first paragraph of this docstring is the ``--help`` description.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from matcher.errors import InputError

from .dataset import World, write_validated
from .fixture import small_fixture
from .readme import describe
from .world import DEFAULT_SEED, generate

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "matcher" / "datasets" / "demo"
DEFAULT_FIXTURE_OUT = REPO_ROOT / "tests" / "fixtures" / "small"


def write_outputs(seed: int, out: Path, fixture_out: Path | None) -> tuple[World, list[Path]]:
    """Generate and write the demo dataset with its README, and the fixture unless ``None``."""
    world = generate(seed)
    written = write_validated(world, out)
    readme = out / "README.md"
    readme.write_text(describe(world, seed), encoding="utf-8", newline="\n")
    written.append(readme)
    if fixture_out is not None:
        written += write_validated(small_fixture(), fixture_out)
    return world, written


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator with command-line ``argv``; 1 when the loader rejects its output."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2026)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="demo dataset folder")
    parser.add_argument(
        "--fixture-out", type=Path, default=DEFAULT_FIXTURE_OUT, help="small test fixture folder"
    )
    parser.add_argument("--skip-fixture", action="store_true", help="write the demo only")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)

    fixture_out = None if args.skip_fixture else args.fixture_out
    try:
        world, written = write_outputs(args.seed, args.out, fixture_out)
    except InputError as error:  # a generator bug: the loader says where
        print(f"generated data rejected by matcher.load_dataset: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
        print(
            f"{len(world.profiles)} profiles, {len(world.calls)} calls, "
            f"{len(world.institutions)} institutions, {len(world.offices)} offices"
        )
    return 0
