"""Polls reach members through the bot and the weekly digest: a one-question poll as a
native Telegram poll counted once, a longer survey as a personal link that works once,
the open polls in the digest, and "you said, we did" to those who answered in Telegram."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from messaging import digest, services
from messaging.models import NativePoll
from polls import services as poll_services
from polls.choices import Access, QuestionKind
from polls.models import Answer, Response
from tests.messaging.conftest import deliver
from tests.messaging.factories import SubscriberFactory
from tests.polls.factories import close, make_poll
from tests.polls.test_views import _answer

pytestmark = pytest.mark.django_db

ONE_QUESTION = [
    {"kind": QuestionKind.SINGLE, "text_ru": "Нужен ли методический день?", "text_kk": "Әдістемелік күн керек пе?",
     "choices_ru": "Да\nНет", "choices_kk": "Иә\nЖоқ"},
]


@pytest.fixture
def pulse(regional_org, branch_a, branch_b):
    return make_poll(organisation=regional_org, units=[branch_a, branch_b], access=Access.INVITATION,
                     questions=ONE_QUESTION, slug="method-day")


@pytest.fixture
def survey(regional_org, branch_a):
    return make_poll(organisation=regional_org, units=[branch_a], access=Access.INVITATION, slug="survey")


def _sent_polls(fake, chat_id):
    return [s for s in fake.sent if s.chat_id == chat_id and s.method == "sendPoll"]


def test_a_one_question_poll_arrives_as_a_native_poll_and_its_answer_counts_once(fake_telegram, bot, pulse, branch_a, branch_b):
    kazakh = SubscriberFactory(branch=branch_a, language="kk")
    other = SubscriberFactory(branch=branch_b)
    elsewhere = SubscriberFactory(branch=None)  # a region member: this poll asks two branches only
    call_command("messaging_queue_content")
    deliver()
    [sent] = _sent_polls(fake_telegram, kazakh.chat_id)
    assert sent.text == "Әдістемелік күн керек пе?"  # in the member's language
    assert '"Иә"' in sent.params["options"] and sent.params["is_anonymous"] == "false"
    assert len(_sent_polls(fake_telegram, other.chat_id)) == 1
    assert fake_telegram.texts_to(elsewhere.chat_id) == []
    assert services.queue_polls() == 0  # the job running again invites nobody twice

    poll_id = NativePoll.objects.get(subscriber=kazakh).telegram_poll_id
    bot(fake_telegram.poll_answer(kazakh.chat_id, poll_id, [1]))
    assert "есептелді" in fake_telegram.last_to(kazakh.chat_id).text  # "your answer is counted", in Kazakh
    bot(fake_telegram.poll_answer(kazakh.chat_id, poll_id, []))  # retracted in Telegram: stays counted
    bot(fake_telegram.poll_answer(kazakh.chat_id, poll_id, [0]))  # voted again: not counted
    bot(fake_telegram.poll_answer(other.chat_id, poll_id, [0]))  # someone else's poll message: ignored
    assert Response.objects.filter(poll=pulse).count() == 1
    assert Answer.objects.get().choice.label_ru == "Нет"
    assert Response.objects.get().unit_id == branch_a.pk


def test_a_long_survey_arrives_as_a_personal_link_that_works_once(fake_telegram, client, survey, branch_a):
    member = SubscriberFactory(branch=branch_a)
    services.queue_polls()
    deliver()
    [text] = fake_telegram.texts_to(member.chat_id)
    assert "Пульс-опрос" in text
    url = re.search(r'href="[^"]*?(/polls/survey/t/[^/"]+/)"|(/polls/survey/t/[^/\s]+/)', text)
    path = url.group(1) or url.group(2)
    assert _answer(client, survey, url=path).status_code == 302
    client.cookies.clear()
    again = _answer(client, survey, url=path)
    assert again.status_code == 409
    assert Response.objects.filter(poll=survey).count() == 1


def test_an_open_poll_goes_as_its_branch_link(fake_telegram, regional_org, branch_a):
    make_poll(organisation=regional_org, units=[branch_a], slug="open-one")
    member = SubscriberFactory(branch=branch_a)
    services.queue_polls()
    deliver()
    assert "/polls/open-one/b/branch-a/" in fake_telegram.texts_to(member.chat_id)[0]


def test_the_weekly_digest_lists_the_open_polls_of_the_recipients_branch(editor_a, editor_b, survey):
    editor_a.email, editor_b.email = "a@example.invalid", "b@example.invalid"
    editor_a.save()
    editor_b.save()
    digest.send_weekly_digests()
    [to_a] = [m for m in mail.outbox if m.to == [editor_a.email]]
    [to_b] = [m for m in mail.outbox if m.to == [editor_b.email]]
    assert "Пульс-опрос" in to_a.body and "/polls/survey/b/branch-a/" in to_a.body
    assert "/polls/survey/b/branch-a/" in to_a.alternatives[0][0]
    assert "Пульс-опрос" not in to_b.body  # branch B is not asked


def test_the_decision_reaches_those_who_answered_in_telegram(fake_telegram, bot, pulse, branch_a):
    answered, silent = SubscriberFactory(branch=branch_a), SubscriberFactory(branch=branch_a)
    services.queue_polls()
    deliver()
    bot(fake_telegram.poll_answer(answered.chat_id, NativePoll.objects.get(subscriber=answered).telegram_poll_id, [0]))
    close(pulse)
    poll_services.poll_publish_outcome(poll=pulse, outcome_ru="Методический день будет в каждую последнюю пятницу.")
    assert services.queue_polls() == 1
    assert services.queue_polls() == 0
    deliver()
    assert "последнюю пятницу" in fake_telegram.last_to(answered.chat_id).text
    assert not any("последнюю пятницу" in t for t in fake_telegram.texts_to(silent.chat_id))
