"""The administrator's users page: every account, inviting a person, resetting access
and disabling an account.

There is no e-mail yet: an invitation (or a reset) shows its one-time link once, for the
admin to pass on. Every action is in the audit trail (:func:`api.http.service.audit`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final, TypeVar

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.http.auth import BOUND_ROLES, ROLES
from api.http.routes.answers import current_engine
from api.http.service import Service, audit
from api.http.store.tables import UserRow
from api.web import accounts
from api.web.deps import Admin, AdminPost, PageError, ServiceDep
from api.web.pages import BASE, gettext_for, language_of, redirect, render
from api.web.sessions import WebSession
from matcher.dataset import Dataset

router = APIRouter()
T = TypeVar("T")

UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_LISTED_PROFILES: Final = 2000
"""Up to this many profiles are offered as suggestions for a researcher's binding."""


@router.get("/admin/users")
async def users_page(request: Request, service: ServiceDep, web: Admin) -> Response:
    """Every account, and the invitation form."""
    return render(request, "admin/users.html", web, await _page_values(service))


@router.post("/admin/users")
async def invite_user(
    request: Request,
    service: ServiceDep,
    web: AdminPost,
    email: Annotated[str, Form(max_length=254)],
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    binding: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Create an account and show its one-time invitation link (the form again, with the
    field that is wrong, when it cannot be created)."""
    _ = gettext_for(language_of(request, web))
    sent = {"email": email, "name": name, "role": role, "binding": binding}

    def create() -> tuple[int, str]:
        with service.database.session() as session:
            accounts.check_binding(session, role, binding)
            row, token = accounts.invite(session, email, name, role, binding)
            session.flush()
            audit(
                session,
                web.user.principal,
                "user.invite",
                f"user:{row.id}",
                {"role": row.role, "binding": row.binding},
            )
            return row.id, token

    try:
        user_id, token = await run_in_threadpool(create)
    except accounts.AccountError as error:
        values = {
            **await _page_values(service),
            "sent": sent,
            "field_errors": {error.field: _account_reason(_, error)},
        }
        return render(request, "admin/users.html", web, values, status=422)
    return await _show_link(request, service, web, user_id, token, invited=True)


@router.post("/admin/users/{user_id}/reset")
async def reset_user(
    request: Request, service: ServiceDep, web: AdminPost, user_id: UserId
) -> Response:
    """A new one-time link for the account; its password and sessions end now."""

    def reset() -> str:
        with service.database.session() as session:
            token = _or_404(lambda: accounts.reset_access(session, user_id))
            audit(session, web.user.principal, "user.reset_access", f"user:{user_id}")
            return token

    token = await run_in_threadpool(reset)
    return await _show_link(request, service, web, user_id, token, invited=False)


@router.post("/admin/users/{user_id}/disable")
async def disable_user(
    request: Request, service: ServiceDep, web: AdminPost, user_id: UserId
) -> Response:
    """Refuse every further sign-in of the account and end its sessions."""
    _ = gettext_for(language_of(request, web))
    if user_id == web.user.id:
        raise PageError(409, _("You cannot disable your own account."))

    def disable() -> str:
        with service.database.session() as session:
            _or_404(lambda: accounts.disable(session, user_id))
            audit(session, web.user.principal, "user.disable", f"user:{user_id}")
            row = session.get(UserRow, user_id)
            return row.email if row is not None else str(user_id)

    email = await run_in_threadpool(disable)
    return redirect(f"{BASE}/admin/users", _("%(email)s is disabled.") % {"email": email})


def _or_404(action: Callable[[], T]) -> T:
    """``action()``, with an unknown account as the 404 page."""
    try:
        return action()
    except accounts.AccountError:
        raise PageError(404, "not_found") from None


async def _show_link(
    request: Request,
    service: Service,
    web: WebSession,
    user_id: int,
    token: str,
    *,
    invited: bool,
) -> Response:
    """The page with the one-time link (shown once: only its hash is stored)."""

    def find() -> accounts.Account | None:
        with service.database.session() as session:
            return next((a for a in accounts.list_users(session) if a.id == user_id), None)

    account = await run_in_threadpool(find)
    if account is None:
        raise PageError(404, "not_found")
    link = f"{request.url.scheme}://{request.url.netloc}{BASE}/invite/{token}"
    dataset = (await current_engine(service.engine)).dataset
    values = {
        "account": account,
        "link": link,
        "invited": invited,
        "binding_name": binding_name(dataset, account.role, account.binding),
        "lifetime_days": accounts.INVITE_LIFETIME.days,
    }
    return render(request, "admin/link.html", web, values)


def binding_name(dataset: Dataset, role: str, binding: str | None) -> str:
    """The name of the profile or office an account is bound to ('' when unknown)."""
    if not binding:
        return ""
    if role == "office_staff":
        office = next((o for o in dataset.offices if o.id == binding), None)
        return office.name if office else ""
    return dataset.profile(binding).name if dataset.has_profile(binding) else ""


def _account_reason(_: Any, error: accounts.AccountError) -> str:
    """An account error in the page's language (the reasons accounts.py gives)."""
    reason = error.reason
    if error.field == "email":
        if "exists" in reason:
            return str(_("An account with this e-mail exists already."))
        return str(_("This is not an e-mail address."))
    if error.field == "role":
        return str(_("Choose a role."))
    if error.field == "binding":
        if reason.startswith("no profile"):
            return str(_("There is no profile with this id."))
        if reason.startswith("no office"):
            return str(_("There is no office with this id."))
        if "needs a binding" in reason:
            return str(_("A researcher is bound to a profile, office staff to an office."))
        if "takes no binding" in reason:
            return str(_("Administrators and coordinators are bound to nothing."))
    return reason


async def _page_values(service: Service) -> dict[str, Any]:
    def listed() -> list[accounts.Account]:
        with service.database.session() as session:
            return accounts.list_users(session)

    users = await run_in_threadpool(listed)
    dataset = (await current_engine(service.engine)).dataset
    profiles = (
        [(p.id, p.name) for p in dataset.profiles if p.kind == "researcher"]
        if len(dataset.profiles) <= MAX_LISTED_PROFILES
        else []
    )
    return {
        "users": users,
        "names": {u.id: binding_name(dataset, u.role, u.binding) for u in users},
        "roles": ROLES,
        "bound_roles": BOUND_ROLES,
        "offices": [(o.id, o.name) for o in dataset.offices],
        "profiles": profiles,
        "sent": {"email": "", "name": "", "role": "researcher", "binding": ""},
        "field_errors": {},
    }
