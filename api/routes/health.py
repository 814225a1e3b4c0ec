from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import Db

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request, db: Db) -> JSONResponse:
    """Database reachability and the agent engine in use."""
    database_ok = await db.ping()
    body = {"status": "ok" if database_ok else "degraded",
            "database": "ok" if database_ok else "unreachable",
            "agent_engine": getattr(request.app.state, "agent_engine", "guided")}
    return JSONResponse(body, status_code=200 if database_ok else 503)
