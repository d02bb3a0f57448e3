from media_reports.models import MediaAppearance, NewspaperSubscription, Speaker
from tests.access import BRANCH_EDITOR, CHAIR, REGIONAL_STAFF, UrlCase
from tests.media_reports.factories import MediaAppearanceFactory, NewspaperSubscriptionFactory, SpeakerFactory

URL_CASES = [
    UrlCase("media_reports:list", public=True),
    UrlCase("media_reports:list", public=True, query="year=2023&kind=article&level=regional&page=2"),
    UrlCase("media_reports:detail", kwargs=lambda w: {"pk": MediaAppearanceFactory(organisation=w.branch_a).pk}, public=True),
    # Every staff role may export; each gets only the records of their scope.
    UrlCase("media_reports:export", roles=frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR})),
    UrlCase("media_reports:export", roles=frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR}), query="format=xlsx"),
    UrlCase("media_reports:export", roles=frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR}), query="dataset=subscriptions"),
    # The old import page's address leads anyone to the admin import, which checks who may import.
    UrlCase("media_reports:import", public=True, ok_statuses=(302,)),
]

ADMIN_RECORDS = {
    Speaker: lambda org: SpeakerFactory(organisation=org),
    MediaAppearance: lambda org: MediaAppearanceFactory(organisation=org),
    NewspaperSubscription: lambda org: NewspaperSubscriptionFactory(organisation=org),
}
