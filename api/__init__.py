"""REST API /api/v1 for tenants (API-key auth) and the JSON error format."""
