"""Signing in and out, invitations, the language switch, and each role's home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.http.service import audit
from api.http.throttle import KeyThrottle
from api.web import accounts, sessions
from api.web.deps import FormPost, MaybeSignedIn, PageError, ServiceDep
from api.web.i18n import LANGUAGE_COOKIE, languages
from api.web.pages import BASE, HOME_OF_ROLE, gettext_for, language_of, redirect, render
from api.web.sessions import FORM_COOKIE, SESSION_COOKIE, SESSION_LIFETIME

router = APIRouter()
Token = Annotated[str, Path(min_length=16, max_length=100)]
NextQuery = Annotated[str, Query(alias="next", max_length=500)]


def _safe_next(target: str | None) -> str:
    """Only a path of this application (never another site) is followed after sign-in."""
    if not target:
        return f"{BASE}/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith(BASE) or "\\" in target:
        return f"{BASE}/"
    return target


def _check_form_token(request: Request, sent: str) -> None:
    if not sessions.same_token(request.cookies.get(FORM_COOKIE), sent):
        raise PageError(403, "csrf")


def _secure(request: Request) -> bool:
    return bool(request.app.state.service.settings.web_secure_cookies)


@router.get("/")
async def home(web: MaybeSignedIn) -> RedirectResponse:
    """Each role's first page (the sign-in form for a visitor)."""
    if web is None:
        return RedirectResponse(f"{BASE}/login", status_code=303)
    return RedirectResponse(HOME_OF_ROLE[web.user.role], status_code=303)


@router.get("/login")
async def login_form(request: Request, web: MaybeSignedIn, next_: NextQuery = "") -> Response:
    """The sign-in form."""
    if web is not None:
        return RedirectResponse(_safe_next(next_ or None), status_code=303)
    return render(
        request, "login.html", None, {"next": next_}, form_token=sessions.new_form_token()
    )


@router.post("/login")
async def login(
    request: Request,
    service: ServiceDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=100)],
    next_: Annotated[str, Form(alias="next", max_length=500)] = "",
) -> Response:
    """Sign in: a session cookie on success; the form again, with one message that does
    not say which part was wrong, on failure. Repeated failures from one address are
    refused for a while (429)."""
    _check_form_token(request, csrf_token)
    throttle: KeyThrottle = request.app.state.login_throttle
    client = request.client.host if request.client is not None else "unknown"
    _ = gettext_for(language_of(request, None))
    wait = throttle.retry_after(client)
    if wait is not None:
        message = _("Too many failed sign-ins from this address. Try again in %(s)s s.") % {
            "s": wait
        }
        return _login_again(request, message, email, next_, status=429)

    def check() -> tuple[str, sessions.WebSession] | None:
        with service.database.session() as session:
            row = accounts.authenticate(session, email, password)
            if row is None:
                return None
            started = sessions.start(session, row.id)
            audit(session, started[1].user.principal, "web.sign_in", f"user:{row.id}")
            return started

    started = await run_in_threadpool(check)
    if started is None:
        throttle.record_failure(client)
        return _login_again(request, _("Wrong e-mail or password."), email, next_, status=401)
    token, web = started
    target = _safe_next(next_ or None)
    if target == f"{BASE}/":
        target = HOME_OF_ROLE[web.user.role]
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(FORM_COOKIE, path=BASE)
    return response


def _login_again(request: Request, message: str, email: str, next_: str, status: int) -> Response:
    return render(
        request,
        "login.html",
        None,
        {"error": message, "email": email, "next": next_},
        status=status,
        form_token=sessions.new_form_token(),
    )


@router.post("/logout")
async def logout(request: Request, service: ServiceDep, web: FormPost) -> Response:
    """Sign out (the session row goes, the cookie is cleared)."""

    def end() -> None:
        with service.database.session() as session:
            sessions.end(session, request.cookies.get(SESSION_COOKIE))
            audit(session, web.user.principal, "web.sign_out", f"user:{web.user.id}")

    await run_in_threadpool(end)
    response = RedirectResponse(f"{BASE}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{token}")
async def invite_form(request: Request, service: ServiceDep, token: Token) -> Response:
    """The page an invitation link opens: choose a password."""

    def find() -> str | None:
        with service.database.session() as session:
            row = accounts.invited(session, token)
            return None if row is None else row.email

    email = await run_in_threadpool(find)
    if email is None:
        raise PageError(404, "invite_unknown")
    return render(
        request,
        "invite.html",
        None,
        {"email": email, "token": token, "min_chars": accounts.MIN_PASSWORD_CHARS},
        form_token=sessions.new_form_token(),
    )


@router.post("/invite/{token}")
async def accept_invite(
    request: Request,
    service: ServiceDep,
    token: Token,
    password: Annotated[str, Form(max_length=1000)],
    repeat: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=100)],
) -> Response:
    """Set the password; then the person signs in with it."""
    _check_form_token(request, csrf_token)
    _ = gettext_for(language_of(request, None))
    error: str | None = None
    if password != repeat:
        error = _("The two passwords differ.")
    elif len(password) < accounts.MIN_PASSWORD_CHARS:
        error = _("A password needs at least %(n)s characters.") % {
            "n": accounts.MIN_PASSWORD_CHARS
        }
    if error is None:

        def accept() -> bool:
            with service.database.session() as session:
                try:
                    accounts.accept_invite(session, token, password)
                except accounts.AccountError:
                    return False
                return True

        if await run_in_threadpool(accept):
            return redirect(f"{BASE}/login", _("Password set. Sign in with it."))
        raise PageError(404, "invite_unknown")
    email = await run_in_threadpool(_invited_email, service, token)
    return render(
        request,
        "invite.html",
        None,
        {"email": email, "token": token, "min_chars": accounts.MIN_PASSWORD_CHARS, "error": error},
        status=422,
        form_token=sessions.new_form_token(),
    )


def _invited_email(service: ServiceDep, token: str) -> str:
    with service.database.session() as session:
        row = accounts.invited(session, token)
        return "" if row is None else row.email


@router.post("/language")
async def choose_language(
    request: Request,
    service: ServiceDep,
    web: MaybeSignedIn,
    language: Annotated[str, Form(max_length=16)],
    back: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Switch the interface's language (kept in a cookie, and on the account)."""
    if language not in languages():
        raise PageError(422, "invalid", [("language", ", ".join(languages()))])
    if web is not None:
        if not sessions.same_token(web.csrf_token, csrf_token):
            raise PageError(403, "csrf")

        def remember() -> None:
            from api.http.store.tables import UserRow

            with service.database.session() as session:
                row = session.get(UserRow, web.user.id)
                if row is not None:
                    row.locale = language

        await run_in_threadpool(remember)
    response = RedirectResponse(_safe_next(back or None), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", path="/", httponly=True
    )
    return response
