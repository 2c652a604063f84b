"""Rendering pages: one Jinja2 environment per language (autoescaped, with gettext), the
context every page gets, flash messages, and redirects after a form (POST, redirect, GET).
"""

from __future__ import annotations

import json
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web.i18n import LANGUAGE_COOKIE, Formatter, choose, languages, translations
from api.web.sessions import WebSession

TEMPLATES = Path(__file__).parent / "templates"
BASE = "/app"
FLASH_COOKIE = "gm_flash"

HOME_OF_ROLE = {
    "admin": f"{BASE}/admin/users",
    "coordinator": f"{BASE}/calls",
    "researcher": f"{BASE}/me",
    "office_staff": f"{BASE}/office",
}
"""Where each role lands after signing in."""


@cache
def environment(language: str) -> Environment:
    """The templates in one language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    formatter = Formatter(language)
    env.filters["date"] = formatter.date
    env.filters["datetime"] = formatter.datetime
    env.filters["number"] = formatter.number
    env.filters["percent"] = formatter.percent
    env.filters["country"] = formatter.country
    env.globals["language_name"] = formatter.language_name
    env.globals["languages"] = languages()
    env.globals["BASE"] = BASE
    env.globals["urlencode"] = urllib.parse.urlencode
    return env


def language_of(request: Request, web: WebSession | None) -> str:
    """The language a request is answered in."""
    return choose(
        web.user.locale if web else None,
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )


def gettext_for(language: str) -> Any:
    """The ``gettext`` of a language, for messages built in code."""
    return translations(language).gettext


def render(
    request: Request,
    template: str,
    web: WebSession | None,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    form_token: str | None = None,
) -> HTMLResponse:
    """A page: the template with the user, their CSRF token, the language and any flash
    message in its context.

    Parameters
    ----------
    request : Request
        The request.
    template : str
        The template's path under ``api/web/templates``.
    web : WebSession or None
        The signed-in session (``None`` on the sign-in pages).
    context : dict, optional
        The page's own values.
    status : int
        The HTTP status.
    form_token : str, optional
        The token of forms shown before sign-in (also set as their cookie).
    """
    language = language_of(request, web)
    flash = _read_flash(request)
    values = {
        "request": request,
        "user": web.user if web else None,
        "csrf_token": web.csrf_token if web else form_token,
        "language": language,
        "flash": flash,
        "path": request.url.path,
        **(context or {}),
    }
    html = environment(language).get_template(template).render(values)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = language
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    if form_token is not None:
        from api.web.sessions import FORM_COOKIE

        response.set_cookie(
            FORM_COOKIE, form_token, httponly=True, samesite="lax", path=BASE, max_age=3600
        )
    return response


def redirect(url: str, flash: str | None = None, kind: str = "ok") -> RedirectResponse:
    """303 to ``url`` (after a form), with a message shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        value = urllib.parse.quote(json.dumps({"text": flash, "kind": kind}))
        response.set_cookie(FLASH_COOKIE, value, httponly=True, samesite="lax", path="/")
    return response


def _read_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        value = json.loads(urllib.parse.unquote(raw))
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return None
    return {"text": value["text"], "kind": str(value.get("kind", "ok"))}
