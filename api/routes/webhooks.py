from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from api.answers import declares, errors
from api.deps import Api
from api.params import PageCursor, PageLimit
from domain.errors import DomainError
from domain.pagination import Page
from domain.webhooks import service
from domain.webhooks.models import (
    WebhookDelivery, WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointUpdate, WebhookEndpointWithSecret,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


class WebhooksUnavailable(DomainError):
    status_code = 503
    code = "WEBHOOKS_UNAVAILABLE"


@declares(WEBHOOKS_UNAVAILABLE=503)
def signing_key(request: Request) -> bytes:
    settings = request.app.state.settings
    if settings.secret_key is None:
        raise WebhooksUnavailable("Webhooks need SECRET_KEY to be set on the server.")
    return settings.secret_key.get_secret_value().encode()


def allow_private(request: Request) -> bool:
    return request.app.state.settings.webhook_allow_private_urls


SigningKey = Annotated[bytes, Depends(signing_key)]
AllowPrivate = Annotated[bool, Depends(allow_private)]


@router.post("", status_code=201, responses=errors(INVALID_WEBHOOK_URL=422, PRIVATE_WEBHOOK_URL=422, INVALID_EVENT_TYPE=422))
async def create_endpoint(api: Api, body: WebhookEndpointCreate, key: SigningKey,
                          private: AllowPrivate) -> WebhookEndpointWithSecret:
    """A new endpoint; the response carries its signing secret, shown this once."""
    async with api.tx() as conn:
        return await service.create_endpoint(conn, tenant_id=api.tenant.id, data=body, signing_key=key,
                                             allow_private=private)


@router.get("")
async def list_endpoints(api: Api) -> list[WebhookEndpoint]:
    async with api.tx() as conn:
        return await service.list_endpoints(conn)


@router.get("/{endpoint_id}", responses=errors(NOT_FOUND=404))
async def get_endpoint(api: Api, endpoint_id: UUID) -> WebhookEndpoint:
    async with api.tx() as conn:
        return await service.get_endpoint(conn, endpoint_id=endpoint_id)


@router.patch("/{endpoint_id}", responses=errors(NOT_FOUND=404, INVALID_WEBHOOK_URL=422, PRIVATE_WEBHOOK_URL=422, INVALID_EVENT_TYPE=422))
async def update_endpoint(api: Api, endpoint_id: UUID, body: WebhookEndpointUpdate,
                          private: AllowPrivate) -> WebhookEndpoint:
    async with api.tx() as conn:
        return await service.update_endpoint(conn, endpoint_id=endpoint_id, data=body, allow_private=private)


@router.post("/{endpoint_id}/rotate-secret", responses=errors(NOT_FOUND=404))
async def rotate_secret(api: Api, endpoint_id: UUID, key: SigningKey) -> WebhookEndpointWithSecret:
    """A new signing secret, shown this once; the old one stops verifying at once."""
    async with api.tx() as conn:
        return await service.rotate_secret(conn, tenant_id=api.tenant.id, endpoint_id=endpoint_id, signing_key=key)


@router.delete("/{endpoint_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_endpoint(api: Api, endpoint_id: UUID) -> Response:
    async with api.tx() as conn:
        await service.delete_endpoint(conn, endpoint_id=endpoint_id)
    return Response(status_code=204)


@router.get("/{endpoint_id}/deliveries", responses=errors(NOT_FOUND=404))
async def list_deliveries(api: Api, endpoint_id: UUID, limit: PageLimit = 50,
                          cursor: PageCursor = None) -> Page[WebhookDelivery]:
    """The endpoint's delivery log: each event's status, attempts and last response."""
    async with api.tx() as conn:
        return await service.list_deliveries(conn, endpoint_id=endpoint_id, limit=limit, cursor=cursor)
