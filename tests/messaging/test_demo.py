import pytest

from messaging import demo
from messaging.models import Broadcast, OutboxMessage, Subscriber
from tests.branches.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_subscribers_in_both_languages_and_a_sent_notice_and_runs_twice(regional_org):
    for slug in ("temirtau", "shet", "karkaraly"):
        OrganisationFactory(slug=slug, parent=regional_org)
    demo.load()
    demo.load()
    assert Subscriber.objects.count() == sum(n for *_x, n in demo.SUBSCRIBERS)
    assert set(Subscriber.objects.values_list("language", flat=True)) == {"ru", "kk"}
    broadcast = Broadcast.objects.get()
    assert OutboxMessage.objects.filter(broadcast=broadcast).count() == broadcast.recipients
    assert OutboxMessage.objects.filter(status="blocked").count() == 2
