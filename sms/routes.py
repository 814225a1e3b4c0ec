"""POST /sms/twilio: Twilio's inbound-message webhook.

Order matters: signature (against PUBLIC_BASE_URL, not the URL the proxy shows us), tenant by the
`To` number, MessageSid de-duplication, carrier keywords (never shown to the model), then the agent
with the sender's number as the verified identity. The reply goes back as TwiML within two segments.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from api.errors import error_body
from domain.db import admin_tx, tenant_tx
from domain.errors import Invalid
from domain.phones import normalize_phone
from domain.sms.service import claim_message, forget_message, record_reply
from domain.tenants.models import Tenant
from domain.tenants.service import find_by_sms_number
from sms.conversation import answer

log = logging.getLogger(__name__)
router = APIRouter(tags=["sms"])
UNAVAILABLE = "This service is unavailable right now. Please try again later."


def twiml(text: str) -> Response:
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), media_type="application/xml")


def _signed_url(request: Request) -> str:
    url = request.app.state.settings.public_url + request.url.path
    return url + (f"?{request.url.query}" if request.url.query else "")


@router.post("/sms/twilio", include_in_schema=False)
async def twilio_webhook(request: Request) -> Response:
    settings = request.app.state.settings
    if settings.twilio_auth_token is None:
        return JSONResponse(error_body("SMS_NOT_CONFIGURED", "Set TWILIO_AUTH_TOKEN to receive SMS."), status_code=503)
    params = {k: v for k, v in (await request.form()).multi_items() if isinstance(v, str)}
    validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
    if not validator.validate(_signed_url(request), params, request.headers.get("x-twilio-signature", "")):
        return JSONResponse(error_body("BAD_SIGNATURE", "The Twilio signature is missing or wrong."), status_code=403)

    sid, body = params.get("MessageSid", ""), params.get("Body", "")
    if not sid or not params.get("From") or not params.get("To"):
        raise Invalid("MessageSid, From and To are required.", code="INCOMPLETE_SMS")
    tenant = await _tenant_for(request, params["To"])
    if tenant is None:
        return JSONResponse(error_body("UNKNOWN_NUMBER", "No business uses this number."), status_code=404)
    if tenant.suspended_at is not None:   # the platform suspended the business: no agent, no records
        return twiml(UNAVAILABLE)
    sender = normalize_phone(params["From"], tenant.phone_region)

    pool = request.app.state.db.app_pool
    async with tenant_tx(pool, tenant.id, "sms") as conn:
        new, earlier_reply = await claim_message(conn, tenant_id=tenant.id, message_sid=sid, from_phone=sender)
    if not new:   # Twilio retried a delivery we already handled (or are handling): same answer, nothing twice
        return twiml(earlier_reply or "")
    try:
        reply = await answer(request.app, tenant, sender, body)
    except Exception:
        # let Twilio's retry process it again rather than lose the customer's message
        async with tenant_tx(pool, tenant.id, "sms") as conn:
            await forget_message(conn, message_sid=sid)
        raise
    async with tenant_tx(pool, tenant.id, "sms") as conn:
        await record_reply(conn, message_sid=sid, reply=reply)
    return twiml(reply)


async def _tenant_for(request: Request, to: str) -> Tenant | None:
    try:
        number = normalize_phone(to, "US")
    except Invalid:
        return None
    async with admin_tx(request.app.state.db) as conn:
        return await find_by_sms_number(conn, number)
