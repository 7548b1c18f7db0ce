"""Admin endpoints for tests and the demo; NOT part of the public contract (not in OpenAPI)."""
from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Header, Request

from .faults import FaultConfig
from .security import ApiError


def admin_router(token: str) -> APIRouter:
    def guard(x_admin_token: str = Header(default="")) -> None:
        if not token or not hmac.compare_digest(x_admin_token, token):
            raise ApiError(403, "forbidden", "admin token required")

    r = APIRouter(prefix="/_admin", include_in_schema=False, dependencies=[Depends(guard)])

    @r.get("/faults")
    def get_faults(request: Request) -> FaultConfig:
        return request.app.state.faults.config

    @r.post("/faults")
    def set_faults(config: FaultConfig, request: Request) -> FaultConfig:
        request.app.state.faults.set(config)
        return config

    @r.delete("/faults")
    def clear_faults(request: Request) -> FaultConfig:
        request.app.state.faults.set(FaultConfig())
        return FaultConfig()

    @r.get("/received")
    def received(request: Request) -> dict:
        """Ratings, ticket events, prints and check-ins in the order they arrived."""
        return request.app.state.store.received()

    @r.get("/citizens")
    def citizens(request: Request) -> list[dict]:
        """The synthetic citizens (full ID numbers: synthetic data, for tests and the demo)."""
        world = request.app.state.backend.world
        return [{"id_number": c.id_number, "name": c.name, "birth": c.birth.isoformat(),
                 "appointments": [code for code, (idn, _) in world.appointments.items()
                                  if idn == c.id_number],
                 "licences": [lid for lid, (idn, _, _) in world.licences.items()
                              if idn == c.id_number]}
                for c in world.citizens]

    return r
