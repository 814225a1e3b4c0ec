"""Phone numbers: whatever people type, normalized to E.164 with the tenant's default region."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

import phonenumbers

from domain.errors import Invalid


class InvalidPhone(Invalid):
    """Not a phone number in service in the business's region.

    The API's document states the shape of a phone field (digits and `+ ( ) . -`), but which numbers
    exist is numbering-plan data no schema can hold; like other refusals by data the document cannot
    know (an unknown category, a taken slot), the API answers it with 409, so a well-formed request
    is never a 422."""
    status_code = 409
    code = "INVALID_PHONE"


@lru_cache(maxsize=4096)
def normalize_phone(raw: str, region: str = "US") -> str:
    """The E.164 form of `raw` ("416-555-1234" -> "+14165551234"); Invalid when it is not a real number."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("A phone number is required.")
    if len(text) > 40:
        raise InvalidPhone("That does not look like a phone number.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("That does not look like a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("That phone number is not valid; include the area code.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str, region: str = "US") -> str | None:
    try:
        return normalize_phone(raw, region)
    except Invalid:
        return None


def find_phone_in_text(text: str, region: str = "US") -> str | None:
    """The first valid phone number written anywhere in free text, in E.164."""
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def format_phone(e164: str) -> str:
    """A friendly national form for replies ("(416) 555-1234")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_fingerprint(e164: str, key: bytes) -> str:
    """A keyed hash of a phone number, for logs that must correlate without holding PII."""
    return hmac.new(key, e164.encode(), hashlib.sha256).hexdigest()[:12]
