"""Points of view on the pages: which countries a page can be seen from, the ``side``
query read as a country code, and countries listed by their names in the page's language.
Shared by the call page and the what-if page."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request

from api.web.deps import PageError
from api.web.i18n import Formatter
from api.web.pages import gettext_for, language_of
from api.web.sessions import WebSession
from matcher.countries import normalize_country
from matcher.dataset import Dataset
from matcher.routes import signed_agreements


def points_of_view(dataset: Dataset, current: str | None) -> set[str]:
    """The countries a page can be seen from: those that run offices or whose
    institutions have agreements, and the one it is seen from now."""
    countries = {office.home_country for office in dataset.offices}
    signed = signed_agreements(dataset.institutions)
    countries |= {i.country for i in dataset.institutions if i.id in signed}
    return countries | ({current} if current else set())


def side_query(value: str, request: Request, web: WebSession) -> str | None:
    """The country code of the ``side`` query (``None`` when empty); an unknown country is
    the 422 page naming the parameter."""
    if not value.strip():
        return None
    try:
        return normalize_country(value)
    except ValueError as error:
        _ = gettext_for(language_of(request, web))
        raise PageError(422, _("Unknown point of view."), [("side", str(error))]) from None


def by_country_name(codes: Iterable[str], request: Request, web: WebSession) -> list[str]:
    """Country codes in the order of their names in the page's language."""
    formatter = Formatter(language_of(request, web))
    return sorted(codes, key=lambda code: formatter.country(code).casefold())
