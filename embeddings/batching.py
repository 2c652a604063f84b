"""Deduplicated, chunked encoding with a progress bar: what every model backend shares.

A backend subclasses :class:`BatchedEncoder` and implements only :meth:`BatchedEncoder._embed`
for one chunk of distinct texts; :meth:`BatchedEncoder.encode` embeds each distinct text once,
in chunks of ``chunk_size`` texts (bounding the model's working memory whatever the input
size), advancing a progress bar per chunk, and scatters the vectors back to input order.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from embeddings.base import TEXT_KINDS, Encoder, Matrix, TextKind, l2_normalize
from embeddings.progress import progress_bar

DEFAULT_CHUNK_SIZE = 256
"""Texts handed to a model at once: large enough to batch well, small enough that the model's
activations and the tokenised chunk stay a few tens of MB."""


def deduplicate(texts: Sequence[str]) -> tuple[list[str], npt.NDArray[np.intp]]:
    """Distinct texts in first-seen order, and where each input text went.

    Parameters
    ----------
    texts : sequence of str
        Texts, possibly repeated.

    Returns
    -------
    unique : list of str
        Each distinct text once.
    inverse : numpy.ndarray
        ``unique[inverse[i]] == texts[i]``.

    Raises
    ------
    TypeError
        If an element is not a ``str`` (a ``None`` abstract, say), naming its index.
    """
    first: dict[str, int] = {}
    inverse = np.empty(len(texts), dtype=np.intp)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, not str: {text!r:.80}")
        inverse[i] = first.setdefault(text, len(first))
    return list(first), inverse


def check_kind(kind: str) -> TextKind:
    """Validate a text kind.

    Parameters
    ----------
    kind : str
        ``"query"`` or ``"passage"``.

    Returns
    -------
    TextKind
        ``kind`` itself.

    Raises
    ------
    ValueError
        For any other value.
    """
    if kind not in TEXT_KINDS:
        raise ValueError(f"kind must be one of {TEXT_KINDS}, got {kind!r}")
    return kind  # type: ignore[return-value,unused-ignore]


class BatchedEncoder(Encoder):
    """An :class:`Encoder` that embeds distinct texts in chunks; subclasses embed one chunk.

    Parameters
    ----------
    chunk_size : int
        Distinct texts per call to :meth:`_embed` (and per progress-bar step).
    """

    def __init__(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be positive, got {chunk_size}")
        self.chunk_size = chunk_size

    @abstractmethod
    def _embed(self, texts: list[str], kind: TextKind) -> npt.ArrayLike:
        """Embed one non-empty chunk of distinct texts: ``(len(texts), dim)`` vectors."""

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        """Embed ``texts``; see :meth:`Encoder.encode`. Each distinct text is embedded once.

        Parameters
        ----------
        texts : sequence of str
            The texts; may be empty and may repeat.
        show_progress : bool
            Show a progress bar over the distinct texts.
        kind : {"passage", "query"}
            What the texts are for (see :data:`embeddings.base.TextKind`).

        Returns
        -------
        Matrix
            ``(len(texts), dim)`` unit-length rows.
        """
        check_kind(kind)
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        unique, inverse = deduplicate(texts)
        vectors = np.empty((len(unique), self.dim), dtype=np.float32)
        with progress_bar(len(unique), f"embedding [{self.model_id}]", show_progress) as bar:
            for start in range(0, len(unique), self.chunk_size):
                chunk = unique[start : start + self.chunk_size]
                embedded = np.asarray(self._embed(chunk, kind), dtype=np.float32)
                if embedded.shape != (len(chunk), self.dim):
                    raise RuntimeError(
                        f"{self.model_id} returned shape {embedded.shape} for {len(chunk)} "
                        f"texts; expected {(len(chunk), self.dim)}"
                    )
                vectors[start : start + len(chunk)] = l2_normalize(embedded)
                bar.update(len(chunk))
        if len(unique) == len(texts):
            return vectors
        return vectors[inverse]
