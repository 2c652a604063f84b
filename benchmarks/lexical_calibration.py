"""Recompute the calibration anchors of the lexical signal (``matcher.lexical.CALIBRATIONS``).

The same protocol as ``benchmarks/embeddings_calibration.py``: for 1,000 CORDIS projects
(every 8th eligible one from the 2nd) the lexical index is fitted on the projects'
objectives; each title is scored (as a query) against every objective. The *related* anchor
is the median score of a title against its own objective, the *unrelated* anchor the median
against the other projects' objectives. Prints the constants and the spread.

Usage (from the repository root)::

    python benchmarks/lexical_calibration.py [--projects 1000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embeddings_data import cordis_projects
from matcher.lexical import LexicalIndex, LexicalMethod


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=1000, help="projects in the sample")
    args = parser.parse_args()
    projects = cordis_projects(limit=args.projects, stride=8, offset=1)
    methods: tuple[LexicalMethod, ...] = ("tfidf", "bm25")
    print(
        "| method | projects | raw unrelated (0) | raw related (1) | unrelated p95 | "
        "unrelated p99 | related p10 | title->objective top-1 | AUC |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for method in methods:
        index = LexicalIndex.build([p.objective for p in projects], method)
        sims = index.raw_similarities([p.title for p in projects])
        related = np.diag(sims)
        unrelated = sims[~np.eye(len(projects), dtype=bool)]
        lo, hi = float(np.median(unrelated)), float(np.median(related))
        cal = (sims - lo) / (hi - lo)
        cal_unrelated = cal[~np.eye(len(projects), dtype=bool)]
        order = np.sort(unrelated)
        auc = float(np.mean(np.searchsorted(order, related) / len(order)))
        top1 = float(np.mean(sims.argmax(axis=1) == np.arange(len(projects))))
        print(
            f"| {method} | {len(projects)} | {lo:.4f} | {hi:.4f} | "
            f"{np.percentile(cal_unrelated, 95):.2f} | {np.percentile(cal_unrelated, 99):.2f} | "
            f"{np.percentile(np.diag(cal), 10):.2f} | {top1:.3f} | {auc:.3f} |"
        )


if __name__ == "__main__":
    main()
