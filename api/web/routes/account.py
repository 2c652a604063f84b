"""The signed-in person's own settings (every role): e-mail notifications on or off, and
the language of the pages and of the e-mails (:mod:`api.http.notifications`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.http.service import audit
from api.http.store.tables import UserRow
from api.web.deps import FormPost, PageError, ServiceDep, SignedIn
from api.web.i18n import LANGUAGE_COOKIE, choose, languages
from api.web.pages import BASE, gettext_for, redirect, render

router = APIRouter()


@router.get("/account")
async def account_page(request: Request, service: ServiceDep, web: SignedIn) -> Response:
    """The settings form, with the stored choices."""

    def read() -> tuple[bool, str | None]:
        with service.database.session() as session:
            row = session.get(UserRow, web.user.id)
            if row is None:
                raise PageError(404, "no such account")
            return row.notify_email, row.locale

    notify_email, locale = await run_in_threadpool(read)
    values = {"notify_email": notify_email, "locale": locale or ""}
    return render(request, "account.html", web, values)


@router.post("/account")
async def save_account(
    request: Request,
    service: ServiceDep,
    web: FormPost,
    notify_email: Annotated[str, Form(max_length=8)] = "",
    locale: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Store the choices (an unticked box sends nothing: e-mail off)."""
    if locale and locale not in languages():
        raise PageError(422, "unknown language", [("locale", locale)])
    wanted = notify_email == "on"

    def save() -> None:
        with service.database.session() as session:
            row = session.get(UserRow, web.user.id)
            if row is None:
                raise PageError(404, "no such account")
            row.notify_email = wanted
            row.locale = locale or None
            audit(
                session,
                web.user.principal,
                "user.settings",
                f"user:{row.id}",
                {"notify_email": wanted, "locale": row.locale},
            )

    await run_in_threadpool(save)
    # The flash is read on the next page, in the language just chosen.
    cookie, header = request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    _ = gettext_for(choose(locale or None, cookie, header))
    return redirect(f"{BASE}/account", _("Your settings are saved."))
