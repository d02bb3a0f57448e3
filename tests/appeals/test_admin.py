"""The staff side in the admin: logging, answering, who sees contact details, the lists."""

import datetime
import io
import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appeals.choices import Channel, Status
from appeals.models import Appeal
from tests.appeals.factories import AppealFactory, CannedReplyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:appeals_appeal_changelist"


def _change_url(appeal):
    return reverse("admin:appeals_appeal_change", args=[appeal.pk])


def _form_data(appeal, **overrides):
    data = {
        "received_at_0": timezone.localtime(appeal.received_at).strftime("%d.%m.%Y"),
        "received_at_1": timezone.localtime(appeal.received_at).strftime("%H:%M:%S"),
        "topic": appeal.topic,
        "question": appeal.question,
        "workplace": "",
        "workplace_text": appeal.workplace_text,
        "name": appeal.name,
        "phone": appeal.phone,
        "email": appeal.email,
        "status": appeal.status,
        "duplicate_of": "",
        "branch": appeal.branch_id or "",
        "assignee": appeal.assignee_id or "",
        "due_date": appeal.due_date.strftime("%d.%m.%Y"),
        "canned_reply": "",
        "answer": appeal.answer,
        "note": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_staff_log_a_whatsapp_appeal_with_the_day_it_came(client, regional_staff, branch_a):
    client.force_login(regional_staff)
    response = client.post(
        reverse("admin:appeals_appeal_add"),
        {
            "channel": Channel.WHATSAPP,
            "received_at_0": "03.03.2025",
            "received_at_1": "10:15:00",
            "language": "ru",
            "topic": "leave",
            "question": "Можно ли перенести отпуск?",
            "workplace": "",
            "workplace_text": "",
            "name": "Тест",
            "phone": "+7 000 000 0000",
            "email": "",
            "branch": branch_a.pk,
            "assignee": "",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WHATSAPP
    assert timezone.localtime(appeal.received_at).date() == datetime.date(2025, 3, 3)
    # 15 working days: 10 March (8 March observed) and 21, 24, 25 March (Nauryz) are skipped.
    assert appeal.due_date == datetime.date(2025, 3, 28)
    assert appeal.events.get().actor == regional_staff


def test_staff_answer_from_a_canned_reply_and_the_member_sees_it(client, regional_staff, django_capture_on_commit_callbacks):
    appeal = AppealFactory(language="ru")
    canned = CannedReplyFactory()
    client.force_login(regional_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change_url(appeal), _form_data(appeal, status=Status.ANSWERED, canned_reply=canned.pk, note="Проверено"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answer == canned.text_ru
    assert appeal.events.filter(kind="note", text="Проверено").exists()
    assert [m for m in mail.outbox if m.to == [appeal.email]]
    page = client.get(reverse("appeals:detail", kwargs={"code": appeal.tracking_code}))
    assert canned.text_ru in page.content.decode()


def test_the_admin_refuses_a_transition_the_workflow_forbids(client, regional_staff):
    appeal = AppealFactory()
    client.force_login(regional_staff)
    response = client.post(_change_url(appeal), _form_data(appeal, status=Status.CLOSED))
    assert response.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == Status.NEW


def test_the_admin_refuses_to_merge_an_original_into_its_own_duplicate(client, regional_staff):
    from appeals import services

    original = AppealFactory()
    copy = services.appeal_transition(appeal=AppealFactory(), actor=regional_staff, to_status=Status.DUPLICATE, duplicate_of=original)
    client.force_login(regional_staff)
    response = client.post(_change_url(original), _form_data(original, status=Status.DUPLICATE, duplicate_of=copy.pk))
    assert response.status_code == 200
    original.refresh_from_db()
    assert original.status == Status.NEW


@pytest.mark.parametrize("person", ["regional_staff", "chair", "editor_a"])
def test_contacts_are_shown_to_the_chair_regional_staff_and_the_editor_of_the_appeals_branch(client, request, person, branch_a):
    appeal = AppealFactory(branch=branch_a, phone="+7 000 111 2233", email="visible@example.invalid")
    client.force_login(request.getfixturevalue(person))
    page = client.get(_change_url(appeal)).content.decode()
    assert "visible@example.invalid" in page
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "+7 000 111 2233" in listing


def test_a_branch_editor_does_not_see_contacts_of_an_appeal_routed_to_a_primary_of_their_branch(client, editor_a, branch_a):
    from tests.branches.factories import PrimaryOrganisationFactory

    school = PrimaryOrganisationFactory(parent=branch_a)
    appeal = AppealFactory(branch=school, email="hidden@example.invalid")
    client.force_login(editor_a)
    response = client.get(_change_url(appeal))
    assert response.status_code == 200
    assert "hidden@example.invalid" not in response.content.decode()
    assert "hidden@example.invalid" not in client.get(reverse(CHANGELIST)).content.decode()


def test_a_branch_editor_cannot_change_contacts_they_cannot_see(client, editor_a, branch_a):
    from tests.branches.factories import PrimaryOrganisationFactory

    appeal = AppealFactory(branch=PrimaryOrganisationFactory(parent=branch_a), email="keep@example.invalid")
    client.force_login(editor_a)
    client.post(_change_url(appeal), _form_data(appeal, email="forged@example.invalid", branch=appeal.branch_id))
    appeal.refresh_from_db()
    assert appeal.email == "keep@example.invalid"


def test_overdue_appeals_stand_out_and_can_be_filtered(client, regional_staff):
    late = AppealFactory(due_date=timezone.localdate() - datetime.timedelta(days=3))
    fine = AppealFactory(due_date=timezone.localdate() + datetime.timedelta(days=10))
    client.force_login(regional_staff)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "appeal-overdue" in page
    filtered = client.get(reverse(CHANGELIST) + "?due=overdue")
    shown = {a.pk for a in filtered.context["cl"].result_list}
    assert shown == {late.pk} and fine.pk not in shown


def test_the_list_makes_the_same_number_of_queries_for_10_and_30_appeals(client, regional_staff, branch_a, django_assert_max_num_queries):
    client.force_login(regional_staff)
    AppealFactory.create_batch(10, branch=branch_a, assignee=regional_staff)
    client.get(reverse(CHANGELIST))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ten:
        client.get(reverse(CHANGELIST))
    AppealFactory.create_batch(20, branch=branch_a, assignee=regional_staff)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        client.get(reverse(CHANGELIST))


def test_regional_staff_export_a_persons_data_as_a_zip(client, regional_staff):
    appeal = AppealFactory(email="person@example.invalid")
    AppealFactory(email="person@example.invalid", phone="", question="Ещё вопрос", with_attachment=True)
    client.force_login(regional_staff)
    response = client.post(reverse(CHANGELIST), {"action": "export_personal_data", "_selected_action": [appeal.pk]})
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        document = json.loads(archive.read("personal-data.json"))
        assert len(document["appeals"]) == 2
        assert any(name.startswith("attachments/") for name in archive.namelist())


def test_regional_staff_erase_a_persons_data_after_confirming(client, regional_staff):
    appeal = AppealFactory(email="person@example.invalid")
    client.force_login(regional_staff)
    confirm = client.post(reverse(CHANGELIST), {"action": "erase_personal_data", "_selected_action": [appeal.pk]})
    assert confirm.status_code == 200
    appeal.refresh_from_db()
    assert appeal.email
    client.post(reverse(CHANGELIST), {"action": "erase_personal_data", "_selected_action": [appeal.pk], "confirm": "yes"})
    appeal.refresh_from_db()
    assert appeal.email == "" and appeal.anonymised_at


def test_a_branch_editor_has_no_export_or_erase_action(client, editor_a, branch_a):
    appeal = AppealFactory(branch=branch_a, email="person@example.invalid")
    client.force_login(editor_a)
    client.post(reverse(CHANGELIST), {"action": "erase_personal_data", "_selected_action": [appeal.pk], "confirm": "yes"})
    appeal.refresh_from_db()
    assert appeal.email == "person@example.invalid"


def test_the_attachment_is_served_only_to_who_may_see_personal_data(client, editor_a, editor_b, branch_a):
    appeal = AppealFactory(branch=branch_a, with_attachment=True)
    url = reverse("appeals:attachment", args=[appeal.pk])
    client.force_login(editor_a)
    response = client.get(url)
    assert response.status_code == 200 and b"%PDF" in b"".join(response.streaming_content)
    client.force_login(editor_b)
    assert client.get(url).status_code in (403, 404)


def test_an_attachment_missing_from_the_disk_is_a_404_not_a_500(client, regional_staff, branch_a):
    appeal = AppealFactory(branch=branch_a, with_attachment=True)
    appeal.attachment.storage.delete(appeal.attachment.name)
    client.force_login(regional_staff)
    assert client.get(reverse("appeals:attachment", args=[appeal.pk])).status_code == 404


def test_a_branch_editors_new_appeal_defaults_to_their_branch(client, editor_a, branch_a):
    client.force_login(editor_a)
    response = client.get(reverse("admin:appeals_appeal_add"))
    assert response.context["adminform"].form.initial["branch"] == branch_a.pk


def test_the_chair_cannot_make_faq_entries_or_erase(client, chair):
    appeal = AppealFactory(status=Status.ANSWERED, answer="Ответ", email="p@example.invalid")
    client.force_login(chair)
    client.post(reverse(CHANGELIST), {"action": "make_faq", "_selected_action": [appeal.pk]})
    client.post(reverse(CHANGELIST), {"action": "erase_personal_data", "_selected_action": [appeal.pk], "confirm": "yes"})
    from appeals.models import FaqEntry

    appeal.refresh_from_db()
    assert not FaqEntry.objects.exists() and appeal.email == "p@example.invalid"


def test_staff_cannot_delete_an_appeal(client, regional_staff):
    appeal = AppealFactory()
    client.force_login(regional_staff)
    response = client.post(reverse("admin:appeals_appeal_delete", args=[appeal.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_the_duplicate_picker_offers_only_appeals_the_editor_may_see(client, editor_a, branch_a, branch_b):
    own = AppealFactory(branch=branch_a)
    other = AppealFactory(branch=branch_b)
    client.force_login(editor_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "appeals", "model_name": "appeal", "field_name": "duplicate_of", "term": ""},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert own.pk in ids and other.pk not in ids


def test_a_branch_editor_does_not_see_a_draft_faq_made_from_another_branchs_appeal(client, editor_a, branch_a, branch_b):
    from appeals.models import FaqEntry
    from tests.appeals.factories import FaqEntryFactory

    theirs = FaqEntryFactory(is_published=False, question_ru="Черновик филиала Б", source_appeal=AppealFactory(branch=branch_b))
    ours = FaqEntryFactory(is_published=False, question_ru="Черновик филиала А", source_appeal=AppealFactory(branch=branch_a))
    FaqEntryFactory(is_published=True, question_ru="Опубликованный вопрос", source_appeal=AppealFactory(branch=branch_b))
    client.force_login(editor_a)
    page = client.get(reverse("admin:appeals_faqentry_changelist")).content.decode()
    assert "Черновик филиала А" in page
    assert "Опубликованный вопрос" in page
    assert "Черновик филиала Б" not in page
    assert client.get(reverse("admin:appeals_faqentry_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:appeals_faqentry_change", args=[ours.pk])).status_code == 200
    assert FaqEntry.objects.count() == 3


def test_the_lists_contact_flag_follows_the_personal_data_rule_for_every_role(request, branch_a, branch_b):
    from appeals import selectors
    from tests.branches.factories import PrimaryOrganisationFactory

    school = PrimaryOrganisationFactory(parent=branch_a)
    appeals = [AppealFactory(branch=branch_a), AppealFactory(branch=school), AppealFactory(branch=branch_b), AppealFactory(branch=None)]
    for role in ("superuser", "chair", "regional_staff", "editor_a", "editor_b", "member"):
        user = request.getfixturevalue(role)
        flags = dict(selectors.with_personal_data_flag(Appeal.objects.all(), user).values_list("pk", "personal_data_visible"))
        assert {a.pk: bool(flags[a.pk]) for a in appeals} == {a.pk: selectors.can_see_personal_data(user, a) for a in appeals}, role


def test_the_admin_keeps_no_request_between_requests(client, regional_staff):
    from django.contrib import admin as django_admin

    AppealFactory(email="kept@example.invalid")
    client.force_login(regional_staff)
    assert "kept@example.invalid" in client.get(reverse(CHANGELIST)).content.decode()
    assert not hasattr(django_admin.site._registry[Appeal], "_request")
