"""No query can join an answer to the code that allowed it: no key, no time, no order."""

import pytest
from django.db import connection, models

from polls import services
from polls.choices import InvitationChannel
from polls.models import Answer, Invitation, Response
from tests.polls.factories import answer, close


def _related_models(model):
    return {f.related_model for f in model._meta.get_fields() if f.is_relation}


def test_no_table_of_answers_points_at_an_invitation_or_back():
    assert Invitation not in _related_models(Response)
    assert Invitation not in _related_models(Answer)
    assert Response not in _related_models(Invitation)
    assert Answer not in _related_models(Invitation)


def test_no_time_finer_than_the_day_is_kept_with_an_answer_or_on_a_used_code():
    for model in (Response, Answer, Invitation):
        assert not [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)], model


def test_a_response_id_says_nothing_of_the_order_of_answers():
    assert isinstance(Response._meta.pk, models.UUIDField)


def test_spending_a_code_changes_nothing_on_it_but_the_used_flag(invitation_poll):
    _inv, code = services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.PRINTED)
    before = Invitation.objects.values().get()
    answer(invitation_poll, code=code)
    after = Invitation.objects.values().get()
    assert {k for k in before if before[k] != after[k]} == {"is_used"}


def test_the_order_codes_were_used_in_cannot_be_read_from_the_codes(invitation_poll):
    codes = [services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.PRINTED)[1] for _i in range(8)]
    issued_order = list(Invitation.objects.order_by("pk").values_list("pk", flat=True))
    for code in reversed(codes):  # used in the opposite order of issue
        answer(invitation_poll, code=code)
    close(invitation_poll)  # closing rewrites the used codes
    # Every way of listing the used codes gives the issue order or a random one, never the use order.
    assert list(Invitation.objects.filter(is_used=True).order_by("pk").values_list("pk", flat=True)) == issued_order
    assert Invitation.objects.filter(is_used=True).count() == 8
    assert Response.objects.count() == 8


def _xmins():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM polls_invitation WHERE is_used")
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL row versions")
@pytest.mark.django_db(transaction=True)
def test_after_the_reshuffle_used_codes_share_one_transaction_id(regional_org, branch_a, branch_b):
    from polls.choices import Access
    from tests.polls.factories import make_poll

    poll = make_poll(organisation=regional_org, units=[branch_a, branch_b], access=Access.INVITATION, slug="pg")
    codes = [services.invitation_issue(poll=poll, channel=InvitationChannel.PRINTED)[1] for _i in range(4)]
    for code in codes:
        answer(poll, code=code)  # each answer its own transaction, as in production
    assert len(_xmins()) == 4
    services.invitations_reshuffle(poll=poll)
    assert len(_xmins()) == 1
