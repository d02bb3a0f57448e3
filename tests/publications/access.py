import itertools

from publications.models import IncomingPost, Publication
from tests.access import BRANCH_EDITOR, CHAIR, REGIONAL_STAFF, UrlCase

STAFF = frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR})
# The chair looks at everything and logs nothing.
WRITERS = frozenset({BRANCH_EDITOR, REGIONAL_STAFF})


def _publication(world):
    from tests.publications.factories import PublicationFactory

    return PublicationFactory(organisation=world.branch_a)


URL_CASES = [
    UrlCase("publications:list", public=True),
    UrlCase("publications:list", public=True, query="rubric=nope&year=abc&older=garbage"),
    UrlCase("publications:detail", public=True, kwargs=lambda w: {"pk": _publication(w).pk}),
    UrlCase("publications:feed", public=True),
    UrlCase("publications:quick", roles=WRITERS),
    UrlCase("publications:quick", roles=WRITERS, query="url=https://www.facebook.com/share/p/abc/"),
    UrlCase("publications:month", roles=WRITERS, query="month=2024-03"),
    # The old import page's address leads anyone to the admin import, which checks who may import.
    UrlCase("publications:import", public=True, ok_statuses=(302,)),
    UrlCase("publications:export", roles=STAFF, kwargs=lambda w: {"fmt": "csv"}),
    UrlCase("publications:export", roles=STAFF, kwargs=lambda w: {"fmt": "xlsx"}),
    UrlCase("publications:counts", roles=STAFF),
]


def _make_publication(org):
    from tests.publications.factories import PublicationFactory

    return PublicationFactory(organisation=org)


_POST_IDS = itertools.count(1)


def _make_incoming_post(org):
    import datetime as dt

    from tests.branches.factories import SocialPageFactory

    n = next(_POST_IDS)
    return IncomingPost.objects.create(
        social_page=SocialPageFactory(organisation=org),
        external_id=f"1790000000{n:07d}",
        url=f"https://www.instagram.com/p/MATRIX{n}/",
        published_at=dt.datetime(2024, 3, 8, 9, tzinfo=dt.UTC),
    )


ADMIN_RECORDS = {Publication: _make_publication, IncomingPost: _make_incoming_post}
