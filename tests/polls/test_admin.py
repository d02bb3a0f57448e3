"""Staff pages: a poll made in the admin with its questions, frozen once answered, closed,
its decision written; results, codes, marks; a branch editor kept to their branch."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from polls.choices import Access, Audience, QuestionKind
from polls.models import Invitation, Poll
from tests.polls.factories import answer, close, make_poll


def _add_data(organisation, units, **extra):
    now = timezone.localtime()
    opens, closes = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=7)
    data = {
        "organisation": organisation.pk,
        "slug": "new-poll",
        "title_ru": "Опрос о нагрузке",
        "title_kk": "Жүктеме туралы сауалнама",
        "intro_ru": "",
        "intro_kk": "",
        "audience": Audience.BRANCHES,
        "audience_organisations": [u.pk for u in units],
        "access": Access.INVITATION,
        "is_anonymous": "on",
        "opens_at_0": opens.strftime("%d.%m.%Y"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%d.%m.%Y"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "20",
        "questions-0-position": "0",
        "questions-0-kind": QuestionKind.SINGLE,
        "questions-0-is_required": "on",
        "questions-0-text_ru": "Ваша нагрузка выросла?",
        "questions-0-text_kk": "Жүктемеңіз өсті ме?",
        "questions-0-choices_ru": "Да\nНет",
        "questions-0-choices_kk": "Иә\nЖоқ",
        "questions-0-max_choices": "",
        "questions-0-max_length": "500",
        "questions-1-position": "1",
        "questions-1-kind": QuestionKind.TEXT,
        "questions-1-text_ru": "Комментарий",
        "questions-1-text_kk": "",
        "questions-1-choices_ru": "",
        "questions-1-choices_kk": "",
        "questions-1-max_choices": "",
        "questions-1-max_length": "300",
    }
    data.update(extra)
    return data


def test_staff_create_a_poll_with_its_questions_in_the_admin(client, regional_staff, regional_org, branch_a, branch_b):
    client.force_login(regional_staff)
    response = client.post(reverse("admin:polls_poll_add"), _add_data(regional_org, [branch_a, branch_b]))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    poll = Poll.objects.get(slug="new-poll")
    assert [q.kind for q in poll.questions.all()] == [QuestionKind.SINGLE, QuestionKind.TEXT]
    assert [c.label_kk for c in poll.questions.first().choices.all()] == ["Иә", "Жоқ"]
    assert set(poll.audience_organisations.all()) == {branch_a, branch_b}


def test_a_choice_question_without_answers_is_refused_in_the_admin(client, regional_staff, regional_org, branch_a):
    client.force_login(regional_staff)
    response = client.post(reverse("admin:polls_poll_add"), _add_data(regional_org, [branch_a], **{"questions-0-choices_ru": "Да"}))
    assert response.status_code == 200
    assert not Poll.objects.exists()


def test_a_branch_editor_cannot_ask_another_branch(client, editor_a, branch_a, branch_b):
    client.force_login(editor_a)
    response = client.post(reverse("admin:polls_poll_add"), _add_data(branch_a, [branch_a, branch_b]))
    assert response.status_code == 200
    assert not Poll.objects.exists()
    response = client.post(reverse("admin:polls_poll_add"), _add_data(branch_a, [branch_a]))
    assert response.status_code == 302
    assert Poll.objects.get().organisation == branch_a


def test_a_poll_with_answers_keeps_its_questions_in_the_admin(client, regional_staff, poll, branch_a):
    answer(poll, unit=branch_a)
    client.force_login(regional_staff)
    page = client.get(reverse("admin:polls_poll_change", args=[poll.pk]))
    assert page.status_code == 200
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission and not inline.has_delete_permission
    assert "audience" in page.context["adminform"].readonly_fields
    assert client.get(reverse("admin:polls_poll_delete", args=[poll.pk])).status_code == 403


def test_staff_close_a_poll_and_write_what_was_decided(client, regional_staff, invitation_poll, django_capture_on_commit_callbacks):
    from polls import services
    from polls.choices import InvitationChannel

    _inv, code = services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.EMAIL, email="t@example.invalid")
    answer(invitation_poll, code=code)
    client.force_login(regional_staff)
    outcome_url = reverse("admin:polls_poll_outcome", args=[invitation_poll.pk])
    early = client.post(outcome_url, {"outcome_ru": "Решили"})
    assert early.status_code == 200 and not Poll.objects.get().outcome_ru
    assert client.post(reverse("admin:polls_poll_close", args=[invitation_poll.pk]), {"confirm": "on"}).status_code == 302
    assert Poll.objects.get().is_closed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(outcome_url, {"outcome_ru": "Добились пересмотра нагрузки", "outcome_kk": ""})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["t@example.invalid"]]
    public = client.get(reverse("polls:results", args=[invitation_poll.slug])).content.decode()
    assert "Добились пересмотра нагрузки" in public


def test_staff_print_single_use_codes_shown_once(client, regional_staff, invitation_poll, branch_a):
    client.force_login(regional_staff)
    url = reverse("admin:polls_poll_codes", args=[invitation_poll.pk])
    response = client.post(url, {"count": "3", "unit": branch_a.pk, "batch": "педсовет"})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 3
    assert "no-store" in response["Cache-Control"]
    assert Invitation.objects.filter(unit=branch_a, batch="педсовет").count() == 3
    # Only hashes are kept.
    assert not Invitation.objects.filter(code_hash__in=[c.replace("-", "") for c in response.context["codes"]]).exists()


def test_staff_read_results_mark_a_text_and_download_them(client, regional_staff, poll, branch_a):
    answer(poll, unit=branch_a, text="Нужен методист")
    client.force_login(regional_staff)
    page = client.get(reverse("admin:polls_poll_results", args=[poll.pk]))
    assert "Нужен методист" in page.content.decode()
    text = page.context["texts"][0]
    client.post(reverse("admin:polls_poll_mark", args=[poll.pk, text.pk]), {"marked": "1"})
    text.refresh_from_db()
    assert text.is_marked and text.text == "Нужен методист"
    xlsx = client.get(reverse("admin:polls_poll_xlsx", args=[poll.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    docx = client.get(reverse("admin:polls_poll_docx", args=[poll.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    links = client.get(reverse("admin:polls_poll_links", args=[poll.pk])).content.decode()
    assert f"/polls/{poll.slug}/b/{branch_a.slug}/" in links


@pytest.mark.parametrize("name", ["results", "xlsx", "docx", "links", "codes", "close", "outcome"])
def test_a_branch_editor_cannot_open_another_branchs_poll_pages(client, editor_b, branch_a, name):
    poll = make_poll(organisation=branch_a, units=[branch_a], slug="a-only", access=Access.INVITATION)
    client.force_login(editor_b)
    assert client.get(reverse(f"admin:polls_poll_{name}", args=[poll.pk])).status_code == 404


def test_the_chair_reads_results_but_does_not_close(client, chair, poll):
    client.force_login(chair)
    assert client.get(reverse("admin:polls_poll_results", args=[poll.pk])).status_code == 200
    assert client.post(reverse("admin:polls_poll_close", args=[poll.pk]), {"confirm": "on"}).status_code == 403
    assert not Poll.objects.get().is_closed


def test_nobody_in_the_staff_roles_may_change_an_answer(regional_staff):
    from polls.models import Answer, Response

    for model in (Answer, Response):
        assert not regional_staff.has_perm(f"polls.change_{model._meta.model_name}")


def test_closing_a_closed_poll_says_so(client, regional_staff, poll):
    close(poll)
    client.force_login(regional_staff)
    response = client.post(reverse("admin:polls_poll_close", args=[poll.pk]), {"confirm": "on"}, follow=True)
    assert "уже был закрыт" in response.content.decode()


def test_a_closed_poll_cannot_be_reopened_by_moving_its_closing_date(client, regional_staff, poll):
    close(poll)
    client.force_login(regional_staff)
    page = client.get(reverse("admin:polls_poll_change", args=[poll.pk]))
    assert "closes_at" in page.context["adminform"].readonly_fields


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_staff_lists_take_the_same_queries_for_one_poll_or_many(client, regional_staff, regional_org, branch_a):
    from polls import services
    from polls.choices import InvitationChannel

    client.force_login(regional_staff)
    first = make_poll(organisation=regional_org, units=[branch_a], slug="p0", access=Access.INVITATION)
    services.invitation_issue(poll=first, channel=InvitationChannel.PRINTED, unit=branch_a)
    answer(first, unit=branch_a, code=services.invitation_issue(poll=first, channel=InvitationChannel.PRINTED)[1], text="Раз")
    urls = [reverse("admin:polls_poll_changelist"), reverse("admin:polls_invitation_changelist"), reverse("admin:polls_poll_results", args=[first.pk])]
    for url in urls:  # warm: the form's questions are kept in the process after the first read
        client.get(url)
    before = [_queries(client, url) for url in urls]
    for i in range(1, 5):
        poll = make_poll(organisation=regional_org, units=[branch_a], slug=f"p{i}", access=Access.INVITATION)
        services.invitation_issue(poll=poll, channel=InvitationChannel.PRINTED, unit=branch_a)
    for _i in range(4):
        answer(first, unit=branch_a, code=services.invitation_issue(poll=first, channel=InvitationChannel.PRINTED)[1], text="Ещё")
    assert [_queries(client, url) for url in urls] == before
