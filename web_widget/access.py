"""Signed resume tokens: a browser continues one conversation of one tenant, and nothing else."""

from __future__ import annotations

from uuid import UUID

from itsdangerous import BadSignature, URLSafeSerializer


TOKEN_SALT = "fieldbook.widget.resume.v1"


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
