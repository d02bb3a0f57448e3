"""The appeals registers the branches keep in Excel, imported whole: CSV and XLSX, every
error naming its true row, nothing written unless every row is right, and the imported
appeals counted in the figures exactly like typed ones."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appeals.choices import Channel, EventKind, Status
from appeals.imports import AppealImporter
from appeals.models import Appeal
from unionportal import spreadsheets as sp

pytestmark = pytest.mark.django_db

HEADER = "received_at;channel;topic;organisation;name;contact;question;status;answer;answered_at;language"


def _csv(*lines, header=HEADER, encoding="utf-8") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def _run(content, user, commit=True):
    return sp.run_import(AppealImporter(user=user), content, commit=commit)


def test_a_register_row_becomes_an_appeal_in_its_final_state_with_nobody_emailed(regional_staff, branch_a):
    report = _run(
        _csv(
            "01.03.2023 10:15;WhatsApp;Оплата труда;branch-a;Демо Участник;8 701 555 12 34;Почему не доплатили?;закрыто;Доплатят в марте.;03.03.2023 12:00;ru",
            "2023-03-02;phone;leave;Филиал А;;;Когда отпуск?;;;;kk",
        ),
        regional_staff,
    )
    assert report.ok, report.error_lines()
    assert report.counts == {"created": 2}
    closed = Appeal.objects.get(question="Почему не доплатили?")
    assert (closed.channel, closed.status, closed.branch, closed.phone) == (Channel.WHATSAPP, Status.CLOSED, branch_a, "+77015551234")
    assert closed.first_answered_at and closed.closed_at and closed.answer == "Доплатят в марте."
    history = list(closed.events.values_list("kind", flat=True))
    assert history == [EventKind.SUBMITTED, EventKind.STATUS, EventKind.ANSWERED]
    assert closed.events.first().created_at == closed.received_at
    new = Appeal.objects.get(question="Когда отпуск?")
    assert new.status == Status.NEW and new.is_anonymous and new.language == "kk"
    assert mail.outbox == []
    # Staff-logged and imported appeals have working codes like web ones.
    assert Appeal.objects.filter(code_hash="").count() == 0


def test_an_xlsx_register_imports_like_a_csv(regional_staff, branch_a):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата поступления", "Канал", "Тема", "Филиал", "ФИО", "Телефон", "Вопрос", "Статус", "Ответ", "Дата ответа"])
    sheet.append([datetime.datetime(2023, 5, 3, 9, 30), "WhatsApp", "wages", "branch-a", "Демо", 87015551234, "Вопрос?", "answered", "Ответ.", datetime.datetime(2023, 5, 4, 9, 30)])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _run(buffer.getvalue(), regional_staff)
    assert report.ok, report.error_lines()
    appeal = Appeal.objects.get()
    assert appeal.phone == "+77015551234" and appeal.status == Status.ANSWERED


def test_bad_rows_are_named_by_their_true_row_and_nothing_is_written(regional_staff, branch_a):
    content = _csv(
        "01.03.2023;WhatsApp;wages;branch-a;Демо;8 701 555 12 34;Хороший вопрос;;;;",
        "",
        "01.03.2023;pigeon;wages;branch-a;Демо;;Вопрос 2;;;;",
        "01.03.2023;phone;wages;branch-a;Демо;12-34;Вопрос 3;;;;",
        f"{(timezone.localdate() + datetime.timedelta(days=3)):%d.%m.%Y};phone;wages;branch-a;Демо;;Вопрос 4;;;;",
        "01.03.2023;WhatsApp;wages;branch-a;Демо;8 701 555 12 34;Хороший вопрос;;;;",
        "01.03.2023;phone;wages;nowhere;Демо;;Вопрос 7;answered;;;",
    )
    report = _run(content, regional_staff)
    assert not report.ok
    by_row = {issue.row: " ".join(issue.messages) for issue in report.errors}
    assert set(by_row) == {4, 5, 6, 7, 8}
    assert "pigeon" in by_row[4]
    assert "не номер телефона" in by_row[5] and "12-34" not in by_row[5]
    assert "в будущем" in by_row[6]
    assert "строке 2" in by_row[7]
    assert "nowhere" in by_row[8] and "ответ пуст" in by_row[8]
    assert not Appeal.objects.exists()


def test_a_register_imported_twice_is_refused_the_second_time(regional_staff, branch_a):
    content = _csv("01.03.2023 10:00;WhatsApp;wages;branch-a;Демо;;Вопрос;;;;")
    assert _run(content, regional_staff).ok
    again = _run(content, regional_staff)
    assert [issue.row for issue in again.errors] == [2]
    assert "уже есть" in again.error_lines()[0]
    assert Appeal.objects.count() == 1


def test_a_cp1251_register_is_read(regional_staff, branch_a):
    report = _run(_csv("01.03.2023;Телефонный звонок;Отпуск;Филиал А;Демо;;Когда отпуск?;;;;", encoding="cp1251"), regional_staff)
    assert report.ok, report.error_lines()
    assert Appeal.objects.get().question == "Когда отпуск?"


def test_the_preview_writes_nothing(regional_staff, branch_a):
    report = _run(_csv("01.03.2023;WhatsApp;wages;branch-a;Демо;;Вопрос;;;;"), regional_staff, commit=False)
    assert report.ok and report.preview and not Appeal.objects.exists()
    # The preview shows no member's name or contact.
    assert "Демо" not in str(report.preview)


def test_a_branch_editor_imports_for_their_branch_only(editor_a, branch_a, branch_b):
    report = _run(
        _csv("01.03.2023;WhatsApp;wages;;Демо;;Свой вопрос;;;;", "01.03.2023;WhatsApp;wages;branch-b;Демо;;Чужой;;;;"),
        editor_a,
    )
    assert [issue.row for issue in report.errors] == [3]
    report = _run(_csv("01.03.2023;WhatsApp;wages;;Демо;;Свой вопрос;;;;"), editor_a)
    assert report.ok and Appeal.objects.get().branch == branch_a


def test_1358_imported_appeals_give_a_rollup_of_1358(regional_staff, branch_a, branch_b):
    from reports.models import YearlyFigure
    from reports.services import rollup_year

    lines = []
    for i in range(1358):
        day = datetime.date(2023, 1, 1) + datetime.timedelta(days=i % 365)
        org = ("branch-a", "branch-b", "")[i % 3]
        channel = ("whatsapp", "instagram", "phone", "facebook")[i % 4]
        lines.append(f"{day:%d.%m.%Y} {8 + i % 9:02d}:{i % 60:02d};{channel};wages;{org};;;Вопрос номер {i};closed;Ответ;{day:%d.%m.%Y} 18:00;ru")
    report = _run(_csv(*lines), regional_staff)
    assert report.ok, report.error_lines()[:3]
    rollup_year(year=2023)
    total = sum(YearlyFigure.objects.filter(year=2023, metric="appeals", dimension="total").values_list("value", flat=True))
    assert total == 1358
    whatsapp = sum(YearlyFigure.objects.filter(year=2023, metric="appeals", dimension="channel:whatsapp").values_list("value", flat=True))
    assert whatsapp == 340


def test_the_changelist_links_to_the_import_and_the_import_page_opens(client, regional_staff):
    client.force_login(regional_staff)
    page = client.get(reverse("admin:appeals_appeal_changelist")).content.decode()
    url = reverse("admin:appeals_appeal_spreadsheet_import")
    assert url in page
    assert client.get(url).status_code == 200


def test_the_admin_import_previews_then_imports_on_confirmation(client, regional_staff, branch_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(regional_staff)
    upload = SimpleUploadedFile("register.csv", _csv("01.03.2023;WhatsApp;wages;branch-a;Демо;;Вопрос;;;;"), content_type="text/csv")
    response = client.post(reverse("admin:appeals_appeal_spreadsheet_import"), {"file": upload})
    assert response.status_code == 302
    status_url = response["Location"]
    assert not Appeal.objects.exists()
    client.post(status_url, {"action": "confirm"})
    assert Appeal.objects.count() == 1
