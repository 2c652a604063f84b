"""Shared fixtures: the demo round embedded once with TF-IDF (no model download, fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Dataset, Matcher, load_demo


@pytest.fixture(scope="session")
def demo() -> Dataset:
    return load_demo()


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("round-cache") / "vectors.sqlite")


@pytest.fixture(scope="session")
def demo_matcher(demo: Dataset, vector_cache: str) -> Matcher:
    return Matcher("tfidf", cache_path=Path(vector_cache), team_objective=None).fit(demo)
