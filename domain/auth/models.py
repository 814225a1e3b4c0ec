from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from domain.staff.service import Role


class LoginTarget(BaseModel):
    """A staff account an address may log into (one address can belong to several businesses)."""
    tenant_id: UUID
    tenant_name: str
    staff_user_id: UUID


@dataclass(frozen=True)
class IssuedLink:
    """A freshly minted login link; `token` is shown once (in the email) and stored only hashed."""
    tenant_id: UUID
    tenant_name: str
    token: str          # "<tenant id>.<raw token>"
    expires_at: datetime


class StaffSession(BaseModel):
    """The signed-in staff member behind a session cookie."""
    session_id: UUID
    tenant_id: UUID
    staff_user_id: UUID
    name: str
    email: str
    role: str
    csrf_token: str
    technician_id: UUID | None
    expires_at: datetime

    @property
    def dispatches(self) -> bool:
        """Owners and dispatchers see every job; technicians only their own."""
        return self.role in ("owner", "dispatcher")


@dataclass(frozen=True)
class NewSession:
    session: StaffSession
    cookie_value: str   # "<tenant id>.<raw token>"
