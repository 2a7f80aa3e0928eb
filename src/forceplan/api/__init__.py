"""The REST API under /api/v1: thin routes over ``forceplan.services``."""

from __future__ import annotations

from fastapi import APIRouter

from forceplan import __version__
from forceplan.api import auth, data, jobs, self_service, welfare
from forceplan.api.schemas import HealthOut

api_router = APIRouter(prefix="/api/v1")


@api_router.get("/health", response_model=HealthOut, tags=["health"])
def health() -> HealthOut:
    """Answers without sign-in: the server is up."""
    return HealthOut(status="ok", version=__version__)


for module in (auth, data, welfare, jobs, self_service):
    api_router.include_router(module.router)
api_router.include_router(self_service.approvals)
