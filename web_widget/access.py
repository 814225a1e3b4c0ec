"""Who may talk to a tenant's widget: the public key, the page's Origin, and signed resume tokens."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from itsdangerous import BadSignature, URLSafeSerializer

TOKEN_SALT = "fieldbook.widget.resume.v1"


def normalize_origin(origin: str | None) -> str | None:
    """scheme://host[:port] in lower case, default ports dropped; None when it is not an origin."""
    if not origin:
        return None
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """Browsers send Origin on every websocket handshake; a missing or unlisted one is refused."""
    wanted = normalize_origin(origin)
    return wanted is not None and wanted in {normalize_origin(a) for a in allowed}


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=TOKEN_SALT)


def issue_resume_token(secret: str, *, tenant_id: UUID, conversation_id: UUID) -> str:
    """A token that lets this browser continue this one conversation of this tenant."""
    return _serializer(secret).dumps({"t": str(tenant_id), "c": str(conversation_id)})


def read_resume_token(secret: str, token: str, *, tenant_id: UUID) -> UUID | None:
    """The conversation a token resumes, or None when it is forged or belongs to another tenant."""
    try:
        data = _serializer(secret).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("t") != str(tenant_id):
        return None
    try:
        return UUID(data.get("c", ""))
    except (ValueError, TypeError):
        return None
