"""GET /metrics: Prometheus text for a scraper that presents METRICS_TOKEN; absent unless configured."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from domain.auth.tokens import same

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def prometheus_metrics(request: Request) -> Response:
    settings, telemetry = request.app.state.settings, request.app.state.telemetry
    if telemetry.registry is None or settings.metrics_token is None:
        raise HTTPException(404, "Not Found")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not same(token.strip(), settings.metrics_token.get_secret_value()):
        raise HTTPException(401, "Send the metrics token as 'Authorization: Bearer <token>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    return Response(generate_latest(telemetry.registry), media_type=CONTENT_TYPE_LATEST)
