"""The pages, one module per part of the application."""

from fastapi import APIRouter

from api.web.routes import (
    account,
    admin,
    auth,
    calls,
    competitions,
    office,
    outcomes,
    researcher,
    rounds,
    services,
    upload,
    whatif,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    calls.router,
    competitions.router,
    whatif.router,
    upload.router,
    rounds.router,
    researcher.router,
    office.router,
    admin.router,
    outcomes.router,
    services.router,
    account.router,
)
