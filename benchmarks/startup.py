"""Start-up time: ``grantmatch --help`` and importing the packages, this tree against a baseline.

Each probe runs in a fresh interpreter (the way a user meets it) and is repeated; the tree
under test and the baseline alternate within one run, so machine noise hits both alike.
The baseline is another commit, checked out into a temporary git worktree and imported from
there (its directory first on ``sys.path``), with the same virtual environment.

Run from the repository root::

    python benchmarks/startup.py --baseline 94af836 --repeat 15
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBES = {
    "grantmatch --help": "import sys; from api.cli import main; sys.exit(main(['--help']))",
    "grantmatch rank --help": (
        "import sys; from api.cli import main; sys.exit(main(['rank', '--help']))"
    ),
    "import matcher": "import matcher",
    "from matcher import Matcher": "from matcher import Matcher",
}


def time_probe(code: str, tree: Path) -> float:
    """Seconds for a fresh interpreter to run ``code`` with ``tree`` first on its path."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); {code}"],
        check=True,
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def baseline_tree(revision: str, folder: Path) -> Path:
    """A worktree of ``revision`` in ``folder`` (removed by the caller)."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(folder), revision],
        check=True,
    )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", help="a git revision to compare against")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    trees = {"this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="grantmatch-startup-") as scratch:
        if args.baseline:
            trees[f"baseline {args.baseline}"] = baseline_tree(
                args.baseline, Path(scratch) / "baseline"
            )
        try:
            for tree in trees.values():  # warm the file cache and the bytecode
                for code in PROBES.values():
                    time_probe(code, tree)
            times: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.repeat):
                for probe, code in PROBES.items():
                    for name, tree in trees.items():
                        times.setdefault((probe, name), []).append(time_probe(code, tree))
        finally:
            if args.baseline:
                subprocess.run(
                    [
                        "git",
                        "-C",
                        str(ROOT),
                        "worktree",
                        "remove",
                        "--force",
                        str(trees.popitem()[1]),
                    ],
                    check=False,
                )
    names = [f"baseline {args.baseline}", "this tree"] if args.baseline else ["this tree"]
    print(f"| probe | {' | '.join(names)} | ratio |" if args.baseline else "| probe | s |")
    print("|---|" + "---:|" * (len(names) + (1 if args.baseline else 0)))
    for probe in PROBES:
        medians = [statistics.median(times[(probe, name)]) for name in names]
        cells = " | ".join(f"{m:.3f} s" for m in medians)
        ratio = f" | {medians[1] / medians[0]:.2f}x" if args.baseline else ""
        print(f"| `{probe}` | {cells}{ratio} |")


if __name__ == "__main__":
    main()
