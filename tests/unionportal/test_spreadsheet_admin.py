"""The admin's import: upload, preview (nothing saved), confirm, result; large files in a
task with progress; only the uploader sees their file; old uploads are purged."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from publications.models import Publication
from unionportal.models import SpreadsheetUpload, UploadStatus

pytestmark = pytest.mark.django_db

HEADER = "published_at,title,channel,organisation"
IMPORT_URL = "admin:publications_publication_spreadsheet_import"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff_client(regional_staff):
    client = Client()
    client.force_login(regional_staff)
    return client


def _upload(client, text: str, name="log.csv"):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, text.encode())}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_preview_shows_the_rows_and_saves_nothing_until_confirmed(staff_client, branch_a):
    response = _upload(staff_client, f"{HEADER}\n01.03.2024,Человек труда,facebook,Филиал А\n")
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    body = page.content.decode()
    assert "Человек труда" in body and "Confirm the import" in body
    assert not Publication.objects.exists()
    done = staff_client.post(response["Location"], {"action": "confirm"}, follow=True)
    assert "Imported." in done.content.decode()
    assert Publication.objects.get().organisation == branch_a


def test_a_file_with_bad_rows_lists_them_and_offers_no_confirm(staff_client, branch_a):
    response = _upload(staff_client, f"{HEADER}\n\n01.03.2024,Хорошо,facebook,branch-a\n2024-03-01,,myspace,nowhere\n")
    body = staff_client.get(response["Location"]).content.decode()
    assert "Row 4:" in body and "myspace" in body and "nowhere" in body
    assert "Confirm the import" not in body
    upload = SpreadsheetUpload.objects.get()
    assert staff_client.post(response["Location"], {"action": "confirm"}).status_code == 302
    assert not Publication.objects.exists()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and upload.content == b""


def test_confirming_twice_imports_once(staff_client, branch_a):
    response = _upload(staff_client, f"{HEADER}\n01.03.2024,Один раз,facebook,branch-a\n")
    staff_client.post(response["Location"], {"action": "confirm"})
    staff_client.post(response["Location"], {"action": "confirm"})
    assert Publication.objects.count() == 1


def test_a_large_file_is_checked_and_imported_by_a_task_with_progress(
    staff_client, branch_a, settings, django_capture_on_commit_callbacks
):
    settings.SPREADSHEET_BACKGROUND_ROWS = 2
    lines = "".join(f"01.03.2024,Пост {i},facebook,branch-a\n" for i in range(5))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(staff_client, HEADER + "\n" + lines)
    upload = SpreadsheetUpload.objects.get()
    assert upload.status == UploadStatus.CHECK_QUEUED
    waiting = staff_client.get(response["Location"]).content.decode()
    assert "<progress" in waiting and 'http-equiv="refresh"' in waiting
    for callback in queued:
        callback()  # the eager task: it takes the upload's id only
    assert "Confirm the import" in staff_client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(response["Location"], {"action": "confirm"})
    assert Publication.objects.count() == 5
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DONE and upload.report["counts"] == {"created": 5}


def test_another_person_cannot_see_or_confirm_my_upload(staff_client, branch_a, admin_user):
    response = _upload(staff_client, f"{HEADER}\n01.03.2024,Моё,facebook,branch-a\n")
    other = Client()
    other.force_login(admin_user)
    assert other.get(response["Location"]).status_code == 404
    assert other.post(response["Location"], {"action": "confirm"}).status_code == 404
    assert not Publication.objects.exists()


def test_the_chair_may_not_import(client, chair):
    client.force_login(chair)
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_a_branch_editor_imports_only_their_branch(client, editor_a, branch_a, branch_b):
    client.force_login(editor_a)
    response = _upload(client, f"{HEADER}\n01.03.2024,Свой,facebook,branch-a\n01.03.2024,Чужой,facebook,branch-b\n")
    body = client.get(response["Location"]).content.decode()
    assert "Row 3:" in body and "Confirm the import" not in body


def test_old_uploads_are_purged_by_the_daily_job(regional_staff):
    old = SpreadsheetUpload.objects.create(importer="publications", filename="a.csv", content=b"x", uploaded_by=regional_staff)
    SpreadsheetUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    fresh = SpreadsheetUpload.objects.create(importer="publications", filename="b.csv", content=b"x", uploaded_by=regional_staff)
    call_command("spreadsheets_purge")
    assert list(SpreadsheetUpload.objects.all()) == [fresh]


def test_a_large_file_is_still_checked_when_the_broker_is_down(staff_client, branch_a, settings, monkeypatch):
    from unionportal import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    settings.SPREADSHEET_BACKGROUND_ROWS = 1
    monkeypatch.setattr(tasks.spreadsheet_check, "delay_on_commit", broker_down)
    monkeypatch.setattr(tasks.spreadsheet_import, "delay_on_commit", broker_down)
    response = _upload(staff_client, f"{HEADER}\n01.03.2024,Раз,facebook,branch-a\n01.03.2024,Два,facebook,branch-a\n")
    assert "Confirm the import" in staff_client.get(response["Location"]).content.decode()
    staff_client.post(response["Location"], {"action": "confirm"})
    assert Publication.objects.count() == 2
