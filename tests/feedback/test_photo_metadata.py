"""Photos keep nothing identifying (EXIF, XMP, IPTC, comments, profiles, thumbnails, text
chunks) and stay the same picture, upright. Every check reads the result independently:
Pillow's ``getexif()`` and ``info``, and the raw bytes searched for the values put in."""

import hashlib
from io import BytesIO

import pytest
from PIL import ExifTags, Image

from feedback.photos import clean_photo

from .photo_files import (
    BLUE,
    BYLINE,
    GPS,
    GPS_SECONDS,
    MAKE,
    MAKER_NOTE,
    MODEL,
    RED,
    TAKEN,
    XMP,
    XMP_MARKER,
    channel_means,
    corner_picture,
    encode,
    gradient,
    phone_exif,
    phone_jpeg,
    png_with_text,
    read,
    thumbnail,
)

# --- nothing identifying survives --------------------------------------------------------------


def test_the_phone_jpeg_carries_everything_the_cleaning_must_remove():
    """The other tests' starting point really holds what they say is removed."""
    data = phone_jpeg(corner_picture())
    source = Image.open(BytesIO(data))
    exif = source.getexif()
    assert exif[ExifTags.Base.Make] == MAKE
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[2] == GPS[2]
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == TAKEN
    assert exif.get_ifd(ExifTags.IFD.IFD1)[0x0202] == len(thumbnail())
    assert {"exif", "xmp", "comment", "icc_profile", "photoshop"} <= set(source.info)
    for marker in (GPS_SECONDS, MAKER_NOTE, XMP_MARKER, BYLINE, thumbnail()):
        assert marker in data


def test_jpeg_keeps_no_exif_xmp_iptc_comment_profile_or_thumbnail():
    photo = clean_photo(phone_jpeg(corner_picture()), "den-duong.jpg")
    cleaned = read(photo)
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
        thumbnail(),
    ):
        assert marker not in photo.data, marker
    assert photo.data.count(b"\xff\xd8\xff") == 1  # one image: no embedded thumbnail


def test_png_keeps_no_text_chunks_or_exif():
    source = png_with_text()
    assert {"Location", "Author", "Comment", "exif"} <= set(Image.open(BytesIO(source)).info)
    photo = clean_photo(source, "ngap-nuoc.png")
    cleaned = read(photo)
    assert cleaned.format == "PNG"
    assert cleaned.info == {}
    assert dict(cleaned.getexif()) == {}
    for marker in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"Location", b"10.7769", GPS_SECONDS):
        assert marker not in photo.data, marker


def test_webp_keeps_no_exif_or_xmp():
    source = encode(corner_picture(), "WEBP", exif=phone_exif().tobytes(), xmp=XMP)
    assert {"exif", "xmp"} <= set(Image.open(BytesIO(source)).info)
    photo = clean_photo(source, "rac.webp")
    cleaned = read(photo)
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
    photo = clean_photo(phone_jpeg(corner_picture((400, 200)), orientation=6), "cot-dien.jpg")
    cleaned = read(photo).convert("RGB")
    assert (photo.width, photo.height) == cleaned.size == (200, 400)
    assert cleaned.getpixel((150, 50)) == pytest.approx(RED, abs=12)
    assert cleaned.getpixel((50, 50)) == pytest.approx(BLUE, abs=12)
    assert cleaned.getpixel((150, 350)) == pytest.approx(BLUE, abs=12)


def test_cleaned_photo_is_still_the_same_picture():
    source = gradient((640, 480))
    photo = clean_photo(encode(source, "JPEG", quality=95), "duong.jpg")
    assert read(photo).size == (640, 480)
    assert channel_means(read(photo)) == pytest.approx(channel_means(source), abs=2)


@pytest.mark.parametrize(
    ("size", "expected"),
    [((4000, 3000), (2560, 1920)), ((3000, 4000), (1920, 2560)), ((800, 600), (800, 600))],
)
def test_longest_side_is_brought_down_to_2560_and_small_photos_are_left_alone(size, expected):
    source = gradient(size)
    photo = clean_photo(encode(source, "JPEG", quality=90), "rong.jpg")
    assert (photo.width, photo.height) == read(photo).size == expected
    assert channel_means(read(photo)) == pytest.approx(channel_means(source), abs=2)


def test_type_comes_from_the_content_not_the_name():
    photo = clean_photo(encode(corner_picture(), "PNG"), "anh.jpg")
    assert photo.content_type == "image/png"
    assert read(photo).format == "PNG"


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
    source = corner_picture().convert(source_mode)
    photo = clean_photo(encode(source, image_format), "anh")
    assert photo.content_type == content_type
    assert read(photo).mode == cleaned_mode


def test_16_bit_grey_png_keeps_its_greys():
    source = Image.new("I;16", (64, 64), 30000)  # 30000 / 65535 of white: 117 in 8 bits
    cleaned = read(clean_photo(encode(source, "PNG"), "xam.png"))
    assert cleaned.mode == "L"
    assert cleaned.getpixel((10, 10)) == pytest.approx(117, abs=1)


def test_png_and_webp_keep_their_transparency():
    source = corner_picture().convert("RGBA")
    source.paste((0, 0, 0, 0), (200, 0, 400, 200))
    for image_format in ("PNG", "WEBP"):
        cleaned = read(clean_photo(encode(source, image_format, lossless=True), "trong"))
        assert cleaned.getpixel((300, 100))[3] == 0
        assert cleaned.getpixel((50, 50))[3] == 255


def test_palette_png_keeps_its_transparent_colour():
    source = corner_picture().convert("P")
    blue = source.getpixel((300, 100))
    cleaned = read(clean_photo(encode(source, "PNG", transparency=blue), "bang.png"))
    assert cleaned.mode == "RGBA"
    assert cleaned.getpixel((300, 100))[3] == 0
    assert cleaned.getpixel((50, 50)) == source.convert("RGBA").getpixel((50, 50))


def test_size_and_sha256_describe_the_cleaned_bytes():
    photo = clean_photo(phone_jpeg(corner_picture()), "den.jpg")
    assert photo.size == len(photo.data)
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()
