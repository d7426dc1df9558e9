"""Photo files for the photo tests, built here with Pillow's own encoders (or by hand where
Pillow will not write the thing, like an EXIF thumbnail, an IPTC block or a header claiming
50000x50000 pixels), each carrying values the checks can search the bytes for."""

import struct
import zlib
from io import BytesIO

from PIL import ExifTags, Image, ImageCms, ImageStat, PngImagePlugin

from feedback.photos import CleanPhoto

MB = 1024 * 1024
BLUE = (20, 60, 200)
RED = (220, 30, 30)
GREEN = (30, 200, 60)

# What a phone would leak, each a value we can search the bytes for.
MAKE, MODEL = "SnoopCam", "Tracker 9"
TAKEN = "2025:07:14 18:03:09"
MAKER_NOTE = b"SnoopCam serial 0042-7731"
# 10°46'36.123"N 106°42'5.25"E (Nhà thờ Đức Bà), as EXIF stores them: big-endian rationals.
GPS = {1: "N", 2: (10.0, 46.0, 36.123), 3: "E", 4: (106.0, 42.0, 5.25)}
GPS_SECONDS = struct.pack(">II", 36123, 1000)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    b'photoshop:City="Ho Chi Minh City" photoshop:Credit="Nguyen Van A"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
XMP_MARKER = b"http://ns.adobe.com/xap"
BYLINE = b"Nguyen Van A"


# --- building the uploads -------------------------------------------------------------------


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    """The image encoded with Pillow's own encoder and ``options``."""
    out = BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def corner_picture(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """Blue, with a red square in the top-left corner: shows which way it was turned."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, 100, 100))
    return image


def gradient(size: tuple[int, int]) -> Image.Image:
    """A smooth picture (red across, green down) whose mean colour survives resampling."""
    red = Image.linear_gradient("L").rotate(90).resize(size)
    green = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (red, green, Image.new("L", size, 128)))


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera, orientation, GPS, date and a maker note."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = TAKEN
    details[ExifTags.Base.MakerNote] = MAKER_NOTE
    return exif


def with_thumbnail(exif: bytes, thumbnail: bytes) -> bytes:
    """EXIF with an IFD1 thumbnail appended (Pillow writes IFD0 and its sub-IFDs only)."""
    tiff = bytearray(exif[len(b"Exif\x00\x00") :])
    assert tiff[:2] == b"MM"
    ifd0 = struct.unpack(">I", tiff[4:8])[0]
    entries = struct.unpack(">H", tiff[ifd0 : ifd0 + 2])[0]
    next_ifd = ifd0 + 2 + 12 * entries
    ifd1_at = len(tiff)
    thumbnail_at = ifd1_at + 2 + 2 * 12 + 4
    tiff[next_ifd : next_ifd + 4] = struct.pack(">I", ifd1_at)
    tiff += struct.pack(">H", 2)
    tiff += struct.pack(">HHII", 0x0201, 4, 1, thumbnail_at)  # JPEGInterchangeFormat
    tiff += struct.pack(">HHII", 0x0202, 4, 1, len(thumbnail))  # ...Length
    tiff += struct.pack(">I", 0)
    return b"Exif\x00\x00" + bytes(tiff) + thumbnail


def iptc_segment() -> bytes:
    """An APP13 "Photoshop 3.0" block holding an IPTC By-line, as Photoshop writes it."""
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(BYLINE)) + BYLINE
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    payload = b"Photoshop 3.0\x00" + resource + iptc
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def after_soi(jpeg: bytes, segment: bytes) -> bytes:
    """The JPEG with ``segment`` inserted right after its start marker."""
    return jpeg[:2] + segment + jpeg[2:]


def thumbnail() -> bytes:
    """A tiny green JPEG with a comment: the thumbnail of the uncropped original."""
    return encode(Image.new("RGB", (16, 8), GREEN), "JPEG", comment=b"thumb of the original")


def phone_jpeg(picture: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG as a phone might send it: EXIF with GPS, camera, date, maker note, thumbnail,
    plus an XMP packet, an IPTC block, a comment and an ICC profile."""
    exif = with_thumbnail(phone_exif(orientation).tobytes(), thumbnail())
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = encode(
        picture, "JPEG", quality=95, exif=exif, xmp=XMP, comment=b"shot by dan", icc_profile=srgb
    )
    return after_soi(jpeg, iptc_segment())


def png_with_text() -> bytes:
    """A PNG with text chunks (a location, an author, a Vietnamese comment) and EXIF."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "10.7769,106.7009")
    info.add_text("Author", "Nguyen Van A", zip=True)
    info.add_itxt("Comment", "gần nhà thờ Đức Bà", lang="vi", tkey="Ghi chú")
    return encode(corner_picture(), "PNG", pnginfo=info, exif=phone_exif().tobytes())


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims the size given, with one tiny IDAT behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def padded(data: bytes, size: int) -> bytes:
    """The image with zero bytes after its end, to an exact size (decoders ignore them)."""
    return data + b"\x00" * (size - len(data))


def read(photo: CleanPhoto) -> Image.Image:
    """The cleaned photo, opened again by Pillow."""
    return Image.open(BytesIO(photo.data))


def channel_means(image: Image.Image) -> list[float]:
    """The mean of each RGB channel (survives resampling, unlike single pixels)."""
    return ImageStat.Stat(image.convert("RGB")).mean
