"""Checks every uploaded image and PDF of the portal goes through.

An upload is judged by its content, never by its name or the browser's content type: an
image must open in Pillow as a real JPEG, PNG or WebP within the size and pixel limits of
the settings (`UPLOAD_MAX_BYTES`, `UPLOAD_MAX_PIXELS`); it is then re-encoded, which drops
EXIF (GPS positions, camera serials) and anything smuggled after the image data. A PDF
must start with `%PDF-`.

Use in a form or model field::

    image = models.ImageField(validators=[ImageUploadValidator()])   # checks only
    clean = validate_image_upload(form.cleaned_data["image"])           # checks + re-encodes

`validate_image_upload` returns a `CleanImage` whose `.file` is a `ContentFile` with a safe
name, ready to assign to an ImageField/FileField before saving.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow format name -> (extension of the stored file, MIME type)
ALLOWED_IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
PDF_MAGIC = b"%PDF-"

MESSAGES = {
    "not_image": _("The file is not a JPEG, PNG or WebP image."),
    "too_large": _("The file is too large: %(size)s, the limit is %(limit)s."),
    "too_many_pixels": _("The image is too large: %(pixels)s pixels, the limit is %(limit)s pixels."),
    "bomb": _("The image is too large to open safely (a decompression bomb?)."),
    "broken": _("The image is damaged and cannot be read."),
    "not_pdf": _("The file is not a PDF document."),
    "empty": _("The file is empty."),
}


@dataclass(frozen=True)
class CleanImage:
    """An image that passed the checks, re-encoded without metadata."""

    file: ContentFile
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return ALLOWED_IMAGE_FORMATS[self.format][1]


def _max_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def _max_pixels() -> int:
    return int(settings.UPLOAD_MAX_PIXELS)


def _read_all(file) -> bytes:
    """The whole upload as bytes, refusing early when it is over the size limit."""
    size = getattr(file, "size", None)
    if size is not None and size > _max_bytes():
        raise _too_large(size)
    if hasattr(file, "seek"):
        file.seek(0)
    # Read one byte past the limit so a file without a known size is caught too.
    data = file.read(_max_bytes() + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > _max_bytes():
        raise _too_large(len(data))
    if not data:
        raise ValidationError(MESSAGES["empty"], code="empty")
    return data


def _too_large(size: int) -> ValidationError:
    return ValidationError(
        MESSAGES["too_large"],
        code="too_large",
        params={"size": filesizeformat(size), "limit": filesizeformat(_max_bytes())},
    )


def _safe_name(original: str | None, extension: str) -> str:
    """A fresh name: nothing of the uploaded name reaches the disk but a tidy stem."""
    stem = os.path.splitext(os.path.basename(original or ""))[0]
    stem = "".join(c for c in stem if c.isascii() and (c.isalnum() or c in "-_"))[:40]
    token = uuid.uuid4().hex[:12]
    return f"{stem}-{token}.{extension}" if stem else f"{token}.{extension}"


def _open_checked(data: bytes) -> Image.Image:
    """Open and fully decode the image under the pixel limit, or raise ValidationError.

    `Image.open` reads only the header, so the pixel count is checked before any pixel is
    decoded. Pillow's own global `MAX_IMAGE_PIXELS` is left alone (changing it is not
    thread-safe); its DecompressionBombError still guards the far end.
    """
    limit = _max_pixels()
    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise ValidationError(MESSAGES["not_image"], code="not_image")
        width, height = image.size
        if width * height > limit:
            raise ValidationError(
                MESSAGES["too_many_pixels"],
                code="too_many_pixels",
                params={"pixels": width * height, "limit": limit},
            )
        image.load()
    except Image.DecompressionBombError as exc:
        raise ValidationError(MESSAGES["bomb"], code="bomb") from exc
    except UnidentifiedImageError as exc:
        raise ValidationError(MESSAGES["not_image"], code="not_image") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(MESSAGES["broken"], code="broken") from exc
    image.format = image_format  # transpose/convert lose it
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation before the EXIF goes, so photos stay upright."""
    image_format = image.format
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken orientation tag is not worth refusing the photo
        logger.info("Ignoring a broken EXIF orientation tag")
    image.format = image_format
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    """Re-encode without EXIF/ICC/text chunks; keep transparency where the format has it."""
    out = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def validate_image_upload(file) -> CleanImage:
    """Check an uploaded image by content and return it re-encoded without metadata.

    Raises `ValidationError` (translated, with a code: not_image, too_large,
    too_many_pixels, bomb, broken, empty) when the file is refused.
    """
    data = _read_all(file)
    image = _open_checked(data)
    image_format = image.format
    image = _upright(image)
    encoded = _encode(image, image_format)
    extension = ALLOWED_IMAGE_FORMATS[image_format][0]
    name = _safe_name(getattr(file, "name", None), extension)
    return CleanImage(
        file=ContentFile(encoded, name=name),
        format=image_format,
        width=image.width,
        height=image.height,
    )


def make_thumbnail(file, *, size: tuple[int, int] = (480, 480), name: str | None = None) -> ContentFile:
    """A JPEG (or PNG when the image has transparency) no larger than `size`.

    `file` is an upload, a stored FieldFile or a `CleanImage`; it is checked the same way.
    """
    if isinstance(file, CleanImage):
        file = file.file
    data = _read_all(file)
    image = _open_checked(data)
    image = _upright(image)
    image.thumbnail(size, Image.Resampling.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image_format = "PNG" if has_alpha else "JPEG"
    encoded = _encode(image, image_format)
    extension = ALLOWED_IMAGE_FORMATS[image_format][0]
    base = name or getattr(file, "name", None)
    stem = os.path.splitext(os.path.basename(base or ""))[0]
    return ContentFile(encoded, name=_safe_name(f"{stem}-thumb" if stem else "thumb", extension))


def validate_pdf_upload(file) -> ContentFile:
    """Check a PDF by its `%PDF-` header and size; returns it as a ContentFile with a safe name."""
    data = _read_all(file)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(MESSAGES["not_pdf"], code="not_pdf")
    return ContentFile(data, name=_safe_name(getattr(file, "name", None), "pdf"))


@deconstructible
class ImageUploadValidator:
    """Field validator for ModelForms and the admin: refuses what `validate_image_upload` would.

    It only checks; to store the re-encoded image call `validate_image_upload` in the service
    (or the form's clean) and assign its `.file`.
    """

    def __call__(self, value) -> None:
        # A FieldFile already stored (an edit without a new upload) was checked when it came in.
        if getattr(value, "_committed", False) and not hasattr(value, "content_type"):
            return
        validate_image_upload(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, ImageUploadValidator)


@deconstructible
class PdfUploadValidator:
    """Field validator for PDF uploads (clippings, attachments)."""

    def __call__(self, value) -> None:
        if getattr(value, "_committed", False) and not hasattr(value, "content_type"):
            return
        validate_pdf_upload(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, PdfUploadValidator)


validate_image_file = ImageUploadValidator()
validate_pdf_file = PdfUploadValidator()
