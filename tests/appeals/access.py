from appeals.choices import Status
from appeals.models import Appeal
from tests.access import BRANCH_EDITOR, CHAIR, REGIONAL_STAFF, UrlCase
from tests.appeals.factories import AppealFactory

STAFF = frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR})


def _code(world, **kwargs):
    return {"code": AppealFactory(branch=world.branch_a, **kwargs).tracking_code}


URL_CASES = [
    UrlCase("appeals:submit", public=True),
    UrlCase("appeals:status", public=True),
    UrlCase("appeals:detail", kwargs=_code, public=True),
    # Anyone holding the code may rate once; the matrix sends a fresh appeal each time.
    UrlCase(
        "appeals:rate",
        kwargs=lambda w: _code(w, status=Status.CLOSED),
        public=True,
        method="post",
        data=lambda w: {"rating": "helpful"},
        ok_statuses=(302,),
    ),
    UrlCase("appeals:faq", public=True),
    # For members with an account: visitors are sent to log in (tested in test_views).
    UrlCase("appeals:mine", public=True, ok_statuses=(200, 302)),
    UrlCase(
        "appeals:attachment",
        kwargs=lambda w: {"pk": AppealFactory(branch=w.branch_a, with_attachment=True).pk},
        roles=STAFF,
        scoped=True,
    ),
]

ADMIN_RECORDS = {
    Appeal: lambda org: AppealFactory(branch=org),
}
