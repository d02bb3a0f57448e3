"""Issue 11, item 13: a PDF is parsed, active content refused, and every upload served so
that the browser never renders it as a page of the portal."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from tests import pdfs
from tests.unionportal.test_uploads import image_bytes
from unionportal.uploads import serve_media, upload_response, validate_image_upload, validate_pdf_upload


def _code(data: bytes) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(SimpleUploadedFile("clip.pdf", data))
    return excinfo.value.code


def test_a_real_pdf_passes():
    assert validate_pdf_upload(SimpleUploadedFile("clip.pdf", pdfs.minimal_pdf())).name.endswith(".pdf")


def test_a_pdf_that_opens_at_its_first_page_passes():
    validate_pdf_upload(SimpleUploadedFile("clip.pdf", pdfs.pdf_with_open_action_to_the_first_page()))


@pytest.mark.parametrize(
    "make",
    [
        pdfs.pdf_with_open_action_javascript,
        pdfs.pdf_with_names_javascript,
        pdfs.pdf_with_page_additional_action,
        pdfs.pdf_with_embedded_file,
        pdfs.pdf_with_xfa,
        pdfs.obfuscated_javascript_pdf,
    ],
    ids=lambda f: f.__name__,
)
def test_a_pdf_with_active_content_is_refused(make):
    assert _code(make()) == "pdf_active"


def test_an_encrypted_pdf_is_refused():
    assert _code(pdfs.encrypted_pdf()) == "pdf_encrypted"


def test_an_html_page_that_starts_with_the_pdf_header_is_refused():
    assert _code(b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>") == "not_pdf"


def test_a_header_and_nothing_pdf_after_it_is_refused():
    assert _code(b"%PDF-1.4\n%test\n" + b"x" * 200) == "pdf_broken"


def test_a_pdf_that_is_cut_short_is_refused():
    assert _code(pdfs.minimal_pdf()[:120]) == "pdf_broken"


def _headers(response):
    return response["Content-Type"], response.get("Content-Disposition", ""), response["X-Content-Type-Options"]


def test_a_pdf_is_served_as_an_attachment_that_is_not_sniffed():
    content_type, disposition, nosniff = _headers(upload_response(ContentFile(pdfs.minimal_pdf(), name="clip.pdf")))
    assert content_type == "application/pdf"
    assert disposition.startswith("attachment")
    assert nosniff == "nosniff"


def test_a_file_of_another_kind_is_served_as_an_opaque_attachment():
    content_type, disposition, nosniff = _headers(upload_response(ContentFile(b"<html></html>", name="page.html")))
    assert content_type == "application/octet-stream"
    assert disposition.startswith("attachment")
    assert nosniff == "nosniff"


def test_a_checked_image_is_shown_inline_with_its_type():
    clean = validate_image_upload(SimpleUploadedFile("photo.jpg", image_bytes()))
    content_type, disposition, nosniff = _headers(upload_response(clean.file))
    assert content_type == "image/jpeg"
    assert not disposition.startswith("attachment")
    assert nosniff == "nosniff"


def test_media_on_the_development_server_carries_the_same_headers(settings, tmp_path, rf):
    # The route exists only with DEBUG (the test runner turns it off), so call the view.
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "media_reports").mkdir()
    (tmp_path / "media_reports" / "clip.pdf").write_bytes(pdfs.minimal_pdf())
    (tmp_path / "media_reports" / "photo.png").write_bytes(image_bytes("PNG"))
    request = rf.get("/media/")
    pdf = serve_media(request, "media_reports/clip.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    png = serve_media(request, "media_reports/photo.png")
    assert png["Content-Type"] == "image/png"
    assert not png.get("Content-Disposition", "").startswith("attachment")
    for bad in ("../settings.py", "/etc/passwd", "media_reports/missing.pdf", "media_reports/"):
        with pytest.raises(Http404):
            serve_media(request, bad)
