"""The scheduled jobs of polls, as tasks and as commands: each safe to run twice."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from polls import services, tasks
from polls.choices import InvitationChannel
from polls.models import Invitation, Poll
from tests.polls.factories import answer


def test_the_reshuffle_job_rewrites_used_codes_and_keeps_them_used(invitation_poll):
    codes = [services.invitation_issue(poll=invitation_poll, channel=InvitationChannel.PRINTED)[1] for _i in range(3)]
    for code in codes[:2]:
        answer(invitation_poll, code=code)
    assert tasks.reshuffle_used_invitations() == 2
    assert tasks.reshuffle_used_invitations() == 2
    assert Invitation.objects.filter(is_used=True).count() == 2
    assert Invitation.objects.count() == 3
    call_command("polls_reshuffle_invitations")
    # A used code stays used after its row was rewritten.
    from unionportal.exceptions import ApplicationError

    try:
        answer(invitation_poll, code=codes[0])
    except ApplicationError as exc:
        assert exc.code == "code_used"
    else:
        raise AssertionError("a used code was accepted again")


def test_the_freeze_job_freezes_each_closed_poll_once(poll, branch_a):
    answer(poll, unit=branch_a)
    Poll.objects.filter(pk=poll.pk).update(closed_at=timezone.now() - datetime.timedelta(minutes=5))
    assert tasks.freeze_closed_polls() == 1
    assert tasks.freeze_closed_polls() == 0
    call_command("polls_freeze_closed")
    assert Poll.objects.get().tallies["units"] == {str(branch_a.pk): 1}
