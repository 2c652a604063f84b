"""One unit of scoring work: a chunk of profiles against every call.

A :class:`ChunkTask` carries everything a worker needs (no dataset, no encoder), so the
same function runs in this process or on a Dask worker. Its :class:`ChunkResult` holds the
chunk's share of each call's top list and of each keep spec (see :mod:`matcher.rounds.pools`);
results are merged with a total order (score, then profile index), so the merged lists do
not depend on the order chunks finish in.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

from matcher.evidence import FloatMatrix, IntArray
from matcher.relevance import RelevanceWeights
from matcher.rounds.scoring import CalibrationLike, ChunkLayout, score_and_top, top_per_row

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class SpecArrays:
    """The keep specs of a round as arrays (call, mask, depth per spec)."""

    call: IntArray
    mask: IntArray
    depth: IntArray


@dataclass(frozen=True)
class ChunkTask:
    """Chunk ``number``: its layout and the masks restricted to its columns."""

    number: int
    layout: ChunkLayout
    masks: BoolArray  # (n_masks, chunk columns), in layout order


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's candidates for every call's top list and for every keep spec."""

    number: int
    top_index: IntArray  # (calls, <= top_k) profile indices
    top_score: FloatMatrix
    spec_index: IntArray  # concatenated over specs
    spec_score: FloatMatrix
    spec_offsets: IntArray  # spec s: [offsets[s], offsets[s + 1])

    def spec(self, s: int) -> tuple[IntArray, FloatMatrix]:
        """Profile indices and scores this chunk contributes to spec ``s``."""
        a, b = int(self.spec_offsets[s]), int(self.spec_offsets[s + 1])
        return self.spec_index[a:b], self.spec_score[a:b]

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file renamed over ``path`` once complete."""
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            with open(temporary, "wb") as stream:
                np.savez(
                    stream,
                    number=np.int64(self.number),
                    top_index=self.top_index,
                    top_score=self.top_score,
                    spec_index=self.spec_index,
                    spec_score=self.spec_score,
                    spec_offsets=self.spec_offsets,
                )
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> ChunkResult:
        """Read a result written by :meth:`save`."""
        with np.load(path) as data:
            return cls(
                number=int(data["number"]),
                top_index=data["top_index"],
                top_score=data["top_score"],
                spec_index=data["spec_index"],
                spec_score=data["spec_score"],
                spec_offsets=data["spec_offsets"],
            )


def run_chunk(
    task: ChunkTask,
    call_vectors: FloatMatrix,
    weights: RelevanceWeights,
    calibration: CalibrationLike,
    top_k: int,
    specs: SpecArrays,
    *,
    threads: int | None = None,
) -> ChunkResult:
    """Score one chunk and keep its share of every top list (a pure function).

    ``threads``: see :func:`~matcher.rounds.scoring.score_chunk` (the result does not
    depend on it).
    """
    layout = task.layout
    scores, top_index, top_score = score_and_top(
        call_vectors, layout, weights, calibration, top_k, threads=threads
    )
    n_specs = len(specs.call)
    parts_index: list[IntArray] = [np.zeros(0, np.int64)] * n_specs
    parts_score: list[FloatMatrix] = [np.zeros(0, np.float32)] * n_specs
    for mask in np.unique(specs.mask):
        columns = np.flatnonzero(task.masks[mask])
        if len(columns) == 0:
            continue
        chosen = np.flatnonzero(specs.mask == mask)
        depth = int(specs.depth[chosen].max())
        block = scores[np.ix_(specs.call[chosen], columns)]
        index, score = top_per_row(block, depth, layout.order[columns])
        for row, s in enumerate(chosen):
            keep = min(int(specs.depth[s]), index.shape[1])
            if keep < index.shape[1]:
                # This spec wants fewer than the widest spec sharing its mask.
                best = np.argpartition(-score[row], keep - 1)[:keep]
                parts_index[s], parts_score[s] = index[row, best], score[row, best]
            else:
                parts_index[s], parts_score[s] = index[row], score[row]
    lengths = np.asarray([len(p) for p in parts_index], dtype=np.int64)
    return ChunkResult(
        number=task.number,
        top_index=top_index,
        top_score=top_score,
        spec_index=np.concatenate(parts_index) if n_specs else np.zeros(0, np.int64),
        spec_score=np.concatenate(parts_score) if n_specs else np.zeros(0, np.float32),
        spec_offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
    )


def _best(index: IntArray, score: FloatMatrix, k: int) -> tuple[IntArray, FloatMatrix]:
    """The ``k`` best of one list, best first, ties by lower profile index."""
    order = np.lexsort((index, -score))[:k]
    return index[order], score[order]


class _TopLists(Sequence[tuple[IntArray, FloatMatrix]]):
    """Each call's merged top list, read as ``top[call] -> (indices, scores)``."""

    def __init__(self, index: IntArray, score: FloatMatrix) -> None:
        self.indices, self.scores = index, score

    def __len__(self) -> int:
        return len(self.indices)

    @overload
    def __getitem__(self, call: int) -> tuple[IntArray, FloatMatrix]: ...

    @overload
    def __getitem__(self, call: slice) -> list[tuple[IntArray, FloatMatrix]]: ...

    def __getitem__(
        self, call: int | slice
    ) -> tuple[IntArray, FloatMatrix] | list[tuple[IntArray, FloatMatrix]]:
        if isinstance(call, slice):
            return [self[c] for c in range(len(self))[call]]
        return self.indices[call], self.scores[call]


class Merger:
    """Running merge of chunk results into each call's top list and each keep spec."""

    def __init__(self, n_calls: int, top_k: int, specs: SpecArrays) -> None:
        self.top_k = top_k
        self.specs = specs
        self.top = _TopLists(np.zeros((n_calls, 0), np.int64), np.zeros((n_calls, 0), np.float32))
        self.kept: list[tuple[IntArray, FloatMatrix]] = [
            (np.zeros(0, np.int64), np.zeros(0, np.float32)) for _ in range(len(specs.call))
        ]

    def add(self, result: ChunkResult) -> None:
        """Fold one chunk in (any order gives the same lists)."""
        # Every call's list at once: the same total order as _best, row by row.
        index = np.concatenate([self.top.indices, result.top_index], axis=1)
        score = np.concatenate([self.top.scores, result.top_score], axis=1)
        if index.size:
            order = np.lexsort((index, -score), axis=-1)[:, : self.top_k]
            index = np.take_along_axis(index, order, axis=1)
            score = np.take_along_axis(score, order, axis=1)
        self.top = _TopLists(index, score)
        for s, (index, score) in enumerate(self.kept):
            new_index, new_score = result.spec(s)
            if len(new_index):
                self.kept[s] = _best(
                    np.concatenate([index, new_index]),
                    np.concatenate([score, new_score]),
                    int(self.specs.depth[s]),
                )
