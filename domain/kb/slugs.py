"""Slugs as URLs want them: "Heat Pumps & Furnaces!" -> "heat-pumps-furnaces"."""

from __future__ import annotations

import re
import secrets
import unicodedata

from domain.errors import Invalid

MAX_SLUG = 80


def slugify(text: str) -> str:
    """Lower case ASCII words joined by hyphens (accents dropped, everything else a separator)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:MAX_SLUG].strip("-")
    return slug


def slug_for(requested: str | None, fallback: str) -> str:
    """The normalised slug asked for, else one made from `fallback` (a name or title; one without a Latin
    letter or digit, such as "Ω", gets a short random slug)."""
    if requested is not None:
        slug = slugify(requested)
        if not slug:
            raise Invalid("The slug needs at least one letter or digit.", code="INVALID_SLUG")
        return slug
    return slugify(fallback) or "item-" + secrets.token_hex(4)
