"""Test helpers for the one import mechanism: the admin's upload → preview → confirm, and
an import at once (what the page does after the confirm) for the rules of each file."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from unionportal import spreadsheets as sp


def admin_import(client, model: str, content: bytes, *, name: str = "file.csv", confirm: bool = True):
    """Upload `content` to the admin import of `model` ("app_label.model_name"), open the
    preview and (when `confirm` and the preview offers it) confirm; returns the last page."""
    app_label, model_name = model.split(".")
    response = client.post(
        reverse(f"admin:{app_label}_{model_name}_spreadsheet_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    status_url = response["Location"]
    page = client.get(status_url)
    if confirm and b'value="confirm"' in page.content:
        page = client.post(status_url, {"action": "confirm"}, follow=True)
    return page


def import_now(importer: sp.Importer, content: bytes) -> dict[str, int]:
    """Import at once; the counts, or `ApplicationError` with `extra["rows"]` naming every bad row."""
    return sp.import_or_raise(importer, content).counts
