from branches.models import SocialPage
from tests.access import UrlCase
from tests.branches.factories import SocialPageFactory

URL_CASES = [
    UrlCase("branches:list", public=True),
]

ADMIN_RECORDS = {
    SocialPage: lambda org: SocialPageFactory(organisation=org),
}
