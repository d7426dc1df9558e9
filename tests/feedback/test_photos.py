"""Photos: vetted by content, nothing identifying survives, still the same picture, upright.

Every image is built here with Pillow's own encoders (or by hand where Pillow will not write
the thing, like an EXIF thumbnail, an IPTC block or a header claiming 50000x50000 pixels), and
every check reads the result independently: Pillow's ``getexif()`` and ``info``, and the raw
bytes searched for the values that were put in.
"""

import hashlib
import struct
import zlib
from io import BytesIO

import pytest
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, ImageStat, PngImagePlugin

from core.errors import PayloadTooLarge, status_for
from feedback.photos import (
    MAX_PHOTOS,
    CleanPhoto,
    PhotoRefused,
    clean_photo,
    clean_photos,
)

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


def _encode(image: Image.Image, image_format: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def _corner_picture(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """Blue, with a red square in the top-left corner: shows which way it was turned."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, 100, 100))
    return image


def _gradient(size: tuple[int, int]) -> Image.Image:
    """A smooth picture (red across, green down) whose mean colour survives resampling."""
    red = Image.linear_gradient("L").rotate(90).resize(size)
    green = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (red, green, Image.new("L", size, 128)))


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = TAKEN
    details[ExifTags.Base.MakerNote] = MAKER_NOTE
    return exif


def _with_thumbnail(exif: bytes, thumbnail: bytes) -> bytes:
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


def _iptc_segment() -> bytes:
    """An APP13 "Photoshop 3.0" block holding an IPTC By-line, as Photoshop writes it."""
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(BYLINE)) + BYLINE
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    payload = b"Photoshop 3.0\x00" + resource + iptc
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def _after_soi(jpeg: bytes, segment: bytes) -> bytes:
    return jpeg[:2] + segment + jpeg[2:]


def _thumbnail() -> bytes:
    return _encode(Image.new("RGB", (16, 8), GREEN), "JPEG", comment=b"thumb of the original")


def _phone_jpeg(picture: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG as a phone might send it: EXIF with GPS, camera, date, maker note, thumbnail,
    plus an XMP packet, an IPTC block, a comment and an ICC profile."""
    exif = _with_thumbnail(_exif(orientation).tobytes(), _thumbnail())
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = _encode(
        picture, "JPEG", quality=95, exif=exif, xmp=XMP, comment=b"shot by dan", icc_profile=srgb
    )
    return _after_soi(jpeg, _iptc_segment())


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "10.7769,106.7009")
    info.add_text("Author", "Nguyen Van A", zip=True)
    info.add_itxt("Comment", "gần nhà thờ Đức Bà", lang="vi", tkey="Ghi chú")
    return _encode(_corner_picture(), "PNG", pnginfo=info, exif=_exif().tobytes())


def _png_header(width: int, height: int) -> bytes:
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


def _padded(data: bytes, size: int) -> bytes:
    """The image with zero bytes after its end, to an exact size (decoders ignore them)."""
    return data + b"\x00" * (size - len(data))


def _refusal(data: bytes, name: str) -> PhotoRefused:
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data, name)
    assert refused.value.parameter == "photos"
    return refused.value


def _read(photo: CleanPhoto) -> Image.Image:
    return Image.open(BytesIO(photo.data))


def _channel_means(image: Image.Image) -> list[float]:
    return ImageStat.Stat(image.convert("RGB")).mean


# --- nothing identifying survives --------------------------------------------------------------


def test_the_phone_jpeg_carries_everything_the_cleaning_must_remove():
    """The other tests' starting point really holds what they say is removed."""
    data = _phone_jpeg(_corner_picture())
    source = Image.open(BytesIO(data))
    exif = source.getexif()
    assert exif[ExifTags.Base.Make] == MAKE
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[2] == GPS[2]
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == TAKEN
    assert exif.get_ifd(ExifTags.IFD.IFD1)[0x0202] == len(_thumbnail())
    assert {"exif", "xmp", "comment", "icc_profile", "photoshop"} <= set(source.info)
    for marker in (GPS_SECONDS, MAKER_NOTE, XMP_MARKER, BYLINE, _thumbnail()):
        assert marker in data


def test_jpeg_keeps_no_exif_xmp_iptc_comment_profile_or_thumbnail():
    photo = clean_photo(_phone_jpeg(_corner_picture()), "den-duong.jpg")
    cleaned = _read(photo)
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {}
    assert set(cleaned.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}
    for marker in (
        b"Exif\x00\x00",
        GPS_SECONDS,
        MAKE.encode(),
        MODEL.encode(),
        TAKEN.encode(),
        MAKER_NOTE,
        XMP_MARKER,
        b"Photoshop 3.0",
        BYLINE,
        b"shot by dan",
        b"ICC_PROFILE",
        _thumbnail(),
    ):
        assert marker not in photo.data, marker
    assert photo.data.count(b"\xff\xd8\xff") == 1  # one image: no embedded thumbnail


def test_png_keeps_no_text_chunks_or_exif():
    source = _png_with_text()
    assert {"Location", "Author", "Comment", "exif"} <= set(Image.open(BytesIO(source)).info)
    photo = clean_photo(source, "ngap-nuoc.png")
    cleaned = _read(photo)
    assert cleaned.format == "PNG"
    assert cleaned.info == {}
    assert dict(cleaned.getexif()) == {}
    for marker in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"Location", b"10.7769", GPS_SECONDS):
        assert marker not in photo.data, marker


def test_webp_keeps_no_exif_or_xmp():
    source = _encode(_corner_picture(), "WEBP", exif=_exif().tobytes(), xmp=XMP)
    assert {"exif", "xmp"} <= set(Image.open(BytesIO(source)).info)
    photo = clean_photo(source, "rac.webp")
    cleaned = _read(photo)
    assert cleaned.format == "WEBP"
    assert "exif" not in cleaned.info
    assert "xmp" not in cleaned.info
    assert dict(cleaned.getexif()) == {}
    for marker in (b"EXIF", b"XMP ", XMP_MARKER, MAKE.encode(), GPS_SECONDS):
        assert marker not in photo.data, marker


# --- still the same picture, upright ---------------------------------------------------------


def test_orientation_is_applied_so_the_photo_stays_upright():
    """Orientation 6: stored on its side, shown turned 90° clockwise. The cleaned photo has
    no tag left, so the turn must be in its pixels: portrait, red corner at the top right."""
    photo = clean_photo(_phone_jpeg(_corner_picture((400, 200)), orientation=6), "cot-dien.jpg")
    cleaned = _read(photo).convert("RGB")
    assert (photo.width, photo.height) == cleaned.size == (200, 400)
    assert cleaned.getpixel((150, 50)) == pytest.approx(RED, abs=12)
    assert cleaned.getpixel((50, 50)) == pytest.approx(BLUE, abs=12)
    assert cleaned.getpixel((150, 350)) == pytest.approx(BLUE, abs=12)


def test_cleaned_photo_is_still_the_same_picture():
    source = _gradient((640, 480))
    photo = clean_photo(_encode(source, "JPEG", quality=95), "duong.jpg")
    assert _read(photo).size == (640, 480)
    assert _channel_means(_read(photo)) == pytest.approx(_channel_means(source), abs=2)


@pytest.mark.parametrize(
    ("size", "expected"),
    [((4000, 3000), (2560, 1920)), ((3000, 4000), (1920, 2560)), ((800, 600), (800, 600))],
)
def test_longest_side_is_brought_down_to_2560_and_small_photos_are_left_alone(size, expected):
    source = _gradient(size)
    photo = clean_photo(_encode(source, "JPEG", quality=90), "rong.jpg")
    assert (photo.width, photo.height) == _read(photo).size == expected
    assert _channel_means(_read(photo)) == pytest.approx(_channel_means(source), abs=2)


def test_type_comes_from_the_content_not_the_name():
    photo = clean_photo(_encode(_corner_picture(), "PNG"), "anh.jpg")
    assert photo.content_type == "image/png"
    assert _read(photo).format == "PNG"


@pytest.mark.parametrize(
    ("image_format", "source_mode", "cleaned_mode", "content_type"),
    [
        ("JPEG", "CMYK", "RGB", "image/jpeg"),
        ("JPEG", "L", "L", "image/jpeg"),
        ("PNG", "P", "RGB", "image/png"),
        ("PNG", "LA", "RGBA", "image/png"),
    ],
)
def test_pixels_are_kept_in_a_mode_the_format_can_show(
    image_format, source_mode, cleaned_mode, content_type
):
    source = _corner_picture().convert(source_mode)
    photo = clean_photo(_encode(source, image_format), "anh")
    assert photo.content_type == content_type
    assert _read(photo).mode == cleaned_mode


def test_16_bit_grey_png_keeps_its_greys():
    source = Image.new("I;16", (64, 64), 30000)  # 30000 / 65535 of white: 117 in 8 bits
    cleaned = _read(clean_photo(_encode(source, "PNG"), "xam.png"))
    assert cleaned.mode == "L"
    assert cleaned.getpixel((10, 10)) == pytest.approx(117, abs=1)


def test_png_and_webp_keep_their_transparency():
    source = _corner_picture().convert("RGBA")
    source.paste((0, 0, 0, 0), (200, 0, 400, 200))
    for image_format in ("PNG", "WEBP"):
        cleaned = _read(clean_photo(_encode(source, image_format, lossless=True), "trong"))
        assert cleaned.getpixel((300, 100))[3] == 0
        assert cleaned.getpixel((50, 50))[3] == 255


def test_palette_png_keeps_its_transparent_colour():
    source = _corner_picture().convert("P")
    blue = source.getpixel((300, 100))
    cleaned = _read(clean_photo(_encode(source, "PNG", transparency=blue), "bang.png"))
    assert cleaned.mode == "RGBA"
    assert cleaned.getpixel((300, 100))[3] == 0
    assert cleaned.getpixel((50, 50)) == source.convert("RGBA").getpixel((50, 50))


def test_size_and_sha256_describe_the_cleaned_bytes():
    photo = clean_photo(_phone_jpeg(_corner_picture()), "den.jpg")
    assert photo.size == len(photo.data)
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (_encode(_corner_picture(), "GIF"), "GIF"),
        (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "PDF"),
        (_encode(_corner_picture(), "TIFF"), "TIFF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "HEIC"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64, "AVIF"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    ],
    ids=["gif", "pdf", "tiff", "heic", "avif", "svg"],
)
def test_other_formats_are_refused_naming_what_they_are(data, kind):
    refused = _refusal(data, "x.jpg")
    assert refused.message == (
        f"'x.jpg' is not a JPEG, PNG or WebP image (its content is in {kind} format)."
    )
    assert refused.code == "photo_refused"
    assert status_for(refused) == 400


@pytest.mark.parametrize(
    "data",
    [
        b"Den duong o hem 42 khong sang\n",
        _encode(_corner_picture(), "JPEG")[:600],
        _encode(_corner_picture(), "PNG")[:120],
        b"\xff\xd8\xff" + b"\x00" * 200,
        b"",
    ],
    ids=["text", "truncated-jpeg", "truncated-png", "jpeg-signature-then-junk", "empty"],
)
def test_unreadable_files_are_refused(data):
    assert _refusal(data, "x.jpg").message == "'x.jpg' cannot be read as an image."


def test_truncated_jpeg_is_refused_even_though_its_header_reads():
    truncated = _encode(_gradient((640, 480)), "JPEG")[:-2000]
    assert Image.open(BytesIO(truncated)).size == (640, 480)
    assert _refusal(truncated, "cut.jpg").message == "'cut.jpg' cannot be read as an image."


@pytest.mark.parametrize(
    "size",
    [(50000, 50000), (8000, 6000)],
    ids=["past-pillow-own-limit", "past-ours-only"],
)
def test_too_many_pixels_are_refused_before_decoding(size):
    """The file holds no pixel data to speak of: decoding it would say 'cannot be read'."""
    refused = _refusal(_png_header(*size), "bom.png")
    assert refused.message == "'bom.png' has more than 40 megapixels, the most a photo may have."


# --- how many, how big ---------------------------------------------------------------------


def test_up_to_five_photos_are_cleaned_in_order():
    files = [(f"{i}.png", _encode(_corner_picture((100 + i, 50)), "PNG")) for i in range(5)]
    photos = clean_photos(files)
    assert [photo.width for photo in photos] == [100, 101, 102, 103, 104]


def test_no_photos_is_fine():
    assert clean_photos([]) == []


def test_more_than_five_photos_are_refused():
    files = [(f"{i}.png", _encode(_corner_picture(), "PNG")) for i in range(MAX_PHOTOS + 1)]
    with pytest.raises(PhotoRefused) as refused:
        clean_photos(files)
    assert refused.value.message == "At most 5 photos can be attached to a report; 6 were sent."
    assert refused.value.parameter == "photos"


def test_a_file_over_max_bytes_is_refused_with_413():
    data = _padded(_encode(_corner_picture(), "JPEG"), 3 * MB // 2)
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photo(data, "big.jpg", max_bytes=MB)
    assert refused.value.message == "'big.jpg' is 1.5 MB; a photo may be at most 1 MB."
    assert refused.value.parameter == "photos"
    assert status_for(refused.value) == 413


def test_one_byte_over_the_limit_does_not_read_as_the_limit():
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photo(_padded(_encode(_corner_picture(), "JPEG"), MB + 1), "big.jpg", max_bytes=MB)
    assert refused.value.message == "'big.jpg' is 1.1 MB; a photo may be at most 1 MB."


def test_sizes_are_written_the_vietnamese_way_in_vietnamese():
    data = _padded(_encode(_corner_picture(), "JPEG"), 3 * MB // 2)
    with translation.override("vi"), pytest.raises(PayloadTooLarge) as refused:
        clean_photo(data, "big.jpg", max_bytes=MB)
    assert "1,5 MB" in refused.value.message


def test_a_file_of_exactly_max_bytes_is_accepted():
    photo = clean_photo(_padded(_encode(_corner_picture(), "JPEG"), MB), "den.jpg", max_bytes=MB)
    assert photo.content_type == "image/jpeg"


def test_max_bytes_defaults_to_the_setting(settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "FEEDBACK_PHOTO_MAX_BYTES": 2 * MB}
    data = _padded(_encode(_corner_picture(), "JPEG"), 5 * MB // 2)
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photos([("big.jpg", data)])
    assert refused.value.message == "'big.jpg' is 2.5 MB; a photo may be at most 2 MB."


def test_max_bytes_is_10_mb_without_the_setting(settings):
    settings.COMMONMAP = {
        key: value for key, value in settings.COMMONMAP.items() if key != "FEEDBACK_PHOTO_MAX_BYTES"
    }
    assert clean_photo(_padded(_encode(_corner_picture(), "JPEG"), 10 * MB), "ok.jpg").size > 0
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photo(b"\xff\xd8\xff" + b"\x00" * 10 * MB, "big.jpg")
    assert refused.value.message == "'big.jpg' is 10.1 MB; a photo may be at most 10 MB."
