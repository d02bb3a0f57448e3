import itertools

from polls import services
from polls.choices import Access, InvitationChannel
from polls.models import Invitation, Poll
from tests.access import UrlCase
from tests.polls.factories import make_poll

_numbers = itertools.count(1)


def _poll(org, **extra):
    return make_poll(organisation=org, units=[org], slug=f"poll-{next(_numbers)}", **extra)


def _invitation(org):
    poll = _poll(org, access=Access.INVITATION)
    return services.invitation_issue(poll=poll, channel=InvitationChannel.PRINTED, unit=org)[0]


URL_CASES = [
    UrlCase("polls:list", public=True),
    UrlCase("polls:answer", kwargs=lambda w: {"slug": _poll(w.branch_a).slug}, public=True),
    UrlCase("polls:unit", kwargs=lambda w: {"slug": _poll(w.branch_a).slug, "unit_slug": w.branch_a.slug}, public=True),
    UrlCase("polls:unit_qr", kwargs=lambda w: {"slug": _poll(w.branch_a).slug, "unit_slug": w.branch_a.slug}, public=True),
    UrlCase(
        "polls:invited",
        kwargs=lambda w: {"slug": _poll(w.branch_a, access=Access.INVITATION).slug, "code": "ABCDE23456"},
        public=True,
    ),
    # Without having answered, the "counted" page sends the visitor to the form.
    UrlCase("polls:thanks", kwargs=lambda w: {"slug": _poll(w.branch_a).slug}, public=True, ok_statuses=(302,)),
    UrlCase("polls:results", kwargs=lambda w: {"slug": _poll(w.branch_a).slug}, public=True),
]

ADMIN_RECORDS = {
    Poll: _poll,
    Invitation: _invitation,
}
