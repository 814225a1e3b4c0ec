"""The service area as places the business lists: city names, or postal-code prefixes ("M5V", "L4", "902")."""

from __future__ import annotations

import re

WORDS = re.compile(r"[a-z0-9]+")


def _is_postal(place: str) -> bool:
    return any(ch.isdigit() for ch in place)


def in_service_area(address: str | None, places: list[str]) -> bool:
    """Whether an address is inside the listed places; with no list, or no address yet, it is not refused.

    A city matches as whole words anywhere in the address ("North York" in "12 Main St, North York, ON");
    a postal prefix matches the start of a postal code in it, spaces ignored ("M5V" in "M5V 2T6").
    """
    if not places or not address or not address.strip():
        return True
    text = address.lower()
    words = WORDS.findall(text)
    joined = " ".join(words)
    squeezed = [a + b for a, b in zip(words, words[1:])] + words   # "m5v 2t6" -> "m5v2t6"
    for place in places:
        wanted = " ".join(WORDS.findall(place.lower()))
        if not wanted:
            continue
        if _is_postal(wanted):
            prefix = wanted.replace(" ", "")
            if any(token.startswith(prefix) and any(c.isdigit() for c in token) for token in squeezed):
                return True
        elif re.search(rf"(^| ){re.escape(wanted)}( |$)", joined):
            return True
    return False
