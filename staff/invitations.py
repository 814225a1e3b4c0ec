"""The sign-in link a new team member (or a new business's owner) receives: issued, then mailed or printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection

from domain.auth.service import INVITATION_LIFETIME, issue_link
from domain.staff.service import StaffUser
from fieldbook.settings import Settings
from staff.mail import send_email


@dataclass
class Invitation:
    to: str
    subject: str
    body: str
    url: str

    async def send(self, settings: Settings) -> None:
        """By SMTP, or printed to the console when SMTP_HOST is unset."""
        await send_email(settings, to=self.to, subject=self.subject, body=self.body)


async def invitation(conn: AsyncConnection, settings: Settings, *, business: str, user: StaffUser,
                     now: datetime) -> Invitation:
    """A single-use link valid for a day, inside the caller's transaction (sent after it commits)."""
    token, _ = await issue_link(conn, tenant_id=user.tenant_id, staff_user_id=user.id, now=now,
                                lifetime=INVITATION_LIFETIME)
    url = f"{settings.public_url}/staff/login/confirm?token={token}"
    body = (f"Hello {user.name},\n\nYou have been added to {business} on Fieldbook as {user.role}.\n"
            f"Sign in here:\n{url}\n\nThe link works once, within 24 hours. Later, ask for a new link at "
            f"{settings.public_url}/staff/login with this email address.")
    return Invitation(to=user.email, subject=f"You are invited to {business} on Fieldbook", body=body, url=url)
