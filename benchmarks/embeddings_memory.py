"""Peak memory (and time) of embedding 100,000 texts, in fresh processes.

Scenarios (each in its own subprocess, so that its peak RSS is its own):

* ``tfidf-full``: ``CachedEncoder(TF-IDF).encode`` of 100,000 distinct texts at once (the
  whole ``(100000, 1024)`` result is returned), cold cache;
* ``tfidf-cached``: the same again, every vector read back from the cache;
* ``tfidf-stream``: ``encode_iter`` over an iterator in chunks of 2,048, each chunk appended to
  a raw ``float32`` file (memory bounded whatever the corpus size), cold cache;
* ``<model>-stream-N``: a neural backend streamed over N texts (N small and large), to show
  that its peak does not grow with N (the model's working set is bounded by the chunk size)
  and to extrapolate time and memory to 100,000 texts: a full 100,000-text run of the neural
  models would take from half an hour (USE) to hours (MiniLM on abstracts, e5) on 2 cores.

Texts: CORDIS publication titles, then sentences of CORDIS project objectives, deduplicated,
first 100,000 (real research text, 9-400 characters).

Usage (from the repository root)::

    python benchmarks/embeddings_memory.py                  # all scenarios, ~8 min on 2 cores
    python benchmarks/embeddings_memory.py --scenarios tfidf-full tfidf-cached
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embeddings_data import cordis_projects, cordis_publication_titles, peak_rss_mib

N_TEXTS = 100_000
NEURAL = {"use": (1000, 3000), "minilm": (500, 1500), "e5": (200, 600)}


def corpus(n: int = N_TEXTS) -> list[str]:
    """``n`` distinct real research texts (see the module doc)."""
    seen: dict[str, None] = {}
    for title in cordis_publication_titles():
        seen.setdefault(title, None)
    for project in cordis_projects():
        for sentence in re.split(r"(?<=[.!?])\s+", project.objective):
            if len(sentence) > 40:
                seen.setdefault(sentence, None)
        if len(seen) >= n:
            break
    texts = list(seen)[:n]
    if len(texts) < n:
        raise SystemExit(f"only {len(texts)} distinct texts available")
    return texts


def run_scenario(scenario: str, folder: Path) -> dict[str, float]:
    """Run one scenario in this process; return its measurements."""
    from embeddings import CachedEncoder, get_encoder

    base_rss = peak_rss_mib()
    cache_path = folder / "vectors.sqlite"
    if scenario.startswith("tfidf"):
        texts = corpus()
        encoder = get_encoder("tfidf")
        encoder.encode(texts[:10])
        loaded_rss = peak_rss_mib()
        cached = CachedEncoder(encoder, cache_path, chunk_size=2048)
        started = time.perf_counter()
        if scenario == "tfidf-stream":
            with (folder / "vectors.f32").open("wb") as out:
                for chunk in cached.encode_iter(iter(texts), chunk_size=2048):
                    out.write(chunk.tobytes())
        else:
            cached.encode(texts)
        seconds = time.perf_counter() - started
        size = cache_path.stat().st_size + sum(
            p.stat().st_size for p in folder.glob("vectors.sqlite-*")
        )
        return {
            "texts": len(texts),
            "seconds": seconds,
            "base_rss": base_rss,
            "loaded_rss": loaded_rss,
            "peak_rss": peak_rss_mib(),
            "cache_mib": size / 2**20,
            "embedded": cached.stats.embedded,
        }
    name, _, n = scenario.split("-")
    texts = corpus(int(n) * 20)[::20][: int(n)]  # spread over titles and sentences
    encoder = get_encoder(name, threads=2)
    encoder.encode(texts[:4])
    loaded_rss = peak_rss_mib()
    started = time.perf_counter()
    rows = 0
    for chunk in encoder.encode_iter(iter(texts), chunk_size=256):
        rows += len(chunk)
    seconds = time.perf_counter() - started
    return {
        "texts": rows,
        "seconds": seconds,
        "base_rss": base_rss,
        "loaded_rss": loaded_rss,
        "peak_rss": peak_rss_mib(),
        "dim": encoder.dim,
        "mean_chars": float(np.mean([len(t) for t in texts])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = ["tfidf-full", "tfidf-cached", "tfidf-stream"] + [
        f"{m}-stream-{n}" for m, sizes in NEURAL.items() for n in sizes
    ]
    parser.add_argument("--scenarios", nargs="+", default=default)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_scenario(args.child, Path(args.folder))))
        return

    with tempfile.TemporaryDirectory() as tfidf_folder:
        results = {}
        for scenario in args.scenarios:
            # tfidf-cached reuses tfidf-full's cache file; the others start from an empty folder.
            folder = (
                tfidf_folder if scenario in ("tfidf-full", "tfidf-cached") else (tempfile.mkdtemp())
            )
            out = (
                subprocess.run(
                    [sys.executable, __file__, "--child", scenario, "--folder", folder],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            results[scenario] = json.loads(out)
            r = results[scenario]
            print(f"{scenario}: {json.dumps({k: round(v, 2) for k, v in r.items()})}", flush=True)

    print()
    print(
        "| scenario | texts | seconds | texts/s | RSS after imports+model MiB | peak RSS MiB "
        "| cache MiB |"
    )
    print("|---|---|---|---|---|---|---|")
    for scenario, r in results.items():
        print(
            f"| {scenario} | {r['texts']:.0f} | {r['seconds']:.1f} | "
            f"{r['texts'] / r['seconds']:.0f} | {r['loaded_rss']:.0f} | {r['peak_rss']:.0f} | "
            f"{r.get('cache_mib', float('nan')):.0f} |"
        )
    print()
    for model, (small, large) in NEURAL.items():
        a, b = results.get(f"{model}-stream-{small}"), results.get(f"{model}-stream-{large}")
        if a and b:
            rate = b["texts"] / b["seconds"]
            output = N_TEXTS * b["dim"] * 4 / 2**20
            print(
                f"{model}: peak {a['peak_rss']:.0f} MiB at {small} texts, {b['peak_rss']:.0f} "
                f"MiB at {large}; 100,000 such texts (mean {b['mean_chars']:.0f} chars): "
                f"~{N_TEXTS / rate / 60:.0f} min at {rate:.0f} texts/s, peak ~"
                f"{b['peak_rss']:.0f} MiB streaming (+{output:.0f} MiB if the whole "
                f"{N_TEXTS}x{b['dim']} result is kept in memory)"
            )


if __name__ == "__main__":
    main()
