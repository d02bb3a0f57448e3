"""The shared upload checks: images by content, pixel and size limits, EXIF removed, PDFs."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from tests.pdfs import minimal_pdf
from unionportal.uploads import (
    ImageUploadValidator,
    make_thumbnail,
    validate_image_upload,
    validate_pdf_upload,
)


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English; the root catalog translates them to ru/kk.
    with translation.override("en"):
        yield


def image_bytes(fmt="JPEG", size=(64, 48), exif=None, color=(200, 30, 30)):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x0110] = "Model-42"  # Model
    exif[0x8825] = {1: "N", 2: (49.0, 48.0, 0.0)}  # GPSInfo
    return exif


def test_it_accepts_a_real_jpeg_and_gives_it_a_safe_name():
    upload = SimpleUploadedFile("../../etc/Фото профсоюза.jpg", image_bytes(), content_type="image/jpeg")
    clean = validate_image_upload(upload)
    assert clean.format == "JPEG"
    assert (clean.width, clean.height) == (64, 48)
    assert clean.file.name.endswith(".jpg")
    assert "/" not in clean.file.name and ".." not in clean.file.name


@pytest.mark.parametrize("fmt,ext", [("PNG", ".png"), ("WEBP", ".webp")])
def test_it_accepts_png_and_webp_whatever_the_extension(fmt, ext):
    upload = SimpleUploadedFile("picture.jpg", image_bytes(fmt))
    clean = validate_image_upload(upload)
    assert clean.format == fmt
    assert clean.file.name.endswith(ext)


def test_it_refuses_a_text_file_renamed_jpg():
    upload = SimpleUploadedFile("photo.jpg", b"this is not an image at all\n" * 10, content_type="image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(upload)
    assert excinfo.value.code == "not_image"
    assert "JPEG, PNG or WebP" in str(excinfo.value.messages[0])


def test_it_refuses_a_gif_even_though_pillow_reads_it():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(SimpleUploadedFile("a.gif", out.getvalue()))
    assert excinfo.value.code == "not_image"


def test_it_refuses_a_decompression_bomb_before_decoding_it(settings):
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    # A tiny file that claims 4000x4000 pixels: one colour compresses to almost nothing.
    bomb = image_bytes("PNG", size=(4000, 4000), color=(0, 0, 0))
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(SimpleUploadedFile("bomb.png", bomb))
    assert excinfo.value.code in {"too_many_pixels", "bomb"}
    assert "limit" in str(excinfo.value.messages[0])


def test_it_turns_pillows_own_bomb_error_into_a_clear_message(settings, monkeypatch):
    settings.UPLOAD_MAX_PIXELS = 10**12  # our limit out of the way: Pillow's guard must still hold
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(SimpleUploadedFile("bomb.png", image_bytes("PNG", size=(200, 200))))
    assert excinfo.value.code == "bomb"


def test_it_refuses_an_oversized_file(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.jpg", image_bytes(size=(400, 400)) + b"\0" * 2000)
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(upload)
    assert excinfo.value.code == "too_large"
    assert "limit" in excinfo.value.messages[0]


def test_it_drops_exif_from_a_jpeg():
    original = image_bytes(exif=exif_with_gps())
    assert b"SecretCameraMaker" in original
    clean = validate_image_upload(SimpleUploadedFile("gps.jpg", original))
    data = clean.file.read()
    assert b"SecretCameraMaker" not in data
    reopened = Image.open(io.BytesIO(data))
    assert dict(reopened.getexif()) == {}


def test_it_refuses_a_truncated_jpeg():
    data = image_bytes(size=(300, 300))
    with pytest.raises(ValidationError) as excinfo:
        validate_image_upload(SimpleUploadedFile("cut.jpg", data[: len(data) // 3]))
    assert excinfo.value.code == "broken"


def test_it_makes_a_thumbnail_within_the_box():
    thumb = make_thumbnail(SimpleUploadedFile("wide.jpg", image_bytes(size=(1200, 600))), size=(300, 300))
    image = Image.open(io.BytesIO(thumb.read()))
    assert image.size == (300, 150)
    assert thumb.name.endswith(".jpg")


def test_it_accepts_a_pdf_and_refuses_anything_else():
    pdf = validate_pdf_upload(SimpleUploadedFile("clip.pdf", minimal_pdf()))
    assert pdf.name.endswith(".pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(SimpleUploadedFile("clip.pdf", b"<html>not a pdf</html>"))
    assert excinfo.value.code == "not_pdf"


def test_the_field_validator_works_in_a_form():
    class PhotoForm(forms.Form):
        photo = forms.FileField(validators=[ImageUploadValidator()])

    bad = PhotoForm(files={"photo": SimpleUploadedFile("x.jpg", b"nope" * 20)})
    assert not bad.is_valid()
    assert "JPEG, PNG or WebP" in bad.errors["photo"][0]
    good = PhotoForm(files={"photo": SimpleUploadedFile("x.jpg", image_bytes())})
    assert good.is_valid()
