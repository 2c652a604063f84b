"""A deterministic, model-free encoder for cache and batching tests (importable by subprocesses)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from embeddings.base import TextKind
from embeddings.batching import BatchedEncoder
from embeddings.cached_encoder import CachedEncoder


class FakeEncoder(BatchedEncoder):
    """Vectors seeded by a hash of (salt, kind, text); records every text it embeds."""

    kind_sensitive = True

    def __init__(
        self,
        dim: int = 8,
        version: str = "1",
        salt: str = "",
        name: str = "fake",
        chunk_size: int = 256,
        fail_after: int | None = None,
    ) -> None:
        super().__init__(chunk_size=chunk_size)
        self.name = name
        self.dim = dim
        self.version = version
        self.salt = salt
        self.fail_after = fail_after
        self.embedded: list[str] = []
        self.calls = 0

    @staticmethod
    def vector(text: str, dim: int = 8, salt: str = "", kind: str = "passage") -> np.ndarray:
        seed = hashlib.sha256(f"{salt}\x00{kind}\x00{text}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(seed[:8], "little"))
        v = rng.standard_normal(dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def _embed(self, texts: list[str], kind: TextKind) -> npt.ArrayLike:
        self.calls += 1
        if self.fail_after is not None and len(self.embedded) + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash")
        self.embedded.extend(texts)
        return np.stack([self.vector(t, self.dim, self.salt, kind) for t in texts])


def fill_cache_in_subprocess(path: str, texts: list[str], start_at: float) -> int:
    """Entry point for the two-process test: wait until ``start_at``, then encode ``texts``
    through a cache at ``path`` in small chunks (many interleaved transactions)."""
    import time

    while time.time() < start_at:
        time.sleep(0.005)
    encoder = CachedEncoder(FakeEncoder(chunk_size=5), Path(path), chunk_size=5)
    vectors = encoder.encode(texts)
    expected = np.stack([FakeEncoder.vector(t) for t in texts])
    assert np.allclose(vectors, expected, atol=1e-6)
    return encoder.stats.embedded
