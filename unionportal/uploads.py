"""Checks every uploaded image and PDF of the portal goes through.

An upload is judged by its content, never by its name or the browser's content type: an
image must open in Pillow as a real JPEG, PNG or WebP within the size and pixel limits of
the settings (`UPLOAD_MAX_BYTES`, `UPLOAD_MAX_PIXELS`); it is then re-encoded, which drops
EXIF (GPS positions, camera serials) and anything smuggled after the image data. A PDF
must start with `%PDF-`, open in pypdf without a password, and hold no active content
(JavaScript, actions run on opening or on an event, launched programs, embedded files,
rich media, XFA forms); see `validate_pdf_upload`.

Serving: `upload_response` is the one way a view hands a stored upload back. Every
answer carries `X-Content-Type-Options: nosniff`, and everything but the images this
module re-encoded is sent as `Content-Disposition: attachment`, so a file that passed
for a PDF can never be opened by the browser as a page of the portal. `serve_media` does
the same for MEDIA_URL on a development server; nginx's block in docs/deploy.md in
production.

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
from django.http import FileResponse, Http404
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
    "pdf_broken": _("The PDF document is damaged and cannot be read."),
    "pdf_encrypted": _("The PDF document is protected by a password; upload it without the protection."),
    "pdf_active": _("The PDF document contains scripts, embedded files or other active content; print it to a new PDF and upload that."),
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


# Keys whose presence means the document does something by itself when opened or used.
PDF_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/OpenAction", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
# Actions (the /S of an action dictionary) that run code, start programs or send data out.
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/RichMediaExecute", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition"}
)
# Objects by /Type or /Subtype that carry embedded files or media.
PDF_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/Filespec", "/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"})
# A document with more objects than this is refused rather than walked for ever.
PDF_MAX_OBJECTS = 200_000
# What browsers sniff for HTML in the first bytes; none of it belongs at the top of a PDF.
HTML_MARKERS = (b"<html", b"<!doctype", b"<script", b"<body", b"<head", b"<iframe", b"<svg", b"<?xml")
# pypdf's "/OpenAction" to a page (/GoTo or a destination array) is harmless; see _pdf_active_content.
_PDF_HARMLESS_OPEN_ACTIONS = frozenset({"/GoTo"})


def validate_pdf_upload(file) -> ContentFile:
    """Check a PDF by parsing it; returns it as a ContentFile with a safe name.

    Refused (ValidationError with a code): not starting with `%PDF-` or looking like HTML
    in its first kilobyte (not_pdf), not parseable or without pages (pdf_broken),
    encrypted (pdf_encrypted), holding active content (pdf_active; the key found is
    logged, nothing of the file's text).
    """
    data = _read_all(file)
    if not data.startswith(PDF_MAGIC) or any(marker in data[:1024].lower() for marker in HTML_MARKERS):
        raise ValidationError(MESSAGES["not_pdf"], code="not_pdf")
    reader = _pdf_reader(data)
    found = _pdf_active_content(reader)
    if found:
        logger.info("Refused a PDF upload with active content (%s)", found)
        raise ValidationError(MESSAGES["pdf_active"], code="pdf_active")
    return ContentFile(data, name=_safe_name(getattr(file, "name", None), "pdf"))


def _pdf_reader(data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(MESSAGES["pdf_encrypted"], code="pdf_encrypted")
        if len(reader.pages) == 0:
            raise ValidationError(MESSAGES["pdf_broken"], code="pdf_broken")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise ValidationError(MESSAGES["pdf_broken"], code="pdf_broken") from exc
    return reader


def _pdf_active_content(reader) -> str:
    """The first active-content marker reachable from the trailer, or "".

    Walks every object the document reaches (catalog, pages, annotations, names trees,
    forms, object streams alike: pypdf resolves them and decodes `#xx` escapes in names).
    """
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    try:
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                obj = obj.get_object()
            visited += 1
            if visited > PDF_MAX_OBJECTS:
                return "too many objects"
            if isinstance(obj, DictionaryObject):
                for key, value in obj.items():
                    if key == "/OpenAction":
                        target = value.get_object() if isinstance(value, IndirectObject) else value
                        # Opening at a page is fine; any other action on opening is not.
                        if isinstance(target, DictionaryObject) and target.get("/S") not in _PDF_HARMLESS_OPEN_ACTIONS:
                            return "/OpenAction"
                    elif key in PDF_ACTIVE_KEYS:
                        return str(key)
                    elif key == "/S" and value in PDF_ACTIVE_ACTIONS:
                        return str(value)
                    elif key in ("/Type", "/Subtype") and value in PDF_ACTIVE_TYPES:
                        return str(value)
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise ValidationError(MESSAGES["pdf_broken"], code="pdf_broken") from exc
    return ""


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


# Stored names this module gives the images it re-encoded; only these are shown inline.
INLINE_EXTENSIONS = {extension: mime for extension, mime in ALLOWED_IMAGE_FORMATS.values()} | {"jpeg": "image/jpeg"}


def upload_response(file, *, filename: str | None = None) -> FileResponse:
    """Answer with a stored upload (a FieldFile or an open binary file).

    Always `X-Content-Type-Options: nosniff`; inline only for a JPEG, PNG or WebP (which
    the portal re-encodes on upload), with the image type set from the stored name; every
    other file as `Content-Disposition: attachment`, so the browser saves it and never
    renders it as a page of the portal. Raises Http404 when the file is missing.
    """
    name = filename or os.path.basename(getattr(file, "name", "") or "") or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        handle = file.open("rb") if hasattr(file, "storage") else file
    except FileNotFoundError:
        raise Http404 from None
    inline_type = INLINE_EXTENSIONS.get(extension)
    if inline_type:
        response = FileResponse(handle, content_type=inline_type)
    else:
        response = FileResponse(handle, as_attachment=True, filename=name)
        if extension == "pdf":
            response["Content-Type"] = "application/pdf"
        elif not response.get("Content-Type", "").startswith(("application/", "text/csv")):
            response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_media(request, path: str):
    """MEDIA_URL on a development server (`DEBUG`): `upload_response` for any stored file.

    In production nginx serves /media/ with the same headers (docs/deploy.md)."""
    from django.core.files.storage import default_storage
    from django.utils._os import safe_join

    try:
        safe_join(settings.MEDIA_ROOT, path)
    except Exception:  # noqa: BLE001 - SuspiciousFileOperation and friends: not a file of ours
        raise Http404 from None
    if not path or path.endswith("/") or not default_storage.exists(path):
        raise Http404
    return upload_response(default_storage.open(path, "rb"), filename=os.path.basename(path))
