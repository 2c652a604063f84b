"""How well :func:`matcher.call_text.is_administrative` separates a call's rules from its
research content, per language.

On ``benchmarks/data/call_sentences.jsonl`` (one labelled sentence a line: ``text``,
``language``, ``label`` administrative or research, ``source``, ``sample``; see
``benchmarks/data/README.md``): precision and recall of the *administrative* class (the
sentences :func:`matcher.coverage.call_parts` leaves out), the same for the research class,
and accuracy.

Usage (from the repository root)::

    python benchmarks/call_parts_split.py            # the table
    python benchmarks/call_parts_split.py --errors   # and every misclassified sentence
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.call_text import administrative_cue

DATA = Path(__file__).parent / "data" / "call_sentences.jsonl"
LANGUAGES = ("en", "ru", "zh", "kk", "mn")


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "n/a"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="print misclassified sentences")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    # (language, truth, predicted) -> count
    counts: dict[tuple[str, bool, bool], int] = defaultdict(int)
    errors = []
    for row in rows:
        truth = row["label"] == "administrative"
        cue = administrative_cue(row["text"])
        predicted = cue is not None
        for language in (row["language"], "all"):
            counts[(language, truth, predicted)] += 1
        if truth != predicted:
            errors.append((row, cue))
    print(f"{len(rows)} sentences from {DATA}")
    print()
    print(
        "| language | sentences | administrative | admin precision | admin recall "
        "| research precision | research recall | accuracy |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for language in (*LANGUAGES, "all"):
        tp = counts[(language, True, True)]
        fn = counts[(language, True, False)]
        fp = counts[(language, False, True)]
        tn = counts[(language, False, False)]
        total = tp + fn + fp + tn
        if not total:
            continue
        print(
            f"| {language} | {total} | {tp + fn} | {_ratio(tp, tp + fp)} | {_ratio(tp, tp + fn)} "
            f"| {_ratio(tn, tn + fn)} | {_ratio(tn, tn + fp)} | {_ratio(tp + tn, total)} |"
        )
    if args.errors:
        print()
        for row, cue in errors:
            kind = "missed rule" if cue is None else f"false rule ({cue})"
            print(f"[{row['language']}] {kind}: {row['text']}  <{row['source']}>")


if __name__ == "__main__":
    main()
