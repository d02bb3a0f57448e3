"""The member's pages: the form on one page or one question a screen, without JavaScript,
and every kind of bad input refused with a message, nothing counted twice, no 500."""

import re

import pytest
from django.urls import reverse

from polls import services
from polls.choices import InvitationChannel, QuestionKind
from polls.models import Response
from tests.polls.factories import close, make_poll


def _state(response):
    return re.search(r'name="state" value="([^"]+)"', response.content.decode()).group(1)


def _form_data(poll, response, *, choice=0, scale="4", text=""):
    data = {"state": _state(response)}
    for question in poll.questions.prefetch_related("choices"):
        if question.kind == QuestionKind.SINGLE:
            data[f"q{question.pk}"] = str(list(question.choices.all())[choice].pk)
        elif question.kind == QuestionKind.SCALE:
            data[f"q{question.pk}"] = scale
        elif text:
            data[f"q{question.pk}"] = text
    return data


def _answer(client, poll, url=None, **kwargs):
    url = url or reverse("polls:answer", args=[poll.slug])
    page = client.get(url)
    return client.post(url, _form_data(poll, page, **kwargs))


def test_a_short_poll_is_one_page_and_counts_the_branch_of_its_link(client, poll, branch_b):
    url = reverse("polls:unit", args=[poll.slug, branch_b.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('<fieldset class="poll-question') == 3
    response = client.post(url, _form_data(poll, page, text="Больше встреч"))
    assert response.status_code == 302 and response["Location"] == reverse("polls:thanks", args=[poll.slug])
    assert Response.objects.get().unit == branch_b
    counted = client.get(response["Location"])
    assert "Ваш ответ учтён" in counted.content.decode()


def test_a_poll_reads_in_kazakh_on_the_kazakh_site(client, poll):
    url = f"/kk/polls/{poll.slug}/"
    page = client.get(url)
    body = page.content.decode()
    assert "Пульс-сауалнама" in body and "Кәсіподақ комитетінің жұмысына" in body and "Иә болар" in body
    assert "Жауабымды жіберу" in body
    response = client.post(url, _form_data(poll, page))
    assert response.status_code == 302
    assert Response.objects.get().language == "kk"


def test_a_second_answer_from_the_same_browser_is_refused(client, poll):
    from django.test import Client

    _answer(client, poll)
    url = reverse("polls:answer", args=[poll.slug])
    assert client.get(url).status_code == 302  # to "counted"
    fresh_form = Client().get(url)  # a form served elsewhere, sent from this browser
    again = client.post(url, _form_data(poll, fresh_form), follow=True)
    assert "Вы уже ответили" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_double_submit_of_one_form_counts_once(client, poll):
    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url))
    client.post(url, data)
    client.cookies.clear()  # the second request left before the first one's cookie came back
    second = client.post(url, data, follow=True)
    assert "Ваш ответ уже учтён" in second.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_answer_the_database_refuses_is_not_called_counted(client, poll):
    """A choice deleted between the form and the answer: the member is asked to send it
    again, nothing is stored, and the browser is not marked as having answered. (Outside the
    test's transaction, as a request runs: the foreign key is checked as the answer commits.)"""
    from polls.models import Choice

    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url))
    single = poll.questions.get(kind=QuestionKind.SINGLE)
    Choice.objects.filter(pk=data[f"q{single.pk}"]).delete()  # staff, meanwhile
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Опрос изменили, пока вы отвечали, и ваш ответ не учтён" in response.content.decode()
    assert Response.objects.count() == 0
    assert not any(name.startswith("poll-") for name in response.cookies)


def test_a_forged_question_is_refused_with_a_message(client, poll):
    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url))
    data["q999999"] = "1"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "вопрос, которого нет" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_choice_not_offered_is_refused_at_its_question(client, poll):
    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url))
    single = poll.questions.get(kind=QuestionKind.SINGLE)
    data[f"q{single.pk}"] = "424242"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "не из предложенных" in response.content.decode()
    assert Response.objects.count() == 0


def test_an_over_long_text_is_refused_and_the_answers_are_kept(client, poll):
    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url), text="а" * 201)
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "200" in body and "а" * 201 in body  # the text comes back to be shortened
    assert Response.objects.count() == 0


def test_a_broken_or_missing_state_is_refused_without_counting(client, poll):
    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url))
    data["state"] = "garbage"
    assert client.post(url, data).status_code == 400
    del data["state"]
    assert client.post(url, data).status_code == 400
    assert Response.objects.count() == 0


def test_answers_to_a_closed_poll_are_refused(client, poll):
    url = reverse("polls:answer", args=[poll.slug])
    data = _form_data(poll, client.get(url))
    close(poll)
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Опрос закрыт" in response.content.decode()
    assert Response.objects.count() == 0


def test_a_link_of_a_branch_not_asked_is_not_found(client, poll, regional_org):
    from tests.branches.factories import OrganisationFactory

    other = OrganisationFactory(slug="elsewhere", parent=regional_org)
    assert client.get(reverse("polls:unit", args=[poll.slug, other.slug])).status_code == 404


def test_an_address_over_its_hourly_limit_is_refused(client, poll, settings):
    settings.POLL_RATE_LIMIT_PER_HOUR = 2
    for _i in range(2):
        _answer(client, poll)
        client.cookies.clear()
    response = _answer(client, poll)
    assert response.status_code == 429
    assert Response.objects.count() == 2


def test_an_invitation_link_carries_the_code_and_a_reused_code_is_refused(client, invitation_poll):
    _inv, code = services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.EMAIL, email="x@example.invalid")
    url = services.invitation_url(poll=invitation_poll, code=code).split("127.0.0.1:8000", 1)[-1]
    page = client.get(url)
    assert 'name="code"' not in page.content.decode()
    # The form is sent to the plain address: the code is in the signed state, not the URL.
    assert f'action="/polls/{invitation_poll.slug}/"' in page.content.decode()
    assert client.post(f"/polls/{invitation_poll.slug}/", _form_data(invitation_poll, page)).status_code == 302
    client.cookies.clear()
    again = _answer(client, invitation_poll, url=url)
    assert again.status_code == 409
    assert "уже использован" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_printed_code_is_typed_into_the_form(client, invitation_poll):
    code = services.invitations_issue_printed(poll=invitation_poll, count=1)[0]
    url = reverse("polls:answer", args=[invitation_poll.slug])
    page = client.get(url)
    assert 'name="code"' in page.content.decode()
    data = _form_data(invitation_poll, page)
    missing = client.post(url, data)
    assert missing.status_code == 400
    data["code"] = "WRONG-CODE2"
    wrong = client.post(url, data)
    assert wrong.status_code == 400 and "недействителен" in wrong.content.decode()
    data["state"] = _state(wrong)
    data["code"] = code
    assert client.post(url, data).status_code == 302
    assert Response.objects.count() == 1


@pytest.fixture
def survey(regional_org, branch_a):
    questions = [{"kind": QuestionKind.SCALE, "text_ru": f"Вопрос {i}"} for i in range(1, 7)]
    return make_poll(organisation=regional_org, units=[branch_a], slug="survey", questions=questions)


def test_a_long_survey_asks_one_question_a_screen_and_goes_back(client, survey):
    url = reverse("polls:answer", args=[survey.slug])
    questions = list(survey.questions.all())
    page = client.get(url)
    assert "Вопрос 1 из 6" in page.content.decode()
    assert page.content.decode().count('<fieldset class="poll-question') == 1
    page = client.post(url, {"state": _state(page), "step": 0, f"q{questions[0].pk}": "5"})
    assert "Вопрос 2 из 6" in page.content.decode()
    # A screen left empty is refused there.
    refused = client.post(url, {"state": _state(page), "step": 1})
    assert refused.status_code == 400 and "Вопрос 2 из 6" in refused.content.decode()
    back = client.post(url, {"state": _state(refused), "step": 1, "nav": "back"})
    assert "Вопрос 1 из 6" in back.content.decode()
    assert 'value="5" checked' in back.content.decode()  # the first answer is kept
    page = back
    for step, question in enumerate(questions):
        page = client.post(url, {"state": _state(page), "step": step, f"q{question.pk}": str(step % 5 + 1)})
    assert page.status_code == 302
    response = Response.objects.get()
    assert sorted(response.answers.values_list("scale", flat=True)) == [1, 1, 2, 3, 4, 5]


def test_a_step_cannot_smuggle_a_question_of_another_poll(client, survey, poll):
    url = reverse("polls:answer", args=[survey.slug])
    page = client.get(url)
    foreign = poll.questions.first()
    response = client.post(url, {"state": _state(page), "step": 0, f"q{survey.questions.first().pk}": "3", f"q{foreign.pk}": "1"})
    assert response.status_code == 400


def test_results_are_hidden_until_the_poll_closes(client, poll, branch_a):
    for _i in range(6):
        _answer(client, poll, url=reverse("polls:unit", args=[poll.slug, branch_a.slug]))
        client.cookies.clear()
    page = client.get(reverse("polls:results", args=[poll.slug]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "будут опубликованы" in body and 'data-fact="answered"' not in body
    close(poll)
    body = client.get(reverse("polls:results", args=[poll.slug])).content.decode()
    assert re.search(r'data-fact="answered">6<', body)
    assert "Открытый опрос" in body  # the method of counting is stated


def test_the_list_shows_open_polls_and_closed_ones_with_results(client, poll, regional_org, branch_a):
    closed = close(make_poll(organisation=regional_org, units=[branch_a], slug="old", title_ru="Прошлый опрос"))
    body = client.get(reverse("polls:list")).content.decode()
    assert reverse("polls:answer", args=[poll.slug]) in body
    assert reverse("polls:results", args=[closed.slug]) in body


def test_the_qr_code_of_a_branch_link_is_an_svg(client, poll, branch_a):
    response = client.get(reverse("polls:unit_qr", args=[poll.slug, branch_a.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_an_expired_form_is_refused_and_the_new_one_keeps_the_branch(client, poll, branch_b):
    import time as time_module
    from unittest import mock

    url = reverse("polls:unit", args=[poll.slug, branch_b.slug])
    page = client.get(url)
    data = _form_data(poll, page)
    later = time_module.time() + 2 * 24 * 3600
    with mock.patch("time.time", return_value=later):
        refused = client.post(f"/polls/{poll.slug}/", data)
    assert refused.status_code == 400 and "устарела" in refused.content.decode()
    assert Response.objects.count() == 0
    data["state"] = _state(refused)
    assert client.post(f"/polls/{poll.slug}/", data).status_code == 302
    assert Response.objects.get().unit == branch_b
