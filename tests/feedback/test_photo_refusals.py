"""Photos refused: other formats (named), unreadable files, too many pixels (before
decoding), too many files, too many bytes (413, sizes written in the asked language)."""

from io import BytesIO

import pytest
from django.utils import translation
from PIL import Image

from core.errors import PayloadTooLarge, status_for
from feedback.photos import MAX_PHOTOS, PhotoRefused, clean_photo, clean_photos

from .photo_files import (
    MB,
    corner_picture,
    encode,
    gradient,
    padded,
    png_header,
)


def _refusal(data: bytes, name: str) -> PhotoRefused:
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data, name)
    assert refused.value.parameter == "photos"
    return refused.value


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (encode(corner_picture(), "GIF"), "GIF"),
        (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "PDF"),
        (encode(corner_picture(), "TIFF"), "TIFF"),
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
        encode(corner_picture(), "JPEG")[:600],
        encode(corner_picture(), "PNG")[:120],
        b"\xff\xd8\xff" + b"\x00" * 200,
        b"",
    ],
    ids=["text", "truncated-jpeg", "truncated-png", "jpeg-signature-then-junk", "empty"],
)
def test_unreadable_files_are_refused(data):
    assert _refusal(data, "x.jpg").message == "'x.jpg' cannot be read as an image."


def test_truncated_jpeg_is_refused_even_though_its_header_reads():
    truncated = encode(gradient((640, 480)), "JPEG")[:-2000]
    assert Image.open(BytesIO(truncated)).size == (640, 480)
    assert _refusal(truncated, "cut.jpg").message == "'cut.jpg' cannot be read as an image."


@pytest.mark.parametrize(
    "size",
    [(50000, 50000), (8000, 6000)],
    ids=["past-pillow-own-limit", "past-ours-only"],
)
def test_too_many_pixels_are_refused_before_decoding(size):
    """The file holds no pixel data to speak of: decoding it would say 'cannot be read'."""
    refused = _refusal(png_header(*size), "bom.png")
    assert refused.message == "'bom.png' has more than 40 megapixels, the most a photo may have."


# --- how many, how big ---------------------------------------------------------------------


def test_up_to_five_photos_are_cleaned_in_order():
    files = [(f"{i}.png", encode(corner_picture((100 + i, 50)), "PNG")) for i in range(5)]
    photos = clean_photos(files)
    assert [photo.width for photo in photos] == [100, 101, 102, 103, 104]


def test_no_photos_is_fine():
    assert clean_photos([]) == []


def test_more_than_five_photos_are_refused():
    files = [(f"{i}.png", encode(corner_picture(), "PNG")) for i in range(MAX_PHOTOS + 1)]
    with pytest.raises(PhotoRefused) as refused:
        clean_photos(files)
    assert refused.value.message == "At most 5 photos can be attached to a report; 6 were sent."
    assert refused.value.parameter == "photos"


def test_a_file_over_max_bytes_is_refused_with_413():
    data = padded(encode(corner_picture(), "JPEG"), 3 * MB // 2)
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photo(data, "big.jpg", max_bytes=MB)
    assert refused.value.message == "'big.jpg' is 1.5 MB; a photo may be at most 1 MB."
    assert refused.value.parameter == "photos"
    assert status_for(refused.value) == 413


def test_one_byte_over_the_limit_does_not_read_as_the_limit():
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photo(padded(encode(corner_picture(), "JPEG"), MB + 1), "big.jpg", max_bytes=MB)
    assert refused.value.message == "'big.jpg' is 1.1 MB; a photo may be at most 1 MB."


def test_sizes_are_written_the_vietnamese_way_in_vietnamese():
    data = padded(encode(corner_picture(), "JPEG"), 3 * MB // 2)
    with translation.override("vi"), pytest.raises(PayloadTooLarge) as refused:
        clean_photo(data, "big.jpg", max_bytes=MB)
    assert "1,5 MB" in refused.value.message


def test_a_file_of_exactly_max_bytes_is_accepted():
    photo = clean_photo(padded(encode(corner_picture(), "JPEG"), MB), "den.jpg", max_bytes=MB)
    assert photo.content_type == "image/jpeg"


def test_max_bytes_defaults_to_the_setting(settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "FEEDBACK_PHOTO_MAX_BYTES": 2 * MB}
    data = padded(encode(corner_picture(), "JPEG"), 5 * MB // 2)
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photos([("big.jpg", data)])
    assert refused.value.message == "'big.jpg' is 2.5 MB; a photo may be at most 2 MB."


def test_max_bytes_is_10_mb_without_the_setting(settings):
    settings.COMMONMAP = {
        key: value for key, value in settings.COMMONMAP.items() if key != "FEEDBACK_PHOTO_MAX_BYTES"
    }
    assert clean_photo(padded(encode(corner_picture(), "JPEG"), 10 * MB), "ok.jpg").size > 0
    with pytest.raises(PayloadTooLarge) as refused:
        clean_photo(b"\xff\xd8\xff" + b"\x00" * 10 * MB, "big.jpg")
    assert refused.value.message == "'big.jpg' is 10.1 MB; a photo may be at most 10 MB."
