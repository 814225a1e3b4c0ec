"""A tenant's widget may run only on the websites it lists (scheme://host[:port] origins)."""

from __future__ import annotations

from urllib.parse import urlsplit


def normalize_origin(origin: str | None) -> str | None:
    """scheme://host[:port] in lower case, default ports dropped; None when it is not an origin."""
    if not origin:
        return None
    parts = urlsplit(origin.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    shown_port = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{shown_port}"


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """Whether a browser Origin is on the allow-list; a missing or malformed one is not."""
    wanted = normalize_origin(origin)
    return wanted is not None and wanted in {normalize_origin(a) for a in allowed}
