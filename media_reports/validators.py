"""The clipping of an article: a PDF or an image, checked by content with `unionportal.uploads`."""

from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible

from unionportal.uploads import PDF_MAGIC, validate_image_upload, validate_pdf_upload


def _head(file, length: int = 5) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    head = file.read(length)
    if hasattr(file, "seek"):
        file.seek(0)
    return head.encode() if isinstance(head, str) else head


def clean_clipping(file) -> ContentFile:
    """The clipping ready to store: a PDF as it came, an image re-encoded without EXIF.

    Raises `ValidationError` when it is neither (or is too large).
    """
    if _head(file) == PDF_MAGIC:
        return validate_pdf_upload(file)
    return validate_image_upload(file).file


@deconstructible
class ClippingValidator:
    """Field validator: refuses what `clean_clipping` would refuse."""

    def __call__(self, value) -> None:
        # A file already stored was checked when it came in.
        if getattr(value, "_committed", False) and not hasattr(value, "content_type"):
            return
        clean_clipping(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, ClippingValidator)


validate_clipping = ClippingValidator()
