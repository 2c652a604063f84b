"""``/keys``: API keys created by an admin (stored hashed; the key is shown once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlalchemy import select

from api.http.auth import hash_key, new_key
from api.http.deps import AdminDep, ServiceDep
from api.http.errors import ApiError, not_found
from api.http.routes.profiles import ERRORS
from api.http.schemas.access import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic
from api.http.schemas.errors import Problem
from api.http.service import audit
from api.http.store.records import get_row
from api.http.store.tables import ApiKeyRow, utcnow

router = APIRouter(prefix="/keys", tags=["keys"])


def _public(row: ApiKeyRow) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=row.id,
        role=row.role,
        binding=row.binding,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


@router.post(
    "", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def create_key(service: ServiceDep, principal: AdminDep, request: ApiKeyCreate) -> ApiKeyCreated:
    """Create a key for a role (admin). Office staff keys are bound to an office, researcher
    keys to a profile; the binding must exist."""
    key = new_key()
    with service.database.session() as session:
        if request.binding is not None:
            collection = "offices" if request.role == "office_staff" else "profiles"
            if get_row(session, collection, request.binding) is None:
                kind = collection[:-1]
                raise ApiError(
                    422,
                    f"binding: no {kind} with id {request.binding!r}",
                    [Problem(field="body.binding", value=request.binding, reason=f"no {kind}")],
                )
        row = ApiKeyRow(
            key_hash=hash_key(key),
            role=request.role,
            binding=request.binding,
            label=request.label,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        audit(session, principal, "key.create", f"key:{row.id}", {"role": request.role})
        return ApiKeyCreated(**_public(row).model_dump(), key=key)


@router.get("", response_model=list[ApiKeyPublic], responses=ERRORS)
def list_keys(service: ServiceDep, _principal: AdminDep) -> list[ApiKeyPublic]:
    """Every stored key (never the secret)."""
    with service.database.session() as session:
        return [_public(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def revoke_key(
    service: ServiceDep,
    principal: AdminDep,
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> None:
    """Revoke a key: it stops working at once."""
    with service.database.session() as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise not_found("key", str(key_id))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit(session, principal, "key.revoke", f"key:{key_id}")
