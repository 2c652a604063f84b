"""Install size of the base package against ``[all]``: fresh virtual environments, same run.

Each extra installs into its own new virtual environment (``pip install ROOT[EXTRAS]``,
not editable, the pip cache allowed); the figure is the size on disk of its
``site-packages`` and the number of distributions in it.

Run from the repository root (needs PyPI or a warm pip cache; takes minutes)::

    python benchmarks/install_size.py --extras "" service report all
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(folder: Path) -> int:
    """Bytes of the regular files below ``folder`` (links not followed)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def install(extras: str, where: Path) -> tuple[int, int]:
    """Install grantmatch with ``extras`` into a new venv at ``where``: (bytes, distributions)."""
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--quiet", target],
        check=True,
    )
    site = next((where / "lib").glob("python3*/site-packages"))
    distributions = len(list(site.glob("*.dist-info")))
    return folder_size(site), distributions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extras", nargs="+", default=["", "all"])
    args = parser.parse_args()
    print("| install | site-packages | distributions |")
    print("|---|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="grantmatch-install-") as scratch:
        for extras in args.extras:
            size, count = install(extras, Path(scratch) / (extras or "base"))
            name = f"grantmatch[{extras}]" if extras else "grantmatch"
            print(f"| `{name}` | {size / 2**20:,.0f} MiB | {count} |", flush=True)


if __name__ == "__main__":
    main()
