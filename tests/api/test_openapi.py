async def test_openapi_lists_every_v1_route(client):
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ("/api/v1/tickets", "/api/v1/tickets/{ref}", "/api/v1/tickets/{ref}/notes",
                 "/api/v1/contacts/{contact_id}/addresses", "/api/v1/contacts/{contact_id}/addresses/{address_id}",
                 "/api/v1/contacts/{contact_id}/attributes", "/api/v1/contacts/{contact_id}/attributes/{key}",
                 "/api/v1/technicians", "/api/v1/technicians/{technician_id}", "/api/v1/services",
                 "/api/v1/datalabels/{name}", "/api/v1/audit/{entity_type}/{entity_id}"):
        assert path in paths, path
