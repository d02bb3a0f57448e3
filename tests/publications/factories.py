import datetime as dt
from zoneinfo import ZoneInfo

import factory

from publications.choices import Channel, Language
from publications.models import Publication, Repost, Rubric, Topic
from tests.branches.factories import OrganisationFactory

ALMATY = ZoneInfo("Asia/Almaty")


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Рубрика {n}")
    slug = factory.Sequence(lambda n: f"rubric-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name_ru = factory.Sequence(lambda n: f"Тема {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    published_at = factory.Sequence(lambda n: dt.datetime(2024, 3, 1, 10, 0, tzinfo=ALMATY) - dt.timedelta(hours=n))
    title = factory.Sequence(lambda n: f"Новость профсоюза №{n}")
    text = "Профсоюз провёл встречу с педагогами по вопросам защиты трудовых прав."
    channel = Channel.FACEBOOK
    organisation = factory.SubFactory(OrganisationFactory)
    language = Language.RU
    url = ""


class RepostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repost

    publication = factory.SubFactory(PublicationFactory)
    partner_name = "Управление образования Карагандинской области"


def seed_rubrics_and_topics() -> None:
    """The data migration's rubrics and topics again: a transactional test before may have
    flushed them, and the example files name them."""
    import importlib

    seed = importlib.import_module("publications.migrations.0002_seed_rubrics_and_topics")
    for slug, name, description in seed.RUBRICS:
        Rubric.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    for slug, name_ru, name_kk in seed.TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name_ru": name_ru, "name_kk": name_kk})
