"""Issue 11, item 13 on the appeal form: a PDF with a script is refused, and an attachment
is handed to staff as a download the browser does not sniff."""

import io

import pytest
from django.urls import reverse

from appeals.models import Appeal
from tests import pdfs
from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db
URL = "/appeal/"


def _file(data: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def test_a_pdf_that_runs_javascript_on_opening_is_refused_with_a_message(client, appeal_data):
    response = client.post(URL, {**appeal_data(), "attachment": _file(pdfs.pdf_with_open_action_javascript(), "scan.pdf")})
    assert response.status_code == 200
    assert "активн" in response.content.decode()
    assert not Appeal.objects.exists()


def test_an_html_page_posing_as_a_pdf_is_refused(client, appeal_data):
    page = b"%PDF-1.4\n<html><body><script>fetch('/admin/')</script></body></html>"
    response = client.post(URL, {**appeal_data(), "attachment": _file(page, "scan.pdf")})
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_a_real_pdf_is_accepted(client, appeal_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client.post(URL, {**appeal_data(), "attachment": _file(pdfs.minimal_pdf(), "scan.pdf")})
    assert response.status_code == 302
    assert Appeal.objects.get().attachment.name.endswith(".pdf")


def test_the_attachment_is_a_download_that_is_not_sniffed(client, regional_staff, branch_a):
    appeal = AppealFactory(branch=branch_a, with_attachment=True)
    client.force_login(regional_staff)
    response = client.get(reverse("appeals:attachment", args=[appeal.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
