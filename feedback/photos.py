"""Photos attached to feedback: vetted by content and re-encoded so nothing identifying survives.

A resident's phone writes where and when a photo was taken (EXIF GPS, dates), the device
(make, model, maker notes), often a thumbnail of the uncropped original, and sometimes XMP,
IPTC, comments or PNG text chunks. None of it may reach storage or the public map, so a photo
is never stored as uploaded: its pixels are decoded, turned upright by the EXIF orientation,
copied into a fresh image that carries no metadata at all, downscaled and encoded again.

The type is decided by the bytes, never by the file name or the declared content type. Only
JPEG, PNG and WebP are accepted; the output keeps the input's format. Animated images and
multi-picture JPEGs keep their first frame only. ICC profiles are dropped with the rest, so a
wide-gamut photo is shown as sRGB (slightly less saturated; fine for a report of a pothole).
"""

import hashlib
import math
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core.errors import InvalidParameter, PayloadTooLarge

MAX_PHOTOS = 5
MAX_MEGAPIXELS = 40
MAX_SIDE = 2560
JPEG_QUALITY = 85
WEBP_QUALITY = 85
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MEGABYTE = 1024 * 1024

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ENCODER_OPTIONS = {
    "JPEG": {"quality": JPEG_QUALITY, "optimize": True},
    "PNG": {},
    "WEBP": {"quality": WEBP_QUALITY},
}

# What Pillow may raise while parsing or decoding a damaged file.
UNREADABLE = (OSError, SyntaxError, ValueError, IndexError, EOFError, struct.error, zlib.error)

# Brands of the ISO media container (bytes 8-12, after "ftyp") that phones use for stills.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


class PhotoRefused(InvalidParameter):
    """An uploaded photo is not one we accept: wrong type, unreadable, too many pixels or files."""

    code = "photo_refused"


@dataclass(frozen=True)
class CleanPhoto:
    """A photo re-encoded from its pixels only, ready to store and show publicly."""

    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def size(self) -> int:
        """Size of the encoded photo in bytes."""
        return len(self.data)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the encoded photo (a storage key, and to spot a photo sent twice)."""
        return hashlib.sha256(self.data).hexdigest()


def clean_photos(
    files: list[tuple[str, bytes]], *, max_bytes: int | None = None
) -> list[CleanPhoto]:
    """Clean every photo of one report, refusing the lot if there are more than MAX_PHOTOS."""
    _check_count(len(files))
    return [clean_photo(data, name, max_bytes=max_bytes) for name, data in files]


def check_uploads(sizes: list[tuple[str, int]], *, max_bytes: int | None = None) -> None:
    """The count and sizes of a report's uploads, checked before their bytes are read."""
    _check_count(len(sizes))
    for name, size in sizes:
        _check_size(size, name, _max_bytes(max_bytes))


def _check_count(count: int) -> None:
    if count > MAX_PHOTOS:
        raise PhotoRefused(
            _("At most {limit} photos can be attached to a report; {count} were sent.").format(
                limit=MAX_PHOTOS, count=count
            ),
            parameter="photos",
        )


def clean_photo(data: bytes, name: str, *, max_bytes: int | None = None) -> CleanPhoto:
    """Vet one uploaded photo by its content and re-encode it with no metadata.

    ``max_bytes`` defaults to the ``FEEDBACK_PHOTO_MAX_BYTES`` setting (10 MB). The size is
    checked before anything is decoded, the pixel count before the pixels are.
    """
    _check_size(len(data), name, _max_bytes(max_bytes))
    image_format = _image_format(data, name)
    image = _upright(_opened(data, name, image_format), name)
    pixels = _downscaled(_bare(image, image_format))
    return CleanPhoto(
        data=_encoded(pixels, image_format),
        content_type=CONTENT_TYPES[image_format],
        width=pixels.width,
        height=pixels.height,
    )


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    return settings.COMMONMAP.get("FEEDBACK_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)


def _check_size(size: int, name: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise PayloadTooLarge(
            _("'{name}' is {size} MB; a photo may be at most {limit} MB.").format(
                name=name,
                # The size rounds up and the limit down, so a file just over the limit
                # never reads as the same number.
                size=_megabytes(size, math.ceil),
                limit=_megabytes(max_bytes, math.floor),
            ),
            parameter="photos",
        )


def _megabytes(size: int, rounding: Callable[[float], int]) -> str:
    """Size in MB to one decimal in the active language ("10", "12.5"; "12,5" in Vietnamese)."""
    tenths = rounding(size * 10 / MEGABYTE)
    return number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)


def _image_format(data: bytes, name: str) -> str:
    """The Pillow format name of an accepted image, from its first bytes."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    kind = _other_kind(data)
    if kind is None:
        raise _unreadable(name)
    raise PhotoRefused(
        _("'{name}' is not a JPEG, PNG or WebP image (its content is in {kind} format).").format(
            name=name, kind=kind
        ),
        parameter="photos",
    )


def _other_kind(data: bytes) -> str | None:
    """Name of a format people upload by mistake, when its signature is plain; else None."""
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data.startswith(b"%PDF-"):
        return "PDF"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIC"
    if data[4:8] == b"ftyp" and data[8:12] in AVIF_BRANDS:
        return "AVIF"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg")) and b"<svg" in head:
        return "SVG"
    return None


def _unreadable(name: str) -> PhotoRefused:
    return PhotoRefused(
        _("'{name}' cannot be read as an image.").format(name=name), parameter="photos"
    )


def _opened(data: bytes, name: str, image_format: str) -> Image.Image:
    """The image with only its header read, refused if it has too many pixels to decode.

    Pillow's own bomb check (``Image.MAX_IMAGE_PIXELS``) is global and only raises at twice
    its limit; ours reads the size from the header and is the one that counts.
    """
    try:
        image = Image.open(BytesIO(data), formats=[image_format])
    except Image.DecompressionBombError:
        raise _too_many_pixels(name) from None
    except UNREADABLE:
        raise _unreadable(name) from None
    if image.width * image.height > MAX_MEGAPIXELS * 1_000_000:
        raise _too_many_pixels(name)
    return image


def _too_many_pixels(name: str) -> PhotoRefused:
    return PhotoRefused(
        _("'{name}' has more than {limit} megapixels, the most a photo may have.").format(
            name=name, limit=MAX_MEGAPIXELS
        ),
        parameter="photos",
    )


def _upright(image: Image.Image, name: str) -> Image.Image:
    """The decoded pixels, turned as the EXIF (or XMP) orientation says a viewer shows them."""
    try:
        return ImageOps.exif_transpose(image)  # decodes first: a damaged file fails here
    except UNREADABLE:
        raise _unreadable(name) from None


def _bare(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding only the pixels: no ``info``, so nothing the encoder could copy.

    Pillow's encoders fall back to ``image.info`` for some metadata (a JPEG's comment, a
    PNG's ICC profile), so converting is not enough: the pixels move to a fresh image.
    JPEG has no alpha; PNG and WebP keep it.
    """
    if image.mode.startswith("I"):  # 16-bit grey PNG: a plain convert would clip it to white
        image = image.point(lambda value: value / 256).convert("L")
    if image_format != "JPEG" and image.has_transparency_data:
        mode = "RGBA"
    elif image.mode == "L":
        mode = "L"
    else:
        mode = "RGB"
    pixels = image if image.mode == mode else image.convert(mode)
    return Image.frombytes(mode, pixels.size, pixels.tobytes())


def _downscaled(image: Image.Image) -> Image.Image:
    """The image with its longest side at most MAX_SIDE pixels, aspect kept."""
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def _encoded(image: Image.Image, image_format: str) -> bytes:
    """The pixels encoded in the given format, with no metadata argument passed."""
    out = BytesIO()
    image.save(out, format=image_format, **ENCODER_OPTIONS[image_format])
    return out.getvalue()
