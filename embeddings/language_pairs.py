"""Each pair of texts scored by the best model for its languages, on one calibrated scale.

``"auto"`` used to embed a whole corpus with one model, so one Russian profile switched an
English corpus from all-MiniLM-L6-v2 to multilingual USE, which is much weaker on English
(CORDIS title -> abstract top-1 0.669 vs 0.916). :class:`LanguagePairEncoder` scores

* a pair of **English** texts with the English model (``minilm``), and
* **every other pair** (one or both texts not English) with the multilingual model,

each mapped onto the common scale by its own :class:`~embeddings.calibration.Calibration`.

The multilingual model may carry a second calibration for **cross-language** pairs
(``cross_language_calibration``, an attribute of the multilingual encoder): an English text
against a text in another language is then mapped with those anchors, and pairs of two
non-English texts keep the model's own calibration. multilingual-e5 scores a Russian text
well below its English original against the same English call (on the small fixture a
Russian-only soil researcher scores 0.55 where an English twin with the same publications
translated scores 0.91); anchors at which a translation scores what its original scores were
measured (``E5NeutralEncoder.translation_matched_calibration``) but are not applied by default,
because on abstracts they over-rank non-English texts (``benchmarks/RESULTS.md``,
"Cross-language scale").

Optionally (``cross_language_by_length``, off by default) the cross-language anchors depend
on the **query's length**: a :class:`LengthAwareCalibration` moves from one pair of anchors
for short queries (translation-matched: a call of a few sentences) to another for
abstract-length queries (quantile-matched on CORDIS objectives): the score is interpolated
between the two, linearly in the logarithm of the word count between two break points. Only
the query's length can count: the vectors are built one text at a time, so a query carries
its own scale and offset while passages stay fixed (see the blocks below, with ``x`` read per
query row). Measured, not applied: on the small fixture it does not rank the Russian-only
researcher with its English twin (``benchmarks/RESULTS.md``, "Cross-language anchors by
query length").

The engine scores with dot products of stored vectors (call vectors as ``"query"``, evidence
as ``"passage"``), so the encoder builds vectors whose dot product *is* that calibrated
per-pair similarity. With ``m`` the English vector (scaled by ``1/sqrt(s_m)``), ``t`` the
multilingual vector, ``s``/``u`` the anchor distance and unrelated anchor of the English model
(``m``), of the multilingual model for two non-English texts (``o``) and for an English and a
non-English text (``x``), the blocks are::

                      [ English | multi B          | multi C      | c1              | c2       ]
    query,   English:   m         t sqrt(s_o)/s_x    0              u_x/s_x-u_m/s_m   -u_x/s_x
    query,   other:     0         t/sqrt(s_o)        t/sqrt(s_x)    u_o/s_o-u_x/s_x   -u_o/s_o
    passage, English:   m         0                  t/sqrt(s_x)    1                 1
    passage, other:     0         t/sqrt(s_o)        0              0                 1

(with a length-aware calibration the query rows use their own ``s_x``, ``u_x`` and the other
query's block C becomes ``t sqrt(s_r)/s_x``, ``s_r`` the fixed passage scale of
``cross_language_calibration``, so that the products are unchanged in form)

so that English query . English passage = (cos_m - u_m) / s_m, a pair of an English and a
non-English text = (cos_t - u_x) / s_x and two non-English texts = (cos_t - u_o) / s_o,
exactly the calibrated cosines (without a cross-language calibration ``x = o`` and the blocks
are those of the first version). The encoder's own calibration is therefore the identity.
Consequences:

* An English pair scores exactly as with the English model alone (calibrated), however many
  texts in other languages the corpus holds.
* A text's vector depends on the text and its kind only: the vector cache and the rounds'
  chunked scorer (dot products, then an affine calibration) work unchanged.
* Vectors are not unit length, and only query-vs-passage dot products mean anything. Two
  passages (profile vs profile) are compared in the multilingual model's space:
  :meth:`LanguagePairEncoder.shared_space` maps passage vectors (or their means) back to it.
* Dimension: English dim + 2 x multilingual dim + 2 (MiniLM + USE: 1410).

A text counts as English when :func:`embeddings.languages.detect_language` says ``"en"``
(or it has no letters at all); every text is embedded by the multilingual model, English
texts also by the English one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from embeddings.base import Encoder, Matrix, TextKind, l2_normalize
from embeddings.calibration import Calibration
from embeddings.e5 import E5_LANGUAGES
from embeddings.languages import detect_language
from embeddings.use import USE_LANGUAGES

# A CJK character counts as a word (those scripts are written without spaces).
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\s\u3040-\u30ff\u3400-\u9fff]+")


def word_count(text: str) -> int:
    """Words of ``text``: whitespace-separated tokens, each CJK character one word."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class LengthAwareCalibration:
    """Cross-language anchors that depend on the query's length (see module doc).

    Parameters
    ----------
    short : Calibration
        Anchors for a query of at most ``short_words`` words.
    long : Calibration
        Anchors for a query of at least ``long_words`` words.
    short_words, long_words : float
        Break points; in between, the score moves from the ``short`` anchors' to the ``long``
        anchors' linearly in ``log(words)``.
    """

    short: Calibration
    long: Calibration
    short_words: float
    long_words: float

    def __post_init__(self) -> None:
        if not 0 < self.short_words < self.long_words:
            raise ValueError(
                f"length break points must satisfy 0 < short_words < long_words, got "
                f"{self.short_words} and {self.long_words}"
            )

    def weight(self, words: int) -> float:
        """Share of the ``long`` anchors for a query of ``words`` words (0 to 1)."""
        low, high = math.log(self.short_words), math.log(self.long_words)
        return min(1.0, max(0.0, (math.log(max(words, 1)) - low) / (high - low)))

    def at(self, words: int) -> Calibration:
        """The anchors for a query of ``words`` words.

        The *scores* are interpolated, not the anchors: the calibrated score is
        ``(1 - w) x short.apply(cos) + w x long.apply(cos)``, itself a linear map of the cosine
        (interpolating the anchors instead passes through scales wider than both ends'
        average and lowered the fixture's Russian-only researcher; ``benchmarks/RESULTS.md``).

        Parameters
        ----------
        words : int
            The query's word count (:func:`word_count`).

        Returns
        -------
        Calibration
            The anchors of that map, at :meth:`weight`.
        """
        w = self.weight(words)
        slope = (1 - w) / self.short.scale + w / self.long.scale
        intercept = (1 - w) * self.short.unrelated / self.short.scale + (
            w * self.long.unrelated / self.long.scale
        )
        unrelated = intercept / slope
        return Calibration(
            unrelated=unrelated,
            related=unrelated + 1 / slope,
            source=f"length-aware, {words} words (weight {w:.2f})",
        )

    def tag(self) -> str:
        """The parameters as text, part of the vectors' identity."""
        return (
            f"len{self.short.unrelated:.6g}:{self.short.related:.6g}/"
            f"{self.long.unrelated:.6g}:{self.long.related:.6g}/"
            f"{self.short_words:.6g}-{self.long_words:.6g}"
        )


def is_english(text: str) -> bool:
    """Whether ``text`` is scored by the English model (English, or no letters at all)."""
    code = detect_language(text)
    return code == "en" or (code == "und" and not any(char.isalpha() for char in text))


class LanguagePairEncoder(Encoder):
    """English pairs by ``english``, every other pair by ``multilingual`` (see module doc).

    Parameters
    ----------
    english : Encoder
        The model for two English texts (``MiniLMEncoder``).
    multilingual : Encoder
        The model for every pair with a non-English text (``USEEncoder``, ``E5NeutralEncoder``).
    """

    kind_sensitive = True

    def __init__(self, english: Encoder, multilingual: Encoder) -> None:
        self.english = english
        self.multilingual = multilingual
        self.name = f"{english.name}+{multilingual.name}"
        self.dim = english.dim + 2 * multilingual.dim + 2
        self.languages = multilingual.languages
        self.calibration = Calibration(
            unrelated=0.0,
            related=1.0,
            source=(
                f"identity: dot products are already calibrated per pair "
                f"({english.name}: {english.calibration.source}; "
                f"{multilingual.name}: {multilingual.calibration.source})"
            ),
        )

    @property
    def cross_calibration(self) -> Calibration:
        """The multilingual model's calibration for an English and a non-English text.

        Its ``cross_language_calibration`` where it has one, else its own calibration.
        """
        cross = getattr(self.multilingual, "cross_language_calibration", None)
        return cross if isinstance(cross, Calibration) else self.multilingual.calibration

    @property
    def length_calibration(self) -> LengthAwareCalibration | None:
        """The multilingual model's ``cross_language_by_length``, if it has one (else None)."""
        by_length = getattr(self.multilingual, "cross_language_by_length", None)
        return by_length if isinstance(by_length, LengthAwareCalibration) else None

    @property
    def version(self) -> str:  # type: ignore[override]
        # The blocks are scaled and offset by the calibrations, so the anchors are part of
        # the vectors' identity: new anchors must not reuse cached vectors.
        calibrations = [self.english.calibration, self.multilingual.calibration]
        if self.cross_calibration != self.multilingual.calibration:
            calibrations.append(self.cross_calibration)
        anchors = ",".join(f"{c.unrelated:.6g}:{c.related:.6g}" for c in calibrations)
        if self.length_calibration is not None:
            anchors += "," + self.length_calibration.tag()
        return f"{self.english.model_id}+{self.multilingual.model_id}+blocks2[{anchors}]"

    def _multilingual(self, texts: Sequence[str], kind: TextKind, progress: bool) -> Matrix:
        if self.multilingual.kind_sensitive:
            return self.multilingual.encode(texts, show_progress=progress, kind=kind)
        return self.multilingual.encode(texts, show_progress=progress)

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        english = np.array([is_english(text) for text in texts])
        cal_m, cal_o = self.english.calibration, self.multilingual.calibration
        cal_x = self.cross_calibration
        d_m, d_t = self.english.dim, self.multilingual.dim
        b, c = slice(d_m, d_m + d_t), slice(d_m + d_t, d_m + 2 * d_t)
        t = self._multilingual(texts, kind, show_progress)
        root_o, root_x = np.float32(np.sqrt(cal_o.scale)), np.float32(np.sqrt(cal_x.scale))
        rows = np.flatnonzero(english)
        if len(rows):
            m = self.english.encode([texts[i] for i in rows], show_progress=show_progress)
            out[rows, :d_m] = m / np.float32(np.sqrt(cal_m.scale))
        other = ~english
        offset_m = cal_m.unrelated / cal_m.scale
        offset_o = cal_o.unrelated / cal_o.scale
        if kind == "query":
            # Per query row: its own cross-language scale and offset (the same for every row
            # unless a length-aware calibration is set); passages keep the fixed ``root_x``.
            scale_x, offset_x = self._cross_anchors(texts, cal_x)
            out[english, b] = t[english] * (root_o / scale_x[english])[:, None]
            out[other, b] = t[other] / root_o
            out[other, c] = t[other] * (root_x / scale_x[other])[:, None]
            out[english, -2] = offset_x[english] - offset_m
            out[other, -2] = offset_o - offset_x[other]
            out[english, -1] = -offset_x[english]
            out[other, -1] = -offset_o
        else:
            out[other, b] = t[other] / root_o
            out[english, c] = t[english] / root_x
            out[english, -2] = 1.0
            out[:, -1] = 1.0
        return out

    def _cross_anchors(
        self, texts: list[str], fixed: Calibration
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Per text: the cross-language scale and offset (``unrelated / scale``) as a query."""
        by_length = self.length_calibration
        calibrations = (
            [by_length.at(word_count(text)) for text in texts]
            if by_length is not None
            else [fixed] * len(texts)
        )
        scale = np.array([cal.scale for cal in calibrations], dtype=np.float32)
        offset = np.array([cal.unrelated / cal.scale for cal in calibrations], dtype=np.float32)
        return scale, offset

    def shared_space(self, vectors: npt.ArrayLike) -> Matrix:
        """Passage vectors (or means of them) as unit vectors of the multilingual model.

        Parameters
        ----------
        vectors : array_like
            ``(n, dim)`` passage vectors of this encoder, or averages of them.

        Returns
        -------
        Matrix
            ``(n, multilingual.dim)``: comparable with each other by dot product (cosine),
            across languages.
        """
        array = np.asarray(vectors, dtype=np.float32)
        d_m, d_t = self.english.dim, self.multilingual.dim
        # Undo each block's scale so that English and other passages weigh alike in a mean.
        root_o = np.float32(np.sqrt(self.multilingual.calibration.scale))
        root_x = np.float32(np.sqrt(self.cross_calibration.scale))
        return l2_normalize(
            array[:, d_m : d_m + d_t] * root_o + array[:, d_m + d_t : d_m + 2 * d_t] * root_x
        )


def shared_space(encoder: object, vectors: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """``vectors`` in a space where passages compare by cosine, for any (wrapped) encoder.

    Unwraps caching and batching wrappers (their ``encoder`` / ``inner`` attribute); an
    encoder without :meth:`LanguagePairEncoder.shared_space` returns ``vectors`` unchanged.

    Parameters
    ----------
    encoder : object
        The encoder that produced the passage vectors.
    vectors : array_like
        Passage vectors or averages of them.

    Returns
    -------
    numpy.ndarray
        ``float32`` vectors.
    """
    seen = 0
    while not isinstance(encoder, LanguagePairEncoder) and seen < 8:
        inner = getattr(encoder, "encoder", None) or getattr(encoder, "inner", None)
        if inner is None:
            return np.asarray(vectors, dtype=np.float32)
        encoder, seen = inner, seen + 1
    if isinstance(encoder, LanguagePairEncoder):
        return encoder.shared_space(vectors)
    return np.asarray(vectors, dtype=np.float32)


class MiniLMUSEEncoder(LanguagePairEncoder):
    """``"minilm+use"``: English pairs by all-MiniLM-L6-v2, every other pair by USE.

    Parameters
    ----------
    threads : int, optional
        Threads of both models.
    """

    languages = USE_LANGUAGES

    def __init__(self, threads: int | None = None) -> None:
        from embeddings.sentence_transformer import MiniLMEncoder
        from embeddings.use import USEEncoder

        super().__init__(MiniLMEncoder(threads=threads), USEEncoder(threads=threads))

    @staticmethod
    def available() -> bool:
        """Whether both models' packages are installed."""
        from embeddings.sentence_transformer import MiniLMEncoder
        from embeddings.use import USEEncoder

        return MiniLMEncoder.available() and USEEncoder.available()


class MiniLME5NeutralEncoder(LanguagePairEncoder):
    """``"minilm+e5-neutral"``: English pairs by all-MiniLM-L6-v2, every other pair by
    language-neutral multilingual-e5 (:class:`embeddings.neutral.E5NeutralEncoder`).

    Parameters
    ----------
    threads : int, optional
        Threads of both models.
    """

    languages = E5_LANGUAGES

    def __init__(self, threads: int | None = None) -> None:
        from embeddings.neutral import E5NeutralEncoder
        from embeddings.sentence_transformer import MiniLMEncoder

        super().__init__(MiniLMEncoder(threads=threads), E5NeutralEncoder(threads=threads))

    @staticmethod
    def available() -> bool:
        """Whether both models' packages are installed."""
        from embeddings.neutral import E5NeutralEncoder
        from embeddings.sentence_transformer import MiniLMEncoder

        return MiniLMEncoder.available() and E5NeutralEncoder.available()
