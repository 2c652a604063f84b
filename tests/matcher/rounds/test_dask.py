"""The Dask engine on a two-worker local cluster gives the local engine's results."""

from __future__ import annotations

import csv
from pathlib import Path

import distributed  # the "scale" extra, which scripts/test installs: never skipped
import pytest

from matcher import Dataset
from matcher.rounds import RoundConfig, run_round


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.slow
def test_dask_round_equals_local(demo: Dataset, vector_cache: str, tmp_path: Path) -> None:
    base = RoundConfig(backend="tfidf", cache_path=vector_cache, chunk_size=40, top_k=12)
    local = run_round(demo, tmp_path / "local", base)
    with distributed.LocalCluster(  # type: ignore[no-untyped-call]  # distributed is untyped here
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        config = RoundConfig(
            backend="tfidf",
            cache_path=vector_cache,
            chunk_size=40,
            top_k=12,
            engine="dask",
            scheduler=cluster.scheduler_address,
        )
        remote = run_round(demo, tmp_path / "dask", config)
    assert remote.staffed == local.staffed and remote.objective == pytest.approx(local.objective)
    for name in ("scores.csv", "teams.csv", "summary.json"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
