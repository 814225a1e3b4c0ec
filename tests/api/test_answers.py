"""Every documented operation declares the answers it can give, in the project's error format."""

from __future__ import annotations

import pytest


@pytest.fixture
async def document(client) -> dict:
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


async def test_only_the_api_is_documented(document):
    paths = list(document["paths"])
    assert paths and all(p.startswith(("/api/", "/admin/", "/health")) for p in paths), paths
    assert not [p for p in paths if p.startswith(("/staff", "/widget", "/sms"))]


async def test_every_error_answer_has_the_error_body_and_its_codes(document):
    for name, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (name, status)
            assert response["x-error-codes"], (name, status)
            for code in response["x-error-codes"]:
                assert f"`{code}`" in operation["description"], (name, code)


async def test_authenticated_operations_declare_401_and_their_scheme(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKey"] == {"type": "http", "scheme": "bearer", "description": "The business's API key"}
    assert schemes["widgetKey"]["in"] == "header" and schemes["widgetKey"]["name"] == "X-Widget-Key"
    secured = [(name, op) for name, op in operations(document) if op.get("security")]
    assert len(secured) > 30
    for name, operation in secured:
        assert "UNAUTHORIZED" in operation["responses"]["401"]["x-error-codes"], name


@pytest.mark.parametrize("operation, statuses", [
    # 503 SERVICE_UNAVAILABLE: the platform suspended the business (issue 14)
    ("PATCH /api/v1/contacts/{contact_id}", {"401", "404", "409", "413", "422", "503"}),
    ("GET /api/v1/contacts", {"401", "422", "503"}),
    ("POST /api/v1/ai-agent/chat", {"401", "403", "404", "413", "422", "503"}),
    ("DELETE /api/v1/webhooks/{endpoint_id}", {"401", "404", "422", "503"}),
])
async def test_declared_statuses(document, operation, statuses):
    found = dict(operations(document))[operation]
    assert {s for s in found["responses"] if int(s) >= 400} == statuses


async def test_error_schema_is_the_error_format(document, client):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message"}
    r = await client.get("/api/v1/contacts")
    assert set(r.json()) == {"error"} and set(r.json()["error"]) >= {"code", "message"}
