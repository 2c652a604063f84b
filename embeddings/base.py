"""The one interface every embedding backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Literal

import numpy as np
import numpy.typing as npt

from embeddings.calibration import Calibration

Matrix = npt.NDArray[np.float32]
"""A ``(n_texts, dim)`` ``float32`` matrix of unit-length rows."""

TextKind = Literal["query", "passage"]
"""What a text is for: a ``"query"`` (a grant call searching for expertise) or a ``"passage"``
(a publication, a profile summary). Only backends whose model was trained with such prefixes
(multilingual-e5) embed the two differently; the others ignore it."""

TEXT_KINDS: tuple[TextKind, ...] = ("query", "passage")


class Encoder(ABC):
    """Texts in, an L2-normalised ``float32`` matrix out (one row per text).

    Subclasses set ``name`` (the registry name), ``version`` (changes whenever the vectors
    would change: model file, weights, preprocessing) and ``dim``. ``__init__`` stores
    parameters only; the model is loaded lazily on first use so that constructing an
    encoder is cheap and never fails for a missing file.

    Attributes
    ----------
    name : str
        Registry name of the backend (``"minilm"``, ``"use"``, ``"e5"``, ``"tfidf"``).
    version : str
        Identifies model and preprocessing; part of :attr:`model_id`.
    dim : int
        Number of columns of every matrix :meth:`encode` returns.
    calibration : Calibration
        Maps this backend's raw cosines onto the common scale (see :mod:`embeddings.calibration`).
    kind_sensitive : bool
        Whether ``kind="query"`` and ``kind="passage"`` give different vectors for one text.
    languages : frozenset of str or None
        ISO 639-1 codes of the languages the model was trained on; ``None`` when it works on
        any script without language-specific training (TF-IDF).
    """

    name: str
    version: str
    dim: int
    calibration: Calibration = Calibration.identity()
    kind_sensitive: bool = False
    languages: frozenset[str] | None = frozenset({"en"})

    @abstractmethod
    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        """Embed ``texts``; row ``i`` is the unit-length vector of ``texts[i]``.

        Parameters
        ----------
        texts : sequence of str
            The texts; may be empty and may repeat.
        show_progress : bool
            Show a progress bar (on standard error) while embedding.
        kind : {"passage", "query"}
            What the texts are for; ignored by backends that are not :attr:`kind_sensitive`.

        Returns
        -------
        Matrix
            ``(len(texts), dim)`` ``float32``, rows of unit length (all-zero for a text
            with nothing to embed, e.g. the empty string in TF-IDF).
        """

    def encode_iter(
        self,
        texts: Iterable[str],
        *,
        chunk_size: int = 1024,
        show_progress: bool = False,
        kind: TextKind = "passage",
    ) -> Iterator[Matrix]:
        """Embed a stream of texts chunk by chunk, in order, in bounded memory.

        Only ``chunk_size`` texts and their vectors are held at once, so a caller that writes
        each chunk away (to a memory-mapped array, a file, a database) can embed any number
        of texts. ``texts`` may be a generator.

        Parameters
        ----------
        texts : iterable of str
            The texts, consumed lazily.
        chunk_size : int
            Texts per yielded matrix (the last one may be shorter).
        show_progress : bool
            Show one progress bar over the whole stream (its total is known when ``texts``
            has a length).
        kind : {"passage", "query"}
            As in :meth:`encode`.

        Yields
        ------
        Matrix
            ``(<= chunk_size, dim)`` vectors of consecutive texts.
        """
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be positive, got {chunk_size}")
        from embeddings.progress import progress_bar

        total = len(texts) if isinstance(texts, Sequence) else None
        iterator = iter(texts)
        with progress_bar(total, f"embedding [{self.model_id}]", show_progress) as bar:
            while chunk := list(islice(iterator, chunk_size)):
                # Encoders written before ``kind`` existed take no such argument (and ignore it).
                yield self.encode(chunk, kind=kind) if self.kind_sensitive else self.encode(chunk)
                bar.update(len(chunk))

    @staticmethod
    def available() -> bool:
        """Whether the backend's packages are installed (cheap: imports nothing heavy).

        Returns
        -------
        bool
            ``True`` unless a subclass knows better.
        """
        return True

    def calibrate(self, similarities: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Map this backend's raw cosine similarities onto the common scale.

        Parameters
        ----------
        similarities : array_like
            Raw cosines between vectors of this encoder (any shape).

        Returns
        -------
        numpy.ndarray
            ``float32`` of the same shape; 0 is "unrelated", 1 is "a title and its own
            abstract" (see :mod:`embeddings.calibration`). Increasing in the raw cosine.
        """
        result: npt.NDArray[np.float32] = self.calibration.apply(similarities)
        return result

    @property
    def model_id(self) -> str:
        """``name@version``: identifies the vector space (cache keys use it)."""
        return f"{self.name}@{self.version}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r}, dim={self.dim})"


def l2_normalize(matrix: npt.ArrayLike) -> Matrix:
    """Row-normalise to unit length; all-zero rows stay zero.

    Parameters
    ----------
    matrix : array_like
        A 2-D array.

    Returns
    -------
    Matrix
        ``float32`` rows of unit length (or zero).
    """
    array = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Matrix = (array / norms).astype(np.float32, copy=False)
    return result


class MissingBackendError(RuntimeError):
    """An optional backend was asked for but its package is not installed."""

    def __init__(self, backend: str, package: str, extra: str) -> None:
        super().__init__(
            f"the embedding backend {backend!r} needs the package {package!r}, which is not "
            f"installed. Install it with: pip install 'grantmatch[{extra}]'"
        )
        self.backend = backend
        self.package = package
        self.extra = extra
