"""The rules of counting, as the service keeps them for every way in."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from polls import services
from polls.choices import Access, Audience, InvitationChannel, QuestionKind
from polls.models import Answer, Choice, Invitation, Question, Response
from tests.branches.factories import PrimaryOrganisationFactory
from tests.db_writes import recorded_writes
from tests.polls.factories import answer, close, make_poll
from unionportal.exceptions import ApplicationError, DuplicateError


def _submit(poll, values, **extra):
    return services.response_submit(poll=poll, submission=services.Submission(values=values, form_nonce=extra.pop("nonce", "n1"), **extra))


def _q(poll, kind):
    return poll.questions.get(kind=kind)


def test_an_answer_is_counted_with_its_branch_and_day(poll, branch_a):
    response = answer(poll, unit=branch_a, text="Больше встреч")
    assert response.unit == branch_a
    assert response.submitted_on == timezone.localdate()
    assert Answer.objects.filter(response=response).count() == 3
    assert set(Answer.objects.values_list("unit_id", flat=True)) == {branch_a.pk}


def test_a_closed_poll_counts_nothing(poll):
    close(poll)
    with pytest.raises(ApplicationError) as exc:
        answer(poll)
    assert exc.value.code == "closed"
    assert Response.objects.count() == 0


def test_a_forged_question_id_is_refused(poll):
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, {"999999": ["1"]})
    assert exc.value.code == "forged_question"
    assert Response.objects.count() == 0


def test_a_choice_of_another_question_is_refused(poll, regional_org, branch_a):
    other = make_poll(organisation=regional_org, units=[branch_a], slug="other")
    foreign_choice = _q(other, QuestionKind.SINGLE).choices.first()
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, {str(_q(poll, QuestionKind.SINGLE).pk): [str(foreign_choice.pk)], str(_q(poll, QuestionKind.SCALE).pk): ["3"]})
    assert exc.value.code == "bad_choice"
    assert Response.objects.count() == 0


def test_two_answers_to_a_single_choice_are_refused(poll):
    single = _q(poll, QuestionKind.SINGLE)
    ids = [str(c.pk) for c in single.choices.all()[:2]]
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, {str(single.pk): ids, str(_q(poll, QuestionKind.SCALE).pk): ["3"]})
    assert exc.value.code == "one_choice"


def test_a_multiple_choice_keeps_its_maximum(regional_org, branch_a):
    poll = make_poll(
        organisation=regional_org, units=[branch_a], slug="multi",
        questions=[{"kind": QuestionKind.MULTIPLE, "text_ru": "Что важно?", "choices_ru": "А\nБ\nВ\nГ", "max_choices": 2}],
    )
    question = poll.questions.get()
    ids = [str(c.pk) for c in question.choices.all()]
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, {str(question.pk): ids[:3]})
    assert exc.value.code == "too_many_choices"
    _submit(poll, {str(question.pk): ids[:2]})
    assert Answer.objects.filter(question=question).count() == 2


def test_a_score_outside_1_to_5_is_refused(poll):
    single = _q(poll, QuestionKind.SINGLE)
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, {str(single.pk): [str(single.choices.first().pk)], str(_q(poll, QuestionKind.SCALE).pk): ["6"]})
    assert exc.value.code == "bad_scale"


def test_a_free_text_over_its_limit_is_refused(poll):
    single = _q(poll, QuestionKind.SINGLE)
    values = {
        str(single.pk): [str(single.choices.first().pk)],
        str(_q(poll, QuestionKind.SCALE).pk): ["3"],
        str(_q(poll, QuestionKind.TEXT).pk): ["я" * 201],
    }
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, values)
    assert exc.value.code == "too_long"
    assert Response.objects.count() == 0


def test_a_required_question_left_empty_is_refused(poll):
    with pytest.raises(ApplicationError) as exc:
        _submit(poll, {str(_q(poll, QuestionKind.SCALE).pk): ["3"]})
    assert exc.value.code == "required"


def test_the_same_form_sent_twice_counts_once(poll):
    single = _q(poll, QuestionKind.SINGLE)
    values = {str(single.pk): [str(single.choices.first().pk)], str(_q(poll, QuestionKind.SCALE).pk): ["3"]}
    _submit(poll, values, nonce="same")
    with pytest.raises(DuplicateError):
        _submit(poll, values, nonce="same")
    assert Response.objects.count() == 1


def test_an_invitation_code_counts_one_answer(invitation_poll, branch_b):
    _inv, code = services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.EMAIL, email="t@example.invalid", unit=branch_b)
    response = answer(invitation_poll, code=code)
    assert response.unit == branch_b  # the code's branch
    with pytest.raises(ApplicationError) as exc:
        answer(invitation_poll, code=code)
    assert exc.value.code == "code_used"
    assert Response.objects.count() == 1


def test_an_unknown_code_is_refused_and_a_failed_answer_leaves_the_code_unspent(invitation_poll):
    with pytest.raises(ApplicationError) as exc:
        answer(invitation_poll, code="NOTACODE22")
    assert exc.value.code == "code_unknown"
    _inv, code = services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.PRINTED)
    with pytest.raises(ApplicationError):
        answer(invitation_poll, code=code, **{str(_q(invitation_poll, QuestionKind.SCALE).pk): ["9"]})
    assert not Invitation.objects.get().is_used


def test_a_printed_code_is_typed_in_any_case_and_with_dashes(invitation_poll):
    code = services.invitations_issue_printed(poll=invitation_poll, count=1)[0]
    assert "-" in code
    answer(invitation_poll, code=code.lower())
    assert Invitation.objects.get().is_used


def test_an_open_poll_issues_no_codes(poll):
    with pytest.raises(ApplicationError):
        services.invitation_issue(poll=poll, channel=InvitationChannel.EMAIL)


def test_a_named_poll_asks_for_a_name_and_a_contact(regional_org, branch_a):
    poll = make_poll(organisation=regional_org, units=[branch_a], slug="named", is_anonymous=False)
    with pytest.raises(ApplicationError) as exc:
        answer(poll)
    assert exc.value.code == "named"
    single = _q(poll, QuestionKind.SINGLE)
    values = {str(single.pk): [str(single.choices.first().pk)], str(_q(poll, QuestionKind.SCALE).pk): ["3"]}
    response = _submit(poll, values, name="Айгерим", email="a@example.invalid")
    assert response.respondent_email == "a@example.invalid"


def test_an_anonymous_poll_keeps_no_name_even_when_sent(poll):
    single = _q(poll, QuestionKind.SINGLE)
    values = {str(single.pk): [str(single.choices.first().pk)], str(_q(poll, QuestionKind.SCALE).pk): ["3"]}
    response = _submit(poll, values, name="Айгерим", email="a@example.invalid", phone="+77000000000")
    assert (response.respondent_name, response.respondent_email, response.respondent_phone) == ("", "", "")


def test_questions_are_frozen_once_the_poll_has_answers(poll):
    answer(poll)
    question = _q(poll, QuestionKind.SINGLE)
    question.text_ru = "Другой вопрос"
    with pytest.raises(services.PollLocked):
        services.question_save(question=question)
    with pytest.raises(services.PollLocked):
        services.question_delete(question=question)
    with pytest.raises(services.PollLocked):
        services.question_save(question=Question(poll=poll, kind=QuestionKind.SCALE, text_ru="Ещё"))


def test_a_poll_has_at_most_20_questions(regional_org, branch_a):
    with pytest.raises(ApplicationError):
        make_poll(organisation=regional_org, units=[branch_a], slug="long", questions=[{"kind": "scale", "text_ru": f"Q{i}"} for i in range(21)])


def test_a_branch_asks_only_its_own_members(branch_a, branch_b):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_poll(organisation=branch_a, units=[branch_a, branch_b], slug="grab")
    with pytest.raises(ValidationError):
        make_poll(organisation=branch_a, audience=Audience.REGION, slug="grab2")


def test_the_primaries_of_a_branch_get_one_link_each(regional_org, branch_a):
    school_1 = PrimaryOrganisationFactory(parent=branch_a)
    school_2 = PrimaryOrganisationFactory(parent=branch_a)
    poll = make_poll(organisation=branch_a, audience=Audience.PRIMARIES, units=[branch_a], slug="schools")
    from polls import selectors

    assert {u.pk for u in selectors.poll_units(poll)} == {school_1.pk, school_2.pk}
    assert poll in selectors.open_polls_for(school_1)


def test_open_polls_for_an_organisation_are_those_that_ask_it(poll, branch_a, branch_b, regional_org):
    from polls import selectors
    from tests.branches.factories import OrganisationFactory

    other = OrganisationFactory(slug="branch-c", parent=regional_org)
    assert list(selectors.open_polls_for(branch_a)) == [poll]
    assert list(selectors.open_polls_for(other)) == []
    close(poll)
    assert list(selectors.open_polls_for(branch_a)) == []


def test_the_decision_is_published_only_after_closing_and_sent_once(invitation_poll, regional_org):
    _inv, code = services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.EMAIL, email="teacher@example.invalid")
    services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.EMAIL, email="silent@example.invalid")
    answer(invitation_poll, code=code)
    with pytest.raises(ApplicationError):
        services.poll_publish_outcome(poll=invitation_poll, outcome_ru="Решили")
    close(invitation_poll)
    with pytest.raises(ApplicationError):
        services.poll_publish_outcome(poll=invitation_poll, outcome_ru="  ")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.poll_publish_outcome(poll=invitation_poll, outcome_ru="Добились доплаты", outcome_kk="Қосымша ақыға қол жеткіздік")
    assert [m.to for m in mail.outbox] == [["teacher@example.invalid"]]
    assert "Добились доплаты" in mail.outbox[0].body
    assert services.outcome_send(poll_id=invitation_poll.pk) == 0
    assert len(mail.outbox) == 1


def test_closing_twice_is_harmless(poll):
    assert services.poll_close(poll=poll)
    assert not services.poll_close(poll=poll)


def test_a_poll_closes_after_it_opens(regional_org, branch_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_poll(organisation=regional_org, units=[branch_a], slug="back", opens_in_days=2, closes_in_days=1)


def test_the_scheduled_reshuffle_covers_open_invitation_polls(invitation_poll, poll):
    assert list(services.polls_to_reshuffle()) == [invitation_poll]
    invitation_poll.closes_at = timezone.now() - datetime.timedelta(days=2)
    invitation_poll.opens_at = invitation_poll.closes_at - datetime.timedelta(days=3)
    invitation_poll.save()
    assert list(services.polls_to_reshuffle()) == []
    assert Access.INVITATION == invitation_poll.access


def test_a_one_question_poll_goes_to_telegram_as_a_native_poll_and_its_answer_counts_once(regional_org, branch_a):
    from polls import selectors

    poll = make_poll(
        organisation=regional_org, units=[branch_a], slug="tg", access=Access.INVITATION,
        questions=[{"kind": QuestionKind.SINGLE, "text_ru": "Удобен ли бот?", "choices_ru": "Да\nНет"}],
    )
    payload = selectors.telegram_poll_payload(poll)
    assert payload["options"] == ["Да", "Нет"] and not payload["allows_multiple_answers"]
    invitation, _code = services.invitation_issue_telegram(poll=poll, subscriber_id=777, unit=branch_a)
    assert services.invitation_issue_telegram(poll=poll, subscriber_id=777)[0] == invitation  # once
    response = services.response_submit_telegram(poll=poll, subscriber_id=777, option_ids=[1])
    assert response.unit == branch_a
    assert response.answers.get().choice.label_ru == "Нет"
    assert services.response_submit_telegram(poll=poll, subscriber_id=777, option_ids=[0]) is None  # a resent update
    with pytest.raises(ApplicationError):
        services.response_submit_telegram(poll=poll, subscriber_id=888, option_ids=[0])  # never invited
    assert Response.objects.count() == 1
    from polls.selectors import outcome_telegram_recipients

    assert outcome_telegram_recipients(poll) == [777]


def test_a_longer_poll_goes_to_telegram_as_a_link(poll):
    from polls import selectors

    assert selectors.telegram_poll_payload(poll) is None


def _values_for(poll):
    single = _q(poll, QuestionKind.SINGLE)
    return {str(single.pk): [str(single.choices.first().pk)], str(_q(poll, QuestionKind.SCALE).pk): ["3"]}


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_open_poll_s_answer_is_one_statement_and_opens_no_transaction(poll, branch_a):
    """The response and its answers in one statement, in autocommit: BEGIN, two INSERTs and
    COMMIT were four round trips to the database for what a member waits on."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement write is PostgreSQL's; SQLite writes two INSERTs in a transaction")
    values = _values_for(poll)
    with recorded_writes() as writes:
        response = _submit(poll, values, unit_id=branch_a.pk)
    [(sql, in_autocommit)] = writes
    assert sql.startswith("WITH") and '"polls_answer"' in sql and in_autocommit
    stored = Response.objects.get()
    assert stored.pk == response.pk and stored.unit == branch_a
    single, scale = _q(poll, QuestionKind.SINGLE), _q(poll, QuestionKind.SCALE)
    assert sorted(stored.answers.values_list("question_id", "choice_id", "scale")) == sorted(
        [(single.pk, single.choices.first().pk, None), (scale.pk, None, 3)]
    )
    assert set(stored.answers.values_list("unit_id", flat=True)) == {branch_a.pk}


@pytest.mark.django_db(transaction=True)
def test_an_answer_refused_after_its_response_row_stores_nothing_and_is_not_called_counted(poll):
    """Outside a transaction, as a request runs: a choice deleted while the member answered
    breaks the answer's foreign key, after the response's row. Neither is stored, and the
    member is asked to send it again, not told it was counted."""
    questions = list(poll.questions.prefetch_related("choices"))  # as the form was served
    single, scale = (next(q for q in questions if q.kind == kind) for kind in (QuestionKind.SINGLE, QuestionKind.SCALE))
    removed, kept = list(single.choices.all())[:2]
    Choice.objects.filter(pk=removed.pk).delete()  # staff, meanwhile
    submission = services.Submission(values={str(single.pk): [str(removed.pk)], str(scale.pk): ["3"]}, form_nonce="n1")
    with pytest.raises(ApplicationError) as exc:
        services.response_submit(poll=poll, submission=submission, questions=questions)
    assert exc.value.code == "changed"
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    # Sent again with a choice that exists, the same form counts.
    _submit(poll, {str(single.pk): [str(kept.pk)], str(scale.pk): ["3"]}, nonce="n1")
    assert Response.objects.count() == 1 and Answer.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_answer_the_database_refuses_leaves_its_invitation_code_unspent(invitation_poll):
    """The code is spent in the answer's transaction: a form sent twice with a second code
    is refused by the unique nonce, and that second code can still be used."""
    values = _values_for(invitation_poll)
    first = services.invitations_issue_printed(poll=invitation_poll, count=2)
    _submit(invitation_poll, values, nonce="same", code=first[0])
    with pytest.raises(DuplicateError):
        _submit(invitation_poll, values, nonce="same", code=first[1])
    assert Response.objects.count() == 1
    assert Invitation.objects.filter(is_used=True).count() == 1
    _submit(invitation_poll, values, nonce="other", code=first[1])
    assert Response.objects.count() == 2 and Invitation.objects.filter(is_used=False).count() == 0
