from branches.models import FollowerCount, OutreachVisit, SocialConnection, SocialPage
from tests.access import BRANCH_EDITOR, CHAIR, REGIONAL_STAFF, UrlCase
from tests.branches.factories import FollowerCountFactory, OutreachVisitFactory, SocialPageFactory

URL_CASES = [
    UrlCase("branches:list", public=True),
    UrlCase("branches:detail", kwargs=lambda w: {"slug": w.branch_a.slug}, public=True),
    UrlCase("branches:export", roles=frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR}), query="layout=full&format=csv"),
    # The old import page's address leads anyone to the admin import, which checks who may import.
    UrlCase("branches:import", public=True, ok_statuses=(302,)),
]

ADMIN_RECORDS = {
    SocialPage: lambda org: SocialPageFactory(organisation=org),
    FollowerCount: lambda org: FollowerCountFactory(social_page=SocialPageFactory(organisation=org)),
    OutreachVisit: lambda org: OutreachVisitFactory(branch=org),
    SocialConnection: lambda org: SocialConnection.objects.create(
        social_page=SocialPageFactory(organisation=org), external_id="17841400000000001"
    ),
}
