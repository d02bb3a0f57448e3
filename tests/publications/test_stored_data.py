"""Issue 11, item 6: a control character or an absurd date is refused where data enters
(forms, services, imports), and what is already stored cannot break the feed, the year
filter or an export."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from publications.models import Publication
from publications.services import publication_create
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_the_service_refuses_a_title_with_a_vertical_tab(branch_a):
    with pytest.raises(ValidationError) as caught:
        publication_create(
            title="Заголовок\x0bс табуляцией", channel="facebook", organisation=branch_a,
            published_at=dt.datetime(2024, 3, 1, 10, tzinfo=ALMATY),
        )
    assert "title" in caught.value.message_dict
    assert not Publication.objects.exists()


@pytest.mark.parametrize("year", [1, 1999, 9999])
def test_the_service_refuses_a_date_outside_2000_to_next_year(branch_a, year):
    with pytest.raises(ValidationError) as caught:
        publication_create(
            title="Дата", channel="facebook", organisation=branch_a,
            published_at=dt.datetime(year, 6, 1, 12, tzinfo=ALMATY),
        )
    assert "published_at" in caught.value.message_dict


def test_a_text_keeps_its_line_breaks_and_tabs(branch_a):
    publication = publication_create(
        title="Абзацы", text="Первый\n\tвторой", channel="facebook", organisation=branch_a,
        published_at=dt.datetime(2024, 3, 1, 10, tzinfo=ALMATY),
    )
    assert publication.text == "Первый\n\tвторой"


def test_a_stored_control_character_does_not_break_the_feed(client, branch_a):
    PublicationFactory(organisation=branch_a, title="Старый\x0bимпорт", text="Текст\x0c\x1b с мусором")
    response = client.get(reverse("publications:feed"))
    assert response.status_code == 200
    assert "Старыйимпорт" in response.content.decode()


def test_stored_rows_dated_0001_and_9999_do_not_fill_the_year_filter(client, branch_a):
    PublicationFactory(organisation=branch_a, published_at=dt.datetime(2024, 3, 1, tzinfo=ALMATY))
    Publication.objects.bulk_create(
        [
            Publication(title="Древность", channel="facebook", organisation=branch_a,
                        published_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC)),
            Publication(title="Будущее", channel="facebook", organisation=branch_a,
                        published_at=dt.datetime(9999, 12, 30, tzinfo=dt.UTC)),
        ]
    )
    response = client.get(reverse("publications:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="2024"' in body
    assert 'value="9999"' not in body and 'value="5000"' not in body and 'value="1"' not in body


def test_a_stored_control_character_does_not_break_the_xlsx_export(client, regional_staff, branch_a):
    PublicationFactory(organisation=branch_a, title="Старый\x0bимпорт")
    client.force_login(regional_staff)
    response = client.get(reverse("publications:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value == "Старыйимпорт"


def test_the_quick_entry_form_names_the_control_character(client, regional_staff, branch_a):
    from publications.forms import PublicationForm

    form = PublicationForm(
        data={"title": "Плохо\x1b", "channel": "facebook", "organisation": branch_a.pk,
              "published_at": "2024-03-01 10:00", "language": "ru"},
        user=regional_staff,
    )
    assert not form.is_valid()
    assert "title" in form.errors
