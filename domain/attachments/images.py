"""What an uploaded photo really is, checked by decoding it (never by its name or declared type), and its
thumbnail. Photos are re-encoded without their metadata: a phone's EXIF carries the GPS position of the
customer's house."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from domain.errors import Invalid

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000            # a 40-megapixel photo; more is a decompression bomb, not a photo
THUMBNAIL = (320, 320)
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    extension: str
    data: bytes          # re-encoded, upright, without metadata
    thumbnail: bytes     # JPEG, at most THUMBNAIL


def _decode(data: bytes) -> Image.Image:
    if not data:
        raise Invalid("The file is empty.", code="EMPTY_FILE")
    if len(data) > MAX_BYTES:
        raise Invalid(f"Photos up to {MAX_BYTES // (1024 * 1024)} MB.", code="FILE_TOO_LARGE")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise Invalid("Upload a JPEG, PNG or WebP photo.", code="UNSUPPORTED_FILE_TYPE")
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid("The photo has too many pixels.", code="FILE_TOO_LARGE")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise Invalid("Upload a JPEG, PNG or WebP photo.", code="UNSUPPORTED_FILE_TYPE") from None
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(out, format=fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()


def check_image(data: bytes) -> CheckedImage:
    """The photo, if it is one we take: decoded, turned upright, metadata dropped, with its thumbnail."""
    image = _decode(data)
    fmt = image.format or "JPEG"
    upright = ImageOps.exif_transpose(image)
    thumb = upright.copy()
    thumb.thumbnail(THUMBNAIL)
    content_type, extension = FORMATS[fmt]
    return CheckedImage(content_type=content_type, extension=extension, data=_encode(upright, fmt),
                        thumbnail=_encode(thumb, "JPEG"))
