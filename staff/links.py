"""The signed links a customer receives: an invoice or estimate to view (and an estimate to answer)."""

from __future__ import annotations

from uuid import UUID

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from domain.errors import NotFound


def _signer(request: Request) -> URLSafeSerializer:
    secret = request.app.state.settings.secret_key
    return URLSafeSerializer(secret.get_secret_value() if secret else "fieldbook-dev", salt="invoice-link")


def public_link(request: Request, tenant_id: UUID, invoice_id: UUID) -> str:
    """The customer's link to one invoice or estimate: the token names the business and the document."""
    token = _signer(request).dumps([str(tenant_id), str(invoice_id)])
    return f"{request.app.state.settings.public_url}/invoice/{token}"


def read_link(request: Request, token: str) -> tuple[UUID, UUID]:
    """(tenant id, invoice id) of a link's token; NotFound for anything not signed by this server."""
    try:
        tenant_id, invoice_id = (UUID(v) for v in _signer(request).loads(token))
    except (BadSignature, ValueError, TypeError):
        raise NotFound("Invoice not found.") from None
    return tenant_id, invoice_id
