"""The workflow, ratings, personal data and figures, through the services with the database."""

import datetime
import io
import json
import zipfile
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from appeals import selectors, services
from appeals.choices import Channel, EventKind, Rating, Status, Topic
from appeals.models import Appeal, FaqEntry
from appeals.services import intake
from appeals.workdays import add_working_days
from tests.appeals.factories import AppealFactory
from unionportal.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_staff_logged_whatsapp_appeal_keeps_its_channel_and_date(regional_staff, branch_a):
    came = timezone.now() - datetime.timedelta(days=2)
    appeal = services.appeal_log(
        actor=regional_staff,
        channel=Channel.WHATSAPP,
        received_at=came,
        fields={"topic": Topic.LEAVE, "question": "Когда отпуск?", "phone": "+7 000 000 0000", "branch": branch_a},
    )
    assert appeal.channel == Channel.WHATSAPP and appeal.received_at == came
    assert appeal.due_date == add_working_days(timezone.localdate(came), 15)
    assert appeal.events.get().actor == regional_staff
    assert appeal.phone == "+70000000000"
    # The code is kept: it opens the member's status page like a web appeal's.
    assert selectors.appeal_by_code(appeal.tracking_code) == appeal


def test_the_due_date_follows_the_setting(settings):
    settings.APPEAL_DUE_WORKING_DAYS = 5
    appeal, _code = services.appeal_submit(topic="wages", question="?", consent=True, form_token="t1", language="ru", is_anonymous=True)
    assert appeal.due_date == add_working_days(timezone.localdate(), 5)


def test_the_workflow_goes_new_in_progress_answered_closed(regional_staff):
    appeal = AppealFactory()
    appeal = services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.IN_PROGRESS)
    appeal = services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Ответ")
    assert appeal.first_answered_at is not None
    appeal = services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.CLOSED)
    assert appeal.closed_at is not None
    kinds = list(appeal.events.values_list("kind", "to_status"))
    assert (EventKind.STATUS, Status.CLOSED) in kinds
    assert all(e.actor == regional_staff for e in appeal.events.filter(kind=EventKind.STATUS))


def test_it_refuses_to_close_a_new_appeal(regional_staff):
    with pytest.raises(ApplicationError):
        services.appeal_transition(appeal=AppealFactory(), actor=regional_staff, to_status=Status.CLOSED)


def test_it_refuses_an_answer_without_text(regional_staff):
    with pytest.raises(ApplicationError):
        services.appeal_transition(appeal=AppealFactory(), actor=regional_staff, to_status=Status.ANSWERED, answer="  ")


def test_a_duplicate_is_merged_into_the_original_never_into_another_duplicate(regional_staff):
    original = AppealFactory()
    first = services.appeal_transition(appeal=AppealFactory(), actor=regional_staff, to_status=Status.DUPLICATE, duplicate_of=original)
    second = services.appeal_transition(appeal=AppealFactory(), actor=regional_staff, to_status=Status.DUPLICATE, duplicate_of=first)
    assert second.duplicate_of == original
    with pytest.raises(ApplicationError):
        services.appeal_transition(appeal=AppealFactory(), actor=regional_staff, to_status=Status.DUPLICATE)


def test_the_answer_is_e_mailed_after_commit_in_the_members_language(regional_staff, django_capture_on_commit_callbacks):
    appeal = AppealFactory(language="kk", email="kk@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Жауап мәтіні")
    assert len(mail.outbox) == 1
    assert "Жауап мәтіні" in mail.outbox[0].body
    assert "жауап" in mail.outbox[0].subject.lower()
    assert appeal.tracking_code in mail.outbox[0].body
    appeal.refresh_from_db()
    assert appeal.answer_sent_at is not None


def test_no_answer_is_e_mailed_for_an_anonymous_appeal(regional_staff, django_capture_on_commit_callbacks):
    appeal = AppealFactory(is_anonymous=True, name="", phone="", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_transition(appeal=appeal, actor=regional_staff, to_status=Status.ANSWERED, answer="Ответ")
    assert mail.outbox == []


def test_routing_assigning_and_notes_leave_history_that_the_member_partly_sees(regional_staff, branch_b):
    appeal = AppealFactory()
    services.appeal_update(appeal=appeal, actor=regional_staff, branch=branch_b, assignee=regional_staff)
    services.appeal_add_note(appeal=appeal, actor=regional_staff, text="Позвонить директору")
    kinds = set(appeal.events.values_list("kind", flat=True))
    assert {EventKind.ROUTED, EventKind.ASSIGNED, EventKind.NOTE} <= kinds
    public = set(selectors.public_events(appeal).values_list("kind", flat=True))
    assert EventKind.ROUTED in public
    assert EventKind.NOTE not in public and EventKind.ASSIGNED not in public


def test_a_closed_appeal_is_rated_once():
    appeal = AppealFactory(status=Status.CLOSED)
    services.appeal_rate(appeal=appeal, rating=Rating.HELPFUL, comment="Спасибо")
    with pytest.raises(ApplicationError):
        services.appeal_rate(appeal=appeal, rating=Rating.NOT_HELPFUL)
    appeal.refresh_from_db()
    assert appeal.rating == Rating.HELPFUL


def test_an_open_appeal_cannot_be_rated():
    with pytest.raises(ApplicationError):
        services.appeal_rate(appeal=AppealFactory(), rating=Rating.HELPFUL)


def test_an_anonymised_appeal_takes_no_rating_or_comment():
    appeal = services.appeal_anonymise(appeal=AppealFactory(status=Status.CLOSED))
    with pytest.raises(ApplicationError):
        services.appeal_rate(appeal=appeal, rating=Rating.HELPFUL, comment="Иванова Мария, 8 700 123 45 67")
    appeal.refresh_from_db()
    assert appeal.rating == "" and appeal.rating_comment == ""


def test_anonymising_removes_personal_data_and_keeps_the_figures(regional_staff, branch_a):
    appeal = AppealFactory(branch=branch_a, status=Status.CLOSED, rating=Rating.HELPFUL, with_attachment=True)
    services.appeal_add_note(appeal=appeal, actor=regional_staff, text="Тест Тестов звонил")
    year = timezone.localdate(appeal.received_at).year
    before = selectors.yearly_figures(year=year)
    services.appeal_anonymise(appeal=appeal, reason="test")
    appeal.refresh_from_db()
    assert (appeal.name, appeal.phone, appeal.email, appeal.question, appeal.answer) == ("", "", "", "", "")
    assert not appeal.attachment
    assert not appeal.events.filter(text__icontains="Тестов").exists()
    assert selectors.yearly_figures(year=year) == before


def test_the_export_holds_every_appeal_of_the_person(regional_staff):
    first = AppealFactory(email="same@example.invalid", question="Первый вопрос")
    AppealFactory(email="SAME@example.invalid", question="Второй вопрос", phone="")
    AppealFactory(email="other@example.invalid", phone="+7 000 999 9999", question="Чужой вопрос")
    people = Appeal.objects.filter(services.person_appeals([first]))
    document = _export_json(services.person_export(appeals=people, actor=regional_staff))
    questions = {a["question"] for a in document["appeals"]}
    assert questions == {"Первый вопрос", "Второй вопрос"}


def _export_json(archive: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return json.loads(zf.read("personal-data.json"))


@pytest.mark.parametrize("typed", ["+7 701 555 1234", "87015551234", "+7 (701) 555-12-34", "701 555 12 34"])
def test_a_phone_is_stored_in_its_international_form_however_it_was_typed(regional_staff, typed):
    appeal = services.appeal_log(
        actor=regional_staff, channel=Channel.PHONE, received_at=timezone.now(),
        fields={"topic": Topic.LEAVE, "question": "?", "phone": typed},
    )
    assert appeal.phone == "+77015551234"


def test_a_malformed_phone_is_refused_naming_the_field_and_nothing_is_stored(regional_staff):
    with pytest.raises(ValidationError) as info:
        services.appeal_log(
            actor=regional_staff, channel=Channel.PHONE, received_at=timezone.now(),
            fields={"topic": Topic.LEAVE, "question": "?", "phone": "12-34"},
        )
    assert "phone" in info.value.message_dict
    assert not Appeal.objects.exists()


def test_a_received_date_in_the_future_is_refused(regional_staff):
    with pytest.raises(ValidationError) as info:
        services.appeal_log(
            actor=regional_staff, channel=Channel.PHONE, received_at=timezone.now() + datetime.timedelta(days=1),
            fields={"topic": Topic.LEAVE, "question": "?"},
        )
    assert "received_at" in info.value.message_dict
    assert not Appeal.objects.exists()


def test_erasure_and_export_find_the_persons_appeals_whatever_way_the_phone_was_typed(regional_staff):
    typed = ["+7 701 555 1234", "87015551234", "+7 (701) 555-12-34"]
    appeals = [
        services.appeal_log(
            actor=regional_staff, channel=Channel.WHATSAPP, received_at=timezone.now(),
            fields={"topic": Topic.LEAVE, "question": f"Вопрос {i}", "phone": phone},
        )
        for i, phone in enumerate(typed)
    ]
    AppealFactory(phone="+77015559999", email="", question="Чужой")
    people = Appeal.objects.filter(services.person_appeals([appeals[0]]))
    assert set(people) == set(appeals)


def test_the_export_is_a_zip_with_the_persons_attachments(regional_staff):
    first = AppealFactory(email="same@example.invalid", with_attachment=True)
    people = Appeal.objects.filter(services.person_appeals([first]))
    archive = services.person_export(appeals=people, actor=regional_staff)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        document = json.loads(zf.read("personal-data.json"))
        member = document["appeals"][0]["attachment"]
        assert member.startswith(f"attachments/{first.reference}-")
        assert zf.read(member).startswith(b"%PDF-")


def test_a_migration_normalises_the_phones_stored_before(regional_staff):
    import importlib

    migration = importlib.import_module("appeals.migrations.0004_appeal_phone_normalised")
    typed = AppealFactory(phone="8 (701) 555-12-34")
    junk = AppealFactory(phone="звонить вечером")
    from django.apps import apps

    migration.normalise(apps, None)
    typed.refresh_from_db()
    junk.refresh_from_db()
    assert typed.phone == "+77015551234"
    assert junk.phone == "звонить вечером"


def test_due_dates_count_working_days_across_independence_day():
    # 10 December 2025 is a Wednesday; 13-14 are a weekend, 16 December (Tuesday) a holiday.
    assert add_working_days(datetime.date(2025, 12, 10), 5) == datetime.date(2025, 12, 18)


def test_a_saturday_made_a_working_day_counts_and_the_day_off_it_bought_does_not():
    # 2024: Saturday 4 May was worked so that Wednesday 8 May was off (between 7 and 9 May).
    assert add_working_days(datetime.date(2024, 5, 3), 1) == datetime.date(2024, 5, 4)
    assert add_working_days(datetime.date(2024, 5, 6), 1) == datetime.date(2024, 5, 10)


def test_an_appeal_received_before_independence_day_is_due_after_it(regional_staff, settings):
    settings.APPEAL_DUE_WORKING_DAYS = 15
    came = datetime.datetime(2025, 12, 5, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))
    appeal = services.appeal_log(
        actor=regional_staff, channel=Channel.WHATSAPP, received_at=came, fields={"topic": Topic.LEAVE, "question": "?"}
    )
    # 15 working days from Friday 5 December 2025: three working weeks would end on Friday
    # the 26th, but Tuesday the 16th is skipped, so Monday the 29th; 15 calendar days, the 20th.
    assert appeal.due_date == datetime.date(2025, 12, 29)


def test_an_appeal_is_overdue_only_after_its_last_working_day(regional_staff):
    appeal = AppealFactory(status=Status.NEW, due_date=timezone.localdate())
    assert not appeal.is_overdue
    appeal.due_date = timezone.localdate() - datetime.timedelta(days=1)
    assert appeal.is_overdue


def test_a_bot_submits_with_its_own_channel_and_no_form_token():
    appeal, code = services.appeal_submit(
        topic="wages", question="?", consent=True, language="kk", is_anonymous=True, channel=Channel.TELEGRAM
    )
    assert appeal.channel == Channel.TELEGRAM and appeal.form_token is None
    assert selectors.appeal_by_code(code) == appeal


def test_a_reference_already_taken_is_drawn_again_and_the_appeal_stored(monkeypatch):
    taken = AppealFactory().reference
    drawn = iter([taken, "ZZZZ-2345"])
    monkeypatch.setattr(intake, "new_reference", lambda: next(drawn))
    appeal, _code = services.appeal_submit(topic="wages", question="?", consent=True, form_token="t", name="Т", email="a@example.invalid")
    assert appeal.reference == "ZZZZ-2345"
    assert Appeal.objects.count() == 2 and appeal.events.count() == 1


def test_an_appeal_with_a_large_file_and_a_taken_reference_is_stored_with_its_file(monkeypatch, settings, tmp_path):
    """A file over the memory limit arrives as a temporary file that the first save moves:
    the reference is checked free before the file is written, not retried after."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    taken = AppealFactory().reference
    drawn = iter([taken, "ZZZZ-2346"])
    monkeypatch.setattr(intake, "new_reference", lambda: next(drawn))
    upload = TemporaryUploadedFile("scan.pdf", "application/pdf", 0, None)
    upload.write(b"%PDF-1.4\n" + b"%" * (3 * 1024 * 1024) + b"\n%%EOF\n")
    upload.seek(0)
    try:
        appeal, _code = services.appeal_submit(topic="wages", question="?", consent=True, form_token="t2", name="Т", email="a@example.invalid", attachment=upload)
    finally:
        upload.close()  # as Django does at the end of a request: the storage moved the file
    appeal.refresh_from_db()
    assert appeal.reference == "ZZZZ-2346"
    with appeal.attachment.open("rb") as stored:
        assert stored.read(8) == b"%PDF-1.4"


def test_a_faq_draft_from_an_appeal_drops_the_contacts_and_the_name(regional_staff):
    appeal = AppealFactory(
        name="Айгерим Сапарова",
        question="Я, Айгерим Сапарова, тел. +7 701 123 45 67, mail a.s@mail.kz — сколько дней отпуска?",
        answer="Айгерим, 56 дней.",
        status=Status.ANSWERED,
    )
    entry = services.faq_from_appeal(appeal=appeal, actor=regional_staff)
    text = entry.question_ru + entry.answer_ru
    assert "Айгерим" not in text and "Сапарова" not in text
    assert "701" not in text and "mail.kz" not in text
    assert not entry.is_published and FaqEntry.objects.count() == 1


def test_yearly_figures_count_by_organisation_in_almaty_time(regional_org, branch_a):
    tz = timezone.get_default_timezone()
    late_on_new_years_eve = datetime.datetime(2023, 12, 31, 23, 30, tzinfo=tz)
    AppealFactory(branch=branch_a, received_at=late_on_new_years_eve, channel=Channel.WHATSAPP, topic=Topic.WAGES)
    AppealFactory(branch=None, received_at=datetime.datetime(2023, 5, 1, 12, tzinfo=tz), channel=Channel.PHONE)
    AppealFactory(branch=None, received_at=datetime.datetime(2024, 1, 1, 0, 30, tzinfo=tz))
    received = datetime.datetime(2023, 3, 1, 10, tzinfo=tz)
    AppealFactory(
        branch=branch_a, received_at=received, status=Status.CLOSED, first_answered_at=received + datetime.timedelta(hours=10),
        rating=Rating.HELPFUL,
    )
    AppealFactory(
        branch=branch_a, received_at=received, status=Status.CLOSED, first_answered_at=received + datetime.timedelta(hours=30),
        rating=Rating.NOT_HELPFUL,
    )
    figures = {(f.organisation_id, f.metric, f.dimension): f.value for f in selectors.yearly_figures(year=2023)}
    assert figures[(branch_a.pk, "appeals", "total")] == 3
    assert figures[(branch_a.pk, "appeals", "channel:whatsapp")] == 1
    assert figures[(branch_a.pk, "appeals", "status:closed")] == 2
    assert figures[(regional_org.pk, "appeals", "total")] == 1
    assert figures[(regional_org.pk, "appeals", "channel:phone")] == 1
    assert figures[(branch_a.pk, "appeals_median_hours", "total")] == 20
    assert figures[(branch_a.pk, "appeals_satisfaction_pct", "total")] == 50


def test_a_staff_edit_routes_answers_and_notes_in_one_save(regional_staff, branch_a):
    appeal = AppealFactory()
    appeal = services.appeal_staff_edit(
        appeal=appeal, actor=regional_staff, changes={"branch": branch_a}, to_status=Status.ANSWERED, answer="Ответ", note="Позвонить"
    )
    assert appeal.branch == branch_a and appeal.status == Status.ANSWERED and appeal.answer == "Ответ"
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert {EventKind.ROUTED, EventKind.STATUS, EventKind.ANSWERED, EventKind.NOTE} <= set(kinds)


def test_a_staff_edit_without_a_status_change_keeps_the_status(regional_staff):
    appeal = services.appeal_staff_edit(appeal=AppealFactory(), actor=regional_staff, changes={}, note="Только заметка")
    assert appeal.status == Status.NEW
    assert appeal.events.filter(kind=EventKind.NOTE, text="Только заметка").exists()


def test_a_racing_duplicate_leaves_no_attachment_on_disk():
    import os
    import uuid

    from django.core.files.base import ContentFile
    from django.db import IntegrityError, transaction

    first = AppealFactory(form_token="token-of-a-double-click")
    stem = f"race-{uuid.uuid4().hex}"
    fields = {
        "channel": Channel.WEB,
        "received_at": timezone.now(),
        "language": "ru",
        "topic": Topic.WAGES,
        "question": "Вопрос",
        "form_token": first.form_token,
        "attachment": ContentFile(b"%PDF-1.4 test", name=f"{stem}.pdf"),
    }
    # What the second of two simultaneous requests meets after the first one committed.
    with pytest.raises(IntegrityError), transaction.atomic():
        intake._create(fields=fields)
    location = Appeal._meta.get_field("attachment").storage.location
    stored = [name for _root, _dirs, files in os.walk(location) for name in files]
    assert not [name for name in stored if name.startswith(stem)]
