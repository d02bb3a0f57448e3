import factory
from django.utils import timezone

from messaging.consent import CURRENT_VERSION
from messaging.models import Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A member who agreed to the bot's messages."""

    class Meta:
        model = Subscriber

    chat_id = factory.Sequence(lambda n: 910_000_000 + n)
    language = "ru"
    consent_version = CURRENT_VERSION
    consent_at = factory.LazyFunction(timezone.now)
