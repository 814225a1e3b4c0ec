"""Keeps replies within two SMS segments: 306 GSM-7 characters, or 134 when Unicode is needed."""

from __future__ import annotations

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€")  # each costs two characters
TYPOGRAPHY = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
              "\u2026": "...", "\u00a0": " "}
TWO_SEGMENTS = {"gsm": 306, "ucs2": 134}


def to_gsm_friendly(text: str) -> str:
    """Replaces typographic characters that would force the whole message into UCS-2."""
    return "".join(TYPOGRAPHY.get(ch, ch) for ch in text)


def encoding(text: str) -> str:
    return "gsm" if all(ch in GSM7 or ch in GSM7_EXTENDED for ch in text) else "ucs2"


def length(text: str) -> int:
    if encoding(text) == "gsm":
        return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def segments(text: str) -> int:
    n = length(text)
    single, multi = (160, 153) if encoding(text) == "gsm" else (70, 67)
    return 1 if n <= single else -(-n // multi)


def fit_two_segments(text: str) -> str:
    """The text, shortened at a sentence or word boundary if it would take more than two segments."""
    text = to_gsm_friendly(text.strip())
    limit = TWO_SEGMENTS[encoding(text)]
    if length(text) <= limit:
        return text
    cut, used = "", 0
    for ch in text:  # measured, not counted: extended and astral characters take two units
        used += length(ch)
        if used > limit - 3:
            break
        cut += ch
    for boundary in (". ", "? ", "! ", "\n", " "):
        at = cut.rfind(boundary)
        if at > limit // 2:
            cut = cut[: at + (1 if boundary.strip() else 0)]
            break
    return cut.rstrip() + "..."
