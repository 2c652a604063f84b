"""The persistent vector cache: hits, misses, changes, corruption, model changes, concurrency."""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings import CacheCorruptionWarning, CachedEncoder, VectorCache, text_key
from embeddings.cached_encoder import PROBE_TEXT

from .fakes import FakeEncoder, fill_cache_in_subprocess

TEXTS = [f"publication abstract number {i}" for i in range(100)]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "vectors.sqlite"


def embedded(inner: FakeEncoder) -> list[str]:
    """Texts the model embedded, less the cache's one-off probe text."""
    return [t for t in inner.embedded if t != PROBE_TEXT]


def expected(texts: list[str], kind: str = "passage", salt: str = "") -> np.ndarray:
    return np.stack([FakeEncoder.vector(t, 8, salt, kind) for t in texts])


def test_second_run_is_all_hits(path: Path) -> None:
    first = CachedEncoder(FakeEncoder(), path)
    assert np.allclose(first.encode(TEXTS), expected(TEXTS))
    assert first.stats.embedded == 100
    first.close()

    inner = FakeEncoder()
    again = CachedEncoder(inner, path)
    assert np.allclose(again.encode(TEXTS), expected(TEXTS))
    assert embedded(inner) == [] and again.stats.hits == 100


def test_changing_one_percent_embeds_one_percent(path: Path) -> None:
    CachedEncoder(FakeEncoder(), path).encode(TEXTS)
    changed = [*TEXTS[:-1], "a brand new abstract"]
    inner = FakeEncoder()
    vectors = CachedEncoder(inner, path).encode(changed)
    assert embedded(inner) == ["a brand new abstract"]
    assert np.allclose(vectors, expected(changed))


def test_duplicates_are_embedded_once(path: Path) -> None:
    inner = FakeEncoder()
    encoder = CachedEncoder(inner, path)
    vectors = encoder.encode(["x", "y", "x", "x"])
    assert embedded(inner) == ["x", "y"]
    assert encoder.stats.texts == 4 and encoder.stats.distinct == 2
    assert np.array_equal(vectors[0], vectors[3])


def test_kind_is_part_of_the_key_for_kind_sensitive_models(path: Path) -> None:
    inner = FakeEncoder()
    encoder = CachedEncoder(inner, path)
    query = encoder.encode(["methane"], kind="query")
    passage = encoder.encode(["methane"], kind="passage")
    assert not np.allclose(query, passage)
    assert np.allclose(query, expected(["methane"], "query"))
    assert text_key("a", "query", False) == text_key("a", "passage", False)
    assert text_key("a", "query", True) != text_key("a", "passage", True)


def test_interrupted_run_keeps_finished_chunks(path: Path) -> None:
    crashing = CachedEncoder(FakeEncoder(fail_after=50), path, chunk_size=20)
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashing.encode(TEXTS)
    inner = FakeEncoder()
    CachedEncoder(inner, path).encode(TEXTS)
    assert len(embedded(inner)) == 60  # 40 were stored before the crash (2 chunks of 20)


def test_another_model_never_sees_these_vectors(path: Path) -> None:
    CachedEncoder(FakeEncoder(version="1"), path).encode(TEXTS[:10])
    other = FakeEncoder(version="2", salt="other weights")
    vectors = CachedEncoder(other, path).encode(TEXTS[:10])
    assert len(embedded(other)) == 10
    assert np.allclose(vectors, expected(TEXTS[:10], salt="other weights"))
    assert VectorCache(path).models() == {"fake@1": 8, "fake@2": 8}


def test_same_id_with_another_dimension_is_foreign_and_dropped(path: Path) -> None:
    CachedEncoder(FakeEncoder(dim=8), path).encode(TEXTS[:10])
    inner = FakeEncoder(dim=16)
    with pytest.warns(CacheCorruptionWarning, match="dim 8"):
        vectors = CachedEncoder(inner, path).encode(TEXTS[:10])
    assert vectors.shape == (10, 16) and len(embedded(inner)) == 10


def test_same_id_with_other_vectors_is_caught_by_the_probe(path: Path) -> None:
    CachedEncoder(FakeEncoder(), path).encode(TEXTS[:10])
    impostor = FakeEncoder(salt="weights changed, version string did not")
    encoder = CachedEncoder(impostor, path)
    with pytest.warns(CacheCorruptionWarning, match="probe"):
        vectors = encoder.encode([*TEXTS[:10], "one new text"])  # a miss triggers the check
    assert np.allclose(vectors, expected([*TEXTS[:10], "one new text"], salt=impostor.salt))
    assert encoder.stats.embedded == 11


def test_eager_verification_checks_even_when_everything_hits(path: Path) -> None:
    CachedEncoder(FakeEncoder(), path).encode(TEXTS[:10])
    impostor = FakeEncoder(salt="changed")
    with pytest.warns(CacheCorruptionWarning, match="probe"):
        vectors = CachedEncoder(impostor, path, verify="eager").encode(TEXTS[:10])
    assert np.allclose(vectors, expected(TEXTS[:10], salt="changed"))


def test_a_file_that_is_not_sqlite_is_moved_aside(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, just garbage" * 100)
    with pytest.warns(CacheCorruptionWarning, match="not an SQLite file"):
        encoder = CachedEncoder(FakeEncoder(), path)
    assert np.allclose(encoder.encode(TEXTS[:5]), expected(TEXTS[:5]))
    assert len(list(path.parent.glob("vectors.sqlite.corrupt-*"))) == 1


def test_a_truncated_database_is_detected_and_rebuilt(path: Path) -> None:
    encoder = CachedEncoder(FakeEncoder(dim=256), path)
    encoder.encode([f"long text {i}" for i in range(300)])
    encoder.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3] + b"\x00" * 4096 + data[len(data) // 2 :])
    for side in path.parent.glob("vectors.sqlite-*"):
        side.unlink()
    with pytest.warns(CacheCorruptionWarning):
        again = CachedEncoder(FakeEncoder(dim=256), path)
        texts = [f"long text {i}" for i in range(300)]
        vectors = again.encode(texts)
    assert np.allclose(vectors, np.stack([FakeEncoder.vector(t, 256) for t in texts]))


def test_a_tampered_or_truncated_vector_is_not_trusted(path: Path) -> None:
    CachedEncoder(FakeEncoder(), path).encode(TEXTS[:3])
    with sqlite3.connect(path) as conn:
        blobs = conn.execute("SELECT key, vector FROM vectors ORDER BY key").fetchall()
        flipped = bytes([blobs[0][1][0] ^ 0xFF]) + blobs[0][1][1:]
        conn.execute("UPDATE vectors SET vector = ? WHERE key = ?", (flipped, blobs[0][0]))
        conn.execute("UPDATE vectors SET vector = ? WHERE key = ?", (blobs[1][1][:16], blobs[1][0]))
    inner = FakeEncoder()
    with pytest.warns(CacheCorruptionWarning, match="2 stored vector"):
        vectors = CachedEncoder(inner, path).encode(TEXTS[:3])
    assert len(embedded(inner)) == 2
    assert np.allclose(vectors, expected(TEXTS[:3]))


def test_a_foreign_sqlite_database_is_not_used(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.close()
    with pytest.warns(CacheCorruptionWarning, match="foreign SQLite database"):
        cache = VectorCache(path)
    assert cache.models() == {}
    moved = list(path.parent.glob("vectors.sqlite.corrupt-*"))
    assert len(moved) == 1
    with sqlite3.connect(moved[0]) as conn:  # the other application's data is intact
        assert conn.execute("SELECT amount FROM invoices").fetchone() == (9.5,)
    conn.close()


def test_an_older_schema_is_rebuilt_in_place(path: Path) -> None:
    CachedEncoder(FakeEncoder(), path).encode(TEXTS[:3])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 0")
    conn.close()
    with pytest.warns(CacheCorruptionWarning, match="schema"):
        cache = VectorCache(path)
    assert cache.count() == 0


@pytest.mark.slow
def test_two_processes_write_the_same_cache_safely(path: Path) -> None:
    a = [f"shared text {i}" for i in range(150)] + [f"only a {i}" for i in range(50)]
    b = [f"shared text {i}" for i in range(150)] + [f"only b {i}" for i in range(50)]
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 1.5  # both start writing at once, after their imports
    with context.Pool(2) as pool:
        results = [
            pool.apply_async(fill_cache_in_subprocess, (str(path), texts, start_at))
            for texts in (a, b)
        ]
        counts = [r.get(timeout=120) for r in results]
    assert all(200 >= n >= 50 for n in counts)
    inner = FakeEncoder()
    union = sorted(set(a) | set(b))
    vectors = CachedEncoder(inner, path).encode(union)
    assert embedded(inner) == [] and np.allclose(vectors, expected(union))
    assert VectorCache(path).count("fake@1") == 250


def test_cache_survives_pickling_and_can_be_pruned(path: Path) -> None:
    cache = VectorCache(path)
    CachedEncoder(FakeEncoder(version="1"), cache).encode(TEXTS[:4])
    CachedEncoder(FakeEncoder(version="2"), cache).encode(TEXTS[:4])
    clone = pickle.loads(pickle.dumps(cache))
    assert clone.count() == 8
    assert clone.prune(keep=["fake@2"]) == 4
    assert cache.models() == {"fake@2": 8}


def test_cached_encoder_is_an_encoder_with_the_inner_identity(path: Path) -> None:
    inner = FakeEncoder(version="7")
    encoder = CachedEncoder(inner, path)
    assert (encoder.name, encoder.version, encoder.dim) == ("fake", "7", 8)
    assert encoder.model_id == "fake@7" and encoder.calibration == inner.calibration
    assert encoder.encode([]).shape == (0, 8)
    chunks = list(encoder.encode_iter(iter(TEXTS[:7]), chunk_size=3))
    assert [len(c) for c in chunks] == [3, 3, 1]


def test_an_encoder_written_before_kind_existed_can_still_be_cached(path: Path) -> None:
    from collections.abc import Sequence

    from embeddings import Encoder, Matrix

    class LegacyEncoder(Encoder):
        name, version, dim = "legacy", "1", 8

        def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> Matrix:  # type: ignore[override]
            return (
                np.stack([FakeEncoder.vector(t) for t in texts])
                if texts
                else np.zeros((0, 8), np.float32)
            )

    encoder = CachedEncoder(LegacyEncoder(), path)
    assert np.allclose(encoder.encode(["a", "b"]), expected(["a", "b"]))
    assert sum(len(c) for c in encoder.encode_iter(["a", "b", "c"], chunk_size=2)) == 3
