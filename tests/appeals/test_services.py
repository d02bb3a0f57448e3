"""The workflow, ratings, personal data and figures, through the services with the database."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from appeals import selectors, services
from appeals.choices import Channel, EventKind, Rating, Status, Topic
from appeals.models import Appeal, FaqEntry
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
    assert appeal.due_date == timezone.localdate(came) + datetime.timedelta(days=15)
    assert appeal.events.get().actor == regional_staff


def test_the_due_date_follows_the_setting(settings):
    settings.APPEAL_DUE_DAYS = 5
    appeal, _code = services.appeal_submit(topic="wages", question="?", consent=True, form_token="t1", language="ru", is_anonymous=True)
    assert appeal.due_date == timezone.localdate() + datetime.timedelta(days=5)


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
    document = json.loads(services.person_export(appeals=people, actor=regional_staff))
    questions = {a["question"] for a in document["appeals"]}
    assert questions == {"Первый вопрос", "Второй вопрос"}


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


def test_dashboard_counts_are_scoped_to_the_editors_branch(editor_a, branch_a, branch_b):
    AppealFactory(branch=branch_a)
    AppealFactory(branch=branch_b)
    AppealFactory(branch=branch_a, due_date=timezone.localdate() - datetime.timedelta(days=1))
    counts = selectors.appeal_counts(user=editor_a)
    assert counts["total"] == 2 and counts["overdue"] == 1


def test_branch_page_counts_include_the_branchs_primary_organisations(branch_a, branch_b):
    from tests.branches.factories import PrimaryOrganisationFactory

    AppealFactory(branch=branch_a)
    AppealFactory(branch=PrimaryOrganisationFactory(parent=branch_a))
    AppealFactory(branch=branch_b)
    assert selectors.appeal_counts(organisation=branch_a)["total"] == 2


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
        services._create(fields=fields)
    location = Appeal._meta.get_field("attachment").storage.location
    stored = [name for _root, _dirs, files in os.walk(location) for name in files]
    assert not [name for name in stored if name.startswith(stem)]
