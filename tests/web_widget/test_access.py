import uuid

import pytest

from domain.tenants.origins import origin_allowed
from web_widget.access import issue_resume_token, read_resume_token

SECRET = "s" * 40


@pytest.mark.parametrize("origin,allowed", [
    ("https://maple.example", True), ("https://MAPLE.example:443", True), ("https://maple.example:8443", False),
    ("http://maple.example", False), ("https://evil.example", False), (None, False), ("null", False), ("", False),
])
def test_origin_allow_list(origin, allowed):
    assert origin_allowed(origin, ["https://maple.example", "http://localhost:8000"]) is allowed


def test_resume_token_round_trip_and_binding():
    tenant, other_tenant, conversation = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    token = issue_resume_token(SECRET, tenant_id=tenant, conversation_id=conversation)
    assert read_resume_token(SECRET, token, tenant_id=tenant) == conversation
    assert read_resume_token(SECRET, token, tenant_id=other_tenant) is None
    assert read_resume_token("t" * 40, token, tenant_id=tenant) is None
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert read_resume_token(SECRET, forged, tenant_id=tenant) is None
