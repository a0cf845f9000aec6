"""The admin token: ``Authorization: Bearer $ZHEN_ADMIN_TOKEN`` on admin endpoints."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from bot.web.service import Service

# Module level: FastAPI resolves the annotations of the routes' dependencies by name.
Bearer = Annotated[
    HTTPAuthorizationCredentials | None,
    Depends(HTTPBearer(auto_error=False, description="`ZHEN_ADMIN_TOKEN`")),
]


def admin_guard(service: Service) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    """A route dependency: 403 when no admin token is configured, 401 when the request's
    bearer token is missing or wrong (compared in constant time)."""

    def admin(credentials: Bearer) -> None:
        token = service.settings.admin_token
        if not token:
            raise HTTPException(403, "admin endpoints are disabled (set ZHEN_ADMIN_TOKEN)")
        given = credentials.credentials.strip() if credentials else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "admin token required", {"WWW-Authenticate": "Bearer"})

    return admin
