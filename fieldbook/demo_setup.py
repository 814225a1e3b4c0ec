"""Settings for `fieldbook demo`: the embedded database and a secret kept in the data folder."""

from __future__ import annotations

import secrets

from fieldbook.settings import Settings, load_settings


def demo_settings(host: str, port: int) -> Settings:
    """The environment's settings, forced onto the embedded database, with a persistent demo secret."""
    base = load_settings()
    data_dir = base.fieldbook_data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_file = data_dir / "demo-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    overrides = {"database_url": None, "database_app_url": None,
                 "secret_key": (base.secret_key.get_secret_value() if base.secret_key
                                else secret_file.read_text().strip())}
    if "public_base_url" not in base.model_fields_set:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        overrides["public_base_url"] = f"http://{shown_host}:{port}"
    return load_settings(**overrides)
